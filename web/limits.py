"""Who is asking (behind a trusted reverse proxy), and per-address token buckets."""

from __future__ import annotations

import ipaddress
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# Beyond this many addresses tracked, buckets that are full again are forgotten.
MAX_TRACKED = 50_000
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class ProxyTrust:
    """Reads the citizen's address from X-Forwarded-For, only when a trusted proxy sent it."""

    def __init__(self, proxies: Iterable[str]) -> None:
        self.networks: tuple[Network, ...] = tuple(
            ipaddress.ip_network(p, strict=False) for p in proxies
        )

    def trusted(self, peer: str) -> bool:
        """Whether the directly connected peer is one of our reverse proxies."""
        address = _address(peer)
        return address is not None and any(address in n for n in self.networks)

    def client(self, peer: str, forwarded_for: str | None) -> str:
        """The citizen's address: the last hop of X-Forwarded-For not added by our proxies."""
        if not forwarded_for or not self.trusted(peer):
            return peer
        hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
        for hop in reversed(hops):
            if _address(hop) is None:
                return peer  # a garbled header: count the proxy itself
            if not self.trusted(hop):
                return hop
        return hops[0] if hops else peer

    def scheme(self, peer: str, scheme: str, forwarded_proto: str | None) -> str:
        """http or https as the citizen's browser sees it."""
        if forwarded_proto and self.trusted(peer):
            first = forwarded_proto.split(",")[0].strip().lower()
            if first in ("http", "https"):
                return first
        return scheme


@dataclass
class Bucket:
    """Up to `capacity` tokens, refilled at `rate` per second; each request takes one."""

    tokens: float
    stamp: float


class AddressLimiter:
    """One token bucket per address: a flood from one address is told to wait."""

    def __init__(
        self,
        per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_tracked: int = MAX_TRACKED,
    ) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(burst)
        self.clock = clock
        self.max_tracked = max_tracked
        self._buckets: dict[str, Bucket] = {}

    def take(self, address: str) -> int:
        """Take a token for `address`: 0 when allowed, else whole seconds to wait (≥ 1)."""
        bucket = self._bucket(address)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0
        return self._wait(bucket)

    def waiting(self, address: str) -> int:
        """Seconds `address` must wait for a token (0: one is there), taking none."""
        bucket = self._bucket(address)
        return 0 if bucket.tokens >= 1.0 else self._wait(bucket)

    def _bucket(self, address: str) -> Bucket:
        now = self.clock()
        bucket = self._buckets.get(address)
        if bucket is None:
            if len(self._buckets) >= self.max_tracked:
                self._forget_full(now)
            bucket = self._buckets[address] = Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        return bucket

    def _wait(self, bucket: Bucket) -> int:
        return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))

    def tracked(self) -> int:
        """How many addresses have a bucket now."""
        return len(self._buckets)

    def _forget_full(self, now: float) -> None:
        full = [
            a
            for a, b in self._buckets.items()
            if b.tokens + (now - b.stamp) * self.rate >= self.capacity
        ]
        for address in full:
            del self._buckets[address]
        if len(self._buckets) >= self.max_tracked:  # everyone owes: drop the oldest half
            for address in sorted(self._buckets, key=lambda a: self._buckets[a].stamp)[
                : self.max_tracked // 2
            ]:
                del self._buckets[address]
