"""A dossier's progress page in plain words: the same masked view the kiosk shows, no more."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from shared.domain.dossiers import LATE_TIMELINESS
from shared.dossier_words import return_branch
from shared.messaging.dossier_views import DossierPublic
from web.wording import t


@dataclass(frozen=True)
class StepLine:
    """One step as listed: what happened, where it went, when (local time)."""

    label: str
    unit: str
    when: str
    iso: str


@dataclass(frozen=True)
class DossierPage:
    """Everything the dossier page shows, already worded."""

    heading: str
    procedure_label: str
    procedure: str
    tone: str
    state: str
    submitted_label: str
    submitted_by: str
    due_label: str
    due: str
    status_label: str
    status: str
    collect_label: str
    collect: str
    apology: str
    steps_heading: str
    steps: list[StepLine]
    note: str


def day_text(day: date) -> str:
    """A date as people write it: 23/11/2026."""
    return f"{day:%d/%m/%Y}"


def place_text(place: str) -> str:
    """A place to follow 'tại' / 'at': 'Tại quầy số 7' → 'Quầy số 7' (no 'tại' twice)."""
    words = place.strip()
    if words[:4].lower() == "tại ":
        words = words[4:].lstrip()
        words = words[:1].upper() + words[1:]
    return words


def _state(dossier: DossierPublic, lang: str) -> tuple[str, str]:
    if dossier.ready:
        return "good", t("ready", lang)
    if dossier.timeliness in LATE_TIMELINESS or dossier.apology is not None:
        return "bad", f"{t('late', lang)} — {dossier.timeliness_label}"
    return "good", f"{t('on_time', lang)} — {dossier.status_label}"


def _apology(dossier: DossierPublic, lang: str) -> str:
    apology = dossier.apology
    if apology is None:
        return ""
    reason = apology.reason.strip().rstrip(".")  # the sentence adds its own full stop
    new_date = day_text(apology.new_due)
    if reason:
        return t("apology", lang, reason=reason, date=new_date)
    return t("apology_no_reason", lang, date=new_date)


def _collect(dossier: DossierPublic, lang: str) -> str:
    """Where the result is collected: the branch it was sent to, else the receiving one's place."""
    if dossier.result_site_id is not None:
        branch = return_branch(dossier)
        if dossier.ready and not dossier.result_arrived:
            return f"{branch} ({t('result_coming', lang)})"
        return branch
    collect = place_text(dossier.return_place)
    if dossier.site_name:
        collect = f"{collect} — {dossier.site_name}" if collect else dossier.site_name
    return collect


def _when(at: datetime, zone: ZoneInfo) -> str:
    return f"{at.astimezone(zone):%H:%M %d/%m/%Y}"


def dossier_page(dossier: DossierPublic, lang: str, timezone: str) -> DossierPage:
    """Word a dossier's public view for its page (officers' names and notes are never used)."""
    zone = ZoneInfo(timezone)
    tone, state = _state(dossier, lang)
    collect = _collect(dossier, lang)
    steps = [StepLine(s.label, s.unit, _when(s.at, zone), s.at.isoformat()) for s in dossier.steps]
    return DossierPage(
        heading=t("dossier_title", lang, code=dossier.code),
        procedure_label=t("procedure", lang),
        procedure=dossier.procedure_name,
        tone=tone,
        state=state,
        submitted_label=t("submitted_label", lang),
        submitted_by=dossier.citizen_masked,
        due_label=t("due_label", lang),
        due=day_text(dossier.due),
        status_label=t("status_label", lang),
        status=dossier.status_label,
        collect_label=t("collect_label", lang),
        collect=collect,
        apology=_apology(dossier, lang),
        steps_heading=t("steps", lang),
        steps=steps,
        note=t("vietnamese_note", lang),
    )
