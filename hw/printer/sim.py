"""A simulated printer: real python-escpos bytes in, decoded pages out, faults on demand."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from escpos.escpos import Escpos
from escpos.exceptions import DeviceNotFoundError

from hw.printer.raster import DecodedJob, DecodeError, decode, parse_command
from hw.printer.status import PaperLevel, status_byte

FAULTS = ("paper_near_end", "paper_out", "offline", "slow", "cover_open")


@dataclass(frozen=True)
class SimJob:
    """One job the simulator received: its bytes, what it would print, and whether it did."""

    number: int
    data: bytes
    decoded: DecodedJob | None
    printed: bool
    png: bytes = b""


class SimulatedDevice:
    """The printer itself: fault switches and the jobs it has printed (shared by connections)."""

    def __init__(
        self,
        width: int = 576,
        line_dots: int = 34,
        faults: tuple[str, ...] = (),
        slow_s: float = 3.0,
        output_dir: str | Path = "",
    ) -> None:
        self.width = width
        self.line_dots = line_dots
        self.slow_s = slow_s
        self.output_dir = Path(output_dir) if output_dir else None
        self.jobs: list[SimJob] = []
        self._faults: set[str] = set()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        for fault in faults:
            self.inject(fault)

    def inject(self, fault: str) -> None:
        """Switch a fault on: paper_near_end, paper_out, offline, slow or cover_open."""
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        with self._lock:
            self._faults.add(fault)
            self._wake.clear()

    def clear(self, fault: str | None = None) -> None:
        """Switch one fault (or all) off; wakes writers stalled by 'slow'."""
        with self._lock:
            if fault is None:
                self._faults.clear()
            else:
                self._faults.discard(fault)
            if "slow" not in self._faults:
                self._wake.set()

    def has(self, fault: str) -> bool:
        """Tell whether a fault is on."""
        with self._lock:
            return fault in self._faults

    @property
    def paper(self) -> PaperLevel:
        """What the paper sensors read."""
        if self.has("paper_out"):
            return PaperLevel.OUT
        return PaperLevel.NEAR_END if self.has("paper_near_end") else PaperLevel.OK

    def reply(self, n: int) -> int:
        """Answer DLE EOT n as an Epson-compatible printer would in the current state."""
        return status_byte(n, cover_open=self.has("cover_open"), paper=self.paper)

    def stall(self) -> None:
        """Wait as a slow printer would (until the delay passes or the fault is cleared)."""
        if self.has("slow"):
            self._wake.wait(self.slow_s)

    def connect(self) -> SimulatedPrinter:
        """Open a connection, as a driver would; fails when the printer is offline."""
        if self.has("offline"):
            raise DeviceNotFoundError("simulated printer is offline")
        return SimulatedPrinter(self)

    def finish(self, data: bytes) -> SimJob:
        """Record the print data of one connection as a job and decode what it would print."""
        printed = not (self.has("paper_out") or self.has("cover_open"))
        try:
            decoded: DecodedJob | None = decode(data, self.width, self.line_dots)
        except DecodeError:
            decoded = None
        png = b""
        if decoded is not None:
            buffer = io.BytesIO()
            decoded.preview().save(buffer, format="PNG")
            png = buffer.getvalue()
        with self._lock:
            job = SimJob(len(self.jobs) + 1, data, decoded, printed, png)
            self.jobs.append(job)
        if self.output_dir is not None:
            self.output_dir.mkdir(parents=True, exist_ok=True)
            (self.output_dir / f"job-{job.number:04d}.bin").write_bytes(data)
            if png:
                (self.output_dir / f"job-{job.number:04d}.png").write_bytes(png)
        return job


class SimulatedPrinter(Escpos):  # type: ignore[misc]  # python-escpos has no type hints
    """A python-escpos connection to a SimulatedDevice: answers DLE EOT, stores everything else."""

    def __init__(self, device: SimulatedDevice, *args: Any, **kwargs: Any) -> None:
        self.sim = device
        self._data = bytearray()
        self._replies = bytearray()
        Escpos.__init__(self, *args, **kwargs)
        self._device = True  # open from the start: connect() already checked 'offline'

    def _raw(self, msg: bytes) -> None:
        """Take bytes from the driver: status requests are answered, the rest is kept."""
        if self.sim.has("offline"):
            raise ConnectionResetError("simulated printer went offline")
        self.sim.stall()
        i = 0
        while i < len(msg):
            try:
                name, size = parse_command(msg, i)
            except DecodeError:
                name, size = "?", 1
            if name == "DLE EOT" and size:
                self._replies.append(self.sim.reply(msg[i + 2]))
                i += size
                continue
            self._data.extend(msg[i:])
            break

    def _read(self) -> bytes:
        """Return the pending status replies; a printer that went offline never answers."""
        if self.sim.has("offline"):
            raise TimeoutError("simulated printer does not answer")
        replies, self._replies = bytes(self._replies), bytearray()
        return replies

    def close(self) -> None:
        """End the connection; the data sent through it becomes one job."""
        if self._data:
            self.sim.finish(bytes(self._data))
            self._data = bytearray()
        self._device = False
