"""`motcua data purge | subject`: retention of personal data and a citizen's requests about it.

Both change the database, so they follow the one-writer rule by refusing to run while the
queue server has it open: on SQLite they hold its exclusive lock (as `motcua restore` does) for
the whole run; on PostgreSQL they refuse when the site's server answers on its health port.
`subject --export` only reads (and appends to the access log), so it runs beside the server.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from admin.offline import ServerRunning, offline_sessions
from server.main import add_site_arguments, open_site_database
from shared.cli_text import FAILURE, USAGE, say
from shared.config.site import SiteConfig, load_config
from shared.domain.errors import InvalidInput
from shared.domain.personal_data import DATA_CLASS_LABELS
from shared.runtime import utc_now
from shared.storage.engine import close_database
from shared.storage.personal_data import erase_subject, export_subject, purge, site_key

PRIVATE = 0o600


def register(subparsers: Any) -> None:
    """Add the `data` subcommand and its actions."""
    parser = subparsers.add_parser("data", help="dữ liệu cá nhân: hết hạn lưu trữ, yêu cầu")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    purge_parser = actions.add_parser(
        "purge",
        help="xóa, ẩn danh dữ liệu cá nhân đã hết thời hạn lưu trữ (dừng máy chủ trước)",
    )
    purge_parser.add_argument(
        "--dry-run", action="store_true", help="chỉ đếm những gì sẽ bị xóa, không xóa gì"
    )
    add_site_arguments(purge_parser)
    purge_parser.set_defaults(handler=run_purge)
    subject = actions.add_parser(
        "subject", help="yêu cầu của công dân: xuất hoặc xóa dữ liệu theo số định danh"
    )
    subject.add_argument(
        "--id",
        required=True,
        metavar="ID_NUMBER",
        help="số định danh cá nhân; '-' để đọc từ stdin (không lưu trong lịch sử lệnh)",
    )
    what = subject.add_mutually_exclusive_group(required=True)
    what.add_argument("--export", metavar="FILE", help="ghi mọi dữ liệu đang lưu ra tệp JSON")
    what.add_argument(
        "--erase",
        action="store_true",
        help="xóa liên hệ và số định danh, giữ hồ sơ theo nghĩa vụ lưu trữ (dừng máy chủ trước)",
    )
    add_site_arguments(subject)
    subject.set_defaults(handler=run_subject)


def _error(vi: str, en: str) -> None:
    print(say(f"Lỗi: {vi}", f"Error: {en}"), file=sys.stderr)


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@contextmanager
def exclusive_sessions(config: SiteConfig, database_url: str) -> Iterator[sessionmaker[Session]]:
    """Open the site's existing database for a tool that writes, refusing while the server runs."""
    url = make_url(database_url or config.database_url())
    path = Path(url.database or "")
    if url.get_backend_name() == "sqlite" and not path.is_file():
        raise ServerRunning(say(f"không có cơ sở dữ liệu {path}", f"no database {path}"))
    with offline_sessions(config, database_url) as sessions:
        yield sessions


def _read_id(text: str) -> str:
    if text == "-":
        return sys.stdin.readline().strip()
    return text.strip()


def run_purge(args: argparse.Namespace) -> int:
    """Purge (or with --dry-run count) what is past its retention; print counts per class."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    now = utc_now()
    try:
        key = site_key(config.privacy_key_path())
        with exclusive_sessions(config, args.database_url) as sessions, sessions() as session:
            counts = purge(
                session,
                config.site.id,
                config.privacy.retention(),
                now,
                key,
                apply=not args.dry_run,
            )
            if not args.dry_run:
                session.commit()
    except (ServerRunning, sqlite3.Error, OSError) as exc:
        _error(str(exc), str(exc))
        return FAILURE
    retention = config.privacy.retention()
    for data_class, count in counts.items():
        days = retention.days(data_class)
        kept = say(f"giữ {days} ngày", f"kept {days} days") if days else say("giữ", "kept")
        print(f"{data_class.value}\t{count}\t{kept}\t{DATA_CLASS_LABELS[data_class]}")
    total = sum(counts.values())
    if args.dry_run:
        print(say(f"Chạy thử: sẽ xử lý {total} mục; chưa xóa gì.", f"Dry run: {total} items."))
    else:
        print(say(f"Đã xóa hoặc ẩn danh {total} mục.", f"Removed or anonymised {total} items."))
    return 0


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(text)
    path.chmod(PRIVATE)


def run_subject(args: argparse.Namespace) -> int:
    """Export everything held on one person to JSON, or erase what may be erased."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    id_number = _read_id(args.id)
    now = utc_now()
    try:
        key = site_key(config.privacy_key_path())
        if args.export:
            sessions = open_site_database(config, args.database_url)
            try:
                with sessions.begin() as session:
                    data = export_subject(session, config.site.id, key, id_number, now, _actor())
            finally:
                close_database(sessions)
            _write_private(Path(args.export), json.dumps(data, ensure_ascii=False, indent=2))
            print(
                say(
                    f"Đã ghi {len(data['dossiers'])} hồ sơ vào {args.export}.",
                    f"Wrote {len(data['dossiers'])} dossiers to {args.export}.",
                )
            )
            return 0
        with (
            exclusive_sessions(config, args.database_url) as exclusive,
            exclusive.begin() as session,
        ):
            counts = erase_subject(session, config.site.id, key, id_number, now, _actor())
    except InvalidInput as exc:
        _error(exc.message, exc.message)
        return USAGE
    except (ServerRunning, sqlite3.Error, OSError) as exc:
        _error(str(exc), str(exc))
        return FAILURE
    print(
        say(
            f"Đã xóa dữ liệu liên hệ của {counts['dossiers']} hồ sơ (giữ hồ sơ và mã hồ sơ), "
            f"{counts['ticket_links']} liên kết số thứ tự, {counts['ratings']} liên kết đánh giá, "
            f"{counts['audit_rows']} dòng nhật ký lệnh.",
            f"Erased the contact data of {counts['dossiers']} dossiers (records kept), "
            f"{counts['ticket_links']} ticket links, {counts['ratings']} rating links, "
            f"{counts['audit_rows']} audit rows.",
        )
    )
    return 0
