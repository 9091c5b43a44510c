"""Whether the kiosk can serve: the broker connection and the queue server's health, from events."""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import ValidationError
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.states import DeviceStatus
from shared.messaging.topics import Topics
from shared.qt.bridge import BusBridge

log = logging.getLogger(__name__)

PROBE_MS = 5000


class ServerHealth(QObject):
    """Follows the broker connection, the server's retained status and what replies say.

    Everything is learnt from events: the bridge reports the connection, the server's retained
    `status` (with its last will) says whether it runs, and every command's reply or timeout
    says whether it answers. One case has no event: a server still connected (its status stays
    `online`) that stopped answering publishes nothing when it recovers. Only then, `probe` is
    called once per PROBE_MS until something is heard; nothing is sent while the server answers,
    is offline or the broker is gone.
    """

    changed = Signal()

    def __init__(
        self, server_id: str, probe: Callable[[], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.server_id = server_id
        self.connected = False
        self.server_online: bool | None = None  # None until the retained status arrives
        self.unanswered = False
        self.storage_down = False  # the server said its database does not answer
        self._status_topic = ""
        self._probe = QTimer(self)
        self._probe.setSingleShot(True)
        self._probe.setInterval(PROBE_MS)
        self._probe.timeout.connect(probe)

    @property
    def available(self) -> bool:
        """Tell whether the kiosk can serve: broker connected and the server answering."""
        return (
            self.connected
            and self.server_online is not False
            and not self.unanswered
            and not self.storage_down
        )

    def watch(self, bridge: BusBridge, topics: Topics) -> None:
        """Follow the connection and the server's retained status through the bus bridge."""
        self._status_topic = topics.status(self.server_id)
        bridge.message.connect(self.handle_message, Qt.ConnectionType.QueuedConnection)
        bridge.connection_changed.connect(self.set_connected, Qt.ConnectionType.QueuedConnection)
        bridge.subscribe(self._status_topic)
        bridge.watch_connection()

    @Slot(str, bytes)
    def handle_message(self, topic: str, payload: bytes) -> None:
        """Apply the server's retained presence (other topics are not ours)."""
        if topic != self._status_topic:
            return
        try:
            status = DeviceStatus.model_validate_json(payload)
        except ValidationError as exc:
            log.warning("ignored a malformed server status: %s", exc.error_count())
            return
        self.set_server_online(status.state == "online")

    @Slot(bool)
    def set_connected(self, connected: bool) -> None:
        """Record the broker connection."""
        if connected != self.connected:
            self.connected = connected
            self._arm_probe()
            self.changed.emit()

    def set_server_online(self, online: bool) -> None:
        """Record the server's retained status; `online` is also a sign it answers again."""
        self.server_online = online
        if online:
            self.unanswered = False
        self._arm_probe()
        self.changed.emit()

    def heard(self) -> None:
        """The server published something (a queue snapshot): it is working."""
        if self.unanswered:
            self.unanswered = False
            self._arm_probe()
            self.changed.emit()

    def answered(self) -> None:
        """The server answered a command (done or refused by its rules): it can serve."""
        if self.storage_down:
            self.storage_down = False
            self._arm_probe()
            self.changed.emit()
        self.heard()

    def note_reply(self, reply: Reply) -> None:
        """Learn from a command's outcome: a timeout means unanswered, an answer means back.

        `storage_unavailable` means the server answers but its database does not: the kiosk
        shows its out-of-service screen and probes until a command is answered again. An internal
        error is made by this kiosk when sending failed: it says nothing either way.
        """
        code = reply.error.code if reply.error is not None else None
        if code is ErrorCode.TIMEOUT:
            changed = not self.unanswered
            self.unanswered = True
            self._arm_probe()
            if changed:
                self.changed.emit()
        elif code is ErrorCode.STORAGE_UNAVAILABLE:
            self.heard()  # it answers, but can serve nobody until its database does
            changed = not self.storage_down
            self.storage_down = True
            self._arm_probe()
            if changed:
                self.changed.emit()
        elif code is not ErrorCode.INTERNAL:
            self.answered()

    def stop(self) -> None:
        """Stop probing."""
        self._probe.stop()

    def _arm_probe(self) -> None:
        down = self.unanswered or self.storage_down
        if down and self.connected and self.server_online is not False:
            self._probe.start()
        else:
            self._probe.stop()
