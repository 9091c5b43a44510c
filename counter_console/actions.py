"""What an officer can do at the counter, and why an action is not allowed right now."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from shared.domain.counter_actions import CounterAction, allowed_actions
from shared.domain.counters import CounterStatus
from shared.messaging.states import CounterStateMessage


class Action(StrEnum):
    """Every action of the console (the names the key table and the keypad use)."""

    CALL_NEXT = "call_next"
    RECALL = "recall"
    START_SERVING = "start_serving"
    NO_SHOW = "no_show"
    CALL_NUMBER = "call_number"
    TRANSFER = "transfer"
    HOLD = "hold"
    RESUME = "resume"
    FINISH = "finish"
    PAUSE = "pause"
    DOSSIER = "dossier"
    RETURN_DOSSIER = "return_dossier"
    SERVING = "serving"
    SUPERVISOR = "supervisor"
    LOCK = "lock"


LABELS: dict[Action, str] = {
    Action.CALL_NEXT: "Gọi số tiếp theo",
    Action.RECALL: "Gọi lại",
    Action.START_SERVING: "Công dân đã đến",
    Action.NO_SHOW: "Vắng mặt",
    Action.CALL_NUMBER: "Gọi số…",
    Action.TRANSFER: "Chuyển…",
    Action.HOLD: "Tạm giữ…",
    Action.RESUME: "Phục vụ lại số giữ",
    Action.FINISH: "Kết thúc",
    Action.PAUSE: "Tạm dừng quầy",
    Action.DOSSIER: "Tiếp nhận hồ sơ",
    Action.RETURN_DOSSIER: "Trả kết quả",
    Action.SERVING: "Màn hình phục vụ",
    Action.SUPERVISOR: "Giám sát",
    Action.LOCK: "Khóa màn hình",
}

# Actions that need the server (the others only change what the console shows).
SERVER_ACTIONS = frozenset(
    {
        Action.CALL_NEXT,
        Action.RECALL,
        Action.START_SERVING,
        Action.NO_SHOW,
        Action.CALL_NUMBER,
        Action.TRANSFER,
        Action.HOLD,
        Action.RESUME,
        Action.FINISH,
        Action.PAUSE,
        Action.DOSSIER,
        Action.RETURN_DOSSIER,
    }
)
# The console's actions that send a counter command, and that command (Pause also unpauses).
COMMANDS: dict[Action, CounterAction] = {
    Action.CALL_NEXT: CounterAction.CALL_NEXT,
    Action.RECALL: CounterAction.RECALL,
    Action.START_SERVING: CounterAction.START_SERVING,
    Action.NO_SHOW: CounterAction.NO_SHOW,
    Action.CALL_NUMBER: CounterAction.CALL_NUMBER,
    Action.TRANSFER: CounterAction.TRANSFER,
    Action.HOLD: CounterAction.HOLD,
    Action.RESUME: CounterAction.RESUME,
    Action.FINISH: CounterAction.FINISH,
    Action.PAUSE: CounterAction.PAUSE,
}
CALLING = frozenset({CounterAction.CALL_NEXT, CounterAction.CALL_NUMBER, CounterAction.RESUME})
NEEDS_CALLED = frozenset({CounterAction.RECALL, CounterAction.START_SERVING, CounterAction.NO_SHOW})

NOT_CONNECTED = "Mất kết nối mạng tới hệ thống — đang kết nối lại, chưa thể thao tác."
SERVER_DOWN = "Máy chủ xếp hàng đang không hoạt động — chờ máy chủ trở lại."
NOT_LOGGED_IN = "Chưa đăng nhập: nhập mã cán bộ và mật khẩu."
LOCKED = "Màn hình đang khóa: nhập mật khẩu để mở."
BUSY = "Đang chờ máy chủ trả lời lệnh trước…"


@dataclass(frozen=True)
class Officer:
    """The officer signed in at the console."""

    id: str
    name: str
    title: str = ""
    role: str = "officer"

    @property
    def is_supervisor(self) -> bool:
        """Tell whether the officer may open the supervisor view."""
        return self.role in ("supervisor", "admin")


@dataclass(frozen=True)
class ConsoleSituation:
    """Everything that decides whether an action is allowed."""

    connected: bool
    server_online: bool
    officer: Officer | None
    locked: bool
    busy: bool
    counter: CounterStateMessage | None


def counter_actions(counter: CounterStateMessage) -> list[CounterAction]:
    """Return the counter commands the server accepts now, as the counter's state lists them.

    A server too old to list them sends none (never the case otherwise: a counter may always
    close or pause): the same rules then work them out from the state.
    """
    if counter.actions:
        return counter.actions
    current = counter.current.state if counter.current is not None else None
    return allowed_actions(counter.status, current, held=bool(counter.held))


def command_of(action: Action, counter: CounterStateMessage) -> CounterAction | None:
    """Return the counter command an action sends now, or None when it sends none."""
    if action is Action.PAUSE and counter.status is CounterStatus.PAUSED:
        return CounterAction.UNPAUSE
    return COMMANDS.get(action)


def blocked_reason(action: Action, s: ConsoleSituation) -> str | None:
    """Return why `action` is not allowed now (Vietnamese, for the officer), or None."""
    if s.officer is None:
        return NOT_LOGGED_IN
    if s.locked:
        return LOCKED
    if action is Action.SUPERVISOR:
        return None if s.officer.is_supervisor else "Chỉ cán bộ giám sát mới xem được màn hình này."
    if action not in SERVER_ACTIONS:
        return None
    if not s.connected:
        return NOT_CONNECTED
    if not s.server_online:
        return SERVER_DOWN
    if s.busy:
        return BUSY
    counter = s.counter
    if counter is None:
        return "Chưa nhận được trạng thái quầy từ máy chủ."
    if counter.status is CounterStatus.CLOSED:
        return "Quầy đang đóng: đăng nhập lại để mở quầy."
    command = command_of(action, counter)
    # Dossier actions need only an open counter (the server checks the officer).
    if command is None or command in counter_actions(counter):
        return None
    return _refusal(command, counter)


def _refusal(command: CounterAction, counter: CounterStateMessage) -> str:
    """Say why the server would refuse a counter command now."""
    current = counter.current
    if counter.status is CounterStatus.PAUSED and command in CALLING:
        return f"Quầy đang tạm dừng ({counter.pause_reason}): bấm Tiếp tục quầy trước."
    if command is CounterAction.RESUME:
        if current is not None:
            return f"Quầy đang phục vụ số {current.number}: kết thúc hoặc tạm giữ trước."
        return "Không có số nào đang tạm giữ tại quầy."
    if current is None:
        return "Chưa gọi số nào."
    if command in NEEDS_CALLED:
        return f"Số {current.number} đã đến quầy: chỉ gọi lại hoặc báo vắng khi chờ công dân."
    return "Máy chủ không cho phép thao tác này lúc này."
