"""The queue server's link to the provincial index: its outbox feed and its remote lookups.

Everything here runs on the writer's thread except the bus callbacks and two timers, which only
queue items for the writer (`AckReceived`, `IndexTick`, `LookupAnswered`, `HandoverReceived`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from server.dossier_service import DossierService
from server.index_entry import IndexSettings
from server.index_feed import AckReceived, IndexFeed, IndexTick
from server.index_lookups import LookupAnswered, RemoteLookups
from server.outcome import Outcome
from shared.messaging.bus import Bus, Message
from shared.messaging.index import HANDED, index_topic
from shared.storage import outbox


@dataclass(frozen=True)
class HandoverReceived:
    """An `index/handed` message: news of one of this branch's results held elsewhere."""

    message: Message


# What the index puts in the writer's queue.
IndexItem = AckReceived | IndexTick | LookupAnswered | HandoverReceived
# Outbox rows written per transaction while catching up (start, after a purge).
CATCH_UP_BATCH = 500


class IndexLink:
    """Feeds the outbox to the index and asks it for dossiers held elsewhere."""

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
        self.feed = IndexFeed(site_id, sessions, bus, settings, monotonic)
        self.lookups = RemoteLookups(site_id, bus, settings, monotonic)

    def start(self, deliver: Callable[[IndexItem], None]) -> None:
        """Subscribe to acknowledgements, answers and result news; start the timers."""
        self.feed.start(deliver)
        self.lookups.start(deliver)
        handed = index_topic(self.site_id, HANDED)
        self.bus.subscribe(handed, lambda message: deliver(HandoverReceived(message)))

    def stop(self) -> None:
        """Stop the timers."""
        self.lookups.stop()
        self.feed.stop()

    def catch_up(self, dossiers: DossierService, at: datetime) -> int:
        """Write outbox entries the database lacks, then send the oldest pending ones.

        Run at start (what a killed server committed but never sent goes now) and after the
        daily purge; returns how many entries were written.
        """
        written = 0
        while True:
            with self.sessions.begin() as session:
                entries = dossiers.reindex(session, at, CATCH_UP_BATCH)
            written += len(entries)
            if len(entries) < CATCH_UP_BATCH:
                break
        self.feed.pump()
        return written

    def step(self, session: Session, item: AckReceived | IndexTick, merged: Outcome) -> None:
        """Apply an acknowledgement (outbox rows marked) or a resend tick, in the batch."""
        if isinstance(item, AckReceived):
            self.feed.acknowledge(session, item.message)
        else:
            self.feed.resend_due()
        merged.index_pump = True

    def after_commit(self, outcome: Outcome) -> None:
        """Send what the commit wrote to the outbox; after acknowledgements, send more."""
        self.feed.sent_after_commit(outcome.index_entries)
        if outcome.index_pump:
            self.feed.pump()

    def pending(self) -> int:
        """How many dossiers and notices wait for the index's acknowledgement (/metrics, tests)."""
        with self.sessions() as session:
            return outbox.count_pending(session, self.site_id)
