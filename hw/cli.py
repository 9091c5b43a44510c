"""`motcua hw …`: test and inspect the hall's devices (printers, scanners)."""

from __future__ import annotations

import argparse
from typing import Any

from hw.printer import cli as printer_cli
from hw.scanner import cli as scanner_cli


def register(subparsers: Any) -> None:
    """Add the `hw` subcommand and its device tools."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "hw", help="kiểm tra thiết bị: máy in, đầu đọc mã"
    )
    sub = parser.add_subparsers(dest="hw_command", metavar="TOOL", required=True)
    printer_cli.register(sub)
    scanner_cli.register(sub)
