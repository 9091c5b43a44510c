"""A lookup the branch cannot answer from its own database, to be asked of the provincial index."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RemoteQuery:
    """What to ask the index (keyed hashes only) and what to say when it finds nothing."""

    code: str | None
    token_hash: str | None
    phone_hash: str | None
    trusted: bool  # a counter with an officer, an external system, or a code proved just now
    missing: str  # the not-found message for the device
    guessed: bool  # a token or phone digits were given: a miss counts as a failed lookup


class RemoteLookup(Exception):
    """Raised inside a command: the dossier is not held here; the writer asks the index."""

    def __init__(self, query: RemoteQuery) -> None:
        super().__init__("the dossier is not held here")
        self.query = query
