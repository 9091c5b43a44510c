"""Mẫu 02 (supplement request), Mẫu 03 (refusal) and Mẫu 04 (apology and a later date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from hw.printer.canvas import PageStyle
from hw.printer.documents.common import (
    Letterhead,
    clock_date,
    finish_form,
    form_spec,
    start_form,
)
from shared.domain.form_sets import TT01_2018, FormKind


@dataclass(frozen=True)
class MissingDocument:
    """A paper the citizen must add: its name and how many originals, certified copies, copies."""

    name: str
    originals: int = 0
    certified_copies: int = 0
    copies: int = 0


@dataclass(frozen=True)
class SupplementRequestData(Letterhead):
    """Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""

    agency_name: str
    place: str
    issued_at: datetime
    citizen_name: str
    procedure_name: str
    dossier_code: str
    missing: tuple[MissingDocument, ...]
    reason: str
    contact: str
    officer_name: str


@dataclass(frozen=True)
class RefusalData(Letterhead):
    """Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    agency_name: str
    place: str
    issued_at: datetime
    citizen_name: str
    procedure_name: str
    reason: str
    officer_name: str


@dataclass(frozen=True)
class ApologyData(Letterhead):
    """Mẫu 04 — the apology and the later date, signed for the body responsible for the delay."""

    agency_name: str
    place: str
    issued_at: datetime
    citizen_name: str
    procedure_name: str
    dossier_code: str
    received_at: datetime
    original_due_at: datetime
    reason: str
    new_due_at: datetime
    head_title: str
    head_name: str
    responsible_body: str = ""

    @property
    def body(self) -> str:
        """Return the body responsible for the delay (the issuing agency unless named)."""
        return self.responsible_body or self.agency_name


def render_supplement(data: SupplementRequestData, style: PageStyle) -> list[Image.Image]:
    """Lay out Mẫu 02."""
    spec = form_spec(data, FormKind.SUPPLEMENT)
    canvas = start_form(style, data, spec)
    canvas.whole("Mã hồ sơ", data.dossier_code, 20)
    canvas.text(f"{data.agency_name} tiếp nhận hồ sơ của:", 20)
    canvas.field("Ông/Bà", data.citizen_name, 22)
    canvas.field("Nội dung yêu cầu giải quyết", data.procedure_name, 20)
    canvas.text("Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:", 20, bold=True)
    canvas.space(4)
    rows = [["TT", "Tên giấy tờ", "Bản chính", "Bản c.thực", "Bản sao"]]
    for i, item in enumerate(data.missing, start=1):
        counts = [
            str(n) if n else "—" for n in (item.originals, item.certified_copies, item.copies)
        ]
        rows.append([str(i), item.name, *counts])
    canvas.table([0.6, 3.2, 1.05, 1.05, 1.05], rows, 18)
    canvas.space(6)
    canvas.field("Lý do", data.reason, 20)
    canvas.text(
        "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ: " + data.contact, 20
    )
    canvas.text("Xin trân trọng cảm ơn!", 20, align="center")
    signers = [(role, data.officer_name) for role in spec.signers]
    return [finish_form(canvas, signers, spec.sign_hint)]


def render_refusal(data: RefusalData, style: PageStyle) -> list[Image.Image]:
    """Lay out Mẫu 03."""
    spec = form_spec(data, FormKind.REFUSAL)
    canvas = start_form(style, data, spec)
    canvas.text(f"{data.agency_name} tiếp nhận hồ sơ của:", 20)
    canvas.field("Ông/Bà", data.citizen_name, 22)
    canvas.field("Đề nghị giải quyết thủ tục hành chính", data.procedure_name, 20)
    canvas.text(
        "Căn cứ quy định tại các văn bản quy phạm pháp luật hiện hành, cơ quan, đơn vị "
        "từ chối tiếp nhận, giải quyết hồ sơ này với lý do sau:",
        20,
    )
    canvas.text(data.reason, 20, bold=True, indent=16)
    canvas.text("Xin thông báo để ông/bà được biết và thực hiện.", 20)
    signers = [(role, data.officer_name) for role in spec.signers]
    return [finish_form(canvas, signers, spec.sign_hint)]


def render_apology(data: ApologyData, style: PageStyle) -> list[Image.Image]:
    """Lay out Mẫu 04: the reason, the date promised and the later one, side by side in words.

    Under TT 01/2018 it is a new appointment; under TT 03/2025 a request for more time.
    """
    spec = form_spec(data, FormKind.APOLOGY)
    old_set = data.form_set == TT01_2018.id
    canvas = start_form(style, data, spec)
    canvas.field("Kính gửi", f"Ông/Bà {data.citizen_name}", 22)
    canvas.text(
        f"Ngày {data.received_at:%d/%m/%Y}, {data.agency_name} tiếp nhận giải quyết hồ sơ "
        f"của ông/bà đề nghị giải quyết thủ tục: {data.procedure_name}.",
        20,
    )
    canvas.whole("Mã hồ sơ (số biên nhận)", data.dossier_code, 20)
    canvas.field("Thời gian hẹn trả kết quả", clock_date(data.original_due_at), 20)
    canvas.text(f"Tuy nhiên đến nay, {data.body} chưa giải quyết xong hồ sơ của ông/bà.", 20)
    canvas.runs([("Lý do: ", False), (data.reason, True)], 20)
    if old_set:
        ask = (
            f"Sự chậm trễ này đã gây phiền hà cho ông/bà. {data.body} xin lỗi ông/bà "
            "và sẽ trả kết quả giải quyết hồ sơ cho ông/bà vào:"
        )
    else:
        ask = (
            f"Sự chậm trễ này đã gây phiền hà cho ông/bà. {data.body} trân trọng xin lỗi "
            "ông/bà và đề nghị gia hạn thời gian giải quyết hồ sơ, hẹn trả kết quả vào:"
        )
    canvas.text(ask, 20)
    canvas.text(clock_date(data.new_due_at), 24, bold=True, align="center")
    canvas.text(
        f"(thay cho thời gian hẹn trước đây: {clock_date(data.original_due_at)})",
        18,
        align="center",
    )
    canvas.text("Kính mong nhận được sự thông cảm của ông/bà.", 20)
    role = data.head_title or (spec.signers[0] if spec.signers else "")
    return [finish_form(canvas, [(role, data.head_name)], spec.sign_hint)]
