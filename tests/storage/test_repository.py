"""Storage on SQLite and PostgreSQL: migrations, numbering under concurrency, ticket history."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from shared.domain import tickets as t
from shared.storage.engine import make_engine, migrate
from shared.storage.repository import ConcurrentUpdate, QueueRepository

DAY = date(2026, 11, 23)
T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_migrating_twice_changes_nothing(
    database_url: str, sessions: sessionmaker[Session]
) -> None:
    migrate(make_engine(database_url))
    with sessions.begin() as session:
        assert QueueRepository(session, "s").next_sequence(DAY, "A") == 1


def test_sequences_count_per_day_and_prefix(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        repo = QueueRepository(session, "s")
        assert [repo.next_sequence(DAY, "A") for _ in range(3)] == [1, 2, 3]
        assert repo.next_sequence(DAY, "B") == 1
        assert repo.next_sequence(DAY + timedelta(days=1), "A") == 1
        assert QueueRepository(session, "other-site").next_sequence(DAY, "A") == 1


def test_numbering_stays_unique_across_separate_engines(
    database_url: str, sessions: object
) -> None:
    """Several server processes pointed at one database by mistake never share a number."""
    engines = [make_engine(database_url) for _ in range(4)]
    taken: list[int] = []
    lock = threading.Lock()

    def worker(engine_index: int) -> None:
        factory = sessionmaker(engines[engine_index])
        for _ in range(25):
            with factory.begin() as session:
                value = QueueRepository(session, "s").next_sequence(DAY, "A")
            with lock:
                taken.append(value)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(engines))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for engine in engines:
        engine.dispose()
    assert sorted(taken) == list(range(1, 101))


def test_ticket_history_round_trips_with_aware_times(sessions: sessionmaker[Session]) -> None:
    ticket, _ = t.issue("A001", "ho-tich", DAY, T0, "elderly", "kiosk-1")
    with sessions.begin() as session:
        repo = QueueRepository(session, "s")
        stored = repo.add_ticket(ticket, "A", 1)
        called, _ = t.call(stored, "q01", "cb01", T0 + timedelta(minutes=5))
        repo.save(stored, called)
        moved, _ = t.transfer(called, "q01", T0 + timedelta(minutes=9), "chung-thuc", front=True)
        repo.save(called, moved)
    with sessions() as session:
        repo = QueueRepository(session, "s")
        loaded = repo.find_ticket(DAY, "A001")
        assert loaded is not None
        assert loaded.periods == moved.periods
        assert loaded.issued_at == T0 and loaded.issued_at.tzinfo is not None
        assert (loaded.front, loaded.priority, loaded.service_code) == (
            True,
            "elderly",
            "chung-thuc",
        )
        waiting = repo.waiting_entries(DAY, ["chung-thuc"])
        assert [e.number for e in waiting] == ["A001"] and waiting[0].front


def test_a_stale_write_is_detected(sessions: sessionmaker[Session]) -> None:
    ticket, _ = t.issue("A001", "ho-tich", DAY, T0)
    with sessions.begin() as session:
        stored = QueueRepository(session, "s").add_ticket(ticket, "A", 1)
    first, _ = t.call(stored, "q01", None, T0 + timedelta(minutes=1))
    second, _ = t.call(stored, "q02", None, T0 + timedelta(minutes=1))
    with sessions.begin() as session:
        QueueRepository(session, "s").save(stored, first)
    with pytest.raises(ConcurrentUpdate), sessions.begin() as session:
        QueueRepository(session, "s").save(stored, second)
    with sessions() as session:
        loaded = QueueRepository(session, "s").find_ticket(DAY, "A001")
        assert loaded is not None and loaded.counter_id == "q01"
