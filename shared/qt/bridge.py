"""Carry bus messages and connection changes from the network thread to the Qt UI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from shared.messaging.bus import Bus, Message


class BusBridge(QObject):
    """Subscribe to topics on a Bus and re-emit what arrives as Qt Signals.

    paho calls back on its own thread; Signals emitted there reach slots of objects living on
    the UI thread through Qt's event queue (connect with `Qt.QueuedConnection` to be explicit),
    so view-models never touch their state from two threads.
    """

    message = Signal(str, bytes)
    connection_changed = Signal(bool)

    def __init__(self, bus: Bus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bus = bus
        self._watching = False

    def subscribe(self, pattern: str) -> None:
        """Emit `message(topic, payload)` for every message matching `pattern`."""
        self._bus.subscribe(pattern, self._on_message)

    def watch_connection(self) -> None:
        """Emit `connection_changed(connected)` now and whenever the connection comes or goes."""
        if not self._watching:
            self._watching = True
            self._bus.on_connection_change(self._on_connection)

    def _on_message(self, message: Message) -> None:
        self.message.emit(message.topic, bytes(message.payload))

    def _on_connection(self, connected: bool) -> None:
        self.connection_changed.emit(bool(connected))
