"""Pieces every document shares: the site header and footer, form headings, dates, signatures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from PIL import Image

from hw.printer.canvas import Canvas, Draw, PageStyle
from shared.domain.form_sets import (
    CURRENT_SET_ID,
    FormKind,
    FormSpec,
    form_for,
    form_set_by_id,
)

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGN_HINT = "(Ký và ghi rõ họ tên)"


def long_date(day: date) -> str:
    """Write a date as on official papers: 'ngày 01 tháng 7 năm 2025'."""
    return f"ngày {day.day:02d} tháng {day.month} năm {day.year}"


def clock_date(moment: datetime) -> str:
    """Write a moment as '08 giờ 30 phút, ngày 01/07/2025'."""
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def short_moment(moment: datetime) -> str:
    """Write a moment compactly: '08:30 01/07/2025'."""
    return f"{moment:%H:%M %d/%m/%Y}"


def site_header(canvas: Canvas) -> None:
    """Draw the configured logo, logo text and header lines, and a reprint mark if asked."""
    style = canvas.style
    if style.reprint:
        canvas.inverse("BẢN IN LẠI", 22)
        canvas.space(6)
    if style.logo is not None:
        canvas.paste(style.logo)
        canvas.space(6)
    if style.logo_text:
        canvas.fitted(style.logo_text, 40)
    for line in style.header_lines:
        canvas.text(line, 20, align="center")
    if style.logo is not None or style.logo_text or style.header_lines:
        canvas.space(4)


def site_footer(canvas: Canvas) -> None:
    """Draw the configured footer lines."""
    if canvas.style.footer_lines:
        canvas.space(6)
    for line in canvas.style.footer_lines:
        canvas.text(line, 18, align="center")


@dataclass(frozen=True, kw_only=True)
class Letterhead:
    """What every official form adds to its own fields: its set, the parent body, its number."""

    form_set: str = CURRENT_SET_ID
    parent_body: str = ""
    number: str = ""


class FormHead(Protocol):
    """The fields an official form's heading reads."""

    @property
    def agency_name(self) -> str: ...  # noqa: D102
    @property
    def place(self) -> str: ...  # noqa: D102
    @property
    def issued_at(self) -> datetime: ...  # noqa: D102
    @property
    def form_set(self) -> str: ...  # noqa: D102
    @property
    def parent_body(self) -> str: ...  # noqa: D102
    @property
    def number(self) -> str: ...  # noqa: D102


def form_spec(head: FormHead, kind: FormKind) -> FormSpec:
    """Return the number, title and signers this form has in the form's set."""
    return form_for(kind, form_set_by_id(head.form_set), head.issued_at.date())


def place_date(place: str, day: date) -> str:
    """Write 'Khánh Hòa, ngày 23 tháng 11 năm 2026'."""
    return f"{place}, {long_date(day)}" if place else long_date(day).capitalize()


def number_line(number: str) -> str:
    """Write the document number line: 'Số: 0007/TNTKQ', or dots to fill in by hand."""
    return f"Số: {number}" if number else "Số: ………………"


def _body_block(head: FormHead) -> Draw:
    def draw(sub: Canvas) -> None:
        if head.parent_body:
            sub.heading(head.parent_body.upper(), 19, bold=False)
        sub.heading(head.agency_name.upper(), 19)
        sub.short_rule()
        sub.text(number_line(head.number), 19, align="center")

    return draw


def _nation_block(head: FormHead) -> Draw:
    def draw(sub: Canvas) -> None:
        sub.fitted(NATIONAL_NAME, 19)
        sub.fitted(NATIONAL_MOTTO, 20)
        sub.short_rule()
        sub.text(place_date(head.place, head.issued_at.date()), 19, align="center")

    return draw


def start_form(style: PageStyle, head: FormHead, spec: FormSpec, title: str = "") -> Canvas:
    """Start an official form: number, issuing body, national motto, Số, place and date, title.

    On sheet paper the body and the national motto sit side by side as on official papers;
    on a receipt roll they are stacked.
    """
    canvas = Canvas(style)
    canvas.space(4)
    site_header(canvas)
    canvas.text(spec.label, 16, align="right")
    if style.sheet:
        canvas.columns([(0.42, _body_block(head)), (0.58, _nation_block(head))], gap=8)
    else:
        if head.parent_body:
            canvas.text(head.parent_body.upper(), 20, align="center")
        canvas.text(head.agency_name.upper(), 22, bold=True, align="center")
        canvas.short_rule()
        canvas.text(NATIONAL_NAME, 20, bold=True, align="center")
        canvas.text(NATIONAL_MOTTO, 20, bold=True, align="center")
        canvas.short_rule()
        canvas.text(number_line(head.number), 18)
        canvas.text(place_date(head.place, head.issued_at.date()), 18, align="right")
    canvas.space(10)
    canvas.heading((title or spec.title).upper(), 26)
    canvas.space(8)
    return canvas


def finish_form(
    canvas: Canvas, signers: list[tuple[str, str]], hint: str = SIGN_HINT
) -> Image.Image:
    """End a form: the signature blocks (if any), the site footer, and the finished page."""
    if signers:
        signatures(canvas, signers, hint)
    site_footer(canvas)
    return canvas.finish()


def signatures(canvas: Canvas, blocks: list[tuple[str, str]], hint: str = SIGN_HINT) -> None:
    """Draw signature blocks side by side: a role in bold, the hint, room to sign, the name."""

    def block(role: str, name: str) -> Draw:
        def draw(sub: Canvas) -> None:
            sub.text(role.upper(), 18, bold=True, align="center")
            sub.text(hint, 16, align="center")
            sub.space(90)
            if name:
                sub.text(name, 20, bold=True, align="center")

        return draw

    canvas.space(10)
    canvas.columns([(1.0, block(role, name)) for role, name in blocks], gap=10)


def numbered(items: list[str]) -> str:
    """Join items as '1. …' lines."""
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))
