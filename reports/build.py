"""Build a report: open a read connection, run every query, return the figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select
from sqlalchemy.engine import make_url

from reports.dossier_queries import dossier_figures, dossiers_per_day
from reports.figures import DayCount, Report
from reports.local_time import LocalClock, ReportPeriod, fixed_offset_minutes
from reports.queue_queries import (
    drop_ticket_facts,
    fill_ticket_facts,
    queue_figures,
    tickets_per_day,
)
from reports.satisfaction_queries import satisfaction_figures
from reports.scope import Names, Scope
from shared.config.site import SiteConfig
from shared.storage.dossier_tables import OfficerRow
from shared.storage.engine import make_engine


def report_engine(url: str) -> Engine:
    """Return an engine for reading: SQLite without the server's write-locking transactions."""
    if make_url(url).get_backend_name() != "sqlite":
        return make_engine(url)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA threads=2")  # a helper thread for the percentiles' large sorts
        cursor.close()

    return engine


def make_scope(
    connection: Connection,
    config: SiteConfig,
    first_day: date,
    last_day: date,
    site_id: str | None = None,
    department: str | None = None,
) -> Scope:
    """Build the scope of a report on this connection's database dialect."""
    offset = fixed_offset_minutes(config.site.timezone, first_day)
    services = tuple(s.code for s in config.services if s.department == department)
    return Scope(
        site_id=site_id or config.site.id,
        period=ReportPeriod(first_day, last_day, offset),
        clock=LocalClock(connection.dialect.name, offset),
        department=department,
        department_services=services,
    )


def officer_names(connection: Connection, site_id: str) -> dict[str, str]:
    """Return the officers' names by id."""
    o = OfficerRow.__table__.c
    rows = connection.execute(select(o.officer_id, o.name).where(o.site_id == site_id)).all()
    return {officer_id: name for officer_id, name in rows}


def build_report(
    engine: Engine,
    config: SiteConfig,
    first_day: date,
    last_day: date,
    generated_at: datetime,
    site_id: str | None = None,
    department: str | None = None,
) -> Report:
    """Compute a whole report in one read transaction (a consistent snapshot on PostgreSQL)."""
    options: dict[str, Any] = {}
    if engine.dialect.name == "postgresql":
        options["isolation_level"] = "REPEATABLE READ"
    with engine.connect().execution_options(**options) as connection:
        scope = make_scope(connection, config, first_day, last_day, site_id, department)
        base = Names.from_config(config)
        names = Names(**{**base.__dict__, "officers": officer_names(connection, scope.site_id)})
        fill_ticket_facts(connection, scope)
        try:
            queue = queue_figures(connection, names)
            per_day = tickets_per_day(connection)
        finally:
            drop_ticket_facts(connection)
        dossiers = dossier_figures(connection, scope, names)
        dossier_days = dossiers_per_day(connection, scope)
        satisfaction = satisfaction_figures(connection, scope, names)
        connection.commit()  # only the temporary table was written, and it is dropped
    days = []
    day = first_day
    while day <= last_day:
        issued, served = per_day.get(day, (0, 0))
        days.append(DayCount(day, issued, served, dossier_days.get(day, 0)))
        day += timedelta(days=1)
    return Report(
        site_id=scope.site_id,
        site_name=config.site.name,
        department=department,
        department_name=names.department(department) if department else None,
        first_day=first_day,
        last_day=last_day,
        timezone=config.site.timezone,
        generated_at=generated_at,
        queue=queue,
        dossiers=dossiers,
        satisfaction=satisfaction,
        days=tuple(days),
    )
