"""Screens of the take-a-number flow: departments, services, priority group, the ticket."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.texts import wait_phrase
from kiosk.viewmodel import KioskViewModel, PrintState
from kiosk.widgets import Keyboard, QrCode, WrapButton, clear, fill_grid, label, scroll_area


class Page(QWidget):
    """A screen: built once, refreshed from the view-model whenever it changes."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__()
        self.model = model
        self.landscape = False

    def refresh(self) -> None:
        """Show the view-model's current state."""


def side_by_side(landscape: bool) -> QBoxLayout.Direction:
    """Results beside the keyboard on a wide screen, above it on a tall one."""
    if landscape:
        return QBoxLayout.Direction.LeftToRight
    return QBoxLayout.Direction.TopToBottom


class StartPage(Page):
    """The start screen: departments to take a number for, and the two lookups."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(16)
        self.title = label("", "title", centre=True)
        self.prompt = label("", "prompt", centre=True)
        self.search = WrapButton("", role="secondary", on_click=lambda: model.search_services(""))
        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.grid.setSpacing(14)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.departments_area = scroll_area(grid_host)
        others = QHBoxLayout()
        others.setSpacing(14)
        self.lookup = WrapButton("", role="secondary", on_click=model.open_lookup)
        self.progress = WrapButton("", role="secondary", on_click=model.open_scan)
        others.addWidget(self.lookup)
        others.addWidget(self.progress)
        column.addWidget(self.title)
        column.addWidget(self.prompt)
        column.addWidget(self.departments_area, 1)
        column.addWidget(self.search)
        column.addLayout(others)

    def refresh(self) -> None:
        """Show the departments in the current language."""
        m = self.model
        self.title.setText(m.t("title"))
        self.prompt.setText(m.t("choose_department"))
        self.search.set_title(m.t("search_services"))
        self.lookup.set_title(m.t("lookup"))
        self.progress.set_title(m.t("progress"))
        buttons = [
            WrapButton(d.name, on_click=partial(m.choose_department, d.id)) for d in m.departments()
        ]
        for button in buttons:
            button.setObjectName("department")
        fill_grid(self.grid, buttons, 3 if self.landscape else 2)


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
        grid_host = QWidget()
        self.grid = QGridLayout(grid_host)
        self.grid.setSpacing(14)
        self.note = label("", "prompt", centre=True)
        column.addWidget(self.service)
        column.addWidget(self.question)
        column.addWidget(self.regular)
        column.addWidget(grid_host)
        column.addWidget(self.note)
        column.addStretch(1)

    def refresh(self) -> None:
        """Show the configured priority groups."""
        m = self.model
        self.service.setText(m.service_name(m.service))
        self.question.setText(m.t("priority_question"))
        self.regular.set_title(m.t("no_priority"))
        self.regular.setEnabled(not m.busy)
        self.note.setText(m.t("priority_note"))
        buttons = []
        for priority in m.config.priorities:
            button = WrapButton(
                priority.name,
                role="secondary",
                on_click=partial(m.choose_priority, priority.id),
            )
            button.setEnabled(not m.busy)
            buttons.append(button)
        fill_grid(self.grid, buttons, 2)


class TicketPage(Page):
    """The ticket: number, counters, people ahead, wait, and whether the paper came out."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(12)
        self.caption = label("", "heading", centre=True)
        self.number = label("", "number", centre=True)
        self.service = label("", "heading", centre=True)
        self.counters = label("", "title", centre=True)
        self.ahead = label("", "prompt", centre=True)
        self.wait = label("", "prompt", centre=True)
        self.paper = label("", "panel", centre=True)
        self.qr = QrCode()
        self.done = WrapButton("", role="go", on_click=model.reset)
        for widget in (self.caption, self.number, self.service, self.counters, self.ahead):
            column.addWidget(widget)
        column.addWidget(self.wait)
        column.addWidget(self.paper)
        column.addWidget(self.qr, 1, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(0)
        column.addWidget(self.done)

    def refresh(self) -> None:
        """Show the issued ticket and the printer's outcome."""
        m = self.model
        ticket = m.ticket
        if ticket is None:
            return
        self.caption.setText(m.t("your_number"))
        self.number.setText(ticket.number)
        size = max(self.height() // 7, m.font_pt * 4)
        self.number.setStyleSheet(f"font-size: {size}px;")
        self.service.setText(ticket.service_name)
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
        show_qr = m.print_state in (PrintState.FAILED, PrintState.NONE)
        self.qr.setVisible(show_qr)
        self.qr.set_data(ticket.qr if show_qr else "")
        side = max(220, min(self.width(), self.height()) // 4)
        self.qr.setFixedSize(side, side)
        self.done.set_title(m.t("done"))


__all__ = ["Page", "PriorityPage", "ServicesPage", "StartPage", "TicketPage", "clear"]
