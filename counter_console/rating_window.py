"""The citizen-facing rating window: the officer's name and photo, then big faces to press."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from counter_console.rating import PadMode, RatingViewModel
from counter_console.style import BLUE, FONT_FAMILY
from shared.qt.fonts import ensure_ui_font
from shared.qt.text_box import TextBox

BACKGROUND = QColor("#f3f6fa")


class RatingWindow(QWidget):
    """Paints the pad; a press on a face stores the rating (touch screens send mouse presses)."""

    def __init__(self, model: RatingViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ensure_ui_font()
        self.model = model
        self.setWindowTitle(f"Motcua — đánh giá quầy {model.counter_label}")
        # A citizen's touch must not take the officer's keyboard away from the console window.
        self.setWindowFlag(Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self._faces: list[tuple[QRectF, int]] = []
        self._painted: list[TextBox] = []
        model.changed.connect(self.update)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Choose the face under the finger."""
        point = event.position()
        for rect, score in self._faces:
            if rect.contains(point):
                self.model.choose(score)
                return

    def face_rect(self, score: int) -> QRectF | None:
        """Return where a face was last drawn (tests press it)."""
        return next((r for r, s in self._faces if s == score), None)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the pad in its current mode."""
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._painted = []
        w, h = float(self.width()), float(self.height())
        p.fillRect(QRectF(0, 0, w, h), BACKGROUND)
        p.fillRect(QRectF(0, 0, w, h * 0.12), QColor(BLUE))
        self._text(
            p,
            QRectF(0, 0, w, h * 0.12),
            f"QUẦY {self.model.counter_label}",
            h * 0.06,
            QColor("white"),
            bold=True,
        )
        self._faces = []
        m = self.model
        if m.mode is PadMode.ASK:
            self._ask(p, w, h)
        elif m.mode is PadMode.THANKS:
            self._text(
                p,
                QRectF(0, h * 0.3, w, h * 0.2),
                "Cảm ơn ông/bà đã đánh giá!",
                h * 0.07,
                QColor(BLUE),
                bold=True,
            )
            self._text(
                p,
                QRectF(0, h * 0.5, w, h * 0.12),
                "Chúc ông/bà một ngày tốt lành.",
                h * 0.045,
                QColor("#333333"),
            )
        else:
            self._welcome(p, w, h)
        p.end()

    def _welcome(self, p: QPainter, w: float, h: float) -> None:
        officer = self.model.officer
        if officer is None:
            self._text(
                p,
                QRectF(0, h * 0.35, w, h * 0.2),
                "Quầy tạm nghỉ",
                h * 0.08,
                QColor("#555555"),
                bold=True,
            )
            return
        size = h * 0.36
        photo = QRectF((w - size * 0.8) / 2, h * 0.17, size * 0.8, size)
        p.setPen(QPen(QColor("#9fb3c8"), 3))
        p.setBrush(QColor("#dfe7f1"))
        p.drawRoundedRect(photo, 12, 12)
        p.setBrush(QColor("#b7c6d8"))
        p.setPen(Qt.PenStyle.NoPen)
        head = size * 0.3
        p.drawEllipse(QRectF(photo.center().x() - head / 2, photo.top() + size * 0.15, head, head))
        p.drawRoundedRect(
            QRectF(photo.left() + size * 0.12, photo.top() + size * 0.52, size * 0.56, size * 0.4),
            size * 0.2,
            size * 0.2,
        )
        top = photo.bottom() + h * 0.03
        self._text(p, QRectF(0, top, w, h * 0.05), "Cán bộ tiếp nhận", h * 0.035, QColor("#555555"))
        self._text(
            p,
            QRectF(0, top + h * 0.05, w, h * 0.09),
            officer.name,
            h * 0.065,
            QColor(BLUE),
            bold=True,
        )
        if officer.title:
            self._text(
                p,
                QRectF(0, top + h * 0.14, w, h * 0.05),
                officer.title,
                h * 0.035,
                QColor("#333333"),
            )
        self._text(
            p, QRectF(0, h * 0.9, w, h * 0.07), "Xin kính chào ông/bà!", h * 0.04, QColor("#333333")
        )

    def _ask(self, p: QPainter, w: float, h: float) -> None:
        m = self.model
        self._text(
            p,
            QRectF(0, h * 0.15, w, h * 0.1),
            "Ông/bà có hài lòng với việc phục vụ không?",
            h * 0.055,
            QColor(BLUE),
            bold=True,
        )
        self._text(
            p,
            QRectF(0, h * 0.25, w, h * 0.06),
            f"Số thứ tự {m.number} — chạm vào một mặt",
            h * 0.035,
            QColor("#333333"),
        )
        faces = m.faces
        gap = w * 0.025
        cell = min((w - gap * (len(faces) + 1)) / len(faces), h * 0.5)
        left = (w - (cell * len(faces) + gap * (len(faces) - 1))) / 2
        for i, face in enumerate(faces):
            rect = QRectF(left + i * (cell + gap), h * 0.36, cell, cell + h * 0.12)
            self._faces.append((rect, face.score))
            circle = QRectF(rect.left() + cell * 0.08, rect.top(), cell * 0.84, cell * 0.84)
            self._face(p, circle, face.score, len(faces), QColor(face.colour))
            self._text(
                p,
                QRectF(rect.left(), circle.bottom() + h * 0.01, cell, h * 0.1),
                face.label,
                min(h * 0.04, cell * 0.14),
                QColor("#222222"),
                bold=True,
            )

    def _face(self, p: QPainter, r: QRectF, score: int, scale: int, colour: QColor) -> None:
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(r)
        p.setBrush(QColor("#1b1b1b"))
        eye = r.width() * 0.1
        for x in (0.33, 0.67):
            p.drawEllipse(
                QRectF(
                    r.left() + r.width() * x - eye / 2, r.top() + r.height() * 0.33, eye, eye * 1.3
                )
            )
        # The mouth bends from a frown (worst) to a smile (best).
        mood = (score - 1) / (scale - 1) * 2 - 1
        pen = QPen(QColor("#1b1b1b"), r.width() * 0.06)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        mouth = QRectF(
            r.left() + r.width() * 0.28,
            r.top() + r.height() * 0.5,
            r.width() * 0.44,
            r.height() * 0.24 * max(abs(mood), 0.05),
        )
        if mood >= 0:
            mouth.moveTop(r.top() + r.height() * 0.55)
            p.drawArc(mouth, 180 * 16, 180 * 16)
        else:
            mouth.moveTop(r.top() + r.height() * 0.66)
            p.drawArc(mouth, 0, 180 * 16)

    def _text(
        self, p: QPainter, rect: QRectF, text: str, size: float, colour: QColor, bold: bool = False
    ) -> None:
        font = QFont(FONT_FAMILY)
        font.setPixelSize(max(1, int(size)))
        font.setBold(bold)
        box = TextBox(
            font,
            rect.toAlignedRect(),
            int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
            text,
        )
        self._painted.append(box)
        p.setFont(font)
        p.setPen(colour)
        p.drawText(box.rect, box.flags, text)

    def text_boxes(self) -> list[TextBox]:
        """The texts of the last paint, each with the rectangle it was given."""
        return list(self._painted)
