"""The LED board protocol every transport implements."""

from __future__ import annotations

from typing import Protocol


class LedBoard(Protocol):
    """Number boards above the counters, one per counter, addressed by the counter's label."""

    def show(self, counter_label: str, number: str) -> None:
        """Show a ticket number on the counter's board; never raises on a device fault."""
        ...

    def blank(self, counter_label: str) -> None:
        """Clear the counter's board (counter idle or closed); never raises on a device fault."""
        ...

    def close(self) -> None:
        """Release the transport."""
        ...
