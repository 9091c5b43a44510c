"""Mẫu 02 (supplement request), Mẫu 03 (refusal) and Mẫu 04 (apology and new date)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from hw.printer.canvas import PageStyle
from hw.printer.documents.common import clock_date, finish_form, short_moment, start_form


@dataclass(frozen=True)
class MissingDocument:
    """A paper the citizen must add: its name and how many originals, certified copies, copies."""

    name: str
    originals: int = 0
    certified_copies: int = 0
    copies: int = 0


@dataclass(frozen=True)
class SupplementRequestData:
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
class RefusalData:
    """Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ."""

    agency_name: str
    place: str
    issued_at: datetime
    citizen_name: str
    procedure_name: str
    reason: str
    officer_name: str


@dataclass(frozen=True)
class ApologyData:
    """Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả."""

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


def render_supplement(data: SupplementRequestData, style: PageStyle) -> list[Image.Image]:
    """Lay out Mẫu 02."""
    canvas = start_form(
        style,
        "Mẫu số 02",
        data.agency_name,
        "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
        data.place,
        data.issued_at.date(),
    )
    canvas.field("Mã hồ sơ", data.dossier_code, 20)
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
    return [finish_form(canvas, [("Người hướng dẫn", data.officer_name)])]


def render_refusal(data: RefusalData, style: PageStyle) -> list[Image.Image]:
    """Lay out Mẫu 03."""
    canvas = start_form(
        style,
        "Mẫu số 03",
        data.agency_name,
        "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
        data.place,
        data.issued_at.date(),
    )
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
    return [finish_form(canvas, [("Người tiếp nhận hồ sơ", data.officer_name)])]


def render_apology(data: ApologyData, style: PageStyle) -> list[Image.Image]:
    """Lay out Mẫu 04."""
    canvas = start_form(
        style,
        "Mẫu số 04",
        data.agency_name,
        "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        data.place,
        data.issued_at.date(),
    )
    canvas.field("Kính gửi", f"Ông/Bà {data.citizen_name}", 22)
    canvas.text(
        f"Ngày {data.received_at:%d/%m/%Y}, {data.agency_name} tiếp nhận giải quyết hồ sơ "
        f"của ông/bà đề nghị giải quyết thủ tục: {data.procedure_name}.",
        20,
    )
    canvas.field("Mã hồ sơ (số biên nhận)", data.dossier_code, 20)
    canvas.field("Thời gian hẹn trả kết quả", short_moment(data.original_due_at), 20)
    canvas.text("Tuy nhiên đến nay, chưa giải quyết xong hồ sơ của ông/bà. Lý do:", 20)
    canvas.text(data.reason, 20, bold=True, indent=16)
    canvas.text(
        f"Sự chậm trễ này đã gây phiền hà cho ông/bà. {data.agency_name} xin lỗi ông/bà "
        "và sẽ trả kết quả giải quyết hồ sơ cho ông/bà vào:",
        20,
    )
    canvas.text(clock_date(data.new_due_at), 24, bold=True, align="center")
    canvas.text("Kính mong nhận được sự thông cảm của ông/bà.", 20)
    return [finish_form(canvas, [(data.head_title, data.head_name)])]
