"""Pieces every document shares: the site header and footer, form headings, dates, signatures."""

from __future__ import annotations

from datetime import date, datetime

from PIL import Image

from hw.printer.canvas import Canvas, Draw, PageStyle

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"
RECEPTION_UNIT = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
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


def start_form(
    style: PageStyle, form_no: str, agency: str, title: str, place: str, day: date
) -> Canvas:
    """Start an official form: form number, agency, national heading, place/date, title."""
    canvas = Canvas(style)
    canvas.space(4)
    site_header(canvas)
    canvas.text(form_no, 16, align="right")
    canvas.text(agency.upper(), 22, bold=True, align="center")
    canvas.text(RECEPTION_UNIT, 20, bold=True, align="center")
    canvas.space(4)
    canvas.text(NATIONAL_NAME, 20, bold=True, align="center")
    canvas.text(NATIONAL_MOTTO, 20, bold=True, align="center")
    canvas.rule(thickness=2, gap=4)
    place_date = f"{place}, {long_date(day)}" if place else long_date(day).capitalize()
    canvas.text(place_date, 18, align="right")
    canvas.space(8)
    canvas.text(title.upper(), 26, bold=True, align="center")
    canvas.space(8)
    return canvas


def finish_form(canvas: Canvas, signers: list[tuple[str, str]]) -> Image.Image:
    """End a form: the signature blocks (if any), the site footer, and the finished page."""
    if signers:
        signatures(canvas, signers)
    site_footer(canvas)
    return canvas.finish()


def signatures(canvas: Canvas, blocks: list[tuple[str, str]]) -> None:
    """Draw signature blocks side by side: a role in bold, the hint, room to sign, the name."""

    def block(role: str, name: str) -> Draw:
        def draw(sub: Canvas) -> None:
            sub.text(role.upper(), 18, bold=True, align="center")
            sub.text(SIGN_HINT, 16, align="center")
            sub.space(90)
            if name:
                sub.text(name, 20, bold=True, align="center")

        return draw

    canvas.space(10)
    canvas.columns([(1.0, block(role, name)) for role, name in blocks], gap=10)


def numbered(items: list[str]) -> str:
    """Join items as '1. …' lines."""
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))
