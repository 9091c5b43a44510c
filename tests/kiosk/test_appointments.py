"""Checking in at the kiosk for a booking made on a phone, against a real server and Mosquitto."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from pytestqt.qtbot import QtBot

from hw.printer.service import ReceiptPrinter
from kiosk.demo_data import demo_ticket
from kiosk.printing import ticket_document
from kiosk.viewmodel import PrintState, Screen
from server.appointment_service import AppointmentService, AppointmentSettings
from server.daemon import QueueServer
from shared.config.printer import PrinterConfig
from shared.config.site import SiteConfig
from shared.domain.codes import CodeKind, classify
from shared.messaging import appointment_commands as ac
from shared.messaging.appointment_views import BookingResult, BookingView
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from tests.helpers.appointments import KEY, Phones
from tests.helpers.cards import make_card
from tests.helpers.clock import FakeClock
from tests.helpers.sites import demo_config
from tests.kiosk.conftest import Kiosk
from tests.kiosk.touch import tap, type_keys, wait_ready

WAIT_MS = 10_000
CARD = make_card(41, "Trần Thị Hẹn", datetime(1990, 5, 1).date(), "Nữ")


@pytest.fixture
def phones(running_server: QueueServer) -> Iterator[Phones]:
    """The running server takes the demo site's bookings; its codes reach these phones."""
    received = Phones()
    settings = AppointmentSettings.from_config(demo_config(), KEY)
    service = AppointmentService(running_server.site, settings, sender=received)
    running_server.service.appointments = service
    yield received


@pytest.fixture
def web(bus_factory: Callable[..., PahoBus], topics: Topics) -> CommandClient:
    """The citizens' web pages, as the broker sees them."""
    return CommandClient(bus_factory("web", "web"), topics, "web")


def _book(
    web: CommandClient, phones: Phones, slot: datetime, phone: str, **fields: str
) -> BookingView:
    request = ac.RequestBooking(
        request_id=new_request_id(), service="ho-tich", slot=slot, phone=phone, **fields
    )
    asked = web.send(request)
    assert asked.ok, asked.error
    ref = str(asked.result["request"])
    confirm = ac.ConfirmBooking(request_id=new_request_id(), request=ref, otp=phones.code(ref))
    confirmed = web.send(confirm)
    assert confirmed.ok, confirmed.error
    return confirmed.result_as(BookingResult).booking


def _slot(clock: FakeClock, minutes: int = 30) -> datetime:
    return clock() + timedelta(minutes=minutes)  # 09:30, 09:45 … on the fake Monday


def test_typing_the_booking_code_checks_in_and_prints_the_appointment_ticket(
    qtbot: QtBot,
    phones: Phones,
    web: CommandClient,
    clock: FakeClock,
    make_kiosk: Callable[..., Kiosk],
) -> None:
    booking = _book(web, phones, _slot(clock), "0912000001")
    kiosk = make_kiosk()
    wait_ready(qtbot, kiosk, "ho-tich", WAIT_MS)
    tap(qtbot, kiosk.window, "TÔI CÓ LỊCH HẸN")
    assert kiosk.model.screen is Screen.APPOINTMENT
    type_keys(qtbot, kiosk.window, booking.code[:4].lower() + booking.code[4:])
    tap(qtbot, kiosk.window, "XÁC NHẬN")
    qtbot.waitUntil(lambda: kiosk.model.print_state is PrintState.PRINTED, timeout=WAIT_MS)
    ticket = kiosk.model.ticket
    assert ticket is not None and ticket.appointment_at == booking.slot
    assert kiosk.model.visible_screen is Screen.TICKET
    mark = kiosk.window.current_page().priority  # type: ignore[attr-defined]
    assert mark.isVisible() and mark.text() == "LỊCH HẸN 09:30"
    tap(qtbot, kiosk.window, "XONG")
    assert kiosk.model.booking_text == "" and kiosk.model.ticket is None


def test_a_wrong_code_is_explained_on_the_check_in_screen(
    qtbot: QtBot, phones: Phones, make_kiosk: Callable[..., Kiosk]
) -> None:
    kiosk = make_kiosk()
    wait_ready(qtbot, kiosk, "ho-tich", WAIT_MS)
    tap(qtbot, kiosk.window, "TÔI CÓ LỊCH HẸN")
    type_keys(qtbot, kiosk.window, "H7KQ")
    tap(qtbot, kiosk.window, "XÁC NHẬN")
    assert "8 ký tự" in kiosk.model.booking_message, "checked at the kiosk: nothing sent"
    type_keys(qtbot, kiosk.window, "2MXA")
    tap(qtbot, kiosk.window, "XÁC NHẬN")
    qtbot.waitUntil(lambda: "Không tìm thấy" in kiosk.model.booking_message, timeout=WAIT_MS)
    assert kiosk.model.screen is Screen.APPOINTMENT and kiosk.model.ticket is None


def test_scanning_the_booking_qr_anywhere_checks_in(
    qtbot: QtBot,
    phones: Phones,
    web: CommandClient,
    clock: FakeClock,
    make_kiosk: Callable[..., Kiosk],
) -> None:
    booking = _book(web, phones, _slot(clock, 45), "0912000002")
    assert classify(booking.qr).kind is CodeKind.BOOKING
    kiosk = make_kiosk()
    wait_ready(qtbot, kiosk, "ho-tich", WAIT_MS)
    assert kiosk.model.screen is Screen.START
    kiosk.model.scanned(booking.qr)
    qtbot.waitUntil(lambda: kiosk.model.ticket is not None, timeout=WAIT_MS)
    assert kiosk.model.ticket is not None and kiosk.model.ticket.appointment_at == booking.slot


def test_the_id_card_booked_with_checks_in_on_the_appointment_screen_only(
    qtbot: QtBot,
    phones: Phones,
    web: CommandClient,
    clock: FakeClock,
    make_kiosk: Callable[..., Kiosk],
) -> None:
    booking = _book(web, phones, _slot(clock), "0912000003", id_number=CARD.id_number)
    kiosk = make_kiosk()
    wait_ready(qtbot, kiosk, "ho-tich", WAIT_MS)
    kiosk.model.scanned(CARD.qr)  # on the start screen: the card only offers, nothing is sent
    qtbot.waitUntil(lambda: bool(kiosk.model.notice), timeout=WAIT_MS)
    assert kiosk.model.screen is Screen.START and kiosk.model.ticket is None
    tap(qtbot, kiosk.window, "TÔI CÓ LỊCH HẸN")
    kiosk.model.scanned(CARD.qr)
    qtbot.waitUntil(lambda: kiosk.model.ticket is not None, timeout=WAIT_MS)
    ticket = kiosk.model.ticket
    assert ticket is not None and ticket.appointment_at == booking.slot
    assert kiosk.model.card is None and kiosk.model.offered_priority is None


def test_the_paper_ticket_of_an_appointment_says_lich_hen(site_config: SiteConfig) -> None:
    """'LỊCH HẸN 09:30' is printed under the number, in a band like a priority ticket's."""
    ticket = demo_ticket(site_config).model_copy(update={"priority": None})
    slot = ticket.issued_at.replace(hour=2, minute=30)
    booked = ticket_document(site_config, ticket.model_copy(update={"appointment_at": slot}))
    assert booked.appointment == "09:30" and ticket_document(site_config, ticket).appointment == ""
    printer = ReceiptPrinter(PrinterConfig(id="sim-1", driver="sim"))
    try:
        plain = printer.render(replace(booked, appointment=""))[0]
        marked = printer.render(booked)[0]
    finally:
        printer.close()
    assert marked.height > plain.height
