"""Queue figures against the hand-computed fixture, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from reports.figures import Dimension, HeatCell, Report, TicketCounts, TimeStats
from tests.reports.fixture import MONDAY

TUESDAY = date(2026, 11, 24)


def stats(report: Report, kind: str, dimension: Dimension) -> dict[str, TimeStats]:
    rows = (report.queue.waiting_by if kind == "wait" else report.queue.service_by)[dimension]
    return {row.key: row.stats for row in rows}


def test_ticket_counts_of_one_day(make_report: Callable[..., Report]) -> None:
    """Issued excludes the voided ticket; transferred, priority and open are counted once."""
    report = make_report(MONDAY, MONDAY)
    assert report.queue.totals == TicketCounts(
        issued=6, served=4, no_show=1, transferred=1, priority=1, voided=1, open=1
    )
    by_service = {row.key: row.counts for row in report.queue.by_service}
    assert by_service["ho-tich"] == TicketCounts(issued=3, served=2, no_show=1, priority=1)
    assert by_service["chung-thuc"] == TicketCounts(issued=1, served=1, transferred=1, voided=1)
    assert by_service["can-cuoc"] == TicketCounts(issued=1, open=1)


def test_waiting_and_service_times_overall(make_report: Callable[..., Report]) -> None:
    """Waits 120, 600, 1200, 1200, 1800; services 300, 360, 600, 1800 (linear percentiles)."""
    report = make_report(MONDAY, MONDAY)
    assert report.queue.waiting == TimeStats(5, pytest.approx(984.0), 1200.0, pytest.approx(1560.0))
    assert report.queue.service == TimeStats(
        4, pytest.approx(765.0), pytest.approx(480.0), pytest.approx(1440.0)
    )


def test_waiting_times_by_service_counter_officer_hour_priority(
    make_report: Callable[..., Report],
) -> None:
    report = make_report(MONDAY, MONDAY)
    by_service = stats(report, "wait", Dimension.SERVICE)
    assert by_service["ho-tich"] == TimeStats(3, pytest.approx(640.0), 600.0, pytest.approx(1080.0))
    assert by_service["chung-thuc"] == TimeStats(1, 1200.0, 1200.0, 1200.0)
    assert "can-cuoc" not in by_service  # never called: no waiting time yet
    by_counter = stats(report, "wait", Dimension.COUNTER)
    assert by_counter["q01"] == TimeStats(2, 900.0, 900.0, pytest.approx(1140.0))
    assert by_counter["q02"] == TimeStats(2, 660.0, 660.0, pytest.approx(1092.0))
    assert stats(report, "wait", Dimension.OFFICER)["cb03"] == TimeStats(1, 1800.0, 1800.0, 1800.0)
    by_hour = stats(report, "wait", Dimension.HOUR)
    assert set(by_hour) == {"8", "9", "14"}
    assert by_hour["8"] == by_service["ho-tich"]
    by_priority = stats(report, "wait", Dimension.PRIORITY)
    assert by_priority["elderly"] == TimeStats(1, 120.0, 120.0, 120.0)
    assert by_priority[""] == TimeStats(4, 1200.0, 1200.0, pytest.approx(1620.0))


def test_service_time_counts_from_the_call_at_the_finishing_counter(
    make_report: Callable[..., Report],
) -> None:
    """The transferred ticket is served 300 s at q07 for fees; holds count as service."""
    report = make_report(MONDAY, MONDAY)
    by_counter = stats(report, "serve", Dimension.COUNTER)
    assert by_counter == {
        "q01": TimeStats(1, 600.0, 600.0, 600.0),
        "q02": TimeStats(1, 360.0, 360.0, 360.0),
        "q03": TimeStats(1, 1800.0, 1800.0, 1800.0),
        "q07": TimeStats(1, 300.0, 300.0, 300.0),
    }
    by_service = stats(report, "serve", Dimension.SERVICE)
    assert by_service["ho-tich"] == TimeStats(2, 480.0, 480.0, pytest.approx(576.0))
    assert by_service["thu-phi"] == TimeStats(1, 300.0, 300.0, 300.0)
    assert set(stats(report, "serve", Dimension.OFFICER)) == {"cb01", "cb02", "cb03", "cb07"}
    assert stats(report, "serve", Dimension.HOUR)["8"].median == pytest.approx(480.0)


def test_officer_names_come_from_the_officers_table(make_report: Callable[..., Report]) -> None:
    report = make_report(MONDAY, MONDAY)
    labels = {row.key: row.label for row in report.queue.service_by[Dimension.OFFICER]}
    assert labels["cb01"] == "Nguyễn Văn An (cb01)"
    assert labels["cb02"] == "cb02"


def test_heat_map_buckets_by_local_weekday_and_hour(make_report: Callable[..., Report]) -> None:
    """Tuesday's 06:50 ticket was issued on Monday 23:50 UTC: it is Tuesday 6 h locally."""
    report = make_report(MONDAY, TUESDAY)
    cells = {(c.weekday, c.hour): c for c in report.queue.heat}
    assert cells[(0, 7)] == HeatCell(0, 7, 1, None)
    assert cells[(0, 8)].tickets == 3
    assert cells[(0, 8)].mean_wait == pytest.approx(640.0)
    assert cells[(0, 9)] == HeatCell(0, 9, 1, 1200.0)  # the voided ticket is left out
    assert cells[(1, 6)] == HeatCell(1, 6, 1, 600.0)
    assert set(cells) == {(0, 7), (0, 8), (0, 9), (0, 14), (1, 6)}


def test_days_and_caps(make_report: Callable[..., Report]) -> None:
    """ho-tich has a cap of 3 in this test: reached on Monday (3 numbers), not on Tuesday."""
    report = make_report(MONDAY, TUESDAY)
    assert [(d.day, d.tickets_issued, d.tickets_served) for d in report.days] == [
        (MONDAY, 6, 4),
        (TUESDAY, 1, 1),
    ]
    assert [(c.day, c.service, c.cap, c.issued) for c in report.queue.caps] == [
        (MONDAY, "ho-tich", 3, 3)
    ]


def test_one_department_keeps_only_its_services(make_report: Callable[..., Report]) -> None:
    report = make_report(MONDAY, MONDAY, department="cong-an")
    assert report.queue.totals == TicketCounts(issued=1, open=1)
    assert report.queue.waiting == TimeStats()
    assert report.department_name == "Công an tỉnh"


def test_an_empty_period_has_zeros_and_no_times(make_report: Callable[..., Report]) -> None:
    report = make_report(date(2026, 1, 5), date(2026, 1, 11))
    assert report.queue.totals == TicketCounts()
    assert report.queue.waiting == TimeStats()
    assert report.queue.service == TimeStats()
    assert all(rows == () for rows in report.queue.waiting_by.values())
    assert report.queue.heat == ()
    assert len(report.days) == 7
    assert report.satisfaction.totals.total == 0
    assert report.dossiers.totals.finished == 0
    assert report.dossiers.totals.progress_percent is None


def test_reports_run_again_on_the_same_pooled_connection(
    make_report: Callable[..., Report],
) -> None:
    """The temporary per-ticket table is gone after each report."""
    first = make_report(MONDAY, MONDAY)
    assert make_report(MONDAY, MONDAY).queue == first.queue
