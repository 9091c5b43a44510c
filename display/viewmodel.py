"""The hall display's state: counters, recent calls, the highlighted call, clock, connection."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from shared.domain.counters import CounterStatus
from shared.domain.tickets import TicketEventKind
from shared.messaging.states import BoardState, TicketEventMessage
from shared.messaging.topics import Topics
from shared.qt.bridge import BusBridge

log = logging.getLogger(__name__)

CALL_KINDS = (TicketEventKind.CALLED, TicketEventKind.RECALLED)
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


@dataclass(frozen=True)
class CounterLine:
    """One counter on the board: its label and the number it serves (None when idle)."""

    counter: str
    label: str
    number: str | None
    status: CounterStatus
    appointment: bool = False  # the number is an appointment's (marked beside it)


@dataclass(frozen=True)
class CallLine:
    """One recent call: number, counter and when it was called."""

    number: str
    counter: str
    label: str
    at: datetime
    appointment: bool = False


def _utc_now() -> datetime:
    return datetime.now(UTC)


class BoardViewModel(QObject):
    """State of one zone's board, fed by bus messages delivered on the UI thread."""

    changed = Signal()
    # number, counter label, kind ("called"/"recalled"): connect an Announcer to it.
    call_announced = Signal(str, str, str)

    def __init__(
        self,
        site_id: str,
        zone: str,
        *,
        highlight_seconds: float = 20.0,
        max_calls: int = 8,
        timezone: str = "Asia/Ho_Chi_Minh",
        now: Callable[[], datetime] = _utc_now,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.topics = Topics(site_id)
        self.zone = zone
        self.max_calls = max_calls
        self._tz = ZoneInfo(timezone)
        self._now = now
        self.site_name = ""
        self.zone_name = zone
        self.counters: list[CounterLine] = []
        self.recent_calls: list[CallLine] = []
        self.current_call: CallLine | None = None
        self.highlighted = False
        self.connected = False
        self.ever_connected = False
        self.clock_text = ""
        self.date_text = ""
        # Calls already announced: the newest `at`, and which calls carried exactly that time.
        self._newest_at: datetime | None = None
        self._newest_keys: set[tuple[str, str, str]] = set()
        self._highlight = QTimer(self)
        self._highlight.setSingleShot(True)
        self._highlight.setInterval(int(highlight_seconds * 1000))
        self._highlight.timeout.connect(self._end_highlight)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self.tick)
        self.tick()

    # -- wiring ---------------------------------------------------------------------------------

    def attach(self, bridge: BusBridge) -> None:
        """Subscribe the bridge to this zone's board and call events and listen to it."""
        bridge.message.connect(self.handle_message, Qt.ConnectionType.QueuedConnection)
        bridge.connection_changed.connect(self.set_connected, Qt.ConnectionType.QueuedConnection)
        bridge.subscribe(self.topics.board(self.zone))
        for kind in CALL_KINDS:
            bridge.subscribe(self.topics.event(kind))
        bridge.watch_connection()

    def start_clock(self) -> None:
        """Refresh the clock every second."""
        self._clock.start()

    def stop(self) -> None:
        """Stop the timers."""
        self._clock.stop()
        self._highlight.stop()

    # -- text the view shows ----------------------------------------------------------------------

    @property
    def status_text(self) -> str:
        """Connection line: empty when connected, a reconnecting mark otherwise."""
        if self.connected:
            return ""
        if self.ever_connected:
            return "Mất kết nối — đang kết nối lại…"
        return "Đang kết nối…"

    # -- inputs --------------------------------------------------------------------------------

    @Slot()
    def tick(self) -> None:
        """Update the clock and date text; emit `changed` only when the minute changes."""
        local = self._now().astimezone(self._tz)
        clock = local.strftime("%H:%M")
        date = f"{WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y}"
        if (clock, date) != (self.clock_text, self.date_text):
            self.clock_text, self.date_text = clock, date
            self.changed.emit()

    @Slot(bool)
    def set_connected(self, connected: bool) -> None:
        """Record the broker connection; the last board stays on screen while it is down."""
        self.connected = connected
        self.ever_connected = self.ever_connected or connected
        self.changed.emit()

    @Slot(str, bytes)
    def handle_message(self, topic: str, payload: bytes) -> None:
        """Apply one bus message: this zone's board, or a call event; others are ignored."""
        try:
            if topic == self.topics.board(self.zone):
                self.apply_board(BoardState.model_validate_json(payload))
            elif topic in {self.topics.event(k) for k in CALL_KINDS}:
                self.apply_event(TicketEventMessage.model_validate_json(payload))
        except ValidationError as exc:
            log.warning("ignored a malformed message on %s: %s", topic, exc.error_count())

    def apply_board(self, board: BoardState) -> None:
        """Show a board snapshot (the retained one at start and after every reconnect)."""
        if board.zone != self.zone:
            return
        self.site_name = board.site_name
        self.zone_name = board.zone_name
        self.counters = [
            CounterLine(c.counter, c.label, c.number, c.status, c.appointment)
            for c in board.counters
        ]
        self.recent_calls = [
            CallLine(c.number, c.counter, c.label, c.at, c.appointment) for c in board.recent_calls
        ][: self.max_calls]
        top = self.recent_calls[0] if self.recent_calls else None
        if top is not None and (self.current_call is None or top.at >= self.current_call.at):
            self.current_call = top  # the board, right after a call's event, adds its mark
        self.changed.emit()

    def apply_event(self, event: TicketEventMessage) -> None:
        """Show and announce a new call of this zone; repeats of calls already seen are ignored."""
        if event.kind not in CALL_KINDS or event.counter is None:
            return
        known = {c.counter for c in self.counters}
        if event.zone != self.zone and not (event.zone is None and event.counter in known):
            return
        key = (event.kind, event.number, event.counter)
        if self._newest_at is not None:
            if event.at < self._newest_at:
                return
            if event.at == self._newest_at and key in self._newest_keys:
                return
        if self._newest_at is None or event.at > self._newest_at:
            self._newest_at = event.at
            self._newest_keys = set()
        self._newest_keys.add(key)
        label = event.counter_label or self._label_of(event.counter)
        call = CallLine(event.number, event.counter, label, event.at)
        self.counters = [
            CounterLine(c.counter, c.label, event.number, c.status)
            if c.counter == event.counter
            else c
            for c in self.counters
        ]
        rest = [c for c in self.recent_calls if c.number != event.number]
        self.recent_calls = [call, *rest][: self.max_calls]
        self.current_call = call
        self.highlighted = True
        self._highlight.start()
        self.changed.emit()
        self.call_announced.emit(event.number, label, event.kind.value)

    def _label_of(self, counter: str) -> str:
        for line in self.counters:
            if line.counter == counter:
                return line.label
        return counter

    @Slot()
    def _end_highlight(self) -> None:
        self.highlighted = False
        self.changed.emit()
