"""Screens of the dossier lookup (scan or type a slip's code, see the progress) and the error."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.code_entry import CodeEntryPage, Entry
from kiosk.texts import place_text
from kiosk.ticket_pages import Page
from kiosk.viewmodel import KioskViewModel
from kiosk.widgets import WrapButton, clear, label, scroll_area
from shared.domain.dossiers import LATE_TIMELINESS
from shared.dossier_words import branch_name, result_coming, result_here, return_branch
from shared.messaging.dossier_views import DossierPublic, StepView


def day_text(day: date) -> str:
    """A date as people write it: 23/11/2026."""
    return f"{day:%d/%m/%Y}"


def step_time(at: datetime, timezone: str) -> str:
    """When a step happened, in local time: 08:15 23/11/2026."""
    return f"{at.astimezone(ZoneInfo(timezone)):%H:%M %d/%m/%Y}"


def is_late(dossier: DossierPublic) -> bool:
    """Tell whether the dossier is (or was) late."""
    return dossier.timeliness in LATE_TIMELINESS or dossier.apology is not None


def where_text(dossier: DossierPublic, model: KioskViewModel) -> tuple[str, str]:
    """Where the citizen collects the result, and the style of its label."""
    m = model
    here_id = m.config.site.id
    sender = branch_name(dossier)
    if result_coming(dossier, here_id):
        return m.t("result_coming", site=sender), "panel"
    if result_here(dossier, here_id):
        if dossier.result_site_id is not None:  # sent here: this site is the place
            place = dossier.result_site_name or m.config.site.name
        else:
            place = place_text(dossier.return_place)
        return m.t("collect_at", place=place), ""
    if dossier.result_site_id is not None:  # sent to another branch
        return m.t("elsewhere_sent", site=return_branch(dossier)), "panel"
    # received at another branch: the result waits there
    return m.t("elsewhere", site=sender, place=place_text(dossier.return_place)), "panel"


class ScanPage(CodeEntryPage):
    """Ask for the appointment slip's code: hold it to the reader, or type it."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model, model.set_scan_text, model.submit_code, notice=True)

    def refresh(self) -> None:
        """Show what was typed and the outcome of the last lookup."""
        m = self.model
        code = m.code_for_digits
        self.notice.setText(m.t("privacy_notice"))
        self.show_entry(
            Entry(
                title=m.t("progress") if code is None else m.t("phone_digits_title"),
                hint=m.t("scan_hint") if code is None else code,
                typed=m.scan_text,
                message=m.lookup_message,
                submit=m.t("look_up"),
            )
        )


class ProgressPage(Page):
    """A dossier's progress in plain words: steps, due date, on time or late, where to collect."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(12)
        self.code = label("", "heading", centre=True)
        self.procedure = label("", "prompt", centre=True)
        self.state = label("", "good", centre=True)
        body_host = QWidget()
        self.body = QVBoxLayout(body_host)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(8)
        self.take = WrapButton("", role="go", on_click=model.take_return_ticket)
        column.addWidget(self.code)
        column.addWidget(self.procedure)
        column.addWidget(self.state)
        column.addWidget(scroll_area(body_host), 1)
        column.addWidget(self.take)

    def refresh(self) -> None:
        """Show the looked-up dossier."""
        m = self.model
        dossier = m.dossier
        if dossier is None:
            return
        self.code.setText(m.t("dossier_of", code=dossier.code))
        self.procedure.setText(dossier.procedure_name)
        late = is_late(dossier)
        coming = result_coming(dossier, m.config.site.id)
        if coming:
            state = ("good", m.t("result_coming_state"))
        elif dossier.ready:
            state = ("good", m.t("ready"))
        elif late:
            state = ("bad", f"{m.t('late')} — {dossier.timeliness_label}")
        else:
            state = ("good", f"{m.t('on_time')} — {dossier.status_label}")
        self.state.setObjectName(state[0])
        self.state.setText(state[1])
        self.state.setStyleSheet("")
        clear(self.body)
        self.body.addWidget(label(m.t("submitted_by", name=dossier.citizen_masked)))
        self.body.addWidget(label(m.t("due", date=day_text(dossier.due)), "heading"))
        if dossier.apology is not None:
            reason = dossier.apology.reason.strip().rstrip(".")  # the phrase adds its own full stop
            new_date = day_text(dossier.apology.new_due)
            # The server sends a reason only when it was written for the citizen.
            apology = (
                m.t("apology", reason=reason, date=new_date)
                if reason
                else m.t("apology_no_reason", date=new_date)
            )
            self.body.addWidget(label(apology, "panel"))
        where, style = where_text(dossier, m)
        self.body.addWidget(label(where, style))
        self.body.addWidget(label(m.t("steps"), "heading"))
        for i, step in enumerate(dossier.steps):
            self.body.addWidget(self._step(step, last=i == len(dossier.steps) - 1))
        self.body.addStretch(1)
        self.take.set_title(m.t("take_return"))
        # Only where the result is, once it is there (the server names the return service).
        self.take.setVisible(dossier.ready and bool(m.return_service))
        self.take.setEnabled(not m.busy)

    def _step(self, step: StepView, last: bool) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        mark = label("●" if last else "○", "heading", wrap=False)
        line.addWidget(mark, 0, Qt.AlignmentFlag.AlignTop)
        when = step_time(step.at, self.model.config.site.timezone)
        where = f" — {step.unit}" if step.unit else ""
        text = label(f"{step.label}{where}\n{when}")
        line.addWidget(text, 1)
        return row


class ErrorPage(Page):
    """The system cannot serve: say so plainly and send people to the guidance desk."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(24)
        self.title = label("", "bad", centre=True)
        self.text = label("", "prompt", centre=True)
        self.status = label("", "prompt", centre=True)
        column.addStretch(1)
        column.addWidget(self.title)
        column.addWidget(self.text)
        column.addWidget(self.status)
        column.addStretch(2)

    def refresh(self) -> None:
        """Show the unavailable message."""
        m = self.model
        self.title.setText(m.t("unavailable_title"))
        self.text.setText(m.t("unavailable_text"))
        self.status.setText(m.t("connecting") if not m.health.connected else "")
