"""No screen of the kiosk or the counter console cuts a letter's marks or edges off.

Vietnamese capitals stack two marks (Ố, Ủ, Ầ): a font or a widget too tight for them turns
"SỐ" into "SÔ" and "THỦ TỤC" into "THÚ TỤC". Every screen is rendered with demo data at
every size a citizen or officer can choose, and every text's ink must lie inside its widget.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFont, QFontInfo, QFontMetrics
from PySide6.QtWidgets import QApplication

from counter_console import app as console_app
from counter_console.screenshot import demo_window as console_window
from kiosk import app as kiosk_app
from kiosk.screenshot import demo_window as kiosk_window
from shared.config.site import load_config
from shared.qt.fonts import (
    SOURCE_FAMILY,
    TALL_LETTERS,
    UI_FONT_FAMILY,
    font_is_installed,
    ui_font,
)
from tests.helpers.sites import DEMO_CONFIG
from tests.helpers.text_ink import TextBox, clipped_texts, ink_outside, shown_texts

CONSOLE_SIZES = [(1366, 768), (1920, 1080)]


@pytest.fixture(scope="module")
def demo_site():  # type: ignore[no-untyped-def]
    config = load_config(str(DEMO_CONFIG))
    assert config is not None
    return config


def test_the_screen_font_is_installed(qapp: QApplication) -> None:
    assert font_is_installed(), f"{SOURCE_FAMILY} is missing: scripts/setup.sh installs it"
    assert QFontInfo(ui_font(20)).family() == UI_FONT_FAMILY


@pytest.mark.parametrize("bold", [False, True])
def test_a_line_of_the_screen_font_holds_every_mark_at_every_size(
    qapp: QApplication, bold: bool
) -> None:
    """A box exactly one line tall keeps the ink of stacked capitals and of dots below."""
    clipped = []
    for size in range(9, 200):
        font = ui_font(size, bold)
        metrics = QFontMetrics(font)
        for text in (TALL_LETTERS, "Ặgỵpqjy"):
            box = QRect(0, 0, metrics.horizontalAdvance(text) + 8, metrics.height())
            sides = ink_outside(TextBox(font, box, int(Qt.AlignmentFlag.AlignCenter), text), box)
            if any(sides):
                clipped.append((size, text, sides))
    assert not clipped


def test_dejavu_sans_would_cut_the_marks(qapp: QApplication) -> None:
    """The check itself sees the defect the screens had with DejaVu Sans."""
    font = QFont("DejaVu Sans")
    font.setPixelSize(32)
    font.setBold(True)
    box = QRect(0, 0, 800, QFontMetrics(font).height())
    top, *_ = ink_outside(TextBox(font, box, int(Qt.AlignmentFlag.AlignCenter), "SỐ THỦ TỤC"), box)
    assert top > 0


@pytest.mark.parametrize("text_size", kiosk_app.TEXT_SIZES)
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
@pytest.mark.parametrize("screen", kiosk_app.SCREENS)
def test_kiosk_screens_keep_every_mark(
    qapp: QApplication, demo_site: object, screen: str, orientation: str, text_size: str
) -> None:
    with kiosk_window(demo_site, screen, orientation, text_size) as window:  # type: ignore[arg-type]
        assert shown_texts(window), "the check saw no text at all"
        clipped = clipped_texts(window)
    assert not clipped, "\n".join(map(str, clipped))


@pytest.mark.parametrize("size", CONSOLE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", console_app.SCREENS)
def test_console_screens_keep_every_mark(
    qapp: QApplication, demo_site: object, screen: str, size: tuple[int, int]
) -> None:
    with console_window(demo_site, "q07", screen, size) as window:  # type: ignore[arg-type]
        assert shown_texts(window), "the check saw no text at all"
        clipped = clipped_texts(window)
    assert not clipped, "\n".join(map(str, clipped))
