"""The receiving page (procedure, citizen, documents, slip) and what the dossier pages share."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from counter_console.dossier_desk import DossierDeskModel
from counter_console.serving_view import card
from counter_console.style import (
    BLUE,
    FIELD_HEIGHT,
    GREY,
    RED,
    label,
    plain_tooltip,
    set_style,
    text_style,
)
from shared.domain.codes import CodeKind, ScannedCode
from shared.messaging.commands import CitizenCard
from shared.messaging.dossier_commands import DocumentData, MissingDocumentData

CITIZEN_FIELDS = (
    ("name", "Họ và tên"),
    ("id_number", "Số CCCD"),
    ("address", "Địa chỉ"),
    ("phone", "Điện thoại"),
    ("email", "Email"),
)


def show_message(widget: QLabel, desk: DossierDeskModel) -> None:
    """Show the desk's last message, errors in bold red."""
    widget.setText(desk.message)
    error = desk.message_is_error
    set_style(widget, text_style(15, error, RED if error else GREY))


def offer_public_reasons(edit: QLineEdit, reasons: list[str]) -> None:
    """Suggest the site's public reasons as the officer types: only those reach the kiosk."""
    if not reasons:
        return
    completer = QCompleter(reasons, edit)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    edit.setCompleter(completer)
    edit.setToolTip(
        plain_tooltip(
            "Lý do chọn từ danh sách gợi ý được hiện cho công dân ở ki-ốt; "
            "lý do tự ghi chỉ cán bộ xem và in trên phiếu."
        )
    )


class ReceivePage(QWidget):
    """Pick the procedure, fill the citizen's details, tick the papers, print the slip."""

    def __init__(self, desk: DossierDeskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk = desk
        self.setObjectName("page")
        root = QHBoxLayout(self)
        root.setContentsMargins(14, 14, 14, 14)
        root.setSpacing(14)

        left = card()
        lbox = QVBoxLayout(left)
        lbox.addWidget(label("1. THỦ TỤC", 14, bold=True, colour=GREY))
        self.search = QLineEdit()
        self.search.setPlaceholderText("Tìm thủ tục (gõ không dấu cũng được)")
        self.procedures = QListWidget()
        self.procedures.setWordWrap(True)
        self.procedure_info = label("", 14)
        self.procedure_info.setWordWrap(True)
        for widget in (self.search, self.procedures, self.procedure_info):
            lbox.addWidget(widget)
        root.addWidget(left, 4)

        middle = card()
        mbox = QVBoxLayout(middle)
        mbox.addWidget(label("2. NGƯỜI NỘP HỒ SƠ", 14, bold=True, colour=GREY))
        self.from_kiosk = QPushButton("Điền từ thẻ căn cước đã quét ở ki-ốt")
        self.from_kiosk.setToolTip(
            plain_tooltip(
                "Công dân đã đồng ý chia sẻ họ tên, số định danh và địa chỉ trên thẻ khi lấy số; "
                "thông tin bị xóa khi phục vụ xong số này."
            )
        )
        mbox.addWidget(self.from_kiosk)
        form = QFormLayout()
        self.fields: dict[str, QLineEdit] = {}
        for key, text in CITIZEN_FIELDS:
            edit = QLineEdit()
            self.fields[key] = edit
            form.addRow(label(text), edit)
        self.sets = QSpinBox()
        self.sets.setRange(1, 99)
        self.sets.setMinimumHeight(FIELD_HEIGHT)
        self.sets.setMaximumWidth(120)
        form.addRow(label("Số bộ hồ sơ"), self.sets)
        mbox.addLayout(form)
        mbox.addWidget(label("3. THÀNH PHẦN HỒ SƠ ĐÃ NHẬN", 14, bold=True, colour=GREY))
        self.documents = QListWidget()
        mbox.addWidget(self.documents, 1)
        root.addWidget(middle, 5)

        right = card()
        rbox = QVBoxLayout(right)
        rbox.addWidget(label("4. KẾT QUẢ", 14, bold=True, colour=GREY))
        self.receive = QPushButton("Tiếp nhận và in phiếu hẹn  (Ctrl+Enter)")
        self.receive.setObjectName("primary")
        self.receive.setShortcut("Ctrl+Return")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Lý do yêu cầu bổ sung / từ chối")
        offer_public_reasons(self.reason, desk.public_reasons)
        self.supplement = QPushButton("Yêu cầu bổ sung (Mẫu 02) — giấy tờ chưa tích")
        self.refuse = QPushButton("Từ chối tiếp nhận (Mẫu 03)")
        self.dossier = label("", 15, bold=True, colour=BLUE)
        self.dossier.setWordWrap(True)
        self.message = label("", 14)
        self.message.setWordWrap(True)
        for item in (self.receive, self.reason, self.supplement, self.refuse, self.dossier):
            rbox.addWidget(item)
        rbox.addWidget(self.message)
        rbox.addStretch(1)
        root.addWidget(right, 3)

        self.search.returnPressed.connect(lambda: desk.search(self.search.text()))
        self.procedures.currentItemChanged.connect(lambda *_: self._picked())
        self.receive.clicked.connect(self.submit)
        self.supplement.clicked.connect(self.ask_supplement)
        self.refuse.clicked.connect(self.refuse_dossier)
        self.from_kiosk.clicked.connect(lambda: desk.fetch_kiosk_card(self.fill_from_kiosk))
        desk.changed.connect(self.refresh)
        self._shown_codes: list[str] = []
        self.refresh()

    def focus(self) -> None:
        """Load the catalogue the first time and put the cursor in the search box."""
        if not self.desk.procedures and not self.desk.busy:
            self.desk.search("")
        self.search.setFocus()

    def refresh(self) -> None:
        """Show the catalogue, the dossier in hand and the last message."""
        codes = [p.code for p in self.desk.procedures]
        if codes != self._shown_codes:
            self._shown_codes = codes
            self.procedures.clear()
            for p in self.desk.procedures:
                item = QListWidgetItem(f"{p.name}\n{p.code} · {p.department_name}")
                item.setData(Qt.ItemDataRole.UserRole, p.code)
                self.procedures.addItem(item)
        dossier = self.desk.dossier
        self.dossier.setText(
            f"Hồ sơ {dossier.code}\n{dossier.citizen.name} · hẹn trả {dossier.due:%d/%m/%Y}"
            if dossier
            else ""
        )
        show_message(self.message, self.desk)
        for button in (self.receive, self.supplement, self.refuse):
            button.setEnabled(not self.desk.busy)
        carded = self.desk.carded_ticket() is not None
        self.from_kiosk.setVisible(carded)
        self.from_kiosk.setEnabled(carded and not self.desk.busy)

    def scanned(self, code: ScannedCode) -> None:
        """A code read at the counter: an ID card fills the citizen's details to confirm."""
        if code.kind is not CodeKind.CITIZEN_ID:
            self.desk.say("Mã vừa quét không phải thẻ căn cước.", error=True)
        elif code.citizen is None:
            self.desk.say(f"Không đọc được thẻ căn cước: {code.problem}", error=True)
        else:
            self.fill_from_card(code)

    def fill_from_card(self, code: ScannedCode) -> None:
        """Fill name, ID number and address from a card (no birth date field: skipped).

        Nothing is submitted: the officer checks the fields, then receives the dossier.
        """
        citizen = code.citizen
        if citizen is None:
            return
        self._fill(
            {"name": citizen.full_name, "id_number": citizen.id_number, "address": citizen.address}
        )
        self.desk.say("Đã điền họ tên, số CCCD và địa chỉ từ thẻ căn cước: kiểm tra lại.")

    def fill_from_kiosk(self, citizen: CitizenCard) -> None:
        """Fill name, ID number and address from what the citizen shared at the kiosk."""
        self._fill(
            {"name": citizen.full_name, "id_number": citizen.id_number, "address": citizen.address}
        )

    def _fill(self, values: dict[str, str]) -> None:
        for key, value in values.items():
            if value:
                self.fields[key].setText(value)
                self.fields[key].setCursorPosition(0)
        self.fields["phone"].setFocus()

    def _picked(self) -> None:
        item = self.procedures.currentItem()
        procedure = self.desk.procedure(item.data(Qt.ItemDataRole.UserRole)) if item else None
        self.documents.clear()
        if procedure is None:
            self.procedure_info.setText("")
            return
        days = f"{procedure.legal_days} ngày làm việc" if procedure.legal_days else "trong ngày"
        self.procedure_info.setText(
            f"Thời hạn: {days}\nLệ phí: {procedure.fee}\nNhận kết quả: {procedure.return_place}"
        )
        for doc in procedure.documents:
            item = QListWidgetItem(f"{doc.name} — {doc.form}: {doc.quantity}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, doc)
            self.documents.addItem(item)

    def selected_procedure(self) -> str:
        """Return the code of the picked procedure ('' when none)."""
        item = self.procedures.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item else ""

    def _documents(self, checked: bool) -> list[DocumentData]:
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        items = [self.documents.item(i) for i in range(self.documents.count())]
        return [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == state]

    def _filled(self) -> tuple[str, dict[str, str]] | None:
        """Return the procedure and citizen filled in, or None after saying what is missing."""
        procedure = self.selected_procedure()
        citizen = {key: edit.text().strip() for key, edit in self.fields.items()}
        if not procedure:
            self.desk.say("Chọn thủ tục trước.", error=True)
        elif not citizen["name"]:
            self.desk.say("Nhập họ và tên người nộp hồ sơ.", error=True)
        else:
            return procedure, citizen
        return None

    def submit(self) -> None:
        """Receive the dossier with the ticked papers."""
        filled = self._filled()
        if filled is not None:
            self.desk.receive(*filled, self._documents(True), self.sets.value())

    def refuse_dossier(self) -> None:
        """Refuse the dossier in hand, or refuse on the spot the one filled in but not received."""
        if self.desk.dossier is not None:
            self.desk.refuse(self.reason.text())
            return
        reason = self.reason.text().strip()
        if not reason:
            self.desk.say("Nhập lý do từ chối.", error=True)
            return
        filled = self._filled()
        if filled is not None:
            self.desk.receive(*filled, self._documents(True), self.sets.value(), reason)

    def ask_supplement(self) -> None:
        """Ask for the papers left unticked, with the reason typed."""
        missing = [
            MissingDocumentData(name=doc.name, originals=1) for doc in self._documents(False)
        ]
        self.desk.request_supplement(self.reason.text(), missing)
