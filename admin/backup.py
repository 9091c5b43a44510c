"""`motcua backup` / `motcua restore`: copy the SQLite database with sqlite3's online backup API."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from contextlib import closing
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from shared.cli_text import FAILURE, USAGE, say
from shared.config.site import DEFAULT_CONFIG, load_config
from shared.storage.engine import MIGRATIONS

# Pages copied per step: small steps let the running server write between them.
PAGES_PER_STEP = 256
# Schema objects a backup may hold besides tables and their indexes: none the migrations make.
CHECKED_KINDS = ("trigger", "view")


class BackupError(Exception):
    """The database could not be backed up or restored."""


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL; a BackupError for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise BackupError(
            say(
                "chỉ sao lưu được SQLite; với PostgreSQL dùng pg_dump / pg_restore "
                "(xem docs/deployment.md)",
                "only SQLite can be backed up here; for PostgreSQL use pg_dump / pg_restore "
                "(see docs/deployment.md)",
            )
        )
    return Path(parsed.database)


def _read_only(path: Path) -> sqlite3.Connection:
    """Open a file read-only; the URI is percent-encoded, so '#', '?' and '%' stay in the name."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _migrations() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def known_revisions() -> list[str]:
    """Every schema revision this version of Motcua knows, newest first."""
    script = ScriptDirectory.from_config(_migrations())
    return [revision.revision for revision in script.walk_revisions()]


@cache
def expected_schema(revision: str) -> dict[str, frozenset[str]]:
    """The tables (and their columns) the migrations create up to `revision`."""
    config = _migrations()
    engine = create_engine("sqlite://")
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            raw = connection.connection.driver_connection
            assert raw is not None
            return _tables(raw)
    finally:
        engine.dispose()


def _tables(connection: sqlite3.Connection) -> dict[str, frozenset[str]]:
    names = [r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    return {
        name: frozenset(
            r[0] for r in connection.execute("SELECT name FROM pragma_table_info(?)", (name,))
        )
        for name in names
    }


def check(path: Path) -> None:
    """Check a file is a whole Motcua database: intact, a known schema revision, nothing extra.

    Triggers and views are refused: the migrations create none, and a trigger in a restored
    file would run inside the server's own transactions.
    """
    if not path.is_file():
        raise BackupError(say(f"không có tệp {path}", f"no file {path}"))
    try:
        with closing(_read_only(path)) as connection:
            result = connection.execute("PRAGMA integrity_check").fetchone()
            objects = connection.execute("SELECT type, name FROM sqlite_master").fetchall()
            extra = [(kind, name) for kind, name in objects if kind in CHECKED_KINDS]
            if extra:
                kind, name = extra[0]
                raise BackupError(
                    say(
                        f"{path} có {kind} '{name}': cơ sở dữ liệu Motcua không có "
                        "trigger hay view nào, tệp này đã bị sửa",
                        f"{path} has a {kind} '{name}': a Motcua database has no triggers "
                        "or views, this file was altered",
                    )
                )
            tables = _tables(connection)
            versions = (
                [r[0] for r in connection.execute("SELECT version_num FROM alembic_version")]
                if "alembic_version" in tables
                else []
            )
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            say(
                f"{path} không phải cơ sở dữ liệu SQLite: {exc}",
                f"{path} is not an SQLite database: {exc}",
            )
        ) from None
    if not result or result[0] != "ok":
        raise BackupError(say(f"{path} bị hỏng: {result}", f"{path} is damaged: {result}"))
    _check_schema(path, versions, tables)


def _check_schema(path: Path, versions: list[str], tables: dict[str, frozenset[str]]) -> None:
    known = known_revisions()
    if len(versions) != 1 or versions[0] not in known:
        found = ", ".join(versions) or say("không có", "none")
        raise BackupError(
            say(
                f"{path} không phải cơ sở dữ liệu Motcua: phiên bản lược đồ '{found}' không "
                f"thuộc các phiên bản đã biết ({', '.join(known)})",
                f"{path} is not a Motcua database: schema revision '{found}' is none of "
                f"the known ones ({', '.join(known)})",
            )
        )
    expected = expected_schema(versions[0])
    missing = sorted(set(expected) - set(tables))
    if missing:
        raise BackupError(
            say(
                f"{path} không phải cơ sở dữ liệu Motcua: thiếu bảng {', '.join(missing)}",
                f"{path} is not a Motcua database: missing tables {', '.join(missing)}",
            )
        )
    columns = sorted(
        f"{table}.{column}" for table in expected for column in expected[table] - tables[table]
    )
    if columns:
        raise BackupError(
            say(
                f"{path} không phải cơ sở dữ liệu Motcua: thiếu cột {', '.join(columns)}",
                f"{path} is not a Motcua database: missing columns {', '.join(columns)}",
            )
        )


def _copy_to_file(source: sqlite3.Connection, out: Path, force: bool) -> Path:
    """Copy an open database into `out` through a staging file, then check the copy."""
    if out.is_dir():
        raise BackupError(say(f"{out} là một thư mục", f"{out} is a directory"))
    if out.exists() and not force:
        raise BackupError(
            say(
                f"{out} đã có; chọn tên khác hoặc thêm --force để ghi đè",
                f"{out} exists; choose another name or add --force to overwrite it",
            )
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(out.name + ".partial")
    staging.unlink(missing_ok=True)
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        with closing(sqlite3.connect(staging)) as target:
            source.backup(target, pages=PAGES_PER_STEP)
            # A single file, whatever the source's journal mode: easy to move and to restore.
            target.execute("PRAGMA journal_mode=DELETE")
        check(staging)
    except BaseException:
        staging.unlink(missing_ok=True)
        raise
    os.replace(staging, out)
    return out


def _distinct(database: Path, other: Path) -> None:
    if other.resolve() == database.resolve():
        raise BackupError(
            say(
                f"{other} chính là cơ sở dữ liệu đang dùng; chọn một tệp khác",
                f"{other} is the database itself; choose another file",
            )
        )


def backup(database: Path, out: Path, force: bool = False) -> Path:
    """Copy a live database to `out` (the server may keep writing), then check the copy."""
    if not database.is_file():
        raise BackupError(say(f"không có cơ sở dữ liệu {database}", f"no database {database}"))
    _distinct(database, out)
    with closing(sqlite3.connect(database)) as source:
        return _copy_to_file(source, out, force)


def lock_database(database: Path) -> sqlite3.Connection:
    """Open the database holding its exclusive lock, or fail when another process has it open.

    The server keeps its connections open (WAL mode), so while it runs the lock is refused.
    """
    connection = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        connection.execute("PRAGMA locking_mode=EXCLUSIVE")
        connection.execute("BEGIN EXCLUSIVE")
        connection.execute("COMMIT")  # in EXCLUSIVE locking mode the lock stays held
    except sqlite3.OperationalError as exc:
        connection.close()
        if exc.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            raise
        raise BackupError(
            say(
                f"{database} đang được mở bởi một tiến trình khác: dừng máy chủ "
                "(systemctl stop motcua-server) và các công cụ đang dùng nó rồi chạy lại",
                f"{database} is open in another process: stop the server "
                "(systemctl stop motcua-server) and any tool using it, then run again",
            )
        ) from None
    except BaseException:
        connection.close()
        raise
    return connection


_lock = lock_database  # the former name


def restore(backup_file: Path, database: Path, force: bool = False) -> Path | None:
    """Copy a backup over the database (server stopped); return where the old one was kept."""
    _distinct(database, backup_file)
    check(backup_file)
    existed = database.exists()
    database.parent.mkdir(parents=True, exist_ok=True)
    kept: Path | None = None
    with closing(lock_database(database)) as target:
        if existed:
            if not force:
                raise BackupError(
                    say(
                        f"{database} đã có dữ liệu: dừng máy chủ rồi chạy lại với --force "
                        "(bản hiện tại sẽ được giữ lại bên cạnh)",
                        f"{database} holds data: stop the server and run again with --force "
                        "(the current one is kept next to it)",
                    )
                )
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            kept_name = f"{database.name}.before-restore-{stamp}"
            kept = _copy_to_file(target, database.with_name(kept_name), force=False)
        with closing(_read_only(backup_file)) as source:
            source.backup(target, pages=PAGES_PER_STEP)
        # The server opens it in WAL mode again.
        target.execute("PRAGMA journal_mode=WAL")
    database.chmod(0o600)
    check(database)
    return kept


def register(subparsers: Any) -> None:
    """Add the `backup` and `restore` subcommands."""
    parser = subparsers.add_parser(
        "backup",
        help=say(
            "sao lưu cơ sở dữ liệu (máy chủ vẫn có thể đang chạy)",
            "back up the database (the server may keep running)",
        ),
    )
    config_help = say("tệp cấu hình điểm (TOML)", "site file (TOML)")
    url_help = say("thay cho [database] url", "instead of [database] url")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=config_help)
    parser.add_argument("--database-url", default="", help=url_help)
    parser.add_argument("--out", required=True, help=say("tệp sao lưu sẽ ghi ra", "backup file"))
    parser.add_argument(
        "--force",
        action="store_true",
        help=say("ghi đè tệp --out nếu đã có", "overwrite the --out file if it exists"),
    )
    parser.set_defaults(handler=run_backup)
    parser = subparsers.add_parser(
        "restore",
        help=say(
            "khôi phục từ tệp sao lưu (dừng máy chủ trước)",
            "restore from a backup (stop the server first)",
        ),
    )
    parser.add_argument("file", help=say("tệp sao lưu", "backup file"))
    parser.add_argument("--config", default=DEFAULT_CONFIG, help=config_help)
    parser.add_argument("--database-url", default="", help=url_help)
    parser.add_argument(
        "--force",
        action="store_true",
        help=say(
            "ghi đè cơ sở dữ liệu đang có (bản cũ được giữ lại)",
            "overwrite the current database (the old one is kept)",
        ),
    )
    parser.set_defaults(handler=run_restore)


def _database(args: argparse.Namespace) -> Path | None:
    config = load_config(args.config)
    if config is None:
        return None
    return sqlite_path(args.database_url or config.database_url())


def run_backup(args: argparse.Namespace) -> int:
    """Back the database up into --out."""
    try:
        database = _database(args)
        if database is None:
            return USAGE
        out = backup(database, Path(args.out), args.force)
    except (BackupError, sqlite3.Error, OSError) as exc:
        print(f"motcua backup: {exc}", file=sys.stderr)
        return FAILURE
    size = out.stat().st_size
    print(say(f"đã sao lưu {database} vào {out} ({size} byte)", f"backed up {database} to {out}"))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """Restore the database from a backup file."""
    try:
        database = _database(args)
        if database is None:
            return USAGE
        kept = restore(Path(args.file), database, args.force)
    except (BackupError, sqlite3.Error, OSError) as exc:
        print(f"motcua restore: {exc}", file=sys.stderr)
        return FAILURE
    print(say(f"đã khôi phục {database} từ {args.file}", f"restored {database} from {args.file}"))
    if kept is not None:
        print(say(f"bản trước khi khôi phục: {kept}", f"the database before the restore: {kept}"))
    return 0
