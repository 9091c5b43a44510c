"""The display drives the LED counter boards: board changes become frames, off the UI thread."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from display.app import led_config, make_led_feed, register
from display.ledfeed import LedBoardFeed
from display.viewmodel import BoardViewModel, CounterLine
from hw.ledboard import Frame, SimLedBoard
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.messaging.topics import Topics
from shared.qt.bridge import BusBridge
from tests.display.conftest import SITE, ZONE
from tests.display.test_viewmodel import T0, board, event
from tests.helpers.sites import demo_config


@pytest.fixture
def sim() -> SimLedBoard:
    return SimLedBoard(width=4)


@pytest.fixture
def feed(sim: SimLedBoard) -> Iterator[LedBoardFeed]:
    worker = LedBoardFeed(sim, counters={"q01", "q02"})
    worker.start()
    yield worker
    worker.stop()


def test_board_and_call_changes_in_the_view_model_send_frames(
    qtbot: QtBot, model: BoardViewModel, feed: LedBoardFeed, sim: SimLedBoard
) -> None:
    model.changed.connect(lambda: feed.update(model.counters))
    broker = MemoryBroker()
    bus = MemoryBus(broker)
    model.attach(BusBridge(bus))
    bus.publish(Topics(SITE).board(ZONE), board(("q01", "A012"), ("q02", None)), retain=True)
    qtbot.waitUntil(lambda: len(model.counters) == 2)
    assert feed.wait_idle(10)
    assert sim.frames == [Frame(1, "A012"), Frame(2, "    ")]
    bus.publish(Topics(SITE).event("called"), event("B007", "q02", T0))
    qtbot.waitUntil(lambda: model.counters[1].number == "B007")
    assert feed.wait_idle(10)
    assert sim.frames[2:] == [Frame(2, "B007")]
    model.tick()  # unrelated changes (the clock) send nothing
    assert feed.wait_idle(10)
    assert len(sim.frames) == 3


def test_only_the_zone_counters_are_sent_and_closed_counters_blank(
    feed: LedBoardFeed, sim: SimLedBoard
) -> None:
    lines = [
        CounterLine("q01", "1", "A001", "open"),
        CounterLine("q09", "9", "C001", "open"),  # another zone's counter
        CounterLine("q02", "2", "B001", "closed"),
    ]
    assert feed.update(lines) == 2
    assert feed.update(lines) == 0
    assert feed.wait_idle(10)
    assert sim.line.displayed == {1: "A001", 2: ""}


def test_a_faulty_line_never_reaches_the_display(feed: LedBoardFeed, sim: SimLedBoard) -> None:
    sim.line.inject("disconnect")
    feed.update([CounterLine("q01", "1", "A001", "open")])
    assert feed.wait_idle(10)
    assert sim.line.displayed == {1: "A001"}
    assert sim.faults == 1


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    return parser.parse_args(["display", *argv])


def test_led_options_build_a_feed_for_the_zone_counters_only() -> None:
    assert led_config(_args()) is None
    config = led_config(_args("--led-port", "sim", "--led-width", "3", "--led-address", "q01=40"))
    assert config is not None and config.driver == "sim" and config.width == 3
    site = demo_config()
    feed = make_led_feed(config, site, "tang-1")
    assert feed is not None and isinstance(feed.board, SimLedBoard)
    assert feed.counters == {c.id for c in site.counters if c.zone == "tang-1"}
    first = next(c for c in site.counters if c.zone == "tang-1")
    assert feed.board.address_of(first.label) == 40
    serial = led_config(_args("--led-port", "/dev/ttyUSB0", "--led-baudrate", "19200"))
    assert serial is not None and (serial.driver, serial.baudrate) == ("serial", 19200)
    with pytest.raises(ValueError):
        led_config(_args("--led-port", "sim", "--led-address", "q01"))
