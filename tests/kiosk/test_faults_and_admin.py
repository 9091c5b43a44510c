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

from kiosk.admin import (
    AdminGesture,
    PinGuard,
    PinPad,
    hash_pin,
    load_pin_hash,
    pin_file,
    verify_pin,
    write_pin_hash,
)
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
    pin_hash = hash_pin("582046")
    assert verify_pin(pin_hash, "582046")
    assert not verify_pin(pin_hash, "1357")
    assert not verify_pin("", "582046")
    assert not verify_pin("not-a-hash", "582046")


def pin_config(site_config: SiteConfig, tmp_path: Path, **kiosk: object) -> SiteConfig:
    """The site with this kiosk's exit PIN 582046 in a PIN file of its own."""
    path = tmp_path / "kiosk-admin-pin"
    write_pin_hash(path, "582046")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    kiosk_config = KioskConfig(admin_pin_file=str(path), **kiosk)  # type: ignore[arg-type]
    return site_config.model_copy(update={"kiosk": kiosk_config})


def test_the_site_file_refuses_a_shared_pin_hash() -> None:
    """Every device reads the site file: the exit PIN's hash must live in the kiosk's own file."""
    with pytest.raises(ValueError, match="admin_pin_file"):
        KioskConfig.model_validate({"admin_pin_hash": hash_pin("582046")})


def test_the_pin_comes_from_the_systemd_credential_when_no_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "kiosk-admin-pin").write_text(hash_pin("582046") + "\n")
    found = pin_file("", {"CREDENTIALS_DIRECTORY": str(tmp_path)})
    assert found is not None and verify_pin(load_pin_hash(found), "582046")
    assert pin_file("", {}) is None and load_pin_hash(None) == ""
    assert load_pin_hash(tmp_path / "missing") == ""
    (tmp_path / "kiosk-admin-pin").write_text("none\n")  # the unit's fallback credential
    assert load_pin_hash(found) == ""


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
    qtbot: QtBot, make_kiosk: Callable[..., Kiosk], site_config: SiteConfig, tmp_path: Path
) -> None:
    kiosk = make_kiosk(config=pin_config(site_config, tmp_path), printer=False)
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
    for digit in "582046":
        tap_digit(qtbot, pad, digit)
    tap_named(qtbot, pad, "ĐỒNG Ý")
    assert exits and window.allow_close


def test_wrong_pins_make_the_pad_wait_longer_and_longer(
    qtbot: QtBot, make_kiosk: Callable[..., Kiosk], site_config: SiteConfig, tmp_path: Path
) -> None:
    """Three free tries, then 2 s, 4 s …: even the right PIN waits; a new pad remembers."""
    kiosk = make_kiosk(config=pin_config(site_config, tmp_path), printer=False)
    window = kiosk.window
    now = [1000.0]
    window.pin_guard = PinGuard(clock=lambda: now[0])
    exits: list[bool] = []
    window.exit_requested.connect(lambda: exits.append(True))

    def attempt(pin: str) -> str:
        window.open_pin_pad()
        pad = window.findChild(PinPad)
        assert pad is not None
        for digit in pin:
            tap_digit(qtbot, pad, digit)
        tap_named(qtbot, pad, "ĐỒNG Ý")
        message = pad.message.text()
        if not exits:
            tap_named(qtbot, pad, "HỦY")  # the next try opens a new pad
        return message

    for _ in range(3):
        assert attempt("111111") == "Sai mã PIN."
    assert "sau 2 giây" in attempt("111111")
    assert "sau 2 giây" in attempt("582046") and not exits  # refused unchecked while waiting
    now[0] += 2
    assert "sau 4 giây" in attempt("222222")
    now[0] += 4
    attempt("582046")
    assert exits


def tap_digit(qtbot: QtBot, pad: PinPad, digit: str) -> None:
    tap_named(qtbot, pad, digit)


def tap_named(qtbot: QtBot, pad: PinPad, caption: str) -> None:
    button = next(b for b in pad.findChildren(QPushButton) if b.text() == caption)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_taps_on_the_admin_corner_open_the_pin_pad(
    qtbot: QtBot, make_kiosk: Callable[..., Kiosk], site_config: SiteConfig, tmp_path: Path
) -> None:
    kiosk = make_kiosk(config=pin_config(site_config, tmp_path, admin_taps=3), printer=False)
    handle = kiosk.window.windowHandle()
    assert handle is not None
    QTest.mouseClick(handle, Qt.MouseButton.LeftButton, pos=QPoint(500, 900))
    assert kiosk.window.findChild(PinPad) is None
    for _ in range(3):
        QTest.mouseClick(handle, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert kiosk.window.findChild(PinPad) is not None
