"""The notification outbox: messages to citizens, queued in the writer's transaction.

The queue server (and any code inside its transaction) calls `queue_notification`; the row
commits with the change it announces, or not at all. `motcua notify` then takes due rows,
marks each in flight before sending it and marks the outcome after: a message is never lost
(it waits in the table through restarts and gateway outages) and never queued twice (one row
per dedupe key and site). The recipient (phone, e-mail) is personal data: it is blanked once
the message ended and `[privacy] notification_days` passed (`personal_data.purge`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from shared.domain.notifications import (
    FINAL_STATES,
    PHONE_CHANNELS,
    SECRET_KINDS,
    ChannelKind,
    DeliveryState,
    MessageKind,
)
from shared.storage.tables import Base, UtcDateTime

ERROR_CHARS = 300
DEFAULT_CHANNELS = (ChannelKind.ZNS, ChannelKind.SMS, ChannelKind.EMAIL)


class NotificationRow(Base):
    """One message to a citizen and how its delivery goes."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("site_id", "dedupe_key", name="uq_notification_dedupe"),
        Index("ix_notifications_due", "site_id", "state", "next_attempt_at"),
        Index("ix_notifications_reference", "site_id", "reference"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))
    channels: Mapped[str] = mapped_column(String(40))  # candidates, comma-separated
    channel: Mapped[str] = mapped_column(String(10), default="")  # the one tried last
    phone: Mapped[str] = mapped_column(String(32), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    params: Mapped[str] = mapped_column(Text)  # JSON object of the template's values
    dedupe_key: Mapped[str] = mapped_column(String(160))
    reference: Mapped[str] = mapped_column(String(60), default="")  # dossier code or number
    state: Mapped[str] = mapped_column(String(10))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    resends: Mapped[int] = mapped_column(Integer, default=0)  # times a person sent it again
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    in_flight_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    worker: Mapped[str] = mapped_column(String(64), default="")
    last_error: Mapped[str] = mapped_column(String(ERROR_CHARS), default="")
    provider_id: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    recipient_removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class Pending:
    """A message a sender has taken: what to send, to whom, and how it went so far."""

    id: int
    site_id: str
    kind: MessageKind
    channels: tuple[ChannelKind, ...]
    channel: ChannelKind | None
    phone: str
    email: str
    params: dict[str, str]
    dedupe_key: str
    reference: str
    attempts: int
    resends: int
    created_at: datetime
    expires_at: datetime | None


def _candidates(channels: Sequence[str] | None, phone: str, email: str) -> tuple[ChannelKind, ...]:
    wanted = [ChannelKind(c) for c in (channels or DEFAULT_CHANNELS)]
    has_phone = any(ch.isdigit() for ch in phone)
    has_email = "@" in email
    return tuple(c for c in wanted if (has_phone if c in PHONE_CHANNELS else has_email))


def queue_notification(
    session: Session,
    site_id: str,
    kind: str,
    *,
    params: Mapping[str, object],
    dedupe_key: str,
    at: datetime,
    recipient_phone: str = "",
    recipient_email: str = "",
    channels: Sequence[str] | None = None,
    reference: str = "",
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
) -> int | None:
    """Queue one message in the caller's transaction; return its id.

    Returns None, queuing nothing, when the dedupe key was queued before (the same event
    never queues twice) or when no channel can reach the recipient (no phone, no e-mail).
    `channels` are the candidates, best first (default: Zalo, SMS, e-mail); `not_before`
    holds the message back (a reminder), `expires_at` drops it when still unsent then.
    """
    phone, email = recipient_phone.strip()[:32], recipient_email.strip()[:254]
    candidates = _candidates(channels, phone, email)
    key = dedupe_key[:160]
    if not candidates:
        return None
    known = select(NotificationRow.id).where(
        NotificationRow.site_id == site_id, NotificationRow.dedupe_key == key
    )
    if session.scalar(known) is not None:
        return None
    values = {str(k): str(v) for k, v in params.items()}
    row = NotificationRow(
        site_id=site_id,
        kind=MessageKind(kind).value,
        channels=",".join(c.value for c in candidates),
        channel="",
        phone=phone,
        email=email,
        params=json.dumps(values, ensure_ascii=False, sort_keys=True),
        dedupe_key=key,
        reference=(reference or values.get("code") or values.get("number") or "")[:60],
        state=DeliveryState.PENDING.value,
        attempts=0,
        resends=0,
        next_attempt_at=max(at, not_before) if not_before else at,
        expires_at=expires_at,
        created_at=at,
        updated_at=at,
    )
    try:
        with session.begin_nested():  # a twin inserted meanwhile (another writer) wins
            session.add(row)
    except IntegrityError:
        return None
    return row.id


def _pending(row: NotificationRow) -> Pending:
    return Pending(
        id=row.id,
        site_id=row.site_id,
        kind=MessageKind(row.kind),
        channels=tuple(ChannelKind(c) for c in row.channels.split(",") if c),
        channel=ChannelKind(row.channel) if row.channel else None,
        phone=row.phone,
        email=row.email,
        params=dict(json.loads(row.params)),
        dedupe_key=row.dedupe_key,
        reference=row.reference,
        attempts=row.attempts,
        resends=row.resends,
        created_at=row.created_at,
        expires_at=row.expires_at,
    )


def claim_due(
    session: Session, site_id: str, now: datetime, limit: int, worker: str
) -> list[Pending]:
    """Take up to `limit` due messages for this sender (locked rows of others are skipped)."""
    query = (
        select(NotificationRow)
        .where(
            NotificationRow.site_id == site_id,
            NotificationRow.state == DeliveryState.PENDING.value,
            NotificationRow.next_attempt_at <= now,
        )
        .order_by(NotificationRow.next_attempt_at, NotificationRow.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.scalars(query))
    for row in rows:
        row.state, row.in_flight_at, row.worker, row.updated_at = (
            DeliveryState.CLAIMED.value,
            now,
            worker[:64],
            now,
        )
    session.flush()
    return [_pending(row) for row in rows]


def _change(
    session: Session, row_id: int, states: Collection[DeliveryState], **values: object
) -> bool:
    done = session.execute(
        update(NotificationRow)
        .where(NotificationRow.id == row_id, NotificationRow.state.in_([s.value for s in states]))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0))


_TAKEN = (DeliveryState.CLAIMED, DeliveryState.SENDING)


def _end(session: Session, row_id: int, **values: object) -> bool:
    """Move a taken message to a final state; a secret's values (a one-time code) go with it."""
    done = _change(session, row_id, _TAKEN, in_flight_at=None, **values)
    if done:
        session.execute(
            update(NotificationRow)
            .where(
                NotificationRow.id == row_id,
                NotificationRow.kind.in_([k.value for k in SECRET_KINDS]),
            )
            .values(params="{}")
            .execution_options(synchronize_session=False)
        )
    return done


def begin_send(session: Session, row_id: int, channel: ChannelKind, now: datetime) -> bool:
    """Mark a taken message in flight on a channel (commit this before sending)."""
    return _change(
        session,
        row_id,
        _TAKEN,
        state=DeliveryState.SENDING.value,
        channel=channel.value,
        attempts=NotificationRow.attempts + 1,
        in_flight_at=now,
        updated_at=now,
    )


def mark_sent(session: Session, row_id: int, provider_id: str, now: datetime) -> bool:
    """Record that a gateway took the message."""
    return _end(
        session,
        row_id,
        state=DeliveryState.SENT.value,
        provider_id=provider_id[:100],
        sent_at=now,
        updated_at=now,
    )


def mark_retry(
    session: Session,
    row_id: int,
    next_at: datetime,
    error: str,
    now: datetime,
    channel: ChannelKind | None = None,
) -> bool:
    """Put a message back to wait until `next_at` (after a failure, or for quiet hours)."""
    values: dict[str, object] = {
        "state": DeliveryState.PENDING.value,
        "next_attempt_at": next_at,
        "in_flight_at": None,
        "updated_at": now,
    }
    if error:
        values["last_error"] = error[:ERROR_CHARS]
    if channel is not None:
        values["channel"] = channel.value
    return _change(session, row_id, _TAKEN, **values)


def note_error(session: Session, row_id: int, error: str, now: datetime) -> bool:
    """Record a channel's refusal while the message goes on to its next channel."""
    return _change(session, row_id, _TAKEN, last_error=error[:ERROR_CHARS], updated_at=now)


def mark_dead(session: Session, row_id: int, error: str, now: datetime) -> bool:
    """Give a message up: it joins the dead letters a person looks at."""
    return _end(
        session,
        row_id,
        state=DeliveryState.DEAD.value,
        last_error=error[:ERROR_CHARS],
        updated_at=now,
    )


def mark_expired(session: Session, row_id: int, now: datetime) -> bool:
    """Drop a message that is no use any more (a call the citizen no longer waits for)."""
    return _end(session, row_id, state=DeliveryState.EXPIRED.value, updated_at=now)


@dataclass(frozen=True)
class InFlight:
    """A message left claimed or in flight by a sender that stopped."""

    id: int
    state: DeliveryState
    channel: ChannelKind | None
    attempts: int


def stale(session: Session, site_id: str, before: datetime) -> list[InFlight]:
    """Messages claimed or in flight since before `before` (their sender died)."""
    rows = session.execute(
        select(
            NotificationRow.id,
            NotificationRow.state,
            NotificationRow.channel,
            NotificationRow.attempts,
        ).where(
            NotificationRow.site_id == site_id,
            NotificationRow.state.in_([s.value for s in _TAKEN]),
            NotificationRow.in_flight_at < before,
        )
    ).all()
    return [InFlight(i, DeliveryState(s), ChannelKind(c) if c else None, a) for i, s, c, a in rows]


def resend(session: Session, site_id: str, row_id: int, now: datetime) -> bool:
    """Send a dead letter again from its first channel.

    False when there is no such dead letter, its recipient was removed, or it held a secret
    (a one-time code is never sent again: the citizen asks for a new one).
    """
    row = session.get(NotificationRow, row_id)
    if row is None or row.site_id != site_id or row.state != DeliveryState.DEAD.value:
        return False
    if MessageKind(row.kind) in SECRET_KINDS:
        return False
    if not row.phone and not row.email:
        return False
    row.state, row.attempts, row.channel = DeliveryState.PENDING.value, 0, ""
    row.resends += 1  # a new request id: the gateway must not drop it as a repeat
    row.next_attempt_at, row.updated_at, row.expires_at = now, now, None
    session.flush()
    return True


def counts(session: Session, site_id: str) -> dict[DeliveryState, int]:
    """How many messages of the site are in each state."""
    rows = session.execute(
        select(NotificationRow.state, func.count())
        .where(NotificationRow.site_id == site_id)
        .group_by(NotificationRow.state)
    ).all()
    found = {DeliveryState(state): int(n) for state, n in rows}
    return {state: found.get(state, 0) for state in DeliveryState}


def dead_letters(session: Session, site_id: str, limit: int) -> list[NotificationRow]:
    """The site's dead letters, newest first."""
    return list(
        session.scalars(
            select(NotificationRow)
            .where(
                NotificationRow.site_id == site_id,
                NotificationRow.state == DeliveryState.DEAD.value,
            )
            .order_by(NotificationRow.updated_at.desc(), NotificationRow.id.desc())
            .limit(limit)
        )
    )


def _has_recipient() -> ColumnElement[bool]:
    return or_(NotificationRow.phone != "", NotificationRow.email != "")


def purge_recipients(
    session: Session, site_id: str, cutoff: datetime, now: datetime, apply: bool = True
) -> int:
    """Blank the phone and e-mail of messages that ended before `cutoff`; return how many."""
    where = (
        NotificationRow.site_id == site_id,
        NotificationRow.state.in_([s.value for s in FINAL_STATES]),
        NotificationRow.updated_at < cutoff,
        _has_recipient(),
    )
    count = len(session.scalars(select(NotificationRow.id).where(*where)).all())
    if apply and count:
        session.execute(
            update(NotificationRow)
            .where(*where)
            .values(phone="", email="", recipient_removed_at=now)
            .execution_options(synchronize_session=False)
        )
    return count


def erase_for(session: Session, site_id: str, references: Sequence[str], now: datetime) -> int:
    """Blank the recipients of the messages about these dossiers (a subject's erasure)."""
    if not references:
        return 0
    done = session.execute(
        update(NotificationRow)
        .where(
            NotificationRow.site_id == site_id,
            NotificationRow.reference.in_(list(references)),
            _has_recipient(),
        )
        .values(phone="", email="", recipient_removed_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(done, "rowcount", 0))


def about(session: Session, site_id: str, references: Sequence[str]) -> list[NotificationRow]:
    """The messages about these dossiers, oldest first (a subject's export)."""
    if not references:
        return []
    return list(
        session.scalars(
            select(NotificationRow)
            .where(
                NotificationRow.site_id == site_id,
                NotificationRow.reference.in_(list(references)),
            )
            .order_by(NotificationRow.id)
        )
    )
