"""Per-device token buckets: a flooding device is told to wait; the others are not slowed."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from shared.config.security import LimitsConfig

TICKET_VERB = "issue_ticket"
LOGIN_VERB = "officer_login"
# Beyond this many devices seen, buckets that are full again are forgotten (they owe nothing).
MAX_TRACKED = 4096


@dataclass
class TokenBucket:
    """Holds up to `capacity` tokens, refilled at `rate` per second; each command takes one."""

    capacity: float
    rate: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        """Add the tokens earned since the last look."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def take(self, now: float) -> float:
        """Take a token and return 0, or return the seconds until one is there."""
        self.refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class RateLimiter:
    """Per-device token buckets: one for every command, slower ones for tickets and logins."""

    def __init__(self, config: LimitsConfig, monotonic: Callable[[], float] = time.monotonic):
        self.config = config
        self._now = monotonic
        self._lock = threading.Lock()
        self._commands: dict[str, TokenBucket] = {}
        # verb → (burst, tokens per second, buckets by device)
        self._verbs: dict[str, tuple[int, float, dict[str, TokenBucket]]] = {
            TICKET_VERB: (config.ticket_burst, config.tickets_per_minute / 60.0, {}),
            LOGIN_VERB: (config.login_burst, config.logins_per_minute / 60.0, {}),
        }
        self._exempt = frozenset(config.exempt_devices)

    def refusal(self, device: str, verb: str | None) -> int | None:
        """Return the whole seconds a device must wait before this command, or None: go ahead."""
        if not self.config.enabled or device in self._exempt:
            return None
        with self._lock:
            now = self._now()
            burst, rate = self.config.command_burst, self.config.commands_per_second
            wait = self._bucket(self._commands, device, burst, rate, now).take(now)
            if not wait and verb in self._verbs:
                burst, rate, buckets = self._verbs[verb]
                wait = self._bucket(buckets, device, burst, rate, now).take(now)
        return max(1, math.ceil(wait)) if wait else None

    def _bucket(
        self, buckets: dict[str, TokenBucket], device: str, burst: int, rate: float, now: float
    ) -> TokenBucket:
        bucket = buckets.get(device)
        if bucket is None:
            if len(buckets) >= MAX_TRACKED:
                self._forget_full(buckets, now)
            bucket = buckets[device] = TokenBucket(float(burst), rate, float(burst), now)
        return bucket

    @staticmethod
    def _forget_full(buckets: dict[str, TokenBucket], now: float) -> None:
        for device, bucket in list(buckets.items()):
            bucket.refill(now)
            if bucket.tokens >= bucket.capacity:
                del buckets[device]
