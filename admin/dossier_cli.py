"""`motcua dossier due`: compute a dossier's legal due date in working days and explain it."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from admin import catalogue_cli, dossier_tools
from shared.cli_text import USAGE, say
from shared.config.calendar import CalendarConfig
from shared.config.site import ConfigError, load_site_config
from shared.domain.deadlines import LOCAL_TIMEZONE, Pause, compute_deadline
from shared.domain.errors import InvalidInput

_FORMAT = "%Y-%m-%d %H:%M"


def register(subparsers: Any) -> None:
    """Add the `dossier` subcommand and its `due` action."""
    parser = subparsers.add_parser("dossier", help="công cụ hồ sơ một cửa")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    due = actions.add_parser("due", help="tính ngày hẹn trả kết quả theo ngày làm việc")
    due.add_argument("--received", required=True, help='giờ tiếp nhận, "YYYY-MM-DD HH:MM"')
    due.add_argument(
        "--days", required=True, type=int, help="số ngày làm việc (0 = giải quyết trong ngày)"
    )
    due.add_argument("--config", help="tệp cấu hình điểm phục vụ (lấy lịch [calendar])")
    due.add_argument(
        "--paused",
        action="append",
        default=[],
        metavar="START/END",
        help='thời gian chờ bổ sung, "YYYY-MM-DD HH:MM/YYYY-MM-DD HH:MM" (lặp lại được)',
    )
    due.set_defaults(handler=run_due)
    catalogue_cli.register(actions)
    dossier_tools.register(actions)


def run_due(args: argparse.Namespace) -> int:
    """Print the due date on the first line, then the explanation; 2 on bad input."""
    calendar_config, timezone = CalendarConfig(), LOCAL_TIMEZONE
    try:
        if args.config:
            site = load_site_config(args.config)
            calendar_config, timezone = site.calendar, site.site.timezone
        received = _parse_time(args.received, "--received")
        pauses = [_parse_pause(text) for text in args.paused]
        deadline = compute_deadline(
            received,
            args.days,
            calendar_config.to_calendar(),
            calendar_config.to_rule(timezone),
            pauses,
        )
    except ConfigError as exc:
        for line in exc.errors:
            print(f"{exc.path}: {line}", file=sys.stderr)
        return USAGE
    except InvalidInput as exc:
        print(say(f"Lỗi: {exc.message}", f"Error: {exc.message}"), file=sys.stderr)
        return USAGE
    print(deadline.due.isoformat())
    for line in deadline.explanation():
        print(line)
    return 0


def _parse_time(text: str, what: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), _FORMAT)
    except ValueError:
        raise InvalidInput(f'{what}: cần dạng "YYYY-MM-DD HH:MM", nhận được {text!r}.') from None


def _parse_pause(text: str) -> Pause:
    start, sep, end = text.partition("/")
    if not sep:
        raise InvalidInput(f'--paused: cần dạng "BẮT ĐẦU/KẾT THÚC", nhận được {text!r}.')
    return Pause(_parse_time(start, "--paused"), _parse_time(end, "--paused"))
