"""What the central index did since it started (logged, and read by tests and benches)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class Counts:
    """What the index did since it started (logged, and read by tests and benches)."""

    stored: int = 0
    known: int = 0
    conflicts: int = 0
    rejected: int = 0  # malformed messages, entries sent under another branch's topics
    acks_sent: int = 0
    lookups: int = 0
    found: int = 0
    handovers_stored: int = 0  # notices of transferred results kept for the first time
    handovers_known: int = 0  # the same notice again (acknowledged again)
    handovers_rejected: int = 0  # wrong sender, unknown dossier, result not sent there
    handovers_forwarded: int = 0  # notices published to the dossier's own branch
    handovers_resent: int = 0  # of which sent again, not applied in time
    handovers_applied: int = 0  # notices an entry of the owner showed applied
    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))
