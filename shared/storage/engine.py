"""Database engines: SQLite (WAL, immediate transactions) or PostgreSQL, migrated by Alembic."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
# The advisory lock key servers take while migrating a shared PostgreSQL database ("motcua").
MIGRATION_LOCK = 0x6D6F74637561
# SQLite keeps officer hashes and citizens' data in these files: only their owner may read them.
PRIVATE = 0o600
# How long an SQLite connection waits for another's lock; the queue server waits less (see
# open_database): a database that does not answer gets a clear reply within a second.
BUSY_TIMEOUT_MS = 10000
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
log = logging.getLogger(__name__)


def make_private(database: Path) -> None:
    """Create the SQLite file owner-only (before SQLite does), and tighten it and its WAL files.

    SQLite creates the WAL and shared-memory files with the database file's mode, so a private
    database file keeps them private too.
    """
    if not database.exists():
        os.close(os.open(database, os.O_WRONLY | os.O_CREAT, PRIVATE))
    for path in (database, *(database.with_name(database.name + s) for s in SQLITE_SIDE_FILES)):
        try:
            if path.exists() and path.stat().st_mode & 0o777 != PRIVATE:
                path.chmod(PRIVATE)
        except OSError as exc:  # another user's file: say so, the server can still run
            log.warning("cannot make %s private (mode 0600): %s", path, exc)


def make_engine(
    url: str, sqlite_synchronous: str = "normal", busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and write-locking transactions.

    PostgreSQL connections give up quickly on a database that does not answer (a refused or
    cut connection fails within about a second, a connection attempt within two).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        connect_args = {"connect_timeout": 2, "tcp_user_timeout": 1000}
        return create_engine(
            url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args=connect_args
        )
    database = None
    if (
        parsed.database
        and parsed.database != ":memory:"
        and not parsed.database.startswith("file:")
    ):
        database = Path(parsed.database)
        database.parent.mkdir(parents=True, exist_ok=True)
        make_private(database)
    engine = create_engine(url, connect_args={"check_same_thread": False})
    synchronous = "FULL" if sqlite_synchronous == "full" else "NORMAL"

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        if database is not None:
            make_private(database)  # the WAL files exist now; tighten any left loose before

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Take the write lock at the start, so two processes never deadlock upgrading a read lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (one server at a time on PostgreSQL).

    Branch servers sharing a PostgreSQL database may start together: each takes a
    transaction-scoped advisory lock first, so the second one waits and then finds the schema
    already at the newest revision. (SQLite's `BEGIN IMMEDIATE` already serialises them.)
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_database(
    url: str, sqlite_synchronous: str = "normal", busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> sessionmaker[Session]:
    """Create the engine, migrate it, and return a session factory."""
    engine = make_engine(url, sqlite_synchronous, busy_timeout_ms)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


def close_database(sessions: sessionmaker[Session]) -> None:
    """Close every connection of a session factory made by `open_database`."""
    bind = sessions.kw.get("bind")
    if bind is not None:
        bind.dispose()
