"""Satisfaction figures against the hand-computed fixture, on both databases."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from reports.figures import RatingCounts, Report
from reports.satisfaction_queries import level_of
from tests.reports.fixture import MONDAY


def test_levels_of_both_scales() -> None:
    assert [level_of(3, s) for s in (1, 2, 3)] == ["unsatisfied", "satisfied", "very_satisfied"]
    assert [level_of(5, s) for s in (1, 3, 5)] == ["very_unsatisfied", "neutral", "very_satisfied"]


def test_monday_ratings(make_report: Callable[..., Report]) -> None:
    """Five ratings on Monday: three satisfied or better (60 %), two at their scale's lowest."""
    figures = make_report(MONDAY, MONDAY).satisfaction
    assert figures.totals == RatingCounts(
        very_unsatisfied=1, unsatisfied=1, satisfied=2, very_satisfied=1
    )
    assert figures.totals.total == 5
    assert figures.totals.satisfied_percent == pytest.approx(60.0)
    assert figures.lowest == 2
    counters = {row.key: row.counts for row in figures.by_counter}
    assert counters["q01"] == RatingCounts(very_satisfied=1)
    assert counters["q03"] == RatingCounts(very_unsatisfied=1, satisfied=1)
    assert counters["q03"].satisfied_percent == pytest.approx(50.0)
    assert counters["q07"].satisfied_percent == 0.0
    officers = {row.key: row for row in figures.by_officer}
    assert officers["cb01"].label == "Nguyễn Văn An (cb01)"
    services = {row.key: row.counts for row in figures.by_service}
    assert services["ho-tich"] == RatingCounts(satisfied=1, very_satisfied=1)


def test_one_department_keeps_only_its_services(make_report: Callable[..., Report]) -> None:
    figures = make_report(MONDAY, MONDAY, department="tu-phap").satisfaction
    assert {row.key for row in figures.by_service} == {"ho-tich", "ly-lich"}
    assert figures.totals.total == 4
