"""`motcua notify` against fake Zalo and SMS gateways on loopback: once, retried, never twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from notify.gateways import Gateway, Outgoing, Result
from notify.worker import Notifier
from server.broker import free_port
from shared.config.site import SiteConfig
from shared.domain.notifications import ChannelKind
from shared.messaging import dossier_commands as dc
from shared.messaging.memory import MemoryBroker
from shared.notification_state import NotificationsState, notifications_topic
from shared.storage import notifications as outbox
from shared.storage.notifications import NotificationRow, queue_notification
from tests.helpers.clock import FakeClock
from tests.helpers.fake_gateways import FakeGateway
from tests.notify.conftest import CITIZEN, make_hall, notify_settings, site_with

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SITE = "hcc-demo"


class Scene:
    """A hall (the queue server) and a sender built from one site file."""

    def __init__(
        self,
        config: SiteConfig,
        sessions: sessionmaker[Session],
        clock: FakeClock,
        make_notifier: Callable[..., Notifier],
    ) -> None:
        self.config = config
        self.sessions = sessions
        self.clock = clock
        self.hall = make_hall(config, sessions, clock)
        self._make = make_notifier

    def notifier(self, **kw: Any) -> Notifier:
        return self._make(self.config, **kw)

    def ready(self) -> str:
        """Receive a dossier with the citizen's phone and e-mail, then mark its result ready."""
        reply = self.hall.do("q04", dc.ReceiveDossier, procedure="2.000200", citizen=CITIZEN)
        assert reply.ok, reply.error
        code = str(reply.result["dossier"]["code"])
        assert self.hall.do("q04", dc.MarkDone, code=code).ok
        return code

    def row(self) -> NotificationRow:
        with self.sessions() as session:
            (row,) = session.scalars(select(NotificationRow)).all()
            return row


@pytest.fixture
def scene(
    gateway: FakeGateway,
    secrets: Path,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    make_notifier: Callable[..., Notifier],
) -> Callable[..., Scene]:
    def build(**changes: Any) -> Scene:
        config = site_with(notify_settings(gateway, secrets, **changes))
        return Scene(config, sessions, clock, make_notifier)

    return build


def published(memory_broker: MemoryBroker) -> tuple[NotificationsState, bytes]:
    message = memory_broker.retained[notifications_topic(SITE)]
    return NotificationsState.model_validate_json(message.payload), message.payload


def test_a_ready_dossier_is_sent_once_by_zalo(
    scene: Callable[..., Scene], gateway: FakeGateway, memory_broker: MemoryBroker
) -> None:
    s = scene()
    code = s.ready()
    notifier = s.notifier()
    assert notifier.run_once() == 1
    assert notifier.run_once() == 0
    (request,) = gateway.requests
    assert request["path"] == "/zns" and request["headers"]["access_token"] == "zalo-oa-token"
    body = request["body"]
    assert body["phone"] == "84912345678" and body["template_id"] == "401001"
    assert body["tracking_id"] == f"hcc-demo-dossier.{code}.ready"
    assert body["template_data"] == {
        "code": code,
        "procedure": "Cấp thẻ căn cước",
        "place": "Quầy trả kết quả, tầng 1",
        "due": "16/12/2026",
        "site": "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa",
    }
    row = s.row()
    assert (row.state, row.channel, row.attempts, row.provider_id) == ("sent", "zns", 1, "zns-1")
    state, _ = published(memory_broker)
    assert state.counts["sent"] == 1 and state.dead_letters == []
    assert state.channels == ["zns", "sms"]


def test_a_failing_gateway_is_retried_with_backoff_and_delivered_once(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    s = scene()
    s.ready()
    gateway.script = ["500", "503"]
    notifier = s.notifier()
    notifier.run_once()
    first = s.row()
    assert (first.state, first.attempts, first.last_error) == ("pending", 1, "Zalo: HTTP 500")
    assert first.next_attempt_at == clock() + timedelta(seconds=60)
    clock.advance(seconds=30)
    assert notifier.run_once() == 0, "not before its time"
    clock.advance(seconds=31)
    notifier.run_once()
    assert s.row().next_attempt_at == clock() + timedelta(seconds=120), "the wait doubles"
    clock.advance(seconds=121)
    notifier.run_once()
    clock.advance(hours=3)
    notifier.run_once()
    row = s.row()
    assert (row.state, row.attempts, row.channel) == ("sent", 3, "zns")
    assert len(gateway.requests) == 3 and len(gateway.delivered) == 1
    assert {r["path"] for r in gateway.requests} == {"/zns"}, "a busy Zalo is not skipped"


def test_jitter_shortens_the_wait(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    s = scene()
    s.ready()
    gateway.mode = "500"
    s.notifier(random_fraction=lambda: 0.5).run_once()
    assert s.row().next_attempt_at == clock() + timedelta(seconds=60 * (1 - 0.3 * 0.5))


def test_a_gateway_down_is_retried_and_delivered_when_it_comes_back(
    secrets: Path,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    make_notifier: Callable[..., Notifier],
) -> None:
    down = FakeGateway(port=free_port())  # nothing listens there yet: connection refused
    s = Scene(site_with(notify_settings(down, secrets)), sessions, clock, make_notifier)
    s.ready()
    notifier = s.notifier()
    notifier.run_once()
    assert s.row().state == "pending"
    assert s.row().last_error.startswith("Zalo: không kết nối được")
    down.start()
    try:
        clock.advance(minutes=2)
        notifier.run_once()
    finally:
        down.stop()
    assert s.row().state == "sent" and len(down.delivered) == 1


def test_a_timeout_where_the_gateway_drops_repeats_is_retried_and_arrives_once(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    gateway.dedupe = True
    s = scene(zns={"idempotent": True})
    s.ready()
    gateway.script = ["timeout"]  # Zalo took the message, the answer was lost
    notifier = s.notifier()
    notifier.run_once()
    assert s.row().state == "pending"
    assert "không nhận được trả lời" in s.row().last_error
    clock.advance(minutes=5)
    notifier.run_once()
    assert s.row().state == "sent"
    assert len(gateway.requests) == 2 and len(gateway.delivered) == 1


def test_a_timeout_elsewhere_goes_to_a_person_and_is_never_sent_twice(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    s = scene()
    s.ready()
    gateway.script = ["timeout"]
    notifier = s.notifier()
    notifier.run_once()
    clock.advance(hours=6)
    notifier.run_once()
    row = s.row()
    assert row.state == "dead" and "không rõ tin đã đến chưa" in row.last_error
    assert len(gateway.requests) == 1


def test_a_400_is_a_dead_letter_shown_masked_to_supervisors(
    scene: Callable[..., Scene], gateway: FakeGateway, memory_broker: MemoryBroker
) -> None:
    s = scene(channels={"ready": ["sms"]})
    code = s.ready()
    gateway.mode = "400"
    s.notifier().run_once()
    row = s.row()
    assert (row.state, row.last_error, row.attempts) == ("dead", "SMS: HTTP 400", 1)
    state, payload = published(memory_broker)
    assert state.counts["dead"] == 1
    (letter,) = state.dead_letters
    assert (letter.recipient, letter.reference, letter.kind_label) == (
        "09xx xxx 678",
        code,
        "Hồ sơ có kết quả",
    )
    assert (letter.id, letter.channel, letter.error) == (row.id, "sms", "SMS: HTTP 400")
    text = payload.decode("utf-8")
    for secret in ("0912345678", "84912345678", "912345678", CITIZEN["email"]):
        assert secret not in text


def test_zalo_refusing_the_number_passes_the_message_to_sms(
    scene: Callable[..., Scene], gateway: FakeGateway
) -> None:
    s = scene()
    code = s.ready()
    gateway.script = ["zns:-118"]
    s.notifier().run_once()
    row = s.row()
    assert (row.state, row.channel, row.attempts) == ("sent", "sms", 2)
    zns, sms = gateway.requests
    assert zns["path"] == "/zns" and sms["path"] == "/sms"
    assert sms["headers"]["Authorization"] == "Bearer sms-key"
    assert sms["body"] == {
        "request_id": f"hcc-demo-dossier.{code}.ready",
        "phone": "84912345678",
        "sender": "KHANHHOA",
        "text": f"Hồ sơ {code} (Cấp thẻ căn cước) đã có kết quả, mời ông/bà đến Quầy trả kết "
        "quả, tầng 1 để nhận. Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa",
    }


def test_an_sms_gateway_shaped_like_esms(
    scene: Callable[..., Scene], gateway: FakeGateway, secrets: Path, clock: FakeClock
) -> None:
    (secrets / "sms.secret").write_text("sms-secret")
    s = scene(
        channels={"ready": ["sms"]},
        sms={
            "auth": "body",
            "api_secret_file": str(secrets / "sms.secret"),
            "fields": {
                "phone": "Phone",
                "text": "Content",
                "sender": "Brandname",
                "request_id": "RequestId",
                "api_key": "ApiKey",
                "api_secret": "SecretKey",
            },
            "extra": {"SmsType": "2", "IsUnicode": "0"},
            "phone_format": "0",
            "unicode": False,
            "result_field": "CodeResult",
            "ok_values": ["100"],
            "duplicate_values": ["124"],
            "retry_values": ["103"],
            "message_id_field": "SMSID",
        },
    )
    s.ready()
    gateway.sms_answers = [{"CodeResult": "103"}, {"CodeResult": "124", "SMSID": "e-1"}]
    notifier = s.notifier()
    notifier.run_once()
    assert (s.row().state, s.row().last_error) == ("pending", "SMS: cổng SMS: mã 103")
    clock.advance(minutes=5)
    notifier.run_once()
    assert (s.row().state, s.row().provider_id) == ("sent", "e-1"), "a repeat it had: sent"
    first = gateway.requests[0]
    body = first["body"]
    assert body["Phone"] == "0912345678" and body["ApiKey"] == "sms-key"
    assert body["SecretKey"] == "sms-secret" and body["SmsType"] == "2"
    assert body["Brandname"] == "KHANHHOA" and body["RequestId"].startswith("hcc-demo-dossier.")
    assert body["Content"].startswith("Ho so ") and "mien" not in body["Content"]
    assert "Authorization" not in first["headers"]


def test_quiet_hours_hold_a_message_until_morning(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    s = scene()
    clock.set(datetime(2026, 12, 7, 22, 30, tzinfo=HCM))
    s.ready()
    notifier = s.notifier()
    notifier.run_once()
    row = s.row()
    assert (row.state, row.attempts) == ("pending", 0)
    assert row.next_attempt_at == datetime(2026, 12, 8, 7, 0, tzinfo=HCM)
    clock.set(datetime(2026, 12, 8, 6, 59, tzinfo=HCM))
    assert notifier.run_once() == 0 and gateway.requests == []
    clock.set(datetime(2026, 12, 8, 7, 0, tzinfo=HCM))
    notifier.run_once()
    assert s.row().state == "sent"


def test_a_call_goes_out_at_night_and_an_old_one_is_dropped(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    s = scene()
    night = datetime(2026, 12, 7, 21, 30, tzinfo=HCM)
    clock.set(night)
    with s.sessions.begin() as session:
        for key, at in (("fresh", night), ("stale", night - timedelta(minutes=20))):
            queue_notification(
                session,
                SITE,
                "turn",
                params={"number": "A012", "counter": "7"},
                dedupe_key=f"turn:{key}",
                at=at,
                recipient_phone="0912345678",
            )
    s.notifier().run_once()
    with s.sessions() as session:
        query = select(NotificationRow.dedupe_key, NotificationRow.state)
        states = dict(session.execute(query).all())
    assert states == {"turn:fresh": "sent", "turn:stale": "expired"}
    (request,) = gateway.requests
    assert request["body"]["template_data"]["counter"] == "7"


def test_after_the_last_attempt_the_message_is_a_dead_letter(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    s = scene()
    s.ready()
    gateway.mode = "500"
    notifier = s.notifier()
    for _ in range(8):
        notifier.run_once()
        clock.advance(hours=1)
    row = s.row()
    assert row.state == "dead" and row.last_error == "Zalo: HTTP 500 (sau 5 lần thử)"
    assert len(gateway.requests) == 5


def test_a_dead_letter_sent_again_gets_a_new_request_id(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    s = scene(channels={"ready": ["sms"]})
    code = s.ready()
    gateway.script = ["400"]
    notifier = s.notifier()
    notifier.run_once()
    row_id = s.row().id
    with s.sessions.begin() as session:
        assert outbox.resend(session, SITE, row_id, clock())
    notifier.run_once()
    assert s.row().state == "sent"
    assert gateway.requests[1]["body"]["request_id"] == f"hcc-demo-dossier.{code}.ready-r1"


class Killed(BaseException):
    """The process dies here (SIGKILL, power cut): nothing after this line runs."""


class DiesAfterSending:
    """A gateway that sends, then the process is killed before the outcome is written."""

    def __init__(self, inner: Gateway) -> None:
        self.inner = inner

    @property
    def channel(self) -> Any:
        return self.inner.channel

    @property
    def idempotent(self) -> bool:
        return self.inner.idempotent

    def send(self, message: Outgoing) -> Result:
        self.inner.send(message)
        raise Killed


@pytest.mark.parametrize("idempotent", [False, True])
def test_a_sender_killed_while_sending_neither_loses_nor_doubles_the_message(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock, idempotent: bool
) -> None:
    gateway.dedupe = idempotent
    s = scene(zns={"idempotent": idempotent})
    s.ready()
    first = s.notifier()
    zns = first.gateways[next(iter(first.gateways))]
    first.gateways = {**first.gateways, zns.channel: DiesAfterSending(zns)}
    with pytest.raises(Killed):
        first.run_once()
    assert s.row().state == "sending", "marked in flight before the gateway was called"
    restarted = s.notifier()
    assert restarted.run_once() == 0, "not taken while it might still be in flight"
    clock.advance(seconds=301)
    restarted.run_once()
    restarted.run_once()
    row = s.row()
    assert len(gateway.delivered) == 1
    if idempotent:
        assert row.state == "sent" and len(gateway.requests) == 2
    else:
        assert row.state == "dead" and len(gateway.requests) == 1
        assert row.last_error.startswith("Zalo: tiến trình gửi dừng giữa chừng")


def test_a_sender_killed_before_sending_loses_nothing(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    s = scene()
    s.ready()

    class DiesAfterClaiming(Notifier):
        def deliver(self, item: Any) -> None:
            raise Killed

    config = s.config
    dying = DiesAfterClaiming(config, s.sessions, s.notifier().gateways, now=clock)
    with pytest.raises(Killed):
        dying.run_once()
    assert s.row().state == "claimed"
    restarted = s.notifier()
    clock.advance(seconds=301)
    restarted.run_once()
    restarted.run_once()
    assert s.row().state == "sent" and len(gateway.delivered) == 1


def test_two_senders_at_once_send_each_message_once(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    """PostgreSQL: each takes rows the other has not locked; SQLite: one claim at a time."""
    s = scene()
    with s.sessions.begin() as session:
        for n in range(30):
            queue_notification(
                session,
                SITE,
                "ready",
                params={"code": f"X-{n}"},
                dedupe_key=f"dossier:X-{n}:ready",
                at=clock(),
                recipient_phone=f"09123456{n:02d}",
            )
    senders = [s.notifier(worker=f"notify-{i}", batch=5) for i in range(2)]
    threads = [
        threading.Thread(target=lambda n=n: [n.run_once() for _ in range(6)]) for n in senders
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with s.sessions() as session:
        assert outbox.counts(session, SITE)["sent"] == 30
        workers = set(session.scalars(select(NotificationRow.worker)))
    keys = sorted(r["body"]["tracking_id"] for r in gateway.requests)
    assert len(keys) == 30 and len(set(keys)) == 30
    assert workers <= {"notify-0", "notify-1"}


def test_a_stop_during_a_batch_puts_the_untried_messages_back(
    scene: Callable[..., Scene], gateway: FakeGateway, clock: FakeClock
) -> None:
    s = scene()
    with s.sessions.begin() as session:
        for n in range(3):
            queue_notification(
                session,
                SITE,
                "ready",
                params={"code": f"X-{n}"},
                dedupe_key=f"k{n}",
                at=clock(),
                recipient_phone="0912345678",
            )
    stop = threading.Event()
    notifier = s.notifier()
    zns = notifier.gateways[ChannelKind.ZNS]

    class StopsTheService:
        channel, idempotent = zns.channel, zns.idempotent

        def send(self, message: Outgoing) -> Result:
            stop.set()  # SIGTERM arrives while this one is out
            return zns.send(message)

    notifier.gateways[ChannelKind.ZNS] = StopsTheService()
    assert notifier.run_once(stop) == 3
    with s.sessions() as session:
        states = sorted(session.scalars(select(NotificationRow.state)))
    assert states == ["pending", "pending", "sent"] and len(gateway.requests) == 1
