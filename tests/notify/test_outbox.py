"""The outbox table: one row per event, recipients' channels, claims, resends, the purge."""

from __future__ import annotations

from datetime import timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.notifications import DeliveryState
from shared.domain.personal_data import DataClass, Retention
from shared.storage import notifications as outbox
from shared.storage.notifications import NotificationRow, queue_notification
from shared.storage.personal_data import purge
from shared.storage.tables import Base
from tests.notify.conftest import MONDAY

SITE = "hcc-demo"
KEY = b"k" * 32


def _queue(session: Session, key: str = "dossier:X-1:ready", **kw: object) -> int | None:
    fields: dict[str, object] = {
        "params": {"code": "X-1", "procedure": "Cấp thẻ căn cước"},
        "dedupe_key": key,
        "at": MONDAY,
        "recipient_phone": "0912345678",
        **kw,
    }
    return queue_notification(session, SITE, "ready", **fields)  # type: ignore[arg-type]


def test_the_same_event_queues_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        first = _queue(session)
        assert first is not None
        assert _queue(session) is None, "same dedupe key, same transaction"
    with sessions.begin() as session:
        assert _queue(session) is None, "same dedupe key, later transaction"
        assert _queue(session, key="dossier:X-2:ready") is not None
        rows = session.scalars(select(NotificationRow).order_by(NotificationRow.id)).all()
    assert [r.dedupe_key for r in rows] == ["dossier:X-1:ready", "dossier:X-2:ready"]
    assert rows[0].reference == "X-1" and rows[0].state == "pending"
    assert rows[0].params == '{"code": "X-1", "procedure": "Cấp thẻ căn cước"}'


def test_channels_follow_the_recipients_given(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        assert _queue(session, "a", recipient_phone="", recipient_email="") is None
        _queue(session, "b", recipient_phone="", recipient_email="a@example.vn")
        _queue(session, "c", recipient_email="a@example.vn", channels=["sms", "email"])
        _queue(session, "d")
        channels = dict(
            session.execute(select(NotificationRow.dedupe_key, NotificationRow.channels)).all()
        )
    assert channels == {"b": "email", "c": "sms,email", "d": "zns,sms"}


def test_a_message_waits_for_its_time_and_is_taken_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        _queue(session, "later", not_before=MONDAY + timedelta(hours=1))
        _queue(session, "now")
    with sessions.begin() as session:
        taken = outbox.claim_due(session, SITE, MONDAY, 10, "w1")
    assert [t.dedupe_key for t in taken] == ["now"]
    with sessions.begin() as session:
        assert (
            outbox.claim_due(session, SITE, MONDAY + timedelta(hours=2), 10, "w2")[0].dedupe_key
            == "later"
        )
        assert outbox.claim_due(session, SITE, MONDAY + timedelta(hours=2), 10, "w3") == []


def test_a_dead_letter_is_sent_again_from_its_first_channel(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        row_id = _queue(session)
        assert row_id is not None
        (item,) = outbox.claim_due(session, SITE, MONDAY, 10, "w")
        outbox.begin_send(session, row_id, item.channels[1], MONDAY)
        outbox.mark_dead(session, row_id, "SMS: HTTP 400", MONDAY)
    with sessions.begin() as session:
        assert outbox.resend(session, SITE, row_id, MONDAY + timedelta(hours=1))
        assert not outbox.resend(session, SITE, row_id, MONDAY), "only dead letters"
        assert not outbox.resend(session, "other-site", row_id, MONDAY)
        row = session.get(NotificationRow, row_id)
        assert row is not None
        assert (row.state, row.attempts, row.channel, row.resends) == ("pending", 0, "", 1)


def test_recipients_are_purged_after_the_retention_period(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        sent, waiting = _queue(session, "sent"), _queue(session, "waiting")
        assert sent is not None and waiting is not None
        outbox.claim_due(session, SITE, MONDAY, 1, "w")
        outbox.mark_sent(session, sent, "zns-1", MONDAY)
    later = MONDAY + timedelta(days=31)
    with sessions.begin() as session:
        counts = purge(session, SITE, Retention(), later, KEY, apply=False)
        assert counts[DataClass.NOTIFICATIONS] == 1
        purge(session, SITE, Retention(), later, KEY)
    with sessions() as session:
        rows = {r.dedupe_key: r for r in session.scalars(select(NotificationRow))}
        assert (rows["sent"].phone, rows["sent"].recipient_removed_at) == ("", later)
        assert rows["waiting"].phone == "0912345678", "a message not sent yet keeps its recipient"
        assert outbox.counts(session, SITE)[DeliveryState.SENT] == 1


def test_the_migration_creates_the_table_the_code_uses(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        context = MigrationContext.configure(session.connection())
        diff = compare_metadata(context, Base.metadata)
    mine = [d for d in diff if "notifications" in repr(d)]
    assert mine == []


def test_a_one_time_code_is_forgotten_once_sent_and_never_sent_again(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        sent = queue_notification(
            session,
            SITE,
            "otp",
            params={"code": "482913", "minutes": "5"},
            dedupe_key="otp:r1",
            at=MONDAY,
            recipient_phone="0912345678",
        )
        dead = queue_notification(
            session,
            SITE,
            "otp",
            params={"code": "771204", "minutes": "5"},
            dedupe_key="otp:r2",
            at=MONDAY,
            recipient_phone="0912345678",
        )
        assert sent is not None and dead is not None
        outbox.claim_due(session, SITE, MONDAY, 10, "w")
        outbox.mark_sent(session, sent, "sms-1", MONDAY)
        outbox.mark_dead(session, dead, "SMS: HTTP 400", MONDAY)
    with sessions.begin() as session:
        params = dict(
            session.execute(select(NotificationRow.dedupe_key, NotificationRow.params)).all()
        )
        assert params == {"otp:r1": "{}", "otp:r2": "{}"}
        assert not outbox.resend(session, SITE, dead, MONDAY)
