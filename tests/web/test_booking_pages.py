"""Booking from a phone in a real browser: a slot, its QR at the kiosk, change, cancel, remote.

The real stack: Mosquitto, the queue server with the demo site's `[appointments]`, `motcua
web` in a thread, Debian's Chromium. The one-time codes are read where the server tests read
them (the server's code sender, a test-only seam); the citizen types them into the page.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.messaging import appointment_commands as ac
from shared.messaging import commands as c
from shared.messaging.client import new_request_id
from tests.helpers.appointments import Phones
from tests.helpers.clock import FakeClock
from tests.web.booking_steps import SITE, TODAY_0930, book, read_qr, request_of
from tests.web.conftest import Hall
from tests.web.served import ServedWeb
from tests.web.test_ticket_page import expect_text

pytestmark = pytest.mark.integration
# Screenshots of the pages, for a person to look at (MOTCUA_SCREENSHOTS=/some/folder).
SHOTS = os.environ.get("MOTCUA_SCREENSHOTS", "")


def shot(page: Any, name: str) -> None:
    """Keep a full-page screenshot when asked to."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        # Written here: Playwright writes a `path` from worker threads the test would leave.
        (Path(SHOTS) / f"{name}.png").write_bytes(page.screenshot(full_page=True))


def go(page: Any, selector: str) -> None:
    """Click a link or a button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def type_the_code(page: Any, phones: Phones) -> None:
    """Read the code the server sent to the phone and type it on the code page."""
    otp = phones.code(request_of(page.url))
    page.fill("#otp", otp)
    go(page, "button[type=submit]")


def test_a_slot_is_booked_then_changed_then_cancelled_from_the_phone(
    hall: Hall, phones: Phones, web: ServedWeb, page: Any
) -> None:
    page.goto(f"{hall.public_url}/")
    go(page, "a:has-text('Đặt lịch hẹn')")
    assert page.url == f"{hall.public_url}/book/{SITE}"
    shot(page, "1-services")
    go(page, "a:has-text('Hộ tịch, trích lục hộ tịch')")
    go(page, "a.day:has-text('Thứ Tư 25/11')")
    assert page.get_attribute("a.day[aria-current=date]", "href").endswith("day=2026-11-25")
    shot(page, "2-slots")
    go(page, "a.time:has-text('09:30')")
    assert "09:30, Thứ Tư, 25/11/2026" in page.inner_text("main")
    page.fill("#phone", "091 234 5678")
    shot(page, "3-phone")
    go(page, "button[type=submit]")
    assert "Mã gồm 6 chữ số đã được gửi qua tin nhắn đến số 09xx xxx 678." in page.inner_text(
        "main"
    )
    shot(page, "4-code")
    right = phones.code(request_of(page.url))
    page.fill("#otp", "000000" if right != "000000" else "111111")
    go(page, "button[type=submit]")
    assert page.text_content("#error h2") == "Mã xác nhận không đúng"
    assert "Còn 4 lần thử." in page.text_content("#error")
    shot(page, "4b-wrong-code")
    type_the_code(page, phones)
    assert "/b/" in page.url and page.url.endswith("?done=booked")
    link = page.url.split("?", 1)[0]
    text = page.inner_text("main")
    assert "Đặt lịch thành công." in text
    assert page.text_content("#state") == "Đã đặt lịch"
    assert "Hộ tịch, trích lục hộ tịch" in text
    assert "09:30, Thứ Tư, 25/11/2026" in text and "09xx xxx 678" in text
    code = page.text_content("#code").replace(" ", "")
    assert len(code) == 8 and link.split("/b/", 1)[1].startswith(code + "/")
    assert (
        f"Đến trước giờ hẹn 09:30 ngày Thứ Tư, 25/11/2026, quét mã QR này tại ki-ốt hoặc nhập "
        f"mã {code}." in text
    )
    assert "Nếu làm thủ tục sau 09:45" in text
    # The QR, as the kiosk's reader sees it on the phone's screen, holds the booking's link.
    assert read_qr(page.locator("svg.qr").screenshot()) == [link]
    assert page.get_attribute("svg.qr", "aria-label") == f"Mã QR của lịch hẹn {code}"
    shot(page, "5-booking")

    go(page, "#change")
    assert "Giờ hẹn hiện tại: 09:30, Thứ Tư, 25/11/2026." in page.inner_text("main")
    assert page.text_content("span.time.current .time-at") == "09:30"
    go(page, "a.day:has-text('Thứ Năm 26/11')")
    go(page, "a.time:has-text('10:00')")
    assert page.text_content(".question") == "Đổi giờ hẹn sang 10:00, Thứ Năm, 26/11/2026?"
    go(page, "#yes")
    assert page.url == f"{link}?done=changed"
    text = page.inner_text("main")
    assert "Đã đổi giờ hẹn." in text and "10:00, Thứ Năm, 26/11/2026" in text
    assert "Còn đổi được 1 lần." in text
    assert read_qr(page.locator("svg.qr").screenshot()) == [link]  # the same booking

    go(page, "#cancel")
    assert "Bạn có chắc muốn hủy lịch hẹn 10:00, Thứ Năm, 26/11/2026?" in page.inner_text("main")
    go(page, "#no")
    assert page.url == link and page.text_content("#state") == "Đã đặt lịch"
    go(page, "#cancel")
    go(page, "#yes")
    assert page.url == f"{link}?done=cancelled"
    assert page.text_content("#state") == "Đã hủy"
    assert "Đã hủy lịch hẹn." in page.inner_text("main")
    assert page.locator("#cancel, #change, svg.qr").count() == 0
    assert page.locator("text=Đặt lịch mới").count() == 1
    shot(page, "6-cancelled")
    # Both places are free again.
    page.goto(f"{hall.public_url}/book/{SITE}/ho-tich?day=2026-11-26")
    assert page.text_content("a.time:has-text('10:00') .time-note") == "còn 2 chỗ"


def test_a_remote_number_leads_to_its_live_ticket_page(
    hall: Hall, phones: Phones, web: ServedWeb, page: Any
) -> None:
    hall.issue("can-cuoc")  # someone took a number at the kiosk before
    page.goto(f"{hall.public_url}/book/{SITE}/can-cuoc?lang=en")
    assert page.get_attribute("html", "lang") == "en"
    go(page, "#remote")
    assert "A remote number for today" in page.inner_text("main")
    page.fill("#phone", "+84 987 654 321")
    go(page, "button[type=submit]")
    assert "to 09xx xxx 321" in page.inner_text("main")
    type_the_code(page, phones)
    assert page.url.endswith("?done=booked&lang=en")
    assert page.text_content("h1") == "Your remote number"
    assert page.text_content("#state") == "Number issued, waiting to be called"
    number = page.text_content("#number")
    assert number.startswith("D")
    assert page.locator("svg.qr").count() == 0  # nothing to check in: the number waits already
    shot(page, "7-remote")
    go(page, "#follow")
    assert "/t/hcc-demo/" in page.url
    assert page.text_content("#number") == number
    expect_text(page, "#detail", "1 person ahead of you")


def test_the_kiosk_checks_the_booking_in_from_its_qr_and_the_phone_hears_the_call(
    hall: Hall, phones: Phones, web: ServedWeb, clock: FakeClock, page: Any
) -> None:
    link = book(hall, phones, slot=TODAY_0930)
    page.goto(link)
    scanned = read_qr(page.locator("svg.qr").screenshot())
    assert scanned == [link]
    # The kiosk's reader sends what it read; the kiosk checks the citizen in.
    clock.advance(minutes=10)  # 09:10
    reply = hall.kiosk.send(ac.CheckIn(request_id=new_request_id(), code=scanned[0]))
    assert reply.ok, reply.error
    number = str(reply.result["ticket"]["number"])
    page.reload()
    assert page.text_content("#state") == "Đã làm thủ tục có mặt, đang chờ gọi"
    assert page.text_content("#number") == number
    assert page.locator("svg.qr, #change").count() == 0
    go(page, "#follow")
    assert page.text_content("#number") == number
    expect_text(page, "#headline", "Đang chờ đến lượt")
    clock.set(TODAY_0930 - timedelta(minutes=5))  # 09:25: the appointment's turn
    called = hall.do("q01", c.CallNext)
    assert called["ticket"]["number"] == number
    expect_text(page, "#headline", f"Mời số {number} đến Quầy 1")
    shot(page, "8-called")
