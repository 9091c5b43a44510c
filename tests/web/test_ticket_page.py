"""A ticket's live page in a real browser: people ahead fall, the call arrives, no reload."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from server.broker import EmbeddedBroker
from shared.domain.ticket_links import TicketLink, parse_link
from shared.messaging import commands as c
from tests.helpers.clock import FakeClock
from tests.web.conftest import Hall
from tests.web.served import ServedWeb, serve_web

pytestmark = pytest.mark.integration
WAIT_MS = 10_000
MISSING = "Không tìm thấy số thứ tự này. Số chỉ có giá trị trong ngày cấp."


def expect_text(page: Any, selector: str, text: str) -> None:
    """Wait until the element shows exactly `text`."""
    page.wait_for_function(
        "([s, t]) => document.querySelector(s)?.textContent.trim() === t",
        arg=[selector, text],
        timeout=WAIT_MS,
    )


def test_the_page_follows_the_ticket_until_it_is_called_without_reloading(
    hall: Hall, web: ServedWeb, page: Any
) -> None:
    for _ in range(2):
        hall.issue()
    link = hall.issue()
    assert link.startswith(hall.public_url + "/t/hcc-demo/")
    ticket = parse_link(link)
    assert isinstance(ticket, TicketLink)
    response = page.goto(link)
    assert response.status == 200
    assert page.text_content("#number") == ticket.number
    expect_text(page, "#detail", "Còn 2 người trước bạn")
    assert "Hộ tịch" in page.text_content("#service")
    page.evaluate("window.__stayed = true")  # gone if the page reloads
    page.click("#alert")  # the citizen allows the alert (a tap unlocks sound and vibration)
    expect_text(page, "#alert", "Chuông báo đã bật")
    rang = int(page.get_attribute("#main", "data-rang"))
    hall.do("q01", c.CallNext)
    expect_text(page, "#detail", "Còn 1 người trước bạn")
    hall.do("q02", c.CallNext)
    expect_text(page, "#detail", "Bạn là người tiếp theo")
    hall.do("q01", c.CallNext)
    expect_text(page, "#headline", f"Mời số {ticket.number} đến Quầy 1")
    expect_text(page, "#announce", f"Mời số {ticket.number} đến Quầy 1")
    assert page.evaluate("window.__stayed") is True
    assert int(page.get_attribute("#main", "data-rang")) == rang + 1
    assert page.evaluate("window.__vibrations.length") == 2  # the tap, then the call
    assert "stage-called" in page.get_attribute("#status", "class")
    hall.do("q01", c.StartServing)
    expect_text(page, "#headline", "Bạn đang được phục vụ tại Quầy 1")
    hall.do("q01", c.Finish)
    expect_text(page, "#headline", "Đã phục vụ xong. Cảm ơn bạn!")
    assert page.evaluate("window.__stayed") is True


def test_the_page_recovers_by_itself_when_its_server_comes_back(
    hall: Hall, web: ServedWeb, broker: EmbeddedBroker, page: Any
) -> None:
    """A dropped connection (phone asleep, instance restarted) comes back with the news."""
    hall.issue()
    link = hall.issue()
    ticket = parse_link(link)
    assert isinstance(ticket, TicketLink)
    page.goto(link + "?lang=en")
    expect_text(page, "#detail", "1 person ahead of you")
    web.stop()
    expect_text(page, "#connection", "Connection lost, reconnecting…")
    hall.do("q01", c.CallNext)
    hall.do("q01", c.CallNext)
    # Another instance (no cache, as behind a load balancer) takes the reconnect.
    again = serve_web(hall.config, broker.address, hall.port, name="2")
    try:
        expect_text(page, "#headline", f"Number {ticket.number}, please go to counter 1")
        expect_text(page, "#connection", "Live updates on")
    finally:
        again.stop()


def test_a_forged_token_and_a_ticket_of_yesterday_get_the_not_found_page(
    hall: Hall, web: ServedWeb, page: Any
) -> None:
    ticket = parse_link(hall.issue())
    assert isinstance(ticket, TicketLink)
    base = f"{hall.public_url}/t/{ticket.site_id}"
    today = f"{ticket.service_day:%Y%m%d}"
    yesterday = ticket.service_day - timedelta(days=1)
    forged = f"{base}/{today}/{ticket.number}/{'a' * 20}"
    of_yesterday = hall.links.ticket(ticket.site_id, yesterday, ticket.number)
    renamed_day = f"{base}/{yesterday:%Y%m%d}/{ticket.number}/{ticket.token}"
    unknown_site = f"{hall.public_url}/t/other-site/{today}/{ticket.number}/{ticket.token}"
    for url in (forged, of_yesterday, renamed_day, unknown_site):
        response = page.goto(url)
        assert response.status == 404, url
        assert page.text_content("main p") == MISSING
        assert page.get_attribute("html", "lang") == "vi"
    response = httpx.get(f"{web.url}/t/{ticket.site_id}/{today}/{ticket.number}/{'b' * 20}")
    assert response.status_code == 404 and MISSING in response.text
    # Its live stream says `gone` once (the page stops reconnecting) instead of an error.
    stream = httpx.get(forged + "/events")
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert "event: gone" in stream.text and MISSING in stream.text


def test_a_page_left_open_past_its_day_says_so(
    hall: Hall, web: ServedWeb, clock: FakeClock, page: Any
) -> None:
    page.goto(hall.issue())
    expect_text(page, "#detail", "Bạn là người tiếp theo")
    clock.advance(days=1)
    hall.server.rollover()  # tickets left open when the day ends are closed (`expired`)
    expect_text(page, "#headline", "Số này không còn hiệu lực")


def test_a_page_reconnecting_after_its_day_hears_its_number_is_gone_and_stops(
    hall: Hall, web: ServedWeb, broker: EmbeddedBroker, clock: FakeClock, page: Any
) -> None:
    page.goto(hall.issue())
    expect_text(page, "#detail", "Bạn là người tiếp theo")
    web.stop()
    expect_text(page, "#connection", "Mất kết nối, đang kết nối lại…")
    clock.advance(days=1)
    hall.server.rollover()
    again = serve_web(hall.config, broker.address, hall.port, name="next-day")
    try:
        expect_text(page, "#headline", MISSING)
        expect_text(page, "#connection", "")  # no longer reconnecting
        assert "stage-ended" in page.get_attribute("#status", "class")
    finally:
        again.stop()
