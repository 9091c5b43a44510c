"""The kiosk window: header (logo, centre, clock, language, text size), the screen, back/home."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLayout,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk import style
from kiosk.admin import AdminGesture, PinGuard, PinPad, corner_rect, load_pin_hash, pin_file
from kiosk.appointment_page import AppointmentPage
from kiosk.dossier_pages import ErrorPage, ProgressPage, ScanPage
from kiosk.lookup_pages import LookupPage, ProcedurePage
from kiosk.pictures import Emblem
from kiosk.start_page import StartPage
from kiosk.texts import clock_text
from kiosk.ticket_pages import Page, PriorityPage, ServicesPage, SharePage, TicketPage
from kiosk.viewmodel import KioskViewModel, Screen
from kiosk.widgets import WrapButton, label
from shared.qt.fonts import ensure_ui_font

_ACTIVITY = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress)


class KioskWindow(QWidget):
    """Shows the view-model's screen; every touch restarts the idle timer."""

    exit_requested = Signal()

    def __init__(self, model: KioskViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        ensure_ui_font()
        self.model = model
        self.allow_close = True
        self.setWindowTitle("Motcua — ki-ốt lấy số")
        kiosk = model.config.kiosk
        self._gesture = AdminGesture(kiosk.admin_taps)
        self._pin_hash = load_pin_hash(pin_file(kiosk.admin_pin_file))
        # Kept by the window: a new pad for each try must not forget the wrong PINs.
        self.pin_guard = PinGuard()
        self._pin: PinPad | None = None
        column = QVBoxLayout(self)
        # The screen's size is the kiosk's: content that does not fit must scroll or shrink,
        # never make the window taller than the screen (a test checks every screen fits).
        column.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._header())
        self.notice = label("", "notice", centre=True)
        column.addWidget(self.notice)
        self.stack = QStackedWidget()
        body = QVBoxLayout()
        body.setContentsMargins(24, 16, 24, 16)
        body.addWidget(self.stack, 1)
        self.nav = QWidget()
        nav = QHBoxLayout(self.nav)
        nav.setContentsMargins(0, 12, 0, 0)
        nav.setSpacing(16)
        self.back = WrapButton("", role="secondary", on_click=model.back)
        self.home = WrapButton("", role="secondary", on_click=model.home)
        nav.addWidget(self.back)
        nav.addWidget(self.home)
        body.addWidget(self.nav)
        column.addLayout(body, 1)
        self.pages: dict[Screen, Page] = {
            Screen.START: StartPage(model),
            Screen.SERVICES: ServicesPage(model),
            Screen.PRIORITY: PriorityPage(model),
            Screen.SHARE: SharePage(model),
            Screen.TICKET: TicketPage(model),
            Screen.LOOKUP: LookupPage(model),
            Screen.PROCEDURE: ProcedurePage(model),
            Screen.SCAN: ScanPage(model),
            Screen.PROGRESS: ProgressPage(model),
            Screen.APPOINTMENT: AppointmentPage(model),
            Screen.ERROR: ErrorPage(model),
        }
        for page in self.pages.values():
            self.stack.addWidget(page)
        self._styled_for: tuple[int, int] = (0, 0)
        self._clock_timer = QTimer(self)
        self._clock_timer.setSingleShot(True)
        self._clock_timer.timeout.connect(self._tick)
        model.changed.connect(self.refresh)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.refresh()

    def _header(self) -> QWidget:
        header = QWidget()
        header.setObjectName("header")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        row = QHBoxLayout(header)
        row.setContentsMargins(24, 10, 24, 10)
        row.setSpacing(16)
        self.emblem = Emblem(self.model.config.kiosk.logo)
        row.addWidget(self.emblem, 0, Qt.AlignmentFlag.AlignVCenter)
        words = QVBoxLayout()
        words.setSpacing(2)
        self.centre = label(self.model.config.site.name, "centre")
        self.clock = label("", "clock")
        words.addWidget(self.centre)
        words.addWidget(self.clock)
        row.addLayout(words, 1)
        self.language = WrapButton("", role="tool", on_click=self.model.toggle_language)
        self.smaller = WrapButton("A−", role="tool", on_click=self.model.smaller)
        self.bigger = WrapButton("A+", role="tool", on_click=self.model.bigger)
        for button in (self.language, self.smaller, self.bigger):
            button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
            row.addWidget(button, 0)
        self.language.setVisible(len(self.model.config.kiosk.languages) > 1)
        return header

    def _tick(self) -> None:
        """Show the time, and come back at the start of the next minute."""
        now = self.model.local_time()
        self.clock.setText(clock_text(self.model.language, now))
        self._clock_timer.start(max(200, (60 - now.second) * 1000 - now.microsecond // 1000))

    # -- showing --------------------------------------------------------------------------------

    def current_page(self) -> Page:
        """The page on screen now."""
        return self.pages[self.model.visible_screen]

    def refresh(self) -> None:
        """Show the view-model's screen in its language and text size."""
        m = self.model
        self._apply_style()
        screen = m.visible_screen
        page = self.pages[screen]
        page.landscape = self.width() > self.height()
        for other in self.pages.values():
            # Hidden screens must not make the window taller than the one shown.
            policy = QSizePolicy.Policy.Preferred if other is page else QSizePolicy.Policy.Ignored
            other.setSizePolicy(policy, policy)
        self.stack.setCurrentWidget(page)
        if self._pin is not None:
            self.stack.setCurrentWidget(self._pin)
        page.refresh()
        self._tick()
        self.centre.ensurePolished()
        side = self.centre.fontMetrics().height() * 2
        self.emblem.setFixedSize(side, side)
        self.notice.setText(m.notice)
        self.notice.setVisible(bool(m.notice) and screen is not Screen.ERROR)
        self.language.set_title(m.t("language"))
        self.nav.setVisible(screen not in (Screen.START, Screen.ERROR, Screen.TICKET))
        self.back.set_title(m.t("back"))
        self.home.set_title(m.t("home"))

    def _apply_style(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        dpi = screen.physicalDotsPerInch() if screen is not None else 96.0
        key = (self.model.font_pt, style.target_px(dpi))
        if key != self._styled_for:
            self._styled_for = key
            self.setStyleSheet(style.stylesheet(*key))

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Lay the screen out again for the new size (portrait or landscape)."""
        super().resizeEvent(event)
        self.refresh()

    # -- activity, admin exit, kiosk mode -------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Restart the idle timer on any touch, and count taps on the admin corner."""
        if event.type() in _ACTIVITY:
            self.model.touch()
            if event.type() == QEvent.Type.MouseButtonPress and watched is self.windowHandle():
                self._corner_tap(event)  # type: ignore[arg-type]
        return False

    def _corner_tap(self, event: QMouseEvent) -> None:
        kiosk = self.model.config.kiosk
        screen = self.screen()
        dpi = screen.physicalDotsPerInch() if screen is not None else 96.0
        side = round(kiosk.admin_corner_mm / 25.4 * dpi)
        rect = corner_rect(kiosk.admin_corner, self.width(), self.height(), side)
        if not rect.contains(event.position().toPoint()):
            self._gesture.miss()
        elif self._gesture.tap():
            self.open_pin_pad()

    def open_pin_pad(self) -> None:
        """Show the PIN pad (nothing happens when this kiosk has no PIN)."""
        if not self._pin_hash or self._pin is not None:
            return
        self._pin = PinPad(self._pin_hash, self.model.language, self.pin_guard)
        self._pin.accepted.connect(self._admin_exit)
        self._pin.cancelled.connect(self._close_pin_pad)
        self.stack.addWidget(self._pin)
        self.stack.setCurrentWidget(self._pin)

    def _close_pin_pad(self) -> None:
        if self._pin is not None:
            self.stack.removeWidget(self._pin)
            self._pin.deleteLater()
            self._pin = None
        self.refresh()

    def _admin_exit(self) -> None:
        self.allow_close = True
        self._close_pin_pad()
        self.exit_requested.emit()

    def enter_kiosk_mode(self) -> None:
        """Full screen, no decorations, on top; closing only through the admin PIN."""
        self.allow_close = False
        self.setWindowFlags(
            Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.Window
        )
        self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Refuse to close in kiosk mode unless the admin PIN was given."""
        if self.allow_close:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            self._clock_timer.stop()
            event.accept()
        else:
            event.ignore()
