"""Queue server start-up and memory with a year of history in the database.

Fills a database (SQLite in a temp folder, or --database URL) with a year of service days
(--days, --tickets a day: tickets, their periods, report facts and the command log), with
today half done, then starts the writer as `motcua server` does, without the broker: open and
migrate the database, roll over, read today's queue into memory, build and publish every
retained state. Prints the time of each step and the process's resident memory.

    .venv/bin/python bench/startup_bench.py [--days 250] [--tickets 1200]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from queue_bench import site_file  # noqa: E402
from server_cpu_bench import KeepingBus  # noqa: E402

from server.daemon import QueueServer  # noqa: E402
from server.day_store import FACTS, LOG, PERIODS, SEQUENCES, TICKETS  # noqa: E402
from shared.config.site import load_site_config  # noqa: E402
from shared.domain.site import Site  # noqa: E402
from shared.storage.engine import close_database, make_engine, migrate, open_database  # noqa: E402
from shared.storage.tables import SiteStateRow  # noqa: E402

TODAY = date(2026, 12, 7)
NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)  # 11:00 in Vietnam


def resident_mb() -> float:
    """This process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def service_days(count: int) -> list[date]:
    """The last `count` working days before today (Monday to Friday), oldest first."""
    days, day = [], TODAY
    while len(days) < count:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return sorted(days)


def fill(url: str, site: Site, days: int, per_day: int) -> int:
    """Write the history; return how many tickets it holds."""
    engine = make_engine(url)
    migrate(engine)
    chance = random.Random(7)
    services = [(s.code, s.prefix) for s in site.services]
    counters = [c.id for c in site.counters]
    ticket_id = 0
    for day in [*service_days(days), TODAY]:
        tickets: list[dict[str, Any]] = []
        periods: list[dict[str, Any]] = []
        facts: list[dict[str, Any]] = []
        log: list[dict[str, Any]] = []
        sequences: dict[str, int] = {}
        opening = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)
        today = day == TODAY
        for i in range(per_day // 2 if today else per_day):
            ticket_id += 1
            code, prefix = services[i % len(services)]
            sequences[prefix] = sequences.get(prefix, 0) + 1
            issued = opening + timedelta(seconds=i * 20)
            called = issued + timedelta(seconds=chance.randint(60, 1800))
            done = called + timedelta(seconds=chance.randint(120, 900))
            counter = chance.choice(counters)
            waiting = today and i > per_day // 2 - 40
            state = "waiting" if waiting else "done"
            number = f"{prefix}{sequences[prefix]:03d}"
            tickets.append(
                {
                    "id": ticket_id,
                    "site_id": site.id,
                    "service_day": day,
                    "number": number,
                    "prefix": prefix,
                    "sequence": sequences[prefix],
                    "original_service": code,
                    "service_code": code,
                    "priority": None,
                    "state": state,
                    "counter_id": None,
                    "target_counter": None,
                    "front": False,
                    "recall_count": 0,
                    "issued_at": issued,
                    "issued_by": "kiosk-1",
                    "version": 1 if waiting else 3,
                }
            )
            kinds = [("waiting", issued, None if waiting else called)]
            if not waiting:
                kinds += [("called", called, done), ("done", done, None)]
            for position, (kind, started, ended) in enumerate(kinds):
                periods.append(
                    {
                        "ticket_id": ticket_id,
                        "position": position,
                        "kind": kind,
                        "started_at": started,
                        "ended_at": ended,
                        "service_code": code,
                        "counter_id": None if kind == "waiting" else counter,
                        "officer_id": None if kind == "waiting" else "cb01",
                        "note": "",
                    }
                )
            if not waiting:
                facts.append(fact(site.id, day, code, issued, called, done, counter, ticket_id))
            for verb, device, at in (
                ("issue_ticket", "kiosk-1", issued),
                ("call_next", counter, called),
            ):
                log.append(
                    {
                        "site_id": site.id,
                        "device_id": device,
                        "verb": verb,
                        "request_id": f"{ticket_id}-{verb}",
                        "officer_id": None,
                        "received_at": at,
                        "payload": json.dumps({"v": 1, "type": verb}),
                        "ok": True,
                        "error_code": None,
                        "reply": json.dumps({"type": "reply", "ok": True, "number": number}),
                    }
                )
        with engine.begin() as connection:
            connection.execute(TICKETS.insert(), tickets)
            connection.execute(PERIODS.insert(), periods)
            if facts:
                connection.execute(FACTS.insert(), facts)
            connection.execute(LOG.insert(), log)
            connection.execute(
                SEQUENCES.insert(),
                [
                    {"site_id": site.id, "service_day": day, "prefix": p, "value": v}
                    for p, v in sequences.items()
                ],
            )
    with engine.begin() as connection:
        connection.execute(
            SiteStateRow.__table__.insert(), [{"site_id": site.id, "service_day": TODAY}]
        )
    engine.dispose()
    return ticket_id


def fact(
    site_id: str,
    day: date,
    code: str,
    issued: datetime,
    called: datetime,
    done: datetime,
    counter: str,
    ticket_id: int,
) -> dict[str, Any]:
    """The report fact of a served ticket."""
    return {
        "ticket_id": ticket_id,
        "site_id": site_id,
        "service_day": day,
        "original_service": code,
        "priority": None,
        "outcome": "done",
        "transfers": 0,
        "issued_at": issued,
        "wait_seconds": (called - issued).total_seconds(),
        "wait_counter": counter,
        "wait_officer": "cb01",
        "service_started_at": called,
        "service_seconds": (done - called).total_seconds(),
        "service_code": code,
        "service_counter": counter,
        "service_officer": "cb01",
    }


def main() -> int:
    """Fill the history, then time the start-up and print the memory."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--tickets", type=int, default=1200)
    parser.add_argument("--database", help="a database URL (default: SQLite in a temp folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        config = load_site_config(site_file(Path(folder), 40, 1883, "unused"))
        site = config.to_domain()
        url = args.database or f"sqlite:///{Path(folder) / 'year.db'}"
        started = time.perf_counter()
        total = fill(url, site, args.days, args.tickets)
        print(
            f"history: {total:,} tickets over {args.days} days + today, written in "
            f"{time.perf_counter() - started:.0f} s"
        )
        before = resident_mb()
        steps: list[tuple[str, float]] = []
        clock = time.perf_counter()

        def step(name: str) -> None:
            nonlocal clock
            now = time.perf_counter()
            steps.append((name, now - clock))
            clock = now

        sessions = open_database(url)
        step("open and migrate the database")
        server = QueueServer(site, sessions, KeepingBus(), lambda: NOW)
        server.rollover()
        server.late_check()
        step("roll over, late-dossier check")
        day = server.day()
        step(f"read today into memory ({len(day.tickets)} tickets)")
        server.publish_all()
        step("build and publish every retained state")
        after = resident_mb()
        for name, seconds in steps:
            print(f"  {name:<48} {seconds * 1000:8.0f} ms")
        print(f"  {'start-up in all':<48} {sum(s for _, s in steps) * 1000:8.0f} ms")
        print(f"resident memory: {after:.0f} MB ({after - before:+.0f} MB for the server's start)")
        close_database(sessions)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
