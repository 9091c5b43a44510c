"""Fixtures for the kiosk: offscreen Qt, a simulated printer, a kiosk wired to a real broker."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from hw.printer.service import ReceiptPrinter
from kiosk.printing import TicketPrinter
from kiosk.viewmodel import KioskViewModel
from kiosk.window import KioskWindow
from server.catalogue import load_catalogue_at_start
from server.daemon import QueueServer
from shared.config.printer import PrinterConfig
from shared.config.site import SiteConfig
from shared.messaging import commands as c
from shared.messaging import dossier_commands as d
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.dossier_views import DossierFull, ProcedureView
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from tests.helpers.clock import FakeClock
from tests.helpers.sites import DEMO_CONFIG, demo_config


@dataclass
class Kiosk:
    """A kiosk under test: its view-model, window, printer and bus."""

    model: KioskViewModel
    window: KioskWindow
    printer: ReceiptPrinter | None
    bus: PahoBus


@pytest.fixture
def site_config() -> SiteConfig:
    return demo_config()


@pytest.fixture
def catalogue(sessions: sessionmaker[Session], site_config: SiteConfig, clock: FakeClock) -> None:
    """The demo procedure catalogue in the database, as `motcua server` imports it at start."""
    load_catalogue_at_start(sessions, site_config, DEMO_CONFIG, clock())


@pytest.fixture
def make_kiosk(
    qtbot: QtBot, bus_factory: Callable[..., PahoBus], site_config: SiteConfig
) -> Iterator[Callable[..., Kiosk]]:
    """Build kiosks on the test broker; each is stopped after the test."""
    made: list[Kiosk] = []

    def build(
        *,
        config: SiteConfig | None = None,
        faults: tuple[str, ...] = (),
        printer: bool = True,
        idle_seconds: float | None = None,
        kiosk_id: str = "kiosk-1",
        bus: PahoBus | None = None,
        size: tuple[int, int] = (1080, 1920),
        wall_clock: Callable[[], datetime] | None = None,
    ) -> Kiosk:
        site = config or site_config
        receipt = None
        ticket_printer = None
        kiosk_bus = bus or bus_factory(kiosk_id, "kiosk")
        if printer:
            receipt = ReceiptPrinter(
                PrinterConfig(id=f"{kiosk_id}-printer", driver="sim", sim_faults=list(faults))
            )
            ticket_printer = TicketPrinter(site, receipt, kiosk_bus)
        model = KioskViewModel(
            site, kiosk_id, idle_seconds=idle_seconds, printer=ticket_printer, wall_clock=wall_clock
        )
        model.attach(kiosk_bus)
        window = KioskWindow(model)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        kiosk = Kiosk(model, window, receipt, kiosk_bus)
        made.append(kiosk)
        return kiosk

    yield build
    for kiosk in made:
        kiosk.model.stop()
        if kiosk.printer is not None:
            kiosk.printer.close()


@pytest.fixture
def received(
    catalogue: None,
    running_server: QueueServer,
    bus_factory: Callable[..., PahoBus],
    topics: Topics,
) -> tuple[CommandClient, DossierFull]:
    """An officer at counter 1 receives a dossier for the first procedure of the catalogue."""
    counter = CommandClient(bus_factory("q01", "counter"), topics, "q01")
    assert counter.send(c.OpenCounter(request_id=new_request_id(), officer_id="cb-01")).ok
    listed = counter.send(d.ListProcedures(request_id=new_request_id()))
    assert listed.ok, listed.error
    procedure = ProcedureView.model_validate(listed.result["procedures"][0])
    reply = counter.send(
        d.ReceiveDossier(
            request_id=new_request_id(),
            procedure=procedure.code,
            citizen=d.CitizenData(name="Nguyễn Thị Hoa", phone="0912345678"),
            link_current_ticket=False,
        )
    )
    assert reply.ok, reply.error
    return counter, DossierFull.model_validate(reply.result["dossier"])
