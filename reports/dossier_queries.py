"""Dossier figures in SQL, grouped by department and procedure; totals are sums of the groups.

Definitions (docs/reports.md explains them for a director):
* received = dossiers received in the period, but not those refused at the desk (status 3);
* finished = dossiers done (status 9 or 10) in the period; early / on time / late compares the
  local date finished with `legal_due`, which already leaves out the time the centre waited for
  the citizen (supplement pauses) — an apology's new date does not make a late dossier on time;
* in progress = received by the end of the period and not finished by then, neither refused,
  withdrawn nor stopped; "paused" while waiting for the citizen now, "overdue" when its legal
  due date is before the period's last day, otherwise "within";
* supplement requests, refusals and apologies = log rows of those kinds in the period.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Connection, FromClause, and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from reports.figures import DossierCounts, DossierFigures, DossierRow
from reports.scope import Names, Scope
from shared.domain.dossiers import (
    CLOSED_STATUSES,
    FINISHED_STATUSES,
    WAITING_FOR_CITIZEN,
    Channel,
    DossierStatus,
    StepKind,
)
from shared.storage.dossier_tables import DossierRow as DossierTable
from shared.storage.dossier_tables import DossierStepRow

_FINISHED = sorted(int(s) for s in FINISHED_STATUSES)
_CLOSED_UNFINISHED = sorted(int(s) for s in CLOSED_STATUSES - FINISHED_STATUSES)
_WAITING_FOR_CITIZEN = sorted(int(s) for s in WAITING_FOR_CITIZEN)
_LOGGED = {
    "supplements": StepKind.SUPPLEMENT_REQUESTED,
    "refusals": StepKind.REFUSED,
    "apologies": StepKind.RESCHEDULED,
}
Key = tuple[str, str]


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.sum(case((condition, 1), else_=0))


def _scope_filter(scope: Scope) -> list[ColumnElement[bool]]:
    d = DossierTable.__table__.c
    conditions: list[ColumnElement[bool]] = [d.site_id == scope.site_id]
    if scope.department is not None:
        conditions.append(d.department == scope.department)
    return conditions


def _grouped(
    connection: Connection,
    columns: dict[str, ColumnElement[Any]],
    *where: ColumnElement[bool],
    source: FromClause = DossierTable.__table__,
) -> Iterable[tuple[Key, str, dict[str, int]]]:
    d = DossierTable.__table__.c
    statement = (
        select(d.department, d.procedure_code, func.max(d.procedure_name), *columns.values())
        .select_from(source)
        .where(*where)
        .group_by(d.department, d.procedure_code)
    )
    for row in connection.execute(statement):
        values = {name: int(value or 0) for name, value in zip(columns, row[3:], strict=True)}
        yield (row[0], row[1]), row[2], values


def _received(connection: Connection, scope: Scope) -> Iterable[tuple[Key, str, dict[str, int]]]:
    d = DossierTable.__table__.c
    columns = {
        "received": func.count(),
        "in_person": _count(d.channel == int(Channel.IN_PERSON)),
        "online": _count(d.channel == int(Channel.ONLINE)),
        "post": _count(d.channel == int(Channel.POST)),
    }
    return _grouped(
        connection,
        columns,
        *_scope_filter(scope),
        d.received_at >= scope.period.start_utc,
        d.received_at < scope.period.end_utc,
        d.status != int(DossierStatus.NOT_RECEIVED),
    )


def _finished(connection: Connection, scope: Scope) -> Iterable[tuple[Key, str, dict[str, int]]]:
    d = DossierTable.__table__.c
    finished_day = scope.clock.day(d.finished_at)
    columns = {
        "finished": func.count(),
        "early": _count(finished_day < d.legal_due),
        "on_time": _count(finished_day == d.legal_due),
        "late": _count(finished_day > d.legal_due),
    }
    return _grouped(
        connection,
        columns,
        *_scope_filter(scope),
        d.status.in_(_FINISHED),
        d.finished_at >= scope.period.start_utc,
        d.finished_at < scope.period.end_utc,
    )


def _in_progress(connection: Connection, scope: Scope) -> Iterable[tuple[Key, str, dict[str, int]]]:
    d = DossierTable.__table__.c
    paused = and_(d.status.in_(_WAITING_FOR_CITIZEN), d.finished_at.is_(None))
    overdue = d.legal_due < scope.period.last_day
    columns = {
        "in_progress": func.count(),
        "paused": _count(paused),
        "overdue": _count(and_(~paused, overdue)),
        "within": _count(and_(~paused, ~overdue)),
    }
    return _grouped(
        connection,
        columns,
        *_scope_filter(scope),
        d.received_at < scope.period.end_utc,
        or_(d.finished_at.is_(None), d.finished_at >= scope.period.end_utc),
        d.status.not_in(_CLOSED_UNFINISHED),
    )


def _log_counts(connection: Connection, scope: Scope) -> Iterable[tuple[Key, str, dict[str, int]]]:
    d, s = DossierTable.__table__.c, DossierStepRow.__table__.c
    return _grouped(
        connection,
        {name: _count(s.kind == kind.value) for name, kind in _LOGGED.items()},
        *_scope_filter(scope),
        s.kind.in_([kind.value for kind in _LOGGED.values()]),
        s.at >= scope.period.start_utc,
        s.at < scope.period.end_utc,
        source=DossierStepRow.__table__.join(DossierTable.__table__, d.id == s.dossier_id),
    )


def dossier_figures(connection: Connection, scope: Scope, names: Names) -> DossierFigures:
    """Compute every dossier figure of the scope, per procedure, per department and in total."""
    merged: dict[Key, dict[str, int]] = {}
    titles: dict[Key, str] = {}
    parts = (
        _received(connection, scope),
        _finished(connection, scope),
        _in_progress(connection, scope),
        _log_counts(connection, scope),
    )
    for part in parts:
        for key, title, values in part:
            merged.setdefault(key, {}).update(values)
            titles.setdefault(key, title)
    by_procedure = [
        DossierRow(key[1], titles[key], key[0], DossierCounts(**merged[key]))
        for key in sorted(merged)
    ]
    departments: dict[str, DossierCounts] = {}
    for row in by_procedure:
        departments[row.department] = departments.get(row.department, DossierCounts()).plus(
            row.counts
        )
    by_department = [
        DossierRow(dep, names.department(dep), dep, counts)
        for dep, counts in sorted(departments.items())
    ]
    totals = DossierCounts()
    for department_row in by_department:
        totals = totals.plus(department_row.counts)
    return DossierFigures(totals, tuple(by_department), tuple(by_procedure))


def dossiers_per_day(connection: Connection, scope: Scope) -> dict[date, int]:
    """Dossiers received (not refused at the desk) per local day."""
    d = DossierTable.__table__.c
    day = scope.clock.day(d.received_at)
    rows = connection.execute(
        select(day, func.count())
        .where(
            *_scope_filter(scope),
            d.received_at >= scope.period.start_utc,
            d.received_at < scope.period.end_utc,
            d.status != int(DossierStatus.NOT_RECEIVED),
        )
        .group_by(day)
    ).all()
    return {
        value if isinstance(value, date) else date.fromisoformat(str(value)): int(n)
        for value, n in rows
    }
