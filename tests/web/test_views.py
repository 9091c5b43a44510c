"""Where a ticket stands, from lines snapshots, events and a status reply (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from shared.domain.tickets import TicketEventKind, TicketState
from shared.messaging.replies import TicketInfo
from shared.messaging.states import LinesState, ServiceLine, TicketEventMessage
from web.views import Stage, TicketView, current_view, from_info, site_lines

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def lines(at: datetime, *places: tuple[str, int, int]) -> LinesState:
    return LinesState(services=[ServiceLine(service="ho-tich", places=list(places))], updated_at=at)


def event(kind: TicketEventKind, at: datetime, number: str = "A003") -> TicketEventMessage:
    return TicketEventMessage(
        kind=kind, number=number, service="ho-tich", counter="q01", counter_label="1", at=at
    )


def test_a_waiting_ticket_takes_its_place_from_the_lines() -> None:
    snapshot = site_lines(lines(T0, ("A001", 0, 0), ("A003", 1, 6)))
    view = current_view("A003", snapshot, None, None)
    assert view == TicketView("A003", Stage.WAITING, "ho-tich", 1, 6)
    assert current_view("A404", snapshot, None, None) is None


def test_a_call_wins_over_the_snapshot_it_arrived_before() -> None:
    stale = site_lines(lines(T0, ("A003", 0, 0)))
    called = event(TicketEventKind.CALLED, T0)  # same instant: the event was published first
    view = current_view("A003", stale, called, None)
    assert view is not None and view.stage is Stage.CALLED and view.counter_label == "1"
    assert view.call == f"called@{T0.isoformat()}"
    fresh = site_lines(lines(T0 + timedelta(seconds=1)))
    assert current_view("A003", fresh, called, None) == view


def test_an_older_call_loses_to_a_newer_snapshot_after_a_transfer() -> None:
    called = event(TicketEventKind.CALLED, T0)
    back = site_lines(lines(T0 + timedelta(minutes=1), ("A003", 2, 9)))
    view = current_view("A003", back, called, None)
    assert view is not None and view.stage is Stage.WAITING and view.ahead == 2


def test_a_transfer_waits_for_its_snapshot_without_figures() -> None:
    before = site_lines(lines(T0))
    moved = event(TicketEventKind.TRANSFERRED, T0 + timedelta(seconds=5))
    view = current_view("A003", before, moved, None)
    assert view == TicketView("A003", Stage.WAITING, "ho-tich")


def test_each_recall_is_a_new_call_and_the_end_is_said() -> None:
    first = current_view("A003", None, event(TicketEventKind.CALLED, T0), None)
    again = current_view(
        "A003", None, event(TicketEventKind.RECALLED, T0 + timedelta(minutes=1)), None
    )
    assert first is not None and again is not None and first.call != again.call
    stages = {
        TicketEventKind.SERVING: Stage.SERVING,
        TicketEventKind.RESUMED: Stage.SERVING,
        TicketEventKind.HELD: Stage.ON_HOLD,
        TicketEventKind.FINISHED: Stage.DONE,
        TicketEventKind.NO_SHOW: Stage.NO_SHOW,
        TicketEventKind.EXPIRED: Stage.ENDED,
        TicketEventKind.VOIDED: Stage.ENDED,
    }
    for kind, stage in stages.items():
        view = current_view("A003", None, event(kind, T0), None)
        assert view is not None and view.stage is stage and view.call is None


def test_a_status_reply_fills_in_what_nothing_else_says() -> None:
    info = TicketInfo(
        number="A003",
        service="ho-tich",
        service_name="Hộ tịch",
        state=TicketState.CALLED,
        counter="q01",
        counter_label="1",
        issued_at=T0,
        service_day="2026-11-23",
    )
    seed = from_info(info)
    assert seed == TicketView("A003", Stage.CALLED, "ho-tich", counter_label="1")
    assert current_view("A003", site_lines(lines(T0)), None, seed) == seed
    waiting = from_info(info.model_copy(update={"state": TicketState.WAITING, "people_ahead": 4}))
    assert waiting.ahead == 4 and waiting.counter_label is None
