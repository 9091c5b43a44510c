"""Databases for the central index: SQLite in a temp dir, and a PostgreSQL database of its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from shared.storage.engine import make_engine, migrate
from tests.helpers.province import NoPostgres, own_postgres_database


@pytest.fixture(scope="session")
def central_postgres() -> Iterator[str]:
    """A fresh PostgreSQL database for this run's central index tests (skipped when none)."""
    try:
        with own_postgres_database() as url:
            yield url
    except NoPostgres:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")


def _wipe(url: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM central_handovers"))
        connection.execute(text("DELETE FROM central_dossiers"))
        connection.execute(text("DELETE FROM central_sites"))
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def central_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated index database: SQLite, or this run's own PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.db'}"
    url: str = request.getfixturevalue("central_postgres")
    _wipe(url)
    return url


@pytest.fixture
def central_sessions(central_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(central_url)
    migrate(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()
