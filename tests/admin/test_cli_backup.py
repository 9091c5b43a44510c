"""`motcua backup` / `restore` refuse what could harm the database: foreign files, a live server."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from admin import backup as b
from admin.cli import main
from shared.storage.engine import MIGRATIONS, close_database, open_database
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.helpers.sites import DEMO_CONFIG

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in a neutral locale: Vietnamese messages."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def url(path: Path) -> str:
    return f"sqlite:///{path}"


def officers(path: Path) -> list[str]:
    """The officer ids stored in a database file."""
    connection = sqlite3.connect(path)
    try:
        return [r[0] for r in connection.execute("SELECT officer_id FROM officers ORDER BY 1")]
    finally:
        connection.close()


def make_database(path: Path, officer: str) -> Path:
    """A migrated database holding one officer, every connection closed afterwards."""
    sessions = open_database(url(path))
    with sessions.begin() as session:
        OfficerRepository(session, "hcc-demo").upsert(
            officer, "Cán bộ", ("q01",), hash_password("2468"), AT
        )
    close_database(sessions)
    return path


@pytest.fixture
def good_backup(tmp_path: Path) -> Path:
    live = make_database(tmp_path / "live" / "motcua.db", "cb-backup")
    return b.backup(live, tmp_path / "backups" / "good.db")


def restore(source: Path, target: Path, *extra: str) -> int:
    args = ["restore", str(source), "--config", str(DEMO_CONFIG), "--database-url", url(target)]
    return main([*args, *extra])


def tampered(good: Path, name: str, *statements: str) -> Path:
    """A copy of a good backup changed by some SQL."""
    copy = good.with_name(name)
    copy.write_bytes(good.read_bytes())
    connection = sqlite3.connect(copy)
    try:
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()
    return copy


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (
            ("CREATE TRIGGER wipe AFTER INSERT ON tickets BEGIN DELETE FROM officers; END",),
            "trigger 'wipe'",
        ),
        (("CREATE VIEW everyone AS SELECT * FROM officers",), "view 'everyone'"),
        (("UPDATE alembic_version SET version_num = '9999'",), "phiên bản lược đồ '9999'"),
        (("DELETE FROM alembic_version",), "phiên bản lược đồ"),
        (("DROP TABLE officers",), "thiếu bảng officers"),
        (("ALTER TABLE officers DROP COLUMN title",), "thiếu cột officers.title"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_motcua_database(
    good_backup: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    statements: tuple[str, ...],
    expected: str,
) -> None:
    bad = tampered(good_backup, "bad.db", *statements)
    target = tmp_path / "target" / "motcua.db"
    assert restore(bad, target) == 1
    err = capsys.readouterr().err
    assert err.startswith("motcua restore: ") and expected in err, err
    assert not target.exists()


def test_a_backup_from_an_older_schema_is_accepted(tmp_path: Path) -> None:
    old = tmp_path / "old.db"
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = create_engine(url(old))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0002")
    engine.dispose()
    target = tmp_path / "target" / "motcua.db"
    assert restore(old, target) == 0
    # The server brings it to the newest schema when it opens it.
    close_database(open_database(url(target)))
    assert officers(target) == []


@pytest.fixture
def running_server(tmp_path: Path) -> Iterator[tuple[Path, sessionmaker[Session]]]:
    """The database a server has open: opened the server's way, its connections kept."""
    path = make_database(tmp_path / "data" / "motcua.db", "cb-live")
    sessions = open_database(url(path))
    with sessions() as session:
        assert OfficerRepository(session, "hcc-demo").get("cb-live") is not None
    yield path, sessions
    close_database(sessions)


def test_restore_refuses_while_the_server_has_the_database_open(
    good_backup: Path,
    running_server: tuple[Path, sessionmaker[Session]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, sessions = running_server
    assert restore(good_backup, path, "--force") == 1
    err = capsys.readouterr().err
    assert "đang được mở" in err and "dừng máy chủ" in err, err
    assert not list(path.parent.glob("motcua.db.before-restore-*"))
    close_database(sessions)  # the server stops
    assert officers(path) == ["cb-live"]
    assert restore(good_backup, path, "--force") == 0
    assert officers(path) == ["cb-backup"]


def test_backup_does_not_overwrite_a_file_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = make_database(tmp_path / "live" / "motcua.db", "cb-live")
    out = tmp_path / "precious.db"
    out.write_bytes(b"last week's backup")
    args = ["backup", "--config", str(DEMO_CONFIG), "--database-url", url(live)]
    assert main([*args, "--out", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"last week's backup"
    assert main([*args, "--out", str(out), "--force"]) == 0
    assert officers(out) == ["cb-live"]


@pytest.mark.parametrize("name", ["bản #1.db", "sao-lưu?ngày=1.db", "a%20b.db"])
def test_paths_with_uri_characters_back_up_and_restore(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    live = make_database(tmp_path / "live" / "motcua.db", "cb-live")
    out = tmp_path / "backups" / name
    args = ["backup", "--config", str(DEMO_CONFIG), "--database-url", url(live)]
    assert main([*args, "--out", str(out)]) == 0, capsys.readouterr().err
    assert officers(out) == ["cb-live"]
    assert sorted(p.name for p in out.parent.iterdir()) == [name]
    target = tmp_path / "restored" / "motcua.db"
    assert restore(out, target) == 0, capsys.readouterr().err
    assert officers(target) == ["cb-live"]


def test_backup_onto_the_database_itself_is_refused_even_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    live = make_database(tmp_path / "live" / "motcua.db", "cb-live")
    args = ["backup", "--config", str(DEMO_CONFIG), "--database-url", url(live)]
    assert main([*args, "--out", str(live), "--force"]) == 1
    assert "chính là cơ sở dữ liệu" in capsys.readouterr().err
    assert restore(live, live, "--force") == 1
    assert officers(live) == ["cb-live"]
