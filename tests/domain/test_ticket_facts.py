"""A finished ticket's report facts: waiting to the first call, service from the last transfer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.domain import tickets as t
from shared.domain.ticket_facts import ticket_fact

DAY = date(2026, 11, 23)
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def at(minutes: float) -> datetime:
    """Return T0 plus some minutes."""
    return T0 + timedelta(minutes=minutes)


def test_open_tickets_have_no_facts() -> None:
    ticket, _ = t.issue("A001", "ho-tich", DAY, T0)
    called, _ = t.call(ticket, "q01", "cb01", at(5))
    assert ticket_fact(ticket) is None
    assert ticket_fact(called) is None


def test_served_ticket_waits_until_called_and_is_served_until_done() -> None:
    ticket, _ = t.issue("A001", "ho-tich", DAY, T0, priority="elderly")
    ticket, _ = t.call(ticket, "q01", "cb01", at(10))
    ticket, _ = t.start_serving(ticket, "q01", at(11))
    ticket, _ = t.finish(ticket, "q01", at(18.5))
    fact = ticket_fact(ticket)
    assert fact is not None
    assert (fact.outcome, fact.transfers, fact.priority) == ("done", 0, "elderly")
    assert (fact.wait_seconds, fact.wait_counter, fact.wait_officer) == (600.0, "q01", "cb01")
    assert fact.service_started_at == at(10)
    assert fact.service_seconds == 510.0
    assert (fact.service_code, fact.service_counter, fact.service_officer) == (
        "ho-tich",
        "q01",
        "cb01",
    )


def test_transferred_ticket_is_served_from_the_call_after_the_last_transfer() -> None:
    ticket, _ = t.issue("A001", "ho-tich", DAY, T0)
    ticket, _ = t.call(ticket, "q01", "cb01", at(5))
    ticket, _ = t.transfer(ticket, "q01", at(8), "chung-thuc")
    ticket, _ = t.call(ticket, "q02", "cb02", at(20))
    ticket, _ = t.finish(ticket, "q02", at(26))
    fact = ticket_fact(ticket)
    assert fact is not None
    assert fact.original_service == "ho-tich"
    assert (fact.transfers, fact.wait_seconds, fact.wait_counter) == (1, 300.0, "q01")
    assert (fact.service_started_at, fact.service_seconds) == (at(20), 360.0)
    assert (fact.service_code, fact.service_counter) == ("chung-thuc", "q02")


def test_no_show_and_voided_tickets_have_no_service_time() -> None:
    ticket, _ = t.issue("A001", "ho-tich", DAY, T0)
    called, _ = t.call(ticket, "q01", "cb01", at(5))
    missed, _ = t.no_show(called, "q01", at(7))
    voided, _ = t.void(ticket, at(1))
    gone = ticket_fact(missed)
    assert gone is not None
    assert (gone.outcome, gone.wait_seconds, gone.service_seconds) == ("no_show", 300.0, None)
    assert (gone.service_code, gone.service_started_at) == (None, None)
    void = ticket_fact(voided)
    assert void is not None
    assert (void.outcome, void.wait_seconds, void.wait_counter) == ("voided", None, None)


def test_expired_ticket_never_called_has_no_waiting_time() -> None:
    ticket, _ = t.issue("A001", "ho-tich", DAY, T0)
    expired, _ = t.expire(ticket, at(600))
    fact = ticket_fact(expired)
    assert fact is not None
    assert (fact.outcome, fact.wait_seconds, fact.service_seconds) == ("no_show", None, None)
