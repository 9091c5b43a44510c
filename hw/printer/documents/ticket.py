"""The queue ticket a citizen takes at the kiosk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from PIL import Image

from hw.printer.canvas import Canvas, PageStyle
from hw.printer.documents.common import site_footer, site_header
from shared.domain.codes import ticket_qr

DEFAULT_COURTESY = "Xin cảm ơn! Vui lòng chờ gọi số."


@dataclass(frozen=True)
class TicketData:
    """Everything printed on a queue ticket."""

    site_id: str
    centre_name: str
    number: str
    service_name: str
    department_name: str
    counters: tuple[str, ...]
    issued_at: datetime
    people_ahead: int
    estimated_wait_minutes: int | None = None
    priority: str = ""
    courtesy: str = DEFAULT_COURTESY
    service_day: date | None = None
    link: str = ""  # the ticket's live page, where the site has one
    appointment: str = ""  # local time of an appointment's slot (HH:MM), when it is one

    @property
    def qr_text(self) -> str:
        """Return the text of the ticket's QR code: its page's link, else the kiosks' code."""
        if self.link:
            return self.link
        return ticket_qr(self.site_id, self.service_day or self.issued_at.date(), self.number)


def wait_text(minutes: int | None) -> str:
    """Describe an estimated wait in words: 'khoảng 1 giờ 20 phút'."""
    if minutes is None:
        return "chưa ước tính được"
    if minutes < 1:
        return "dưới 1 phút"
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"khoảng {rest} phút"
    return f"khoảng {hours} giờ" + (f" {rest} phút" if rest else "")


def counters_text(counters: tuple[str, ...]) -> str:
    """Say which counters serve the ticket: 'Quầy số 3' or 'Quầy số 3, 4'."""
    if not counters:
        return "Chờ gọi số trên màn hình"
    return "Quầy số " + ", ".join(counters)


def render_ticket(ticket: TicketData, style: PageStyle) -> list[Image.Image]:
    """Lay out a ticket and return it as one 1-bit page."""
    canvas = Canvas(style)
    canvas.space(4)
    site_header(canvas)
    canvas.text(ticket.centre_name.upper(), 22, bold=True, align="center")
    canvas.rule(thickness=3, gap=6)
    canvas.text("SỐ THỨ TỰ", 22, align="center")
    canvas.space(8)
    canvas.big(ticket.number, 150)
    canvas.space(14)
    if ticket.priority:
        canvas.inverse(f"ƯU TIÊN · {ticket.priority}", 22)
        canvas.space(6)
    if ticket.appointment:
        canvas.inverse(f"LỊCH HẸN {ticket.appointment}", 22)
        canvas.space(6)
    canvas.text(ticket.service_name, 26, bold=True, align="center")
    canvas.text(ticket.department_name, 22, align="center")
    canvas.space(4)
    canvas.text(counters_text(ticket.counters), 30, bold=True, align="center")
    canvas.rule(thickness=2, dashed=True, gap=8)
    ahead = f"{ticket.people_ahead} người" if ticket.people_ahead else "bạn là người tiếp theo"
    canvas.field("Số người trước bạn", ahead, 22)
    canvas.field("Thời gian chờ dự kiến", wait_text(ticket.estimated_wait_minutes), 22)
    canvas.field("Lấy số lúc", f"{ticket.issued_at:%H:%M} ngày {ticket.issued_at:%d/%m/%Y}", 22)
    if ticket.link:  # without a page to open, a QR would only show a phone raw text
        canvas.space(8)
        canvas.qr(ticket.qr_text, module=5)
        canvas.text("Quét mã QR bằng điện thoại để theo dõi lượt của bạn", 19, align="center")
    canvas.rule(thickness=2, dashed=True, gap=8)
    canvas.text(ticket.courtesy, 22, align="center")
    site_footer(canvas)
    return [canvas.finish()]
