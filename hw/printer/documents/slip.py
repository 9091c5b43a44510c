"""Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (the appointment slip), in two copies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from hw.printer.canvas import Canvas, PageStyle, qr_image
from hw.printer.documents.common import (
    Letterhead,
    clock_date,
    finish_form,
    form_spec,
    signatures,
    start_form,
)
from shared.domain.codes import dossier_qr
from shared.domain.form_sets import FormKind
from shared.domain.personal_data import SLIP_PRIVACY_FOOTER
from shared.domain.procedures import RequiredDocument

# One paper in the dossier: its name, its form (bản chính, bản sao…) and how many.
SubmittedDocument = RequiredDocument

COPY_LABELS = ("Liên 1: Giao người nộp hồ sơ", "Liên 2: Lưu tại Bộ phận Tiếp nhận và Trả kết quả")


@dataclass(frozen=True)
class AppointmentSlipData(Letterhead):
    """Every field of Mẫu 01."""

    agency_name: str
    place: str
    issued_at: datetime
    dossier_code: str
    lookup_token: str
    citizen_name: str
    citizen_address: str
    citizen_phone: str
    citizen_email: str
    procedure_name: str
    documents: tuple[SubmittedDocument, ...]
    sets: int
    legal_days: int
    received_at: datetime
    due_at: datetime
    return_place: str
    fee: str
    register_book: str
    register_entry: str
    receiver_name: str
    procedure_code: str = ""
    copy_labels: tuple[str, ...] = COPY_LABELS
    link: str = ""  # the dossier's page, where the site has one

    @property
    def qr_text(self) -> str:
        """Return the text of the slip's QR code: its page's link, else code and lookup token."""
        return self.link or dossier_qr(self.dossier_code, self.lookup_token)

    @property
    def qr_caption(self) -> str:
        """What the QR is for, said under or beside it."""
        if self.link:
            return "Quét mã QR bằng điện thoại hoặc tại ki-ốt để xem tiến độ giải quyết hồ sơ"
        return "Quét mã QR tại ki-ốt để xem tiến độ giải quyết hồ sơ"


def _codes(canvas: Canvas, slip: AppointmentSlipData) -> None:
    """Draw the QR with the dossier code beside it, or under it when the code would not fit."""
    code_width = qr_image(slip.qr_text, canvas.style.pt(5)).width
    beside = canvas.inner - canvas.style.pt(10) - code_width - 2
    if canvas.font(21, True).getlength(slip.dossier_code) <= beside and not canvas.style.sheet:
        canvas.qr(
            slip.qr_text,
            module=5,
            beside=[
                ("Mã hồ sơ:\n", False),
                (slip.dossier_code + "\n", True),
                ("Mã tra cứu: ", False),
                (slip.lookup_token + "\n", True),
                (slip.qr_caption, False),
            ],
            size=21,
        )
        return
    canvas.whole("Mã hồ sơ", slip.dossier_code, 22)
    canvas.field("Mã tra cứu", slip.lookup_token, 20)
    canvas.qr(slip.qr_text, module=5 if not canvas.style.sheet else 4)
    canvas.text(slip.qr_caption, 19, align="center")


def _copy(slip: AppointmentSlipData, label: str, style: PageStyle) -> Image.Image:
    """Lay out one copy of the slip."""
    spec = form_spec(slip, FormKind.RECEIPT)
    canvas = start_form(style, slip, spec)
    canvas.text(label, 20, align="center")
    canvas.space(6)
    _codes(canvas, slip)
    canvas.space(6)
    canvas.text(f"{slip.agency_name} tiếp nhận hồ sơ của:", 20)
    canvas.field("Ông/Bà", slip.citizen_name, 22)
    canvas.field("Địa chỉ", slip.citizen_address, 20)
    canvas.field("Số điện thoại", slip.citizen_phone, 20)
    canvas.field("Email", slip.citizen_email, 20)
    procedure = slip.procedure_name
    if slip.procedure_code:
        procedure += f" (mã {slip.procedure_code})"
    canvas.field("Nội dung yêu cầu giải quyết", procedure, 20)
    canvas.space(4)
    canvas.text("1. Thành phần hồ sơ nộp gồm:", 20, bold=True)
    if canvas.style.sheet:
        rows = [["TT", "Tên giấy tờ", "Hình thức (bản chính, bản sao, bản chụp)", "Số lượng"]]
        for i, item in enumerate(slip.documents, start=1):
            rows.append([str(i), item.name, item.form, str(item.quantity)])
        canvas.table([0.5, 4.0, 2.2, 1.0], rows, 19)
        canvas.space(4)
    for i, item in enumerate(() if canvas.style.sheet else slip.documents, start=1):
        canvas.runs(
            [(f"{i}) {item.name} ", False), (f"— {item.form}: {item.quantity}", True)],
            20,
            indent=16,
        )
    canvas.field("2. Số lượng hồ sơ", f"{slip.sets} bộ", 20)
    canvas.field("3. Thời gian giải quyết theo quy định", f"{slip.legal_days} ngày làm việc", 20)
    canvas.field("4. Thời gian nhận hồ sơ", clock_date(slip.received_at), 20)
    canvas.field("5. Thời gian trả kết quả", clock_date(slip.due_at), 22)
    canvas.field("6. Đăng ký nhận kết quả tại", slip.return_place, 20)
    canvas.field("7. Phí, lệ phí", slip.fee, 20)
    canvas.field(
        "Vào Sổ theo dõi hồ sơ",
        f"Quyển số {slip.register_book}, số thứ tự {slip.register_entry}",
        20,
    )
    names = ("", slip.receiver_name)
    signers = list(zip(spec.signers, names, strict=False))
    if signers:
        signatures(canvas, signers, spec.sign_hint)
    # Where personal data is collected, the citizen is told what it is for (Luật 91/2025/QH15).
    canvas.space(6)
    canvas.text(SLIP_PRIVACY_FOOTER, 16)
    return finish_form(canvas, [])


def render_slip(slip: AppointmentSlipData, style: PageStyle) -> list[Image.Image]:
    """Lay out the slip: one page per copy label (the paper is cut between copies)."""
    return [_copy(slip, label, style) for label in slip.copy_labels]
