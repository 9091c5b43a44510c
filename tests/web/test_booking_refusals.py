"""Every refusal of a booking worded for the citizen; floods, other sites' forms, forged links.

Plain HTTP against the real stack (the browser tests walk the happy paths). Each test's
citizens have addresses of their own behind the loopback proxy, as phones on a network would.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from server.appointment_service import AppointmentSettings
from server.broker import EmbeddedBroker
from shared.messaging import commands as c
from shared.storage.appointments import BookingRow
from tests.helpers.appointments import KEY, Phones
from tests.helpers.clock import FakeClock
from tests.web.booking_steps import (
    SITE,
    WEDNESDAY_0930,
    ask_code,
    book,
    citizen,
    code_address,
    confirm,
    origin,
    request_of,
)
from tests.web.conftest import Hall, bookings_on
from tests.web.served import ServedWeb, serve_web, web_config

pytestmark = pytest.mark.integration


def wrong_code(right: str) -> str:
    return "000000" if right != "000000" else "111111"


def test_a_wrong_code_says_the_tries_left_and_too_many_end_the_request(
    hall: Hall, phones: Phones, web: ServedWeb
) -> None:
    address = code_address(hall, ask_code(hall))
    right = phones.code(request_of(address))
    short = confirm(address, "123")
    assert short.status_code == 400
    assert "Mã xác nhận gồm 6 chữ số" in short.text  # the page said so: no try spent
    first = confirm(address, wrong_code(right))
    assert first.status_code == 400
    assert "Mã xác nhận không đúng" in first.text and "Còn 4 lần thử." in first.text
    assert 'role="alert"' in first.text and 'aria-invalid="true"' in first.text
    assert "<title>Lỗi: Mã xác nhận không đúng" in first.text
    for left in (3, 2, 1):
        assert f"Còn {left} lần thử." in confirm(address, wrong_code(right)).text
    last = confirm(address, wrong_code(right))
    assert last.status_code == 409
    assert "Đã nhập sai mã quá số lần cho phép" in last.text
    assert 'name="otp"' not in last.text and "Đặt lịch lại" in last.text
    english = confirm(address + "&lang=en", right)
    assert english.status_code == 409 and "Too many wrong codes" in english.text


def test_an_expired_code_asks_to_start_again(
    hall: Hall, phones: Phones, web: ServedWeb, clock: FakeClock
) -> None:
    address = code_address(hall, ask_code(hall))
    assert "Mã có hiệu lực đến 09:05." in httpx.get(address).text
    clock.advance(minutes=6)
    late = confirm(address, phones.code(request_of(address)))
    assert late.status_code == 409
    assert "Mã xác nhận đã hết hạn" in late.text and "Đặt lịch lại" in late.text


def test_a_phone_number_is_checked_before_anything_is_sent(
    hall: Hall, phones: Phones, web: ServedWeb
) -> None:
    for number in ("0212345678", "091234567", "0912 345 6789", "abc"):
        refused = ask_code(hall, phone=number)
        assert refused.status_code == 400, number
        assert "Số điện thoại di động cần đủ 10 chữ số" in refused.text
        assert 'aria-invalid="true"' in refused.text and f'value="{number}"' in refused.text
    card = ask_code(hall, id_number="12345")
    assert card.status_code == 400 and "Số căn cước gồm đúng 12 chữ số" in card.text
    assert phones.sent == []
    for n, number in enumerate(("0912345678", "+84 912 345 678", "84912345678", "091.234.5678")):
        slot = WEDNESDAY_0930 + timedelta(minutes=15 * n)  # each its own (two places a slot)
        asked = ask_code(hall, slot=slot, phone=number, headers=citizen("203.0.113.9"))
        assert asked.status_code == 303, number
    assert {m.phone for m in phones.sent} == {"0912345678"}


def test_a_full_slot_a_slot_out_of_reach_and_a_phones_quota_are_worded(
    hall: Hall, phones: Phones, web: ServedWeb
) -> None:
    for n in (1, 2):
        book(hall, phones, phone=f"091200000{n}", headers=citizen(f"203.0.113.{n}"))
    full = ask_code(hall, phone="0912000003", headers=citizen("203.0.113.3"))
    assert full.status_code == 409
    assert "Giờ này đã hết chỗ" in full.text and "Chọn giờ khác" in full.text
    assert 'name="phone"' not in full.text
    wednesday = httpx.get(f"{hall.public_url}/book/{SITE}/ho-tich?day=2026-11-25").text
    assert '<span class="time off"><span class="time-at">09:30</span> ' in wednesday
    too_far = ask_code(hall, slot=WEDNESDAY_0930 + timedelta(days=14), phone="0912000004")
    assert too_far.status_code == 409 and "Giờ này không còn nhận đặt lịch" in too_far.text
    gone = ask_code(hall, slot=WEDNESDAY_0930 - timedelta(days=3), phone="0912000004")
    assert "Giờ này không còn nhận đặt lịch" in gone.text  # Sunday, and already past
    for minutes in (15, 30):
        slot = WEDNESDAY_0930 + timedelta(minutes=minutes)
        book(hall, phones, slot=slot, phone="0912000009", headers=citizen("203.0.113.9"))
    third = ask_code(
        hall,
        slot=WEDNESDAY_0930 + timedelta(minutes=45),
        phone="0912000009",
        headers=citizen("203.0.113.9"),
    )
    assert third.status_code == 409 and "Số điện thoại đã đủ lịch hẹn" in third.text


def test_remote_numbers_over_the_days_share_or_out_of_hours_are_refused(
    hall: Hall, web: ServedWeb, clock: FakeClock
) -> None:
    plans = AppointmentSettings.from_config(hall.config, KEY).rules.plans
    one_a_day = replace(plans["can-cuoc"], remote_share_percent=1)  # 1 % of 150: one number
    phones = bookings_on(hall, plans={**plans, "can-cuoc": one_a_day})
    book(hall, phones, "can-cuoc", None, "0912000001", citizen("203.0.113.1"))
    capped = ask_code(hall, "can-cuoc", None, "0912000002", citizen("203.0.113.2"))
    assert capped.status_code == 409
    assert "Đã hết số trong ngày" in capped.text and "lấy số tại ki-ốt" in capped.text
    clock.set(clock() + timedelta(hours=3))  # 12:00: between the service's ticket hours
    closed = ask_code(hall, "can-cuoc", None, "0912000003", citizen("203.0.113.3"))
    assert closed.status_code == 409 and "Hiện không lấy số từ xa được" in closed.text
    assert '<p lang="vi">Ngoài giờ lấy số (' in closed.text  # the server's own reason
    english = httpx.post(
        f"{hall.public_url}/book/{SITE}/can-cuoc/phone",
        params={"remote": "1", "lang": "en"},
        data={"phone": "0912000004"},
        headers=citizen("203.0.113.4"),
    )
    assert "Remote numbers cannot be taken now" in english.text


def test_a_booking_flood_from_one_address_stops_at_the_web_service(
    hall: Hall, phones: Phones, web: ServedWeb, sessions: sessionmaker[Session]
) -> None:
    flooder = citizen("198.51.100.7")
    first_slot = WEDNESDAY_0930 - timedelta(minutes=90)  # 08:00
    statuses = [
        ask_code(
            hall,
            slot=first_slot + timedelta(minutes=15 * n),
            phone=f"09130000{n:02d}",
            headers=flooder,
        ).status_code
        for n in range(10)
    ]
    assert statuses == [303] * 10
    refused = ask_code(hall, slot=first_slot, phone="0913000010", headers=flooder)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 120
    assert "Có quá nhiều yêu cầu đặt lịch từ mạng của bạn" in refused.text
    assert len(phones.sent) == 10  # the server never heard of the eleventh
    # A code typed from the flooding address waits too; another citizen is not held up.
    address = code_address(hall, ask_code(hall, headers=citizen("198.51.100.8")))
    assert confirm(address, phones.code(request_of(address)), flooder).status_code == 429
    assert confirm(address, phones.code(request_of(address))).status_code == 303
    # The server was told who asked as a keyed hash, never the address.
    with sessions() as session:
        clients = {row.client for row in session.scalars(select(BookingRow))}
    assert len(clients) == 2
    assert all(client.startswith("web-") and "198.51" not in client for client in clients)


def test_a_form_posted_from_another_site_is_refused(
    hall: Hall, phones: Phones, web: ServedWeb
) -> None:
    for headers in ({"sec-fetch-site": "cross-site"}, {"origin": "https://evil.example"}):
        refused = ask_code(hall, headers=headers)
        assert refused.status_code == 403, headers
    assert phones.sent == []
    same = {"sec-fetch-site": "same-origin", "origin": "null"}  # no-referrer pages post `null`
    assert ask_code(hall, headers=same).status_code == 303


def test_a_forged_link_finds_no_booking_and_tokens_stay_out_of_the_log(
    hall: Hall, phones: Phones, web: ServedWeb, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "motcua.web")
    address = code_address(hall, ask_code(hall))
    reference = request_of(address)
    link = book(hall, phones, phone="0912000001", headers=citizen("203.0.113.1"))
    code, token = link.split("/b/", 1)[1].split("/")
    assert httpx.get(link).status_code == 200
    for url in (link.replace(token, "a" * 20), link.replace(code, "ABCDEFGH"), link[:-1]):
        missing = httpx.get(url)
        assert missing.status_code == 404, url
    assert "Không tìm thấy lịch hẹn này" in httpx.get(link.replace(token, "b" * 20)).text
    # What Motcua logged (the test's own HTTP client logs the URLs it was given).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("motcua"))
    assert f"GET /b/{code}/… 200" in logged and "/code/… " in logged
    assert token not in logged and reference not in logged
    # Guessing links from one address stops, as for slips; other citizens are not slowed.
    assert httpx.get(link.replace(token, "c" * 20)).status_code == 404
    stopped = httpx.get(link)
    assert stopped.status_code == 429 and int(stopped.headers["retry-after"]) >= 1
    assert httpx.get(link, headers=citizen("203.0.113.20")).status_code == 200


def test_a_number_already_called_or_a_slot_taken_meanwhile_is_explained(
    hall: Hall, phones: Phones, web: ServedWeb
) -> None:
    remote = book(hall, phones, "can-cuoc", None, "0912000001", citizen("203.0.113.1"))
    hall.do("q04", c.CallNext)
    cancelled = httpx.post(f"{remote}/cancel", headers=citizen("203.0.113.1"))
    assert cancelled.status_code == 409
    assert "Không hủy được nữa" in cancelled.text and "Về trang lịch hẹn" in cancelled.text
    mine = book(hall, phones, phone="0912000002", headers=citizen("203.0.113.2"))
    later = WEDNESDAY_0930 + timedelta(minutes=15)
    for n in (3, 4):
        book(hall, phones, slot=later, phone=f"091200000{n}", headers=citizen(f"203.0.113.{n}"))
    moved = httpx.post(
        f"{mine}/change", data={"slot": later.isoformat()}, headers=citizen("203.0.113.2")
    )
    assert moved.status_code == 409
    assert (
        "Giờ này đã hết chỗ" in moved.text
        and f'href="{mine.removeprefix(origin(hall))}/change"' in moved.text
    )


def test_the_home_page_links_to_bookings_without_waiting_for_a_silent_server(
    hall: Hall, phones: Phones, broker: EmbeddedBroker
) -> None:
    """One instance for two sites, one of them without a server: the home page still answers."""
    config = web_config(hall.config, hall.public_url, sites=[SITE, "hcc-nowhere"])
    served = serve_web(config, broker.address, hall.port, name="two-sites")
    try:
        home = f"{hall.public_url}/"
        first = httpx.get(home, timeout=15)
        assert first.status_code == 200
        assert 'href="/motcua/book/hcc-demo">Đặt lịch hẹn</a>' in first.text
        assert "hcc-nowhere" not in first.text
        started = time.monotonic()
        again = httpx.get(home)
        assert again.status_code == 200 and time.monotonic() - started < 1.0
        assert "/book/hcc-demo" in again.text
        busy = httpx.get(f"{hall.public_url}/book/hcc-nowhere", timeout=15)
        assert busy.status_code == 503 and "Vui lòng thử lại sau" in busy.text
        assert int(busy.headers["retry-after"]) >= 1
    finally:
        served.stop()
