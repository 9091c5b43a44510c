"""`motcua counter --screenshot` renders every screen with demo data."""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtGui import QImage

from counter_console import app
from tests.helpers.sites import DEMO_CONFIG


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    app.register(parser.add_subparsers())
    args = parser.parse_args(["counter", "--config", str(DEMO_CONFIG), *argv])
    result: int = args.handler(args)
    return result


def test_every_screen_renders_to_a_png(qapp: object, tmp_path: Path) -> None:
    for screen in app.SCREENS:
        path = tmp_path / f"{screen}.png"
        assert _run("--counter", "q05", "--screenshot", str(path), "--screen", screen) == 0
        image = QImage(str(path))
        size = app.RATING_SIZE if screen == "rating" else app.CONSOLE_SIZE
        assert (image.width(), image.height()) == size


def test_an_unknown_counter_is_refused(qapp: object, tmp_path: Path) -> None:
    assert _run("--counter", "q99", "--screenshot", str(tmp_path / "x.png")) == 2
