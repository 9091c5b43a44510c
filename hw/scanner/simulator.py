"""A scanner simulator: scripted scans from a file and/or lines sent to a 127.0.0.1 port,
with faults (garbage bytes, disconnect mid-line, duplicates). Its bytes go through the same
framing and AIM parsing as a serial reader's."""

from __future__ import annotations

import random
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Unpack

from hw.scanner.base import StreamScanner, ThreadOptions
from hw.scanner.framing import Framer, Framing, frame_bytes

LOOPBACK = "127.0.0.1"
_NOISE = bytes(b for b in range(4, 256) if b not in b"\t\r\n")


class SimulatedDisconnect(ConnectionError):
    """The simulator dropped its connection on purpose (a fault)."""


@dataclass(frozen=True)
class ScriptStep:
    """One step of a simulator script: a scan to send, or a directive."""

    action: str  # "scan", "sleep", "garbage", "duplicate", "disconnect"
    text: str = ""
    amount: float = 0.0


def parse_script(text: str) -> list[ScriptStep]:
    """Parse a simulator script: one scan per line, `#` comments, `@` directives."""
    steps: list[ScriptStep] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith("@"):
            steps.append(ScriptStep("scan", line))
            continue
        word, _, arg = line[1:].partition(" ")
        if word == "sleep":
            steps.append(ScriptStep("sleep", amount=float(arg)))
        elif word == "garbage":
            steps.append(ScriptStep("garbage", amount=float(arg or 16)))
        elif word in ("duplicate", "disconnect"):
            steps.append(ScriptStep(word))
        else:
            raise ValueError(f"line {number}: unknown directive @{word}")
    return steps


class SimScanner(StreamScanner):
    """Play a script and/or accept lines on a loopback port, injecting the configured faults."""

    def __init__(
        self,
        scanner_id: str,
        *,
        script: str | Path | None = None,
        script_text: str = "",
        interval_s: float = 1.0,
        loop: bool = False,
        listen_port: int | None = None,
        garbage_rate: float = 0.0,
        duplicate_rate: float = 0.0,
        disconnect_rate: float = 0.0,
        seed: int | None = None,
        framing: Framing = Framing.AUTO,
        **kwargs: Unpack[ThreadOptions],
    ) -> None:
        super().__init__(scanner_id, framing=framing, **kwargs)
        if script:
            script_text = Path(script).read_text("utf-8")
        self.steps = parse_script(script_text)
        self.interval_s = interval_s
        self.loop = loop
        self.rates = (garbage_rate, duplicate_rate, disconnect_rate)
        self.sent = 0
        self._rng = random.Random(seed)
        self._position = 0
        self._pending: set[str] = set()  # directives waiting for the next scan
        self._listener: socket.socket | None = None
        self._client: socket.socket | None = None
        self._listen_port = listen_port
        if listen_port is not None:
            self._listener = socket.create_server((LOOPBACK, listen_port))
            self._listener.settimeout(0.05)

    @property
    def address(self) -> tuple[str, int] | None:
        """Return (host, port) where the simulator accepts lines, or None."""
        if self._listener is None:
            return None
        host, port = self._listener.getsockname()[:2]
        return str(host), int(port)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the worker and close the listening socket."""
        super().stop(timeout)
        if self._listener is not None:
            self._listener.close()
            self._listener = None

    def _connect(self) -> None:
        if self._listen_port is not None and self._listener is None:
            raise ConnectionError("simulator stopped")

    def _serve(self) -> None:
        while not self.stopping:
            if self._position < len(self.steps):
                step = self.steps[self._position]
                self._position += 1  # first: a step cut by a disconnect is not played again
                if self._position == len(self.steps) and self.loop:
                    self._position = 0
                self._play(step)
            elif self._listener is not None:
                self._serve_socket(self._listener)
            else:
                self.wait()  # script played, no port: nothing more will come

    def _play(self, step: ScriptStep) -> None:
        if step.action == "sleep":
            self.wait(step.amount)
        elif step.action == "garbage":
            self._send_garbage(int(step.amount))
        elif step.action in ("duplicate", "disconnect"):
            self._pending.add(step.action)
        else:
            if self.sent:
                self.wait(self.interval_s)
            self.send(step.text)

    def send(self, text: str) -> None:
        """Send one scan as framed bytes, applying pending directives and random faults."""
        garbage, duplicate, disconnect = self.rates
        if self._rng.random() < garbage:
            self._send_garbage(self._rng.randint(4, 40))
        data = frame_bytes(text, self.framer.framing)
        self.sent += 1
        if "disconnect" in self._pending or self._rng.random() < disconnect:
            self._pending.discard("disconnect")
            self.feed(data[: max(1, len(data) // 2)])
            raise SimulatedDisconnect("simulated disconnect mid-line")
        self.feed(data)
        if "duplicate" in self._pending or self._rng.random() < duplicate:
            self._pending.discard("duplicate")
            self.feed(data)

    def _send_garbage(self, size: int) -> None:
        # No framing bytes inside the noise, so one fault makes exactly one garbage scan.
        noise = bytes(self._rng.choice(_NOISE) for _ in range(max(1, size)))
        if self.framer.framing is Framing.STX_ETX:
            noise = b"\x02" + noise
        self.feed(noise + frame_bytes("", self.framer.framing)[-1:])

    def _serve_socket(self, listener: socket.socket) -> None:
        try:
            client, _ = listener.accept()
        except TimeoutError:
            return
        self._client = client
        client.settimeout(0.05)
        lines = Framer(Framing.AUTO)
        with client:
            while not self.stopping:
                try:
                    data = client.recv(4096)
                except TimeoutError:
                    continue
                if not data:
                    break
                for frame in lines.feed(data):
                    # A person types plain lines: send them on as this scanner's scans.
                    self.send(frame.decode("utf-8", errors="replace"))
        self._client = None

    def _disconnect(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()
