"""`motcua server`: run the queue server (and a private broker when none is configured)."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from server.accounts import acl_text, passwords_for, site_accounts, write_credentials
from server.appointment_service import AppointmentService, AppointmentSettings
from server.broker import LOCAL_USER, BrokerError, EmbeddedBroker
from server.daemon import DailyPurge, QueueServer
from server.dossier_service import DossierSettings
from server.health import HealthServer
from server.rate_limits import RateLimiter
from server.sdnotify import Watchdog, notify
from shared.config.index import IndexKeyError
from shared.config.site import DEFAULT_CONFIG, SiteConfig, load_config
from shared.domain.ticket_links import TicketLinks
from shared.messaging.bus import Bus
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from shared.runtime import (
    LOCAL_BROKER_FILE,
    broker_address,
    connect_bus,
    setup_logging,
    stop_event,
    utc_now,
    write_local_broker,
)
from shared.storage.agency_codes import AgencyCodeTaken
from shared.storage.checkpoint import WalCheckpoints
from shared.storage.engine import BUSY_TIMEOUT_MS, open_database
from shared.storage.personal_data import site_key

log = logging.getLogger("motcua.server")


def register(subparsers: Any) -> None:
    """Add the `server` subcommand."""
    parser = subparsers.add_parser("server", help="chạy máy chủ xếp hàng")
    add_common_arguments(parser)
    parser.set_defaults(handler=run)


def add_site_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --config and --database-url (every command that opens the site's database)."""
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="tệp cấu hình điểm phục vụ")
    parser.add_argument("--database-url", default="", help="thay cho [database] url")


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    """Add --config, --database-url and --log-level."""
    add_site_arguments(parser)
    parser.add_argument("--log-level", default="INFO")


# The writer waits at most this long for an SQLite lock before answering storage_unavailable.
WRITER_BUSY_TIMEOUT_MS = 1000


def open_site_database(
    config: SiteConfig, database_url: str = "", busy_timeout_ms: int = BUSY_TIMEOUT_MS
) -> sessionmaker[Session]:
    """Open (and migrate) the site's database, or the one given on the command line."""
    return open_database(
        database_url or config.database_url(), config.database.sqlite_synchronous, busy_timeout_ms
    )


def start_server(
    config: SiteConfig, database_url: str, stack: ExitStack, config_file: str | None = None
) -> QueueServer:
    """Open the database, start or find the broker, and start the queue server."""
    sessions = open_site_database(config, database_url, WRITER_BUSY_TIMEOUT_MS)
    checkpoints = WalCheckpoints(sessions.kw["bind"]).start()
    stack.callback(checkpoints.stop)
    if config_file is not None:
        load_catalogue(sessions, config, config_file)
    broker: EmbeddedBroker | None = None
    if config.broker.host:
        address = broker_address(config)
    else:
        broker = start_embedded_broker(config, stack)
        address = broker.address
    bus = connect_bus(address, config.site.id, f"server-{config.site.id}", "server", True)
    stack.callback(bus.close)
    # Logins come in on a second connection (same account, no last will, no session).
    login_bus = PahoBus(address, f"server-{config.site.id}-logins")
    stack.callback(login_bus.close)
    server = build_queue_server(config, sessions, bus, utc_now, login_bus=login_bus)
    server.start()
    stack.callback(server.stop)
    if broker is not None:
        # A restarted broker lost what it had not saved: publish every retained state again.
        broker.on_restart(server.republish)
    start_health(config, server, stack, broker)
    return server


def start_embedded_broker(config: SiteConfig, stack: ExitStack) -> EmbeddedBroker:
    """Start (or adopt) the supervised private broker and leave its address for local apps."""
    data = config.data_path()
    directory = data / "broker"
    passwords, acl = embedded_accounts(config, directory)
    broker = EmbeddedBroker(directory, users=passwords, acl=acl)
    address = broker.start(supervise=True)
    stack.callback(broker.stop)
    stack.callback(lambda: (data / LOCAL_BROKER_FILE).unlink(missing_ok=True))
    write_local_broker(data, address)
    log.info("embedded broker on 127.0.0.1:%d (pid %s)", address.port, broker.pid)
    return broker


def embedded_accounts(config: SiteConfig, directory: Path) -> tuple[dict[str, str], str]:
    """Per-device accounts and ACL for the embedded broker, as `motcua provision` makes them.

    Passwords are made on the first start and kept in `credentials/` (0600); the local
    account (local-broker.json, 0600) may use every topic of this site and no other.
    """
    accounts = site_accounts(config)
    directory.mkdir(parents=True, exist_ok=True)
    passwords, _made = passwords_for(directory, [a.user for a in accounts], False)
    write_credentials(directory, passwords)
    local = [
        "",
        "# role: local (this machine's own apps, see local-broker.json)",
        f"user {LOCAL_USER}",
        f"topic readwrite {Topics(config.site.id).everything()}",
    ]
    return passwords, acl_text(accounts) + "\n".join(local) + "\n"


def build_queue_server(
    config: SiteConfig,
    sessions: sessionmaker[Session],
    bus: Bus,
    clock: Callable[[], datetime],
    monotonic: Callable[[], float] = time.monotonic,
    login_bus: Bus | None = None,
) -> QueueServer:
    """Build the queue server a site file describes: rules, rate limits, login lockouts."""
    server = QueueServer(
        config.to_domain(),
        sessions,
        bus,
        clock,
        DossierSettings.from_config(config),
        limiter=RateLimiter(config.limits, monotonic),
        lockout=config.security.lockout_policy(),
        login_workers=config.security.login_check_workers,
        login_bus=login_bus,
        daily_purge=DailyPurge(config.privacy.retention(), site_key(config.privacy_key_path())),
    )
    if config.web.public_url:
        key = site_key(config.web_key_path())
        server.service.links = TicketLinks(config.web.public_url, key)
    if config.appointments.enabled:
        settings = AppointmentSettings.from_config(config, site_key(config.privacy_key_path()))
        server.service.appointments = AppointmentService(server.site, settings)
        if settings.notify is None:
            log.warning(
                "[appointments] is on but [notify] is off: no one-time code can reach a phone, "
                "so no booking can be made from one (kiosks still check in)"
            )
    return server


def start_health(
    config: SiteConfig,
    server: QueueServer,
    stack: ExitStack,
    broker: EmbeddedBroker | None = None,
) -> HealthServer | None:
    """Serve /healthz and /metrics on the configured port; a busy port is logged, not fatal."""
    if not config.server.health_port:
        return None
    host, port = config.server.health_host, config.server.health_port
    try:
        endpoint = HealthServer(server, host, port, broker).start()
    except OSError as exc:
        log.error("no /healthz and /metrics: cannot listen on %s:%d (%s)", host, port, exc)
        return None
    stack.callback(endpoint.stop)
    log.info("health and metrics on http://%s:%d/healthz and /metrics", host, endpoint.port)
    return endpoint


def worker_alive(server: QueueServer) -> bool:
    """Tell whether the server's command worker is still running (what the watchdog guards)."""
    return server._worker.is_alive()


def load_catalogue(sessions: sessionmaker[Session], config: SiteConfig, config_file: str) -> None:
    """Import the configured procedure catalogue; a bad file is logged, the queue still runs."""
    from server.catalogue import load_catalogue_at_start
    from shared.catalogue import CatalogueError

    try:
        load_catalogue_at_start(sessions, config, Path(config_file), utc_now())
    except CatalogueError as exc:
        log.error("procedure catalogue not loaded: %s", exc)


def run(args: argparse.Namespace) -> int:
    """Run until SIGTERM or SIGINT."""
    setup_logging(args.log_level)
    config = load_config(args.config)
    if config is None:
        return 2
    stop = stop_event()
    with ExitStack() as stack:
        try:
            server = start_server(config, args.database_url, stack, args.config)
        except (BrokerError, FileNotFoundError, AgencyCodeTaken, IndexKeyError) as exc:
            print(f"motcua server: {exc}", file=sys.stderr)
            return 1
        log.info("queue server for %s is running", config.site.name)
        # Under systemd (Type=notify): ready only now, then watchdog pings while the worker lives.
        watchdog = Watchdog(lambda: worker_alive(server))
        stack.callback(watchdog.stop)
        notify(f"READY=1\nSTATUS=Máy chủ xếp hàng {config.site.id} đang chạy")
        watchdog.start()
        stop.wait()
        notify("STOPPING=1")
        log.info("stopping")
    return 0
