"""Keyboard-wedge scanners in a Qt app: an application event filter that swallows scanner
bursts and emits them as scans, leaving human typing alone (see hw.scanner.burst)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Unpack

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import QWidget

from hw.scanner.aim import split_aim
from hw.scanner.base import Clock, PipelineOptions, ScannerBase
from hw.scanner.burst import BurstDetector, Decision, Verdict
from hw.scanner.events import ConnectionState, ScanEvent, Symbology
from shared.domain.codes import CodeKind

_TERMINATORS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}
_MODIFIERS = {
    Qt.Key.Key_Shift,
    Qt.Key.Key_Control,
    Qt.Key.Key_Alt,
    Qt.Key.Key_AltGr,
    Qt.Key.Key_Meta,
    Qt.Key.Key_CapsLock,
}


def prepare_scan_target(widget: QWidget) -> None:
    """Turn off the input method on a widget that receives scans (Telex/VNI rewrite 'dd'→'đ')."""
    widget.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
    if hasattr(widget, "setInputMethodHints"):
        widget.setInputMethodHints(
            Qt.InputMethodHint.ImhLatinOnly | Qt.InputMethodHint.ImhNoPredictiveText
        )


@dataclass(frozen=True)
class _HeldKey:
    window: QWindow
    key: int
    modifiers: Qt.KeyboardModifier
    text: str


class WedgeFilter(QObject):
    """Application event filter: scanner bursts become `scanned(text)`; typing passes through."""

    scanned = Signal(str)

    def __init__(
        self,
        min_keys: int = 6,
        max_gap_ms: float = 30.0,
        clock: Clock = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.detector: BurstDetector[_HeldKey] = BurstDetector(min_keys, max_gap_ms / 1000)
        self._clock = clock
        self._replaying = False
        self._swallowed: set[int] = set()  # keys whose release must vanish with their press
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(max_gap_ms) + 5)
        self._timer.timeout.connect(self.flush_if_idle)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Hold, swallow or pass key events delivered to top-level windows."""
        kind = event.type()
        if self._replaying or not isinstance(watched, QWindow):
            return False  # each key reaches the window first, then widgets: judge it once
        if kind == QEvent.Type.KeyRelease and isinstance(event, QKeyEvent):
            if event.key() in self._swallowed:
                self._swallowed.discard(event.key())
                return True
            return False
        if kind != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        return self._on_press(watched, event)

    def _on_press(self, window: QWindow, event: QKeyEvent) -> bool:
        key = event.key()
        now = self._clock()
        if key in _MODIFIERS:
            return False
        text = event.text()
        if key in _TERMINATORS:
            decision = self.detector.enter(now)
        elif (
            len(text) == 1
            and text.isprintable()
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            held = _HeldKey(window, key, event.modifiers(), text)
            decision = self.detector.key(text, held, now)
        else:
            decision = self.detector.other()
        return self._apply(decision, key)

    def _apply(self, decision: Decision[_HeldKey], key: int) -> bool:
        self._replay(decision.replay)
        if decision.verdict is Verdict.HOLD:
            self._swallowed.add(key)
            self._timer.start()
            return True
        if decision.verdict is Verdict.SCAN:
            self._timer.stop()
            self._swallowed.add(key)
            self.scanned.emit(decision.text)
            return True
        return False

    def flush_if_idle(self) -> None:
        """Hand held keys back to their window once a whole gap passed without keys."""
        held = self.detector.idle(self._clock())
        if held:
            self._replay(held)
        elif self.detector.holding:
            self._timer.start()

    def _replay(self, held: list[_HeldKey]) -> None:
        self._replaying = True
        try:
            for item in held:
                self._swallowed.discard(item.key)
                press = QKeyEvent(QEvent.Type.KeyPress, item.key, item.modifiers, item.text)
                QCoreApplication.sendEvent(item.window, press)
        finally:
            self._replaying = False


class WedgeScanner(ScannerBase):
    """A keyboard-wedge reader as a Scanner: installs a WedgeFilter on the running QApplication.

    Listeners are called on the UI thread (key events arrive there)."""

    def __init__(
        self,
        scanner_id: str,
        *,
        min_keys: int = 6,
        max_gap_ms: float = 30.0,
        **kwargs: Unpack[PipelineOptions],
    ) -> None:
        super().__init__(scanner_id, **kwargs)
        self.filter = WedgeFilter(min_keys, max_gap_ms, kwargs.get("clock", time.monotonic))
        self.filter.scanned.connect(self._on_scanned)
        self._installed = False

    def start(self) -> None:
        """Install the filter on the QApplication (call on the UI thread)."""
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("WedgeScanner needs a running QApplication")
        if not self._installed:
            app.installEventFilter(self.filter)
            self._installed = True
        self._set_state(ConnectionState.CONNECTED)

    def stop(self) -> None:
        """Remove the filter (call on the UI thread)."""
        app = QCoreApplication.instance()
        if self._installed and app is not None:
            app.removeEventFilter(self.filter)
        self._installed = False
        self._set_state(ConnectionState.STOPPED)

    def _on_scanned(self, text: str) -> ScanEvent | None:
        symbology, body = self._split(text)
        # Caps Lock inverts the case of every key a wedge scanner types: undo it when that
        # turns garbage into a code.
        if self.classify(body).kind is CodeKind.UNKNOWN:
            swapped_symbology, swapped = self._split(text.swapcase())
            if self.classify(swapped).kind is not CodeKind.UNKNOWN:
                symbology, body = swapped_symbology, swapped
        return self.deliver_text(body, symbology, aim=False)

    def _split(self, text: str) -> tuple[Symbology | None, str]:
        return split_aim(text) if self._parse_aim else (None, text)


class ScanSignals(QObject):
    """Qt bridge: re-emit a scanner's events as signals, queued onto this object's thread."""

    scanned = Signal(object)  # ScanEvent
    state_changed = Signal(str)  # ConnectionState value

    def attach(self, scanner: ScannerBase) -> None:
        """Forward scanner's scans and state changes to this object's signals."""
        scanner.add_scan_listener(self.scanned.emit)
        scanner.add_state_listener(lambda state: self.state_changed.emit(state.value))
