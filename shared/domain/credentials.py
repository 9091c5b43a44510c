"""Officer PINs: what a new PIN must be, and how wrong ones turn into growing waits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from shared.domain.errors import DomainError


class LockedOut(DomainError):
    """Too many wrong logins for this officer id or at this device: wait `retry_after` seconds."""

    code = "locked_out"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Đăng nhập sai nhiều lần: vui lòng chờ {retry_after} giây rồi thử lại, "
            "hoặc báo giám sát viên.",
            retry_after,
        )


class WeakPin(DomainError):
    """A new PIN breaks the site's PIN rule."""

    code = "invalid_input"


def _one_step_run(pin: str) -> bool:
    """Tell whether every character is the previous one plus (or minus) one: 1234, 987654, abcd."""
    steps = {ord(b) - ord(a) for a, b in pairwise(pin)}
    return len(steps) == 1 and steps <= {1, -1}


def _repeats_a_block(pin: str) -> bool:
    """Tell whether the PIN is one short block said again: 111111, 121212, 123123."""
    size = len(pin)
    return any(size % n == 0 and pin == pin[:n] * (size // n) for n in range(1, size // 2 + 1))


@dataclass(frozen=True)
class PinPolicy:
    """A site's rule for new PINs: long enough, not a run, not one block repeated."""

    min_length: int = 6

    def problem(self, pin: str, language: str = "vi") -> str | None:
        """Say what is wrong with a new PIN (Vietnamese, or "en"), or None when it may be used."""
        vi = language != "en"
        if len(pin) < self.min_length:
            if vi:
                return f"mật khẩu/PIN cần ít nhất {self.min_length} ký tự"
            return f"the password/PIN needs at least {self.min_length} characters"
        if pin != pin.strip():
            if vi:
                return "mật khẩu/PIN không được bắt đầu hoặc kết thúc bằng dấu cách"
            return "the password/PIN must not start or end with a space"
        if _repeats_a_block(pin) or _one_step_run(pin):
            if vi:
                return "mật khẩu/PIN quá dễ đoán (dãy liên tiếp hoặc lặp lại như 123456, 111111)"
            return "the password/PIN is too easy to guess (a run or a repeat like 123456, 111111)"
        return None

    def require(self, pin: str) -> None:
        """Raise WeakPin when the PIN breaks the rule."""
        problem = self.problem(pin)
        if problem is not None:
            raise WeakPin(problem[0].upper() + problem[1:] + ".")


@dataclass(frozen=True)
class LockoutPolicy:
    """After the free attempts each wrong login doubles the wait, up to `max_wait_seconds`."""

    free_attempts: int = 3
    device_free_attempts: int = 10
    first_wait_seconds: int = 2
    max_wait_seconds: int = 900
    forget_seconds: int = 86_400

    def free(self, scope: str) -> int:
        """Wrong logins allowed in a row before waits start, for an officer id or a device."""
        return self.device_free_attempts if scope == "device" else self.free_attempts

    def wait_after(self, scope: str, failures: int) -> int:
        """Seconds to wait after the `failures`-th wrong login in a row (0 while still free)."""
        over = failures - self.free(scope)
        if over <= 0:
            return 0
        doubled: int = self.first_wait_seconds * 2 ** min(over - 1, 30)
        return min(self.max_wait_seconds, doubled)

    def counted(self, failures: int, last_failed_at: datetime | None, at: datetime) -> int:
        """Failures that still count at `at` (old ones are forgotten)."""
        if last_failed_at is None or at - last_failed_at > timedelta(seconds=self.forget_seconds):
            return 0
        return failures
