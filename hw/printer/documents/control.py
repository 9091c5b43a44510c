"""Phiếu kiểm soát quá trình giải quyết hồ sơ (Mẫu 06; Mẫu 05 under TT 01/2018)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from hw.printer.canvas import Canvas, Draw, PageStyle
from hw.printer.documents.common import (
    Letterhead,
    clock_date,
    finish_form,
    form_spec,
    short_moment,
    start_form,
)
from shared.domain.form_sets import FormKind

SIGN_ROOM = 70  # blank rows (203-dpi size) left for a signature in a cell


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
class ControlSheetData(Letterhead):
    """The control sheet: the dossier's identity and one row per hand-over."""

    agency_name: str
    place: str
    issued_at: datetime
    dossier_code: str
    citizen_name: str
    procedure_name: str
    received_at: datetime
    due_at: datetime
    handovers: tuple[Handover, ...]
    receipt_number: str = ""


def _upper_head(label: str) -> str:
    """Capitalise a column heading but not its note in brackets, as the printed form does."""
    head, bracket, rest = label.partition("(")
    return head.upper() + (f"\n({rest}" if bracket else "")


def _units(step: Handover, index: int) -> str:
    return f"{index}. Giao: {step.giver_unit}\n{index + 1}. Nhận: {step.receiver_unit}"


def _time_and_signatures(step: Handover) -> Draw:
    """The hand-over time, then giver and receiver side by side with room to sign."""

    def draw(sub: Canvas) -> None:
        sub.text(clock_date(step.at), 18, align="center")
        sub.space(4)
        sub.columns(
            [(1.0, _signer("Người giao", step.giver)), (1.0, _signer("Người nhận", step.receiver))]
        )

    return draw


def _heading(canvas: Canvas, data: ControlSheetData) -> None:
    number = data.receipt_number or data.dossier_code
    canvas.text(
        f"Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: {number}", 19, align="center"
    )
    canvas.space(4)
    canvas.whole("Mã hồ sơ", data.dossier_code, 20)
    canvas.field("Người nộp hồ sơ", data.citizen_name, 20)
    canvas.field("Thủ tục", data.procedure_name, 20)
    canvas.field("Ngày nhận", short_moment(data.received_at), 20)
    canvas.field("Hẹn trả", short_moment(data.due_at), 20)
    canvas.space(6)


def render_control_sheet(data: ControlSheetData, style: PageStyle) -> list[Image.Image]:
    """Lay out the control sheet: a ruled table on sheets, a block per hand-over on a roll."""
    spec = form_spec(data, FormKind.CONTROL_SHEET)
    canvas = start_form(style, data, spec)
    _heading(canvas, data)
    if style.sheet:
        rows: list[list[str | Draw]] = [[_upper_head(c) for c in spec.columns]]
        for i, step in enumerate(data.handovers):
            rows.append(
                [_units(step, 2 * i + 1), _time_and_signatures(step), step.outcome, step.note]
            )
        canvas.table([2.2, 3.2, 1.5, 1.3], rows, 18)
        return [finish_form(canvas, [])]
    for i, step in enumerate(data.handovers):
        canvas.rule(thickness=1, gap=5)
        canvas.text(_units(step, 2 * i + 1), 20, bold=True)
        canvas.field("Thời gian giao, nhận", clock_date(step.at), 19, indent=16)
        canvas.field("Kết quả", step.outcome, 19, indent=16)
        if step.note:
            canvas.field("Ghi chú", step.note, 19, indent=16)
        canvas.space(4)
        canvas.columns(
            [
                (1.0, _signer("Người giao", step.giver)),
                (1.0, _signer("Người nhận", step.receiver)),
            ]
        )
    canvas.rule(thickness=1, gap=5)
    return [finish_form(canvas, [])]


def _signer(role: str, name: str) -> Draw:
    """A signature cell: the role, room to sign, the name."""

    def draw(sub: Canvas) -> None:
        sub.text(role, 18, bold=True, align="center")
        sub.space(SIGN_ROOM)
        sub.text(name or " ", 18, align="center")

    return draw
