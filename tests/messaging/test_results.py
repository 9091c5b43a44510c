"""Every verb's ok reply, from a real server, is exactly what its result model describes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy.orm import Session, sessionmaker

from server.dossier_service import DossierSettings
from server.index_entry import IndexSettings
from shared.domain import dossiers as rules
from shared.domain.counters import CounterStatus
from shared.domain.deadlines import DeadlineRule, WorkingCalendar, snapshot
from shared.domain.dossiers import Channel, Citizen, Dossier
from shared.domain.site import Site
from shared.domain.tickets import TicketState
from shared.messaging import appointment_commands as ac
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.appointment_views import BookingRequestResult, BookingResult
from shared.messaging.registry import COMMAND_TYPES
from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.results import (
    RESULT_TYPES,
    CallResult,
    CounterTicketResult,
    DossierResult,
    TicketResult,
    parse_result,
)
from shared.storage.catalogue import CatalogueRepository
from shared.storage.dossier_repository import DossierRepository
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.helpers.appointments import Phones, with_appointments
from tests.helpers.clock import FakeClock
from tests.helpers.index_entries import KEY
from tests.helpers.memory_server import Hall
from tests.helpers.procedures import PROCEDURES
from tests.helpers.sites import demo_config

# Monday 7 December 2026, 09:00 in Hà Nội: a plain working week.
MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
CITIZEN = {"name": "Nguyễn Văn An", "id_number": "001090000001", "phone": "0912345678"}


class Recorder:
    """Sends commands through the hall and keeps every ok reply by verb."""

    def __init__(self, hall: Hall, clock: FakeClock, phones: Phones) -> None:
        self.hall = hall
        self.clock = clock
        self.phones = phones
        self.replies: dict[str, list[Reply]] = {}

    def do(self, device: str, kind: type[c.Command], **fields: Any) -> Any:
        self.clock.advance(seconds=30)  # every step strictly after the one before
        reply = self.hall.do(device, kind, **fields)
        assert reply.ok, (kind.__name__, reply.error)
        verb = str(kind.model_fields["type"].default)
        self.replies.setdefault(verb, []).append(reply)
        return parse_result(verb, reply)


def _normalised(value: Any) -> Any:
    """JSON with ISO 8601 times turned into datetimes (`…Z` and `…+00:00` are one instant)."""
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, str) and len(value) >= 19 and value[10:11] == "T":
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


@pytest.fixture
def recorder(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> Iterator[Recorder]:
    clock.set(MONDAY)
    with sessions.begin() as session:
        CatalogueRepository(session, demo_site.id).replace_all(PROCEDURES, MONDAY)
        OfficerRepository(session, demo_site.id).upsert(
            "cb04", "Trần Thị Bình", ("q04",), hash_password("1234"), MONDAY
        )
    with sessions.begin() as session:  # another branch's result, sent here to be returned
        DossierRepository(session, "hcc-a").add(_transferred_here(demo_site.id), MONDAY)
    settings = replace(
        DossierSettings.from_config(demo_config()),
        external_devices=frozenset({"igate"}),
        index=IndexSettings(KEY, demo_site.name),
        return_branches={"hcc-b": "Chi nhánh Quận Hai"},
    )
    hall = Hall(demo_site, sessions, clock, settings)
    _, phones = with_appointments(hall)
    yield Recorder(hall, clock, phones)


HELD_CODE = "000.00.17.H97-261201-0001"


def _transferred_here(site_id: str) -> Dossier:
    at = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    dossier = rules.receive(
        code=HELD_CODE,
        token="K7M2Q9XD",
        site_id="hcc-a",
        procedure_code="2.000200",
        procedure_name="Cấp thẻ căn cước",
        department="cong-an",
        channel=Channel.IN_PERSON,
        citizen=Citizen("Nguyễn Văn An"),
        documents=(),
        sets=1,
        legal_days=5,
        at=at,
        officer="cb01",
        rules=snapshot(WorkingCalendar(), DeadlineRule()),
    )
    dossier = rules.mark_done(dossier, at + timedelta(days=2), "cb01")
    return rules.transfer_result(dossier, at + timedelta(days=3), "cb01", site_id, "Trung tâm")


def _queue_verbs(r: Recorder) -> None:
    q = "q04"
    card = c.CitizenCard(full_name="Lê Thị Hoa", id_number="001190000009", address="Hà Nội")
    first = r.do("kiosk-1", c.IssueTicket, service="can-cuoc", citizen=card).ticket.number
    assert r.do("kiosk-1", c.TicketStatus, number=first).ticket.state is TicketState.WAITING
    spare = r.do("kiosk-1", c.IssueTicket, service="can-cuoc").ticket.number
    assert r.do("kiosk-1", c.VoidTicket, number=spare).ticket.state is TicketState.VOIDED
    r.do(q, dc.OfficerLogin, officer_id="cb04", password="1234")
    r.do(q, c.OpenCounter, officer_id="cb04")
    assert r.do(q, c.PauseCounter, reason="họp").counter.status is CounterStatus.PAUSED
    assert r.do(q, c.UnpauseCounter).counter.status is CounterStatus.OPEN
    called: CallResult = r.do(q, c.CallNext)
    assert called.ticket is not None and called.finished is None
    assert r.do(q, c.TicketCitizen, number=first).citizen == card
    assert r.do(q, c.Recall).ticket.recall_count == 1
    r.do(q, c.StartServing)
    done: CounterTicketResult = r.do(q, c.Finish)
    assert done.ticket.state is TicketState.DONE
    r.do(q, dc.RateService, number=first, score=3)
    second, third, fourth = (
        r.do("kiosk-1", c.IssueTicket, service="can-cuoc").ticket.number for _ in range(3)
    )
    r.do(q, c.CallNext)
    assert r.do(q, c.CallNumber, number=fourth).finished == second
    r.do(q, c.Hold, reason="đi photo")
    r.do(q, c.Resume, number=fourth)
    r.do(q, c.Transfer, to_service="lai-xe", note="sang quầy lái xe")
    assert r.do(q, c.CallNext).ticket.number == third
    r.do(q, c.NoShow)
    fifth = r.do("kiosk-1", c.IssueTicket, service="can-cuoc").ticket.number
    r.do(q, c.CallNumber, number=fifth)
    last: CallResult = r.do(q, c.CallNext)  # finishes the fifth; nobody else waits
    assert last.ticket is None and last.finished == fifth
    r.do(q, dc.CounterSummary)


def _dossier_verbs(r: Recorder) -> None:
    q = "q04"
    r.do("kiosk-1", dc.ListProcedures)
    received: DossierResult = r.do(q, dc.ReceiveDossier, procedure="2.000200", citizen=CITIZEN)
    code = received.dossier.code
    r.do(q, dc.HandOver, code=code, to_unit="Phòng Cảnh sát QLHC")
    r.do(q, dc.RequestSupplement, code=code, reason="Thiếu ảnh", missing=[{"name": "Ảnh 4x6"}])
    r.do(q, dc.SupplementReceived, code=code)
    r.do(q, dc.Reschedule, code=code, reason="Chờ xác minh", new_due=date(2026, 12, 28))
    r.do(q, dc.MarkDone, code=code)
    r.do("kiosk-1", dc.LookUpDossier, text=code, phone_digits="5678")
    r.do(q, dc.MarkReturned, code=code)
    r.do(q, dc.DossierDetail, code=code)
    ready = r.do(q, dc.ReceiveDossier, procedure="2.000200", citizen=CITIZEN).dossier.code
    r.do(q, dc.MarkDone, code=ready)
    r.do(q, dc.TransferResult, code=ready, to_site="hcc-b")
    r.do(q, dc.AcceptResult, code=HELD_CODE)
    r.do(q, dc.ReturnHeldResult, code=HELD_CODE)
    other = r.do(q, dc.ReceiveDossier, procedure="2.000635", citizen=CITIZEN).dossier.code
    r.do(q, dc.RefuseDossier, code=other, reason="Không đúng thẩm quyền")
    r.do(q, dc.ReceiveDossier, procedure="2.000635", citizen=CITIZEN)  # due today
    assert r.do(q, dc.LateDossiers).dossiers
    r.do(
        "igate",
        dc.SyncDossier,
        code="000.00.17.H99-261201-0042",
        status=2,
        at="2026-12-01T08:00:00+07:00",
        procedure="2.000200",
        citizen={"name": "Đỗ Thị Hoa"},
        received_at="2026-12-01T08:00:00+07:00",
    )
    r.do(q, c.CloseCounter)
    r.do(q, dc.OfficerLogout)


def _appointment_verbs(r: Recorder) -> None:
    r.do("web", ac.BookingOptions)
    r.do("web", ac.ListSlots, service="ho-tich", days=2)
    slot = datetime(2026, 12, 8, 2, 30, tzinfo=UTC)  # Tuesday 09:30 in Hà Nội
    asked: BookingRequestResult = r.do(
        "web", ac.RequestBooking, service="ho-tich", slot=slot, phone="0912345678"
    )
    otp = r.phones.code(asked.request)
    booked: BookingResult = r.do("web", ac.ConfirmBooking, request=asked.request, otp=otp)
    code, token = booked.booking.code, booked.booking.token
    r.do("web", ac.BookingStatus, code=code, token=token)
    r.do("web", ac.ChangeBooking, code=code, token=token, slot=slot.replace(minute=45))
    r.do("web", ac.CancelBooking, code=code, token=token)
    today = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)  # 13:30 today
    asked = r.do("web", ac.RequestBooking, service="ho-tich", slot=today, phone="0912345679")
    otp = r.phones.code(asked.request)
    booked = r.do("web", ac.ConfirmBooking, request=asked.request, otp=otp)
    r.do("kiosk-1", ac.CheckIn, code=booked.booking.code)


def test_every_command_verb_has_a_result_model() -> None:
    assert sorted(RESULT_TYPES) == sorted(COMMAND_TYPES)


def test_every_verb_replies_exactly_what_its_result_model_describes(recorder: Recorder) -> None:
    _queue_verbs(recorder)
    _dossier_verbs(recorder)
    _appointment_verbs(recorder)
    assert sorted(recorder.replies) == sorted(COMMAND_TYPES), "a verb was not exercised"
    for verb, replies in recorder.replies.items():
        for reply in replies:
            model: BaseModel = parse_result(verb, reply)
            # Nothing lost or added: the model writes the server's result back, keys and all.
            dumped = model.model_dump(mode="json")
            assert _normalised(dumped) == _normalised(reply.result), verb


def test_an_error_reply_has_no_result_to_read() -> None:
    reply = Reply.failure("r1", ErrorCode.QUEUE_EMPTY, "Không có công dân nào đang chờ.")
    with pytest.raises(ValueError, match="queue_empty"):
        reply.result_as(TicketResult)
