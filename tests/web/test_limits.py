"""Per-address token buckets, trusted proxies, the log and the `[web]` settings (pure)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.config.web import WebConfig
from web.guard import loggable
from web.limits import AddressLimiter, ProxyTrust


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_lets_a_burst_through_then_says_how_long_to_wait() -> None:
    clock = Clock()
    limiter = AddressLimiter(per_minute=6, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]
    assert limiter.take("a") == 10  # one token every 10 s
    assert limiter.take("b") == 0  # another address is not slowed
    assert limiter.waiting("c") == 0 and limiter.waiting("c") == 0  # looking takes nothing
    clock.now = 10.0
    assert limiter.take("a") == 0 and limiter.take("a") == 10


def test_full_buckets_are_forgotten_when_too_many_addresses_are_tracked() -> None:
    clock = Clock()
    limiter = AddressLimiter(per_minute=60, burst=2, clock=clock, max_tracked=10)
    for n in range(10):
        limiter.take(f"10.0.0.{n}")
    clock.now = 5.0  # all full again
    limiter.take("10.0.1.1")
    assert limiter.tracked() == 1


def test_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    trust = ProxyTrust(["127.0.0.1", "10.0.0.0/8"])
    assert trust.client("127.0.0.1", "203.0.113.5") == "203.0.113.5"
    # The proxy appends the peer it saw: the right-most untrusted hop is the citizen.
    assert trust.client("127.0.0.1", "198.51.100.1, 203.0.113.5, 10.1.2.3") == "203.0.113.5"
    assert trust.client("203.0.113.9", "198.51.100.1") == "203.0.113.9"
    assert trust.client("127.0.0.1", "not-an-address") == "127.0.0.1"
    assert trust.client("127.0.0.1", None) == "127.0.0.1"
    assert trust.scheme("127.0.0.1", "http", "https") == "https"
    assert trust.scheme("203.0.113.9", "http", "https") == "http"


def test_link_tokens_never_reach_the_log() -> None:
    token = "abcdefghijklmnopqrst"
    assert loggable(f"/t/hcc-demo/20261123/A012/{token}") == "/t/hcc-demo/20261123/A012/…"
    assert loggable(f"/t/hcc-demo/20261123/A012/{token}/events") == (
        "/t/hcc-demo/20261123/A012/…/events"
    )
    assert loggable("/d/000.00.17.H99-261123-0001/K7M2Q9XD") == "/d/000.00.17.H99-261123-0001/…"
    assert loggable("/healthz") == "/healthz"


def test_the_web_settings_check_sites_and_proxies() -> None:
    assert WebConfig(sites=["+"]).sites == ["+"]
    assert WebConfig(sites=["hcc-q1", "hcc-q2"]).trusted_proxies == ["127.0.0.1", "::1"]
    for bad in ({"sites": ["+", "hcc-q1"]}, {"sites": ["Bad Id"]}, {"trusted_proxies": ["x"]}):
        with pytest.raises(ValidationError):
            WebConfig.model_validate(bad)
