"""Every kiosk screen fits its screen at every text size: nothing squeezed, cut or overlapping.

The checks walk the widgets as Qt laid them out, with no knowledge of the screens: a visible
widget must have at least the size it asks for (its minimum size hint, and for wrapped text the
height its width needs), stay inside its parent (except content scrolling in a scroll area),
not overlap a visible sibling, and every text must fit the box it is drawn in. The window must
keep the screen's size.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QLabel, QWidget

from kiosk import app as kiosk_app
from kiosk.screenshot import demo_window
from shared.config.site import SiteConfig, load_config
from tests.helpers.sites import DEMO_CONFIG
from tests.helpers.text_ink import painted_boxes


@pytest.fixture(scope="module")
def site_file() -> SiteConfig:
    config = load_config(str(DEMO_CONFIG))
    assert config is not None
    return config


def _name(widget: QWidget) -> str:
    text = ""
    if isinstance(widget, QLabel):
        text = widget.text()
    elif callable(getattr(widget, "title", None)):
        text = str(widget.title())  # type: ignore[attr-defined]
    kind = widget.objectName() or type(widget).__name__
    return f"{kind} {text[:40]!r}" if text else kind


def _scrolled(widget: QWidget) -> bool:
    """Tell whether the widget is the content of a scroll area (it may exceed the viewport)."""
    parent = widget.parentWidget()
    area = parent.parentWidget() if parent is not None else None
    return isinstance(area, QAbstractScrollArea) and area.viewport() is parent


def _shown(root: QWidget) -> Iterator[QWidget]:
    for widget in [root, *root.findChildren(QWidget)]:
        if (widget.isVisible() and not widget.isWindow()) or widget is root:
            yield widget


def _too_small(widget: QWidget) -> list[str]:
    problems = []
    size = widget.size()
    wanted = widget.minimumSizeHint().expandedTo(widget.minimumSize())
    if size.width() < wanted.width() or size.height() < wanted.height():
        problems.append(
            f"{_name(widget)} is {size.width()}×{size.height()}, "
            f"smaller than its minimum {wanted.width()}×{wanted.height()}"
        )
    # A layout's height for a width is the height it would like (its items' size hints); the
    # height a text needs is asked of the widgets that draw text, those without a layout.
    if widget.layout() is None and widget.hasHeightForWidth():
        needed = widget.heightForWidth(size.width())
        if needed > size.height():
            problems.append(
                f"{_name(widget)} is {size.height()} px tall, its text needs {needed} px"
            )
    return problems


def _outside_parent(widget: QWidget) -> list[str]:
    parent = widget.parentWidget()
    if parent is None or widget.isWindow() or _scrolled(widget):
        return []
    if parent.rect().contains(widget.geometry()):
        return []
    return [f"{_name(widget)} at {widget.geometry()} leaves its parent {_name(parent)}"]


def _overlapping(widget: QWidget) -> list[str]:
    siblings = [
        child
        for child in widget.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
        if child.isVisible() and not child.isWindow()
    ]
    problems = []
    for i, first in enumerate(siblings):
        for second in siblings[i + 1 :]:
            common = first.geometry().intersected(second.geometry())
            if common.width() > 0 and common.height() > 0:
                problems.append(f"{_name(first)} overlaps {_name(second)}")
    return problems


def _text_overflow(widget: QWidget) -> list[str]:
    boxes = painted_boxes(widget) or []
    problems = []
    for box in boxes:
        used = QFontMetrics(box.font).boundingRect(box.rect, box.flags, box.text)
        if not widget.rect().contains(box.rect) or not box.rect.contains(used):
            problems.append(f"{_name(widget)}: {box.text[:40]!r} does not fit its box")
    return problems


def layout_problems(window: QWidget, screen: tuple[int, int] | None = None) -> list[str]:
    """Every visible widget squeezed, cut, outside its parent or overlapping a sibling."""
    window.grab()  # custom-painted widgets place their texts when painting
    problems = []
    if screen is not None and (window.width(), window.height()) != screen:
        problems.append(f"the window is {window.width()}×{window.height()}, the screen {screen}")
    for widget in _shown(window):
        problems += _too_small(widget)
        problems += _outside_parent(widget)
        problems += _overlapping(widget)
        problems += _text_overflow(widget)
    return problems


@pytest.mark.parametrize("text_size", kiosk_app.TEXT_SIZES)
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
@pytest.mark.parametrize("screen", kiosk_app.SCREENS)
def test_every_screen_fits_at_every_text_size(
    qapp: QApplication, site_file: SiteConfig, screen: str, orientation: str, text_size: str
) -> None:
    with demo_window(site_file, screen, orientation, text_size) as window:
        problems = layout_problems(window, kiosk_app.SCREEN_SIZES[orientation])
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_squeezed_label_on_a_real_screen(
    qapp: QApplication, site_file: SiteConfig
) -> None:
    """A title forced shorter than its text is reported (the check can fail)."""
    with demo_window(site_file, "start", "portrait") as window:
        title = window.current_page().title  # type: ignore[attr-defined]
        title.setFixedHeight(8)
        QApplication.processEvents()
        problems = layout_problems(window, kiosk_app.SCREEN_SIZES["portrait"])
    assert any("LẤY SỐ THỨ TỰ" in p and "smaller than its minimum" in p for p in problems)


def test_the_check_sees_overlap_text_past_its_box_and_a_child_outside(
    qapp: QApplication,
) -> None:
    """Hand-placed widgets that overlap or stick out of their parent are reported."""
    parent = QWidget()
    parent.resize(300, 200)
    first = QLabel("Sở Tư pháp", parent)
    first.setGeometry(QRect(0, 0, 200, 60))
    second = QLabel("Công an tỉnh", parent)
    second.setGeometry(QRect(100, 30, 180, 60))
    outside = QLabel("Sở Y tế", parent)
    outside.setGeometry(QRect(250, 180, 120, 60))
    parent.show()
    problems = layout_problems(parent, (300, 200))
    parent.close()
    assert any("overlaps" in p and "Công an tỉnh" in p for p in problems)
    assert any("leaves its parent" in p and "Sở Y tế" in p for p in problems)


def test_the_check_sees_a_window_larger_than_the_screen(
    qapp: QApplication, site_file: SiteConfig
) -> None:
    with demo_window(site_file, "start", "landscape") as window:
        window.resize(1920, 1156)
        QApplication.processEvents()
        problems = layout_problems(window, kiosk_app.SCREEN_SIZES["landscape"])
    assert any("the window is 1920×1156" in p for p in problems)


@pytest.mark.parametrize("text_size", kiosk_app.TEXT_SIZES)
@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
def test_the_start_screen_uses_the_whole_screen(
    qapp: QApplication, site_file: SiteConfig, orientation: str, text_size: str
) -> None:
    """Department tiles fill the room between the title and the errands: no empty half."""
    with demo_window(site_file, "start", orientation, text_size) as window:
        page = window.current_page()
        area = page.departments_area  # type: ignore[attr-defined]
        tiles = [tile for tile in page.tiles if tile.isVisible()]  # type: ignore[attr-defined]
        lowest = max(tile.geometry().bottom() for tile in tiles)
        errands = (page.lookup, page.progress, page.search)  # type: ignore[attr-defined]
        assert all(button.isVisible() for button in errands)
        assert window.emblem.isVisible() and window.clock.text()
        assert len(tiles) == len(site_file.departments)
        assert lowest >= area.viewport().height() * 0.95
        page_bottom = max(b.mapTo(page, b.rect().bottomLeft()).y() for b in errands)
        assert page_bottom >= page.height() * 0.95
