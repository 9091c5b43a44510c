"""Finding a dossier safely: a token, or the code plus the last 4 digits of the citizen's phone.

A bare dossier code is printed on paper and easy to guess (codes follow each other), so a public
lookup also needs the lookup token (the slip's QR carries it) or the last 4 digits of the phone
number given at receipt. What leaves a branch for the provincial index is a keyed hash of each
(HMAC-SHA256 under a key every branch of the province holds and the index never does), so the
index cannot recover a token or a phone number from what it stores, and wrong guesses are
counted per kiosk (`LookupGuard`).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections import deque
from dataclasses import dataclass, field

from shared.domain.errors import DomainError

DIGITS = 4
_NOT_DIGITS = re.compile(r"\D")
SECOND_FACTOR_MESSAGE = (
    "Để xem hồ sơ theo mã, vui lòng nhập 4 số cuối của số điện thoại đã khai khi nộp hồ sơ, "
    "hoặc quét mã QR trên giấy hẹn trả kết quả."
)
NO_MATCH_MESSAGE = (
    "Không tìm thấy hồ sơ với mã và số điện thoại này. Vui lòng kiểm tra lại hoặc hỏi bàn "
    "hướng dẫn."
)


class SecondFactorRequired(DomainError):
    """A bare dossier code was given at a public device without the phone's last 4 digits."""

    code = "second_factor_required"

    def __init__(self, message: str = SECOND_FACTOR_MESSAGE) -> None:
        super().__init__(message)


class LookupsLocked(DomainError):
    """Too many failed lookups from one device: wait `retry_after` seconds."""

    code = "locked_out"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Tra cứu không đúng nhiều lần tại máy này: vui lòng chờ {retry_after} giây rồi thử "
            "lại, hoặc hỏi bàn hướng dẫn.",
            retry_after,
        )


def phone_tail(phone: str) -> str | None:
    """The last 4 digits of a phone number, or None when it has fewer than 4 digits."""
    digits = _NOT_DIGITS.sub("", phone)
    return digits[-DIGITS:] if len(digits) >= DIGITS else None


def key_id(key: bytes) -> str:
    """A short public fingerprint of the index key, so mismatched keys can be noticed."""
    return hashlib.sha256(b"motcua-index-key:" + key).hexdigest()[:12]


def token_hash(key: bytes, token: str) -> str:
    """The keyed hash of a lookup token (letters upper-cased, as tokens are printed)."""
    return _mac(key, f"token:{token.strip().upper()}")


def phone_hash(key: bytes, code: str, digits: str) -> str:
    """The keyed hash of a dossier code with the last 4 digits of the citizen's phone."""
    return _mac(key, f"phone:{code.strip()}:{digits}")


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def digits_match(phone: str, digits: str) -> bool:
    """Tell whether the digits given are the last 4 of the phone (constant time)."""
    tail = phone_tail(phone)
    return tail is not None and hmac.compare_digest(tail, digits)


@dataclass(frozen=True)
class LookupPolicy:
    """How many failed lookups a device may make within a window before it must wait."""

    failures: int = 10
    window_seconds: int = 600
    # A code a device found with its second factor may name a return ticket there for this long.
    remember_seconds: int = 900


@dataclass
class LookupGuard:
    """Failed lookups per device in a sliding window, and the codes each device proved (memory)."""

    policy: LookupPolicy = field(default_factory=LookupPolicy)
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _proved: dict[tuple[str, str], float] = field(default_factory=dict)

    def check(self, device: str, now: float) -> None:
        """Raise LookupsLocked while the device has used up its failures in the window."""
        recent = self._recent(device, now)
        if len(recent) >= self.policy.failures:
            wait = recent[0] + self.policy.window_seconds - now
            raise LookupsLocked(max(1, math.ceil(wait)))

    def failed(self, device: str, now: float) -> None:
        """Count one failed lookup (a wrong token, wrong digits, or an unknown code)."""
        self._recent(device, now).append(now)
        if len(self._failures) > 4096:  # forget devices whose failures all aged out
            for name in [d for d, times in self._failures.items() if not times]:
                del self._failures[name]

    def proved(self, device: str, code: str, now: float) -> None:
        """Remember that a device found this code with its token or its phone digits."""
        self._proved[(device, code)] = now + self.policy.remember_seconds
        if len(self._proved) > 4096:
            self._proved = {k: v for k, v in self._proved.items() if v > now}

    def has_proved(self, device: str, code: str, now: float) -> bool:
        """Tell whether the device found this code with a second factor a short while ago."""
        return self._proved.get((device, code), 0.0) > now

    def _recent(self, device: str, now: float) -> deque[float]:
        times = self._failures.setdefault(device, deque())
        while times and times[0] <= now - self.policy.window_seconds:
            times.popleft()
        return times
