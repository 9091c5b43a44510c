"""The branch's outbox sent to the provincial index: at least once, newest version per dossier.

The outbox also holds the notices about results transferred here (`index/handover`): they
share the flights, the acknowledgements and the resends.

The writer commits each dossier change with its outbox row; after the commit the entry is
published (QoS 1) on `index/dossier`. Central acknowledges on `index/ack` after its own commit,
and only then is the row marked done (by the writer, in its next batch). Entries not
acknowledged are sent again after `resend_seconds` (doubling while central stays silent) and
when the server starts. At most `in_flight` entries wait for an acknowledgement at a time; the
rest wait in the outbox and follow as acknowledgements come back. Nothing here waits on the
network: a publish only queues the message in the client.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from server.index_entry import IndexSettings
from shared.messaging.bus import Bus, Message
from shared.messaging.index import ACK, DOSSIER, HANDOVER, IndexAck, index_topic
from shared.storage import outbox
from shared.storage.outbox import OutboxEntry

log = logging.getLogger(__name__)
# The longest wait between two sends of an entry central has not acknowledged: 16 times the
# first wait, at most ten minutes.
MAX_RESEND_SECONDS = 600.0
RESEND_BACKOFF = 16


@dataclass(frozen=True)
class AckReceived:
    """An `index/ack` message, queued for the writer (which marks the outbox rows)."""

    message: Message


@dataclass(frozen=True)
class IndexTick:
    """A timer's nudge to the writer: resend what central has not acknowledged."""


@dataclass
class _Flight:
    version: int
    entry: str
    sent_at: float
    kind: str


class IndexFeed:
    """Publishes outbox entries, applies acknowledgements and resends what is missing."""

    def __init__(
        self,
        site_id: str,
        sessions: sessionmaker[Session],
        bus: Bus,
        settings: IndexSettings,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.site_id = site_id
        self.sessions = sessions
        self.bus = bus
        self.settings = settings
        self.monotonic = monotonic
        self.topics = {kind: index_topic(site_id, kind) for kind in (DOSSIER, HANDOVER)}
        self.ack_topic = index_topic(site_id, ACK)
        self._flights: dict[str, _Flight] = {}
        self._wait = settings.resend_seconds
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self, deliver: Callable[[AckReceived | IndexTick], None]) -> None:
        """Listen for acknowledgements and start the resend timer; both go to the writer."""
        self.bus.subscribe(self.ack_topic, lambda message: deliver(AckReceived(message)))
        interval = max(0.2, self.settings.resend_seconds / 2)

        def tick() -> None:
            while not self._stop.wait(interval):
                deliver(IndexTick())

        self._ticker = threading.Thread(target=tick, name="index-resend", daemon=True)
        self._ticker.start()

    def stop(self) -> None:
        """Stop the resend timer."""
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
            self._ticker = None

    def sent_after_commit(self, entries: list[OutboxEntry]) -> None:
        """Publish entries just committed, while there is room in flight (the rest wait)."""
        for entry in entries:
            if entry.code in self._flights or len(self._flights) < self.settings.in_flight:
                self._send(entry.code, entry.version, entry.entry, entry.kind)

    def acknowledge(self, session: Session, message: Message) -> int:
        """Mark the outbox rows central acknowledged (in the writer's transaction)."""
        try:
            ack = IndexAck.model_validate_json(message.payload)
        except ValidationError as exc:
            log.warning("ignored a malformed index acknowledgement: %s", exc.error_count())
            return 0
        done = 0
        for item in ack.acks:  # a code is a dossier of this branch or a result held here
            outbox.acknowledge(session, self.site_id, item.code, item.version)
            flight = self._flights.get(item.code)
            if flight is not None and flight.version <= item.version:
                del self._flights[item.code]
                done += 1
        if done:
            self._wait = self.settings.resend_seconds  # central answers: back to the short wait
        return done

    def pump(self) -> None:
        """Send pending entries from the outbox while there is room in flight."""
        room = self.settings.in_flight - len(self._flights)
        if room <= 0:
            return
        with self.sessions() as session:
            waiting = outbox.pending(session, self.site_id, room, list(self._flights))
        for entry in waiting:
            self._send(entry.code, entry.version, entry.entry, entry.kind)

    def resend_due(self) -> None:
        """Send again what central did not acknowledge in time; wait longer while it is silent."""
        now = self.monotonic()
        late = [(c, f) for c, f in self._flights.items() if now - f.sent_at >= self._wait]
        for code, flight in late:
            self._send(code, flight.version, flight.entry, flight.kind)
        if late:
            log.info("index: %d entries sent again (no acknowledgement yet)", len(late))
            longest = min(MAX_RESEND_SECONDS, RESEND_BACKOFF * self.settings.resend_seconds)
            self._wait = min(self._wait * 2, max(longest, self.settings.resend_seconds))

    def _send(self, code: str, version: int, entry: str, kind: str = DOSSIER) -> None:
        self._flights[code] = _Flight(version, entry, self.monotonic(), kind)
        self.bus.publish(self.topics[kind], entry.encode("utf-8"), qos=1)
