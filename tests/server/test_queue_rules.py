"""The server applies the queue rules through the protocol, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.client import new_request_id
from shared.messaging.replies import ErrorCode
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall


@pytest.fixture
def hall(demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock) -> Iterator[Hall]:
    yield Hall(demo_site, sessions, clock)


def test_numbers_follow_the_service_prefix_and_daily_sequence(hall: Hall) -> None:
    assert [hall.issue("ho-tich") for _ in range(3)] == ["A001", "A002", "A003"]
    assert hall.issue("chung-thuc") == "B001"


def test_ticket_reply_says_people_ahead_counters_and_qr(hall: Hall) -> None:
    hall.issue("ho-tich")
    reply = hall.device("kiosk-1").send(
        c.IssueTicket(request_id=new_request_id(), service="ho-tich")
    )
    ticket = reply.result["ticket"]
    assert ticket["people_ahead"] == 1
    assert ticket["counters"] == ["1", "2", "3"]
    assert ticket["qr"] == "MCT1:hcc-demo:20261123:A002"
    assert ticket["estimated_wait_minutes"] >= 0


def test_call_next_serves_priority_first_then_fifo_and_finishes_the_previous(hall: Hall) -> None:
    hall.issue("ho-tich")
    hall.issue("ho-tich")
    hall.issue("ho-tich", priority="elderly")
    q01 = hall.counter("q01")
    assert q01.call_next() == "A003"
    reply = q01.do(c.CallNext)
    assert reply.result["finished"] == "A003" and reply.result["ticket"]["number"] == "A001"
    assert q01.call_next() == "A002"
    last = q01.do(c.CallNext)
    assert last.ok and last.result["ticket"] is None and last.result["finished"] == "A002"
    empty = q01.do(c.CallNext)
    assert not empty.ok and empty.error is not None and empty.error.code is ErrorCode.QUEUE_EMPTY


def test_two_counters_never_get_the_same_citizen(hall: Hall) -> None:
    for _ in range(4):
        hall.issue("ho-tich")
    q01, q02 = hall.counter("q01", "cb01"), hall.counter("q02", "cb02")
    called = [q01.call_next(), q02.call_next(), q01.call_next(), q02.call_next()]
    assert sorted(called) == ["A001", "A002", "A003", "A004"]  # type: ignore[type-var]


def test_closed_or_paused_counter_cannot_call(hall: Hall) -> None:
    hall.issue("ho-tich")
    q01 = hall.device("q01")
    closed = q01.send(c.CallNext(request_id=new_request_id()))
    assert closed.error is not None and closed.error.code is ErrorCode.INVALID_STATE
    console = hall.counter("q01")
    assert console.do(c.PauseCounter, reason="nghỉ giữa giờ").ok
    paused = console.do(c.CallNext)
    assert paused.error is not None and "tạm dừng" in paused.error.message
    assert console.do(c.UnpauseCounter).ok
    assert console.call_next() == "A001"


def test_kiosk_cannot_act_as_a_counter(hall: Hall) -> None:
    reply = hall.device("kiosk-1").send(c.CallNext(request_id=new_request_id()))
    assert reply.error is not None and reply.error.code is ErrorCode.FORBIDDEN


def test_recall_then_no_show_after_the_configured_recalls(hall: Hall) -> None:
    hall.issue("ho-tich")
    q01 = hall.counter("q01")
    q01.call_next()
    for _ in range(hall.site.rules.max_recalls):
        assert q01.do(c.Recall).result["ticket"]["state"] == "called"
    gone = q01.do(c.Recall)
    assert gone.result["ticket"]["state"] == "no_show"
    kinds = [e["kind"] for e in hall.events]
    assert kinds.count("recalled") == hall.site.rules.max_recalls and "no_show" in kinds


def test_transfer_keeps_issue_time_and_goes_to_the_new_service(hall: Hall) -> None:
    first = hall.issue("ho-tich")
    hall.clock.advance(minutes=5)
    hall.issue("chung-thuc")
    q01 = hall.counter("q01")
    assert q01.call_next() == first
    moved = q01.do(c.Transfer, to_service="chung-thuc", note="cần chứng thực thêm")
    assert moved.ok and moved.result["ticket"]["state"] == "waiting"
    q02 = hall.counter("q02", "cb02")
    # Issued earlier than B001, so it is called first in its new service.
    assert q02.call_next() == first


def test_transfer_to_a_counter_with_front_option(hall: Hall) -> None:
    hall.issue("ho-tich")
    hall.issue("ly-lich")
    q01 = hall.counter("q01")
    q01.call_next()
    assert q01.do(c.Transfer, to_counter="q03", front=True).ok
    q03 = hall.counter("q03", "cb03")
    assert q03.call_next() == "A001"


def test_hold_frees_the_counter_and_resume_brings_the_ticket_back(hall: Hall) -> None:
    hall.issue("ho-tich")
    hall.issue("ho-tich")
    q01 = hall.counter("q01")
    q01.call_next()
    assert q01.do(c.Hold, reason="công dân đi photo").ok
    assert hall.retained(hall.topics.counter("q01"))["held"] == ["A001"]
    assert q01.call_next() == "A002"
    busy = q01.do(c.Resume, number="A001")
    assert busy.error is not None and busy.error.code is ErrorCode.INVALID_STATE
    assert q01.do(c.Finish).ok
    back = q01.do(c.Resume, number="A001")
    assert back.ok and back.result["ticket"]["state"] == "serving"


def test_call_a_specific_number_only_if_the_counter_serves_it(hall: Hall) -> None:
    hall.issue("ho-tich")
    hall.issue("can-cuoc")
    q01 = hall.counter("q01")
    wrong = q01.do(c.CallNumber, number="D001")
    assert wrong.error is not None and wrong.error.code is ErrorCode.WRONG_COUNTER
    assert q01.do(c.CallNumber, number="a001").result["ticket"]["number"] == "A001"
    missing = q01.do(c.CallNumber, number="A999")
    assert missing.error is not None and missing.error.code is ErrorCode.NOT_FOUND


def test_void_only_by_the_issuing_kiosk(hall: Hall) -> None:
    number = hall.issue("ho-tich", kiosk="kiosk-1")
    other = hall.device("kiosk-2").send(c.VoidTicket(request_id=new_request_id(), number=number))
    assert other.error is not None and other.error.code is ErrorCode.WRONG_COUNTER
    own = hall.device("kiosk-1").send(c.VoidTicket(request_id=new_request_id(), number=number))
    assert own.ok and own.result["ticket"]["state"] == "voided"
    assert hall.issue("ho-tich") == "A002", "a voided number is never reused"


def test_windows_and_daily_caps_refuse_with_the_reason(hall: Hall) -> None:
    hall.clock.set(datetime(2026, 11, 23, 5, 0, tzinfo=UTC))  # 12:00 local, lunch break
    reply = hall.device("kiosk-1").send(
        c.IssueTicket(request_id=new_request_id(), service="can-cuoc")
    )
    assert reply.error is not None and reply.error.code is ErrorCode.SERVICE_UNAVAILABLE
    assert "13:00–16:00" in reply.error.message
    queues = hall.retained(hall.topics.queues())
    assert queues["services"]  # published at start
    hall.clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    for _ in range(150):
        hall.issue("can-cuoc")
    capped = hall.device("kiosk-1").send(
        c.IssueTicket(request_id=new_request_id(), service="can-cuoc")
    )
    assert capped.error is not None and "150" in capped.error.message


def test_unknown_service_and_priority_are_refused(hall: Hall) -> None:
    kiosk = hall.device("kiosk-1")
    unknown = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="bay-len-troi"))
    assert unknown.error is not None and unknown.error.code is ErrorCode.NOT_FOUND
    bad = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich", priority="vip"))
    assert bad.error is not None and bad.error.code is ErrorCode.NOT_FOUND


def test_the_next_day_starts_at_001_and_closes_yesterdays_tickets(hall: Hall) -> None:
    hall.issue("ho-tich")
    hall.issue("ho-tich")
    q01 = hall.counter("q01")
    q01.call_next()
    hall.clock.advance(days=1)
    hall.server.rollover()
    assert hall.issue("ho-tich") == "A001"
    expired = [e for e in hall.events if e["kind"] == "expired"]
    assert sorted(e["number"] for e in expired) == ["A001", "A002"]
    state = hall.retained(hall.topics.counter("q01"))
    assert state["status"] == "closed" and state["current"] is None


def test_board_shows_current_numbers_and_recent_calls_without_repeats(hall: Hall) -> None:
    for _ in range(3):
        hall.issue("ho-tich")
    q01 = hall.counter("q01")
    q01.call_next()
    q01.do(c.Recall)
    q01.call_next()
    board = hall.retained(hall.topics.board("tang-1"))
    line = next(x for x in board["counters"] if x["counter"] == "q01")
    assert line["number"] == "A002" and line["status"] == "open"
    assert [call["number"] for call in board["recent_calls"]] == ["A002", "A001"]
    assert "officer" not in str(board) and "cb01" not in str(board)


def test_queue_state_counts_waiting_and_open_counters(hall: Hall) -> None:
    hall.issue("ho-tich")
    hall.issue("ho-tich", priority="pregnant")
    hall.counter("q01")
    queues = {s["service"]: s for s in hall.retained(hall.topics.queues())["services"]}
    assert queues["ho-tich"]["waiting"] == 2
    assert queues["ho-tich"]["priority_waiting"] == 1
    assert queues["ho-tich"]["open_counters"] == 1
    assert queues["ho-tich"]["available"] is True
