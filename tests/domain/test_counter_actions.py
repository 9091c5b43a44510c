"""allowed_actions lists exactly the counter commands the real server accepts in each situation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.counter_actions import CounterAction, allowed_actions
from shared.domain.counters import CounterStatus
from shared.domain.site import Counter, Site
from shared.domain.tickets import TicketState
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.replies import Reply
from shared.messaging.states import CounterStateMessage
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall

A = CounterAction
PIN = "246810"


def test_a_closed_counter_only_closes_and_opens_through_a_login() -> None:
    assert allowed_actions(CounterStatus.CLOSED, None) == [A.CLOSE]
    assert allowed_actions(CounterStatus.CLOSED, None, officer_accounts=False) == [A.OPEN, A.CLOSE]


def test_an_open_counter_calls_and_acts_on_its_ticket() -> None:
    idle = [A.OPEN, A.CLOSE, A.PAUSE, A.CALL_NEXT, A.CALL_NUMBER]
    assert allowed_actions(CounterStatus.OPEN, None) == idle
    assert allowed_actions(CounterStatus.OPEN, None, held=True) == [*idle, A.RESUME]
    called = [A.OPEN, A.PAUSE, A.CALL_NEXT, A.CALL_NUMBER, A.RECALL, A.START_SERVING]
    assert allowed_actions(CounterStatus.OPEN, TicketState.CALLED) == [
        *called,
        A.FINISH,
        A.NO_SHOW,
        A.TRANSFER,
        A.HOLD,
    ]
    assert allowed_actions(CounterStatus.OPEN, TicketState.SERVING, held=True) == [
        A.OPEN,
        A.PAUSE,
        A.CALL_NEXT,
        A.CALL_NUMBER,
        A.FINISH,
        A.TRANSFER,
        A.HOLD,
    ]


def test_a_paused_counter_calls_nobody_but_finishes_with_its_citizen() -> None:
    assert allowed_actions(CounterStatus.PAUSED, None, held=True) == [
        A.OPEN,
        A.CLOSE,
        A.PAUSE,
        A.UNPAUSE,
    ]
    assert allowed_actions(CounterStatus.PAUSED, TicketState.SERVING) == [
        A.OPEN,
        A.PAUSE,
        A.UNPAUSE,
        A.FINISH,
        A.TRANSFER,
        A.HOLD,
    ]


# -- against the server ---------------------------------------------------------------------


@dataclass
class Desk:
    """One counter of the hall, its officer and the numbers it handled."""

    hall: Hall
    counter: Counter
    held: str | None = None

    @property
    def officer(self) -> str:
        return f"o{self.counter.id}"

    def do(self, kind: type[c.Command], **fields: Any) -> Reply:
        return self.hall.do(self.counter.id, kind, **fields)

    def must(self, kind: type[c.Command], **fields: Any) -> None:
        reply = self.do(kind, **fields)
        assert reply.ok, (kind.__name__, reply.error)

    def fresh_number(self) -> str:
        # A kiosk of its own per counter: one kiosk's ticket rate limit stays far away.
        return self.hall.issue(self.counter.services[0], kiosk=f"kiosk-{self.counter.id}")

    def state(self) -> CounterStateMessage:
        topic = self.hall.topics.counter(self.counter.id)
        return CounterStateMessage.model_validate(self.hall.retained(topic))

    def login(self) -> None:
        self.must(dc.OfficerLogin, officer_id=self.officer, password=PIN)

    def call(self) -> None:
        self.must(c.CallNumber, number=self.fresh_number())

    def hold(self) -> None:
        self.call()
        self.held = self.state().current.number  # type: ignore[union-attr]
        self.must(c.Hold, reason="đi photo")


def _open_called(d: Desk) -> None:
    d.login()
    d.call()


def _open_recalled_to_the_limit(d: Desk) -> None:
    _open_called(d)
    for _ in range(d.hall.site.rules.max_recalls):
        d.must(c.Recall)


def _open_serving(d: Desk) -> None:
    _open_called(d)
    d.must(c.StartServing)


def _open_holding(d: Desk) -> None:
    d.login()
    d.hold()


def _paused(before: Callable[[Desk], None]) -> Callable[[Desk], None]:
    def situation(d: Desk) -> None:
        before(d)
        d.must(c.PauseCounter, reason="họp giao ban")

    return situation


SITUATIONS: dict[str, Callable[[Desk], None]] = {
    "closed": lambda d: None,
    "open": Desk.login,
    "open-called": _open_called,
    "open-called-recalls-used": _open_recalled_to_the_limit,
    "open-serving": _open_serving,
    "open-holding": _open_holding,
    "paused": _paused(Desk.login),
    "paused-called": _paused(_open_called),
    "paused-serving": _paused(_open_serving),
    "paused-holding": _paused(_open_holding),
}


def _probe(d: Desk, action: CounterAction) -> Reply:
    """Send the action with arguments the server would take, so only the state can refuse it."""
    number = d.fresh_number()  # someone waits: call_next is refused only by the state
    commands: dict[CounterAction, tuple[type[c.Command], dict[str, Any]]] = {
        A.OPEN: (c.OpenCounter, {"officer_id": d.officer}),
        A.CLOSE: (c.CloseCounter, {}),
        A.PAUSE: (c.PauseCounter, {"reason": "nghỉ trưa"}),
        A.UNPAUSE: (c.UnpauseCounter, {}),
        A.CALL_NEXT: (c.CallNext, {}),
        A.CALL_NUMBER: (c.CallNumber, {"number": number}),
        A.RECALL: (c.Recall, {}),
        A.START_SERVING: (c.StartServing, {}),
        A.FINISH: (c.Finish, {}),
        A.NO_SHOW: (c.NoShow, {}),
        A.TRANSFER: (c.Transfer, {"note": "sai dịch vụ"}),
        A.HOLD: (c.Hold, {"reason": "đi photo"}),
        A.RESUME: (c.Resume, {"number": d.held or number}),
    }
    kind, fields = commands[action]
    return d.do(kind, **fields)


def _hall(site: Site, sessions: sessionmaker[Session], clock: FakeClock, accounts: bool) -> Hall:
    if accounts:
        hashed = hash_password(PIN)
        with sessions.begin() as session:
            officers = OfficerRepository(session, site.id)
            for counter in site.counters:
                officers.upsert(f"o{counter.id}", counter.name, (counter.id,), hashed, clock())
    return Hall(site, sessions, clock)


@pytest.mark.parametrize("name", SITUATIONS)
def test_listed_actions_are_accepted_and_the_others_refused(
    name: str, demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = _hall(demo_site, sessions, clock, accounts=True)
    counters = iter(demo_site.counters)
    wrong = []
    # One counter per action, each brought into the same situation, so every probe starts there.
    for action in CounterAction:
        desk = Desk(hall, next(counters))
        SITUATIONS[name](desk)
        state = desk.state()
        current = state.current.state if state.current is not None else None
        listed = allowed_actions(state.status, current, held=bool(state.held))
        reply = _probe(desk, action)
        if reply.ok != (action in listed):
            wrong.append((action.value, reply.error.code.value if reply.error else "accepted"))
    assert not wrong, f"{name}: allowed_actions disagrees with the server on {wrong}"


@pytest.mark.parametrize("name", ["closed", "open", "paused-called"])
def test_without_officer_accounts_a_closed_counter_opens_by_naming_the_officer(
    name: str, demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    hall = _hall(demo_site, sessions, clock, accounts=False)
    counters = iter(demo_site.counters)
    for action in (A.OPEN, A.CLOSE, A.PAUSE, A.CALL_NEXT):
        desk = Desk(hall, next(counters))
        if name != "closed":
            desk.must(c.OpenCounter, officer_id=desk.officer)
        if name == "paused-called":
            desk.call()
            desk.must(c.PauseCounter, reason="họp giao ban")
        state = desk.state()
        current = state.current.state if state.current is not None else None
        listed = allowed_actions(state.status, current, officer_accounts=False)
        assert _probe(desk, action).ok == (action in listed), (name, action)
