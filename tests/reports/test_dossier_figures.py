"""Dossier figures and QĐ 766 formulas against the hand-computed fixture, on both databases."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytest

from reports.figures import DossierCounts, Report
from shared.config.site import SiteConfig
from shared.domain.deadlines import RuleSnapshot, snapshot
from shared.domain.dossiers import (
    Channel,
    Citizen,
    ClockPause,
    Dossier,
    DossierStatus,
    Step,
    StepKind,
    Timeliness,
    timeliness,
)
from tests.reports import fixture
from tests.reports.fixture import nov

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def test_november_totals(make_report: Callable[..., Report]) -> None:
    """Refused-at-desk and other sites' dossiers are left out; October's one counts as finished."""
    totals = make_report(*NOVEMBER).dossiers.totals
    assert totals == DossierCounts(
        received=7,
        in_person=4,
        online=2,
        post=1,
        finished=6,
        early=2,
        on_time=2,
        late=2,
        in_progress=2,
        within=0,
        overdue=1,
        paused=1,
        supplements=2,
        refusals=1,
        apologies=1,
    )


def test_qd_766_progress_and_satisfaction(make_report: Callable[..., Report]) -> None:
    """Progress = (early + on time) / finished = 4/6; satisfaction = 100 − (late % + 0)."""
    totals = make_report(*NOVEMBER).dossiers.totals
    assert totals.progress_percent == pytest.approx(200 / 3)
    assert totals.late_percent == pytest.approx(100 / 3)
    assert totals.satisfaction_766_percent() == pytest.approx(200 / 3)
    assert totals.satisfaction_766_percent(complaint_percent=10) == pytest.approx(200 / 3 - 10)


def test_supplement_pause_makes_a_dossier_on_time(make_report: Callable[..., Report]) -> None:
    """CA-0004 finished 24/11: late against 18/11, on time against its paused legal due 24/11.

    CA-0005 finished 24/11 17:30 UTC, which is 25/11 locally: late.
    """
    report = make_report(date(2026, 11, 24), date(2026, 11, 25))
    assert report.dossiers.totals.finished == 2
    assert report.dossiers.totals.on_time == 1
    assert report.dossiers.totals.late == 1


def test_by_department_and_procedure(make_report: Callable[..., Report]) -> None:
    figures = make_report(*NOVEMBER).dossiers
    departments = {row.key: row for row in figures.by_department}
    assert departments["tu-phap"].label == "Sở Tư pháp"
    assert departments["tu-phap"].counts == DossierCounts(
        received=4,
        in_person=3,
        online=1,
        finished=3,
        early=1,
        on_time=1,
        late=1,
        in_progress=1,
        paused=1,
        supplements=1,
        refusals=1,
        apologies=1,
    )
    assert departments["cong-an"].counts == DossierCounts(
        received=3,
        in_person=1,
        online=1,
        post=1,
        finished=3,
        early=1,
        on_time=1,
        late=1,
        in_progress=1,
        overdue=1,
        supplements=1,
    )
    procedures = {row.key: row for row in figures.by_procedure}
    assert set(procedures) == {"2.000635", "2.000815", "2.000200"}
    assert procedures["2.000815"].counts.late == 1
    assert procedures["2.000815"].label == "Thủ tục 2.000815"


def test_in_progress_is_judged_at_the_period_end(make_report: Callable[..., Report]) -> None:
    """At the end of 23/11 three dossiers are open and none is past its legal due date."""
    totals = make_report(date(2026, 11, 23), date(2026, 11, 23)).dossiers.totals
    assert (totals.in_progress, totals.within, totals.overdue, totals.paused) == (3, 3, 0, 0)
    assert totals.received == 0
    assert totals.progress_percent is None


def test_one_department(make_report: Callable[..., Report]) -> None:
    report = make_report(*NOVEMBER, department="cong-an")
    assert [row.key for row in report.dossiers.by_department] == ["cong-an"]
    assert report.dossiers.totals.received == 3
    assert report.dossiers.totals.progress_percent == pytest.approx(200 / 3)


def _domain_dossier(spec: fixture.DossierSpec, rules: RuleSnapshot) -> Dossier:
    """The fixture dossier as the domain sees it, its pauses taken from its supplement steps."""
    steps = tuple(
        Step(StepKind(kind), when, DossierStatus(status))
        for kind, when, status in [("received", spec.received, 2), *spec.steps]
    )
    starts = [s.at for s in steps if s.kind is StepKind.SUPPLEMENT_REQUESTED]
    ends = [s.at for s in steps if s.kind is StepKind.SUPPLEMENT_RECEIVED]
    pauses = tuple(
        ClockPause(StepKind.SUPPLEMENT_REQUESTED, start, ends[i] if i < len(ends) else None)
        for i, start in enumerate(starts)
    )
    return Dossier(
        code=spec.code,
        token=spec.code,
        site_id=spec.site,
        procedure_code=spec.procedure,
        procedure_name=spec.procedure,
        department=spec.department,
        channel=Channel(spec.channel),
        citizen=Citizen("Nguyễn Văn A"),
        documents=(),
        sets=1,
        legal_days=3,
        received_at=spec.received,
        received_by="cb01",
        rules=rules,
        legal_due=spec.legal_due,
        status=DossierStatus(spec.status),
        steps=steps,
        pauses=pauses,
        finished_at=spec.finished,
    )


@pytest.mark.parametrize(
    "first, last", [NOVEMBER, (date(2026, 11, 23), date(2026, 11, 23)), (nov(24), nov(25))]
)
def test_sql_timeliness_agrees_with_the_domain(
    make_report: Callable[..., Report], site_config: SiteConfig, first: date, last: date
) -> None:
    """The report's SQL classifies every dossier as `shared.domain.dossiers.timeliness` does.

    Finished dossiers are judged when they finished; open ones as they stood at the end of the
    period's last local day (a dossier finished later is taken back to before its result).
    """
    rules = snapshot(site_config.calendar.to_calendar(), site_config.calendar.to_rule())
    period_end = datetime.combine(last + timedelta(days=1), time(0), fixture.HANOI)
    expected: Counter[Timeliness] = Counter()
    for spec in fixture.DOSSIERS:
        dossier = _domain_dossier(spec, rules)
        refused_or_stopped = dossier.closed and dossier.finished_at is None
        if spec.site != fixture.SITE or spec.received >= period_end or refused_or_stopped:
            continue
        finished = dossier.finished_at
        if finished is not None and finished < period_end:
            if dossier.local(finished).date() >= first:
                expected[timeliness(dossier, finished)] += 1
            continue
        as_then = replace(dossier, status=DossierStatus.PROCESSING, finished_at=None)
        judged = timeliness(as_then, period_end - timedelta(microseconds=1))
        expected[Timeliness.WITHIN if judged is Timeliness.DUE_SOON else judged] += 1
    t = make_report(first, last).dossiers.totals
    found = {
        Timeliness.EARLY: t.early,
        Timeliness.ON_TIME: t.on_time,
        Timeliness.LATE: t.late,
        Timeliness.WITHIN: t.within,
        Timeliness.OVERDUE: t.overdue,
        Timeliness.PAUSED: t.paused,
    }
    assert found == {kind: expected[kind] for kind in found}
    assert sum(expected.values()) == t.finished + t.in_progress
