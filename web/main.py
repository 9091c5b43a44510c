"""`motcua web`: serve the citizen's phone pages for one or several sites."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import re
import socket
import sys
from dataclasses import dataclass
from types import FrameType
from typing import Any

from shared.config.site import DEFAULT_CONFIG, SiteConfig
from shared.messaging.bus import Bus
from shared.messaging.paho_bus import BrokerAddress, PahoBus
from shared.messaging.registry import WEB_USER
from shared.messaging.topics import Topics
from web.app import PageSettings, build_app
from web.gateway import Gateway
from web.guard import Guard
from web.live import LiveHub

log = logging.getLogger("motcua.web")
# Seconds a stopping server gives open live pages before closing them (they reconnect).
GRACEFUL_SECONDS = 3


def register(subparsers: Any) -> None:
    """Add the `web` subcommand."""
    parser = subparsers.add_parser("web", help="trang số thứ tự và hồ sơ trên điện thoại")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="site TOML file")
    parser.add_argument("--host", default="", help="listen address (default: [web] listen_host)")
    parser.add_argument("--port", type=int, default=0, help="port (default: [web] listen_port)")
    parser.add_argument("--log-level", default="INFO")
    parser.set_defaults(handler=run)


def page_settings(config: SiteConfig) -> PageSettings:
    """What the pages need from the site file."""
    web = config.web
    english = {s.code: s.name_en for s in config.services if s.name_en}
    return PageSettings(
        public_url=web.public_url,
        site_names={config.site.id: config.site.name},
        service_names_en={config.site.id: english},
        timezone=config.site.timezone,
        trusted_proxies=tuple(web.trusted_proxies),
        requests_per_minute=web.requests_per_minute,
        request_burst=web.request_burst,
        max_live_pages=web.max_live_pages,
    )


def served_sites(config: SiteConfig) -> list[str]:
    """The sites this instance shows ([web] sites, else the file's own)."""
    return list(config.web.sites) or [config.site.id]


def client_id() -> str:
    """A client id of this instance's own: instances share the `web` account, not a session."""
    host = re.sub(r"[^A-Za-z0-9_-]", "-", socket.gethostname())[:40]
    return f"{WEB_USER}-{host}-{os.getpid()}"


@dataclass
class WebService:
    """The web application with its broker side, ready to be served."""

    app: Guard
    gateway: Gateway
    hub: LiveHub


def build_service(config: SiteConfig, bus: Bus) -> WebService:
    """Build the pages, the live hub and the gateway for a site file, on a connected bus."""
    hub = LiveHub()
    gateway = Gateway(
        bus,
        hub,
        served_sites(config),
        config.site.id,
        in_flight=config.web.commands_in_flight,
    )
    return WebService(build_app(gateway, hub, page_settings(config)), gateway, hub)


def web_broker(config: SiteConfig) -> BrokerAddress:
    """The broker and the `web` account, found as every process finds its own."""
    from shared.runtime import broker_address, local_credential

    broker = config.broker
    if not broker.host and not broker.username and local_credential(config, WEB_USER).exists():
        # On the server's machine: the embedded broker keeps a password for the web account.
        config = config.model_copy(
            update={"broker": broker.model_copy(update={"username": WEB_USER})}
        )
    return broker_address(config)


def connect(config: SiteConfig) -> PahoBus:
    """Connect to the broker (in the background; pages say 'busy' until it is up)."""
    address = web_broker(config)
    reply = Topics(config.site.id).reply(WEB_USER)
    return PahoBus(address, client_id(), reply_topic=reply)


def server_config(app: Guard, host: str, port: int, log_level: str = "info") -> Any:
    """uvicorn's settings for the pages (an `uvicorn.Config`)."""
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level.lower(),
        access_log=False,  # the guard logs requests, with link tokens cut
        lifespan="off",
        proxy_headers=False,  # the guard believes only the configured proxies
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SECONDS,
    )


async def serve(service: WebService, host: str, port: int, log_level: str) -> None:
    """Serve until SIGTERM or SIGINT."""
    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            """Stop serving; `run` then disconnects from the broker and returns (no re-raise)."""
            super().handle_exit(sig, frame)
            self._captured_signals.clear()

    service.gateway.start(asyncio.get_running_loop())
    await Server(server_config(service.app, host, port, log_level)).serve()


def run(args: argparse.Namespace) -> int:
    """Run `motcua web`."""
    from shared.config.site import load_config
    from shared.runtime import setup_logging

    setup_logging(args.log_level)
    config = load_config(args.config)
    if config is None:
        return 2
    try:
        bus = connect(config)
    except (FileNotFoundError, OSError) as exc:
        print(f"motcua web: {exc}", file=sys.stderr)
        return 2
    host = args.host or config.web.listen_host
    port = args.port or config.web.listen_port
    if not config.web.public_url:
        log.warning("[web] public_url is empty: tickets and slips carry no link to these pages")
    service = build_service(config, bus)
    log.info("citizen pages for %s on http://%s:%d", ", ".join(service.gateway.sites), host, port)
    try:
        asyncio.run(serve(service, host, port, args.log_level))
    finally:
        bus.close()
    return 0
