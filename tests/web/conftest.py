"""A real queue server and broker, `motcua web` on a loopback port, and headless Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from server.appointment_service import AppointmentService, AppointmentSettings
from server.broker import EmbeddedBroker, free_port
from server.daemon import QueueServer
from shared.config.site import SiteConfig
from shared.domain.ticket_links import TicketLinks
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from tests.helpers.appointments import KEY as BOOKING_KEY
from tests.helpers.appointments import Phones
from tests.helpers.sites import demo_config
from tests.web.served import ServedWeb, links, serve_web, web_config

CHROMIUM = "/usr/bin/chromium"
# The public address has a path, as behind a reverse proxy (`location /motcua/`).
PREFIX = "/motcua"


class Hall:
    """The test's view of a running centre: its web pages and the devices that act."""

    def __init__(
        self,
        server: QueueServer,
        bus_factory: Callable[..., PahoBus],
        topics: Topics,
        port: int,
        config: SiteConfig,
    ) -> None:
        self.server = server
        self.topics = topics
        self.port = port
        self.public_url = f"http://127.0.0.1:{port}{PREFIX}"
        self.links: TicketLinks = links(self.public_url)
        server.service.links = self.links
        self.config = web_config(config, self.public_url)
        self.kiosk = CommandClient(bus_factory("kiosk-1", "kiosk"), topics, "kiosk-1")
        self._bus_factory = bus_factory
        self._counters: dict[str, CommandClient] = {}

    def issue(self, service: str = "ho-tich") -> str:
        """Take a ticket at the kiosk; return its QR text (the page's link)."""
        reply = self.kiosk.send(c.IssueTicket(request_id=new_request_id(), service=service))
        assert reply.ok, reply.error
        return str(reply.result["ticket"]["qr"])

    def counter(self, counter_id: str) -> CommandClient:
        """A counter's console, opened on first use."""
        console = self._counters.get(counter_id)
        if console is None:
            bus = self._bus_factory(counter_id, "counter")
            console = self._counters[counter_id] = CommandClient(bus, self.topics, counter_id)
            opened = console.send(
                c.OpenCounter(request_id=new_request_id(), officer_id=f"cb-{counter_id}")
            )
            assert opened.ok, opened.error
        return console

    def counter_with_login(
        self, counter_id: str, officer_id: str, password: str
    ) -> Callable[..., dict[str, Any]]:
        """A counter where an officer logged in; call it with a command class and fields."""
        bus = self._bus_factory(counter_id, "counter")
        console = CommandClient(bus, self.topics, counter_id)

        def send(kind: type[c.Command], **fields: Any) -> dict[str, Any]:
            reply = console.send(kind(request_id=new_request_id(), **fields), timeout=5)
            assert reply.ok, reply.error
            return reply.result

        send(dc.OfficerLogin, officer_id=officer_id, password=password)
        return send

    def do(self, counter_id: str, kind: type[c.Command], **fields: Any) -> dict[str, Any]:
        """Send a counter command; return its result."""
        reply = self.counter(counter_id).send(kind(request_id=new_request_id(), **fields))
        assert reply.ok, reply.error
        return reply.result


@pytest.fixture
def hall(running_server: QueueServer, bus_factory: Callable[..., PahoBus], topics: Topics) -> Hall:
    return Hall(running_server, bus_factory, topics, free_port(), demo_config())


def bookings_on(hall: Hall, **rules: Any) -> Phones:
    """Turn bookings on (the demo site's `[appointments]`, some rules changed); the phones.

    The one-time codes never leave the server's process: the server tests' seam (a sender of
    the test's own) keeps them for the test to type, as the citizen reads them on the phone.
    """
    settings = AppointmentSettings.from_config(hall.config, BOOKING_KEY)
    if rules:
        settings = replace(settings, rules=replace(settings.rules, **rules))
    sent = Phones()
    hall.server.service.appointments = AppointmentService(hall.server.site, settings, sent)
    return sent


@pytest.fixture
def phones(hall: Hall) -> Phones:
    """Bookings on, as the demo site's file says; the codes sent to phones."""
    return bookings_on(hall)


@pytest.fixture
def web(hall: Hall, broker: EmbeddedBroker) -> Iterator[ServedWeb]:
    served = serve_web(hall.config, broker.address, hall.port)
    yield served
    served.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A real headless Chromium (Debian's), driven by Playwright."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"{CHROMIUM} missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh phone-sized tab whose vibrations are counted (navigator.vibrate)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.add_init_script(
        "window.__vibrations = [];"
        "Object.defineProperty(navigator, 'vibrate', {value: function (p) {"
        " window.__vibrations.push(p); return true; }});"
    )
    tab = context.new_page()
    yield tab
    context.close()
