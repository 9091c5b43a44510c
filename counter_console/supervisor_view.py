"""The supervisor page: alerts first, then counters, waiting per service, devices, late dossiers;
below them, while there are any, the messages to citizens that could not be sent."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFontMetrics, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_console.serving_view import card
from counter_console.style import AMBER, GREY, RED, label
from counter_console.supervisor import DEVICE_NAMES, SupervisorModel
from counter_console.viewmodel import minutes_text
from shared.domain.counters import CounterStatus
from shared.domain.dossiers import TIMELINESS_LABELS
from shared.qt.fonts import ui_font

STATUS = {
    CounterStatus.OPEN: "Đang mở",
    CounterStatus.PAUSED: "Tạm dừng",
    CounterStatus.CLOSED: "Đóng",
}
ALERT_CLOCK_MS = 60_000  # idle-counter alerts grow with time, not with messages


def table(headers: list[str], stretch: int = 0) -> QTableWidget:
    """Make a read-only table; the `stretch` column takes the room the others leave."""
    widget = QTableWidget(0, len(headers))
    widget.setHorizontalHeaderLabels(headers)
    widget.verticalHeader().setVisible(False)
    # Rows as tall as a line of text: a small screen shows more counters without scrolling.
    widget.verticalHeader().setDefaultSectionSize(QFontMetrics(ui_font(15)).height() + 4)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    header = widget.horizontalHeader()
    for col in range(len(headers)):
        fits = QHeaderView.ResizeMode.ResizeToContents
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch if col == stretch else fits)
    return widget


def fill(widget: QTableWidget, rows: list[list[str]], centred: tuple[int, ...] = ()) -> None:
    """Replace a table's rows; the `centred` columns (numbers, codes) are centred."""
    widget.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for col, text in enumerate(row):
            item = QTableWidgetItem(text)
            if col in centred:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            widget.setItem(r, col, item)
    # A long procedure name wraps in the stretching column: its row grows to show it whole.
    widget.resizeRowsToContents()


class SupervisorPage(QWidget):
    """A thin view over SupervisorModel."""

    def __init__(self, model: SupervisorModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("page")
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 14, 14, 14)
        grid.setSpacing(12)

        def section(title: str, widget: QWidget, row: int, col: int, span: int = 1) -> QWidget:
            box = card()
            layout = QVBoxLayout(box)
            layout.addWidget(label(title, 14, bold=True, colour=GREY))
            layout.addWidget(widget)
            grid.addWidget(box, row, col, 1, span)
            return box

        self.alerts = QListWidget()
        self.alerts.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.counters = table(
            ["Quầy", "Trạng thái", "Cán bộ", "Đang phục vụ", "Đã xong", "TB phục vụ"], stretch=1
        )
        self.services = table(["Dịch vụ", "Chờ", "Ưu tiên", "Lâu nhất", "Quầy mở"])
        self.devices = table(["Thiết bị", "Loại", "Tình trạng"], stretch=2)
        self.late = table(["Mã hồ sơ", "Thủ tục", "Hẹn trả", "Tình trạng"], stretch=1)
        self.messages = table(
            ["Số", "Lúc", "Loại tin", "Người nhận", "Hồ sơ / số thứ tự", "Lý do"], stretch=5
        )
        self.messages.setWordWrap(False)  # one line each; the whole reason is in the tooltip
        section("CẢNH BÁO", self.alerts, 0, 0, 2)
        section("CÁC QUẦY", self.counters, 1, 0)
        section("ĐANG CHỜ THEO DỊCH VỤ", self.services, 1, 1)
        section("THIẾT BỊ", self.devices, 2, 0)
        section("HỒ SƠ SẮP ĐẾN HẠN / QUÁ HẠN", self.late, 2, 1)
        # Shown only while there are dead letters: most days the floor keeps the room.
        self.messages_box = section("TIN NHẮN KHÔNG GỬI ĐƯỢC", self.messages, 3, 0, 2)
        self.messages_box.setVisible(False)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 4)
        grid.setRowStretch(2, 3)
        grid.setRowStretch(3, 3)
        # Every message of the site changes the model: only a page on screen follows it.
        self._clock = QTimer(self)
        self._clock.setInterval(ALERT_CLOCK_MS)
        self._clock.timeout.connect(self.refresh)
        model.changed.connect(self._changed)

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up with the model and follow the clock while on screen."""
        self.refresh()
        self._clock.start()
        super().showEvent(event)

    def hideEvent(self, event: QHideEvent) -> None:
        """Stop following the clock."""
        self._clock.stop()
        super().hideEvent(event)

    def _changed(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Show the model."""
        m = self.model
        self.alerts.clear()
        alerts = m.alerts()
        if not alerts:
            self.alerts.addItem("Không có cảnh báo.")
        for alert in alerts:
            item = QListWidgetItem(("⚠ " if alert.severe else "• ") + alert.text)
            item.setForeground(QColor(RED if alert.severe else AMBER))
            self.alerts.addItem(item)
        fill(
            self.counters,
            [
                [
                    f"Quầy {s.label}",
                    STATUS[s.status] + (f" ({s.pause_reason})" if s.pause_reason else ""),
                    s.officer_id or "—",
                    s.current.number if s.current else "—",
                    str(s.served_today),
                    minutes_text(s.average_service_seconds) if s.served_today else "—",
                ]
                for s in sorted(m.counters.values(), key=lambda s: (len(s.label), s.label))
            ],
            centred=(2, 3, 4, 5),
        )
        fill(
            self.services,
            [
                [
                    s.name,
                    str(s.waiting),
                    str(s.priority_waiting),
                    minutes_text(s.oldest_wait_seconds) if s.waiting else "—",
                    str(s.open_counters),
                ]
                for s in m.services
            ],
            centred=(1, 2, 3, 4),
        )
        fill(
            self.devices,
            [
                [
                    s.client_id,
                    DEVICE_NAMES.get(s.role, s.role),
                    (m.device_fault(s) or "").capitalize()
                    or ("Bình thường" if s.state == "online" else "Ngoại tuyến"),
                ]
                for s in sorted(m.devices.values(), key=lambda s: (s.role, s.client_id))
            ],
        )
        fill(
            self.late,
            [
                [
                    x.code,
                    x.procedure_name,
                    f"{x.due:%d/%m/%Y}",
                    TIMELINESS_LABELS[x.timeliness],
                ]
                for x in m.late
            ],
            centred=(2,),
        )
        self._show_dead_letters()

    def _show_dead_letters(self) -> None:
        letters = self.model.dead_letters
        self.messages_box.setVisible(bool(letters))
        zone = self.model.timezone
        widget = self.messages
        widget.setRowCount(len(letters))
        for r, x in enumerate(letters):
            row = [
                str(x.id),  # what `motcua notify --resend` takes
                f"{x.at.astimezone(zone):%H:%M %d/%m}",
                x.kind_label,
                x.recipient or "—",
                x.reference or "—",
                x.error,
            ]
            for col, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col < 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                widget.setItem(r, col, item)
