"""places_in_line counts, for a whole line at once, what ahead_in_line counts for one ticket."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from shared.domain.estimate import ahead_in_line, places_in_line
from shared.domain.policy import QueueEntry

START = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def _line(rng: random.Random, size: int) -> list[QueueEntry]:
    return [
        QueueEntry(
            ticket_id=i + 1,
            number=f"A{i + 1:03d}",
            service_code="ho-tich",
            priority="elderly" if rng.random() < 0.3 else None,
            issued_at=START + timedelta(seconds=rng.randrange(0, 3600)),
            front=rng.random() < 0.05,
        )
        for i in range(size)
    ]


@pytest.mark.parametrize("ratio", [0, 1, 2, 3])
@pytest.mark.parametrize("seed", range(20))
def test_places_match_ahead_in_line_for_every_ticket(seed: int, ratio: int) -> None:
    line = _line(random.Random(seed), random.Random(seed).randrange(0, 40))
    places = places_in_line(line, ratio)
    assert sorted(ticket for ticket, _ in places) == [e.ticket_id for e in line]
    expected = {e.ticket_id: ahead_in_line(e, line, ratio) for e in line}
    assert dict(places) == expected
    assert [ahead for _, ahead in places] == sorted(expected.values())
