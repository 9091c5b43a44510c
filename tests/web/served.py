"""`motcua web` served by uvicorn on a loopback port in a thread of the test process."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass

import uvicorn

from shared.config.site import SiteConfig
from shared.config.web import WebConfig
from shared.domain.ticket_links import TicketLinks
from shared.messaging.paho_bus import BrokerAddress, PahoBus
from shared.messaging.registry import WEB_USER
from shared.messaging.topics import Topics
from web.main import WebService, build_service, server_config

KEY = bytes(range(32))


def web_config(config: SiteConfig, public_url: str, **web: object) -> SiteConfig:
    """The site file with a `[web]` section for the test."""
    section = WebConfig.model_validate({"public_url": public_url, **web})
    return config.model_copy(update={"web": section})


def links(public_url: str) -> TicketLinks:
    """The ticket links the queue server makes (the test's key)."""
    return TicketLinks(public_url, KEY)


@dataclass
class ServedWeb:
    """A running web instance: its address, its service, and how to stop it."""

    url: str
    service: WebService
    bus: PahoBus
    server: uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        """Stop serving (open pages lose their connection) and disconnect from the broker."""
        self.server.should_exit = True
        self.thread.join(15)
        self.bus.close()
        assert not self.thread.is_alive(), "the web server did not stop"


def serve_web(config: SiteConfig, broker: BrokerAddress, port: int, name: str = "1") -> ServedWeb:
    """Start a web instance on 127.0.0.1:port, logged in to the broker; wait until it serves."""
    bus = PahoBus(broker, f"web-test-{name}", reply_topic=Topics(config.site.id).reply(WEB_USER))
    assert bus.wait_connected(10)
    service = build_service(config, bus)
    server = uvicorn.Server(server_config(service.app, "127.0.0.1", port, "warning"))

    async def main() -> None:
        service.gateway.start(asyncio.get_running_loop())
        await server.serve()

    thread = threading.Thread(target=lambda: asyncio.run(main()), name=f"web-{name}")
    thread.start()
    for _ in range(200):
        if server.started or not thread.is_alive():
            break
        threading.Event().wait(0.05)
    assert server.started, "the web server did not start"
    assert bus.wait_subscribed(10)
    return ServedWeb(f"http://127.0.0.1:{port}", service, bus, server, thread)
