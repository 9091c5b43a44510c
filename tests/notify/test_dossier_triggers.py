"""The queue server queues a message when a dossier's result is ready or it is rescheduled."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.config.site import SiteConfig
from shared.messaging import dossier_commands as dc
from shared.storage.notifications import NotificationRow
from shared.storage.personal_data import access_log
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.notify.conftest import CITIZEN, make_hall


def receive(hall: Hall, citizen: dict[str, str] = CITIZEN) -> str:
    reply = hall.do("q04", dc.ReceiveDossier, procedure="2.000200", citizen=citizen)
    assert reply.ok, reply.error
    return str(reply.result["dossier"]["code"])


def rows(sessions: sessionmaker[Session]) -> list[NotificationRow]:
    with sessions() as session:
        return list(session.scalars(select(NotificationRow).order_by(NotificationRow.id)))


def test_a_ready_dossier_queues_exactly_one_message(
    hall: Hall, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    code = receive(hall)
    assert rows(sessions) == [], "receiving sends nothing"
    clock.advance(hours=2)
    assert hall.do("q04", dc.MarkDone, code=code).ok
    again = hall.do("q04", dc.MarkDone, code=code)
    assert not again.ok, "a second mark_done is refused, and queues nothing"
    clock.advance(minutes=5)
    assert hall.do("q04", dc.MarkReturned, code=code).ok
    (row,) = rows(sessions)
    assert (row.kind, row.reference, row.state, row.channels) == (
        "ready",
        code,
        "pending",
        "zns,sms,email",
    )
    assert (row.phone, row.email) == (CITIZEN["phone"], CITIZEN["email"])
    assert row.dedupe_key == f"dossier:{code}:ready"
    params: dict[str, Any] = json.loads(row.params)
    assert params == {
        "code": code,
        "procedure": "Cấp thẻ căn cước",
        "place": "Quầy trả kết quả, tầng 1",
        "due": "16/12/2026",
    }
    with sessions() as session:
        purposes = [r.purpose for r in access_log(session, hall.site.id, [code])]
    assert "notify_ready" in purposes, "handing the phone to a gateway is logged"


def test_a_rescheduled_dossier_queues_the_apology_with_its_new_date(
    hall: Hall, sessions: sessionmaker[Session]
) -> None:
    code = receive(hall)
    reply = hall.do("q04", dc.Reschedule, code=code, reason="Chờ xác minh", new_due="2026-12-21")
    assert reply.ok, reply.error
    (row,) = rows(sessions)
    assert row.kind == "apology" and row.dedupe_key == f"dossier:{code}:apology"
    assert '"new_due": "21/12/2026"' in row.params and '"due": "16/12/2026"' in row.params
    assert "Chờ xác minh" not in row.params, "an officer's reason stays with the dossier"


def test_no_contact_or_notifications_off_queues_nothing(
    site: SiteConfig, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = make_hall(site, sessions, clock)
    anonymous = receive(hall, {"name": "Lê Văn Tám"})
    assert hall.do("q04", dc.MarkDone, code=anonymous).ok
    off = site.model_copy(update={"notify": site.notify.model_copy(update={"enabled": False})})
    quiet_hall = make_hall(off, sessions, clock)
    code = receive(quiet_hall)
    assert quiet_hall.do("q04", dc.MarkDone, code=code).ok
    assert rows(sessions) == []


def test_an_external_system_marking_a_dossier_done_queues_the_message(
    site: SiteConfig, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    dossiers = site.dossiers.model_copy(update={"external_systems": ["igate"]})
    hall = make_hall(site.model_copy(update={"dossiers": dossiers}), sessions, clock)
    code = receive(hall)
    clock.advance(hours=1)
    reply = hall.do("igate", dc.SyncDossier, code=code, status=9, at=clock())
    assert reply.ok, reply.error
    assert [(r.kind, r.reference) for r in rows(sessions)] == [("ready", code)]
