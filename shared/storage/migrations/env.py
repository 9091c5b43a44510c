"""Alembic environment: runs on the connection handed over by shared.storage.engine.migrate."""

from alembic import context
from sqlalchemy import create_engine

import shared.storage.dossier_tables  # noqa: F401  (registers its tables)
from shared.storage import (  # noqa: F401  (registers their tables)
    agency_codes,
    appointments,
    fact_tables,
    index_tables,
    notifications,
    personal_data,
    ticket_cards,
)
from shared.storage.tables import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")

if connection is None:
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise SystemExit("set sqlalchemy.url, or migrate through shared.storage.engine.migrate")
    with create_engine(url).connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        conn.commit()
else:
    context.configure(connection=connection, target_metadata=target_metadata)
    with context.begin_transaction():
        context.run_migrations()
