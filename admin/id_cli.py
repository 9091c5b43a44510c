"""`motcua id parse TEXT`: read the QR text of a citizen ID card and print its fields as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from shared.cli_text import FAILURE, say
from shared.domain.citizen_id import MAX_PAYLOAD, CitizenId, CitizenIdError, parse_citizen_qr


def register(subparsers: Any) -> None:
    """Add the `id` subcommand and its actions."""
    parser = subparsers.add_parser(
        "id",
        help="đọc mã QR thẻ căn cước",
        description="Đọc mã QR của thẻ căn cước công dân (CCCD gắn chip, thẻ căn cước 2024).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    parse = actions.add_parser(
        "parse",
        help="in các trường của mã QR dạng JSON",
        description="In các trường của mã QR thẻ căn cước dạng JSON; lỗi thì in lý do và trả 1. "
        "Dùng '-' để đọc mã từ stdin, khỏi để lại số định danh trong lịch sử lệnh.",
    )
    parse.add_argument("text", metavar="TEXT", help="nội dung mã QR, hoặc '-' để đọc từ stdin")
    parse.add_argument(
        "--today",
        type=date.fromisoformat,
        default=None,
        metavar="YYYY-MM-DD",
        help="ngày dùng để kiểm tra ngày sinh, ngày cấp (mặc định: hôm nay)",
    )
    parse.set_defaults(handler=run_parse)


def citizen_json(citizen: CitizenId) -> dict[str, str | None]:
    """Return the fields as JSON values: dates as YYYY-MM-DD, null when the card has none."""
    return {
        "id_number": citizen.id_number,
        "old_id_number": citizen.old_id_number,
        "full_name": citizen.full_name,
        "birth_date": citizen.birth_date.isoformat() if citizen.birth_date else None,
        "sex": citizen.sex,
        "address": citizen.address,
        "issue_date": citizen.issue_date.isoformat() if citizen.issue_date else None,
    }


def run_parse(args: argparse.Namespace) -> int:
    """Print the parsed fields as JSON (exit 0) or why the text is no ID card QR (exit 1)."""
    text = sys.stdin.read(MAX_PAYLOAD + 1) if args.text == "-" else args.text
    try:
        citizen = parse_citizen_qr(text, args.today)
    except CitizenIdError as exc:
        print(say(f"Lỗi: {exc.message}", f"Error: {exc.message}"), file=sys.stderr)
        return FAILURE
    print(json.dumps(citizen_json(citizen), ensure_ascii=False, indent=2))
    return 0
