"""The return desk: scan the slip, check the dossier, hand over the result or send it on.

An own dossier can be handed over, rescheduled, or (where the province allows it) have its
ready result transferred to another branch. Another branch's dossier, found in the provincial
index, is shown read-only; when its result was transferred here the desk records its arrival
and its hand-over.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from counter_console.dossier_desk import DossierDeskModel
from counter_console.dossier_view import offer_public_reasons, show_message
from counter_console.result_places import foreign_details, step_line, transferred_line
from counter_console.serving_view import card
from counter_console.style import FIELD_HEIGHT, GREY, label
from counter_console.transfer_chooser import TransferChooser
from shared.domain.codes import CodeKind, ScannedCode
from shared.domain.dossiers import IN_HANDS, WAITING_FOR_CITIZEN
from shared.messaging.dossier_views import DossierFull


def _primary(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("primary")
    button.setShortcut("Ctrl+Return")  # one of them is shown at a time
    return button


def own_details(d: DossierFull) -> str:
    """The staff summary of an own dossier: who, what, status, and where its result is."""
    if d.result_site_id is not None:
        where = transferred_line(d)
    else:
        where = "Kết quả đã sẵn sàng để trả." if d.ready else "Kết quả CHƯA sẵn sàng."
    returned = f"\nĐã trả lúc {d.returned_at:%H:%M %d/%m/%Y}" if d.returned_at else ""
    return (
        f"Mã hồ sơ: {d.code}\nNgười nộp: {d.citizen.name}\nThủ tục: {d.procedure_name}\n"
        f"Trạng thái: {d.status_label} · hẹn trả {d.due:%d/%m/%Y}\n{where}{returned}"
    )


class ReturnPage(QWidget):
    """Scan the citizen's slip, check the dossier, hand over the result."""

    def __init__(self, desk: DossierDeskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("page")
        root = QVBoxLayout(self)
        root.setContentsMargins(14, 14, 14, 14)
        box = card()
        layout = QVBoxLayout(box)
        layout.addWidget(label("TRẢ KẾT QUẢ", 14, bold=True, colour=GREY))
        self.scan = QLineEdit()
        self.scan.setPlaceholderText("Quét mã QR trên phiếu hẹn, hoặc nhập mã hồ sơ rồi Enter")
        # Vietnamese input methods rewrite scanned keystrokes ("dd" → "đ"): keep them off here.
        self.scan.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self.details = label("", 17)
        self.details.setWordWrap(True)
        self.steps_title = label("CÁC BƯỚC ĐÃ QUA", 14, bold=True, colour=GREY)
        self.steps = QListWidget()
        self.steps.setWordWrap(True)
        self.steps.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.steps.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.hand_over = _primary("Đã trả kết quả cho công dân  (Ctrl+Enter)")
        self.accept = _primary("Nhận kết quả chuyển đến  (Ctrl+Enter)")
        self.return_held = _primary("Đã trả kết quả cho công dân  (Ctrl+Enter)")
        self.transfer = QPushButton("Chuyển kết quả đến chi nhánh khác")
        self.chooser = TransferChooser()
        self.message = label("", 15)
        self.message.setWordWrap(True)
        self.late_reason = QLineEdit()
        self.late_reason.setPlaceholderText("Lý do chậm trễ (in trên phiếu xin lỗi, Mẫu 04)")
        offer_public_reasons(self.late_reason, desk.public_reasons)
        self.new_due = QDateEdit()
        self.new_due.setCalendarPopup(True)
        self.new_due.setDisplayFormat("dd/MM/yyyy")
        self.new_due.setMinimumHeight(FIELD_HEIGHT)
        self.apologise = QPushButton("Hẹn lại ngày trả và in phiếu xin lỗi (Mẫu 04)")
        self.late_row = QWidget()
        late_row = QHBoxLayout(self.late_row)
        late_row.setContentsMargins(0, 0, 0, 0)
        late_row.addWidget(self.late_reason, 3)
        late_row.addWidget(label("Ngày hẹn trả mới"))
        late_row.addWidget(self.new_due, 1)
        layout.addWidget(self.scan)
        layout.addWidget(self.details)
        layout.addWidget(self.steps_title)
        layout.addWidget(self.steps, 1)
        shown: tuple[QWidget, ...] = (
            self.hand_over,
            self.accept,
            self.return_held,
            self.transfer,
            self.chooser,
            self.late_row,
            self.apologise,
            self.message,
        )
        for widget in shown:
            layout.addWidget(widget)
        self._stretch_at = layout.count()
        layout.addStretch(1)
        self._layout = layout
        root.addWidget(box)
        self.scan.returnPressed.connect(self._scanned)
        self.hand_over.clicked.connect(lambda: desk.mark_returned())
        self.accept.clicked.connect(lambda: desk.accept_result())
        self.return_held.clicked.connect(lambda: desk.return_held_result())
        self.transfer.clicked.connect(self.open_chooser)
        self.chooser.submitted.connect(desk.transfer_result)
        self.chooser.cancelled.connect(self.focus)
        self.apologise.clicked.connect(self._reschedule)
        self._dated = ""
        self._chooser_code = ""
        self._step_lines: list[str] = []
        desk.changed.connect(self.refresh)
        self.refresh()

    def focus(self) -> None:
        """Wait for a scan."""
        self.scan.setFocus()

    def open_chooser(self) -> None:
        """Offer the branches the ready result of the dossier in hand may be sent to."""
        d = self.desk.dossier
        if d is None or not self.desk.can_transfer:
            return
        self._chooser_code = d.code
        self.chooser.open_for(d.code, self.desk.return_branches)

    def _reschedule(self) -> None:
        picked = self.new_due.date()
        self.desk.reschedule(
            self.late_reason.text(), date(picked.year(), picked.month(), picked.day())
        )

    def _scanned(self) -> None:
        self.desk.look_up(self.scan.text())
        self.scan.clear()

    def scanned(self, code: ScannedCode) -> None:
        """A code read by the counter's scanner: look up the slip (an ID card is no slip)."""
        if code.kind is CodeKind.CITIZEN_ID:
            self.desk.say(
                "Đây là thẻ căn cước, không phải phiếu hẹn: quét mã QR trên phiếu hẹn.",
                error=True,
            )
            return
        self.desk.look_up(code.text)

    def refresh(self) -> None:
        """Show the dossier found, where its result is, and what may be done with it."""
        desk = self.desk
        d, foreign, busy = desk.dossier, desk.foreign, desk.busy
        if foreign is not None:
            self.details.setText(foreign_details(foreign, desk.site_id))
            zone = desk.context.timezone
            self._show_steps([step_line(s, zone) for s in foreign.steps])
        else:
            self.details.setText("Chưa có hồ sơ." if d is None else own_details(d))
            self._show_steps([])
        own = foreign is None
        self.hand_over.setVisible(own and (d is None or d.result_site_id is None))
        self.hand_over.setEnabled(d is not None and not busy and d.returned_at is None)
        self.accept.setVisible(desk.can_accept)
        self.return_held.setVisible(desk.can_return_held)
        self.transfer.setVisible(desk.can_transfer)
        for button in (self.accept, self.return_held, self.transfer):
            button.setEnabled(not busy)
        stale = not desk.can_transfer or d is None or d.code != self._chooser_code
        if stale and not self.chooser.isHidden():
            self.chooser.hide()  # sent, or another dossier in hand
        self.chooser.ok.setEnabled(not busy)
        self.late_row.setVisible(own)
        self.apologise.setVisible(own)
        # Only an open dossier gets a new date (the rule of dossiers.reschedule).
        can_apologise = (
            d is not None and d.apology is None and d.status in IN_HANDS | WAITING_FOR_CITIZEN
        )
        self.apologise.setEnabled(can_apologise and not busy)
        if d is not None and d.apology is None and d.code != self._dated:
            self._dated = d.code  # propose a date once per dossier; the officer may change it
            proposed = d.legal_due + timedelta(days=3)
            while proposed.weekday() >= 5:  # the server also checks holidays, and says so
                proposed += timedelta(days=1)
            self.new_due.setDate(QDate(proposed.year, proposed.month, proposed.day))
        show_message(self.message, desk)

    def _show_steps(self, lines: list[str]) -> None:
        """List another branch's steps (the only view of its progress here); hide when none."""
        if lines != self._step_lines:
            self._step_lines = lines
            self.steps.clear()
            self.steps.addItems(lines)
        self.steps.setVisible(bool(lines))
        self.steps_title.setVisible(bool(lines))
        self._layout.setStretch(self._stretch_at, 0 if lines else 1)  # the list takes the room
