"""Personal data: reads are logged, retention purges, a subject's export and erasure (both DBs)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from server.daemon import DailyPurge
from server.dossier_service import DossierSettings
from shared.domain.personal_data import DataClass, Retention, id_number_hash
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.replies import Reply
from shared.storage.catalogue import CatalogueRepository
from shared.storage.dossier_tables import DossierRow, RatingRow, TicketDossierRow
from shared.storage.officer_repository import OfficerRepository, hash_password
from shared.storage.personal_data import (
    DossierPrivacyRow,
    access_log,
    erase_subject,
    export_subject,
    purge,
)
from shared.storage.tables import CommandLogRow
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.procedures import CAN_CUOC
from tests.helpers.sites import demo_config

KEY = b"k" * 32  # a test key; sites get 32 random bytes in DATA_DIR/privacy.key
SITE = "hcc-demo"
# Obviously fictitious people: "Thử" means "test", ID numbers in a made-up range.
SUBJECT = {
    "name": "Nguyễn Văn Thử",
    "id_number": "000000000011",
    "address": "Số 1 phố Thử Nghiệm",
    "phone": "0900000011",
    "email": "thu@example.invalid",
}
OTHER = {"name": "Trần Thị Mẫu", "id_number": "000000000022", "phone": "0900000022"}
PROCEDURE = CAN_CUOC
MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
LATER = MONDAY + timedelta(days=800)  # past every default retention period but the access log


def ok(reply: Reply) -> dict[str, Any]:
    assert reply.ok, reply.error
    return reply.result


def seed(sessions: sessionmaker[Session]) -> None:
    """Put the procedure and the officer of these tests into a database."""
    with sessions.begin() as session:
        CatalogueRepository(session, SITE).replace_all([PROCEDURE], MONDAY)
        OfficerRepository(session, SITE).upsert(
            "cb04", "Trần Thị Bình", ("q04",), hash_password("1234"), MONDAY
        )


def serve_and_return(hall: Hall, clock: FakeClock) -> tuple[str, str]:
    """A priority ticket served, a dossier received and rated, returned; plus an open one."""
    clock.set(MONDAY)
    ok(hall.do("q04", dc.OfficerLogin, officer_id="cb04", password="1234"))
    number = hall.issue("can-cuoc", priority="elderly")
    ok(hall.do("q04", c.CallNext))
    code = ok(hall.do("q04", dc.ReceiveDossier, procedure=PROCEDURE.code, citizen=SUBJECT))[
        "dossier"
    ]["code"]
    ok(hall.do("q04", c.Finish))
    ok(hall.do("q04", dc.RateService, number=number, score=3))
    other = ok(hall.do("q04", dc.ReceiveDossier, procedure=PROCEDURE.code, citizen=OTHER))[
        "dossier"
    ]["code"]
    clock.set(MONDAY + timedelta(days=3))
    ok(hall.do("q04", dc.MarkDone, code=code))
    ok(hall.do("q04", dc.MarkReturned, code=code))
    ok(hall.do("q04", dc.DossierDetail, code=code))
    return code, other


@pytest.fixture
def hall(demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock) -> Iterator[Hall]:
    seed(sessions)
    yield Hall(demo_site, sessions, clock, DossierSettings.from_config(demo_config()))


def row(session: Session, code: str) -> DossierRow:
    return session.scalars(select(DossierRow).where(DossierRow.code == code)).one()


def test_every_staff_view_of_citizen_fields_is_logged(
    hall: Hall, clock: FakeClock, sessions: sessionmaker[Session]
) -> None:
    code, _ = serve_and_return(hall, clock)
    with sessions() as session:
        reads = access_log(session, SITE, [code])
    assert [r.purpose for r in reads] == [
        "receive_dossier",
        "mark_done",
        "mark_returned",
        "dossier_detail",
    ]
    detail = reads[-1]
    assert (detail.actor, detail.device_id) == ("cb04", "q04")
    assert detail.fields.split(",") == ["name", "id_number", "address", "phone", "email"]
    assert detail.at == MONDAY + timedelta(days=3)
    digits = SUBJECT["phone"][-4:]
    public = ok(hall.do("kiosk-1", dc.LookUpDossier, text=code, phone_digits=digits))["dossier"]
    assert "Thử" not in json.dumps(public, ensure_ascii=False)
    with sessions() as session:
        assert len(access_log(session, SITE, [code])) == 4, "public look-ups show no personal data"


def test_dry_run_counts_then_purge_anonymises_only_what_expired(
    hall: Hall, clock: FakeClock, sessions: sessionmaker[Session]
) -> None:
    code, other = serve_and_return(hall, clock)
    retention = Retention()
    with sessions() as session:
        counts = purge(session, SITE, retention, LATER, KEY, apply=False)
        session.rollback()
    assert counts == {
        DataClass.TICKET_LINKS: 1,
        DataClass.DOSSIER_CONTACT: 1,  # the open dossier keeps its contact details
        DataClass.RATING_LINKS: 1,
        DataClass.AUDIT_PAYLOADS: 5,  # receive ×2, mark_done, mark_returned, dossier_detail
        DataClass.ACCESS_LOG: 0,
        DataClass.NOTIFICATIONS: 0,
    }
    with sessions() as session:
        assert row(session, code).citizen_phone == SUBJECT["phone"], "a dry run changes nothing"
    with sessions.begin() as session:
        assert purge(session, SITE, retention, LATER, KEY) == counts
    with sessions() as session:
        returned, still_open = row(session, code), row(session, other)
        privacy = session.get(DossierPrivacyRow, returned.id)
        ratings = session.scalars(select(RatingRow)).all()
        links = session.scalars(select(TicketDossierRow)).all()
        logged = session.scalars(select(CommandLogRow.payload)).all()
        replies = session.scalars(select(CommandLogRow.reply)).all()
    assert (returned.citizen_name, returned.code) == (SUBJECT["name"], code)
    assert (returned.citizen_phone, returned.citizen_address, returned.citizen_id_number) == (
        "",
        "",
        "",
    )
    assert privacy is not None and privacy.id_hash == id_number_hash(SUBJECT["id_number"], KEY)
    assert privacy.contact_removed_at == LATER
    assert still_open.citizen_phone == OTHER["phone"]
    assert [(r.ticket_id, r.dossier_code, r.score) for r in ratings] == [(None, None, 3)]
    assert links == []
    everything = "\n".join([*logged, *replies])
    for value in (*SUBJECT.values(), *OTHER.values()):
        assert value not in everything, value
    with sessions.begin() as session:
        again = purge(session, SITE, retention, LATER, KEY)
    assert set(again.values()) == {0}, "a second run finds nothing left"


def test_access_log_and_kept_for_ever_classes(
    hall: Hall, clock: FakeClock, sessions: sessionmaker[Session]
) -> None:
    serve_and_return(hall, clock)
    keep_all = Retention(0, 0, 0, 0, access_log_days=30)
    with sessions.begin() as session:
        counts = purge(session, SITE, keep_all, LATER, KEY)
    assert counts[DataClass.ACCESS_LOG] == 5 and sum(counts.values()) == 5
    with sessions() as session:
        assert access_log(session, SITE) == []


def test_subject_export_holds_everything_and_erase_keeps_the_record(
    hall: Hall, clock: FakeClock, sessions: sessionmaker[Session]
) -> None:
    code, other = serve_and_return(hall, clock)
    at = MONDAY + timedelta(days=10)
    with sessions.begin() as session:
        data = export_subject(session, SITE, KEY, " 0000 0000 0011 ", at, "cli:test")
    assert [d["code"] for d in data["dossiers"]] == [code]
    dossier = data["dossiers"][0]
    assert dossier["citizen"] == SUBJECT and dossier["status"] == 10
    assert [t["priority"] for t in data["tickets"]] == ["elderly"]
    assert [r["score"] for r in data["ratings"]] == [3]
    assert [a["purpose"] for a in data["access_log"]][-1] == "dossier_detail"
    json.dumps(data, ensure_ascii=False)  # the export is plain JSON
    with sessions.begin() as session:
        counts = erase_subject(session, SITE, KEY, "000000000011", at, "cli:test")
    assert counts == {
        "dossiers": 1,
        "ticket_links": 1,
        "ratings": 1,
        "audit_rows": 4,
        "notifications": 0,
    }
    with sessions() as session:
        erased, untouched = row(session, code), row(session, other)
        privacy = session.get(DossierPrivacyRow, erased.id)
        logged = "\n".join(session.scalars(select(CommandLogRow.payload)).all())
        purposes = [r.purpose for r in access_log(session, SITE, [code])]
    assert (erased.citizen_name, erased.status) == (SUBJECT["name"], 10)
    assert erased.citizen_phone == erased.citizen_id_number == erased.citizen_email == ""
    assert privacy is not None and privacy.erased_at == at
    assert untouched.citizen_id_number == OTHER["id_number"], "only the subject is erased"
    assert SUBJECT["phone"] not in logged and OTHER["phone"] in logged
    assert purposes[-2:] == ["subject_export", "subject_erase"]
    with sessions.begin() as session:
        again = export_subject(session, SITE, KEY, "000000000011", at, "cli:test")
    assert [d["code"] for d in again["dossiers"]] == [code], "found by the kept hash"
    assert again["dossiers"][0]["erased_at"] is not None


def test_nobody_matches_an_unknown_id(
    hall: Hall, clock: FakeClock, sessions: sessionmaker[Session]
) -> None:
    serve_and_return(hall, clock)
    with sessions.begin() as session:
        data = export_subject(session, SITE, KEY, "000000000099", MONDAY, "cli:test")
        counts = erase_subject(session, SITE, KEY, "000000000099", MONDAY, "cli:test")
    assert data["dossiers"] == [] and counts["dossiers"] == 0


def test_the_server_purges_expired_personal_data_with_its_daily_check(
    hall: Hall, clock: FakeClock, sessions: sessionmaker[Session]
) -> None:
    """No hand needed: the writer's daily late-dossier check also applies the retention."""
    code, other = serve_and_return(hall, clock)
    server = hall.server
    server.daily_purge = DailyPurge(Retention(), KEY)
    clock.set(LATER)
    server.late_check()
    with sessions() as session:
        assert row(session, code).citizen_phone == ""
        assert row(session, other).citizen_phone == OTHER["phone"]  # still open: kept
