"""Every response: security headers, per-address limits (429 + Retry-After), trusted proxies."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest

from server.broker import EmbeddedBroker, free_port
from shared.domain.ticket_links import TicketLink, parse_link
from tests.web.conftest import Hall
from tests.web.served import ServedWeb, serve_web, web_config

pytestmark = pytest.mark.integration


def assert_guarded(response: httpx.Response) -> None:
    """The headers every page carries."""
    headers = response.headers
    csp = headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
    assert "default-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-frame-options"] == "DENY"
    assert "server" not in headers


def test_pages_carry_the_security_headers_and_are_never_cached(
    hall: Hall, web: ServedWeb, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "motcua.web")
    link = hall.issue()
    ticket = parse_link(link)
    assert isinstance(ticket, TicketLink)
    page = httpx.get(link)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert_guarded(page)
    assert page.headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in page.headers  # plain http: no HSTS
    assert "<script>" not in page.text and " style=" not in page.text  # nothing inline
    for url in (link + "x", f"{hall.public_url}/nowhere", f"{hall.public_url}/d/X/ABCDEFGH"):
        missing = httpx.get(url)
        assert missing.status_code == 404
        assert_guarded(missing)
    script = httpx.get(f"{hall.public_url}/static/app.js")
    assert script.status_code == 200 and "immutable" in script.headers["cache-control"]
    assert_guarded(script)
    behind_https = httpx.get(link, headers={"x-forwarded-proto": "https"})
    assert behind_https.headers["strict-transport-security"].startswith("max-age=")
    # What Motcua logged (the test's own HTTP client logs the URLs it was given).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("motcua"))
    assert f"GET /t/hcc-demo/{ticket.service_day:%Y%m%d}/{ticket.number}/… 200" in logged
    assert ticket.token not in logged  # tokens never reach a log


def test_the_live_stream_is_not_buffered_by_proxies(hall: Hall, web: ServedWeb) -> None:
    link = hall.issue()
    with httpx.stream("GET", link + "/events", timeout=10) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-accel-buffering"] == "no"
        assert response.headers["cache-control"] == "no-store"
        assert_guarded(response)
        lines = response.iter_lines()
        assert next(lines) == "retry: 3000"
        event = [next(lines) for _ in range(3)]
        assert event[1] == "event: ticket" and event[2].startswith("data: {")
        assert '"stage": "waiting"' in event[2]


@pytest.fixture
def strict_web(hall: Hall, broker: EmbeddedBroker) -> Iterator[ServedWeb]:
    """A web instance that lets one address open 3 pages, then one a minute."""
    config = web_config(hall.config, hall.public_url, request_burst=3, requests_per_minute=1)
    served = serve_web(config, broker.address, hall.port, name="strict")
    yield served
    served.stop()


def test_an_address_over_its_limit_is_told_to_wait(hall: Hall, strict_web: ServedWeb) -> None:
    home = f"{hall.public_url}/"
    assert [httpx.get(home).status_code for _ in range(3)] == [200, 200, 200]
    refused = httpx.get(home)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert "Vui lòng thử lại sau" in refused.text
    assert_guarded(refused)
    english = httpx.get(home + "?lang=en")
    assert english.status_code == 429 and "Please try again in" in english.text
    # Health checks and the page's own files are never limited.
    assert httpx.get(f"{hall.public_url}/healthz").status_code == 200
    assert httpx.get(f"{hall.public_url}/static/app.css").status_code == 200
    # Behind the (trusted, loopback) proxy each citizen has a bucket of their own.
    other = httpx.get(home, headers={"x-forwarded-for": "203.0.113.7"})
    assert other.status_code == 200


def test_forwarded_addresses_are_believed_only_from_trusted_proxies(
    hall: Hall, broker: EmbeddedBroker
) -> None:
    config = web_config(
        hall.config, hall.public_url, request_burst=2, requests_per_minute=1, trusted_proxies=[]
    )
    served = serve_web(config, broker.address, free_port(), name="untrusting")
    try:
        statuses = [
            httpx.get(f"{served.url}/", headers={"x-forwarded-for": f"198.51.100.{n}"}).status_code
            for n in range(3)
        ]
        assert statuses == [200, 200, 429]  # a forged header buys no new bucket
    finally:
        served.stop()


def test_health_says_whether_the_instance_can_serve(hall: Hall, web: ServedWeb) -> None:
    report = httpx.get(f"{web.url}/healthz").json()
    assert report["ok"] is True and report["broker"] is True
    assert report["sites"] == ["hcc-demo"] and report["live_pages"] == 0
