"""`motcua central`: run the provincial dossier index (see docs/province.md)."""

from __future__ import annotations

import argparse
import logging
import sys
from contextlib import ExitStack
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from central.config import CentralConfig, CentralConfigError, load_central_config
from central.service import CentralIndex
from server.sdnotify import notify
from shared.cli_text import say
from shared.domain.second_factor import LookupPolicy
from shared.messaging.paho_bus import PahoBus
from shared.runtime import setup_logging, stop_event
from shared.storage.engine import make_engine, migrate

log = logging.getLogger("motcua.central")
DEFAULT_CONFIG = "/etc/motcua/central.toml"


def register(subparsers: Any) -> None:
    """Add the `central` subcommand."""
    parser = subparsers.add_parser(
        "central",
        help=say("chạy chỉ mục hồ sơ cấp tỉnh", "run the provincial dossier index"),
    )
    parser.add_argument(
        "--config", default=DEFAULT_CONFIG, help=say("tệp cấu hình", "configuration file")
    )
    parser.add_argument("--log-level", default="INFO")
    parser.set_defaults(handler=run)


def central_engine(config: CentralConfig) -> Engine:
    """The index's engine: a fixed pool on PostgreSQL, whatever the number of branches."""
    url = config.database.url
    if make_url(url).get_backend_name() == "sqlite":
        return make_engine(url)
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=config.database.pool_size,
        max_overflow=0,
        connect_args={"connect_timeout": 2, "tcp_user_timeout": 1000},
    )


def open_index_database(config: CentralConfig) -> sessionmaker[Session]:
    """Open (and migrate) the index's database."""
    engine = central_engine(config)
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)


def build_index(
    config: CentralConfig, sessions: sessionmaker[Session], bus: PahoBus
) -> CentralIndex:
    """The index a config file describes, on a connected bus."""
    section = config.index
    policy = LookupPolicy(section.lookup_failures, section.lookup_window_seconds)
    return CentralIndex(
        sessions,
        bus,
        list(section.prefixes),
        policy,
        section.max_batch,
        handover_resend_seconds=section.handover_resend_seconds,
    )


def run(args: argparse.Namespace) -> int:
    """Run until SIGTERM or SIGINT."""
    setup_logging(args.log_level)
    try:
        config = load_central_config(args.config)
        address = config.broker.address()
    except CentralConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"motcua central: {exc}", file=sys.stderr)
        return 1
    stop = stop_event()
    with ExitStack() as stack:
        sessions = open_index_database(config)
        stack.callback(lambda: sessions.kw["bind"].dispose())
        # A persistent session: entries sent while the index restarts wait at the broker.
        bus = PahoBus(address, config.broker.client_id, persistent_session=True)
        stack.callback(bus.close)
        index = build_index(config, sessions, bus)
        index.start()
        stack.callback(index.stop)
        log.info("provincial dossier index running (prefixes %s)", ", ".join(config.index.prefixes))
        notify("READY=1\nSTATUS=Chỉ mục hồ sơ cấp tỉnh đang chạy")
        stop.wait()
        notify("STOPPING=1")
        log.info("stopping")
    return 0
