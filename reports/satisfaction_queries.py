"""Satisfaction figures in SQL: ratings counted per group, scale and score.

A 3-level rating is Không hài lòng (1) / Hài lòng (2) / Rất hài lòng (3); a 5-level one is
Rất không hài lòng (1) / Không hài lòng (2) / Bình thường (3) / Hài lòng (4) / Rất hài lòng (5).
"Satisfied" means Hài lòng or Rất hài lòng on either scale. `lowest` counts ratings at the
lowest level of their scale, shown beside QĐ 766 because the centre keeps no complaints register.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

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


def _rows(connection: Connection, scope: Scope) -> list[Any]:
    r = RatingTable.__table__.c
    conditions = [
        r.site_id == scope.site_id,
        r.rated_at >= scope.period.start_utc,
        r.rated_at < scope.period.end_utc,
    ]
    if scope.department is not None:
        conditions.append(r.service_code.in_(scope.department_services))
    keys = (r.counter_id, r.officer_id, r.service_code, r.scale, r.score)
    return list(connection.execute(select(*keys, func.count()).where(*conditions).group_by(*keys)))


def _grouped(rows: list[Any], index: int, label: Any) -> tuple[RatingRow, ...]:
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        group, scale, score, n = row[index], row[3], row[4], row[5]
        levels = counts.setdefault("" if group is None else str(group), {})
        name = level_of(int(scale), int(score))
        levels[name] = levels.get(name, 0) + int(n)
    return tuple(
        RatingRow(group, label(group or None), RatingCounts(**levels))
        for group, levels in sorted(counts.items())
    )


def satisfaction_figures(connection: Connection, scope: Scope, names: Names) -> SatisfactionFigures:
    """Compute ratings per counter, officer and service, the totals and the lowest-level count.

    One grouped query counts ratings per counter, officer, service, scale and score; the three
    groupings are sums of its (few hundred) rows.
    """
    rows = _rows(connection, scope)
    by_counter = _grouped(rows, 0, names.counter)
    by_officer = _grouped(rows, 1, names.officer)
    by_service = _grouped(rows, 2, names.service)
    totals = RatingCounts()
    for row in by_service:
        totals = totals.plus(row.counts)
    lowest = sum(row.counts.very_unsatisfied for row in by_service)
    lowest += sum(int(n) for *_, scale, score, n in rows if int(scale) == 3 and int(score) == 1)
    return SatisfactionFigures(totals, lowest, by_counter, by_officer, by_service)
