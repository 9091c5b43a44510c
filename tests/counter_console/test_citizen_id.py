"""A citizen ID card scanned at the counter fills the receive form for the officer to confirm."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_console import app
from counter_console.actions import Action
from counter_console.build import Console
from counter_console.live import start_scanners
from hw.scanner.base import ScannerBase
from shared.config.site import SiteConfig
from shared.messaging import commands as c
from shared.messaging.paho_bus import PahoBus
from tests.counter_console.conftest import ConsoleFactory, issue

SITE = "hcc-demo"
# A fictitious person.
CARD = "001099000001||NGUYỄN VĂN THỬ|01011950|Nam|Số 1 phố Thử|01012022"
UNREADABLE_CARD = "001099000003||LÊ VĂN THỬ|31139999|Nam|Số 3 phố Thử|01012022"


class HandScanner(ScannerBase):
    """A reader whose codes the test hands in: the same pipeline and events as a real one."""

    def start(self) -> None:
        """Nothing to open."""

    def stop(self) -> None:
        """Nothing to close."""


def _receive_page_open(qtbot: QtBot, console: Console) -> object:
    qtbot.keyClick(console.window, Qt.Key.Key_F11)
    page = console.window.extra_pages[Action.DOSSIER]
    assert console.window.pages.currentWidget() is page
    qtbot.waitUntil(lambda: not console.desk.busy, timeout=10_000)
    return page


def test_scanned_card_fills_the_receive_form_without_submitting(
    qtbot: QtBot, console_factory: ConsoleFactory, bus_factory: Callable[..., PahoBus]
) -> None:
    issue(bus_factory("kiosk-1", "kiosk"), SITE, "ho-tich")
    console = console_factory("q01")
    page = _receive_page_open(qtbot, console)
    fields = page.fields  # type: ignore[attr-defined]
    fields["phone"].setText("0903123456")
    scanner = HandScanner("q01-card")
    start_scanners(console, [scanner])  # as `motcua counter --scanner q01-card` does
    assert scanner.deliver_text(CARD) is not None
    qtbot.waitUntil(lambda: fields["name"].text() != "", timeout=5000)
    assert fields["name"].text() == "NGUYỄN VĂN THỬ"
    assert fields["id_number"].text() == "001099000001"  # in full: the officer needs it
    assert fields["address"].text() == "Số 1 phố Thử"
    assert fields["phone"].text() == "0903123456"  # what the officer typed stays
    assert "thẻ căn cước" in console.desk.message and not console.desk.message_is_error
    assert console.desk.dossier is None and not console.desk.busy  # nothing was submitted


def test_card_shared_at_the_kiosk_fills_the_form_of_the_counter_serving_it(
    qtbot: QtBot, console_factory: ConsoleFactory, bus_factory: Callable[..., PahoBus]
) -> None:
    shared = c.CitizenCard(
        full_name="ĐỖ THỊ HỒNG NHUNG", id_number="001199000002", address="Số 2 phố Thử, Hà Nội"
    )
    kiosk = bus_factory("kiosk-1", "kiosk")
    number = issue(kiosk, SITE, "ho-tich", citizen=shared)
    console = console_factory("q01")
    page = _receive_page_open(qtbot, console)
    button, fields = page.from_kiosk, page.fields  # type: ignore[attr-defined]
    assert not button.isVisible()  # nobody called yet
    console.model.call_next()
    qtbot.waitUntil(lambda: console.model.carded_ticket() == number, timeout=10_000)
    qtbot.waitUntil(button.isVisible, timeout=5000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: fields["name"].text() != "", timeout=10_000)
    assert fields["name"].text() == "ĐỖ THỊ HỒNG NHUNG"
    assert fields["id_number"].text() == "001199000002"
    assert fields["address"].text() == "Số 2 phố Thử, Hà Nội"
    assert "ki-ốt" in console.desk.message and not console.desk.message_is_error
    assert console.desk.dossier is None  # nothing submitted: the officer checks first
    console.model.finish()
    qtbot.waitUntil(lambda: console.model.carded_ticket() is None, timeout=10_000)
    qtbot.waitUntil(lambda: not button.isVisible(), timeout=5000)


def test_a_ticket_without_a_shared_card_offers_no_kiosk_fill(
    qtbot: QtBot, console_factory: ConsoleFactory, bus_factory: Callable[..., PahoBus]
) -> None:
    number = issue(bus_factory("kiosk-1", "kiosk"), SITE, "ho-tich")
    console = console_factory("q01")
    page = _receive_page_open(qtbot, console)
    console.model.call_next()
    qtbot.waitUntil(
        lambda: console.model.current is not None and console.model.current.number == number,
        timeout=10_000,
    )
    assert console.model.carded_ticket() is None
    assert not page.from_kiosk.isVisible()  # type: ignore[attr-defined]
    assert not console.desk.fetch_kiosk_card(lambda card: None)
    assert "không chia sẻ" in console.desk.message and console.desk.message_is_error


def test_unreadable_card_says_so_and_fills_nothing(
    qtbot: QtBot, console_factory: ConsoleFactory
) -> None:
    console = console_factory("q01")
    page = _receive_page_open(qtbot, console)
    scanner = HandScanner("q01-card")
    start_scanners(console, [scanner])
    scanner.deliver_text(UNREADABLE_CARD)
    qtbot.waitUntil(lambda: console.desk.message_is_error, timeout=5000)
    assert console.desk.message.startswith("Không đọc được thẻ căn cước")
    assert all(not f.text() for f in page.fields.values())  # type: ignore[attr-defined]


def test_the_return_desk_takes_slips_from_the_scanner_not_cards(
    qtbot: QtBot, console_factory: ConsoleFactory
) -> None:
    console = console_factory("q07")
    qtbot.keyClick(console.window, Qt.Key.Key_F12)
    page = console.window.extra_pages[Action.RETURN_DOSSIER]
    assert console.window.pages.currentWidget() is page
    scanner = HandScanner("q07-slip")
    start_scanners(console, [scanner])
    scanner.deliver_text(CARD)
    qtbot.waitUntil(lambda: console.desk.message_is_error, timeout=5000)
    assert "không phải phiếu hẹn" in console.desk.message
    scanner.deliver_text("000.00.17.H99-261109-9999")  # no such dossier: the server says so
    qtbot.waitUntil(
        lambda: not console.desk.busy and "không phải phiếu hẹn" not in console.desk.message,
        timeout=10_000,
    )
    assert console.desk.message_is_error and console.desk.dossier is None


def test_scanner_option_picks_the_named_scanners(site_config: SiteConfig) -> None:
    with pytest.raises(ValueError, match="no-such"):
        app.choose_scanners(site_config, "q01", ["no-such"])
    assert app.choose_scanners(site_config, "q01", []) == [
        s for s in site_config.scanners if s.id.startswith("q01-")
    ]
