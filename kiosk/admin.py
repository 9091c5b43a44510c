"""The technician's way out of kiosk mode: taps on a hidden corner, then a PIN checked by argon2.

The PIN's hash is this kiosk's own credential (a file only it can read), never the site file
every device has; wrong PINs make the pad wait longer and longer, as officer logins do.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from PySide6.QtCore import QRect, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.texts import text
from kiosk.widgets import label
from shared.domain.credentials import LockoutPolicy

log = logging.getLogger(__name__)

TAP_GAP_S = 1.0
# The systemd credential that holds the hash when `[kiosk] admin_pin_file` is empty.
PIN_CREDENTIAL = "kiosk-admin-pin"
# Wrong PINs allowed before the pad waits 2 s, then 4, 8 … up to 15 minutes.
PIN_LOCKOUT = LockoutPolicy(free_attempts=3, first_wait_seconds=2, max_wait_seconds=900)


def hash_pin(pin: str) -> str:
    """Return the argon2 hash of a PIN, for this kiosk's PIN file."""
    return PasswordHasher().hash(pin)


def pin_file(configured: str, environ: Mapping[str, str] | None = None) -> Path | None:
    """The file holding this kiosk's PIN hash: the configured one, else the systemd credential."""
    if configured:
        return Path(configured)
    folder = (os.environ if environ is None else environ).get("CREDENTIALS_DIRECTORY", "")
    return Path(folder) / PIN_CREDENTIAL if folder else None


def load_pin_hash(path: Path | None) -> str:
    """Read the PIN hash from its file; empty (no exit but SIGTERM) when there is none."""
    if path is None:
        return ""
    try:
        stored = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        log.warning("kiosk exit PIN not readable (%s): only SIGTERM ends the kiosk", exc)
        return ""
    # systemd's fallback credential says "none" when the kiosk has no PIN file.
    return stored if stored.startswith("$argon2") else ""


def write_pin_hash(path: Path, pin: str) -> None:
    """Write a PIN's hash to a file only its owner can read."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(hash_pin(pin) + "\n")
    os.chmod(path, 0o600)


class PinGuard:
    """Counts wrong exit PINs in a row and says how long the pad must wait before the next."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self.failures = 0
        self._until = 0.0

    def wait_seconds(self) -> int:
        """Seconds before another PIN may be tried (0 when it may be tried now)."""
        return max(0, round(self._until - self._clock() + 0.499))

    def failed(self) -> None:
        """Count a wrong PIN and start its wait."""
        self.failures += 1
        self._until = self._clock() + PIN_LOCKOUT.wait_after("officer", self.failures)

    def succeeded(self) -> None:
        """The right PIN forgets the wrong ones."""
        self.failures = 0
        self._until = 0.0


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

    def __init__(
        self,
        pin_hash: str,
        language: str = "vi",
        guard: PinGuard | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._hash = pin_hash
        self._guard = guard or PinGuard()
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
        wait = self._guard.wait_seconds()
        if wait:
            self.message.setText(text(self._language, "admin_wait").format(seconds=wait))
        elif verify_pin(self._hash, pin):
            self._guard.succeeded()
            self.accepted.emit()
        else:
            self._guard.failed()
            wait = self._guard.wait_seconds()
            wrong = text(self._language, "admin_wrong")
            if wait:
                wrong += " " + text(self._language, "admin_wait").format(seconds=wait)
            self.message.setText(wrong)

    def _cancel(self) -> None:
        self._pin = ""
        self.shown.setText("")
        self.message.setText("")
        self.cancelled.emit()
