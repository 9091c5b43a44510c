"""Counter states: closed, open (an officer is signed in) or paused with a reason."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from shared.domain.errors import InvalidTransition


class CounterStatus(StrEnum):
    """Whether a counter is staffed and calling."""

    CLOSED = "closed"
    OPEN = "open"
    PAUSED = "paused"


@dataclass(frozen=True)
class CounterState:
    """A counter's state as the server keeps it."""

    counter_id: str
    status: CounterStatus = CounterStatus.CLOSED
    officer_id: str | None = None
    current_ticket_id: int | None = None
    priority_streak: int = 0
    pause_reason: str = ""

    def require_calling(self) -> None:
        """Raise InvalidTransition unless the counter is open and not paused."""
        if self.status is CounterStatus.CLOSED:
            raise InvalidTransition(f"Quầy {self.counter_id} đang đóng: hãy mở quầy trước.")
        if self.status is CounterStatus.PAUSED:
            raise InvalidTransition(
                f"Quầy {self.counter_id} đang tạm dừng ({self.pause_reason}): hãy tiếp tục trước."
            )


def open_counter(state: CounterState, officer_id: str) -> CounterState:
    """Open the counter for an officer (re-opening by the same officer changes nothing)."""
    if state.status is not CounterStatus.CLOSED and state.officer_id not in (None, officer_id):
        raise InvalidTransition(
            f"Quầy {state.counter_id} đang do cán bộ {state.officer_id} phụ trách."
        )
    status = CounterStatus.OPEN if state.status is CounterStatus.CLOSED else state.status
    return replace(state, status=status, officer_id=officer_id)


def close_counter(state: CounterState) -> CounterState:
    """Close the counter; it must not hold a citizen."""
    if state.current_ticket_id is not None:
        raise InvalidTransition(f"Quầy {state.counter_id} còn đang phục vụ: hãy kết thúc trước.")
    return replace(state, status=CounterStatus.CLOSED, officer_id=None, pause_reason="")


def pause_counter(state: CounterState, reason: str) -> CounterState:
    """Pause an open counter with a reason shown to supervisors."""
    if state.status is CounterStatus.CLOSED:
        raise InvalidTransition(f"Quầy {state.counter_id} đang đóng.")
    if not reason.strip():
        raise InvalidTransition("Cần ghi lý do tạm dừng.")
    return replace(state, status=CounterStatus.PAUSED, pause_reason=reason.strip())


def unpause_counter(state: CounterState) -> CounterState:
    """Resume calling after a pause."""
    if state.status is not CounterStatus.PAUSED:
        raise InvalidTransition(f"Quầy {state.counter_id} không tạm dừng.")
    return replace(state, status=CounterStatus.OPEN, pause_reason="")
