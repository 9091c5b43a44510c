from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from display.announcer import Announcer
from display.audio import RecordingSink
from display.viewmodel import BoardViewModel
from shared.messaging.bus import ConnectionListener, Handler, Message
from shared.messaging.codec import encode
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.messaging.states import BoardCall, BoardCounter, BoardState, TicketEventMessage
from shared.messaging.topics import Topics
from shared.qt.bridge import BusBridge
from tests.display.conftest import SITE, ZONE

T0 = datetime(2026, 11, 23, 2, 10, tzinfo=UTC)
TOPICS = Topics(SITE)


class DroppableBus(MemoryBus):
    """A MemoryBus whose connection can be lost and regained, like paho's."""

    def __init__(self, broker: MemoryBroker) -> None:
        super().__init__(broker, "display")
        self.patterns: list[tuple[str, Handler]] = []
        self.listeners: list[ConnectionListener] = []
        self.up = True

    def subscribe(self, pattern: str, handler: Handler) -> None:
        self.patterns.append((pattern, handler))
        super().subscribe(pattern, handler)

    def on_connection_change(self, listener: ConnectionListener) -> None:
        self.listeners.append(listener)
        listener(self.up)

    def drop(self) -> None:
        self.up = False
        self.close()
        for listener in self.listeners:
            listener(False)

    def reconnect(self) -> None:
        # Like paho: resubscribe (the broker resends retained messages), then report the link.
        self.up = True
        for pattern, handler in self.patterns:
            super().subscribe(pattern, handler)
        for listener in self.listeners:
            listener(True)


def board(*counters: tuple[str, str | None], calls: list[tuple[str, str]] = ()) -> bytes:  # type: ignore[assignment]
    return encode(
        BoardState(
            zone=ZONE,
            zone_name="Tầng 1",
            site_name="Trung tâm Demo",
            counters=[
                BoardCounter(counter=c, label=c[-1], number=n, status="open") for c, n in counters
            ],
            recent_calls=[
                BoardCall(number=n, counter=c, label=c[-1], at=T0 - timedelta(minutes=i))
                for i, (n, c) in enumerate(calls)
            ],
            updated_at=T0,
        )
    )


def event(number: str, counter: str, at: datetime, kind: str = "called", zone: str = ZONE) -> bytes:
    return encode(
        TicketEventMessage(
            kind=kind,
            number=number,
            service="ho-tich",
            counter=counter,
            counter_label=counter[-1],
            zone=zone,
            at=at,
        )
    )


def attach(model: BoardViewModel, bus: MemoryBus) -> BusBridge:
    bridge = BusBridge(bus)
    model.attach(bridge)
    return bridge


def test_retained_board_shows_at_once(qtbot: QtBot, model: BoardViewModel) -> None:
    broker = MemoryBroker()
    broker.publish(Message(TOPICS.board(ZONE), board(("q01", "A012")), retain=True))
    attach(model, MemoryBus(broker))
    qtbot.waitUntil(lambda: [c.number for c in model.counters] == ["A012"])
    assert model.site_name == "Trung tâm Demo"
    assert model.connected and model.status_text == ""


def test_call_event_updates_board_and_queues_one_announcement(
    qtbot: QtBot, model: BoardViewModel, announcer: Announcer, sink: RecordingSink
) -> None:
    broker = MemoryBroker()
    bus = MemoryBus(broker)
    broker.publish(Message(TOPICS.board(ZONE), board(("q01", None), ("q02", None)), retain=True))
    attach(model, bus)
    qtbot.waitUntil(lambda: len(model.counters) == 2)
    with qtbot.waitSignal(model.call_announced) as blocker:
        bus.publish(TOPICS.event("called"), event("A012", "q02", T0))
    assert blocker.args == ["A012", "2", "called"]
    assert [c.number for c in model.counters] == [None, "A012"]
    assert model.current_call is not None and model.current_call.number == "A012"
    assert model.highlighted
    assert announcer.wait_idle(10)
    assert [p.kind for p in sink.plays] == ["chime", "speech", "speech"]
    assert sink.spoken()[0] == "Xin mời công dân có số thứ tự A, không, một, hai, đến quầy số hai"


def test_five_calls_in_quick_succession_are_all_read_in_order_without_overlap(
    qtbot: QtBot, model: BoardViewModel, announcer: Announcer, sink: RecordingSink
) -> None:
    broker = MemoryBroker()
    bus = MemoryBus(broker)
    attach(model, bus)
    numbers = [f"A00{i}" for i in range(1, 6)]

    def server() -> None:  # publish from another thread, as paho's network thread would
        for i, number in enumerate(numbers):
            bus.publish(TOPICS.event("called"), event(number, "q01", T0 + timedelta(seconds=i)))

    thread = threading.Thread(target=server)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: len(model.recent_calls) == 5)
    assert announcer.wait_idle(10)
    spoken = [text.split("thứ tự ")[1].split(",")[:4] for text in sink.spoken()]
    expected = [["A", " không", " không", f" {w}"] for w in ["một", "hai", "ba", "bốn", "năm"]]
    assert spoken == [e for e in expected for _ in range(2)]
    assert sink.overlaps == 0
    assert all(a.end < b.start for a, b in zip(sink.plays, sink.plays[1:], strict=False))
    assert [c.number for c in model.recent_calls] == numbers[::-1]


def test_calls_with_the_same_time_are_each_read_once(
    qtbot: QtBot, model: BoardViewModel, announcer: Announcer, sink: RecordingSink
) -> None:
    bus = MemoryBus(MemoryBroker())
    attach(model, bus)
    for payload in (event("A001", "q01", T0), event("B001", "q02", T0), event("A001", "q01", T0)):
        bus.publish(TOPICS.event("called"), payload)
    qtbot.waitUntil(lambda: len(model.recent_calls) == 2)
    assert announcer.wait_idle(10)
    assert len(sink.spoken()) == 4


def test_recall_is_announced_again_and_moves_to_the_top(
    qtbot: QtBot, model: BoardViewModel, announcer: Announcer, sink: RecordingSink
) -> None:
    bus = MemoryBus(MemoryBroker())
    attach(model, bus)
    bus.publish(TOPICS.event("called"), event("A001", "q01", T0))
    bus.publish(TOPICS.event("called"), event("A002", "q02", T0 + timedelta(seconds=5)))
    bus.publish(
        TOPICS.event("recalled"), event("A001", "q01", T0 + timedelta(seconds=9), "recalled")
    )
    qtbot.waitUntil(lambda: len(model.recent_calls) == 2 and model.recent_calls[0].number == "A001")
    assert announcer.wait_idle(10)
    assert [t.split("thứ tự ")[1][:16] for t in sink.spoken()[::2]] == [
        "A, không, không,",
        "A, không, không,",
        "A, không, không,",
    ]
    assert len(sink.spoken()) == 6
    assert [c.number for c in model.recent_calls] == ["A001", "A002"]


def test_other_zones_are_ignored(
    qtbot: QtBot, model: BoardViewModel, announcer: Announcer, sink: RecordingSink
) -> None:
    bus = MemoryBus(MemoryBroker())
    attach(model, bus)
    bus.publish(TOPICS.board("tang-2"), board(("q09", "C001")), retain=True)
    bus.publish(TOPICS.event("called"), event("C001", "q09", T0, zone="tang-2"))
    bus.publish(TOPICS.event("called"), event("A001", "q01", T0 + timedelta(seconds=1)))
    qtbot.waitUntil(lambda: model.current_call is not None)
    assert announcer.wait_idle(10)
    assert [c.number for c in model.recent_calls] == ["A001"]
    assert model.counters == []
    assert len(sink.spoken()) == 2


def test_malformed_messages_are_ignored(qtbot: QtBot, model: BoardViewModel) -> None:
    bus = MemoryBus(MemoryBroker())
    attach(model, bus)
    bus.publish(TOPICS.board(ZONE), b"{not json", retain=True)
    bus.publish(TOPICS.event("called"), b'{"type": "ticket_event"}')
    bus.publish(TOPICS.event("called"), event("A001", "q01", T0))
    qtbot.waitUntil(lambda: model.current_call is not None)
    assert model.current_call is not None and model.current_call.number == "A001"


def test_reconnect_keeps_board_shows_retained_one_and_does_not_reannounce(
    qtbot: QtBot, model: BoardViewModel, announcer: Announcer, sink: RecordingSink
) -> None:
    broker = MemoryBroker()
    server = MemoryBus(broker, "server")
    bus = DroppableBus(broker)
    server.publish(TOPICS.board(ZONE), board(("q01", None)), retain=True)
    attach(model, bus)
    server.publish(TOPICS.event("called"), event("A001", "q01", T0))
    server.publish(TOPICS.board(ZONE), board(("q01", "A001"), calls=[("A001", "q01")]), retain=True)
    qtbot.waitUntil(lambda: bool(model.counters) and model.counters[0].number == "A001")

    bus.drop()
    qtbot.waitUntil(lambda: not model.connected)
    assert model.status_text == "Mất kết nối — đang kết nối lại…"
    assert model.counters[0].number == "A001"  # the last board stays on screen

    # While the display is away a call is made; it comes back to the retained board only,
    # plus (QoS 1) a duplicate of the call it had already read.
    server.publish(TOPICS.event("called"), event("A002", "q01", T0 + timedelta(seconds=30)))
    server.publish(
        TOPICS.board(ZONE),
        board(("q01", "A002"), calls=[("A002", "q01"), ("A001", "q01")]),
        retain=True,
    )
    bus.reconnect()
    server.publish(TOPICS.event("called"), event("A001", "q01", T0))
    qtbot.waitUntil(lambda: model.connected and model.counters[0].number == "A002")
    assert [c.number for c in model.recent_calls] == ["A002", "A001"]
    assert announcer.wait_idle(10)
    assert len(sink.spoken()) == 2  # only the first A001, twice


def test_highlight_ends_after_the_configured_time(qtbot: QtBot, qapp: object) -> None:
    model = BoardViewModel(SITE, ZONE, highlight_seconds=0.05)
    try:
        model.apply_event(TicketEventMessage.model_validate_json(event("A001", "q01", T0)))
        assert model.highlighted
        qtbot.waitUntil(lambda: not model.highlighted)
    finally:
        model.stop()


def test_clock_and_date_in_local_time(qapp: object) -> None:
    model = BoardViewModel(SITE, ZONE, now=lambda: T0)
    assert (model.clock_text, model.date_text) == ("09:10", "Thứ Hai, 23/11/2026")
    model.stop()


def test_an_appointments_number_keeps_its_mark_on_the_board(qtbot: QtBot) -> None:
    """The board marks an appointment's number (no personal data); a call's event then the board."""
    model = BoardViewModel(SITE, ZONE)
    board = BoardState(
        zone=ZONE,
        zone_name="Tầng 1",
        site_name="Trung tâm",
        counters=[BoardCounter(counter="q01", label="1", number="A012", appointment=True)],
        recent_calls=[
            BoardCall(number="A012", counter="q01", label="1", at=T0, appointment=True),
            BoardCall(number="B003", counter="q02", label="2", at=T0 - timedelta(minutes=1)),
        ],
        updated_at=T0,
    )
    model.apply_board(board)
    assert model.counters[0].appointment and model.recent_calls[0].appointment
    assert not model.recent_calls[1].appointment
    assert model.current_call is not None and model.current_call.appointment
    model.stop()
