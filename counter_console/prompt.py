"""An inline prompt under the current ticket: a number to call, a transfer, a reason."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_console.actions import Action
from counter_console.style import BLUE, FIELD_HEIGHT, label

TITLES = {
    Action.CALL_NUMBER: "Gọi một số cụ thể",
    Action.TRANSFER: "Chuyển công dân sang dịch vụ hoặc quầy khác",
    Action.HOLD: "Tạm giữ số đang phục vụ",
    Action.PAUSE: "Tạm dừng quầy",
}
HINTS = {
    Action.CALL_NUMBER: "Số thứ tự, ví dụ A012",
    Action.TRANSFER: "Ghi chú cho quầy nhận (không bắt buộc)",
    Action.HOLD: "Lý do, ví dụ: công dân đi photo giấy tờ",
    Action.PAUSE: "Lý do, ví dụ: nghỉ giải lao, họp",
}


class PromptPanel(QFrame):
    """Asks one thing without a modal dialog, so the keyboard flow never blocks: Enter / Esc."""

    submitted = Signal(object)  # the Action
    opened = Signal()
    cancelled = Signal()

    def __init__(
        self,
        services: Sequence[tuple[str, str]],
        counters: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.action: Action | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 14, 10)
        self.title = label("", 16, bold=True, colour=BLUE)
        box.addWidget(self.title)
        form = QFormLayout()
        self.text = QLineEdit()
        self.service = QComboBox()
        self.service.addItem("— giữ dịch vụ hiện tại —", "")
        for code, name in services:
            self.service.addItem(name, code)
        self.counter = QComboBox()
        self.counter.addItem("— quầy bất kỳ phục vụ dịch vụ —", "")
        for counter_id, counter_label in counters:
            self.counter.addItem(f"Quầy {counter_label}", counter_id)
        for combo in (self.service, self.counter):
            combo.setMinimumHeight(FIELD_HEIGHT)
        self.front = QCheckBox("Ưu tiên lên đầu hàng chờ")
        self.service_row = label("Dịch vụ nhận")
        self.counter_row = label("Quầy nhận")
        form.addRow(self.service_row, self.service)
        form.addRow(self.counter_row, self.counter)
        form.addRow(self.text)
        form.addRow(self.front)
        box.addLayout(form)
        buttons = QHBoxLayout()
        self.ok = QPushButton("Đồng ý  (Enter)")
        self.ok.setObjectName("primary")
        cancel = QPushButton("Bỏ qua  (Esc)")
        buttons.addWidget(self.ok)
        buttons.addWidget(cancel)
        box.addLayout(buttons)
        self.ok.clicked.connect(self._submit)
        cancel.clicked.connect(self.close_prompt)
        self.text.returnPressed.connect(self._submit)
        self.hide()

    def open(self, action: Action) -> None:
        """Show the prompt for an action and focus its first field."""
        self.action = action
        self.title.setText(TITLES[action])
        self.text.clear()
        self.text.setPlaceholderText(HINTS[action])
        transfer = action is Action.TRANSFER
        for widget in (self.service, self.counter, self.front, self.service_row, self.counter_row):
            widget.setVisible(transfer)
        self.service.setCurrentIndex(0)
        self.counter.setCurrentIndex(0)
        self.front.setChecked(False)
        self.show()
        self.opened.emit()
        (self.service if transfer else self.text).setFocus()

    def close_prompt(self) -> None:
        """Hide the prompt without doing anything."""
        self.action = None
        self.hide()
        self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter submits and Esc cancels, wherever the focus is inside the prompt."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._submit()
        elif event.key() == Qt.Key.Key_Escape:
            self.close_prompt()
        else:
            super().keyPressEvent(event)

    def _submit(self) -> None:
        if self.action is not None:
            self.submitted.emit(self.action)
