"""`motcua backup` / `motcua restore`: copy the SQLite database with sqlite3's online backup API."""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from shared.config.site import DEFAULT_CONFIG, load_config

# Pages copied per step: small steps let the running server write between them.
PAGES_PER_STEP = 256
REQUIRED_TABLES = ("alembic_version", "tickets")


class BackupError(Exception):
    """The database could not be backed up or restored."""


def sqlite_path(url: str) -> Path:
    """The file of a SQLite URL; a BackupError for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise BackupError(
            "chỉ sao lưu được SQLite; với PostgreSQL dùng pg_dump / pg_restore "
            "(xem docs/deployment.md)"
        )
    return Path(parsed.database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target, pages=PAGES_PER_STEP)


def check(path: Path) -> None:
    """Check a file is a whole Motcua database (integrity and the expected tables)."""
    if not path.is_file():
        raise BackupError(f"không có tệp {path}")
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} không phải cơ sở dữ liệu SQLite: {exc}") from None
    finally:
        connection.close()
    if not result or result[0] != "ok":
        raise BackupError(f"{path} bị hỏng: {result}")
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise BackupError(f"{path} không phải cơ sở dữ liệu Motcua (thiếu bảng {missing})")


def backup(database: Path, out: Path) -> Path:
    """Copy a live database to `out` (the server may keep writing), then check the copy."""
    if not database.is_file():
        raise BackupError(f"không có cơ sở dữ liệu {database}")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.with_name(out.name + ".partial")
    staging.unlink(missing_ok=True)
    source = sqlite3.connect(database)
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    target = sqlite3.connect(staging)
    try:
        _copy(source, target)
        # A single file, whatever the source's journal mode: easy to move and to restore.
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
        source.close()
    check(staging)
    os.replace(staging, out)
    return out


def restore(backup_file: Path, database: Path, force: bool = False) -> Path | None:
    """Copy a backup over the database (server stopped); return where the old one was kept."""
    check(backup_file)
    kept: Path | None = None
    if database.exists():
        if not force:
            raise BackupError(
                f"{database} đã có dữ liệu: dừng máy chủ rồi chạy lại với --force "
                "(bản hiện tại sẽ được giữ lại bên cạnh)"
            )
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        kept = backup(database, database.with_name(f"{database.name}.before-restore-{stamp}"))
    database.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    target = sqlite3.connect(database)
    try:
        _copy(source, target)
        # The server opens it in WAL mode again.
        target.execute("PRAGMA journal_mode=WAL")
    finally:
        target.close()
        source.close()
    database.chmod(0o600)
    check(database)
    return kept


def register(subparsers: Any) -> None:
    """Add the `backup` and `restore` subcommands."""
    parser = subparsers.add_parser(
        "backup", help="sao lưu cơ sở dữ liệu SQLite (máy chủ vẫn có thể đang chạy)"
    )
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="tệp cấu hình điểm (TOML)")
    parser.add_argument("--database-url", default="", help="thay cho [database] url")
    parser.add_argument("--out", required=True, help="tệp sao lưu sẽ ghi ra")
    parser.set_defaults(handler=run_backup)
    parser = subparsers.add_parser(
        "restore", help="khôi phục cơ sở dữ liệu SQLite từ tệp sao lưu (dừng máy chủ trước)"
    )
    parser.add_argument("file", help="tệp sao lưu")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="tệp cấu hình điểm (TOML)")
    parser.add_argument("--database-url", default="", help="thay cho [database] url")
    parser.add_argument(
        "--force", action="store_true", help="ghi đè cơ sở dữ liệu đang có (bản cũ được giữ lại)"
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
            return 2
        out = backup(database, Path(args.out))
    except (BackupError, sqlite3.Error, OSError) as exc:
        print(f"motcua backup: {exc}", file=sys.stderr)
        return 1
    print(f"đã sao lưu {database} vào {out} ({out.stat().st_size} byte)")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    """Restore the database from a backup file."""
    try:
        database = _database(args)
        if database is None:
            return 2
        kept = restore(Path(args.file), database, args.force)
    except (BackupError, sqlite3.Error, OSError) as exc:
        print(f"motcua restore: {exc}", file=sys.stderr)
        return 1
    print(f"đã khôi phục {database} từ {args.file}")
    if kept is not None:
        print(f"bản trước khi khôi phục: {kept}")
    return 0
