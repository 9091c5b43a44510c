"""`motcua dossier import-catalogue`: load a procedure catalogue into the site's database."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from admin.offline import ServerRunning, offline_sessions
from server.catalogue import import_procedures
from server.main import add_site_arguments
from shared.catalogue import CatalogueError, read_catalogue
from shared.cli_text import FAILURE, USAGE, say
from shared.config.site import load_config
from shared.runtime import utc_now

CATALOGUE_RUNNING = say(
    "danh mục khai báo ở [dossiers] catalogue được nạp lại mỗi khi máy chủ khởi động: sửa tệp "
    "đó rồi khởi động lại máy chủ (systemctl restart motcua-server), hoặc dừng máy chủ "
    "(systemctl stop motcua-server) rồi chạy lại lệnh này",
    "the [dossiers] catalogue file is loaded again at every server start: edit it and restart "
    "the server (systemctl restart motcua-server), or stop the server "
    "(systemctl stop motcua-server) and run this command again",
)


def register(actions: Any) -> None:
    """Add the `import-catalogue` action to the `dossier` subcommand's actions."""
    parser = actions.add_parser(
        "import-catalogue", help="nhập danh mục thủ tục hành chính từ tệp CSV hoặc XLSX"
    )
    parser.add_argument("file", metavar="FILE", help="tệp danh mục (.csv UTF-8 hoặc .xlsx)")
    add_site_arguments(parser)
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace) -> int:
    """Import FILE; 0 when imported, 1 on a bad file (nothing imported), 2 on a bad config."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    try:
        procedures = read_catalogue(args.file, config)
    except CatalogueError as exc:
        heading = say(
            f"Tệp {exc.path} có lỗi, chưa nhập thủ tục nào:",
            f"{exc.path} has errors; no procedure was imported:",
        )
        print(heading, file=sys.stderr)
        for line in exc.errors:
            print(f"  {line}", file=sys.stderr)
        return FAILURE
    try:
        with offline_sessions(config, args.database_url, CATALOGUE_RUNNING) as sessions:
            counts = import_procedures(sessions, config, procedures, utc_now())
    except ServerRunning as exc:
        print(exc, file=sys.stderr)
        return FAILURE
    print(f"Đã nhập {len(procedures)} thủ tục từ {args.file}: {counts.summary()}.")
    return 0
