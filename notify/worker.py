"""The sender: takes due messages from the outbox, sends them along their channels, records why.

Each message is marked in flight (committed) before a gateway is called and marked sent after,
so a crash never loses one. A message a crash left in flight is sent again only through a
gateway that drops repeats of its request id (`idempotent`); through any other it goes to the
dead letters for a person to check, so it is never sent twice. No database transaction is held
while a gateway is called (SQLite has one writer: the queue server must not wait on Zalo).
"""

from __future__ import annotations

import hashlib
import logging
import random
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Concatenate, ParamSpec
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from notify.gateways import Gateway, Outgoing, Result, Verdict
from shared.config.site import SiteConfig
from shared.domain.notifications import (
    CHANNEL_LABELS,
    KIND_LABELS,
    ChannelKind,
    DeliveryState,
    MessageKind,
    mask_recipient,
    render,
    retry_delay,
)
from shared.messaging.bus import Bus
from shared.notification_state import DeadLetter, NotificationsState, notifications_topic
from shared.runtime import utc_now
from shared.storage import notifications as outbox
from shared.storage.notifications import Pending

log = logging.getLogger(__name__)
BATCH = 20
# The state is published again this often even when unchanged (a broker that lost it).
REPUBLISH_SECONDS = 300
P = ParamSpec("P")
UNKNOWN_HINT = "không rõ tin đã đến chưa: hỏi nhà cung cấp trước khi gửi lại"


def request_id(site_id: str, dedupe_key: str, resends: int = 0) -> str:
    """The id a gateway sees for a message: the same on every try, new after a resend."""
    text = f"{site_id}-{dedupe_key}".replace(":", ".")
    if resends:
        text += f"-r{resends}"
    if len(text) <= 64 and all(c.isascii() and (c.isalnum() or c in "-_.") for c in text):
        return text
    return f"{site_id[:12]}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:32]}"


class Notifier:
    """Sends the site's queued messages through its gateways and publishes their state."""

    def __init__(
        self,
        config: SiteConfig,
        sessions: sessionmaker[Session],
        gateways: Mapping[ChannelKind, Gateway],
        *,
        bus: Bus | None = None,
        now: Callable[[], datetime] = utc_now,
        random_fraction: Callable[[], float] = random.random,
        worker: str = "notify",
        batch: int = BATCH,
    ) -> None:
        self.config = config
        self.settings = config.notify
        self.site_id = config.site.id
        self.sessions = sessions
        self.gateways = dict(gateways)
        self.bus = bus
        self.now = now
        self.random = random_fraction
        self.worker = worker
        self.batch = batch
        self.zone = ZoneInfo(config.site.timezone)
        self.topic = notifications_topic(self.site_id)
        self._published = ""
        self._published_at: datetime | None = None
        if bus is not None:
            bus.on_connection_change(self._connection_changed)

    def _connection_changed(self, connected: bool) -> None:
        if connected:
            self._published = ""  # publish the state again on every (re)connection

    # The loop -----------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        """Send due messages until `stop` is set; a database outage only delays them."""
        while not stop.is_set():
            try:
                handled = self.run_once(stop)
            except SQLAlchemyError as exc:
                log.warning("database not available, trying again: %s", type(exc).__name__)
                handled = 0
            stop.wait(0 if handled >= self.batch else self.settings.poll_seconds)

    def run_once(self, stop: threading.Event | None = None) -> int:
        """Recover what a crash left in flight, send one batch of due messages, publish.

        When `stop` is set meanwhile, the messages of the batch not tried yet are put back.
        """
        self.recover()
        with self.sessions.begin() as session:
            due = outbox.claim_due(session, self.site_id, self.now(), self.batch, self.worker)
        for item in due:
            if stop is not None and stop.is_set():
                now = self.now()
                self._write(outbox.mark_retry, item.id, now, "", now)
            else:
                self.deliver(item)
        self.publish()
        return len(due)

    def recover(self) -> int:
        """Put back messages left claimed or in flight by a sender that stopped."""
        now = self.now()
        before = now - timedelta(seconds=self.settings.in_flight_seconds)
        with self.sessions.begin() as session:
            left = outbox.stale(session, self.site_id, before)
            for item in left:
                gateway = self.gateways.get(item.channel) if item.channel else None
                if item.state is DeliveryState.CLAIMED or (gateway and gateway.idempotent):
                    outbox.mark_retry(session, item.id, now, "", now)
                else:
                    label = CHANNEL_LABELS[item.channel] if item.channel else "?"
                    error = f"{label}: tiến trình gửi dừng giữa chừng — {UNKNOWN_HINT}"
                    outbox.mark_dead(session, item.id, error, now)
                    log.warning("notification %d left in flight: dead letter", item.id)
        return len(left)

    # One message --------------------------------------------------------------------------

    def deliver(self, item: Pending) -> None:
        """Send one taken message along its channels and record the outcome."""
        now = self.now()
        if self._expired(item, now):
            self._write(outbox.mark_expired, item.id, now)
            return
        wait_until = self._quiet_until(item, now)
        if wait_until is not None:
            self._write(outbox.mark_retry, item.id, wait_until, "", now)
            return
        chain = self.chain(item)
        start = chain.index(item.channel) if item.channel in chain else 0
        message = self.outgoing(item)
        error = "không có kênh nào gửi được tin này"
        for tried, channel in enumerate(chain[start:], start=1):
            if not self._write(outbox.begin_send, item.id, channel, self.now()):
                return  # taken back by a recovery meanwhile
            result = self.gateways[channel].send(message)
            if result.verdict is Verdict.REFUSED:
                error = f"{CHANNEL_LABELS[channel]}: {result.detail}"
                self._write(outbox.note_error, item.id, error, self.now())
                continue
            self._settle(item, channel, result, item.attempts + tried)
            return
        self._write(outbox.mark_dead, item.id, error, self.now())
        log.info("notification %d: dead letter (%s)", item.id, error)

    def _settle(self, item: Pending, channel: ChannelKind, result: Result, attempts: int) -> None:
        now = self.now()
        label = CHANNEL_LABELS[channel]
        if result.verdict is Verdict.SENT:
            self._write(outbox.mark_sent, item.id, result.provider_id, now)
            log.info("notification %d sent by %s", item.id, channel.value)
            return
        error = f"{label}: {result.detail}"
        if result.verdict is Verdict.UNKNOWN and not self.gateways[channel].idempotent:
            dead = f"{error} — {UNKNOWN_HINT}"
            self._write(outbox.mark_dead, item.id, dead, now)
            return
        retry = self.settings.retry
        if attempts >= retry.max_attempts:
            final = f"{error} (sau {attempts} lần thử)"
            self._write(outbox.mark_dead, item.id, final, now)
            return
        delay = retry_delay(
            attempts,
            retry.backoff_base_seconds,
            retry.backoff_cap_seconds,
            retry.jitter,
            self.random,
        )
        next_at = now + timedelta(seconds=delay)
        self._write(outbox.mark_retry, item.id, next_at, error, now, channel)

    def chain(self, item: Pending) -> list[ChannelKind]:
        """The message's channels in the site's order of preference, with a gateway each."""
        return [
            c
            for c in self.settings.channels_for(item.kind)
            if c in item.channels and c in self.gateways
        ]

    def outgoing(self, item: Pending) -> Outgoing:
        """The message as gateways receive it, its text in the site's wording."""
        params = {**item.params, "site": self.config.site.name}
        template = self.settings.template(item.kind)
        return Outgoing(
            request_id=request_id(self.site_id, item.dedupe_key, item.resends),
            kind=item.kind,
            phone=item.phone,
            email=item.email,
            params=params,
            text=render(template.text, params),
            subject=render(template.subject, params),
        )

    def _expired(self, item: Pending, now: datetime) -> bool:
        if item.expires_at is not None and now >= item.expires_at:
            return True
        minutes = self.settings.max_age(item.kind)
        return bool(minutes) and now >= item.created_at + timedelta(minutes=minutes)

    def _quiet_until(self, item: Pending, now: datetime) -> datetime | None:
        quiet = self.settings.quiet()
        if quiet is None or item.kind in self.settings.quiet_exempt:
            return None
        local = now.astimezone(self.zone)
        return quiet.over_at(local) if quiet.quiet(local) else None

    def _write(
        self, change: Callable[Concatenate[Session, P], bool], *args: P.args, **kw: P.kwargs
    ) -> bool:
        with self.sessions.begin() as session:
            return change(session, *args, **kw)

    # The supervisors' state ---------------------------------------------------------------

    def state(self) -> NotificationsState:
        """Counts per state and the newest dead letters, recipients masked."""
        with self.sessions() as session:
            counts = outbox.counts(session, self.site_id)
            dead = outbox.dead_letters(session, self.site_id, self.settings.dead_letters_shown)
            letters = [
                DeadLetter(
                    id=row.id,
                    kind=MessageKind(row.kind),
                    kind_label=KIND_LABELS[MessageKind(row.kind)],
                    recipient=mask_recipient(row.phone, row.email),
                    reference=row.reference,
                    channel=row.channel,
                    error=row.last_error,
                    at=row.updated_at,
                )
                for row in dead
            ]
        return NotificationsState(
            counts=counts,
            dead_letters=letters,
            channels=[c.value for c in self.gateways],
            at=self.now(),
        )

    def publish(self) -> bool:
        """Publish the retained state when it changed; tell whether it was published."""
        if self.bus is None:
            return False
        state = self.state()
        key = state.model_dump_json(exclude={"at"})
        fresh = self._published_at is not None and state.at - self._published_at < timedelta(
            seconds=REPUBLISH_SECONDS
        )
        if key == self._published and fresh:
            return False
        self.bus.publish(self.topic, state.model_dump_json().encode("utf-8"), retain=True)
        self._published, self._published_at = key, state.at
        return True
