"""Fixtures for the hall display: offscreen Qt, a recording sink, an announcer, a view-model."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator

import pytest

from display.announcer import Announcer
from display.audio import RecordingSink
from display.viewmodel import BoardViewModel

SITE = "hcc-demo"
ZONE = "tang-1"


@pytest.fixture
def sink() -> RecordingSink:
    # Each play takes a little time, so plays running side by side would be caught overlapping.
    return RecordingSink(seconds_per_play=0.005)


@pytest.fixture
def announcer(sink: RecordingSink) -> Iterator[Announcer]:
    worker = Announcer(sink, repeat=2, pause_seconds=0)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def model(qapp: object, announcer: Announcer) -> Iterator[BoardViewModel]:
    board = BoardViewModel(SITE, ZONE, highlight_seconds=20)
    board.call_announced.connect(announcer.announce)
    yield board
    board.stop()
