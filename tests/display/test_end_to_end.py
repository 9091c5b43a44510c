from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from display import app
from display.announcer import Announcer
from display.audio import RecordingSink
from display.viewmodel import BoardViewModel
from display.window import HallWindow
from shared.domain.site import Site
from shared.messaging.memory import MemoryBus
from shared.qt.bridge import BusBridge
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import DEMO_CONFIG


def test_counter_call_on_a_real_server_reaches_the_board_and_the_speaker(
    qtbot: QtBot,
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    announcer: Announcer,
    sink: RecordingSink,
) -> None:
    hall = Hall(demo_site, sessions, clock)
    model = BoardViewModel(demo_site.id, "tang-1", timezone=demo_site.rules.timezone)
    model.call_announced.connect(announcer.announce)
    window = HallWindow(model, "landscape")
    qtbot.addWidget(window)
    try:
        model.attach(BusBridge(MemoryBus(hall.broker, "display-tang-1")))
        qtbot.waitUntil(lambda: len(model.counters) > 0)
        number = hall.issue("ho-tich")
        assert hall.counter("q01").call_next() == number
        qtbot.waitUntil(
            lambda: any(c.counter == "q01" and c.number == number for c in model.counters)
        )
        assert model.current_call is not None and model.current_call.number == number
        assert announcer.wait_idle(10)
        assert len(sink.spoken()) == 2
        window.resize(1920, 1080)
        assert not window.grab().isNull()
    finally:
        model.stop()


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    app.register(parser.add_subparsers())
    args = parser.parse_args(["display", "--config", str(DEMO_CONFIG), *argv])
    result: int = args.handler(args)
    return result


def test_screenshot_writes_a_png_in_both_orientations(qapp: object, tmp_path: Path) -> None:
    for orientation, size in (("landscape", (1920, 1080)), ("portrait", (1080, 1920))):
        path = tmp_path / f"{orientation}.png"
        assert _run("--screenshot", str(path), "--orientation", orientation) == 0
        image = QImage(str(path))
        assert (image.width(), image.height()) == size


def test_unknown_zone_is_refused(qapp: object, tmp_path: Path) -> None:
    assert _run("--zone", "tang-9", "--screenshot", str(tmp_path / "x.png")) == 2
