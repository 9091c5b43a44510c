"""LED boards on a serial (RS-485) line through pyserial: one frame per update, reconnecting."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Protocol

import serial

from hw.ledboard.frame import MAX_ADDRESS, encode_frame

log = logging.getLogger(__name__)

DEVICE_ERRORS = (serial.SerialException, OSError, TimeoutError)
REOPEN_ATTEMPTS = 2  # one transient fault right after reopening is survived too


class Port(Protocol):
    """The part of a pyserial port the driver uses (a simulator line implements it too)."""

    def write(self, data: bytes, /) -> int | None:
        """Send bytes."""
        ...

    def flush(self) -> None:
        """Wait until the bytes are sent."""
        ...

    def close(self) -> None:
        """Close the port."""
        ...


def label_address(label: str) -> int | None:
    """The address a counter label gives by itself ("5" → 5), or None when it is no number."""
    text = label.strip()
    if text.isdigit() and int(text) <= MAX_ADDRESS:
        return int(text)
    return None


class SerialLedBoard:
    """Send frames to LED boards on one serial line; reopen the port after a fault.

    Every update is one frame. After a fault the port is closed, reopened at once and every
    board's last frame is sent again (a board may have lost power with the line); after two
    failed attempts the update is dropped with a warning and the next update tries again.
    """

    def __init__(
        self,
        port: str,
        *,
        baudrate: int = 9600,
        width: int = 4,
        addresses: Mapping[str, int] | None = None,
        write_timeout_s: float = 0.5,
        opener: Callable[[], Port] | None = None,
    ) -> None:
        self.port = port
        self.baudrate = baudrate
        self.width = width
        self.addresses = dict(addresses or {})
        self.write_timeout_s = write_timeout_s
        self._opener = opener or self._open_port
        self._serial: Port | None = None
        self._last: dict[int, bytes] = {}
        self._unaddressed: set[str] = set()
        self.faults = 0
        self.reconnects = 0

    def show(self, counter_label: str, number: str) -> None:
        """Show `number` on the board of the counter labelled `counter_label`."""
        self._update(counter_label, number)

    def blank(self, counter_label: str) -> None:
        """Clear the board of the counter labelled `counter_label`."""
        self._update(counter_label, "")

    def close(self) -> None:
        """Close the port (the boards keep showing their last number)."""
        self._drop()

    def address_of(self, counter_label: str) -> int | None:
        """The board address of a counter: from the address map, else from its label."""
        if counter_label in self.addresses:
            return self.addresses[counter_label]
        return label_address(counter_label)

    def _open_port(self) -> Port:
        port: Port = serial.serial_for_url(
            self.port, baudrate=self.baudrate, write_timeout=self.write_timeout_s
        )
        return port

    def _update(self, counter_label: str, text: str) -> None:
        address = self.address_of(counter_label)
        if address is None:
            if counter_label not in self._unaddressed:
                self._unaddressed.add(counter_label)
                log.warning("LED board: counter %r has no address; not shown", counter_label)
            return
        frame = encode_frame(address, text, self.width)
        self._last[address] = frame
        if self._serial is not None and self._write(frame):
            return
        # First use, or the write just failed: (re)open and send every board's last frame.
        for _ in range(REOPEN_ATTEMPTS):
            self._drop()
            if self._reconnect():
                return
        log.warning("LED board on %s: update dropped; the next update retries", self.port)

    def _write(self, data: bytes) -> bool:
        assert self._serial is not None
        try:
            self._serial.write(data)
            self._serial.flush()
        except DEVICE_ERRORS as exc:
            self.faults += 1
            log.warning("LED board write on %s failed: %s", self.port, exc)
            return False
        return True

    def _reconnect(self) -> bool:
        try:
            self._serial = self._opener()
        except DEVICE_ERRORS as exc:
            log.warning("LED board port %s unavailable: %s", self.port, exc)
            return False
        self.reconnects += 1
        return all(self._write(frame) for frame in self._last.values())

    def _drop(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            try:
                port.close()
            except DEVICE_ERRORS as exc:
                log.debug("closing %s: %s", self.port, exc)
