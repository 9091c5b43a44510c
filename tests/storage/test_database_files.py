"""The SQLite database and its WAL and shared-memory files are readable by their owner only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from shared.storage.engine import make_engine, migrate


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The usual umask (022): files other users could read unless created private."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _modes(path: Path) -> dict[str, int]:
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return {f.name: stat.S_IMODE(f.stat().st_mode) for f in files if f.exists()}


def test_a_new_database_and_its_wal_files_are_private(tmp_path: Path, open_umask: None) -> None:
    """The audit: officer hashes and citizens' data sat in a 0644 file."""
    path = tmp_path / "data" / "motcua.db"
    engine = make_engine(f"sqlite:///{path}")
    try:
        migrate(engine)
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE probe (x INTEGER)"))
            connection.execute(text("INSERT INTO probe VALUES (1)"))
        modes = _modes(path)
        assert {"motcua.db", "motcua.db-wal", "motcua.db-shm"} <= set(modes), modes
        assert set(modes.values()) == {0o600}, modes
    finally:
        engine.dispose()


def test_an_existing_loose_database_is_tightened_when_opened(
    tmp_path: Path, open_umask: None
) -> None:
    path = tmp_path / "motcua.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    path.chmod(0o644)
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        assert set(_modes(path).values()) == {0o600}
    finally:
        engine.dispose()
