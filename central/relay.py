"""Notices of transferred results: checked, stored, acknowledged, passed on to the owner branch.

The branch a result was transferred to sends its news (the result arrived; it was returned) on
`index/handover`. The index keeps a notice only when the dossier's entry names that branch as
its return point, acknowledges it after the commit on the sender's `index/ack`, and publishes
it on the dossier's own branch's `index/handed`, under the prefix that branch's entries come by.
A notice the owner's entries do not show applied is sent again every `resend_seconds`, and once
when the index starts.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from central import handovers
from central.counts import Counts
from shared.messaging.bus import Bus, Message
from shared.messaging.codec import encode
from shared.messaging.index import ACK, IndexAck, IndexAcked, IndexTopic, ResultHandover

log = logging.getLogger("motcua.central")
MAX_ACKS = 1000  # acknowledgements per message
RESEND_LIMIT = 1000  # notices sent again per tick at most (the rest at the next one)
Key = tuple[str, int]  # a notice's (code, version)


def acknowledge(bus: Bus, acks: dict[str, list[IndexAcked]]) -> int:
    """Publish the acknowledgements per topic, at most MAX_ACKS a message; return the count."""
    sent = 0
    for topic, items in acks.items():
        for start in range(0, len(items), MAX_ACKS):
            ack = IndexAck(acks=items[start : start + MAX_ACKS])
            bus.publish(topic, encode(ack), qos=1)
            sent += 1
    return sent


class HandoverRelay:
    """Takes the branches' result notices and sends them on to the dossiers' own branches."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        bus: Bus,
        counts: Counts,
        clock: Callable[[], datetime],
        resend_seconds: float,
    ) -> None:
        self.sessions = sessions
        self.bus = bus
        self.counts = counts
        self.clock = clock
        self.resend_seconds = resend_seconds

    def take(self, items: list[tuple[IndexTopic, Message]]) -> None:
        """Store the notices in one transaction; only after its commit acknowledge and forward."""
        notices = [(topic, n) for topic, message in items if (n := self._parse(topic, message))]
        if not notices:
            return
        now = self.clock()
        acks: dict[str, dict[Key, IndexAcked]] = defaultdict(dict)
        forward: dict[Key, ResultHandover] = {}
        with self.sessions.begin() as session:
            for topic, notice in notices:
                checked = handovers.check(session, notice, topic.site)
                if checked.reason:
                    self.counts.handovers_rejected += 1
                    log.error(
                        "result notice %s of %s (%s) from %s refused: %s",
                        notice.event.value,
                        notice.code,
                        notice.owner_site_id,
                        topic.base,
                        checked.reason,
                    )
                    continue
                key = (notice.code, notice.version)
                shown = notice.version <= checked.shown
                if handovers.keep(session, notice, now, applied=shown):
                    self.counts.handovers_stored += 1
                    applied = shown
                else:
                    self.counts.handovers_known += 1
                    applied = handovers.is_applied(session, *key)
                acks[topic.sibling(ACK)][key] = IndexAcked(code=notice.code, version=notice.version)
                if not applied:
                    forward[key] = notice
            owners = {n.owner_site_id for n in forward.values()}
            targets = handovers.owner_topics(session, owners)
        # Only after the commit: an acknowledgement means stored.
        self.counts.acks_sent += acknowledge(
            self.bus, {topic: list(items.values()) for topic, items in acks.items()}
        )
        sends = [(k, targets[n.owner_site_id], encode(n)) for k, n in forward.items()]
        self._send(sends, now)

    def resend(self, everything: bool = False) -> None:
        """Send again the notices not applied, sent over `resend_seconds` ago (or all of them)."""
        now = self.clock()
        before = None if everything else now - timedelta(seconds=self.resend_seconds)
        with self.sessions() as session:
            rows = handovers.unapplied(session, before, RESEND_LIMIT)
            targets = handovers.owner_topics(session, {r.owner_site_id for r in rows})
        if not rows:
            return
        log.info("sending %d result notices again to the dossiers' branches", len(rows))
        sends = [
            ((r.code, r.version), targets[r.owner_site_id], r.notice.encode("utf-8")) for r in rows
        ]
        self._send(sends, now)
        self.counts.handovers_resent += len(rows)

    def _send(self, sends: list[tuple[Key, str, bytes]], now: datetime) -> None:
        if not sends:
            return
        for _, topic, payload in sends:
            self.bus.publish(topic, payload, qos=1)
        self.counts.handovers_forwarded += len(sends)
        with self.sessions.begin() as session:
            handovers.mark_sent(session, (key for key, _, _ in sends), now)

    def _parse(self, topic: IndexTopic, message: Message) -> ResultHandover | None:
        try:
            return ResultHandover.model_validate_json(message.payload)
        except ValidationError as exc:
            self.counts.rejected += 1
            log.warning(
                "ignored a malformed result notice from %s: %s", topic.site, exc.error_count()
            )
            return None
