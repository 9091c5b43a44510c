"""Mẫu 05 — Phiếu kiểm soát quá trình giải quyết hồ sơ (the control sheet)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from hw.printer.canvas import PageStyle
from hw.printer.documents.common import finish_form, short_moment, start_form


@dataclass(frozen=True)
class Handover:
    """One hand-over of the dossier: from whom to whom, when, and whether it was on time."""

    giver_unit: str
    receiver_unit: str
    at: datetime
    giver: str
    receiver: str
    outcome: str = "Đúng hạn"
    note: str = ""


@dataclass(frozen=True)
class ControlSheetData:
    """Mẫu 05: the dossier's identity and one row per hand-over."""

    agency_name: str
    place: str
    issued_at: datetime
    dossier_code: str
    citizen_name: str
    procedure_name: str
    received_at: datetime
    due_at: datetime
    handovers: tuple[Handover, ...]


def render_control_sheet(data: ControlSheetData, style: PageStyle) -> list[Image.Image]:
    """Lay out Mẫu 05; each hand-over is a numbered block (a wide table does not fit 80 mm)."""
    canvas = start_form(
        style,
        "Mẫu số 05",
        data.agency_name,
        "Phiếu kiểm soát quá trình giải quyết hồ sơ",
        data.place,
        data.issued_at.date(),
    )
    canvas.field("Mã hồ sơ", data.dossier_code, 20)
    canvas.field("Tên người nộp", data.citizen_name, 20)
    canvas.field("Thủ tục", data.procedure_name, 20)
    canvas.field("Ngày nhận", short_moment(data.received_at), 20)
    canvas.field("Hẹn trả", short_moment(data.due_at), 20)
    for i, step in enumerate(data.handovers, start=1):
        canvas.rule(thickness=1, gap=5)
        canvas.runs([(f"{i}. ", True), (f"{step.giver_unit} → {step.receiver_unit}", True)], 20)
        canvas.field("Thời gian giao, nhận", short_moment(step.at), 19, indent=16)
        canvas.field("Người giao", step.giver, 19, indent=16)
        canvas.field("Người nhận", step.receiver, 19, indent=16)
        canvas.field("Kết quả", step.outcome, 19, indent=16)
        if step.note:
            canvas.field("Ghi chú", step.note, 19, indent=16)
    canvas.rule(thickness=1, gap=5)
    return [finish_form(canvas, [])]
