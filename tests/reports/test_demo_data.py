"""`motcua demo-data`: a consistent simulated history the reports can read."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from reports.build import build_report, report_engine
from reports.demo_data import generate, working_days
from tests.helpers.sites import demo_config

LAST = date(2026, 11, 20)


@pytest.fixture
def simulated(sessions: sessionmaker[Session]) -> dict[str, int]:
    config = demo_config()
    return generate(sessions.kw["bind"], config, working_days(config, LAST, 3), 6, seed=5)


def test_working_days_skip_weekends() -> None:
    days = working_days(demo_config(), date(2026, 11, 23), 3)
    assert days == [date(2026, 11, 19), date(2026, 11, 20), date(2026, 11, 23)]


def test_periods_are_in_order_and_tickets_mirror_the_last(
    sessions: sessionmaker[Session], simulated: dict[str, int]
) -> None:
    assert simulated["tickets"] > 300 and simulated["dossiers"] > 100
    with sessions() as session:
        disorder = session.scalar(
            text(
                "SELECT COUNT(*) FROM ticket_periods a JOIN ticket_periods b "
                "ON a.ticket_id = b.ticket_id AND b.position = a.position + 1 "
                "WHERE b.started_at < a.started_at OR a.ended_at <> b.started_at"
            )
        )
        first_not_waiting = session.scalar(
            text("SELECT COUNT(*) FROM ticket_periods WHERE position = 0 AND kind <> 'waiting'")
        )
        mismatched = session.scalar(
            text(
                "SELECT COUNT(*) FROM tickets t JOIN ticket_periods p ON p.ticket_id = t.id "
                "WHERE p.position = (SELECT MAX(position) FROM ticket_periods q "
                "WHERE q.ticket_id = t.id) AND p.kind <> t.state"
            )
        )
        finished_wrong = session.scalar(
            text("SELECT COUNT(*) FROM dossiers WHERE (finished_at IS NULL) = (status IN (9, 10))")
        )
        scores = session.execute(text("SELECT MIN(score), MAX(score) FROM ratings")).one()
    assert (disorder, first_not_waiting, mismatched, finished_wrong) == (0, 0, 0, 0)
    assert tuple(scores) == (1, 3)


def test_reports_read_the_simulated_days(
    database_url: str, sessions: sessionmaker[Session], simulated: dict[str, int]
) -> None:
    engine = report_engine(database_url)
    report = build_report(engine, demo_config(), date(2026, 11, 18), LAST, datetime.now(UTC))
    engine.dispose()
    q = report.queue.totals
    assert q.issued + q.voided == simulated["tickets"]
    assert q.served > 0.8 * q.issued
    assert report.dossiers.totals.received > 0
    d = report.dossiers.totals
    assert d.finished == d.early + d.on_time + d.late > 0
    assert d.in_progress == d.within + d.overdue + d.paused > 0
    assert report.satisfaction.totals.total == simulated["ratings"]


def test_a_second_run_over_the_same_days_needs_replace(
    sessions: sessionmaker[Session], simulated: dict[str, int]
) -> None:
    config = demo_config()
    days = working_days(config, LAST, 3)
    with pytest.raises(ValueError, match="--replace"):
        generate(sessions.kw["bind"], config, days, 6, seed=5)
    again = generate(sessions.kw["bind"], config, days, 6, seed=5, replace=True)
    with sessions() as session:
        tickets = session.scalar(select(func.count()).select_from(text("tickets")))
    assert tickets == again["tickets"]
