"""The live hub: each change goes only to the pages it concerns; slow pages keep the newest."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from shared.domain.tickets import TicketEventKind
from shared.messaging.states import LinesState, ServiceLine, TicketEventMessage
from web.live import LiveHub
from web.views import Stage

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def lines(at: datetime, *places: tuple[str, int, int]) -> LinesState:
    return LinesState(services=[ServiceLine(service="ho-tich", places=list(places))], updated_at=at)


def test_the_hub_tells_only_the_pages_a_change_concerns() -> None:
    async def scenario() -> None:
        hub = LiveHub()
        hub.apply_lines("s", lines(T0, ("A001", 0, 0), ("A002", 1, 5)))
        first, second = hub.watch("s", "A001"), hub.watch("s", "A002")
        other_site = hub.watch("t", "A001")
        assert hub.watching() == 3
        assert first.queue.get_nowait().ahead == 0 and second.queue.get_nowait().ahead == 1
        assert other_site.queue.empty()
        called = TicketEventMessage(
            kind=TicketEventKind.CALLED, number="A001", service="ho-tich", counter_label="2", at=T0
        )
        hub.apply_event("s", called)
        assert first.queue.get_nowait().stage is Stage.CALLED
        assert second.queue.empty()  # A002's place did not change yet
        hub.apply_lines("s", lines(T0 + timedelta(seconds=1), ("A002", 0, 0)))
        assert second.queue.get_nowait().ahead == 0
        assert first.queue.empty()  # still called: nothing new to send
        hub.apply_lines("s", lines(T0, ("A002", 5, 5)))  # late, older snapshot: ignored
        assert second.queue.empty()
        for watcher in (first, second, other_site):
            hub.unwatch(watcher)
        assert hub.watching() == 0

    asyncio.run(scenario())


def test_a_slow_page_keeps_only_the_newest_views() -> None:
    async def scenario() -> None:
        hub = LiveHub()
        watcher = hub.watch("s", "A050")
        for n in range(40):
            hub.apply_lines("s", lines(T0 + timedelta(seconds=n), ("A050", 40 - n, 0)))
        views = [watcher.queue.get_nowait() for _ in range(watcher.queue.qsize())]
        assert len(views) == 16 and views[-1].ahead == 1

    asyncio.run(scenario())
