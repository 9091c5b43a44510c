"""Painted pictures of the kiosk: the centre's emblem and QR codes."""

from __future__ import annotations

import math
from pathlib import Path

import qrcode
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPixmap, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from kiosk import style


class Emblem(QWidget):
    """The centre's logo: its image when the site has one, else a red disc with a gold star."""

    def __init__(self, image: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap = QPixmap(image) if image and Path(image).is_file() else QPixmap()
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def has_image(self) -> bool:
        """Tell whether the site's own logo is shown (not the placeholder)."""
        return not self._pixmap.isNull()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the logo scaled to fit, or the placeholder emblem."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        side = min(self.width(), self.height())
        box = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        if self.has_image():
            picture = self._pixmap.scaled(
                side,
                side,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            left = box.left() + (side - picture.width()) / 2
            top = box.top() + (side - picture.height()) / 2
            painter.drawPixmap(QPointF(left, top), picture)
        else:
            painter.setPen(QColor(style.STAR))
            painter.setBrush(QColor(style.EMBLEM))
            ring = side * 0.04
            painter.drawEllipse(box.adjusted(ring, ring, -ring, -ring))
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(style.STAR))
            painter.drawPolygon(star(box.center(), side * 0.34))
        painter.end()


def star(centre: QPointF, radius: float) -> QPolygonF:
    """A five-pointed star standing on two points, its tips on a circle of `radius`."""
    points = []
    for i in range(10):
        reach = radius if i % 2 == 0 else radius * 0.382
        angle = math.radians(-90 + 36 * i)
        points.append(
            QPointF(centre.x() + reach * math.cos(angle), centre.y() + reach * math.sin(angle))
        )
    return QPolygonF(points)


class QrCode(QWidget):
    """Paints a QR code, black on white with its quiet zone."""

    def __init__(
        self, data: str = "", *, largest: int = 420, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._matrix: list[list[bool]] = []
        self._largest = largest
        self.setMinimumSize(200, 200)
        self.set_data(data)

    def sizeHint(self) -> QSize:
        """Its smallest size: it grows into the room left (`largest` at most when painted)."""
        return self.minimumSize()

    def set_data(self, data: str) -> None:
        """Show the QR code of this text (nothing for empty text)."""
        if data:
            code = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
            code.add_data(data)
            code.make(fit=True)
            self._matrix = code.get_matrix()
        else:
            self._matrix = []
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the modules as squares, as large as the widget allows."""
        painter = QPainter(self)
        side = min(self.width(), self.height(), self._largest)
        painter.fillRect(QRectF(0, 0, self.width(), self.height()), QColor("#ffffff"))
        if self._matrix:
            cell = side / len(self._matrix)
            left = (self.width() - side) / 2
            top = (self.height() - side) / 2
            for r, row in enumerate(self._matrix):
                for c, dark in enumerate(row):
                    if dark:
                        painter.fillRect(
                            QRectF(left + c * cell, top + r * cell, cell + 0.5, cell + 0.5),
                            QColor("#000000"),
                        )
        painter.end()
