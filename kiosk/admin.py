"""The technician's way out of kiosk mode: taps on a hidden corner, then a PIN checked by argon2."""

from __future__ import annotations

import time
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from PySide6.QtCore import QRect, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.texts import text
from kiosk.widgets import label

TAP_GAP_S = 1.0


def hash_pin(pin: str) -> str:
    """Return the argon2 hash of a PIN, for `[kiosk] admin_pin_hash`."""
    return PasswordHasher().hash(pin)


def verify_pin(pin_hash: str, pin: str) -> bool:
    """Tell whether the PIN matches the configured hash (an empty hash matches nothing)."""
    if not pin_hash or not pin:
        return False
    try:
        return PasswordHasher().verify(pin_hash, pin)
    except (VerificationError, InvalidHashError):
        return False


def corner_rect(corner: str, width: int, height: int, side: int) -> QRect:
    """The invisible square of the screen where admin taps count."""
    left = 0 if corner.endswith("left") else width - side
    top = 0 if corner.startswith("top") else height - side
    return QRect(left, top, side, side)


class AdminGesture:
    """Counts taps on the admin corner; `tap` returns True on the last tap of the gesture."""

    def __init__(self, taps: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.taps = taps
        self._clock = clock
        self._count = 0
        self._last = 0.0

    def tap(self) -> bool:
        """Record a tap in the corner; a pause longer than a second starts counting again."""
        now = self._clock()
        self._count = self._count + 1 if now - self._last <= TAP_GAP_S else 1
        self._last = now
        if self._count >= self.taps:
            self._count = 0
            return True
        return False

    def miss(self) -> None:
        """A tap elsewhere breaks the gesture."""
        self._count = 0


class PinPad(QWidget):
    """Digits, OK and cancel; emits `accepted` with a correct PIN, `cancelled` otherwise."""

    accepted = Signal()
    cancelled = Signal()

    def __init__(self, pin_hash: str, language: str = "vi", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hash = pin_hash
        self._language = language
        self._pin = ""
        column = QVBoxLayout(self)
        self.title = label(text(language, "admin_title"), "title", centre=True)
        self.shown = label("", "query", centre=True)
        self.message = label("", "prompt", centre=True)
        grid = QGridLayout()
        for i, digit in enumerate("123456789"):
            grid.addWidget(self._key(digit), i // 3, i % 3)
        grid.addWidget(self._key("0"), 3, 1)
        row = QHBoxLayout()
        cancel = QPushButton(text(language, "cancel"))
        cancel.setObjectName("secondary")
        cancel.clicked.connect(self._cancel)
        ok = QPushButton(text(language, "ok"))
        ok.setObjectName("go")
        ok.clicked.connect(self._check)
        row.addWidget(cancel)
        row.addWidget(ok)
        column.addStretch(1)
        for widget in (self.title, self.shown, self.message):
            column.addWidget(widget)
        column.addLayout(grid)
        column.addLayout(row)
        column.addStretch(1)

    def _key(self, digit: str) -> QPushButton:
        button = QPushButton(digit)
        button.setObjectName("key")
        button.clicked.connect(lambda: self._type(digit))
        return button

    def _type(self, digit: str) -> None:
        if len(self._pin) < 12:
            self._pin += digit
            self.shown.setText("●" * len(self._pin))

    def _check(self) -> None:
        pin, self._pin = self._pin, ""
        self.shown.setText("")
        if verify_pin(self._hash, pin):
            self.accepted.emit()
        else:
            self.message.setText(text(self._language, "admin_wrong"))

    def _cancel(self) -> None:
        self._pin = ""
        self.shown.setText("")
        self.message.setText("")
        self.cancelled.emit()
