"""The console enables a counter command when the counter's state lists it among its actions."""

from __future__ import annotations

from datetime import UTC, datetime

from counter_console.actions import Action, ConsoleSituation, Officer, blocked_reason
from shared.domain.counter_actions import CounterAction
from shared.domain.counters import CounterStatus
from shared.domain.tickets import TicketState
from shared.messaging.replies import TicketInfo
from shared.messaging.states import CounterStateMessage

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
CALLED = TicketInfo(
    number="A012",
    service="ho-tich",
    service_name="Hộ tịch",
    state=TicketState.CALLED,
    issued_at=NOW,
    service_day="2026-11-23",
)


def _situation(counter: CounterStateMessage) -> ConsoleSituation:
    officer = Officer("cb01", "Cán bộ quầy 1")
    return ConsoleSituation(True, True, officer, locked=False, busy=False, counter=counter)


def _counter(**fields: object) -> CounterStateMessage:
    values: dict[str, object] = {"counter": "q01", "label": "1", "updated_at": NOW}
    values.update(fields)
    return CounterStateMessage.model_validate(values)


def test_buttons_follow_the_actions_the_server_lists() -> None:
    listed = _counter(
        status=CounterStatus.OPEN,
        current=CALLED,
        actions=[CounterAction.PAUSE, CounterAction.FINISH],  # not what the rules would say
    )
    s = _situation(listed)
    assert blocked_reason(Action.FINISH, s) is None
    assert blocked_reason(Action.PAUSE, s) is None
    assert blocked_reason(Action.CALL_NEXT, s) is not None
    assert blocked_reason(Action.RECALL, s) is not None


def test_without_a_list_the_same_rules_decide() -> None:
    called = _situation(_counter(status=CounterStatus.OPEN, current=CALLED))
    for action in (Action.CALL_NEXT, Action.RECALL, Action.START_SERVING, Action.HOLD):
        assert blocked_reason(action, called) is None, action
    assert blocked_reason(Action.RESUME, called) == (
        "Quầy đang phục vụ số A012: kết thúc hoặc tạm giữ trước."
    )
    idle = _situation(_counter(status=CounterStatus.OPEN))
    assert blocked_reason(Action.FINISH, idle) == "Chưa gọi số nào."


def test_a_paused_counter_says_why_it_calls_nobody_and_offers_to_resume() -> None:
    paused = _situation(_counter(status=CounterStatus.PAUSED, pause_reason="họp", current=CALLED))
    assert blocked_reason(Action.CALL_NEXT, paused) == (
        "Quầy đang tạm dừng (họp): bấm Tiếp tục quầy trước."
    )
    assert blocked_reason(Action.PAUSE, paused) is None  # sends unpause_counter
    assert blocked_reason(Action.NO_SHOW, paused) is None
    assert blocked_reason(Action.DOSSIER, paused) is None


def test_a_closed_counter_blocks_every_server_action() -> None:
    closed = _situation(_counter(status=CounterStatus.CLOSED, actions=[CounterAction.CLOSE]))
    for action in (Action.CALL_NEXT, Action.PAUSE, Action.DOSSIER):
        assert blocked_reason(action, closed) == "Quầy đang đóng: đăng nhập lại để mở quầy."
