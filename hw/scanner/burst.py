"""Tell a keyboard-wedge scanner's burst from human typing, from key timestamps alone.

A burst is at least `min_keys` printable keys, each less than `max_gap_s` after the previous,
ended by Enter within the same gap. Keys are held back while they might still be a burst and
handed back (`flush`) once a gap shows they were typed by a person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Generic, TypeVar

T = TypeVar("T")


class Verdict(Enum):
    """What to do with the key just seen."""

    HOLD = "hold"  # keep it back: it may belong to a burst
    PASS = "pass"  # let it through (after replaying any flushed keys)
    SCAN = "scan"  # the burst is a scan: swallow the terminator, emit the text


@dataclass
class Decision(Generic[T]):
    """The verdict on one key, the held keys to replay first, and the scanned text if any."""

    verdict: Verdict
    replay: list[T] = field(default_factory=list)
    text: str = ""


class BurstDetector(Generic[T]):
    """Classify keys as scanner burst or human typing; T is whatever the caller replays."""

    def __init__(self, min_keys: int = 6, max_gap_s: float = 0.030) -> None:
        self.min_keys = min_keys
        self.max_gap_s = max_gap_s
        self._chars: list[str] = []
        self._held: list[T] = []
        self._last = 0.0

    @property
    def holding(self) -> bool:
        """Return True while keys are held back."""
        return bool(self._held)

    def key(self, char: str, item: T, now: float) -> Decision[T]:
        """Take a printable key typed at `now`; hold it, replaying older keys if they were slow."""
        replay = self._take() if self._held and now - self._last >= self.max_gap_s else []
        self._chars.append(char)
        self._held.append(item)
        self._last = now
        return Decision(Verdict.HOLD, replay)

    def enter(self, now: float) -> Decision[T]:
        """Take the terminator key: a scan if the held keys form a burst, else pass it on."""
        if len(self._chars) >= self.min_keys and now - self._last < self.max_gap_s:
            text = "".join(self._chars)
            self._chars.clear()
            self._held.clear()
            return Decision(Verdict.SCAN, text=text)
        return Decision(Verdict.PASS, self._take())

    def other(self) -> Decision[T]:
        """Take a non-printable key (arrows, Backspace…): ends any burst; pass it on."""
        return Decision(Verdict.PASS, self._take())

    def idle(self, now: float) -> list[T]:
        """Return held keys to replay if no key came for a whole gap (call from a timer)."""
        if self._held and now - self._last >= self.max_gap_s:
            return self._take()
        return []

    def _take(self) -> list[T]:
        held = self._held
        self._held = []
        self._chars.clear()
        return held
