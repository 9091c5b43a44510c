"""The request ids the writer has seen, to answer a retry without reading the command log."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

# Replies kept in memory for the newest commands; an older retry reads its reply from the log.
KEPT_REPLIES = 5000

Key = tuple[str, str, str]  # device, verb, request id


@dataclass(frozen=True)
class Seen:
    """A command already applied: its payload and reply when kept, else only that it exists."""

    payload: str | None = None
    reply: str | None = None


class RequestLog:
    """Which (device, verb, request id) were applied, with the newest replies."""

    def __init__(self, kept: int = KEPT_REPLIES) -> None:
        self._seen: dict[Key, Seen] = {}
        self._newest: deque[Key] = deque()
        self._kept = kept

    def seen(self, device: str, verb: str, request_id: str) -> None:
        """Note a command found in the log (its reply stays there)."""
        self._seen[(device, verb, request_id)] = Seen()

    def add(self, device: str, verb: str, request_id: str, payload: str, reply: str) -> None:
        """Note a command just applied, with its reply."""
        key = (device, verb, request_id)
        self._seen[key] = Seen(payload, reply)
        self._newest.append(key)
        while len(self._newest) > self._kept:
            old = self._newest.popleft()
            if old in self._seen:
                self._seen[old] = Seen()

    def remove(self, device: str, verb: str, request_id: str) -> None:
        """Forget a command whose batch was undone."""
        self._seen.pop((device, verb, request_id), None)

    def get(self, device: str, verb: str, request_id: str) -> Seen | None:
        """What is known of a command: None when it was never applied."""
        return self._seen.get((device, verb, request_id))

    def __len__(self) -> int:
        return len(self._seen)
