"""Upgrading to one outbox row per code keeps every pending entry (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, MetaData, Table, select
from sqlalchemy.orm import Session

from shared.storage import held_results, outbox
from shared.storage.engine import make_engine, migrate
from shared.storage.index_tables import DossierOutboxRow
from tests.storage.test_scrub_login_passwords import _migrate_to

AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def _filler(column: Any) -> object:
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer):
        return 1
    if isinstance(kind, DateTime):
        return AT
    if isinstance(kind, Date):
        return date(2026, 12, 1)
    return "x"


def test_pending_entries_survive_and_notices_share_the_outbox(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        _migrate_to(engine, "0011")
        tables = MetaData()
        dossiers = Table("dossiers", tables, autoload_with=engine)
        old_outbox = Table("dossier_outbox", tables, autoload_with=engine)
        values = {
            c.name: _filler(c)
            for c in dossiers.columns
            if not c.nullable and not c.primary_key and c.server_default is None
        }
        with engine.begin() as connection:
            values.update(site_id="hcc-a", code="000.00.17.H97-261201-0001")
            dossier_id = connection.execute(dossiers.insert().values(**values)).inserted_primary_key
            connection.execute(
                old_outbox.insert().values(
                    dossier_id=dossier_id[0],
                    site_id="hcc-a",
                    code="000.00.17.H97-261201-0001",
                    version=3,
                    acked_version=2,
                    pending=True,
                    entry="{}",
                    updated_at=AT,
                )
            )
        migrate(engine)
        with Session(engine) as session, session.begin():
            (row,) = session.scalars(select(DossierOutboxRow)).all()
            assert (row.dossier_id, row.kind, row.version, row.acked_version, row.pending) == (
                dossier_id[0],
                "dossier",
                3,
                2,
                True,
            )
            held_results.arrive(
                session,
                "hcc-a",
                "000.00.17.H98-261201-0007",
                ("hcc-b", "Chi nhánh Quận Hai"),
                "{}",
                "cb04",
                '{"notice": 1}',
                AT,
            )
            waiting = outbox.pending(session, "hcc-a", 10)
            assert [(e.kind, e.version) for e in waiting] == [("dossier", 3), ("handover", 1)]
            assert outbox.acknowledge(session, "hcc-a", "000.00.17.H98-261201-0007", 1)
            assert outbox.count_pending(session, "hcc-a") == 1
    finally:
        engine.dispose()
