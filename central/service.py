"""The central index process: stores every branch's entries, acknowledges them, answers lookups.

One worker thread takes what the broker delivers in batches: the batch's entries are upserted
in one transaction and acknowledged (one `index/ack` per branch) only after its commit; then the
batch's lookups are answered, each on the asking branch's `index/answer` with its
CorrelationData. Nothing is kept but the database: a restarted index goes on where it was, and
what a branch sent meanwhile comes again (its outbox resends what was not acknowledged).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from central import answers, store
from shared.domain.second_factor import LookupGuard, LookupPolicy
from shared.messaging.bus import Bus, Message
from shared.messaging.codec import encode
from shared.messaging.index import (
    ACK,
    ANSWER,
    DOSSIER,
    LOOKUP,
    IndexAck,
    IndexAcked,
    IndexEntry,
    IndexLookup,
    IndexTopic,
    every_site,
    parse_index_topic,
)

log = logging.getLogger("motcua.central")
MAX_ACKS = 1000  # acknowledgements per message


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Counts:
    """What the index did since it started (logged, and read by tests and benches)."""

    stored: int = 0
    known: int = 0
    conflicts: int = 0
    rejected: int = 0
    acks_sent: int = 0
    lookups: int = 0
    found: int = 0
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))


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
    ) -> None:
        self.sessions = sessions
        self.bus = bus
        self.prefixes = prefixes
        self.max_batch = max_batch
        self.clock = clock
        self.guard = LookupGuard(policy or LookupPolicy())
        self.counts = Counts()
        self._inbox: queue.Queue[Message | None] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="central-index", daemon=True)

    def start(self) -> None:
        """Subscribe to every branch's entries and lookups and start the worker."""
        self._worker.start()
        for prefix in self.prefixes:
            base = prefix.rstrip("/")
            self.bus.subscribe(every_site(DOSSIER, base), self._inbox.put)
            self.bus.subscribe(every_site(LOOKUP, base), self._inbox.put)

    def stop(self) -> None:
        """Finish the batch in hand and stop."""
        self._inbox.put(None)
        self._worker.join(timeout=10)

    def _run(self) -> None:
        while True:
            batch = [self._inbox.get()]
            while len(batch) < self.max_batch:
                try:
                    batch.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            messages = [m for m in batch if m is not None]
            try:
                self.handle_batch(messages)
            except Exception:  # never let one batch stop the index
                log.exception("a batch failed; the index keeps running")
            if None in batch:
                return

    def handle_batch(self, messages: list[Message]) -> None:
        """Store the batch's entries, acknowledge them after the commit, answer its lookups."""
        entries: list[tuple[IndexTopic, IndexEntry]] = []
        lookups: list[tuple[IndexTopic, Message]] = []
        for message in messages:
            topic = parse_index_topic(message.topic)
            if topic is None:
                continue
            if topic.kind == LOOKUP:
                lookups.append((topic, message))
            elif topic.kind == DOSSIER:
                entry = self._entry(topic, message)
                if entry is not None:
                    entries.append((topic, entry))
        try:
            if entries:
                self._store(entries)
        except Exception:  # the database: nothing acknowledged, the branches send them again
            log.exception("%d entries not stored; the branches will send them again", len(entries))
        for topic, message in lookups:
            try:
                self._answer(topic, message)
            except Exception:  # unanswered: the branch tells its device index_unavailable
                log.exception("a lookup from %s could not be answered", topic.site)

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
            for entry in {e.site_id: e for _, e in entries}.values():  # one per branch
                store.note_site(session, entry, now)
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
                acks[topic.sibling(ACK)].append(IndexAcked(code=entry.code, version=entry.version))
        for ack_topic, items in acks.items():  # only after the commit: an ack means stored
            for start in range(0, len(items), MAX_ACKS):
                ack = IndexAck(acks=items[start : start + MAX_ACKS])
                self.bus.publish(ack_topic, encode(ack), qos=1)
                self.counts.acks_sent += 1

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
