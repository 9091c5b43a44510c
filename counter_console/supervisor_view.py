"""The supervisor page: alerts first, then counters, waiting per service, devices, late dossiers."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QHideEvent, QShowEvent
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
from counter_console.supervisor import SupervisorModel
from counter_console.viewmodel import minutes_text
from shared.domain.dossiers import TIMELINESS_LABELS

TIMELINESS_TEXT = {kind.value: text for kind, text in TIMELINESS_LABELS.items()}

STATUS = {"open": "Đang mở", "paused": "Tạm dừng", "closed": "Đóng"}
ALERT_CLOCK_MS = 60_000  # idle-counter alerts grow with time, not with messages


def table(headers: list[str]) -> QTableWidget:
    """Make a read-only table with the first column stretched."""
    widget = QTableWidget(0, len(headers))
    widget.setHorizontalHeaderLabels(headers)
    widget.verticalHeader().setVisible(False)
    widget.verticalHeader().setDefaultSectionSize(24)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for col in range(1, len(headers)):
        header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
    return widget


def fill(widget: QTableWidget, rows: list[list[str]]) -> None:
    """Replace a table's rows."""
    widget.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for col, text in enumerate(row):
            widget.setItem(r, col, QTableWidgetItem(text))


class SupervisorPage(QWidget):
    """A thin view over SupervisorModel."""

    def __init__(self, model: SupervisorModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("page")
        grid = QGridLayout(self)
        grid.setContentsMargins(14, 14, 14, 14)
        grid.setSpacing(12)

        def section(title: str, widget: QWidget, row: int, col: int, span: int = 1) -> None:
            box = card()
            layout = QVBoxLayout(box)
            layout.addWidget(label(title, 14, bold=True, colour=GREY))
            layout.addWidget(widget)
            grid.addWidget(box, row, col, 1, span)

        self.alerts = QListWidget()
        self.alerts.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.counters = table(["Quầy", "Trạng thái", "Cán bộ", "Đang phục vụ", "Đã xong", "TB"])
        self.services = table(["Dịch vụ", "Chờ", "Ưu tiên", "Lâu nhất", "Quầy mở"])
        self.devices = table(["Thiết bị", "Loại", "Tình trạng"])
        self.late = table(["Hồ sơ", "Thủ tục", "Hẹn trả", "Tình trạng"])
        section("CẢNH BÁO", self.alerts, 0, 0, 2)
        section("CÁC QUẦY", self.counters, 1, 0)
        section("ĐANG CHỜ THEO DỊCH VỤ", self.services, 1, 1)
        section("THIẾT BỊ", self.devices, 2, 0)
        section("HỒ SƠ SẮP ĐẾN HẠN / QUÁ HẠN", self.late, 2, 1)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 4)
        grid.setRowStretch(2, 3)
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
                    STATUS.get(s.status, s.status)
                    + (f" ({s.pause_reason})" if s.pause_reason else ""),
                    s.officer_id or "—",
                    s.current.number if s.current else "—",
                    str(s.served_today),
                    minutes_text(s.average_service_seconds) if s.served_today else "—",
                ]
                for s in sorted(m.counters.values(), key=lambda s: (len(s.label), s.label))
            ],
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
        )
        fill(
            self.devices,
            [
                [
                    s.client_id,
                    s.role,
                    m.device_problem(s)
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
                    TIMELINESS_TEXT.get(x.timeliness, x.timeliness),
                ]
                for x in m.late
            ],
        )
