"""Reports give the same figures whether a finished ticket's facts are stored or worked out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from reports.figures import Report
from shared.storage.fact_tables import TicketFactRow


def test_report_without_fact_rows_equals_report_with_them(
    make_report: Callable[..., Report], sessions: sessionmaker[Session]
) -> None:
    """Tickets with no fact row (written without the server, or voided) are worked out."""
    first, last = date(2026, 11, 1), date(2026, 11, 30)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TicketFactRow))
    stored = make_report(first, last), make_report(first, last, department="tu-phap")
    with sessions.begin() as session:
        session.execute(delete(TicketFactRow))
    worked_out = make_report(first, last), make_report(first, last, department="tu-phap")
    assert worked_out == stored
