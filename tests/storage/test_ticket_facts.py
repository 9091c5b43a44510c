"""Ticket facts: the server's rows and the SQL backfill agree, and only finished tickets get one."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain import tickets as t
from shared.domain.site import Site
from shared.domain.ticket_facts import ticket_fact
from shared.messaging import commands as c
from shared.storage.fact_tables import TicketFactRow
from shared.storage.facts import FACT_COLUMNS, FactRepository, backfill
from shared.storage.repository import QueueRepository
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall

DAY = date(2026, 11, 23)
T0 = datetime(2026, 11, 23, 2, 0, 0, 250_000, tzinfo=UTC)
Step = Callable[[t.Ticket], tuple[t.Ticket, t.TicketEvent]]


def at(minutes: float) -> datetime:
    """Return T0 plus some minutes."""
    return T0 + timedelta(minutes=minutes)


HISTORIES: dict[str, list[Step]] = {
    "served": [
        lambda k: t.call(k, "q01", "cb01", at(10)),
        lambda k: t.start_serving(k, "q01", at(11)),
        lambda k: t.finish(k, "q01", at(18.5)),
    ],
    "transferred": [
        lambda k: t.call(k, "q01", "cb01", at(5)),
        lambda k: t.transfer(k, "q01", at(8), "chung-thuc"),
        lambda k: t.call(k, "q02", "cb02", at(20)),
        lambda k: t.finish(k, "q02", at(26)),
    ],
    "no_show": [
        lambda k: t.call(k, "q01", None, at(5)),
        lambda k: t.no_show(k, "q01", at(7)),
    ],
    "voided": [lambda k: t.void(k, at(1))],
    "expired": [lambda k: t.expire(k, at(600))],
    "open": [lambda k: t.call(k, "q03", "cb03", at(2))],
}


def _store(repo: QueueRepository, number: str, steps: list[Step]) -> t.Ticket:
    ticket, _ = t.issue(number, "ho-tich", DAY, T0, priority="elderly")
    ticket = repo.add_ticket(ticket, number[0], int(number[1:]))
    for step in steps:
        after, _ = step(ticket)
        repo.save(ticket, after)
        ticket = after
    return ticket


def _row(session: Session, ticket_id: int | None) -> dict[str, object] | None:
    row = session.execute(
        select(TicketFactRow.__table__).where(TicketFactRow.__table__.c.ticket_id == ticket_id)
    ).one_or_none()
    if row is None:
        return None
    values = dict(row._mapping)
    del values["ticket_id"]
    return values


def _fact_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(TicketFactRow)) or 0)


def test_backfill_writes_the_facts_the_server_writes(sessions: sessionmaker[Session]) -> None:
    """Each history is stored twice: one copy gets the server's row, the other the backfill's."""
    with sessions.begin() as session:
        repo, facts = QueueRepository(session, "s"), FactRepository(session, "s")
        pairs = {}
        for index, (name, steps) in enumerate(HISTORIES.items()):
            by_server = _store(repo, f"A{index:03d}", steps)
            by_sql = _store(repo, f"B{index:03d}", steps)
            fact = ticket_fact(by_server)
            if fact is not None and by_server.id is not None:
                facts.add(by_server.id, fact)
            pairs[name] = (by_server.id, by_sql.id)
        backfill(session.connection())
        assert _fact_count(session) == 2 * (len(HISTORIES) - 1)  # every finished copy
        backfill(session.connection())  # nothing left to fill
        assert _fact_count(session) == 2 * (len(HISTORIES) - 1)
        for name, (server_id, sql_id) in pairs.items():
            written, filled = _row(session, server_id), _row(session, sql_id)
            if name == "open":
                assert written is None and filled is None
                continue
            assert written is not None and filled is not None
            assert set(written) == set(FACT_COLUMNS[1:])
            _assert_same(filled, written, name)


def test_served_ticket_fact_round_trips(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        ticket = _store(QueueRepository(session, "s"), "A001", HISTORIES["served"])
        fact = ticket_fact(ticket)
        assert fact is not None and ticket.id is not None
        FactRepository(session, "s").add(ticket.id, fact)
    with sessions.begin() as session:
        row = session.get(TicketFactRow, ticket.id)
        assert row is not None
        assert (row.site_id, row.outcome, row.wait_seconds, row.service_seconds) == (
            "s",
            "done",
            600.0,
            510.0,
        )
        assert row.issued_at == T0 and row.service_started_at == at(10)


def test_queue_server_writes_facts_when_tickets_end(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    """Finish, no-show, void and the day's expiry each write the row the backfill would."""
    hall = Hall(demo_site, sessions, clock)
    for _ in range(3):
        hall.issue("ho-tich")
    q01 = hall.counter("q01")
    assert q01.do(c.CallNext).ok
    clock.advance(minutes=4)
    assert q01.do(c.CallNext).ok  # finishes A001, calls A002
    clock.advance(minutes=2.5)
    assert q01.do(c.NoShow).ok
    spoiled = hall.issue("ho-tich")
    assert hall.do("kiosk-1", c.VoidTicket, number=spoiled, reason="máy in hỏng").ok
    with sessions.begin() as session:
        outcomes = session.execute(select(TicketFactRow.outcome)).scalars().all()
        assert sorted(outcomes) == ["done", "no_show", "voided"]  # A003 still waits: no fact
    clock.advance(days=1)
    hall.server.rollover()
    with sessions.begin() as session:
        written = {
            row.ticket_id: _row(session, row.ticket_id)
            for row in session.scalars(select(TicketFactRow))
        }
        assert sorted(str(v["outcome"]) for v in written.values() if v) == [
            "done",
            "no_show",
            "no_show",
            "voided",
        ]
        session.execute(delete(TicketFactRow))
        backfill(session.connection())
        for ticket_id, values in written.items():
            filled = _row(session, ticket_id)
            assert filled is not None and values is not None
            _assert_same(filled, values, str(ticket_id))


def _assert_same(filled: dict[str, object], written: dict[str, object], name: str) -> None:
    """Seconds may differ below the millisecond: SQLite's backfill rounds to it."""
    for column, expected in written.items():
        if isinstance(expected, float):
            assert filled[column] == pytest.approx(expected, abs=0.001), (name, column)
        else:
            assert filled[column] == expected, (name, column)
