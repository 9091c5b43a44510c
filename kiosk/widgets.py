"""Touch widgets the kiosk screens are made of: wrapping buttons, plain labels, a keyboard."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

import shiboken6
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QScrollerProperties,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk import style
from shared.qt.text_box import TextBox

_INK = {
    "": "#ffffff",
    "go": "#ffffff",
    "secondary": style.PRIMARY,
    "chip": style.PRIMARY,
    "key": style.INK,
    "tool": style.HEADER,
}


class WrapButton(QPushButton):
    """A big button whose lines wrap: a bold first line and an optional smaller second one."""

    PAD = 16

    def __init__(
        self,
        title: str,
        detail: str = "",
        *,
        role: str = "",
        on_click: Callable[[], None] | None = None,
        grow: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if role:
            self.setObjectName(role)
        self._role = role
        self._title = title
        self._detail = detail
        self._scale = 1.0
        # A tile (`grow`) takes the height it is offered; a list button only what it needs.
        tall = QSizePolicy.Policy.Expanding if grow else QSizePolicy.Policy.Preferred
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, tall)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        if on_click is not None:
            # `clicked` passes `checked`; never let it land in a lambda's default argument.
            self.clicked.connect(lambda *_: on_click())

    def set_title(self, title: str) -> None:
        """Change the first line."""
        if title != self._title:
            self._title = title
            self.updateGeometry()
            self.update()

    def set_detail(self, detail: str) -> None:
        """Change the second line."""
        if detail != self._detail:
            self._detail = detail
            self.updateGeometry()
            self.update()

    def set_scale(self, scale: float) -> None:
        """Draw both lines this many times larger than the style sheet's text size."""
        if scale != self._scale:
            self._scale = scale
            self.updateGeometry()
            self.update()

    def title(self) -> str:
        """The first line."""
        return self._title

    def detail(self) -> str:
        """The second line."""
        return self._detail

    def _fonts(self) -> tuple[QFont, QFont]:
        size = self.font().pointSizeF() * self._scale
        title = QFont(self.font())
        title.setBold(True)
        title.setPointSizeF(size * 1.1)
        detail = QFont(self.font())
        detail.setBold(False)
        detail.setPointSizeF(max(size * 0.8, 10.0))
        return title, detail

    def _blocks(self, width: int) -> list[tuple[QFont, str, int]]:
        """Each line's font, text and wrapped height at this inner width."""
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap)
        blocks = []
        for font, line in zip(self._fonts(), (self._title, self._detail), strict=True):
            if line:
                box = QFontMetrics(font).boundingRect(
                    QRect(0, 0, max(width, 1), 10_000), flags, line
                )
                blocks.append((font, line, box.height()))
        return blocks

    def heightForWidth(self, width: int) -> int:
        """Height the wrapped lines need at this width (never under the touch target)."""
        inner = width - 2 * self.PAD
        text = sum(h for _, _, h in self._blocks(inner)) + 4
        return max(text + 2 * self.PAD, self.minimumHeight())

    def hasHeightForWidth(self) -> bool:
        """Wrapped text: the height depends on the width."""
        return True

    def sizeHint(self) -> QSize:
        """Wide enough for the title on one line where possible."""
        title_font = self._fonts()[0]
        width = QFontMetrics(title_font).horizontalAdvance(self._title) + 2 * self.PAD + 8
        width = max(min(width, 900), 120)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        """At least a touch target."""
        return QSize(max(self.minimumWidth(), 96), max(self.minimumHeight(), 64))

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the styled button, then its wrapped lines centred."""
        super().paintEvent(event)
        if not self.isEnabled():
            ink = style.MUTED_INK
        elif self.isChecked():
            ink = "#ffffff"
        else:
            ink = _INK.get(self._role, "#ffffff")
        painter = QPainter(self)
        painter.setPen(QColor(ink))
        for box in self.text_boxes():
            painter.setFont(box.font)
            painter.drawText(box.rect, box.flags, box.text)
        painter.end()

    def text_boxes(self) -> list[TextBox]:
        """Each line's font, rectangle and flags, centred as a block inside the padding."""
        inner = self.rect().adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        blocks = self._blocks(inner.width())
        total = sum(h for _, _, h in blocks) + 4 * (len(blocks) - 1)
        top = inner.top() + max(0, (inner.height() - total) // 2)
        flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap)
        boxes = []
        for font, line, height in blocks:
            width = balanced_width(font, line, inner.width(), flags)
            left = inner.left() + (inner.width() - width) // 2
            boxes.append(TextBox(font, QRect(left, top, width, height), flags, line))
            top += height + 4
        return boxes


def balanced_width(font: QFont, text: str, width: int, flags: int) -> int:
    """The narrowest width that wraps `text` into as few lines as `width` does.

    Lines of even length read better than a full line and a lone last word ("XEM TIẾN ĐỘ HỒ
    SƠ" wraps as "XEM TIẾN ĐỘ / HỒ SƠ", not "XEM TIẾN ĐỘ HỒ / SƠ").
    """
    metrics = QFontMetrics(font)
    wanted = metrics.boundingRect(QRect(0, 0, max(width, 1), 10_000), flags, text).height()

    def fits(at: int) -> bool:
        box = metrics.boundingRect(QRect(0, 0, at, 10_000), flags, text)
        return box.height() <= wanted and box.width() <= at

    if not fits(max(width, 1)):
        return width  # a word wider than the box: leave it as Qt lays it out
    low, high = 1, max(width, 1)
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    # A few pixels more: glyphs' ink may pass their advance (the hook of Ư, the tail of ự).
    return min(width, high + 6)


def clear(layout: QLayout) -> None:
    """Remove and delete every item of a layout: widgets, stretches and nested layouts."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        inner = item.layout()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        if inner is not None:
            clear(inner)
            inner.deleteLater()
        else:
            # takeAt() hands the item to the caller: without this every widget slot and
            # stretch of every rebuilt screen stays allocated (the kiosk's slow memory creep).
            shiboken6.delete(item)


def fill_grid(
    grid: QGridLayout, widgets: Sequence[QWidget], columns: int, *, fill: bool = False
) -> None:
    """Lay widgets out row by row in `columns` equal columns, at the top or filling the height."""
    clear(grid)
    for row in range(grid.rowCount()):
        grid.setRowStretch(row, 0)
    for i, widget in enumerate(widgets):
        row, column = divmod(i, max(1, columns))
        grid.addWidget(widget, row, column)
        # Qt shows a widget added to a shown screen only later: the screen must fit it now.
        widget.show()
    rows = (len(widgets) + columns - 1) // max(1, columns)
    if fill:
        for row in range(rows):
            grid.setRowStretch(row, 1)
        left = len(widgets) % max(1, columns)
        if left:
            # The last tile takes the rest of its row: no hole at the bottom of the screen.
            grid.addWidget(widgets[-1], rows - 1, left - 1, 1, columns - left + 1)
    else:
        grid.setRowStretch(rows, 1)
    for column in range(max(grid.columnCount(), columns)):
        grid.setColumnStretch(column, 1 if column < columns else 0)


def label(text: str, name: str = "", *, wrap: bool = True, centre: bool = False) -> QLabel:
    """A label with an object name (for the style sheet) that wraps its text, shown as typed.

    Every label of the kiosk comes from here. Its text is plain: names, reasons and units come
    from the catalogue, the site file and officers' input, and with Qt's automatic format a
    `<p style="color:red">` in any of them would be drawn as a notice on the public screen.
    """
    widget = QLabel()
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setText(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    if centre:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


def scroll_area(content: QWidget) -> QScrollArea:
    """A scroll area a finger can drag."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    scroller = QScroller.scroller(area.viewport())
    properties = scroller.scrollerProperties()
    # A touch reaches the button at once: no quarter-second wait for a drag that rarely comes
    # (a slow, deliberate press is how many elderly people touch).
    properties.setScrollMetric(QScrollerProperties.ScrollMetric.MousePressEventDelay, 0.0)
    scroller.setScrollerProperties(properties)
    return area


KEY_ROWS = ("1234567890", "QWERTYUIOP", "ASDFGHJKL", "ZXCVBNM.-")


class Keyboard(QWidget):
    """An on-screen keyboard without diacritics (search ignores them, codes have none)."""

    text_changed = Signal(str)

    def __init__(
        self, space: str, clear_text: str, *, upper: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._text = ""
        self._upper = upper
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        for keys in KEY_ROWS:
            row = QHBoxLayout()
            row.setSpacing(6)
            for key in keys:
                row.addWidget(self._key(key, partial(self._type, key)))
            column.addLayout(row)
        last = QHBoxLayout()
        self.space_key = self._key(space, lambda: self._type(" "))
        self.back_key = self._key("⌫", self._backspace)
        self.clear_key = self._key(clear_text, lambda: self.set_text("", emit=True))
        last.addWidget(self.space_key, 3)
        last.addWidget(self.back_key, 1)
        last.addWidget(self.clear_key, 1)
        column.addLayout(last)

    def _key(self, caption: str, action: Callable[[], None]) -> QPushButton:
        button = QPushButton(caption)
        button.setObjectName("key")
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        button.clicked.connect(lambda *_: action())
        return button

    def set_labels(self, space: str, clear_text: str) -> None:
        """Name the space and clear keys in the current language."""
        self.space_key.setText(space)
        self.clear_key.setText(clear_text)

    def text(self) -> str:
        """What has been typed."""
        return self._text

    def set_text(self, value: str, emit: bool = False) -> None:
        """Replace what has been typed."""
        if value != self._text:
            self._text = value
            if emit:
                self.text_changed.emit(value)

    def _type(self, key: str) -> None:
        if len(self._text) < 60:
            self.set_text(self._text + (key if self._upper else key.lower()), emit=True)

    def _backspace(self) -> None:
        self.set_text(self._text[:-1], emit=True)
