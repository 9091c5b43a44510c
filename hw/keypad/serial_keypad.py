"""A keypad on a serial line (RS-232, USB-CDC): one key name per line, read on a thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import serial

from hw.keypad.keymap import KeyMap

log = logging.getLogger(__name__)
MAX_KEY_BYTES = 32
REOPEN_DELAY_S = 1.0


class SerialKeypad:
    """Reads key names ("F1", "Num++") ended by CR or LF and reports the mapped actions.

    `on_action(action)` runs on the reader thread: hand it to the UI thread (a Qt Signal).
    Unknown keys and garbage are logged and ignored; a lost port is reopened until stopped.
    """

    def __init__(
        self,
        port: str,
        on_action: Callable[[str], None],
        *,
        keymap: KeyMap | None = None,
        baudrate: int = 9600,
        read_timeout_s: float = 0.1,
    ) -> None:
        self.port = port
        self.keymap = keymap or KeyMap()
        self.on_action = on_action
        self.baudrate = baudrate
        self.read_timeout_s = read_timeout_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._serial: serial.SerialBase | None = None
        self._opened = threading.Event()

    def start(self) -> None:
        """Open the port and start reading."""
        self._thread = threading.Thread(target=self._run, name="serial-keypad", daemon=True)
        self._thread.start()

    def wait_open(self, timeout: float) -> bool:
        """Wait until the port is open (tests and start-up checks)."""
        return self._opened.wait(timeout)

    def write(self, data: bytes) -> None:
        """Send bytes on the port (on `loop://` they come back as key presses: tests use it)."""
        if self._serial is None:
            raise RuntimeError("keypad port is not open")
        self._serial.write(data)

    def stop(self) -> None:
        """Stop reading and close the port."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._serial is not None:
            self._serial.close()

    def feed(self, buffer: bytearray, data: bytes) -> list[str]:
        """Add bytes to `buffer` and return the actions of the complete lines in it."""
        actions: list[str] = []
        for byte in data:
            if byte in b"\r\n":
                key = bytes(buffer).decode("ascii", errors="replace").strip()
                buffer.clear()
                if not key:
                    continue
                action = self.keymap.action_for(key)
                if action is None:
                    log.info("keypad: key %r does nothing", key)
                else:
                    actions.append(action)
            elif len(buffer) < MAX_KEY_BYTES:
                buffer.append(byte)
            else:
                buffer.clear()  # garbage: no key name is that long
        return actions

    def _run(self) -> None:
        buffer = bytearray()
        while not self._stop.is_set():
            if self._serial is None:
                try:
                    self._serial = serial.serial_for_url(
                        self.port, baudrate=self.baudrate, timeout=self.read_timeout_s
                    )
                except (serial.SerialException, OSError) as exc:
                    log.warning("keypad %s: cannot open (%s); retrying", self.port, exc)
                    self._stop.wait(REOPEN_DELAY_S)
                    continue
                self._opened.set()
            try:
                data = self._serial.read(64)
            except (serial.SerialException, OSError) as exc:
                log.warning("keypad %s: lost (%s); reopening", self.port, exc)
                self._serial.close()
                self._serial = None
                buffer.clear()
                continue
            for action in self.feed(buffer, data):
                try:
                    self.on_action(action)
                except Exception:
                    log.exception("keypad action %s failed", action)
