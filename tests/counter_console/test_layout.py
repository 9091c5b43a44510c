"""Every console screen fits the officer's screen: nothing squashed, cut short or on top of another.

Each screen is rendered with demo data at the sizes counters have (1366×768 laptops, 1920×1080
monitors) and every widget on it is checked against what Qt itself says it needs: its (minimum)
size hint, the width of its text, the width of each table column's content.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QStyleOptionFrame,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from counter_console import app
from counter_console.screenshot import demo_window
from shared.config.site import SiteConfig

SIZES = [(1366, 768), (1920, 1080)]
SHRINK = QSizePolicy.PolicyFlag.ShrinkFlag.value


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    shown = text() if callable(text) else ""
    shown = shown if isinstance(shown, str) else ""
    title = f" {shown[:40]!r}" if shown.strip() else ""
    name = f"#{widget.objectName()}" if widget.objectName() else ""
    return f"{type(widget).__name__}{name}{title}"


def _in_scroll_area(widget: QWidget, root: QWidget) -> bool:
    """Tell whether a widget lives inside a scroll area (its viewport, bars or headers)."""
    parent = widget.parentWidget()
    while parent is not None and parent is not root:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def _needed(widget: QWidget) -> QSize:
    """The smallest size a layout should give the widget (Qt's own rule, qSmartMinSize)."""
    hint, smallest, policy = widget.sizeHint(), widget.minimumSizeHint(), widget.sizePolicy()

    def axis(explicit: int, preferred: int, least: int, rule: QSizePolicy.Policy) -> int:
        if explicit > 0:
            return explicit
        if rule == QSizePolicy.Policy.Ignored:
            return 0
        return max(0, least if rule.value & SHRINK else preferred)

    width = axis(widget.minimumWidth(), hint.width(), smallest.width(), policy.horizontalPolicy())
    height = axis(widget.minimumHeight(), hint.height(), smallest.height(), policy.verticalPolicy())
    if widget.hasHeightForWidth():
        height = max(height, widget.heightForWidth(widget.width()))
    return QSize(width, height)


def _label_text_problem(label: QLabel) -> str:
    text = label.text()
    if not text or label.textFormat() == Qt.TextFormat.RichText or label.pixmap().width() > 0:
        return ""
    margin = label.margin()
    rect = label.contentsRect().adjusted(margin, margin, -margin, -margin)
    metrics = QFontMetrics(label.font())
    if label.wordWrap():  # its height is heightForWidth's business; a long word may not fit
        flags = int(label.alignment()) | int(Qt.TextFlag.TextWordWrap)
        wide = metrics.boundingRect(QRect(0, 0, rect.width(), 100_000), flags, text).width()
        return f"a word {wide}px wide, label {rect.width()}px" if wide > rect.width() else ""
    widest = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
    return f"text {widest}px wide, label {rect.width()}px" if widest > rect.width() else ""


def _button_text_problem(button: QPushButton) -> str:
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text:
        return ""
    option = QStyleOptionButton()
    button.initStyleOption(option)
    rect = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    wide = QFontMetrics(button.font()).horizontalAdvance(text)
    return f"text {wide}px wide, room for {rect.width()}px" if wide > rect.width() else ""


def _line_edit_text_problem(edit: QLineEdit) -> str:
    # Typed text scrolls in an editable field, as in any form; what it shows unasked must fit.
    text = edit.text() if edit.isReadOnly() else edit.placeholderText()
    if not text or edit.echoMode() != QLineEdit.EchoMode.Normal:
        return ""
    option = QStyleOptionFrame()
    edit.initStyleOption(option)
    rect = edit.style().subElementRect(QStyle.SubElement.SE_LineEditContents, option, edit)
    margins = edit.textMargins()
    room = rect.width() - margins.left() - margins.right() - 4  # Qt keeps 2 px on each side
    wide = QFontMetrics(edit.font()).horizontalAdvance(text)
    return f"{text!r} {wide}px wide, room for {room}px" if wide > room else ""


def _combo_text_problem(combo: QComboBox) -> str:
    text = combo.currentText()
    if not text:
        return ""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    rect = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    wide = QFontMetrics(combo.font()).horizontalAdvance(text)
    return f"{text!r} {wide}px wide, room for {rect.width()}px" if wide > rect.width() else ""


def _view_problems(view: QAbstractItemView) -> Iterator[str]:
    model = view.model()
    if model is None or model.rowCount() == 0:
        return
    if isinstance(view, QTableView):
        header = view.horizontalHeader()
        if header.isVisible() and header.height() < header.sizeHint().height():
            yield f"header {header.height()}px tall, needs {header.sizeHint().height()}px"
        for col in range(model.columnCount()):
            if view.isColumnHidden(col):
                continue
            wanted = max(view.sizeHintForColumn(col), header.sectionSizeHint(col))
            stretching = header.sectionResizeMode(col) == QHeaderView.ResizeMode.Stretch
            if stretching and view.wordWrap():
                # Text wraps in the column that takes the room left; the row check sees it whole.
                wanted = header.sectionSizeHint(col)
            if header.sectionSize(col) < wanted:
                title = model.headerData(col, Qt.Orientation.Horizontal)
                yield f"column {title!r} {header.sectionSize(col)}px wide, needs {wanted}px"
        for row in range(model.rowCount()):
            if view.rowHeight(row) < view.sizeHintForRow(row):
                yield f"row {row} {view.rowHeight(row)}px tall, needs {view.sizeHintForRow(row)}px"
    if isinstance(view, QListView) and view.horizontalScrollBar().isVisible():
        yield "items are wider than the list: their ends are hidden"


def layout_problems(root: QWidget, size: tuple[int, int]) -> list[str]:
    """Everything on a window that is squashed, cut short, on top of another or off the window."""
    root.grab()  # lays out every visible widget, as on screen
    problems = []
    wanted = QSize(*size)
    if root.size() != wanted or wanted.expandedTo(root.minimumSizeHint()) != wanted:
        problems.append(
            f"window {root.width()}×{root.height()} (needs at least "
            f"{root.minimumSizeHint().width()}×{root.minimumSizeHint().height()}), "
            f"screen {size[0]}×{size[1]}"
        )
    widgets = [w for w in root.findChildren(QWidget) if w.isVisible() and not w.isWindow()]
    checked = [w for w in widgets if not _in_scroll_area(w, root)]
    for widget in checked:
        need = _needed(widget)
        if widget.width() < need.width() or widget.height() < need.height():
            problems.append(
                f"{_name(widget)}: {widget.width()}×{widget.height()}, "
                f"needs {need.width()}×{need.height()}"
            )
        parent = widget.parentWidget()
        if parent is not None and not parent.rect().contains(widget.geometry()):
            problems.append(f"{_name(widget)}: {widget.geometry()} sticks out of {parent.rect()}")
        found = ""
        if isinstance(widget, QLabel):
            found = _label_text_problem(widget)
        elif isinstance(widget, QPushButton):
            found = _button_text_problem(widget)
        elif isinstance(widget, QLineEdit):
            found = _line_edit_text_problem(widget)
        elif isinstance(widget, QComboBox):
            found = _combo_text_problem(widget)
        if found:
            problems.append(f"{_name(widget)}: {found}")
        if isinstance(widget, QAbstractItemView):
            problems.extend(f"{_name(widget)}: {p}" for p in _view_problems(widget))
    for widget in checked:
        siblings = [w for w in checked if w.parentWidget() is widget.parentWidget()]
        for other in siblings:
            if id(other) > id(widget) and widget.geometry().intersects(other.geometry()):
                problems.append(f"{_name(widget)} and {_name(other)} overlap")
    for box in getattr(root, "text_boxes", list)():
        needs = QFontMetrics(box.font).boundingRect(box.rect, box.flags, box.text)
        if not box.rect.contains(needs):
            problems.append(f"painted {box.text!r} needs {needs}, given {box.rect}")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", app.SCREENS)
def test_every_screen_fits_without_squashing_cutting_or_overlapping(
    qapp: QApplication, site_config: SiteConfig, screen: str, size: tuple[int, int]
) -> None:
    with demo_window(site_config, "q07", screen, size) as window:
        problems = layout_problems(window, size)
    assert not problems, "\n".join(problems)


def test_the_check_sees_a_squashed_card(qapp: QApplication) -> None:
    """A card too short for its texts and button, the defect the sign-in card had, is caught."""
    window = QWidget()
    card = QFrame(window)
    box = QVBoxLayout(card)
    hint = QLabel("Chỉ cán bộ được phân công tại quầy này mới đăng nhập được.")
    hint.setWordWrap(True)
    button = QPushButton("Đăng nhập  (Enter)")
    button.setMinimumHeight(44)
    box.addWidget(hint)
    box.addWidget(button)
    QLabel("Đăng nhập quầy 7", window)  # outside any layout: lies on top of the card
    card.setGeometry(0, 0, 180, 60)
    window.resize(200, 80)
    window.show()
    problems = layout_problems(window, (180, 60))
    window.close()
    assert any(p.startswith("window 200×80") for p in problems)
    assert any(p.startswith("QPushButton") and "sticks out" in p for p in problems)
    assert any(p.startswith("QLabel 'Chỉ cán bộ") and "needs" in p for p in problems)
    assert any("overlap" in p and "Đăng nhập quầy 7" in p for p in problems)
