"""The central index process: stores every branch's entries, acknowledges them, answers lookups.

One worker thread takes what the broker delivers in batches: the batch's entries are upserted
in one transaction and acknowledged (one `index/ack` per branch) only after its commit; then the
batch's result notices are stored and passed on (central.relay); then its lookups are answered,
each on the asking branch's `index/answer` with its CorrelationData. A timer only puts ticks in
the worker's inbox (notices to send again): the worker alone touches the database. Nothing is
kept but the database: a restarted index goes on where it was, and what a branch sent meanwhile
comes again (its outbox resends what was not acknowledged).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import Enum

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from central import answers, handovers, store
from central.counts import Counts
from central.relay import HandoverRelay, acknowledge
from shared.domain.second_factor import LookupGuard, LookupPolicy
from shared.messaging.bus import Bus, Message
from shared.messaging.codec import encode
from shared.messaging.index import (
    ACK,
    ANSWER,
    DOSSIER,
    HANDOVER,
    LOOKUP,
    IndexAcked,
    IndexEntry,
    IndexLookup,
    IndexTopic,
    every_site,
    parse_index_topic,
)

__all__ = ["CentralIndex", "Counts", "Tick"]
log = logging.getLogger("motcua.central")


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Tick(Enum):
    """Work the worker is given by the index itself rather than by the broker."""

    RESEND_DUE = "resend_due"  # the timer: notices not applied, sent long enough ago
    RESEND_ALL = "resend_all"  # the start: every notice not applied


def tick_seconds(resend_seconds: float) -> float:
    """How often the timer ticks: a quarter of the resend interval, at most 15 s."""
    return min(max(resend_seconds / 4, 0.01), 15.0)


@dataclass
class _Batch:
    """One batch's messages by kind, and the ticks in it."""

    entries: list[tuple[IndexTopic, IndexEntry]] = field(default_factory=list)
    notices: list[tuple[IndexTopic, Message]] = field(default_factory=list)
    lookups: list[tuple[IndexTopic, Message]] = field(default_factory=list)
    ticks: set[Tick] = field(default_factory=set)


class CentralIndex:
    """Receives index messages from the central broker and applies them in batches."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        bus: Bus,
        prefixes: list[str],
        policy: LookupPolicy | None = None,
        max_batch: int = 200,
        clock: Callable[[], datetime] = _utc_now,
        handover_resend_seconds: float = 60.0,
    ) -> None:
        self.sessions = sessions
        self.bus = bus
        self.prefixes = prefixes
        self.max_batch = max_batch
        self.clock = clock
        self.guard = LookupGuard(policy or LookupPolicy())
        self.counts = Counts()
        self.relay = HandoverRelay(sessions, bus, self.counts, clock, handover_resend_seconds)
        self._inbox: queue.Queue[Message | Tick | None] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="central-index", daemon=True)
        self._tick_every = tick_seconds(handover_resend_seconds)
        self._stopping = threading.Event()
        self._timer = threading.Thread(target=self._tick, name="central-index-timer", daemon=True)

    def start(self) -> None:
        """Subscribe to every branch's entries, lookups and result notices; start the worker.

        The worker first sends again every result notice the owners have not applied.
        """
        self._inbox.put(Tick.RESEND_ALL)
        self._worker.start()
        for prefix in self.prefixes:
            base = prefix.rstrip("/")
            for kind in (DOSSIER, LOOKUP, HANDOVER):
                self.bus.subscribe(every_site(kind, base), self._inbox.put)
        self._timer.start()

    def stop(self) -> None:
        """Stop the timer, finish the batch in hand and stop."""
        self._stopping.set()
        if self._timer.is_alive():
            self._timer.join(timeout=10)
        self._inbox.put(None)
        self._worker.join(timeout=10)

    def tick(self) -> None:
        """Have the worker send again the notices due (what the timer does)."""
        self._inbox.put(Tick.RESEND_DUE)

    def _tick(self) -> None:
        while not self._stopping.wait(self._tick_every):
            self.tick()

    def _run(self) -> None:
        while True:
            batch = [self._inbox.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            items = [m for m in batch if m is not None]
            try:
                self.handle_batch(items)
            except Exception:  # never let one batch stop the index
                log.exception("a batch failed; the index keeps running")
            if None in batch:
                return

    def handle_batch(self, items: Sequence[Message | Tick]) -> None:
        """Store the entries and notices, acknowledge them after the commits, answer lookups.

        Then, on a tick, send again the result notices the owners have not applied.
        """
        batch = self._sort(items)
        try:
            if batch.entries:
                self._store(batch.entries)
        except Exception:  # the database: nothing acknowledged, the branches send them again
            log.exception(
                "%d entries not stored; the branches will send them again", len(batch.entries)
            )
        try:
            self.relay.take(batch.notices)
        except Exception:  # not acknowledged: the holding branches send them again
            log.exception("%d result notices not stored; they will come again", len(batch.notices))
        for topic, message in batch.lookups:
            try:
                self._answer(topic, message)
            except Exception:  # unanswered: the branch tells its device index_unavailable
                log.exception("a lookup from %s could not be answered", topic.site)
        if batch.ticks:
            try:
                self.relay.resend(everything=Tick.RESEND_ALL in batch.ticks)
            except Exception:  # tried again at the next tick
                log.exception("result notices could not be sent again")

    def _sort(self, items: Sequence[Message | Tick]) -> _Batch:
        batch = _Batch()
        for item in items:
            if isinstance(item, Tick):
                batch.ticks.add(item)
                continue
            topic = parse_index_topic(item.topic)
            if topic is None:
                continue
            if topic.kind == LOOKUP:
                batch.lookups.append((topic, item))
            elif topic.kind == HANDOVER:
                batch.notices.append((topic, item))
            elif topic.kind == DOSSIER:
                entry = self._entry(topic, item)
                if entry is not None:
                    batch.entries.append((topic, entry))
        return batch

    def _entry(self, topic: IndexTopic, message: Message) -> IndexEntry | None:
        try:
            entry = IndexEntry.model_validate_json(message.payload)
        except ValidationError as exc:
            self.counts.rejected += 1
            log.warning("ignored a malformed entry from %s: %s", topic.site, exc.error_count())
            return None
        if entry.site_id != topic.site:  # a bridge writes only its own branch's topics
            self.counts.rejected += 1
            log.warning("ignored an entry of %s sent under %s", entry.site_id, topic.base)
            return None
        return entry

    def _store(self, entries: list[tuple[IndexTopic, IndexEntry]]) -> None:
        acks: dict[str, list[IndexAcked]] = defaultdict(list)
        now = self.clock()
        with self.sessions.begin() as session:
            for base, entry in {e.site_id: (t.base, e) for t, e in entries}.values():
                store.note_site(session, entry, base, now)  # once per branch
            for topic, entry in entries:
                stored = store.upsert(session, entry, now)
                self.counts.by_kind[stored.value] += 1
                if stored is store.Stored.CONFLICT:
                    self.counts.conflicts += 1
                    log.error(
                        "dossier %s of %s: the code belongs to another branch (same agency code?)",
                        entry.code,
                        entry.site_id,
                    )
                    continue
                if stored is store.Stored.KNOWN:
                    self.counts.known += 1
                else:
                    self.counts.stored += 1
                self.counts.handovers_applied += handovers.apply(session, entry, now)
                acks[topic.sibling(ACK)].append(IndexAcked(code=entry.code, version=entry.version))
        # Only after the commit: an ack means stored.
        self.counts.acks_sent += acknowledge(self.bus, acks)

    def _answer(self, topic: IndexTopic, message: Message) -> None:
        if message.correlation_data is None:
            return  # nobody to answer
        try:
            lookup = IndexLookup.model_validate_json(message.payload)
        except ValidationError as exc:
            log.warning("ignored a malformed lookup from %s: %s", topic.site, exc.error_count())
            return
        self.counts.lookups += 1
        with self.sessions() as session:
            reply = answers.answer(session, lookup, topic.site, self.guard, self.clock())
        if reply.dossier is not None:
            self.counts.found += 1
        # The answer goes under the prefix the question came by (the bridge carries it back).
        self.bus.publish(
            topic.sibling(ANSWER),
            encode(reply),
            qos=0,
            correlation_data=message.correlation_data,
        )
