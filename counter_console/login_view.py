"""The sign-in page (start of a shift) and the unlock page (after the idle lock)."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from counter_console.style import BLUE, GREY, label
from counter_console.viewmodel import CounterViewModel

CARD_WIDTH = 500


class LoginPage(QWidget):
    """Officer id + password; in lock mode only the password of the signed-in officer."""

    def __init__(self, model: CounterViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("page")
        card = QFrame()
        card.setObjectName("card")
        card.setFixedWidth(CARD_WIDTH)
        box = QVBoxLayout(card)
        box.setContentsMargins(32, 28, 32, 32)
        box.setSpacing(6)
        self.title = label("", 26, bold=True, colour=BLUE)
        self.hint = label("", 15, colour=GREY)
        self.hint.setWordWrap(True)
        self.officer_id = QLineEdit()
        self.officer_id.setPlaceholderText("ví dụ cb05")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.submit = QPushButton("Đăng nhập  (Enter)")
        self.submit.setObjectName("primary")
        self.submit.setMinimumHeight(48)
        self.submit.setStyleSheet("text-align: center;")
        box.addWidget(self.title)
        box.addWidget(self.hint)
        box.addSpacing(14)
        for caption, field in (
            ("Mã cán bộ", self.officer_id),
            ("Mật khẩu hoặc mã PIN", self.password),
        ):
            box.addWidget(label(caption, 15, bold=True))
            field.setStyleSheet("font-size: 17px; padding: 7px;")
            box.addWidget(field)
            box.addSpacing(8)
        box.addSpacing(6)
        box.addWidget(self.submit)
        # The card sits in a row of its own: a box layout asks a centred item's height for the
        # whole row's width, and a wrapped hint measured that wide left the card too short.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.officer_id.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._submit)
        self.submit.clicked.connect(self._submit)
        model.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Switch between sign-in and unlock wording."""
        counter = self.model.counter
        if self.model.locked and self.model.officer is not None:
            self.title.setText("Màn hình đang khóa")
            self.hint.setText(
                f"{self.model.officer.name} ({self.model.officer.id}) — nhập mật khẩu để mở. "
                f"Quầy {counter.label} vẫn mở, không phải đăng nhập lại."
            )
            self.officer_id.setText(self.model.officer.id)
            self.officer_id.setEnabled(False)
            self.submit.setText("Mở khóa  (Enter)")
        else:
            self.title.setText(f"Đăng nhập quầy {counter.label}")
            self.hint.setText(
                f"{counter.name}. Chỉ cán bộ được phân công tại quầy này mới đăng nhập được."
            )
            self.officer_id.setEnabled(True)
            self.submit.setText("Đăng nhập  (Enter)")
        self.submit.setEnabled(not self.model.busy)

    def focus(self) -> None:
        """Put the cursor where the officer types first."""
        if self.officer_id.isEnabled() and not self.officer_id.text():
            self.officer_id.setFocus()
        else:
            self.password.setFocus()

    def _submit(self) -> None:
        password = self.password.text()
        self.password.clear()
        if self.model.locked:
            self.model.unlock(password)
        else:
            self.model.login(self.officer_id.text(), password)
