"""The `motcua` command: one entry point, a subcommand per process or tool."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

# Subcommand → module whose `register(subparsers)` adds it. Imported lazily so that
# `motcua check-config` does not load Qt and `motcua kiosk` does not load the database.
SUBCOMMANDS: dict[str, str] = {
    "server": "server.main",
    "demo": "server.demo",
    "check-config": "shared.config.cli",
    "hw": "hw.cli",
    "dossier": "server.dossier_cli",
    "officer": "server.officer_cli",
    "devices": "server.devices",
    "display": "display.app",
    "counter": "counter_console.app",
    "kiosk": "kiosk.app",
    "provision": "server.provision",
    "status": "server.status",
    "backup": "server.backup",
    "restore": "server.backup",
    "report": "reports.cli",
    "demo-data": "reports.demo_data",
}


def build_parser(names: Sequence[str]) -> argparse.ArgumentParser:
    """Build the argument parser with the subcommands named."""
    parser = argparse.ArgumentParser(
        prog="motcua", description="Motcua: hệ thống xếp hàng và theo dõi hồ sơ một cửa."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in names:
        module = importlib.import_module(SUBCOMMANDS[name])
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `motcua` command line and return its exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    first = args_list[0] if args_list else ""
    names = [first] if first in SUBCOMMANDS else list(SUBCOMMANDS)
    parser = build_parser(names)
    args = parser.parse_args(args_list)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except BrokenPipeError:
        # The reader went away (e.g. `| head -1`): stop quietly, as command-line tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
