"""Find text whose ink Qt would cut off: marks above a widget's top, letters past its edges.

Each text is painted again with Qt's own text engine, in the rectangle and with the flags its
widget paints it with, onto an image larger than the widget. Ink that falls outside the
widget's rectangle is ink the real widget loses, since Qt clips every widget to its rectangle.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6 import QtGui
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionHeader,
    QWidget,
)

from shared.qt.text_box import TextBox


@dataclass(frozen=True)
class Clipped:
    """A text whose ink crosses its widget's edges by these many pixels."""

    widget: str
    text: str
    top: int
    bottom: int
    left: int
    right: int

    def __str__(self) -> str:
        """Say which text loses ink and where."""
        sides = ", ".join(
            f"{name} {value}px"
            for name, value in (
                ("top", self.top),
                ("bottom", self.bottom),
                ("left", self.left),
                ("right", self.right),
            )
            if value
        )
        return f"{self.widget}: {self.text!r} cut at {sides}"


def _label_boxes(label: QLabel) -> list[TextBox]:
    text = label.text()
    if not text or label.textFormat() == Qt.TextFormat.RichText:
        return []
    if label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text):
        return []
    margin = label.margin()
    rect = label.contentsRect().adjusted(margin, margin, -margin, -margin)
    flags = int(label.alignment())
    if label.wordWrap():
        flags |= int(Qt.TextFlag.TextWordWrap)
    if QFontMetrics(label.font()).boundingRect(rect, flags, text).height() > rect.height():
        # QLabel lays out text taller than its box from the top, not centred.
        vertical = int(Qt.AlignmentFlag.AlignVertical_Mask)
        flags = (flags & ~vertical) | int(Qt.AlignmentFlag.AlignTop)
    return [TextBox(label.font(), rect, flags, text)]


def _button_boxes(button: QPushButton) -> list[TextBox]:
    text = button.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
    if not text:
        return []
    option = QStyleOptionButton()
    button.initStyleOption(option)
    rect = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button)
    flags = int(Qt.AlignmentFlag.AlignCenter)
    return [TextBox(button.font(), rect, flags, text)]


def _header_boxes(header: QHeaderView) -> list[TextBox]:
    model = header.model()
    if model is None:
        return []
    boxes = []
    for section in range(header.count()):
        if header.isSectionHidden(section):
            continue
        text = model.headerData(section, header.orientation())
        if not text:
            continue
        position = header.sectionViewportPosition(section)
        size = header.sectionSize(section)
        if header.orientation() == Qt.Orientation.Horizontal:
            section_rect = QRect(position, 0, size, header.height())
        else:
            section_rect = QRect(0, position, header.width(), size)
        option = QStyleOptionHeader()
        header.initStyleOptionForIndex(option, section)
        option.rect = section_rect
        option.text = str(text)
        rect = header.style().subElementRect(QStyle.SubElement.SE_HeaderLabel, option, header)
        flags = int(Qt.AlignmentFlag.AlignCenter)
        boxes.append(TextBox(header.font(), rect, flags, str(text)))
    return boxes


def painted_boxes(widget: QWidget) -> list[TextBox] | None:
    """The texts a custom-painted widget reports through `text_boxes()`, else None."""
    custom = getattr(widget, "text_boxes", None)
    return list(custom()) if callable(custom) else None


def text_boxes(widget: QWidget) -> list[TextBox]:
    """The texts a widget paints, as Qt places them (custom widgets offer `text_boxes()`)."""
    painted = painted_boxes(widget)
    if painted is not None:
        return painted
    if isinstance(widget, QLabel):
        return _label_boxes(widget)
    if isinstance(widget, QPushButton):
        return _button_boxes(widget)
    if isinstance(widget, QHeaderView):
        return _header_boxes(widget)
    return []


def ink_outside(box: TextBox, clip: QRect) -> tuple[int, int, int, int]:
    """Pixels of ink above, below, left and right of `clip` when `box` is painted."""
    pad = max(box.rect.height(), box.font.pixelSize(), round(box.font.pointSizeF() * 2), 40)
    width, height = clip.width() + 2 * pad, clip.height() + 2 * pad
    image = QImage(width, height, QImage.Format.Format_Grayscale8)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setFont(box.font)
    painter.setPen(QColor("black"))
    shift = pad - clip.left(), pad - clip.top()
    # Qt clips drawText to a box the text overflows by whole lines: never clip here.
    flags = box.flags | int(Qt.TextFlag.TextDontClip)
    painter.drawText(box.rect.translated(*shift), flags, box.text)
    painter.end()
    pixels = np.frombuffer(image.constBits(), dtype=np.uint8)
    ink = pixels.reshape(height, image.bytesPerLine())[:, :width] < 128
    rows = np.flatnonzero(ink.any(axis=1))
    columns = np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        return 0, 0, 0, 0
    return (
        max(0, pad - int(rows[0])),
        max(0, int(rows[-1]) - (pad + clip.height() - 1)),
        max(0, pad - int(columns[0])),
        max(0, int(columns[-1]) - (pad + clip.width() - 1)),
    )


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def clipped_texts(root: QWidget) -> list[Clipped]:
    """Every text shown under `root` (itself included) whose ink its widget cuts off."""
    root.grab()  # custom widgets learn where their texts go by painting them
    found = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not _shown(widget):
            continue
        # A custom widget gives each text a rectangle of its own: the text must stay in it.
        own_space = painted_boxes(widget) is not None
        for box in text_boxes(widget):
            sides = ink_outside(box, box.rect if own_space else widget.rect())
            if any(sides):
                name = widget.objectName() or type(widget).__name__
                found.append(Clipped(name, box.text, *sides))
    return found


def shown_texts(root: QWidget) -> list[str]:
    """Every text shown under `root`, to prove a check looked at something."""
    root.grab()
    return [
        box.text
        for widget in [root, *root.findChildren(QWidget)]
        if _shown(widget)
        for box in text_boxes(widget)
    ]
