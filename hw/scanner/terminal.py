"""Keyboard-wedge scanners tested from a terminal (`motcua hw scan --source wedge`): keys are
read unbuffered and timed, so the same burst detection as in the Qt apps tells scans from
typing. When stdin is not a terminal, each input line is a scan."""

from __future__ import annotations

import os
import select
import sys
import termios
import time
import tty
from typing import Any, Unpack

from hw.scanner.base import ThreadedScanner, ThreadOptions
from hw.scanner.burst import BurstDetector, Verdict


class TerminalWedgeScanner(ThreadedScanner):
    """Read a wedge scanner typing into this terminal (or lines piped to stdin)."""

    def __init__(
        self,
        scanner_id: str,
        *,
        min_keys: int = 6,
        max_gap_ms: float = 30.0,
        fd: int | None = None,
        **kwargs: Unpack[ThreadOptions],
    ) -> None:
        super().__init__(scanner_id, **kwargs)
        self.fd = sys.stdin.fileno() if fd is None else fd
        self.detector: BurstDetector[str] = BurstDetector(min_keys, max_gap_ms / 1000)
        self.typed = 0  # keys judged human typing
        self._saved: list[Any] | None = None
        self._line = bytearray()

    def _connect(self) -> None:
        if os.isatty(self.fd):
            self._saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)  # keys one by one, no echo, Ctrl-C still works

    def _serve(self) -> None:
        while not self.stopping:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                self.typed += len(self.detector.idle(time.monotonic()))
                continue
            data = os.read(self.fd, 256)
            if not data:
                self.wait()  # end of piped input: nothing more will come
                return
            if self._saved is None:
                self._lines(data)
            else:
                self._keys(data.decode("utf-8", errors="replace"))

    def _lines(self, data: bytes) -> None:
        self._line += data
        *lines, rest = self._line.split(b"\n")
        self._line = bytearray(rest)
        for line in lines:
            self.deliver_bytes(bytes(line))

    def _keys(self, chars: str) -> None:
        for char in chars:
            now = time.monotonic()
            if char in "\r\n":
                decision = self.detector.enter(now)
            elif char.isprintable():
                decision = self.detector.key(char, char, now)
            else:
                decision = self.detector.other()
            self.typed += len(decision.replay)
            if decision.verdict is Verdict.SCAN:
                self.deliver_text(decision.text)

    def _disconnect(self) -> None:
        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)
            self._saved = None
