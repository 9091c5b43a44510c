"""Screens of the take-a-number flow: departments, services, priority group, the ticket."""

from __future__ import annotations

from functools import partial

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.pictures import QrCode
from kiosk.texts import wait_phrase
from kiosk.viewmodel import KioskViewModel, PrintState
from kiosk.widgets import Keyboard, WrapButton, clear, fill_grid, label, scroll_area


class Page(QWidget):
    """A screen: built once, refreshed from the view-model whenever it changes."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__()
        self.model = model
        self.landscape = False

    def refresh(self) -> None:
        """Show the view-model's current state."""

    def heightForWidth(self, width: int) -> int:
        """Height the screen needs at this width; none while hidden.

        Qt's stack of screens asks each of them, shown or not: the tallest hidden screen
        would otherwise decide how tall the window must be.
        """
        return super().heightForWidth(width) if not self.isHidden() else -1


def content_fits(page: QWidget, area: QScrollArea) -> bool:
    """Tell whether a scroll area of the page shows all its content, laying the page out first."""
    layout = page.layout()
    if layout is not None:
        layout.activate()
    content = area.widget()
    inner = content.layout() if content is not None else None
    if inner is None:
        return True
    inner.invalidate()  # widgets just added or restyled: no cached heights
    if inner.hasHeightForWidth():
        needed = inner.totalHeightForWidth(area.width())
    else:
        needed = inner.totalSizeHint().height()
    return needed <= area.height()


def side_by_side(landscape: bool) -> QBoxLayout.Direction:
    """Results beside the keyboard on a wide screen, above it on a tall one."""
    if landscape:
        return QBoxLayout.Direction.LeftToRight
    return QBoxLayout.Direction.TopToBottom


# How much larger than other buttons a tile or a choice writes, when the screen has room.
TILE_SCALE = 1.3
# Smallest height of a choice the whole screen is about (a priority group), in pixels.
CHOICE_HEIGHT = 140


class ServicesPage(Page):
    """A department's services (or a search), each with its queue or why it is closed."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(14)
        self.heading = label("", "heading", centre=True)
        self.query = label("", "query")
        self.keyboard = Keyboard("", "")
        self.keyboard.text_changed.connect(model.search_services)
        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.grid.setSpacing(14)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid_host = grid_host
        self.split = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.split.setSpacing(14)
        self.split.addWidget(scroll_area(grid_host), 3)
        self.split.addWidget(self.keyboard, 2)
        column.addWidget(self.heading)
        column.addWidget(self.query)
        column.addLayout(self.split, 1)

    def refresh(self) -> None:
        """List the services of the chosen department or matching the search."""
        m = self.model
        searching = m.department is None
        self.split.setDirection(side_by_side(self.landscape))
        self.query.setVisible(searching)
        self.keyboard.setVisible(searching)
        self.keyboard.set_labels(m.t("space"), m.t("clear"))
        self.keyboard.set_text(m.service_query)
        self.query.setText(m.service_query + "▏" if m.service_query else m.t("search_services"))
        self.heading.setText(
            m.t("choose_service") if searching else m.department_name(m.department)
        )
        buttons: list[QWidget] = []
        for choice in m.services():
            if choice.available:
                wait = wait_phrase(m.language, choice.wait_minutes)
                detail = m.t("waiting_line", count=choice.waiting, wait=wait)
            else:
                detail = f"{m.t('unavailable')} — {choice.reason}"
            button = WrapButton(
                choice.name, detail, on_click=partial(m.choose_service, choice.code)
            )
            button.setObjectName(f"service-{choice.code}")
            button.setEnabled(choice.available and not m.busy)
            buttons.append(button)
        if not buttons:
            buttons = [label(m.t("no_services_found"), "prompt", centre=True)]
        fill_grid(self.grid, buttons, 2 if self.landscape else 1)


class PriorityPage(Page):
    """Ask, once, whether the citizen belongs to a priority group."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(16)
        self.service = label("", "heading", centre=True)
        self.question = label("", "title", centre=True)
        self.regular = WrapButton("", role="go", on_click=lambda: model.choose_priority(None))
        self.regular.set_scale(TILE_SCALE)
        self.regular.setMinimumHeight(CHOICE_HEIGHT)
        # The group a scanned ID card entitles to: the pre-selected choice, one touch away.
        self.offered = WrapButton(
            "", role="go", on_click=lambda: model.choose_priority(model.offered_priority)
        )
        self.offered.set_scale(TILE_SCALE)
        self.offered.setMinimumHeight(CHOICE_HEIGHT)
        self.offered.hide()
        self.groups_host = QWidget()
        self.grid = QGridLayout(self.groups_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(14)
        self.groups_area = scroll_area(self.groups_host)
        self.note = label("", "panel", centre=True)
        column.addWidget(self.service)
        column.addWidget(self.question)
        column.addWidget(self.offered)
        column.addWidget(self.regular)
        column.addWidget(self.groups_area, 1)
        column.addWidget(self.note)
        self.groups: list[WrapButton] = []

    def refresh(self) -> None:
        """Show the configured priority groups."""
        m = self.model
        self.service.setText(m.service_name(m.service))
        self.question.setText(m.t("priority_question"))
        self.regular.set_title(m.t("no_priority"))
        self.regular.setEnabled(not m.busy)
        offered = m.priority_name(m.offered_priority)
        self.offered.set_title(m.t("offered_priority", name=offered) if offered else "")
        self.offered.setEnabled(not m.busy)
        self.offered.setVisible(bool(offered))
        self.note.setText(m.t("priority_note"))
        self.groups = []
        for priority in m.config.priorities:
            if offered and priority.id == m.offered_priority:
                continue
            button = WrapButton(
                m.priority_name(priority.id),
                role="secondary",
                on_click=partial(m.choose_priority, priority.id),
            )
            button.setEnabled(not m.busy)
            self.groups.append(button)
        fill_grid(self.grid, self.groups, 3 if self.landscape else 2)
        self.fit()

    def fit(self) -> None:
        """Large choices where the screen has room; plainer ones, then no note, before scrolling."""
        steps = (
            (TILE_SCALE, CHOICE_HEIGHT, True),
            (1.0, CHOICE_HEIGHT, True),
            (1.0, 0, True),
            (1.0, 0, False),
        )
        for scale, height, note in steps:
            for button in (self.offered, self.regular, *self.groups):
                button.ensurePolished()  # new buttons learn their font from the style sheet
                button.set_scale(scale)
                button.setMinimumHeight(height)
            self.note.setVisible(note)
            if not self.isVisible() or content_fits(self, self.groups_area):
                return

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the choices again to the new size."""
        super().resizeEvent(event)
        self.fit()


class SharePage(Page):
    """Ask whether a scanned ID card's name, ID number and address go to the counter."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(16)
        self.service = label("", "heading", centre=True)
        self.question = label("", "title", centre=True)
        self.explain = label("", "panel", centre=True)
        self.agree = WrapButton("", role="go", on_click=lambda: model.share_card(True))
        self.decline = WrapButton("", role="go", on_click=lambda: model.share_card(False))
        for button in (self.agree, self.decline):
            button.set_scale(TILE_SCALE)
            button.setMinimumHeight(CHOICE_HEIGHT)
        # Equal answers: one above the other on a tall screen, side by side on a wide one.
        self.answers = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.answers.setSpacing(16)
        self.answers.addWidget(self.agree, 1)
        self.answers.addWidget(self.decline, 1)
        column.addWidget(self.service)
        column.addWidget(self.question)
        column.addWidget(self.explain)
        column.addStretch(1)
        column.addLayout(self.answers)
        column.addStretch(1)

    def refresh(self) -> None:
        """Show the question and the two answers (neither is pre-selected)."""
        m = self.model
        self.service.setText(m.service_name(m.service))
        self.question.setText(m.t("share_question"))
        self.explain.setText(m.t("share_explain"))
        self.agree.set_title(m.t("share_yes"))
        self.decline.set_title(m.t("share_no"))
        self.answers.setDirection(side_by_side(self.landscape))
        for button in (self.agree, self.decline):
            button.setEnabled(not m.busy)


# The QR code of a ticket shown without paper: as large as there is room for, up to this.
QR_MAX = 420


class TicketPage(Page):
    """The ticket: number, counters, people ahead, wait, and whether the paper came out."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        self.caption = label("", "heading", centre=True)
        self.number = label("", "number", centre=True)
        self.priority = label("", "priority", centre=True)
        self.service = label("", "heading", centre=True)
        self.counters = label("", "title", centre=True)
        self.ahead = label("", "prompt", centre=True)
        self.wait = label("", "prompt", centre=True)
        self.paper = label("", "panel", centre=True)
        self.qr = QrCode(largest=QR_MAX)
        self.qr.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.done = WrapButton("", role="go", on_click=model.reset)
        # Portrait: one column. Landscape: the number and the paper's fate on the left, where
        # to go and how long on the right.
        self.columns = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.columns.setContentsMargins(0, 0, 0, 0)
        self.columns.setSpacing(24)
        self.number_side = QVBoxLayout()
        self.number_side.setSpacing(12)
        self.number_side.addStretch(1)
        for widget in (self.caption, self.number, self.priority, self.service):
            self.number_side.addWidget(widget)
        self.number_side.addStretch(1)
        self.facts_side = QVBoxLayout()
        self.facts_side.setSpacing(12)
        for widget in (self.counters, self.ahead, self.wait, self.paper):
            self.facts_side.addWidget(widget)
        self.facts_side.addWidget(self.qr, 1)
        self.facts_side.addStretch(0)
        self.facts_side.addWidget(self.done)
        self.columns.addLayout(self.number_side, 0)
        self.columns.addLayout(self.facts_side, 1)
        self._paper_beside_number = False

    def refresh(self) -> None:
        """Show the issued ticket and the printer's outcome."""
        m = self.model
        ticket = m.ticket
        if ticket is None:
            return
        self.columns.setDirection(side_by_side(self.landscape))
        self.columns.setStretch(0, 1)
        self._place_paper()
        self.caption.setText(m.t("your_number"))
        self.number.setText(ticket.number)
        self.priority.setText(self._mark())
        self.priority.setVisible(bool(self.priority.text()))
        self.service.setText(m.service_name(ticket.service, ticket.service_name))
        labels = ", ".join(ticket.counters)
        self.counters.setText(m.t("counters", labels=labels) if labels else m.t("counters_none"))
        ahead = ticket.people_ahead
        self.ahead.setText(m.t("ahead", count=ahead) if ahead else m.t("ahead_none"))
        self.wait.setText(m.t("wait", text=wait_phrase(m.language, ticket.estimated_wait_minutes)))
        paper = {
            PrintState.PRINTING: ("panel", m.t("printing")),
            PrintState.PRINTED: ("good", m.t("printed")),
            PrintState.FAILED: ("bad", m.t("print_failed")),
            PrintState.NONE: ("panel", m.t("no_printer")),
        }[m.print_state]
        self.paper.setObjectName(paper[0])
        self.paper.setText(paper[1])
        self.paper.setStyleSheet("")  # re-apply the style of the new object name
        # No paper: the screen shows the QR of the ticket's page, where the site has one.
        show_qr = m.print_state in (PrintState.FAILED, PrintState.NONE) and m.ticket_has_page
        self.qr.setVisible(show_qr)
        self.qr.set_data(ticket.qr if show_qr else "")
        self.done.set_title(m.t("done"))
        self._fit_number()

    def _mark(self) -> str:
        """The line under the number: an appointment and its time, or the priority group."""
        m = self.model
        ticket = m.ticket
        if ticket is None:
            return ""
        if ticket.appointment_at is not None:
            local = ticket.appointment_at.astimezone(m.local_time().tzinfo)
            return m.t("appointment_mark", time=f"{local:%H:%M}")
        if m.late_booking:
            return m.t("appointment_late_mark")
        if ticket.priority is None:
            return ""
        group = m.priority_name(ticket.priority)
        return m.t("priority_mark", name=group) if group else m.t("priority")

    def _place_paper(self) -> None:
        """The paper's message under the number in landscape, under the wait in portrait."""
        if self._paper_beside_number == self.landscape:
            return
        self._paper_beside_number = self.landscape
        self.number_side.removeWidget(self.paper)
        self.facts_side.removeWidget(self.paper)
        if self.landscape:
            self.number_side.insertWidget(self.number_side.count() - 1, self.paper)
        else:
            self.facts_side.insertWidget(3, self.paper)

    def _fit_number(self) -> None:
        """The number as large as the screen allows, never smaller than 4 times the body text."""
        smallest = self.model.font_pt * 4
        largest = max(self.window().height() // (5 if self.landscape else 6), smallest)
        layout = self.layout()

        def fits(pixels: int) -> bool:
            self.number.setStyleSheet(f"font-size: {pixels}px;")
            # A new style sheet does not reach the layouts' cached heights by itself.
            self.number_side.invalidate()
            return layout is None or layout.totalHeightForWidth(self.width()) <= self.height()

        # The largest size whose screen still fits (a few tries: text heights grow in steps).
        low, high = smallest, largest
        while high - low > 4:
            middle = (low + high) // 2
            if fits(middle):
                low = middle
            else:
                high = middle
        if not fits(high):
            fits(low)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the number again to the new size."""
        super().resizeEvent(event)
        if self.model.ticket is not None:
            self._fit_number()


__all__ = ["Page", "PriorityPage", "ServicesPage", "TicketPage", "clear"]
