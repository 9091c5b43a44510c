"""Guard against the PySide6 build that corrupts Python's refcounts (aborts long-running apps)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(bool)


def test_emitting_signals_does_not_leak_references_to_true_or_none() -> None:
    emitter = _Emitter()
    received: list[bool] = []
    emitter.fired.connect(received.append)
    before_true, before_none = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(2000):
        emitter.fired.emit(True)
        emitter.blockSignals(False)
    received.clear()
    # A broken build loses one reference per call: thousands, not a handful.
    assert sys.getrefcount(True) >= before_true - 50
    assert sys.getrefcount(None) >= before_none - 50
