"""Guessing PINs: counted failures, growing lockouts, equal work per id, checks off the writer."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from server.daemon import QueueServer
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.replies import Reply
from shared.messaging.topics import Topics
from shared.storage.dossier_tables import OfficerRow
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.conftest import MONDAY_MORNING
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall

PIN = "739154"
OTHER_PIN = "582046"
WRONG = "402817"


def seed(sessions: sessionmaker[Session], site_id: str) -> None:
    with sessions.begin() as session:
        officers = OfficerRepository(session, site_id)
        officers.upsert("cb04", "Trần Thị Bình", ("q04",), hash_password(PIN), MONDAY_MORNING)
        officers.upsert("cb05", "Lê Văn Cường", ("q05",), hash_password(OTHER_PIN), MONDAY_MORNING)
        officers.upsert("cb09", "Đỗ Đã Nghỉ", ("q04",), hash_password(PIN), MONDAY_MORNING)
        officers.deactivate("cb09", MONDAY_MORNING)


@pytest.fixture
def hall(demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock) -> Iterator[Hall]:
    seed(sessions, demo_site.id)
    yield Hall(demo_site, sessions, clock)


def login(hall: Hall, counter: str, officer: str, password: str) -> Reply:
    return hall.do(counter, dc.OfficerLogin, officer_id=officer, password=password)


def code(reply: Reply) -> str:
    return "ok" if reply.error is None else reply.error.code.value


def test_a_wrong_pin_is_counted_and_the_count_is_kept(
    hall: Hall, sessions: sessionmaker[Session]
) -> None:
    """The audit: the refusal rolled back the savepoint that counted it, so it stayed 0."""
    assert code(login(hall, "q04", "cb04", WRONG)) == "forbidden"
    assert code(login(hall, "q04", "cb04", WRONG)) == "forbidden"
    with sessions() as session:
        row = session.scalars(select(OfficerRow).where(OfficerRow.officer_id == "cb04")).one()
    assert row.failed_logins == 2
    assert login(hall, "q04", "cb04", PIN).ok
    with sessions() as session:
        row = session.scalars(select(OfficerRow).where(OfficerRow.officer_id == "cb04")).one()
    assert row.failed_logins == 0


def test_wrong_pins_lock_the_officer_out_longer_each_time(hall: Hall, clock: FakeClock) -> None:
    locks: list[int] = []
    for _ in range(60):
        reply = login(hall, "q04", "cb04", WRONG)
        assert reply.error is not None
        if reply.error.code.value != "locked_out":
            assert reply.error.code.value == "forbidden"
            continue
        seconds = reply.error.retry_after
        assert seconds is not None and seconds > 0 and f"{seconds} giây" in reply.error.message
        locks.append(seconds)
        assert code(login(hall, "q04", "cb04", PIN)) == "locked_out", "the right PIN waits too"
        clock.advance(seconds=seconds + 1)
        if len(locks) == 4:
            break
    assert len(locks) == 4, "never locked out"
    assert locks == sorted(locks) and locks[0] < locks[-1], locks
    assert login(hall, "q04", "cb04", PIN).ok, "the lock ends and the officer gets in"


def test_a_counter_guessing_many_ids_is_locked_out(hall: Hall) -> None:
    codes = [code(login(hall, "q05", f"x{n:02d}", WRONG)) for n in range(30)]
    assert "locked_out" in codes
    assert set(codes) == {"forbidden", "locked_out"}
    assert code(login(hall, "q05", "cb05", OTHER_PIN)) == "locked_out"
    assert login(hall, "q04", "cb04", PIN).ok, "another counter is not affected"


def test_the_supervisor_sees_locked_officers_and_counters(hall: Hall) -> None:
    for n in range(30):
        login(hall, "q05", f"x{n:02d}", WRONG)
    for _ in range(10):
        login(hall, "q04", "cb04", WRONG)
    state = hall.retained(hall.topics.logins())
    assert state["type"] == "login_locks"
    locked = {(lock["scope"], lock["subject"]) for lock in state["locks"] if lock["locked_until"]}
    assert {("device", "q05"), ("officer", "cb04")} <= locked
    assert all(lock["failures"] > 0 for lock in state["locks"])


def test_unknown_known_and_disabled_ids_cost_one_equal_password_check(
    hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit: unknown ids took ~425 ms, known ~221 ms, disabled ones answered at once."""
    calls: list[tuple[str, str]] = []
    real_verify, real_hash = PasswordHasher.verify, PasswordHasher.hash

    def verify(self: PasswordHasher, hash: str, password: str) -> Any:
        calls.append(("verify", str(hash).split("$")[3]))
        return real_verify(self, hash, password)

    def make_hash(self: PasswordHasher, password: str, **kwargs: Any) -> str:
        calls.append(("hash", ""))
        return real_hash(self, password, **kwargs)

    monkeypatch.setattr(PasswordHasher, "verify", verify)
    monkeypatch.setattr(PasswordHasher, "hash", make_hash)
    costs = []
    messages = set()
    for officer, password in (("nobody", WRONG), ("cb04", WRONG), ("cb09", WRONG), ("cb09", PIN)):
        calls.clear()
        reply = login(hall, "q04", officer, password)
        assert reply.error is not None and reply.error.code.value == "forbidden", officer
        messages.add(reply.error.message)
        assert [kind for kind, _ in calls] == ["verify"], (officer, calls)
        costs.append(calls[0][1])
    assert len(set(costs)) == 1, costs  # the same Argon2 parameters: the same time
    assert len(messages) == 1, "the refusal says nothing about which ids exist"


@pytest.mark.integration
def test_the_writer_issues_tickets_while_a_password_is_being_checked(
    running_server: QueueServer,
    bus_factory: Callable[..., PahoBus],
    topics: Topics,
    sessions: sessionmaker[Session],
    demo_site: Site,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The audit: 100 logins held an issue_ticket for 50 s (Argon2 ran in the single writer)."""
    seed(sessions, demo_site.id)
    started, release = threading.Event(), threading.Event()
    threads: list[str] = []
    real_verify = PasswordHasher.verify

    def slow_verify(self: PasswordHasher, hash: str, password: str) -> Any:
        threads.append(threading.current_thread().name)
        started.set()
        release.wait(10)
        return real_verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", slow_verify)
    counter = CommandClient(bus_factory("q04", "counter"), topics, "q04")
    kiosk = CommandClient(bus_factory("kiosk-1", "kiosk"), topics, "kiosk-1")
    answers: list[Reply] = []
    command = dc.OfficerLogin(request_id=new_request_id(), officer_id="cb04", password=PIN)
    sender = threading.Thread(target=lambda: answers.append(counter.send(command, 20, 1)))
    sender.start()
    try:
        assert started.wait(10), "the password check never started"
        ticket = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"), 5, 1)
        assert ticket.ok, ticket.error
    finally:
        release.set()
        sender.join(30)
    assert answers and answers[0].ok, answers
    assert threads and "queue-server" not in threads, threads
