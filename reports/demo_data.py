"""`motcua demo-data`: fill a database with a realistic simulated history for the reports.

Rows go in through SQLAlchemy Core bulk inserts in batches; a year of a 40-counter centre
(about 300,000 tickets and 100,000 dossiers) takes a minute or two; the report facts of the
finished tickets are then worked out in one INSERT…SELECT. The schema is migrated first.
Existing rows of the same site and days are an error unless `--replace` is given.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from reports.demo_dossiers import DossierBatch, DossierSimulator, citizen_name
from reports.demo_queue import QueueSimulator, simulated_counters
from reports.local_time import fixed_offset_minutes
from shared.cli_text import FAILURE, USAGE, say
from shared.config.site import SiteConfig, load_config
from shared.storage.dossier_tables import (
    DossierPauseRow,
    DossierRow,
    DossierStepRow,
    OfficerRow,
    RatingRow,
)
from shared.storage.engine import open_database
from shared.storage.fact_tables import TicketFactRow
from shared.storage.facts import backfill
from shared.storage.tables import PeriodRow, TicketRow

DEFAULT_CONFIG = "config/demo-site.toml"
_BATCH = 20_000
_SERIAL_TABLES = (
    "tickets",
    "ticket_periods",
    "dossiers",
    "dossier_steps",
    "dossier_pauses",
    "ratings",
    "officers",
)


def register(subparsers: Any) -> None:
    """Add the `demo-data` subcommand."""
    parser = subparsers.add_parser(
        "demo-data", help="tạo dữ liệu mô phỏng (vé, hồ sơ, đánh giá) để xem báo cáo"
    )
    parser.add_argument("--days", type=int, required=True, help="số ngày làm việc mô phỏng")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="tệp cấu hình điểm phục vụ")
    parser.add_argument("--database", help="URL cơ sở dữ liệu (mặc định theo tệp cấu hình)")
    parser.add_argument("--counters", type=int, default=40, help="số quầy (mặc định 40)")
    parser.add_argument("--seed", type=int, default=1, help="hạt giống ngẫu nhiên")
    parser.add_argument("--until", help="ngày làm việc cuối, YYYY-MM-DD (mặc định hôm qua)")
    parser.add_argument(
        "--replace", action="store_true", help="xóa dữ liệu cũ của điểm phục vụ trước khi tạo"
    )
    parser.set_defaults(handler=run)


def working_days(config: SiteConfig, last: date, count: int) -> list[date]:
    """Return the `count` working days up to and including `last`, oldest first."""
    calendar = config.calendar.to_calendar()
    days: list[date] = []
    day = last
    while len(days) < count:
        if calendar.is_working_day(day):
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for start in range(0, len(rows), _BATCH):
        yield rows[start : start + _BATCH]


def _insert(connection: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    for chunk in _chunks(rows):
        connection.execute(table.__table__.insert(), list(chunk))


def _next_id(connection: Connection, table: Any) -> int:
    return int(connection.scalar(select(func.max(table.__table__.c.id))) or 0) + 1


def _clear(connection: Connection, site_id: str) -> None:
    for table in (TicketFactRow, RatingRow, TicketRow, DossierRow, OfficerRow):
        connection.execute(delete(table).where(table.site_id == site_id))


def _officers(connection: Connection, config: SiteConfig, count: int, now: datetime) -> None:
    existing = set(
        connection.scalars(
            select(OfficerRow.__table__.c.officer_id).where(
                OfficerRow.__table__.c.site_id == config.site.id
            )
        )
    )
    rng = random.Random(7)
    rows = [
        {
            "site_id": config.site.id,
            "officer_id": f"cb{i:02d}",
            "name": citizen_name(rng),
            "title": "Chuyên viên",
            "role": "officer",
            "counters": "[]",
            "password_hash": "!",  # no password: demo officers cannot log in
            "updated_at": now,
        }
        for i in range(1, count + 4)
        if f"cb{i:02d}" not in existing
    ]
    _insert(connection, OfficerRow, rows)


def _reset_sequences(connection: Connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in _SERIAL_TABLES:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            )
        )


def generate(
    engine: Engine,
    config: SiteConfig,
    days: list[date],
    counters: int,
    seed: int,
    replace: bool = False,
    report: Any = None,
) -> dict[str, int]:
    """Simulate the given working days into the database; returns the row counts written."""
    rng = random.Random(seed)
    offset = fixed_offset_minutes(config.site.timezone, days[0])
    now = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), UTC) - timedelta(
        minutes=offset
    )
    sim_counters = simulated_counters(config, counters)
    queue = QueueSimulator(config, sim_counters, rng, offset)
    calendar = config.calendar.to_calendar()
    dossiers = DossierSimulator(config, calendar, rng, offset, now)
    totals = {"tickets": 0, "periods": 0, "ratings": 0, "dossiers": 0, "steps": 0}
    with engine.begin() as connection:
        if replace:
            _clear(connection, config.site.id)
        tickets = TicketRow.__table__.c
        clash = connection.scalar(
            select(func.count()).where(
                tickets.site_id == config.site.id,
                tickets.service_day >= days[0],
                tickets.service_day <= days[-1],
            )
        )
        if clash:
            raise ValueError(
                f"Đã có {clash} vé của {config.site.id} trong các ngày này; dùng --replace."
            )
        _officers(connection, config, counters, now)
        queue.next_ticket_id = _next_id(connection, TicketRow)
        dossiers.next_id = _next_id(connection, DossierRow)
        for index, day in enumerate(days):
            scale = rng.uniform(0.85, 1.15) * (1.2 if day.weekday() == 0 else 1.0)
            simulated = queue.day(day, scale)
            batch = DossierBatch()
            dossiers.day(day, int(10 * counters * scale), batch)
            _insert(connection, TicketRow, simulated.tickets)
            _insert(connection, PeriodRow, simulated.periods)
            _insert(connection, RatingRow, simulated.ratings)
            _insert(connection, DossierRow, batch.dossiers)
            _insert(connection, DossierStepRow, batch.steps)
            _insert(connection, DossierPauseRow, batch.pauses)
            totals["tickets"] += len(simulated.tickets)
            totals["periods"] += len(simulated.periods)
            totals["ratings"] += len(simulated.ratings)
            totals["dossiers"] += len(batch.dossiers)
            totals["steps"] += len(batch.steps)
            if report is not None and (index + 1) % 20 == 0:
                report(f"  {index + 1}/{len(days)} ngày, {totals['tickets']:,} vé")
        tickets_filled = [tickets.site_id == config.site.id, tickets.service_day >= days[0]]
        backfill(connection, *tickets_filled, tickets.service_day <= days[-1])
        _reset_sequences(connection)
    return totals


def _last_day(text: str | None) -> date:
    """The --until day, yesterday by default; ValueError with a message when malformed."""
    if not text:
        return date.today() - timedelta(days=1)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(
            say(
                f"--until cần dạng YYYY-MM-DD, nhận được {text!r}.",
                f"--until must be YYYY-MM-DD, got {text!r}.",
            )
        ) from None


def _error(message: str) -> None:
    print(say(f"Lỗi: {message}", f"Error: {message}"), file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Generate the history and print what was written; 2 on bad arguments, 1 on a failure."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    if args.days < 1 or args.counters < 1:
        _error(say("--days và --counters phải từ 1 trở lên.", "--days and --counters must be ≥ 1."))
        return USAGE
    try:
        last = _last_day(args.until)
    except ValueError as exc:
        _error(str(exc))
        return USAGE
    days = working_days(config, last, args.days)
    url = args.database or config.database_url()
    try:
        sessions = open_database(url)
    except ArgumentError as exc:
        _error(say(f"--database không phải URL hợp lệ: {exc}", f"--database is no URL: {exc}"))
        return USAGE
    except SQLAlchemyError as exc:
        _error(say(f"không mở được cơ sở dữ liệu: {exc}", f"cannot open the database: {exc}"))
        return FAILURE
    engine = sessions.kw["bind"]
    started = time.perf_counter()
    print(f"Mô phỏng {len(days)} ngày làm việc ({days[0]} → {days[-1]}), {args.counters} quầy…")
    try:
        totals = generate(
            engine, config, days, args.counters, args.seed, args.replace, report=print
        )
    except (ValueError, SQLAlchemyError) as exc:
        # ValueError: that site already has data on these days and --replace was not given.
        _error(str(exc))
        return FAILURE
    finally:
        engine.dispose()
    elapsed = time.perf_counter() - started
    print(
        f"Đã ghi {totals['tickets']:,} vé ({totals['periods']:,} giai đoạn), "
        f"{totals['ratings']:,} đánh giá, {totals['dossiers']:,} hồ sơ "
        f"({totals['steps']:,} bước) trong {elapsed:.1f} s."
    )
    return 0
