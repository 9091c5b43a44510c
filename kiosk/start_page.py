"""The start screen: a tile per department filling the screen, and the other errands."""

from __future__ import annotations

from functools import partial

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QVBoxLayout, QWidget

from kiosk.ticket_pages import TILE_SCALE, Page, content_fits, side_by_side
from kiosk.viewmodel import KioskViewModel
from kiosk.widgets import WrapButton, fill_grid, label, scroll_area

# How much smaller than TILE_SCALE, at most, when the largest text would make tiles scroll.
TILE_SCALE_LEAST = 0.85
# How much smaller than other buttons, at most, the errands write when they would not fit.
ERRAND_SCALE_LEAST = 0.8


class StartPage(Page):
    """The start screen: large department tiles filling the screen, and the other errands."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)
        self.title = label("", "title", centre=True)
        self.prompt = label("", "prompt", centre=True)
        self.tiles_host = QWidget()
        self.grid = QGridLayout(self.tiles_host)
        self.grid.setSpacing(14)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.departments_area = scroll_area(self.tiles_host)
        self.search = WrapButton(
            "", role="secondary", grow=True, on_click=lambda: model.search_services("")
        )
        self.lookup = WrapButton("", role="secondary", grow=True, on_click=model.open_lookup)
        self.progress = WrapButton("", role="secondary", grow=True, on_click=model.open_scan)
        # Shown where the site takes appointments: check in by the booking's QR, card or code.
        self.booked = WrapButton("", role="secondary", grow=True, on_click=model.open_appointment)
        self.booked.setVisible(model.appointments_offered)
        # Portrait: the errands in a row (two rows of two with the appointment one); landscape:
        # in a column beside the tiles.
        self.others = QGridLayout()
        self.others.setSpacing(14)
        self._errands_for: tuple[bool, int] | None = None
        # Portrait: tiles above a row of the other errands; landscape: errands in a column.
        self.split = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.split.setSpacing(14)
        self.split.addWidget(self.departments_area, 1)
        self.split.addLayout(self.others)
        column.addWidget(self.title)
        column.addWidget(self.prompt)
        column.addLayout(self.split, 1)
        self._tiles_for: tuple[object, ...] = ()
        # Each department's tile and the services it names on its second line.
        self.tiles: dict[WrapButton, str] = {}

    def errands(self) -> list[WrapButton]:
        """The buttons of the other errands shown (the appointment one where offered)."""
        shown = [self.booked] if self.model.appointments_offered else []
        return [*shown, self.lookup, self.progress, self.search]

    def refresh(self) -> None:
        """Show the departments in the current language."""
        m = self.model
        self.title.setText(m.t("title"))
        self.prompt.setText(m.t("choose_department"))
        self.lookup.set_title(m.t("lookup"))
        self.progress.set_title(m.t("progress"))
        self.search.set_title(m.t("find_service"))
        self.booked.set_title(m.t("appointment"))
        self.split.setDirection(side_by_side(self.landscape))
        self._place_errands()
        self.split.setStretchFactor(self.others, 1 if self.landscape else 0)
        self.split.setStretchFactor(self.departments_area, 3 if self.landscape else 1)
        departments = m.departments()
        key = (m.language, self.landscape, tuple(departments))
        if key != self._tiles_for:
            # Rebuilt only when they change: a tile must not vanish under a finger.
            self._tiles_for = key
            self.tiles = {}
            for department in departments:
                tile = WrapButton(
                    department.name, grow=True, on_click=partial(m.choose_department, department.id)
                )
                tile.setObjectName("department")
                # No line starts with the dot: it stays with the name before it.
                self.tiles[tile] = "\u00a0· ".join(department.service_names)
            fill_grid(self.grid, list(self.tiles), 3 if self.landscape else 2, fill=True)
        self.fit()

    def _place_errands(self) -> None:
        """Put the errands in a column (landscape), or in rows of at most three (portrait)."""
        errands = self.errands()
        key = (self.landscape, len(errands))
        if key == self._errands_for:
            return
        self._errands_for = key
        for button in errands:
            self.others.removeWidget(button)
        columns = 1 if self.landscape else (2 if len(errands) == 4 else len(errands))
        for i, button in enumerate(errands):
            row, column = divmod(i, columns)
            self.others.addWidget(button, row, column)
        for column in range(self.others.columnCount()):
            self.others.setColumnStretch(column, 1 if column < columns else 0)
        for row in range(self.others.rowCount()):
            self.others.setRowStretch(row, 1 if self.landscape else 0)

    def fit(self) -> None:
        """Make the tiles as large as the screen allows, with their explaining lines if they fit.

        Tiles say which services each department has, errands what they are for. With larger
        text or more departments, the tiles' extra size goes first, then their lines, then
        the errands' lines, then a little of the tiles' own size (still larger than the body
        text of the normal size), then a little of the errands' size, so that every department
        and errand stays on screen without scrolling for as long as possible.
        """
        m = self.model
        errands = {
            self.booked: m.t("appointment_detail"),
            self.lookup: m.t("lookup_detail"),
            self.progress: m.t("progress_detail"),
            self.search: m.t("search_services_detail"),
        }
        steps = (
            (TILE_SCALE, True, True, 1.0),
            (1.0, True, True, 1.0),
            (1.0, False, True, 1.0),
            (1.0, False, False, 1.0),
            (TILE_SCALE_LEAST, False, False, 1.0),
            # Four errands in a landscape column at the largest size: their words a little less.
            (TILE_SCALE_LEAST, False, False, ERRAND_SCALE_LEAST),
        )
        for scale, tiles_explained, errands_explained, errand_scale in steps:
            for tile, detail in self.tiles.items():
                tile.ensurePolished()  # new tiles learn their font from the style sheet
                tile.set_scale(scale)
                tile.set_detail(detail if tiles_explained else "")
            for button, detail in errands.items():
                button.set_detail(detail if errands_explained else "")
                button.set_scale(errand_scale)
            if not self.isVisible() or self._fits():
                return

    def _fits(self) -> bool:
        """Tell whether the tiles and the errands fit without scrolling or squeezing."""
        tiles_fit = content_fits(self, self.departments_area)
        return tiles_fit and all(
            button.height() >= button.heightForWidth(button.width()) for button in self.errands()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the tiles again to the new size."""
        super().resizeEvent(event)
        self.fit()
