"""What the kiosk offers: departments and their services with availability, and procedure search."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.texts import VIETNAMESE
from shared.config.site import DepartmentConfig, PriorityConfig, ServiceConfig, SiteConfig
from shared.domain.procedures import fold
from shared.messaging.dossier_views import ProcedureView
from shared.messaging.states import ServiceWaiting


@dataclass(frozen=True)
class ServiceChoice:
    """One service button: its name, whether it takes numbers now, and the queue behind it."""

    code: str
    name: str
    department: str
    available: bool = True
    reason: str = ""
    waiting: int = 0
    wait_minutes: int | None = None


@dataclass(frozen=True)
class DepartmentChoice:
    """One department button, with the names of its services."""

    id: str
    name: str
    service_names: tuple[str, ...]


Named = DepartmentConfig | ServiceConfig | PriorityConfig


def name_in(item: Named, language: str) -> str:
    """An item's name in a language: its `name_<language>` when the site file gives one.

    Vietnamese names are the site file's `name`; an item without a name in the language
    (`name_en` empty) shows its Vietnamese name.
    """
    if language != VIETNAMESE:
        other = getattr(item, f"name_{language}", "")
        if isinstance(other, str) and other.strip():
            return other
    return item.name


def departments(config: SiteConfig, language: str = VIETNAMESE) -> list[DepartmentChoice]:
    """Return the departments that have at least one service, in config order."""
    names: dict[str, list[str]] = {}
    for service in config.services:
        names.setdefault(service.department, []).append(name_in(service, language))
    return [
        DepartmentChoice(d.id, name_in(d, language), tuple(names[d.id]))
        for d in config.departments
        if d.id in names
    ]


def services(
    config: SiteConfig,
    queues: dict[str, ServiceWaiting],
    department: str | None = None,
    query: str = "",
    language: str = VIETNAMESE,
) -> list[ServiceChoice]:
    """Return the services of a department, or those matching a search (diacritics ignored)."""
    words = fold(query).split()
    names = {d.id: f"{d.name} {name_in(d, language)}" for d in config.departments}
    found = []
    for service in config.services:
        if department is not None and service.department != department:
            continue
        haystack = fold(
            f"{service.name} {name_in(service, language)} {names.get(service.department, '')}"
        )
        if words and not all(word in haystack for word in words):
            continue
        waiting = queues.get(service.code)
        found.append(
            ServiceChoice(
                code=service.code,
                name=name_in(service, language),
                department=service.department,
                available=waiting.available if waiting else True,
                reason=waiting.reason if waiting else "",
                waiting=waiting.waiting if waiting else 0,
                wait_minutes=waiting.estimated_wait_minutes if waiting else None,
            )
        )
    return found


def search_procedures(
    procedures: list[ProcedureView], query: str = "", department: str | None = None
) -> list[ProcedureView]:
    """Filter procedures by department and by every word of the query, ignoring diacritics."""
    words = fold(query).split()
    found = []
    for procedure in procedures:
        if department is not None and procedure.department != department:
            continue
        haystack = fold(
            f"{procedure.code} {procedure.name} {procedure.field} {procedure.department_name}"
        )
        if all(word in haystack for word in words):
            found.append(procedure)
    return found


def procedure_departments(procedures: list[ProcedureView]) -> list[tuple[str, str]]:
    """Return (id, name) of the departments the procedures belong to, in first-seen order."""
    seen: dict[str, str] = {}
    for procedure in procedures:
        seen.setdefault(procedure.department, procedure.department_name)
    return list(seen.items())
