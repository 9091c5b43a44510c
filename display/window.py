"""The hall display window: a thin painter over BoardViewModel, in landscape or portrait."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from display.viewmodel import BoardViewModel, CallLine, CounterLine
from shared.domain.counters import CounterStatus
from shared.qt.fonts import UI_FONT_FAMILY, ensure_ui_font

FONT_FAMILY = UI_FONT_FAMILY
BACKGROUND = QColor("#000000")
HEADER = QColor("#0b2d6b")
PANEL = QColor("#10204a")
HIGHLIGHT = QColor("#c40000")
CELL = QColor("#161616")
LINE = QColor("#3a3a3a")
TEXT = QColor("#ffffff")
DIM = QColor("#c8c8c8")
NUMBER = QColor("#ffd400")
ALERT = QColor("#ff8c00")
BOOKED = QColor("#2ec4ff")  # the appointment mark: light blue, readable on black and red
BOOKED_MARK = "HẸN"
# Numbers must stay readable across a hall: at least 8 % of the screen height.
NUMBER_HEIGHT = 0.08

LANDSCAPE = "landscape"
PORTRAIT = "portrait"


class HallWindow(QWidget):
    """Paints the board; repaints whenever the view-model changes."""

    def __init__(
        self, model: BoardViewModel, orientation: str = "auto", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        ensure_ui_font()
        self.model = model
        self.orientation = orientation
        self.setWindowTitle("Motcua — bảng gọi số")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setCursor(Qt.CursorShape.BlankCursor)
        model.changed.connect(self.update)

    def layout_name(self) -> str:
        """Return the layout in use: the configured one, or the screen's shape when 'auto'."""
        if self.orientation in (LANDSCAPE, PORTRAIT):
            return self.orientation
        return PORTRAIT if self.height() > self.width() else LANDSCAPE

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the whole board."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        BoardPainter(painter, self.width(), self.height(), self.model).paint(self.layout_name())
        painter.end()


class BoardPainter:
    """Draws one board frame; every size derives from the screen height."""

    def __init__(self, painter: QPainter, width: int, height: int, model: BoardViewModel) -> None:
        self.p = painter
        self.w = float(width)
        self.h = float(height)
        self.m = model

    def paint(self, layout: str) -> None:
        """Draw the board in the given layout."""
        self.p.fillRect(QRectF(0, 0, self.w, self.h), BACKGROUND)
        pad = self.h * 0.015
        header_h = self.h * (0.11 if layout == LANDSCAPE else 0.075)
        self._header(QRectF(0, 0, self.w, header_h), pad)
        top = header_h
        if self.m.status_text:
            band = QRectF(0, top, self.w, self.h * 0.045)
            self.p.fillRect(band, ALERT)
            self._text(band, self.m.status_text, self.h * 0.028, BACKGROUND, bold=True)
            top = band.bottom()
        body = QRectF(pad, top + pad, self.w - 2 * pad, self.h - top - 2 * pad)
        if layout == LANDSCAPE:
            top_h = body.height() * 0.47
            call = QRectF(body.left(), body.top(), body.width() * 0.58, top_h)
            recent = QRectF(
                call.right() + pad, body.top(), body.right() - call.right() - pad, top_h
            )
            grid = QRectF(
                body.left(), call.bottom() + pad, body.width(), body.bottom() - call.bottom() - pad
            )
            self._current(call)
            self._recent(recent, pad, columns=1)
            self._counters(grid, columns=4, pad=pad)
        else:
            call = QRectF(body.left(), body.top(), body.width(), body.height() * 0.2)
            grid = QRectF(body.left(), call.bottom() + pad, body.width(), body.height() * 0.52)
            recent = QRectF(
                body.left(), grid.bottom() + pad, body.width(), body.bottom() - grid.bottom() - pad
            )
            self._current(call)
            self._counters(grid, columns=2, pad=pad)
            self._recent(recent, pad, columns=2)

    def _header(self, rect: QRectF, pad: float) -> None:
        self.p.fillRect(rect, HEADER)
        inner = rect.adjusted(pad * 2, pad * 0.5, -pad * 2, -pad * 0.5)
        clock_w = min(self.h * 0.22, self.w * 0.3)
        names = QRectF(inner.left(), inner.top(), inner.width() - clock_w - pad, inner.height())
        half = names.height() / 2
        self._text(
            QRectF(names.left(), names.top(), names.width(), half),
            self.m.site_name.upper(),
            self.h * 0.03,
            TEXT,
            bold=True,
            align=Qt.AlignmentFlag.AlignLeft,
        )
        self._text(
            QRectF(names.left(), names.top() + half, names.width(), half),
            f"Bảng gọi số — {self.m.zone_name}",
            self.h * 0.026,
            DIM,
            align=Qt.AlignmentFlag.AlignLeft,
        )
        clock = QRectF(inner.right() - clock_w, inner.top(), clock_w, half * 1.15)
        self._text(
            clock,
            self.m.clock_text,
            self.h * 0.045,
            TEXT,
            bold=True,
            align=Qt.AlignmentFlag.AlignRight,
        )
        date = QRectF(clock.left(), clock.bottom(), clock_w, inner.bottom() - clock.bottom())
        self._text(date, self.m.date_text, self.h * 0.02, DIM, align=Qt.AlignmentFlag.AlignRight)

    def _current(self, rect: QRectF) -> None:
        call = self.m.current_call
        self.p.fillRect(rect, HIGHLIGHT if self.m.highlighted else PANEL)
        h = rect.height()
        title = QRectF(rect.left(), rect.top() + h * 0.04, rect.width(), h * 0.18)
        self._text(title, "XIN MỜI CÔNG DÂN CÓ SỐ", h * 0.11, TEXT, bold=True)
        number = QRectF(rect.left(), title.bottom(), rect.width(), h * 0.52)
        if call is None:
            self._text(number, "—", h * 0.4, DIM)
            return
        colour = TEXT if self.m.highlighted else NUMBER
        self._text(number, call.number, h * 0.5, colour, bold=True)
        if call.appointment:
            self._mark(number, call.number, h * 0.5, h * 0.12)
        counter = QRectF(rect.left(), number.bottom(), rect.width(), h * 0.22)
        self._text(counter, f"ĐẾN QUẦY SỐ {call.label}", h * 0.15, TEXT, bold=True)

    def _counters(self, rect: QRectF, columns: int, pad: float) -> None:
        lines: list[CounterLine] = self.m.counters
        if not lines:
            return
        columns = min(columns, len(lines))
        rows = (len(lines) + columns - 1) // columns
        cell_w = (rect.width() - pad * (columns - 1)) / columns
        cell_h = (rect.height() - pad * (rows - 1)) / rows
        for i, line in enumerate(lines):
            r, c = divmod(i, columns)
            cell = QRectF(
                rect.left() + c * (cell_w + pad), rect.top() + r * (cell_h + pad), cell_w, cell_h
            )
            self.p.fillRect(cell, CELL)
            label_h = min(cell.height() * 0.3, self.h * 0.04)
            self._text(
                QRectF(cell.left(), cell.top(), cell.width(), label_h),
                f"QUẦY {line.label}",
                min(self.h * 0.032, label_h * 0.8),
                DIM,
                bold=True,
            )
            body = QRectF(cell.left(), cell.top() + label_h, cell.width(), cell.height() - label_h)
            if line.status == CounterStatus.CLOSED:
                self._text(
                    body, "Tạm nghỉ" if line.number is None else line.number, self.h * 0.035, DIM
                )
            else:
                text = line.number or "—"
                size = max(body.height() * 0.9, self.h * NUMBER_HEIGHT)
                self._text(body, text, size, NUMBER, bold=True)
            if line.appointment and line.number:
                # In the counter's title row, at its right end: the number keeps its size.
                mark = QRectF(cell.left(), cell.top(), cell.width() - label_h * 0.3, label_h)
                px = min(self.h * 0.032, label_h * 0.8)
                self._text(
                    mark, BOOKED_MARK, px, BOOKED, bold=True, align=Qt.AlignmentFlag.AlignRight
                )

    def _recent(self, rect: QRectF, pad: float, columns: int) -> None:
        self.p.fillRect(rect, CELL)
        title_h = min(self.h * 0.06, rect.height() * 0.2)
        title = QRectF(rect.left(), rect.top(), rect.width(), title_h)
        self._text(title, "SỐ VỪA GỌI", self.h * 0.03, TEXT, bold=True)
        calls: list[CallLine] = (
            self.m.recent_calls[1:] if self.m.current_call else self.m.recent_calls
        )
        rows = max(-(-(self.m.max_calls - 1) // columns), 1)
        row_h = (rect.height() - title_h - pad) / rows
        col_w = (rect.width() - pad) / columns
        for i, call in enumerate(calls[: rows * columns]):
            c, r = divmod(i, rows)
            row = QRectF(
                rect.left() + pad + c * col_w, rect.top() + title_h + r * row_h, col_w - pad, row_h
            )
            self.p.setPen(LINE)
            self.p.drawLine(row.topLeft(), row.topRight())
            half = row.width() * 0.5
            self._text(
                QRectF(row.left(), row.top(), half, row_h),
                call.number,
                row_h * 0.8,
                NUMBER,
                bold=True,
                align=Qt.AlignmentFlag.AlignLeft,
            )
            if call.appointment:
                self._mark(
                    QRectF(row.left(), row.top(), half, row_h),
                    call.number,
                    row_h * 0.8,
                    row_h * 0.5,
                    align=Qt.AlignmentFlag.AlignLeft,
                )
            self._text(
                QRectF(row.left() + half, row.top(), half, row_h),
                f"Quầy {call.label}",
                row_h * 0.6,
                TEXT,
                align=Qt.AlignmentFlag.AlignRight,
            )

    def _mark(
        self,
        rect: QRectF,
        number: str,
        number_px: float,
        mark_px: float,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignHCenter,
    ) -> None:
        """Write the appointment mark just after a number drawn in `rect` (no personal data)."""
        font = QFont(FONT_FAMILY)
        font.setBold(True)
        font.setPixelSize(int(max(number_px, 1.0)))
        width = min(QFontMetricsF(font).horizontalAdvance(number), rect.width() * 0.94)
        if align == Qt.AlignmentFlag.AlignLeft:
            right = rect.left() + width
        else:
            right = rect.center().x() + width / 2
        space = rect.right() - right
        if space <= mark_px:
            return  # no room beside this number: the number itself matters more
        box = QRectF(right + mark_px * 0.3, rect.top(), space - mark_px * 0.3, rect.height())
        self._text(box, BOOKED_MARK, mark_px, BOOKED, bold=True, align=Qt.AlignmentFlag.AlignLeft)

    def _text(
        self,
        rect: QRectF,
        text: str,
        pixel_size: float,
        colour: QColor,
        *,
        bold: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignHCenter,
    ) -> None:
        """Draw one line, shrinking the font only when it would not fit the width."""
        font = QFont(FONT_FAMILY)
        font.setBold(bold)
        size = max(pixel_size, 1.0)
        font.setPixelSize(int(size))
        width = QFontMetricsF(font).horizontalAdvance(text)
        room = rect.width() * 0.94
        if width > room > 0:
            font.setPixelSize(max(1, int(size * room / width)))
        self.p.setFont(font)
        self.p.setPen(colour)
        self.p.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), text)
