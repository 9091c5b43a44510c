"""E-mail through a fake SMTP server on loopback: Vietnamese subject and body, failures sorted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from notify.worker import Notifier
from shared.messaging import dossier_commands as dc
from shared.storage.notifications import NotificationRow
from tests.helpers.clock import FakeClock
from tests.helpers.fake_gateways import FakeGateway
from tests.helpers.fake_smtp import FakeSmtp
from tests.notify.conftest import CITIZEN, make_hall, notify_settings, site_with

Setup = Callable[..., tuple[Notifier, str]]


def _row(sessions: sessionmaker[Session]) -> NotificationRow:
    with sessions() as session:
        (row,) = session.scalars(select(NotificationRow)).all()
        return row


def _ready(
    gateway: FakeGateway,
    smtp: FakeSmtp,
    secrets: Path,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    make_notifier: Callable[..., Notifier],
    **changes: Any,
) -> tuple[Notifier, str]:
    config = site_with(
        notify_settings(gateway, secrets, smtp, channels={"ready": ["email"]}, **changes)
    )
    hall = make_hall(config, sessions, clock)
    reply = hall.do("q04", dc.ReceiveDossier, procedure="2.000200", citizen=CITIZEN)
    assert reply.ok, reply.error
    code = str(reply.result["dossier"]["code"])
    assert hall.do("q04", dc.MarkDone, code=code).ok
    return make_notifier(config), code


def test_the_result_ready_mail_reads_correctly_in_vietnamese(
    gateway: FakeGateway,
    smtp: FakeSmtp,
    secrets: Path,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    make_notifier: Callable[..., Notifier],
) -> None:
    notifier, code = _ready(gateway, smtp, secrets, sessions, clock, make_notifier)
    notifier.run_once()
    (mail,) = smtp.received
    assert mail["Subject"] == f"Hồ sơ {code} đã có kết quả"
    assert mail["To"] == CITIZEN["email"]
    assert mail["From"].addresses[0].display_name == "Trung tâm PVHCC Khánh Hòa"
    assert mail["Message-ID"] == f"<hcc-demo-dossier.{code}.ready@hcc.example.vn>"
    body = mail.get_content().strip()
    assert body == (
        f"Hồ sơ {code} (Cấp thẻ căn cước) đã có kết quả, mời ông/bà đến Quầy trả kết quả, "
        "tầng 1 để nhận. Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa"
    )
    assert _row(sessions).state == "sent" and gateway.requests == []


def test_a_busy_mail_server_is_tried_again_and_a_refused_address_is_given_up(
    gateway: FakeGateway,
    smtp: FakeSmtp,
    secrets: Path,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    make_notifier: Callable[..., Notifier],
) -> None:
    notifier, _ = _ready(gateway, smtp, secrets, sessions, clock, make_notifier)
    smtp.script = ["451"]
    notifier.run_once()
    row = _row(sessions)
    assert row.state == "pending" and "451" in row.last_error
    clock.advance(minutes=2)
    notifier.run_once()
    assert _row(sessions).state == "sent" and len(smtp.received) == 1


def test_an_address_the_server_refuses_is_a_dead_letter(
    gateway: FakeGateway,
    smtp: FakeSmtp,
    secrets: Path,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    make_notifier: Callable[..., Notifier],
) -> None:
    smtp.refuse.add(CITIZEN["email"])
    notifier, _ = _ready(gateway, smtp, secrets, sessions, clock, make_notifier)
    notifier.run_once()
    row = _row(sessions)
    assert row.state == "dead" and "550" in row.last_error and smtp.received == []


def test_a_connection_lost_after_the_message_went_out_is_not_sent_again(
    gateway: FakeGateway,
    smtp: FakeSmtp,
    secrets: Path,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    make_notifier: Callable[..., Notifier],
) -> None:
    notifier, _ = _ready(gateway, smtp, secrets, sessions, clock, make_notifier)
    smtp.script = ["drop"]
    notifier.run_once()
    clock.advance(hours=1)
    notifier.run_once()
    row = _row(sessions)
    assert row.state == "dead" and "không rõ tin đã đến chưa" in row.last_error
    assert len(smtp.received) == 1
