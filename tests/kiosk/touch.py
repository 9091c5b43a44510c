"""Touching the kiosk in tests: find a visible button by its words and tap it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from kiosk.widgets import Keyboard, WrapButton
from kiosk.window import KioskWindow
from tests.kiosk.conftest import Kiosk

REGULAR = "KHÔNG — LẤY SỐ THƯỜNG"


def buttons(window: KioskWindow, title: str) -> list[WrapButton]:
    """The visible, enabled buttons of the window whose first line is `title`."""
    return [
        b
        for b in window.findChildren(WrapButton)
        if b.title() == title and b.isVisible() and b.isEnabled()
    ]


def find_button(qtbot: QtBot, window: KioskWindow, title: str) -> WrapButton:
    """Wait for the button whose first line is `title` to be on screen, and return it."""
    qtbot.waitUntil(lambda: bool(buttons(window, title)), timeout=5000)
    return buttons(window, title)[0]


def tap(qtbot: QtBot, window: KioskWindow, title: str) -> None:
    """Tap a button by its first line."""
    qtbot.mouseClick(find_button(qtbot, window, title), Qt.MouseButton.LeftButton)


def type_keys(qtbot: QtBot, window: KioskWindow, text: str) -> None:
    """Type on the on-screen keyboard of the current screen."""
    keyboard = window.current_page().findChild(Keyboard)
    assert keyboard is not None and keyboard.isVisible()
    keys = {b.text(): b for b in keyboard.findChildren(QPushButton)}
    for char in text:
        key = keyboard.space_key if char == " " else keys[char.upper()]
        qtbot.mouseClick(key, Qt.MouseButton.LeftButton)


def wait_ready(qtbot: QtBot, kiosk: Kiosk, service: str = "", timeout: int = 10_000) -> None:
    """Wait until the kiosk serves and has the queue figures (of `service`, when named)."""
    qtbot.waitUntil(
        lambda: (
            kiosk.model.available
            and bool(kiosk.model.queues)
            and (not service or service in kiosk.model.queues)
        ),
        timeout=timeout,
    )


def take_regular_number(
    qtbot: QtBot, window: KioskWindow, service: str = "Hộ tịch, trích lục hộ tịch"
) -> None:
    """Three touches: the justice department, a service, then 'no priority group'."""
    tap(qtbot, window, "Sở Tư pháp")
    tap(qtbot, window, service)
    tap(qtbot, window, REGULAR)
