"""Dossier and officer commands through the real server code and database (SQLite, PostgreSQL)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from server.dossier_service import DossierSettings
from shared.domain.codes import dossier_qr
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.replies import Reply
from shared.storage.catalogue import CatalogueRepository
from shared.storage.dossier_tables import OfficerSessionRow, RatingRow, TicketDossierRow
from shared.storage.officer_repository import OfficerRepository, hash_password
from shared.storage.personal_data import access_log
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.procedures import PROCEDURES
from tests.helpers.sites import demo_config

CITIZEN = {
    "name": "Nguyễn Văn An",
    "id_number": "001090000001",
    "address": "Số 5 Lê Lợi, phường Trung Tâm",
    "phone": "0912345678",
    "email": "an@example.vn",
}
# Monday 7 December 2026, 09:00 in Hà Nội: a plain working week.
MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)


@pytest.fixture
def settings() -> DossierSettings:
    return DossierSettings.from_config(demo_config())


def _seed(sessions: sessionmaker[Session], site_id: str) -> None:
    with sessions.begin() as session:
        CatalogueRepository(session, site_id).replace_all(PROCEDURES, MONDAY)
        officers = OfficerRepository(session, site_id)
        officers.upsert("cb04", "Trần Thị Bình", ("q04",), hash_password("1234"), MONDAY)
        officers.upsert("cb05", "Lê Văn Cường", ("q05",), hash_password("5678"), MONDAY)
        officers.upsert(
            "gs01", "Phạm Giám Sát", (), hash_password("9999"), MONDAY, role="supervisor"
        )


@pytest.fixture
def hall(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock, settings: DossierSettings
) -> Iterator[Hall]:
    clock.set(MONDAY)
    _seed(sessions, demo_site.id)
    yield Hall(demo_site, sessions, clock, settings)


def ok(reply: Reply) -> dict[str, Any]:
    assert reply.ok, reply.error
    return reply.result


def login(hall: Hall, counter: str, officer: str, password: str) -> Reply:
    return hall.do(counter, dc.OfficerLogin, officer_id=officer, password=password)


def receive(hall: Hall, counter: str = "q04", procedure: str = "2.000200") -> dict[str, Any]:
    result = ok(hall.do(counter, dc.ReceiveDossier, procedure=procedure, citizen=CITIZEN))
    return dict(result["dossier"])


def test_login_checks_password_and_assignment(hall: Hall, sessions: sessionmaker[Session]) -> None:
    wrong = login(hall, "q04", "cb04", "0000")
    assert not wrong.ok and wrong.error and wrong.error.code == "forbidden"
    elsewhere = login(hall, "q04", "cb05", "5678")
    assert (
        not elsewhere.ok and elsewhere.error and "không được phân công" in elsewhere.error.message
    )
    # With accounts configured, a counter cannot be opened by naming an officer.
    forged = hall.do("q04", c.OpenCounter, officer_id="cb04")
    assert not forged.ok and forged.error and forged.error.code == "forbidden"
    result = ok(login(hall, "q04", "cb04", "1234"))
    assert result["officer"] == {
        "id": "cb04",
        "name": "Trần Thị Bình",
        "title": "",
        "role": "officer",
    }
    assert hall.retained(hall.topics.counter("q04"))["status"] == "open"
    # A supervisor may sit at any counter.
    assert login(hall, "q05", "gs01", "9999").ok
    ok(hall.do("q04", dc.OfficerLogout))
    assert hall.retained(hall.topics.counter("q04"))["status"] == "closed"
    with sessions() as session:
        shifts = session.scalars(select(OfficerSessionRow).order_by(OfficerSessionRow.id)).all()
    assert [(s.officer_id, s.counter_id, s.ended_at is not None) for s in shifts] == [
        ("cb04", "q04", True),
        ("gs01", "q05", False),
    ]


def test_staff_commands_need_a_logged_in_counter(hall: Hall) -> None:
    reply = hall.do("q04", dc.ReceiveDossier, procedure="2.000200", citizen=CITIZEN)
    assert not reply.ok and reply.error and reply.error.code == "forbidden"
    kiosk = hall.do("kiosk-1", dc.ReceiveDossier, procedure="2.000200", citizen=CITIZEN)
    assert not kiosk.ok and kiosk.error and kiosk.error.code == "forbidden"  # not a role of its


def test_receive_registers_code_token_due_date_and_links_the_ticket(
    hall: Hall, sessions: sessionmaker[Session]
) -> None:
    assert login(hall, "q04", "cb04", "1234").ok
    number = hall.issue("can-cuoc")
    assert ok(hall.do("q04", c.CallNext))["ticket"]["number"] == number
    first = receive(hall)
    second = receive(hall)
    assert first["code"] == "000.00.17.H99-261207-0001"
    assert second["code"] == "000.00.17.H99-261207-0002"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", first["token"])
    assert first["qr"] == dossier_qr(first["code"], first["token"])
    assert first["status"] == 2 and first["channel"] == 1
    # 7 working days after Monday 7/12 (the receipt day is not counted): Wednesday 16/12.
    assert first["legal_due"] == "2026-12-16"
    assert first["due_at"].startswith("2026-12-16T16:30:00+07:00")
    assert first["citizen"]["phone"] == "0912345678"
    assert first["documents"] == [{"name": "Tờ khai căn cước", "form": "Bản chính", "quantity": 1}]
    assert first["ticket_number"] == number and first["received_by"] == "cb04"
    assert first["rule_version"] == "2025-07"
    with sessions() as session:
        links = session.scalars(select(TicketDossierRow)).all()
    assert len(links) == 2 and {link.purpose for link in links} == {"receive"}
    assert [e["kind"] for e in hall.events if e.get("type") == "dossier_event"] == [
        "received",
        "received",
    ]


def test_public_lookup_is_masked_and_accepts_qr_code_or_token(hall: Hall) -> None:
    assert login(hall, "q04", "cb04", "1234").ok
    dossier = receive(hall)
    for text in (dossier["qr"], dossier["code"], dossier["token"], dossier["token"].lower()):
        digits = "5678" if text == dossier["code"] else None  # a bare code needs the phone's end
        reply = hall.do("kiosk-1", dc.LookUpDossier, text=text, phone_digits=digits)
        view = ok(reply)["dossier"]
        assert view["code"] == dossier["code"]
        assert view["citizen_masked"] == "Nguyễn V** A**"
        payload = reply.model_dump_json()
        for secret in ("0912345678", "Lê Lợi", "001090000001", "an@example.vn", "Nguyễn Văn An"):
            assert secret not in payload
        assert "token" not in view and "citizen" not in view
        assert all(step["actor"] == "" for step in view["steps"])
    forged = dossier_qr(dossier["code"], "ABCDEFGH")
    assert ok_error(hall.do("kiosk-1", dc.LookUpDossier, text=forged)) == "not_found"
    assert ok_error(hall.do("kiosk-1", dc.LookUpDossier, text="xin chào")) == "invalid_input"
    assert ok_error(hall.do("kiosk-1", dc.LookUpDossier, text="ZZZZ2222")) == "not_found"


def ok_error(reply: Reply) -> str:
    assert not reply.ok and reply.error
    return reply.error.code.value


def test_the_web_opens_a_dossier_by_its_slip_link_only_and_is_never_locked_out(
    hall: Hall,
) -> None:
    """Its visitors are limited by address in the web service: one must not lock out all."""
    assert login(hall, "q04", "cb04", "1234").ok
    dossier = receive(hall)
    link = f"https://hcc.example.vn/d/{dossier['code']}/{dossier['token']}"
    assert ok(hall.do("web", dc.LookUpDossier, text=link))["dossier"]["code"] == dossier["code"]
    bare = hall.do("web", dc.LookUpDossier, text=dossier["code"], phone_digits="5678")
    assert ok_error(bare) == "not_found"  # a bare code, even with digits, is not a link
    forged = f"https://hcc.example.vn/d/{dossier['code']}/ABCDEFGH"
    for _ in range(25):  # a kiosk is allowed 10 misses in 10 minutes
        assert ok_error(hall.do("web", dc.LookUpDossier, text=forged)) == "not_found"
    assert ok(hall.do("web", dc.LookUpDossier, text=dossier["qr"]))["dossier"]["code"]


def test_supplement_pause_refusal_and_transitions(hall: Hall, clock: FakeClock) -> None:
    assert login(hall, "q04", "cb04", "1234").ok
    code = receive(hall)["code"]
    clock.set(MONDAY + timedelta(days=1))
    paused = ok(hall.do("q04", dc.RequestSupplement, code=code, reason="Thiếu ảnh 4x6"))
    assert paused["dossier"]["status"] == 5
    assert paused["dossier"]["timeliness"] == "paused"
    clock.set(MONDAY + timedelta(days=3))
    resumed = ok(hall.do("q04", dc.SupplementReceived, code=code))["dossier"]
    # Tuesday to Thursday paused → three more working days: Monday 21/12.
    assert resumed["status"] == 4 and resumed["legal_due"] == "2026-12-21"
    again = hall.do("q04", dc.SupplementReceived, code=code)
    assert ok_error(again) == "invalid_state"
    handed = ok(
        hall.do("q04", dc.HandOver, code=code, to_unit="Phòng Cảnh sát QLHC", receiver="cv02")
    )["dossier"]
    assert handed["steps"][-1]["timing"] == "Trước hạn"
    stopped = ok(hall.do("q04", dc.RefuseDossier, code=code, reason="Không đủ điều kiện"))
    assert stopped["dossier"]["status"] == 8
    assert ok_error(hall.do("q04", dc.MarkDone, code=code)) == "invalid_state"
    assert ok_error(hall.do("q04", dc.MarkDone, code="000.00.17.H99-261207-9999")) == "not_found"


def test_ready_result_gives_a_linked_return_ticket_then_returned(
    hall: Hall, sessions: sessionmaker[Session]
) -> None:
    assert login(hall, "q04", "cb04", "1234").ok
    dossier = receive(hall)
    not_ready = hall.do("kiosk-1", c.IssueTicket, service="tra-ket-qua", dossier=dossier["qr"])
    assert ok_error(not_ready) == "invalid_state"
    ok(hall.do("q04", dc.MarkDone, code=dossier["code"]))
    view = ok(hall.do("kiosk-1", dc.LookUpDossier, text=dossier["qr"]))["dossier"]
    assert view["ready"] is True and view["return_service"] == "tra-ket-qua"
    ticket = ok(hall.do("kiosk-1", c.IssueTicket, service="tra-ket-qua", dossier=dossier["qr"]))
    assert ticket["ticket"]["number"].startswith("V")
    returned = ok(hall.do("q04", dc.MarkReturned, code=dossier["code"]))["dossier"]
    assert returned["status"] == 10 and returned["returned_at"] is not None
    with sessions() as session:
        purposes = sorted(link.purpose for link in session.scalars(select(TicketDossierRow)))
    assert purposes == ["return"]


def test_reschedule_with_apology_only_once(hall: Hall, clock: FakeClock) -> None:
    assert login(hall, "q04", "cb04", "1234").ok
    code = receive(hall)["code"]
    clock.set(MONDAY + timedelta(days=8))  # Tuesday 15/12, due Wednesday 16/12
    moved = ok(
        hall.do(
            "q04", dc.Reschedule, code=code, reason="Chờ xác minh nơi cư trú", new_due="2026-12-21"
        )
    )["dossier"]
    assert moved["due"] == "2026-12-21" and moved["legal_due"] == "2026-12-16"
    assert moved["apology"]["reason"] == "Chờ xác minh nơi cư trú"
    twice = hall.do("q04", dc.Reschedule, code=code, reason="Lần hai", new_due="2026-12-23")
    assert ok_error(twice) == "invalid_state"
    public = ok(hall.do("kiosk-1", dc.LookUpDossier, text=code, phone_digits="5678"))["dossier"]
    assert public["apology"]["new_due"] == "2026-12-21" and public["apology"]["officer"] == ""


def test_rating_is_stored_once_with_counter_officer_and_dossier(
    hall: Hall, sessions: sessionmaker[Session]
) -> None:
    assert login(hall, "q04", "cb04", "1234").ok
    number = hall.issue("can-cuoc")
    ok(hall.do("q04", c.CallNext))
    dossier = receive(hall)
    early = hall.do("q04", dc.RateService, number=number, score=3)
    assert ok_error(early) == "invalid_state"
    ok(hall.do("q04", c.Finish))
    assert ok(hall.do("q04", dc.RateService, number=number, score=3))["duplicate"] is False
    assert ok(hall.do("q04", dc.RateService, number=number, score=1))["duplicate"] is True
    assert ok_error(hall.do("q04", dc.RateService, number=number, score=4, scale=3)) == "forbidden"
    with sessions() as session:
        rating = session.scalars(select(RatingRow)).one()
    assert (rating.counter_id, rating.officer_id, rating.score, rating.scale) == (
        "q04",
        "cb04",
        3,
        3,
    )
    assert rating.dossier_code == dossier["code"] and rating.service_code == "can-cuoc"
    summary = ok(hall.do("q04", dc.CounterSummary))["summary"]
    assert summary["served"] == 1


def test_daily_check_flags_dossiers_near_and_past_due(hall: Hall, clock: FakeClock) -> None:
    assert login(hall, "q04", "cb04", "1234").ok
    far = receive(hall)["code"]
    same_day = receive(hall, procedure="2.000635")["code"]
    hall.server.late_check()
    late = hall.retained(hall.topics.late_dossiers())
    assert [d["code"] for d in late["dossiers"]] == [same_day]
    assert late["dossiers"][0]["timeliness"] == "due_soon"
    assert "citizen" not in json.dumps(late)
    clock.set(MONDAY + timedelta(days=9))  # Wednesday 16/12: the far one is due today
    hall.server.late_check()
    hall.server.late_check()  # once a day: flagged only once
    notices = [e["code"] for e in hall.events if e.get("kind") == "late_notice"]
    assert notices == [same_day, same_day, far]
    late = hall.retained(hall.topics.late_dossiers())
    assert {d["code"]: d["timeliness"] for d in late["dossiers"]} == {
        same_day: "overdue",
        far: "due_soon",
    }
    listed = ok(hall.do("q04", dc.LateDossiers, department="cong-an"))["dossiers"]
    assert [d["code"] for d in listed] == [far]


def test_external_sync_is_authorised_and_idempotent(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    clock.set(MONDAY)
    _seed(sessions, demo_site.id)
    settings = DossierSettings.from_config(demo_config())
    from dataclasses import replace

    hall = Hall(
        demo_site, sessions, clock, replace(settings, external_devices=frozenset({"igate"}))
    )
    record = {
        "code": "000.00.17.H99-261201-0042",
        "status": 2,
        "at": "2026-12-01T08:00:00+07:00",
        "procedure": "2.000200",
        "citizen": {"name": "Đỗ Thị Hoa", "phone": "0987 654 321"},
        "received_at": "2026-12-01T08:00:00+07:00",
    }
    assert ok_error(hall.do("kiosk-1", dc.SyncDossier, **record)) == "forbidden"
    created = ok(hall.do("igate", dc.SyncDossier, **record))
    assert created == {"code": record["code"], "status": 2, "created": True}
    assert ok(hall.do("igate", dc.SyncDossier, **record))["created"] is False
    done = {**record, "status": 9, "at": "2026-12-04T10:00:00+07:00"}
    assert ok(hall.do("igate", dc.SyncDossier, **done))["status"] == 9
    assert ok(hall.do("igate", dc.SyncDossier, **done))["status"] == 9
    view = ok(hall.do("kiosk-1", dc.LookUpDossier, text=record["code"], phone_digits="4321"))[
        "dossier"
    ]
    assert view["channel"] == 2 and view["timeliness"] == "early"
    assert [s["kind"] for s in view["steps"]] == ["received", "status_update"]
    missing = hall.do(
        "igate", dc.SyncDossier, code="000.00.17.H99-261201-0043", status=4, at=record["at"]
    )
    assert ok_error(missing) == "invalid_input"


def test_another_branch_looks_up_but_cannot_change(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock, settings: DossierSettings
) -> None:
    from dataclasses import replace

    clock.set(MONDAY)
    branch = replace(demo_site, id="hcc-demo-b")
    _seed(sessions, demo_site.id)
    _seed(sessions, branch.id)
    main_hall = Hall(demo_site, sessions, clock, settings)
    other = Hall(branch, sessions, clock, replace(settings, agency_code="000.00.18.H99"))
    assert login(main_hall, "q04", "cb04", "1234").ok
    assert login(other, "q04", "cb04", "1234").ok
    code = receive(main_hall)["code"]
    seen = ok(other.do("kiosk-1", dc.LookUpDossier, text=code, phone_digits="5678"))["dossier"]
    assert seen["site_id"] == "hcc-demo" and seen["code"] == code
    assert ok_error(other.do("q04", dc.MarkDone, code=code)) == "forbidden"
    assert receive(other)["code"] == "000.00.18.H99-261207-0001"


def test_procedures_are_searched_without_diacritics(hall: Hall) -> None:
    found = ok(hall.do("kiosk-1", dc.ListProcedures, query="ho tich"))["procedures"]
    assert [p["code"] for p in found] == ["2.000635"]
    assert found[0]["processing_time"] == "Giải quyết trong ngày"
    assert found[0]["department_name"] == "Sở Tư pháp"
    everything = ok(hall.do("kiosk-1", dc.ListProcedures))["procedures"]
    assert {p["code"] for p in everything} == {"2.000200", "2.000635"}
    police = ok(hall.do("kiosk-1", dc.ListProcedures, department="cong-an"))["procedures"]
    assert [p["service"] for p in police] == ["can-cuoc"]


def test_due_dates_on_the_demo_calendar(settings: DossierSettings) -> None:
    # The demo site's make-up Saturday 22/8/2026 counts as a working day.
    assert settings.calendar.is_working_day(date(2026, 8, 22))


def test_refusal_on_the_spot_records_a_not_received_dossier(hall: Hall) -> None:
    assert login(hall, "q04", "cb04", "1234").ok
    reply = hall.do(
        "q04",
        dc.ReceiveDossier,
        procedure="2.000200",
        citizen=CITIZEN,
        refuse_reason="Không thuộc thẩm quyền giải quyết",
    )
    dossier = ok(reply)["dossier"]
    assert dossier["status"] == 3
    assert [s["kind"] for s in dossier["steps"]] == ["received", "refused"]
    blank = hall.do(
        "q04", dc.ReceiveDossier, procedure="2.000200", citizen=CITIZEN, refuse_reason=" "
    )
    assert ok_error(blank) == "invalid_input"


def test_the_public_view_shows_only_reasons_written_for_the_citizen(
    hall: Hall, clock: FakeClock, settings: DossierSettings
) -> None:
    """Audit finding 3: an officer's note naming a citizen never reaches a kiosk."""
    assert login(hall, "q04", "cb04", "1234").ok
    code = receive(hall)["code"]
    clock.set(MONDAY + timedelta(days=1))
    note = "Ông Nguyễn Văn Mẫu, CCCD 001099000001, nộp thiếu bản sao"
    ok(hall.do("q04", dc.RequestSupplement, code=code, reason=note))
    ok(hall.do("q04", dc.SupplementReceived, code=code))
    public_reason = sorted(settings.public_reasons)[0]
    clock.set(MONDAY + timedelta(days=8))
    moved = ok(
        hall.do("q04", dc.Reschedule, code=code, reason=public_reason, new_due="2026-12-22")
    )["dossier"]
    assert moved["apology"]["reason"] == public_reason
    staff = ok(hall.do("q04", dc.DossierDetail, code=code))["dossier"]
    assert any(step["note"] == note for step in staff["steps"])  # staff still read it
    public = ok(hall.do("kiosk-1", dc.LookUpDossier, text=code, phone_digits="5678"))["dossier"]
    shown = json.dumps(public, ensure_ascii=False)
    assert "001099000001" not in shown and "Nguyễn Văn Mẫu" not in shown
    assert public["apology"]["reason"] == public_reason  # one of the site's public reasons


def test_an_apology_reason_typed_freely_stays_for_staff(hall: Hall, clock: FakeClock) -> None:
    assert login(hall, "q04", "cb04", "1234").ok
    code = receive(hall)["code"]
    clock.set(MONDAY + timedelta(days=8))
    reason = "Anh Tú bên phòng B chưa ký, gọi 0903 000 000"
    ok(hall.do("q04", dc.Reschedule, code=code, reason=reason, new_due="2026-12-21"))
    public = ok(hall.do("kiosk-1", dc.LookUpDossier, text=code, phone_digits="5678"))["dossier"]
    assert public["apology"]["reason"] == "" and public["apology"]["new_due"] == "2026-12-21"


def test_another_systems_slip_finds_the_dossier_that_system_synced(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    """A code matching [dossiers] foreign_code_patterns is looked up, not 'not a dossier code'."""
    from dataclasses import replace

    clock.set(MONDAY)
    _seed(sessions, demo_site.id)
    settings = replace(
        DossierSettings.from_config(demo_config()),
        external_devices=frozenset({"igate"}),
        foreign_patterns=(r"^000\.00\.31\.H56-\d{6}-\d{4}$",),
    )
    hall = Hall(demo_site, sessions, clock, settings)
    foreign = "000.00.31.H56-261201-0007"
    # Another system's code alone is no proof either: the kiosk asks for the phone's end.
    assert ok_error(hall.do("kiosk-1", dc.LookUpDossier, text=foreign)) == "second_factor_required"
    missing = hall.do("kiosk-1", dc.LookUpDossier, text=foreign, phone_digits="4321")
    assert ok_error(missing) == "not_found"
    assert missing.error is not None and "hệ thống khác" in missing.error.message
    record = {
        "code": foreign,
        "status": 2,
        "at": "2026-12-01T08:00:00+07:00",
        "procedure": "2.000200",
        "citizen": {"name": "Đỗ Thị Hoa", "phone": "0987654321"},
        "received_at": "2026-12-01T08:00:00+07:00",
    }
    ok(hall.do("igate", dc.SyncDossier, **record))
    view = ok(hall.do("kiosk-1", dc.LookUpDossier, text=foreign, phone_digits="4321"))["dossier"]
    assert view["code"] == foreign and view["citizen_masked"] != "Đỗ Thị Hoa"


def branch_b(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock, settings: DossierSettings
) -> Hall:
    """A second branch on the same database, with its own agency code and officers."""
    site = replace(demo_site, id="hcc-demo-b")
    _seed(sessions, site.id)
    return Hall(site, sessions, clock, replace(settings, agency_code="000.00.17.H98"))


def test_another_branchs_counter_sees_the_masked_citizen_and_the_read_is_logged(
    hall: Hall,
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    settings: DossierSettings,
) -> None:
    ok(login(hall, "q04", "cb04", "1234"))
    code = receive(hall)["code"]
    other = branch_b(demo_site, sessions, clock, settings)
    ok(login(other, "q04", "cb04", "1234"))
    seen = ok(other.do("q04", dc.DossierDetail, code=code))["dossier"]
    assert seen["citizen"]["name"] == "Nguyễn V** A**"
    assert not any(seen["citizen"][f] for f in ("id_number", "address", "phone", "email"))
    assert CITIZEN["id_number"] not in json.dumps(seen)
    own = ok(hall.do("q04", dc.DossierDetail, code=code))["dossier"]
    assert own["citizen"]["id_number"] == CITIZEN["id_number"]
    with sessions() as session:
        reads = access_log(session, other.site.id, [code])
    assert [(r.actor, r.device_id, r.fields) for r in reads] == [("cb04", "q04", "name")]


def test_a_branch_issues_no_return_ticket_for_a_result_held_at_another(
    hall: Hall,
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    settings: DossierSettings,
) -> None:
    ok(login(hall, "q04", "cb04", "1234"))
    code = receive(hall)["code"]
    ok(hall.do("q04", dc.MarkDone, code=code))
    other = branch_b(demo_site, sessions, clock, settings)
    service = settings.return_service or "tra-ket-qua"
    # A bare code names a return ticket only after the kiosk found it with a second factor.
    unproved = other.do("kiosk-1", c.IssueTicket, service=service, dossier=code)
    assert ok_error(unproved) == "second_factor_required"
    ok(other.do("kiosk-1", dc.LookUpDossier, text=code, phone_digits="5678"))
    refused = other.do("kiosk-1", c.IssueTicket, service=service, dossier=code)
    assert not refused.ok and refused.error is not None
    assert refused.error.code == "invalid_state" and "hcc-demo" in refused.error.message
    ok(hall.do("kiosk-1", dc.LookUpDossier, text=code, phone_digits="5678"))
    here = hall.do("kiosk-1", c.IssueTicket, service=service, dossier=code)
    assert here.ok, here.error
