"""Idle reset, language, text size, availability, search and the screenshot command."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from kiosk import app, catalogue
from kiosk.demo_data import demo_procedures
from kiosk.viewmodel import Screen
from kiosk.widgets import WrapButton
from server.daemon import QueueServer
from shared.domain.procedures import fold
from tests.helpers.clock import FakeClock
from tests.helpers.sites import DEMO_CONFIG
from tests.kiosk.conftest import Kiosk
from tests.kiosk.touch import buttons, tap, type_keys, wait_ready

WAIT_MS = 10_000


def _ready(qtbot: QtBot, kiosk: Kiosk) -> None:
    wait_ready(qtbot, kiosk, timeout=WAIT_MS)


def test_idle_timeout_returns_to_the_start_screen_and_forgets_everything(
    qtbot: QtBot, running_server: QueueServer, make_kiosk: Callable[..., Kiosk]
) -> None:
    kiosk = make_kiosk(idle_seconds=0.3)
    _ready(qtbot, kiosk)
    tap(qtbot, kiosk.window, "English")
    tap(qtbot, kiosk.window, "A+")
    tap(qtbot, kiosk.window, "FIND A PROCEDURE")
    type_keys(qtbot, kiosk.window, "ho")
    assert kiosk.model.procedure_query == "ho"
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.START, timeout=WAIT_MS)
    model = kiosk.model
    assert (model.language, model.procedure_query, model.font_pt) == (
        "vi",
        "",
        model.default_font_pt,
    )
    assert buttons(kiosk.window, "TRA CỨU THỦ TỤC")


def test_language_switch_shows_english_and_back(
    qtbot: QtBot, running_server: QueueServer, make_kiosk: Callable[..., Kiosk]
) -> None:
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    assert kiosk.window.current_page().title.text() == "LẤY SỐ THỨ TỰ"  # type: ignore[attr-defined]
    tap(qtbot, kiosk.window, "English")
    assert kiosk.window.current_page().title.text() == "TAKE A NUMBER"  # type: ignore[attr-defined]
    tap(qtbot, kiosk.window, "Tiếng Việt")
    assert kiosk.model.language == "vi"


def test_text_size_grows_and_shrinks_within_limits(
    qtbot: QtBot, make_kiosk: Callable[..., Kiosk]
) -> None:
    kiosk = make_kiosk()
    base = kiosk.model.font_pt
    for _ in range(10):
        kiosk.model.bigger()
    assert base < kiosk.model.font_pt <= base + 16
    for _ in range(10):
        kiosk.model.smaller()
    assert base - 4 <= kiosk.model.font_pt < base


@pytest.fixture
def evening(clock: FakeClock) -> None:
    clock.set(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))  # 20:00 in Hà Nội


def test_services_outside_their_window_are_shown_unavailable_with_the_reason(
    qtbot: QtBot, evening: None, running_server: QueueServer, make_kiosk: Callable[..., Kiosk]
) -> None:
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    tap(qtbot, kiosk.window, "Công an tỉnh")
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.SERVICES)
    page = kiosk.window.current_page()
    police = [b for b in page.findChildren(WrapButton) if b.title() == "Cấp thẻ căn cước"]
    assert police and not police[0].isEnabled()
    assert "Ngoài giờ lấy số" in police[0].detail()


def test_search_ignores_diacritics_and_case() -> None:
    """'ho tich' finds 'hộ tịch' (offline: the demo procedures)."""
    found = catalogue.search_procedures(demo_procedures(), "HO TICH")
    assert found and all("ho tich" in fold(p.name + " " + p.field) for p in found)
    assert {p.code for p in catalogue.search_procedures(demo_procedures(), "ket hon")} == {
        "1.000894"
    }


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    app.register(parser.add_subparsers())
    args = parser.parse_args(["kiosk", "--config", str(DEMO_CONFIG), *argv])
    result: int = args.handler(args)
    return result


@pytest.mark.parametrize("screen", app.SCREENS)
def test_screenshot_of_every_screen_in_both_orientations(
    qapp: object, tmp_path: Path, screen: str
) -> None:
    for orientation, size in app.SCREEN_SIZES.items():
        path = tmp_path / f"{screen}-{orientation}.png"
        assert (
            _run("--screenshot", str(path), "--screen", screen, "--orientation", orientation) == 0
        )
        image = QImage(str(path))
        assert (image.width(), image.height()) == size
