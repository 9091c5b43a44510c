"""The writer's day in memory agrees with storage, undoes refusals and heals a failed write."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

import server.daemon
from server.day import Day
from server.day_store import load_day
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.client import new_request_id
from shared.messaging.replies import ErrorCode
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall


@pytest.fixture
def hall(demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock) -> Iterator[Hall]:
    yield Hall(demo_site, sessions, clock)


def picture(day: Day) -> dict[str, Any]:
    """Everything the day answers from, as plain values to compare."""
    return {
        "tickets": dict(day.tickets),
        "waiting": dict(day.waiting),
        "held": {k: set(v) for k, v in day.held.items() if v},
        "issued": {k: v for k, v in day.issued.items() if v},
        "served": {k: v for k, v in day.served.items() if v},
        "busy": {k: round(v, 3) for k, v in day.busy_seconds.items() if v},
        "sequences": dict(day.sequences),
        "counters": dict(day.counters),
        "calls": [(call.number, call.counter_id, call.at) for call in day.calls],
        "next_id": day.next_ticket_id,
    }


def stored(hall: Hall, sessions: sessionmaker[Session]) -> dict[str, Any]:
    """The same picture read back from the database."""
    day = hall.server.day()
    with sessions() as session:
        return picture(load_day(session, hall.site.id, day.service_day))


def busy_morning(hall: Hall, clock: FakeClock, seed: int) -> list[str]:
    """Random officers' work at three counters, refused commands included; returns error codes."""
    chance = random.Random(seed)
    counters = ["q01", "q02", "q04"]
    for counter in counters:
        assert hall.do(counter, c.OpenCounter, officer_id=f"cb-{counter}").ok
    codes: list[str] = []
    services = ["ho-tich", "chung-thuc", "can-cuoc"]
    for _ in range(120):
        clock.advance(seconds=chance.randint(5, 90))
        counter = chance.choice(counters)
        kind = chance.choice(
            [c.CallNext, c.CallNext, c.Recall, c.StartServing, c.Finish, c.NoShow, c.Hold]
        )
        roll = chance.random()
        if roll < 0.35:
            priority = "elderly" if chance.random() < 0.2 else None
            reply = hall.do(
                "kiosk-1", c.IssueTicket, service=chance.choice(services), priority=priority
            )
        elif roll < 0.4:
            reply = hall.do(counter, c.CallNumber, number=f"A{chance.randint(1, 40):03d}")
        elif roll < 0.45:
            reply = hall.do(counter, c.Transfer, to_service=chance.choice(services))
        elif roll < 0.5:
            reply = hall.do(counter, c.PauseCounter, reason="Nghỉ giữa giờ")
            hall.do(counter, c.UnpauseCounter)
        elif kind is c.Hold:
            reply = hall.do(counter, c.Hold, reason="Bổ sung giấy tờ")
        elif roll < 0.55:
            held = hall.retained(hall.topics.counter(counter))["held"]
            reply = hall.do(counter, c.Resume, number=held[0] if held else "A001")
        else:
            reply = hall.do(counter, kind)
        if not reply.ok:
            assert reply.error is not None
            codes.append(reply.error.code.value)
    return codes


@pytest.mark.parametrize("seed", [1, 2])
def test_memory_matches_storage_after_a_busy_morning(
    hall: Hall, clock: FakeClock, sessions: sessionmaker[Session], seed: int
) -> None:
    codes = busy_morning(hall, clock, seed)
    assert codes, "the morning should include refused commands"
    assert picture(hall.server.day()) == stored(hall, sessions)


def test_a_refused_call_by_number_leaves_the_current_citizen_at_the_counter(
    hall: Hall, sessions: sessionmaker[Session]
) -> None:
    hall.issue("ho-tich")
    console = hall.counter("q01")
    current = console.call_next()
    before = picture(hall.server.day())
    reply = console.do(c.CallNumber, number="Z999")
    assert not reply.ok
    assert picture(hall.server.day()) == before
    state = hall.retained(hall.topics.counter("q01"))
    assert state["current"]["number"] == current
    assert picture(hall.server.day()) == stored(hall, sessions)


def test_a_refused_write_is_applied_again_one_command_at_a_time(
    hall: Hall, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    from server import day_repository

    real = day_repository.write_day
    failures = iter([True])

    def failing_once(session: Session, site_id: str, day: Day) -> None:
        if next(failures, False):
            raise RuntimeError("a row the database refused")
        real(session, site_id, day)

    monkeypatch.setattr(day_repository, "write_day", failing_once)
    messages = [
        server.daemon.Message(
            hall.topics.command("issue_ticket", "kiosk-1"),
            c.IssueTicket(request_id=new_request_id(), service="ho-tich")
            .model_dump_json()
            .encode(),
            response_topic=hall.topics.reply("kiosk-1"),
            correlation_data=str(i).encode(),
        )
        for i in range(3)
    ]
    replies = hall.server.handle_batch(messages)
    assert [r.ok for r in replies if r is not None] == [True, True, True]
    numbers = [r.result["ticket"]["number"] for r in replies if r is not None]
    assert numbers == ["A001", "A002", "A003"], "no number lost or used twice"
    assert picture(hall.server.day()) == stored(hall, sessions)


def test_a_retry_in_a_later_batch_gets_the_same_reply_from_memory(hall: Hall) -> None:
    kiosk = hall.device("kiosk-1")
    command = c.IssueTicket(request_id=new_request_id(), service="ho-tich")
    first, again = kiosk.send(command), kiosk.send(command)
    assert first.ok and again == first
    other = c.IssueTicket(request_id=command.request_id, service="chung-thuc")
    assert kiosk.send(other).error.code is ErrorCode.REQUEST_ID_CONFLICT  # type: ignore[union-attr]
