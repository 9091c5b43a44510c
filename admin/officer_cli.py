"""`motcua officer add | list | disable`: officer accounts, passwords hashed with Argon2id."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from admin.offline import ServerRunning, offline_sessions
from server.main import add_site_arguments, open_site_database
from shared.cli_text import FAILURE, USAGE, say
from shared.config.site import load_config
from shared.runtime import utc_now
from shared.storage.engine import close_database
from shared.storage.officer_repository import ROLES, OfficerRepository, hash_password


def register(subparsers: Any) -> None:
    """Add the `officer` subcommand and its actions."""
    parser = subparsers.add_parser("officer", help="tài khoản cán bộ tại quầy")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="thêm hoặc sửa cán bộ (mật khẩu đọc từ stdin/hỏi)")
    add.add_argument("officer_id", metavar="ID", help="mã cán bộ, ví dụ cb05")
    add.add_argument("--name", required=True, help="họ tên hiển thị")
    add.add_argument("--title", default="", help="chức danh")
    add.add_argument("--counters", default="", help="các quầy được phân công, ví dụ q05,q06")
    add.add_argument("--role", choices=ROLES, default="officer")
    add.add_argument(
        "--password-stdin", action="store_true", help="đọc mật khẩu/PIN từ dòng đầu của stdin"
    )
    add.add_argument("--keep-password", action="store_true", help="sửa thông tin, giữ mật khẩu cũ")
    add_site_arguments(add)
    add.set_defaults(handler=run_add)
    listing = actions.add_parser("list", help="liệt kê cán bộ")
    add_site_arguments(listing)
    listing.set_defaults(handler=run_list)
    disable = actions.add_parser("disable", help="khóa tài khoản cán bộ")
    disable.add_argument("officer_id", metavar="ID")
    add_site_arguments(disable)
    disable.set_defaults(handler=run_disable)


def _error(vi: str, en: str) -> None:
    print(say(f"Lỗi: {vi}", f"Error: {en}"), file=sys.stderr)


def _password(args: argparse.Namespace) -> str | None:
    if args.keep_password:
        return None
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Mật khẩu/PIN: ")
    if getpass.getpass("Nhập lại: ") != first:
        raise ValueError(say("hai lần nhập không khớp", "the two entries differ"))
    return first


def run_add(args: argparse.Namespace) -> int:
    """Create or update an account; 0 on success, 1 on a bad value, 2 on bad arguments."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    counters = tuple(c for c in (s.strip() for s in args.counters.split(",")) if c)
    known = {c.id for c in config.counters}
    unknown = ", ".join(c for c in counters if c not in known)
    if unknown:
        _error(
            f"không có quầy {unknown} trong cấu hình.", f"no counter {unknown} in the site file."
        )
        return USAGE
    try:
        password = _password(args)
    except ValueError as exc:
        _error(f"{exc}.", f"{exc}.")
        return FAILURE
    policy = config.security.pin_policy()
    problem = policy.problem(password) if password is not None else None
    if password is not None and problem is not None:
        _error(f"{problem}.", f"{policy.problem(password, 'en')}.")
        return FAILURE
    hashed = hash_password(password) if password is not None else None
    try:
        with offline_sessions(config, args.database_url) as sessions, sessions.begin() as session:
            created = OfficerRepository(session, config.site.id).upsert(
                args.officer_id, args.name, counters, hashed, utc_now(), args.role, args.title
            )
    except ServerRunning as exc:
        print(exc, file=sys.stderr)
        return FAILURE
    except ValueError as exc:
        _error(f"{exc}.", f"{exc}.")
        return FAILURE
    verb = "Đã thêm" if created else "Đã cập nhật"
    print(f"{verb} cán bộ {args.officer_id} ({args.name}), quầy: {', '.join(counters) or '—'}.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    """Print every account: id, name, role, counters, active."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    sessions = open_site_database(config, args.database_url)
    try:
        with sessions() as session:
            officers = OfficerRepository(session, config.site.id).all()
    finally:
        close_database(sessions)
    for officer in officers:
        state = "hoạt động" if officer.active else "đã khóa"
        counters = ",".join(officer.counters) or "—"
        print(f"{officer.officer_id}\t{officer.name}\t{officer.role}\t{counters}\t{state}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    """Disable an account; 1 when there is none."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    try:
        with offline_sessions(config, args.database_url) as sessions, sessions.begin() as session:
            found = OfficerRepository(session, config.site.id).deactivate(
                args.officer_id, utc_now()
            )
    except ServerRunning as exc:
        print(exc, file=sys.stderr)
        return FAILURE
    if not found:
        _error(f"không có cán bộ {args.officer_id}.", f"no officer {args.officer_id}.")
        return FAILURE
    print(f"Đã khóa tài khoản {args.officer_id}.")
    return 0
