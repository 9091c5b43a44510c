"""The broker going away and coming back, and the technician's exit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from kiosk.admin import AdminGesture, PinPad, hash_pin, verify_pin
from kiosk.viewmodel import Screen
from server.broker import EmbeddedBroker
from server.daemon import QueueServer
from shared.config.kiosk import KioskConfig
from shared.config.site import SiteConfig
from shared.domain.site import Site
from shared.runtime import connect_bus
from tests.helpers.clock import FakeClock
from tests.kiosk.conftest import Kiosk
from tests.kiosk.touch import take_regular_number

WAIT_MS = 20_000


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[EmbeddedBroker]:
    """A broker this test may stop and start again (on the same port)."""
    broker = EmbeddedBroker(tmp_path / "broker")
    broker.start()
    yield broker
    broker.stop()


def test_broker_drop_shows_the_unavailable_screen_and_recovers_by_itself(
    qtbot: QtBot,
    own_broker: EmbeddedBroker,
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    make_kiosk: Callable[..., Kiosk],
) -> None:
    server_bus = connect_bus(own_broker.address, demo_site.id, f"server-{demo_site.id}", "server")
    kiosk_bus = connect_bus(own_broker.address, demo_site.id, "kiosk-1", "kiosk")
    server = QueueServer(demo_site, sessions, server_bus, clock)
    server.start()
    try:
        kiosk = make_kiosk(bus=kiosk_bus)
        qtbot.waitUntil(lambda: kiosk.model.available and bool(kiosk.model.queues), timeout=WAIT_MS)
        own_broker.stop()
        qtbot.waitUntil(lambda: kiosk.model.visible_screen is Screen.ERROR, timeout=WAIT_MS)
        page = kiosk.window.current_page()
        assert "bàn hướng dẫn" in page.text.text()  # type: ignore[attr-defined]
        own_broker.start()
        qtbot.waitUntil(lambda: kiosk.model.available, timeout=WAIT_MS)
        assert kiosk.model.visible_screen is Screen.START
        take_regular_number(qtbot, kiosk.window)
        qtbot.waitUntil(lambda: kiosk.model.ticket is not None, timeout=WAIT_MS)
    finally:
        server.stop()
        kiosk_bus.close()
        server_bus.close()


def test_pin_hash_round_trip() -> None:
    pin_hash = hash_pin("2468")
    assert verify_pin(pin_hash, "2468")
    assert not verify_pin(pin_hash, "1357")
    assert not verify_pin("", "2468")
    assert not verify_pin("not-a-hash", "2468")


def test_admin_gesture_needs_quick_taps() -> None:
    now = [0.0]
    gesture = AdminGesture(3, clock=lambda: now[0])
    assert not gesture.tap()
    now[0] += 0.5
    assert not gesture.tap()
    now[0] += 3.0  # too slow: counting starts again
    assert not gesture.tap()
    now[0] += 0.2
    assert not gesture.tap()
    now[0] += 0.2
    assert gesture.tap()


def test_kiosk_mode_only_closes_after_the_right_pin(
    qtbot: QtBot, make_kiosk: Callable[..., Kiosk], site_config: SiteConfig
) -> None:
    config = site_config.model_copy(update={"kiosk": KioskConfig(admin_pin_hash=hash_pin("2468"))})
    kiosk = make_kiosk(config=config, printer=False)
    window = kiosk.window
    window.allow_close = False
    assert not window.close()
    exits: list[bool] = []
    window.exit_requested.connect(lambda: exits.append(True))
    window.open_pin_pad()
    pad = window.findChild(PinPad)
    assert pad is not None
    for digit in "1111":
        tap_digit(qtbot, pad, digit)
    tap_named(qtbot, pad, "ĐỒNG Ý")
    assert not exits and "Sai" in pad.message.text()
    for digit in "2468":
        tap_digit(qtbot, pad, digit)
    tap_named(qtbot, pad, "ĐỒNG Ý")
    assert exits and window.allow_close


def tap_digit(qtbot: QtBot, pad: PinPad, digit: str) -> None:
    tap_named(qtbot, pad, digit)


def tap_named(qtbot: QtBot, pad: PinPad, caption: str) -> None:
    button = next(b for b in pad.findChildren(QPushButton) if b.text() == caption)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_taps_on_the_admin_corner_open_the_pin_pad(
    qtbot: QtBot, make_kiosk: Callable[..., Kiosk], site_config: SiteConfig
) -> None:
    kiosk_config = KioskConfig(admin_pin_hash=hash_pin("2468"), admin_taps=3)
    kiosk = make_kiosk(config=site_config.model_copy(update={"kiosk": kiosk_config}), printer=False)
    handle = kiosk.window.windowHandle()
    assert handle is not None
    QTest.mouseClick(handle, Qt.MouseButton.LeftButton, pos=QPoint(500, 900))
    assert kiosk.window.findChild(PinPad) is None
    for _ in range(3):
        QTest.mouseClick(handle, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert kiosk.window.findChild(PinPad) is not None
