"""The serving page: the current ticket, one button per action, the counter's queues and day."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_console.actions import LABELS, Action
from counter_console.prompt import PromptPanel
from counter_console.style import (
    AMBER,
    BLUE,
    GREEN,
    GREY,
    RED,
    label,
    plain_tooltip,
    set_style,
    text_style,
)
from counter_console.viewmodel import CounterViewModel, QueueLine, minutes_text
from hw.keypad import KeyMap
from shared.domain.tickets import TicketState
from shared.qt.fonts import ui_font

BUTTONS = (
    Action.CALL_NEXT,
    Action.RECALL,
    Action.START_SERVING,
    Action.NO_SHOW,
    Action.FINISH,
    Action.CALL_NUMBER,
    Action.TRANSFER,
    Action.HOLD,
    Action.RESUME,
    Action.PAUSE,
    Action.DOSSIER,
    Action.RETURN_DOSSIER,
)
STATE_COLOURS = {TicketState.CALLED: AMBER, TicketState.SERVING: GREEN, TicketState.ON_HOLD: GREY}


def card() -> QFrame:
    """Make a white rounded panel."""
    frame = QFrame()
    frame.setObjectName("card")
    return frame


class KeyButton(QPushButton):
    """An action's button: its key in a column of its own, then what it does.

    Keys of different widths ("F1", "F12") written into one text would start each action's
    words at a different place; in a column of fixed width they line up down the grid.
    """

    def __init__(self, key: str, text: str, key_width: int, primary: bool = False) -> None:
        super().__init__()
        size, colour = (18, "white") if primary else (15, "")
        self.key = label(key, size, bold=True, colour=colour)
        self.caption = label(text, size, bold=primary, colour=colour)
        self.key.setFixedWidth(key_width)
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(12, 6, 12, 6)
        self.row.setSpacing(0)
        self.row.addWidget(self.key)
        self.row.addWidget(self.caption, 1)
        for part in (self.key, self.caption):
            part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAccessibleName(f"{key} {text}".strip())

    def set_text(self, text: str) -> None:
        """Change what the button says it does."""
        self.caption.setText(text)
        self.setAccessibleName(f"{self.key.text()} {text}".strip())

    def sizeHint(self) -> QSize:
        """Return the room the key and the words need."""
        return self.row.sizeHint()

    def minimumSizeHint(self) -> QSize:
        """Return the room the key and the words need at least."""
        return self.row.minimumSize()


class ServingPage(QWidget):
    """A thin view over CounterViewModel; buttons call `trigger(action)` like the keys do."""

    def __init__(
        self,
        model: CounterViewModel,
        keymap: KeyMap,
        trigger: Callable[[Action], None],
        services: Sequence[tuple[str, str]],
        counters: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("page")
        root = QHBoxLayout(self)
        root.setContentsMargins(14, 14, 14, 14)
        root.setSpacing(14)
        left = QVBoxLayout()
        right = QVBoxLayout()
        root.addLayout(left, 3)
        root.addLayout(right, 2)

        ticket = card()
        tbox = QVBoxLayout(ticket)
        tbox.setContentsMargins(20, 14, 20, 14)
        tbox.addWidget(label("SỐ ĐANG PHỤC VỤ", 14, bold=True, colour=GREY))
        row = QHBoxLayout()
        row.setSpacing(24)
        self.number = label("—", 76, bold=True, colour=BLUE)
        self.number.setObjectName("current-number")
        row.addWidget(self.number)
        details = QVBoxLayout()
        details.setSpacing(4)
        self.service = label("", 18, bold=True)
        self.service.setWordWrap(True)
        self.priority = label("", 15, bold=True, colour=RED)
        self.state = label("", 16, bold=True)
        self.waited = label("", 15)
        for widget in (self.service, self.priority, self.state, self.waited):
            details.addWidget(widget)
        row.addLayout(details, 1)
        tbox.addLayout(row)
        self.held = label("", 14, colour=GREY)
        tbox.addWidget(self.held)
        ticket.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        left.addWidget(ticket)

        self.prompt = PromptPanel(services, counters)
        left.addWidget(self.prompt)

        # While a prompt is open its keys still work, but its buttons make room for the prompt:
        # both do not fit on a 1366×768 screen.
        self.button_grid = QWidget()
        grid = QGridLayout(self.button_grid)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        shortcuts = {a: next(iter(keymap.keys_for(a.value)), "") for a in BUTTONS}
        widest = QFontMetrics(ui_font(18, bold=True))
        key_width = max(widest.horizontalAdvance(k) for k in shortcuts.values()) + 14
        self.buttons: dict[Action, KeyButton] = {}
        for i, action in enumerate(BUTTONS):
            primary = action is Action.CALL_NEXT
            button = KeyButton(shortcuts[action], LABELS[action], key_width, primary)
            button.setMinimumHeight(54 if primary else 44)
            if primary:
                button.setObjectName("primary")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _=False, a=action: trigger(a))
            self.buttons[action] = button
            if primary:
                grid.addWidget(button, 0, 0, 1, 2)
            else:
                r, col = divmod(i - 1, 2)
                grid.addWidget(button, r + 1, col)
        left.addWidget(self.button_grid)
        self.prompt.opened.connect(self.button_grid.hide)
        self.prompt.cancelled.connect(self.button_grid.show)
        left.addStretch(1)

        queues = card()
        qbox = QVBoxLayout(queues)
        qbox.addWidget(label("HÀNG CHỜ CỦA QUẦY", 14, bold=True, colour=GREY))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            ["Dịch vụ", "Đang chờ", "Ưu tiên", "Lịch hẹn", "Chờ lâu nhất"]
        )
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3, 4):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        qbox.addWidget(self.table)
        right.addWidget(queues, 3)

        day = card()
        dbox = QVBoxLayout(day)
        dbox.addWidget(label("HÔM NAY TẠI QUẦY", 14, bold=True, colour=GREY))
        self.served = label("", 18, bold=True)
        self.average = label("", 16)
        dbox.addWidget(self.served)
        dbox.addWidget(self.average)
        dbox.addStretch(1)
        right.addWidget(day, 1)

        self._shown_queues: list[QueueLine] | None = None
        model.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Show the model's state and enable only the actions allowed now."""
        m = self.model
        current = m.current
        if current is None:
            self.number.setText("—")
            self.service.setText("Chưa gọi số nào" if not m.paused else "Quầy đang tạm dừng")
            self.priority.setText("")
            self.state.setText(f"Lý do: {m.state.pause_reason}" if m.paused and m.state else "")
            self.waited.setText("")
        else:
            self.number.setText(current.number)
            self.service.setText(current.service_name)
            booked = m.appointment_text(current.appointment_at)
            self.priority.setText(booked or ("ƯU TIÊN" if current.priority else ""))
            colour = BLUE if booked else RED
            set_style(self.priority, text_style(15, True, colour))
            self.state.setText(m.state_label())
            set_style(self.state, text_style(17, True, STATE_COLOURS.get(current.state, BLUE)))
            recalls = f" · đã gọi lại {current.recall_count} lần" if current.recall_count else ""
            self.waited.setText(
                f"Lấy số lúc {self._local(current)} · chờ {m.current_waited_text()}{recalls}"
            )
        held = m.state.held if m.state is not None else []
        self.held.setText("Đang tạm giữ: " + ", ".join(held) if held else "")
        for action, button in self.buttons.items():
            reason = m.why_not(action)
            button.setEnabled(reason is None)
            button.setToolTip(plain_tooltip(reason or ""))
        self.buttons[Action.PAUSE].set_text("Tiếp tục quầy" if m.paused else LABELS[Action.PAUSE])
        if m.queues != self._shown_queues:  # most refreshes are not about the queues
            self._shown_queues = m.queues
            self._fill_queues(m.queues)
        state = m.state
        served = state.served_today if state else 0
        average = state.average_service_seconds if state else 0
        self.served.setText(f"Đã phục vụ: {served} công dân")
        self.average.setText(
            f"Thời gian phục vụ trung bình: {minutes_text(average)}" if served else ""
        )

    def _fill_queues(self, queues: list[QueueLine]) -> None:
        # The appointments column only while appointments wait: the names keep their room.
        self.table.setColumnHidden(3, not any(line.appointments for line in queues))
        self.table.setRowCount(len(queues))
        for r, line in enumerate(queues):
            oldest = minutes_text(line.oldest_wait_seconds) if line.waiting else "—"
            booked = "—"
            if line.appointments and line.next_appointment_at is not None:
                slot = f"{line.next_appointment_at.astimezone(self.model.timezone):%H:%M}"
                booked = f"{slot} ({line.appointments})"
            cells = [line.name, str(line.waiting), str(line.priority_waiting), booked, oldest]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(r, col, item)

    def _local(self, current: object) -> str:
        issued = getattr(current, "issued_at", None)
        if issued is None:
            return ""
        return f"{issued.astimezone(self.model.timezone):%H:%M}"
