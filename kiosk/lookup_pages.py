"""Screens of the procedure lookup: search and browse, then one procedure's requirements."""

from __future__ import annotations

from functools import partial

from PySide6.QtWidgets import QBoxLayout, QGridLayout, QVBoxLayout, QWidget

from kiosk.catalogue import procedure_departments
from kiosk.texts import place_text, text
from kiosk.ticket_pages import Page, side_by_side
from kiosk.viewmodel import KioskViewModel
from kiosk.widgets import Keyboard, WrapButton, clear, fill_grid, label, scroll_area
from shared.messaging.dossier_commands import DocumentData

MAX_LISTED = 60


class LookupPage(Page):
    """Search procedures by name (diacritics ignored) or browse them by department."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(12)
        self.title = label("", "title", centre=True)
        self.query = label("", "query")
        chips_host = QWidget()
        self.chips = QGridLayout(chips_host)
        self.chips.setContentsMargins(0, 0, 0, 0)
        self.chips.setSpacing(8)
        results_host = QWidget()
        self.results = QVBoxLayout(results_host)
        self.results.setContentsMargins(0, 0, 0, 0)
        self.results.setSpacing(10)
        self.keyboard = Keyboard("", "")
        self.keyboard.text_changed.connect(model.set_procedure_query)
        # The search and its results beside the keyboard (landscape), or above it (portrait).
        found = QVBoxLayout()
        found.setSpacing(12)
        found.addWidget(self.query)
        found.addWidget(chips_host)
        found.addWidget(scroll_area(results_host), 1)
        self.split = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.split.setSpacing(14)
        self.split.addLayout(found, 3)
        self.split.addWidget(self.keyboard, 2)
        column.addWidget(self.title)
        column.addLayout(self.split, 1)
        self._chip_key: tuple[object, ...] = ()

    def refresh(self) -> None:
        """Show the department chips and the procedures found."""
        m = self.model
        self.title.setText(m.t("lookup"))
        self.split.setDirection(side_by_side(self.landscape))
        self.keyboard.set_labels(m.t("space"), m.t("clear"))
        self.keyboard.set_text(m.procedure_query)
        self.query.setText(m.procedure_query + "▏" if m.procedure_query else m.t("lookup_hint"))
        self._refresh_chips()
        clear(self.results)
        if m.procedures_state in ("empty", "loading") and not m.procedures:
            self.results.addWidget(label(m.t("loading"), "prompt", centre=True))
        elif m.procedures_state == "failed" and not m.procedures:
            self.results.addWidget(label(m.t("procedures_failed"), "bad", centre=True))
        else:
            found = m.found_procedures()
            if not found:
                self.results.addWidget(label(m.t("no_procedures"), "prompt", centre=True))
            for procedure in found[:MAX_LISTED]:
                button = WrapButton(
                    procedure.name,
                    f"{m.department_name(procedure.department, procedure.department_name)}"
                    f" · {procedure.processing_time}",
                    role="secondary",
                    on_click=partial(m.open_procedure, procedure.code),
                )
                self.results.addWidget(button)
        self.results.addStretch(1)

    def _refresh_chips(self) -> None:
        m = self.model
        departments = procedure_departments(m.procedures)
        key = (m.language, m.procedure_department, tuple(departments), self.landscape)
        if key == self._chip_key:
            return
        self._chip_key = key
        chips = []
        for department, name in [(None, m.t("all_departments")), *departments]:
            if department is not None:
                name = m.department_name(department, name)
            chip = WrapButton(
                name, role="chip", on_click=partial(m.set_procedure_department, department)
            )
            chip.setCheckable(True)
            chip.setChecked(department == m.procedure_department)
            chips.append(chip)
        # Landscape: the chips on one row while there are few, for more room for results.
        fill_grid(self.chips, chips, min(len(chips), 5) if self.landscape else 3)


def document_line(language: str, document: DocumentData) -> str:
    """One paper to bring: 'Căn cước công dân — Bản chính (xuất trình)', ', 2 bản' for copies."""
    line = f"{document.name} — {document.form}" if document.form else document.name
    if document.quantity > 1:
        line += ", " + text(language, "copies", count=document.quantity)
    return line


class ProcedurePage(Page):
    """One procedure: the documents to bring, fee, processing time and where results come."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(12)
        self.name = label("", "heading")
        self.where = label("", "prompt")
        body_host = QWidget()
        self.body = QVBoxLayout(body_host)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(10)
        self.take = WrapButton("", role="go", on_click=model.take_for_procedure)
        column.addWidget(self.name)
        column.addWidget(self.where)
        column.addWidget(scroll_area(body_host), 1)
        column.addWidget(self.take)

    def refresh(self) -> None:
        """Show the chosen procedure."""
        m = self.model
        procedure = m.procedure
        if procedure is None:
            return
        self.name.setText(procedure.name)
        department = m.department_name(procedure.department, procedure.department_name)
        self.where.setText(f"{department} · {procedure.field}")
        clear(self.body)
        self.body.addWidget(label(m.t("documents"), "heading"))
        for i, document in enumerate(procedure.documents, start=1):
            self.body.addWidget(label(f"{i}. {document_line(m.language, document)}"))
        facts = (
            (m.t("fee"), procedure.fee),
            (m.t("processing_time"), procedure.processing_time),
            (m.t("return_place"), place_text(procedure.return_place)),
        )
        for name, value in facts:
            # Each fact's name above its value: side by side, a long name leaves the value
            # a narrow column at large text sizes.
            self.body.addSpacing(8)
            self.body.addWidget(label(name, "heading"))
            self.body.addWidget(label(value))
        self.body.addStretch(1)
        self.take.set_title(m.t("take_for_procedure"))
        self.take.setVisible(bool(procedure.service))
        self.take.setEnabled(not m.busy)


__all__ = ["LookupPage", "ProcedurePage"]
