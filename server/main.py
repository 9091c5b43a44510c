"""`motcua server`: run the queue server (and a private broker when none is configured)."""

from __future__ import annotations

import argparse
import logging
import sys
from contextlib import ExitStack
from typing import Any

from server.broker import BrokerError, EmbeddedBroker
from server.daemon import QueueServer
from shared.config.site import ConfigError, SiteConfig, load_site_config
from shared.runtime import (
    broker_address,
    connect_bus,
    setup_logging,
    stop_event,
    utc_now,
    write_local_broker,
)
from shared.storage.engine import open_database

log = logging.getLogger("motcua.server")
DEFAULT_CONFIG = "config/demo-site.toml"


def register(subparsers: Any) -> None:
    """Add the `server` subcommand."""
    parser = subparsers.add_parser("server", help="chạy máy chủ xếp hàng")
    add_common_arguments(parser)
    parser.set_defaults(handler=run)


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --config, --database-url and --log-level."""
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="site TOML file")
    parser.add_argument("--database-url", default="", help="override [database] url")
    parser.add_argument("--log-level", default="INFO")


def load_config(path: str) -> SiteConfig | None:
    """Load the site file, printing its errors and returning None when it is unusable."""
    try:
        return load_site_config(path)
    except ConfigError as exc:
        for line in exc.errors:
            print(f"{exc.path}: {line}", file=sys.stderr)
        return None


def start_server(config: SiteConfig, database_url: str, stack: ExitStack) -> QueueServer:
    """Open the database, start or find the broker, and start the queue server."""
    sessions = open_database(
        database_url or config.database_url(), config.database.sqlite_synchronous
    )
    if config.broker.host:
        address = broker_address(config)
    else:
        broker = EmbeddedBroker(config.data_path() / "broker")
        address = broker.start()
        stack.callback(broker.stop)
        stack.callback(lambda: (config.data_path() / "local-broker.json").unlink(missing_ok=True))
        write_local_broker(config.data_path(), address)
        log.info("embedded broker on 127.0.0.1:%d", address.port)
    bus = connect_bus(address, config.site.id, f"server-{config.site.id}", "server", True)
    stack.callback(bus.close)
    server = QueueServer(config.to_domain(), sessions, bus, utc_now)
    server.start()
    stack.callback(server.stop)
    return server


def run(args: argparse.Namespace) -> int:
    """Run until SIGTERM or SIGINT."""
    setup_logging(args.log_level)
    config = load_config(args.config)
    if config is None:
        return 2
    stop = stop_event()
    with ExitStack() as stack:
        try:
            start_server(config, args.database_url, stack)
        except (BrokerError, FileNotFoundError) as exc:
            print(f"motcua server: {exc}", file=sys.stderr)
            return 1
        log.info("queue server for %s is running", config.site.name)
        stop.wait()
        log.info("stopping")
    return 0
