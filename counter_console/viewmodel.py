"""The counter console's state: officer, counter, current ticket, queues, connection; commands."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from counter_console.actions import Action, ConsoleSituation, Officer, blocked_reason
from counter_console.runner import CommandRunner, OneCommandAtATime
from shared.domain.counters import CounterStatus
from shared.domain.tickets import AT_COUNTER_STATES, TicketState
from shared.messaging import commands as c
from shared.messaging import dossier_commands as d
from shared.messaging.client import new_request_id
from shared.messaging.replies import ErrorCode, Reply, TicketInfo
from shared.messaging.results import (
    CallResult,
    CounterResult,
    CounterTicketResult,
    LoginResult,
    parse_result,
)
from shared.messaging.states import CounterStateMessage, DeviceStatus, QueuesState
from shared.messaging.topics import Topics
from shared.qt.bridge import BusBridge
from shared.runtime import utc_now

log = logging.getLogger(__name__)
MALFORMED_REPLY = "Máy chủ trả lời không đúng định dạng."
STATE_LABELS = {
    TicketState.WAITING: "Đang chờ",
    TicketState.CALLED: "Đã gọi — chờ công dân đến",
    TicketState.SERVING: "Đang phục vụ",
    TicketState.ON_HOLD: "Tạm giữ",
    TicketState.DONE: "Đã xong",
    TicketState.NO_SHOW: "Vắng mặt",
    TicketState.VOIDED: "Đã hủy",
}


@dataclass(frozen=True)
class QueueLine:
    """Waiting figures of one of the counter's services."""

    service: str
    name: str
    waiting: int
    priority_waiting: int
    oldest_wait_seconds: int
    appointments: int = 0  # appointments checked in, among `waiting`
    next_appointment_at: datetime | None = None


@dataclass(frozen=True)
class CounterInfo:
    """What the console knows about its own counter from the site file."""

    id: str
    label: str
    name: str
    services: tuple[str, ...]


def minutes_text(seconds: float) -> str:
    """Write a duration for officers: '45 giây', '12 phút', '1 giờ 05 phút'."""
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} giây"
    minutes = seconds // 60
    if minutes < 60:
        return f"{minutes} phút"
    return f"{minutes // 60} giờ {minutes % 60:02d} phút"


class CounterViewModel(QObject):
    """State of one counter's console, fed by bus messages and command replies on the UI thread."""

    changed = Signal()
    # A ticket of this counter was finished (number): the rating pad asks the citizen.
    ticket_finished = Signal(str)
    # The signed-in officer changed (None when signed out).
    officer_changed = Signal(object)
    # The idle timer locked the console.
    locked_changed = Signal(bool)

    def __init__(
        self,
        site_id: str,
        counter: CounterInfo,
        runner: CommandRunner,
        *,
        server_id: str = "",
        idle_lock_minutes: float = 15,
        timezone: str = "Asia/Ho_Chi_Minh",
        now: Callable[[], datetime] = utc_now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.topics = Topics(site_id)
        self.counter = counter
        self.server_id = server_id or f"server-{site_id}"
        self._now = now
        self.timezone = ZoneInfo(timezone)
        self.officer: Officer | None = None
        self.locked = False
        self._commands = OneCommandAtATime(runner, self.changed.emit, self._reject)
        self.connected = False
        self.ever_connected = False
        self.server_online: bool | None = None
        # The server answered that its database does not answer: shown until it writes again.
        self.storage_down = False
        self.state: CounterStateMessage | None = None
        self.queues: list[QueueLine] = []
        self.message = ""
        self.message_is_error = False
        self.last_action = ""
        self._pause_reason = ""
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(int(idle_lock_minutes * 60_000))
        self._idle.timeout.connect(self.lock)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._tick)
        self._clock_text = ""

    # -- wiring ---------------------------------------------------------------------------------

    def attach(self, bridge: BusBridge) -> None:
        """Subscribe to the counter's state, the queues and the server's presence."""
        bridge.message.connect(self.handle_message, Qt.ConnectionType.QueuedConnection)
        bridge.connection_changed.connect(self.set_connected, Qt.ConnectionType.QueuedConnection)
        bridge.subscribe(self.topics.counter(self.counter.id))
        bridge.subscribe(self.topics.queues())
        bridge.subscribe(self.topics.status(self.server_id))
        bridge.watch_connection()

    def start_clock(self) -> None:
        """Refresh waiting times every second."""
        self._clock.start()

    def stop(self) -> None:
        """Stop the timers."""
        self._clock.stop()
        self._idle.stop()

    # -- what the view shows --------------------------------------------------------------------

    def situation(self) -> ConsoleSituation:
        """Return the facts that decide which actions are allowed."""
        return ConsoleSituation(
            connected=self.connected,
            server_online=self.server_online is not False,
            officer=self.officer,
            locked=self.locked,
            busy=self.busy,
            counter=self.state,
        )

    def why_not(self, action: Action) -> str | None:
        """Return why an action is not allowed now, or None when it is."""
        return blocked_reason(action, self.situation())

    @property
    def busy(self) -> bool:
        """Tell whether a command is waiting for the server's reply."""
        return self._commands.busy

    def carded_ticket(self) -> str | None:
        """The number served now when its citizen shared their ID card at the kiosk."""
        state = self.state
        if state is None or state.current is None or not state.current_card:
            return None
        return state.current.number

    @property
    def current(self) -> TicketInfo | None:
        """Return the ticket at the counter now, if any."""
        return self.state.current if self.state is not None else None

    @property
    def paused(self) -> bool:
        """Tell whether the counter is paused."""
        return self.state is not None and self.state.status is CounterStatus.PAUSED

    def connection_text(self) -> str:
        """Return a line saying what is wrong with the connection, or '' when all is well."""
        if not self.connected:
            if self.ever_connected:
                return "Mất kết nối tới hệ thống — đang kết nối lại. Các thao tác tạm khóa."
            return "Đang kết nối tới hệ thống…"
        if self.server_online is False:
            return "Máy chủ xếp hàng không hoạt động — các thao tác tạm khóa."
        if self.storage_down:
            return (
                "Máy chủ tạm không ghi được cơ sở dữ liệu — thao tác vừa rồi chưa được thực hiện. "
                "Chờ ít giây rồi thử lại."
            )
        return ""

    def current_waited_text(self) -> str:
        """Return how long the current citizen has been in the centre since taking the number."""
        current = self.current
        if current is None:
            return ""
        return minutes_text((self._now() - current.issued_at).total_seconds())

    def appointment_text(self, at: datetime | None) -> str:
        """An appointment's slot as officers read it: 'Lịch hẹn 09:30' ('' for none)."""
        if at is None:
            return ""
        return f"Lịch hẹn {at.astimezone(self.timezone):%H:%M}"

    def state_label(self) -> str:
        """Return the current ticket's state in Vietnamese."""
        current = self.current
        return STATE_LABELS[current.state] if current else ""

    # -- inputs from the bus --------------------------------------------------------------------

    @Slot(bool)
    def set_connected(self, connected: bool) -> None:
        """Record the broker connection; actions are blocked while it is down."""
        self.connected = connected
        self.ever_connected = self.ever_connected or connected
        self.changed.emit()

    @Slot(str, bytes)
    def handle_message(self, topic: str, payload: bytes) -> None:
        """Apply a retained counter state, queue figures or the server's presence."""
        try:
            if topic == self.topics.counter(self.counter.id):
                self.apply_state(CounterStateMessage.model_validate_json(payload))
            elif topic == self.topics.queues():
                self.apply_queues(QueuesState.model_validate_json(payload))
            elif topic == self.topics.status(self.server_id):
                status = DeviceStatus.model_validate_json(payload)
                self.server_online = status.state == "online"
                self.changed.emit()
        except ValidationError as exc:
            log.warning("ignored a malformed message on %s: %s", topic, exc.error_count())

    def apply_state(self, state: CounterStateMessage) -> None:
        """Show the counter's state as the server published it."""
        if state.counter != self.counter.id:
            return
        if self.state is not None and state.updated_at < self.state.updated_at:
            return  # an older snapshot overtaken by a reply already shown
        if self.state is not None and state.updated_at > self.state.updated_at:
            self.storage_down = False  # the server wrote again
        self.state = state
        self.changed.emit()

    def apply_queues(self, queues: QueuesState) -> None:
        """Keep the waiting figures of this counter's services, in the counter's calling order."""
        by_code = {s.service: s for s in queues.services}
        self.queues = [
            QueueLine(
                s.service,
                s.name,
                s.waiting,
                s.priority_waiting,
                s.oldest_wait_seconds,
                s.appointments_waiting,
                s.next_appointment_at,
            )
            for code in self.counter.services
            if (s := by_code.get(code)) is not None
        ]
        self.changed.emit()

    # -- session --------------------------------------------------------------------------------

    def login(self, officer_id: str, password: str) -> None:
        """Ask the server to check the officer and open the counter for them."""
        officer_id = officer_id.strip().lower()
        if not officer_id or not password:
            self.say("Nhập mã cán bộ và mật khẩu.", error=True)
            return
        if not self.connected:
            self.say(self.connection_text() or "Chưa kết nối tới hệ thống.", error=True)
            return
        try:
            command = d.OfficerLogin(
                request_id=new_request_id(), officer_id=officer_id, password=password
            )
        except ValidationError:
            self.say("Mã cán bộ không hợp lệ.", error=True)
            return
        self._commands.send(command, self._logged_in, busy_ok=True)

    def _logged_in(self, reply: Reply) -> None:
        if not reply.ok:
            self._fail(reply)
            return
        try:
            data = reply.result_as(LoginResult).officer
        except ValueError:
            log.exception("the server's officer_login reply does not match LoginResult")
            self.say(MALFORMED_REPLY, error=True)
            return
        self.begin_shift(Officer(id=data.id, name=data.name, title=data.title, role=data.role))

    def begin_shift(self, officer: Officer) -> None:
        """Show the console to a signed-in officer (after the server accepted the login)."""
        self.officer = officer
        self.set_locked(False)
        self.say(f"Xin chào {officer.name}. Quầy {self.counter.label} đã mở.")
        self.officer_changed.emit(officer)
        self.note_activity()

    def logout(self) -> None:
        """End the shift: the server closes the counter and logs the session."""
        if self.officer is None:
            return
        self._commands.send(
            d.OfficerLogout(request_id=new_request_id()), self._logged_out, busy_ok=True
        )

    def _logged_out(self, reply: Reply) -> None:
        if not reply.ok:
            self._fail(reply)
            return
        self.officer = None
        self.set_locked(False)
        self._idle.stop()
        self.say("Đã kết thúc ca làm việc.")
        self.officer_changed.emit(None)

    @Slot()
    def lock(self) -> None:
        """Lock the screen (idle or asked); the counter stays open, unlocking needs the password."""
        if self.officer is not None:
            self.set_locked(True)

    def set_locked(self, locked: bool) -> None:
        """Lock or unlock the screen."""
        if locked != self.locked:
            self.locked = locked
            self.locked_changed.emit(locked)
        self.changed.emit()

    def unlock(self, password: str) -> None:
        """Check the signed-in officer's password again and unlock."""
        if self.officer is None:
            return
        self.login(self.officer.id, password)

    def note_activity(self) -> None:
        """Restart the idle-lock timer (every key press or click)."""
        if self.officer is not None and not self.locked:
            self._idle.start()

    # -- serving --------------------------------------------------------------------------------

    def call_next(self) -> bool:
        """Finish the current citizen, if any, and call the next one."""
        return self._act(Action.CALL_NEXT, c.CallNext(request_id=new_request_id()))

    def recall(self) -> bool:
        """Call the current number again."""
        return self._act(Action.RECALL, c.Recall(request_id=new_request_id()))

    def start_serving(self) -> bool:
        """The called citizen arrived."""
        return self._act(Action.START_SERVING, c.StartServing(request_id=new_request_id()))

    def no_show(self) -> bool:
        """The called citizen did not come."""
        return self._act(Action.NO_SHOW, c.NoShow(request_id=new_request_id()))

    def finish(self) -> bool:
        """Finish with the current citizen."""
        return self._act(Action.FINISH, c.Finish(request_id=new_request_id()))

    def call_number(self, number: str) -> bool:
        """Call a specific waiting number."""
        number = number.strip().upper()
        try:
            command = c.CallNumber(request_id=new_request_id(), number=number)
        except ValidationError:
            return self._reject(f"“{number}” không phải là một số thứ tự (ví dụ A012).")
        return self._act(Action.CALL_NUMBER, command)

    def transfer(
        self, to_service: str | None, to_counter: str | None, note: str = "", front: bool = False
    ) -> bool:
        """Send the current citizen to another service or counter, with a note."""
        if not to_service and not to_counter:
            return self._reject("Chọn dịch vụ hoặc quầy nhận chuyển.")
        command = c.Transfer(
            request_id=new_request_id(),
            to_service=to_service or None,
            to_counter=to_counter or None,
            front=front,
            note=note.strip()[:200],
        )
        return self._act(Action.TRANSFER, command)

    def hold(self, reason: str) -> bool:
        """Put the current citizen aside with a reason."""
        if not reason.strip():
            return self._reject("Cần ghi lý do tạm giữ.")
        command = c.Hold(request_id=new_request_id(), reason=reason.strip()[:200])
        return self._act(Action.HOLD, command)

    def resume(self, number: str = "") -> bool:
        """Take a held number back (the oldest held one when none is named)."""
        held = self.state.held if self.state is not None else []
        number = number.strip().upper() or (held[0] if held else "")
        reason = self.why_not(Action.RESUME)
        if reason is not None:
            return self._reject(reason)
        return self._act(Action.RESUME, c.Resume(request_id=new_request_id(), number=number))

    def toggle_pause(self, reason: str = "") -> bool:
        """Pause the counter with a reason, or resume calling when paused."""
        if self.paused:
            return self._act(Action.PAUSE, c.UnpauseCounter(request_id=new_request_id()))
        if not reason.strip():
            return self._reject("Cần ghi lý do tạm dừng.")
        self._pause_reason = reason.strip()[:200]
        command = c.PauseCounter(request_id=new_request_id(), reason=self._pause_reason)
        return self._act(Action.PAUSE, command)

    # -- plumbing -------------------------------------------------------------------------------

    def _act(self, action: Action, command: c.Command) -> bool:
        reason = self.why_not(action)
        if reason is not None:
            return self._reject(reason)
        self.last_action = action.value
        self.note_activity()
        verb = str(type(command).model_fields["type"].default)
        self._commands.send(command, lambda reply: self._applied(reply, verb))
        return True

    def _reject(self, reason: str) -> bool:
        self.say(reason, error=True)
        return False

    def _applied(self, reply: Reply, verb: str) -> None:
        """Show what the server did: the ticket it gave is shown at once."""
        if not reply.ok:
            self._fail(reply)
            return
        self.storage_down = False
        try:
            result = parse_result(verb, reply)
        except ValueError:
            log.exception("the server's %s reply does not match its result model", verb)
            self.say(MALFORMED_REPLY, error=True)
            return
        ticket = result.ticket if isinstance(result, CallResult | CounterTicketResult) else None
        finished = result.finished if isinstance(result, CallResult) else None
        if self.state is not None and (ticket is not None or finished):
            self._show_ticket(ticket)
        if self.state is not None and isinstance(
            result, CounterResult | CallResult | CounterTicketResult
        ):
            status = result.counter.status
            # The reply has no reason; until the counter's state brings it, show the one sent.
            paused = status is CounterStatus.PAUSED
            reason = (self.state.pause_reason or self._pause_reason) if paused else ""
            # The actions allowed follow from the new status until the counter's state lists them.
            update = {"status": status, "pause_reason": reason, "actions": []}
            self.state = self.state.model_copy(update=update)
        if finished:
            self.ticket_finished.emit(finished)
        if ticket is not None and ticket.state is TicketState.DONE:
            self.ticket_finished.emit(ticket.number)
        self.say(self._success_text(ticket, finished))

    def _show_ticket(self, ticket: TicketInfo | None) -> None:
        """Show the ticket a reply gave as the counter's current or held one, at once."""
        assert self.state is not None
        at_counter = ticket if ticket is not None and ticket.state in AT_COUNTER_STATES else None
        held = list(self.state.held)
        if ticket is not None and ticket.state is TicketState.ON_HOLD and ticket.number not in held:
            held.append(ticket.number)
        if at_counter is not None and at_counter.number in held:
            held.remove(at_counter.number)
        update = {"current": at_counter, "held": held, "actions": []}
        self.state = self.state.model_copy(update=update)

    def _success_text(self, ticket: TicketInfo | None, finished: str | None) -> str:
        action = self.last_action
        if ticket is None:
            if finished:
                return f"Đã kết thúc số {finished}. Không còn công dân nào đang chờ."
            return "Đã thực hiện."
        n = ticket.number
        texts = {
            TicketState.CALLED: f"Đã gọi số {n}.",
            TicketState.SERVING: f"Đang phục vụ số {n}.",
            TicketState.DONE: f"Đã kết thúc số {n}.",
            TicketState.NO_SHOW: f"Số {n} vắng mặt.",
            TicketState.ON_HOLD: f"Đã tạm giữ số {n}.",
            TicketState.WAITING: f"Đã chuyển số {n}.",
        }
        if action == Action.RECALL.value and ticket.state is TicketState.CALLED:
            return f"Đã gọi lại số {n} (lần {ticket.recall_count})."
        return texts.get(ticket.state, "Đã thực hiện.")

    def _fail(self, reply: Reply) -> None:
        error = reply.error
        self.storage_down = error is not None and error.code is ErrorCode.STORAGE_UNAVAILABLE
        self.say(error.message if error else "Máy chủ từ chối lệnh.", error=True)

    def say(self, text: str, error: bool = False) -> None:
        """Show a message to the officer (errors stand out)."""
        self.message = text
        self.message_is_error = error
        self.changed.emit()

    @Slot()
    def _tick(self) -> None:
        text = self.current_waited_text()
        if text != self._clock_text:
            self._clock_text = text
            self.changed.emit()
