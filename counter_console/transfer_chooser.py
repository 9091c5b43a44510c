"""The small chooser of the branch a ready result is sent to, inline on the return desk."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_console.style import BLUE, FIELD_HEIGHT, label


class TransferChooser(QFrame):
    """Pick a branch from `[index] return_branches` and add a note; Enter sends, Esc cancels.

    Inline like the serving page's prompt: no modal dialog stops the keyboard flow.
    """

    submitted = Signal(str, str)  # the branch's site id, the note
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        box = QVBoxLayout(self)
        box.setContentsMargins(14, 10, 14, 10)
        self.title = label("", 16, bold=True, colour=BLUE)
        self.title.setWordWrap(True)
        box.addWidget(self.title)
        form = QFormLayout()
        self.branch = QComboBox()
        self.branch.setMinimumHeight(FIELD_HEIGHT)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Ghi chú cho chi nhánh nhận (không bắt buộc)")
        self.note.setMaxLength(400)  # the command's Note
        form.addRow(label("Chi nhánh trả kết quả"), self.branch)
        form.addRow(label("Ghi chú"), self.note)
        box.addLayout(form)
        buttons = QHBoxLayout()
        self.ok = QPushButton("Chuyển kết quả  (Enter)")
        self.ok.setObjectName("primary")
        self.cancel = QPushButton("Bỏ qua  (Esc)")
        buttons.addWidget(self.ok)
        buttons.addWidget(self.cancel)
        box.addLayout(buttons)
        self.ok.clicked.connect(self._submit)
        self.cancel.clicked.connect(self.close_chooser)  # Enter in the note reaches keyPressEvent
        self.hide()

    def open_for(self, code: str, branches: Mapping[str, str]) -> None:
        """Show the chooser for a dossier, listing the branches by the names citizens are told."""
        self.title.setText(f"Chuyển kết quả hồ sơ {code} đến chi nhánh khác")
        self.branch.clear()
        for site_id, name in branches.items():
            self.branch.addItem(name, site_id)
        self.note.clear()
        self.show()
        self.branch.setFocus()

    def chosen(self) -> str:
        """The site id of the branch picked ('' when none)."""
        return str(self.branch.currentData() or "")

    def close_chooser(self) -> None:
        """Hide the chooser without sending anything."""
        self.hide()
        self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter sends and Esc cancels, wherever the focus is inside the chooser."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._submit()
        elif event.key() == Qt.Key.Key_Escape:
            self.close_chooser()
        else:
            super().keyPressEvent(event)

    def _submit(self) -> None:
        self.submitted.emit(self.chosen(), self.note.text().strip())
