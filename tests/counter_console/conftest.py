"""Fixtures for counter consoles against a real server and Mosquitto, offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from counter_console.actions import Officer
from counter_console.build import Console, build_console
from server.catalogue import load_catalogue_at_start
from server.daemon import QueueServer
from shared.config.site import SiteConfig
from shared.messaging import commands as c
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.dossier_commands import OfficerLogin
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.helpers.clock import FakeClock
from tests.helpers.sites import DEMO_CONFIG, demo_config

DEMO_PIN = "1234"

ConsoleFactory = Callable[..., Console]


@pytest.fixture(scope="session")
def site_config() -> SiteConfig:
    return demo_config()


@pytest.fixture
def seeded(sessions: sessionmaker[Session], site_config: SiteConfig, clock: FakeClock) -> None:
    """The demo catalogue and officers, as `motcua officer add` would make them (PIN 1234)."""
    load_catalogue_at_start(sessions, site_config, DEMO_CONFIG, clock())
    hashed = hash_password(DEMO_PIN)
    with sessions.begin() as session:
        officers = OfficerRepository(session, site_config.site.id)
        for index, counter in enumerate(site_config.counters, start=1):
            officers.upsert(
                f"cb{index:02d}", f"Cán bộ quầy {counter.label}", (counter.id,), hashed, clock()
            )
        officers.upsert("gs01", "Giám sát viên", (), hashed, clock(), role="supervisor")


@pytest.fixture
def console_factory(
    seeded: None,
    qtbot: QtBot,
    bus_factory: Callable[..., PahoBus],
    running_server: QueueServer,
    site_config: SiteConfig,
) -> Iterator[ConsoleFactory]:
    """Build consoles on the real broker; `open_as` signs an officer in (officer_login)."""
    made: list[Console] = []
    topics = Topics(site_config.site.id)

    def make(counter_id: str, open_as: str | None = "") -> Console:
        """A console of a counter; `open_as` signs in an officer ('' = the one assigned)."""
        bus = bus_factory(f"console-{counter_id}-{len(made)}", "counter")
        console = build_console(site_config, counter_id, CommandClient(bus, topics, counter_id))
        made.append(console)
        qtbot.addWidget(console.window)
        qtbot.addWidget(console.rating_window)
        console.attach(bus)
        qtbot.waitUntil(lambda: console.model.connected and console.model.state is not None)
        if open_as is not None:
            open_as = open_as or f"cb{counter_id[1:]}"
            reply = console.runners[0].send_now(
                OfficerLogin(request_id=new_request_id(), officer_id=open_as, password=DEMO_PIN)
            )
            assert reply.ok, reply.error
            data = reply.result["officer"]
            console.model.begin_shift(
                Officer(data["id"], data["name"], data["title"], data["role"])
            )
            qtbot.waitUntil(
                lambda: console.model.state is not None and console.model.state.status == "open"
            )
        console.window.resize(1280, 800)
        console.window.show()
        console.window.activateWindow()
        qtbot.waitActive(console.window)
        return console

    yield make
    for console in made:
        console.close()


def issue(
    bus: PahoBus,
    site_id: str,
    service: str,
    priority: str | None = None,
    citizen: c.CitizenCard | None = None,
) -> str:
    """Take a number at a kiosk (`citizen`: the card details the citizen agreed to share)."""
    client = CommandClient(bus, Topics(site_id), "kiosk-1")
    reply = client.send(
        c.IssueTicket(
            request_id=new_request_id(), service=service, priority=priority, citizen=citizen
        )
    )
    assert reply.ok, reply.error
    return str(reply.result["ticket"]["number"])
