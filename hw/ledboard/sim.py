"""An LED board simulator: the real serial driver over a simulated line that records frames."""

from __future__ import annotations

import threading
from collections.abc import Mapping

import serial

from hw.ledboard.frame import Frame, decode_frames
from hw.ledboard.serial_board import SerialLedBoard

FAULTS = ("timeout", "disconnect")


class SimLine:
    """The boards' side of a serial line: decodes frames and fails on demand.

    `inject("timeout")` makes the next write time out, `inject("disconnect")` makes it fail as
    an unplugged adapter would; `offline = N` makes the next N opens fail.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[str] = []
        self.offline = 0
        self.opens = 0
        self.raw = bytearray()
        self.frames: list[Frame] = []
        self.displayed: dict[int, str] = {}

    def inject(self, fault: str) -> None:
        """Make the next write fail with `fault` ("timeout" or "disconnect")."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; use one of {FAULTS}")
        with self._lock:
            self._faults.append(fault)

    def open(self) -> SimPort:
        """Open a port on this line (fails while `offline` is positive)."""
        with self._lock:
            if self.offline > 0:
                self.offline -= 1
                raise serial.SerialException("simulated: adapter not present")
            self.opens += 1
        return SimPort(self)

    def receive(self, data: bytes) -> None:
        """Take bytes written to the line, or raise the fault injected for this write."""
        with self._lock:
            fault = self._faults.pop(0) if self._faults else ""
            if fault == "timeout":
                raise serial.SerialTimeoutException("simulated: write timeout")
            if fault == "disconnect":
                raise serial.SerialException("simulated: device disconnected")
            self.raw += data
            for frame in decode_frames(bytes(data)):
                self.frames.append(frame)
                self.displayed[frame.address] = frame.number


class SimPort:
    """One opened port of a SimLine."""

    def __init__(self, line: SimLine) -> None:
        self.line = line
        self.is_open = True

    def write(self, data: bytes, /) -> int:
        """Send bytes to the simulated boards."""
        if not self.is_open:
            raise serial.PortNotOpenError()
        self.line.receive(data)
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered."""

    def close(self) -> None:
        """Close this port; the line stays."""
        self.is_open = False


class SimLedBoard(SerialLedBoard):
    """The serial driver talking to a SimLine instead of a device (`driver = "sim"`)."""

    def __init__(
        self,
        *,
        width: int = 4,
        addresses: Mapping[str, int] | None = None,
        line: SimLine | None = None,
    ) -> None:
        self.line = line or SimLine()
        super().__init__("sim://", width=width, addresses=addresses, opener=self.line.open)

    @property
    def frames(self) -> list[Frame]:
        """Frames the simulated boards received, in order."""
        return self.line.frames
