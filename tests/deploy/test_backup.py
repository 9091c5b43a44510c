"""`motcua backup` / `restore`: a served day copied with SQLite's online backup, then restored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, select
from sqlalchemy.orm import Session, sessionmaker

from admin import backup as b
from admin.cli import main
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.storage.engine import make_engine, migrate
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import DEMO_CONFIG


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    made = make_engine(f"sqlite:///{tmp_path / 'live' / 'motcua.db'}")
    migrate(made)
    yield made
    made.dispose()


def serve_a_day(demo_site: Site, engine: Engine, clock: FakeClock) -> None:
    """Tickets issued, called, served, finished and one no-show, through the queue server."""
    hall = Hall(demo_site, sessionmaker(engine, expire_on_commit=False), clock)
    for _ in range(5):
        hall.issue("ho-tich")
    hall.issue("chung-thuc")
    counter = hall.counter("q01")
    for _ in range(3):
        assert counter.call_next() is not None
        assert counter.do(c.StartServing).ok
        assert counter.do(c.Finish).ok
    assert counter.call_next() is not None


def rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, in a stable order."""
    engine = make_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    found = {}
    with Session(engine) as session:
        for name, table in sorted(metadata.tables.items()):
            order = list(table.primary_key.columns) or list(table.columns)
            found[name] = [tuple(r) for r in session.execute(select(table).order_by(*order))]
    engine.dispose()
    return found


def test_backup_of_a_live_database_restores_the_same_rows(
    demo_site: Site, engine: Engine, clock: FakeClock, tmp_path: Path
) -> None:
    serve_a_day(demo_site, engine, clock)
    live = Path(str(engine.url.database))
    # The server's connection stays open (WAL, nothing checkpointed) while the backup runs.
    with engine.connect():
        copy = b.backup(live, tmp_path / "backups" / "motcua-2026-11-23.db")
    assert oct(copy.stat().st_mode & 0o777) == "0o600"
    restored = tmp_path / "fresh" / "motcua.db"
    assert b.restore(copy, restored) is None
    before, after = rows(f"sqlite:///{live}"), rows(f"sqlite:///{restored}")
    assert before == after
    assert len(after["tickets"]) == 6 and after["command_log"]


def test_the_commands_back_up_and_restore_only_with_force_over_data(
    demo_site: Site, engine: Engine, clock: FakeClock, tmp_path: Path
) -> None:
    serve_a_day(demo_site, engine, clock)
    url = str(engine.url)
    out = tmp_path / "backup.db"
    common = ["--config", str(DEMO_CONFIG), "--database-url", url]
    assert main(["backup", *common, "--out", str(out)]) == 0
    target = f"sqlite:///{tmp_path / 'other' / 'motcua.db'}"
    restore = ["restore", str(out), "--config", str(DEMO_CONFIG), "--database-url", target]
    assert main(restore) == 0
    assert main(restore) == 1  # data there already: refused without --force
    assert main([*restore, "--force"]) == 0
    kept = list((tmp_path / "other").glob("motcua.db.before-restore-*"))
    assert len(kept) == 1
    assert rows(target) == rows(url) == rows(f"sqlite:///{kept[0]}")


def test_not_a_motcua_database_and_postgresql_are_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(b.BackupError):
        b.restore(junk, tmp_path / "motcua.db")
    with pytest.raises(b.BackupError, match="pg_dump"):
        b.sqlite_path("postgresql+psycopg://motcua@db/motcua")
