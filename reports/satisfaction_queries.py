"""Satisfaction figures in SQL: ratings counted per group, scale and score.

A 3-level rating is Không hài lòng (1) / Hài lòng (2) / Rất hài lòng (3); a 5-level one is
Rất không hài lòng (1) / Không hài lòng (2) / Bình thường (3) / Hài lòng (4) / Rất hài lòng (5).
"Satisfied" means Hài lòng or Rất hài lòng on either scale. `lowest` counts ratings at the
lowest level of their scale, shown beside QĐ 766 because the centre keeps no complaints register.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.sql.elements import ColumnElement

from reports.figures import RatingCounts, RatingRow, SatisfactionFigures
from reports.scope import Names, Scope
from shared.storage.dossier_tables import RatingRow as RatingTable

_LEVELS = {
    3: {1: "unsatisfied", 2: "satisfied", 3: "very_satisfied"},
    5: {
        1: "very_unsatisfied",
        2: "unsatisfied",
        3: "neutral",
        4: "satisfied",
        5: "very_satisfied",
    },
}


def level_of(scale: int, score: int) -> str:
    """Return the level name of a score on its scale."""
    return _LEVELS.get(scale, _LEVELS[5]).get(score, "neutral")


def _grouped(
    connection: Connection, scope: Scope, key: ColumnElement[Any], label: Any
) -> tuple[RatingRow, ...]:
    r = RatingTable.__table__.c
    conditions = [
        r.site_id == scope.site_id,
        r.rated_at >= scope.period.start_utc,
        r.rated_at < scope.period.end_utc,
    ]
    if scope.department is not None:
        conditions.append(r.service_code.in_(scope.department_services))
    rows = connection.execute(
        select(key, r.scale, r.score, func.count())
        .where(*conditions)
        .group_by(key, r.scale, r.score)
    ).all()
    counts: dict[str, dict[str, int]] = {}
    for group, scale, score, n in rows:
        levels = counts.setdefault("" if group is None else str(group), {})
        name = level_of(int(scale), int(score))
        levels[name] = levels.get(name, 0) + int(n)
    return tuple(
        RatingRow(group, label(group or None), RatingCounts(**levels))
        for group, levels in sorted(counts.items())
    )


def satisfaction_figures(connection: Connection, scope: Scope, names: Names) -> SatisfactionFigures:
    """Compute ratings per counter, officer and service, the totals and the lowest-level count."""
    r = RatingTable.__table__.c
    by_counter = _grouped(connection, scope, r.counter_id, names.counter)
    by_officer = _grouped(connection, scope, r.officer_id, names.officer)
    by_service = _grouped(connection, scope, r.service_code, names.service)
    totals = RatingCounts()
    for row in by_service:
        totals = totals.plus(row.counts)
    lowest = sum(row.counts.very_unsatisfied for row in by_service)
    lowest += _lowest_on_three_levels(connection, scope)
    return SatisfactionFigures(totals, lowest, by_counter, by_officer, by_service)


def _lowest_on_three_levels(connection: Connection, scope: Scope) -> int:
    r = RatingTable.__table__.c
    conditions = [
        r.site_id == scope.site_id,
        r.rated_at >= scope.period.start_utc,
        r.rated_at < scope.period.end_utc,
        r.scale == 3,
        r.score == 1,
    ]
    if scope.department is not None:
        conditions.append(r.service_code.in_(scope.department_services))
    return int(connection.scalar(select(func.count()).where(*conditions)) or 0)
