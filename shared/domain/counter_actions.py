"""What a counter may do now: the counter commands its state and its current ticket allow.

The server lists them in the counter's retained state, so a console enables its buttons from
them instead of re-deriving the rules. They mirror `counters` and `tickets` exactly: a listed
action is accepted, one not listed is refused. A listed action can still be refused for what
the command names (a number not waiting, a service nobody serves) or, for `call_next` with no
citizen at the counter, because nobody waits: the queue changes without the counter's state.
"""

from __future__ import annotations

from enum import StrEnum

from shared.domain.counters import CounterStatus
from shared.domain.tickets import AT_COUNTER_STATES, TicketState


class CounterAction(StrEnum):
    """A counter command, named by its verb on the wire."""

    OPEN = "open_counter"
    CLOSE = "close_counter"
    PAUSE = "pause_counter"
    UNPAUSE = "unpause_counter"
    CALL_NEXT = "call_next"
    CALL_NUMBER = "call_number"
    RECALL = "recall"
    START_SERVING = "start_serving"
    FINISH = "finish"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    HOLD = "hold"
    RESUME = "resume"


# What each action needs of the counter's current ticket (None: no ticket at the counter).
_NEEDS_CALLED = (CounterAction.RECALL, CounterAction.START_SERVING, CounterAction.NO_SHOW)
_NEEDS_AT_COUNTER = (CounterAction.FINISH, CounterAction.TRANSFER, CounterAction.HOLD)


def allowed_actions(
    status: CounterStatus,
    current: TicketState | None,
    *,
    held: bool = False,
    officer_accounts: bool = True,
) -> list[CounterAction]:
    """Return the counter commands the server accepts now, in the order of `CounterAction`.

    `current` is the state of the ticket at the counter (called or serving), None when there
    is none; `held` whether the counter holds tickets aside; `officer_accounts` whether the
    site has officer accounts (then a closed counter opens only through `officer_login`).
    Re-opening an open counter by its officer is accepted and changes nothing, so `open_counter`
    stays listed while the counter is open; a recall past the site's limit is accepted too
    (it marks the ticket a no-show).
    """
    allowed: set[CounterAction] = set()
    if status is not CounterStatus.CLOSED or not officer_accounts:
        allowed.add(CounterAction.OPEN)
    if current is None:
        allowed.add(CounterAction.CLOSE)
    if status is not CounterStatus.CLOSED:
        allowed.add(CounterAction.PAUSE)
    if status is CounterStatus.PAUSED:
        allowed.add(CounterAction.UNPAUSE)
    if status is CounterStatus.OPEN:
        allowed |= {CounterAction.CALL_NEXT, CounterAction.CALL_NUMBER}
        if current is None and held:
            allowed.add(CounterAction.RESUME)
    # A ticket at the counter is acted on whether the counter is open or paused.
    if current is TicketState.CALLED:
        allowed.update(_NEEDS_CALLED)
    if current in AT_COUNTER_STATES:
        allowed.update(_NEEDS_AT_COUNTER)
    return [action for action in CounterAction if action in allowed]
