"""The sign-in page (start of a shift) and the unlock page (after the idle lock)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLineEdit, QPushButton, QVBoxLayout, QWidget

from counter_console.style import BLUE, GREY, label
from counter_console.viewmodel import CounterViewModel


class LoginPage(QWidget):
    """Officer id + password; in lock mode only the password of the signed-in officer."""

    def __init__(self, model: CounterViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("page")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        card = QFrame()
        card.setObjectName("card")
        card.setFixedWidth(460)
        box = QVBoxLayout(card)
        box.setContentsMargins(28, 24, 28, 24)
        box.setSpacing(10)
        self.title = label("", 24, bold=True, colour=BLUE)
        self.hint = label("", 14, colour=GREY)
        self.hint.setWordWrap(True)
        self.officer_id = QLineEdit()
        self.officer_id.setPlaceholderText("Mã cán bộ, ví dụ cb05")
        self.password = QLineEdit()
        self.password.setPlaceholderText("Mật khẩu / mã PIN")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.submit = QPushButton("Đăng nhập  (Enter)")
        self.submit.setObjectName("primary")
        for widget in (self.title, self.hint, self.officer_id, self.password, self.submit):
            box.addWidget(widget)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
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
