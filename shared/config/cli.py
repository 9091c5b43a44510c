"""`motcua check-config FILE`: validate a site file and print each problem with its key path."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from shared.cli_text import FAILURE, say
from shared.config.site import ConfigError, load_site_config


def register(subparsers: Any) -> None:
    """Add the `check-config` subcommand."""
    parser = subparsers.add_parser(
        "check-config",
        help=say("kiểm tra tệp cấu hình điểm phục vụ", "check a site file"),
        description=say(
            "In mọi lỗi của tệp cấu hình, mỗi lỗi một dòng 'TỆP: khóa: lỗi'; "
            "mã thoát 1 khi có lỗi, 0 khi tệp dùng được.",
            "Print every problem of the site file, one 'FILE: key: problem' line each; "
            "exit status 1 when there are problems, 0 when the file is usable.",
        ),
    )
    parser.add_argument("file", metavar=say("TỆP", "FILE"), help=say("tệp TOML", "TOML file"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate the file; print 'OK' and a summary, or every error, and return the exit status."""
    try:
        config = load_site_config(args.file)
    except ConfigError as exc:
        for line in exc.errors:
            print(f"{exc.path}: {line}", file=sys.stderr)
        count = len(exc.errors)
        print(say(f"{count} lỗi.", f"{count} problem(s)."), file=sys.stderr)
        return FAILURE
    departments, services = len(config.departments), len(config.services)
    counters, zones = len(config.counters), len(config.zones)
    print(
        say(
            f"OK: {config.site.name} — {departments} đơn vị, {services} dịch vụ, "
            f"{counters} quầy, {zones} khu vực",
            f"OK: {config.site.name} — {departments} departments, {services} services, "
            f"{counters} counters, {zones} zones",
        )
    )
    return 0
