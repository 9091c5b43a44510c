"""Serial and USB-CDC scanners through pyserial (devices, `loop://`, `socket://`, ptys)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Unpack

import serial

from hw.scanner.base import StreamScanner, ThreadOptions
from hw.scanner.framing import Framing

READ_TIMEOUT_S = 0.05


class SerialScanner(StreamScanner):
    """Read framed scans from a serial port; reopen it after unplug."""

    def __init__(
        self,
        scanner_id: str,
        port: str,
        *,
        baudrate: int = 9600,
        parity: str = "N",
        stopbits: int = 1,
        framing: Framing = Framing.AUTO,
        opener: Callable[[], serial.SerialBase] | None = None,
        **kwargs: Unpack[ThreadOptions],
    ) -> None:
        super().__init__(scanner_id, framing=framing, **kwargs)
        self.port = port
        self.baudrate = baudrate
        self.parity = parity
        self.stopbits = stopbits
        self._opener = opener or self._open_port
        self._serial: serial.SerialBase | None = None

    def _open_port(self) -> serial.SerialBase:
        return serial.serial_for_url(
            self.port,
            baudrate=self.baudrate,
            parity=self.parity,
            stopbits=self.stopbits,
            timeout=READ_TIMEOUT_S,
        )

    def _connect(self) -> None:
        port = self._opener()
        if not port.is_open:
            port.open()
        port.timeout = READ_TIMEOUT_S
        port.reset_input_buffer()  # bytes from before we listened belong to nobody
        self._serial = port

    def _serve(self) -> None:
        port = self._serial
        assert port is not None
        while not self.stopping:
            # Why `in_waiting or 1`: returns at the first byte, then takes whatever has arrived.
            data = port.read(port.in_waiting or 1)
            if data:
                self.feed(data)

    def _disconnect(self) -> None:
        port, self._serial = self._serial, None
        if port is not None:
            port.close()
