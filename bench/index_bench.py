"""What the provincial index costs: bytes per message, messages per change, central throughput.

1. A branch (the real writer, SQLite, in-memory bus) receives a dossier and changes it the way
   a dossier lives (hand-over, supplement asked and received, done, returned) with the central
   index on the same bus: every message on `index/…` is counted and weighed.
2. The central index's store, on the database given (SQLite by default, PostgreSQL with
   --database): entries upserted per second in batches, the same entries again (a resend),
   lookups per second by token, and the bytes each dossier takes there (PostgreSQL only).

    .venv/bin/python bench/index_bench.py [--dossiers 5000] [--database URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, text  # noqa: E402
from sqlalchemy.orm import sessionmaker  # noqa: E402

from central import store  # noqa: E402
from central.answers import answer  # noqa: E402
from central.config import CentralConfig  # noqa: E402
from central.main import central_engine  # noqa: E402
from central.service import CentralIndex  # noqa: E402
from shared.domain.second_factor import LookupGuard, LookupPolicy  # noqa: E402
from shared.messaging import dossier_commands as dc  # noqa: E402
from shared.messaging.bus import Message  # noqa: E402
from shared.messaging.index import IndexEntry  # noqa: E402
from shared.messaging.memory import MemoryBroker, MemoryBus  # noqa: E402
from shared.storage.engine import migrate, open_database  # noqa: E402
from tests.helpers.clock import FakeClock  # noqa: E402
from tests.helpers.index_entries import entry, lookup  # noqa: E402
from tests.helpers.province import (  # noqa: E402
    MONDAY,
    Device,
    branch_database,
    start_branch,
    wait_until,
)


def life_of_a_dossier(folder: Path) -> None:
    """Count and weigh the index messages of one dossier's life at a branch."""
    broker = MemoryBroker()
    seen: dict[str, list[int]] = defaultdict(list)

    def weigh(message: Message) -> None:
        seen[message.topic.rsplit("/", 1)[-1]].append(len(message.payload))

    broker.subscribe("motcua/v1/+/index/+", weigh)
    clock = FakeClock(MONDAY)
    central_db = open_database(f"sqlite:///{folder / 'central.db'}")
    central = CentralIndex(central_db, MemoryBus(broker, "central"), ["motcua/v1/+"], clock=clock)
    central.start()
    server = start_branch(
        "hcc-a", branch_database(folder, "hcc-a"), MemoryBus(broker, "server"), clock
    )
    counter = Device(MemoryBus(broker, "q04"), "hcc-a", "q04")
    counter.ok(dc.OfficerLogin, officer_id="cb04", password="1234")
    code = counter.receive()["code"]
    changes = [
        (dc.HandOver, {"to_unit": "Phòng Cảnh sát QLHC", "receiver": "cv02"}),
        (dc.RequestSupplement, {"reason": "Hồ sơ cần bổ sung, hoàn thiện theo quy định"}),
        (dc.SupplementReceived, {}),
        (dc.MarkDone, {}),
        (dc.MarkReturned, {}),
    ]
    for kind, fields in changes:
        clock.advance(hours=4)
        counter.ok(kind, code=code, **fields)
    assert server.index is not None
    wait_until(lambda: server.index is not None and server.index.pending() == 0)
    server.stop()
    central.stop()
    changes_made = 1 + len(changes)
    print(f"one dossier, {changes_made} changes at the branch:")
    for kind in ("dossier", "ack"):
        sizes = seen[kind]
        print(
            f"  index/{kind}: {len(sizes)} messages, {statistics.mean(sizes):.0f} bytes on average "
            f"(smallest {min(sizes)}, largest {max(sizes)})"
        )
    per_change = (len(seen["dossier"]) + len(seen["ack"])) / changes_made
    print(f"  messages per dossier change: {per_change:.1f} (retained: none)")


def central_store(url: str, count: int, batch: int) -> None:
    """Upserts and lookups per second at the central store."""
    engine = central_engine_for(url)
    migrate(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    with sessions.begin() as session:
        session.execute(text("DELETE FROM central_dossiers"))
    entries: list[IndexEntry] = [
        entry(f"000.00.17.H97-261207-{i:06d}", 1, token=f"T{i:07d}"[:8].replace("0", "A"))
        for i in range(count)
    ]
    now = datetime.now(UTC)
    for label in ("first time", "again (a resend)"):
        started = time.perf_counter()
        for start in range(0, count, batch):
            with sessions.begin() as session:
                for item in entries[start : start + batch]:
                    store.upsert(session, item, now)
        elapsed = time.perf_counter() - started
        print(f"  upsert {label}: {count / elapsed:,.0f} entries/s (batches of {batch})")
    newer = [replace_version(e) for e in entries[: count // 2]]
    started = time.perf_counter()
    with sessions.begin() as session:
        for item in newer:
            store.upsert(session, item, now + timedelta(seconds=1))
    print(f"  upsert newer versions: {len(newer) / (time.perf_counter() - started):,.0f}/s")
    guard = LookupGuard(LookupPolicy(failures=10**9))
    asks = [lookup(token=f"T{i:07d}"[:8].replace("0", "A")) for i in range(0, count, 7)]
    started = time.perf_counter()
    with sessions() as session:
        found = sum(answer(session, q, "hcc-b", guard, now).dossier is not None for q in asks)
    elapsed = time.perf_counter() - started
    print(f"  lookups by token: {len(asks) / elapsed:,.0f}/s ({found} of {len(asks)} found)")
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            size = connection.execute(
                text("SELECT pg_total_relation_size('central_dossiers')")
            ).scalar_one()
        print(f"  central_dossiers on PostgreSQL: {size / count:,.0f} bytes per dossier")
    engine.dispose()


def replace_version(item: IndexEntry) -> IndexEntry:
    """The same entry one version later."""
    return replace_model(item, version=item.version + 1)


def replace_model(item: IndexEntry, **changes: object) -> IndexEntry:
    """A copy of a frozen message with some fields changed."""
    return item.model_copy(update=changes)


def central_engine_for(url: str) -> Engine:
    """The engine `motcua central` would open for this URL."""
    config = CentralConfig.model_validate({"broker": {"host": "x"}, "database": {"url": url}})
    return central_engine(config)


def main() -> int:
    """Run both parts and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--database", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        life_of_a_dossier(Path(folder))
        url = args.database or f"sqlite:///{Path(folder) / 'bench-central.db'}"
        print(f"central store on {url.split('://', 1)[0]}, {args.dossiers} dossiers:")
        central_store(url, args.dossiers, args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
