"""`motcua check-config FILE`: validate a site file and print each problem with its key path."""

from __future__ import annotations

import argparse
from typing import Any

from shared.config.site import load_config


def register(subparsers: Any) -> None:
    """Add the `check-config` subcommand."""
    parser = subparsers.add_parser("check-config", help="kiểm tra tệp cấu hình điểm phục vụ")
    parser.add_argument("file", help="site TOML file")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Validate the file; print 'OK' and a summary, or the errors, and return the exit status."""
    config = load_config(args.file)
    if config is None:
        return 1
    print(
        f"OK: {config.site.name} — {len(config.departments)} departments, "
        f"{len(config.services)} services, {len(config.counters)} counters, "
        f"{len(config.zones)} zones"
    )
    return 0
