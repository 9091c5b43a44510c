"""Report time for 1 day, 1 month and 1 year of a simulated 40-counter centre.

Fills each database once with `motcua demo-data`'s simulator (250 working days ≈ 300,000
tickets and 100,000 dossiers, and their `ticket_facts` rows), then times `build_report` (every
SQL query; no files written) and the whole report with XLSX, charts and HTML. Target: ≤ 5 s for
a year. With --reuse, a database filled before migration 0003 gets its facts backfilled when it
is opened (migrated) here.

    .venv/bin/python bench/report_bench.py [--days 250] [--sqlite URL] [--postgres URL]
        [--no-postgres] [--reuse]

Defaults: SQLite in a temporary directory, PostgreSQL database `motcua_bench` on
127.0.0.1:5432 (created if missing; the test suite's `test` database is never touched).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from reports.build import build_report, report_engine
from reports.charts import all_charts
from reports.demo_data import generate, working_days
from reports.html import write_html
from reports.xlsx import write_xlsx
from shared.config.site import load_site_config
from shared.storage.engine import open_database
from shared.storage.tables import TicketRow

CONFIG = Path(__file__).resolve().parents[1] / "config" / "demo-site.toml"
LAST_DAY = date(2026, 11, 20)
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/motcua_bench"


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if it does not exist."""
    parsed = make_url(url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)
        ).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{parsed.database}"')


def fill(url: str, days: int, reuse: bool) -> None:
    """Migrate the database and fill it with simulated days, unless --reuse finds tickets."""
    config = load_site_config(CONFIG)
    sessions = open_database(url)
    engine = sessions.kw["bind"]
    with engine.connect() as connection:
        tickets = connection.scalar(select(func.count()).select_from(TicketRow.__table__))
    if tickets and reuse:
        print(f"  reusing {tickets:,} tickets")
        engine.dispose()
        return
    started = time.perf_counter()
    totals = generate(
        engine, config, working_days(config, LAST_DAY, days), 40, seed=1, replace=True
    )
    engine.dispose()
    print(
        f"  filled {totals['tickets']:,} tickets, {totals['periods']:,} periods, "
        f"{totals['dossiers']:,} dossiers, {totals['ratings']:,} ratings "
        f"in {time.perf_counter() - started:.0f} s"
    )


def time_reports(url: str, label: str, out: Path) -> list[tuple[str, str, float, float]]:
    """Time a day, a month and a year of reports, warm; print and return the figures."""
    config = load_site_config(CONFIG)
    engine = report_engine(url)
    rows = []
    periods = {
        "1 day": (LAST_DAY, LAST_DAY),
        "1 month": (LAST_DAY - timedelta(days=30), LAST_DAY),
        "1 year": (LAST_DAY - timedelta(days=364), LAST_DAY),
    }
    for name, (first, last) in periods.items():
        build_report(engine, config, first, last, datetime.now(UTC))  # warm the cache
        started = time.perf_counter()
        report = build_report(engine, config, first, last, datetime.now(UTC))
        queried = time.perf_counter() - started
        write_xlsx(report, out / f"{label}-{name}.xlsx")
        write_html(report, all_charts(report), out / f"{label}-{name}.html")
        total = time.perf_counter() - started
        rows.append((label, name, queried, total))
        print(f"  {name}: queries {queried:.2f} s, with XLSX + charts + HTML {total:.2f} s")
    engine.dispose()
    return rows


def main() -> None:
    """Fill the databases, time the reports and print a table of the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=250, help="working days simulated")
    parser.add_argument("--sqlite", help="SQLite URL (default: a temporary file)")
    parser.add_argument("--postgres", default=POSTGRES, help="PostgreSQL URL")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="keep data already there")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch)
        targets = [("SQLite", args.sqlite or f"sqlite:///{out / 'bench.db'}")]
        if not args.no_postgres:
            ensure_postgres_database(args.postgres)
            targets.append(("PostgreSQL", args.postgres))
        results = []
        for label, url in targets:
            print(f"{label}:")
            fill(url, args.days, args.reuse)
            results += time_reports(url, label, out)
    print("\n| database | period | queries (s) | + XLSX, charts, HTML (s) |")
    print("|---|---|---|---|")
    for label, name, queried, total in results:
        print(f"| {label} | {name} | {queried:.2f} | {total:.2f} |")


if __name__ == "__main__":
    main()
