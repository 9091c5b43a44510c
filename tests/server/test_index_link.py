"""Branches on their own databases find each other's dossiers through the central index.

On the in-memory bus with real writer threads; tests/integration/test_province.py does the same
through real Mosquitto bridges and `motcua central` on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from central.service import CentralIndex
from server.daemon import QueueServer
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.index import IndexEntry
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.storage.engine import open_database
from shared.storage.index_tables import CentralDossierRow, DossierOutboxRow
from tests.helpers.clock import FakeClock
from tests.helpers.province import (
    CITIZEN,
    DIGITS,
    MONDAY,
    Device,
    branch_database,
    error_code,
    start_branch,
    wait_until,
)


@dataclass
class Province:
    """Two branches and the central index on one in-memory broker."""

    folder: Path
    clock: FakeClock
    broker: MemoryBroker = field(default_factory=MemoryBroker)
    servers: dict[str, QueueServer] = field(default_factory=dict)
    databases: dict[str, sessionmaker[Session]] = field(default_factory=dict)
    central: CentralIndex | None = None
    central_sessions: sessionmaker[Session] | None = None

    def start_branch(self, site_id: str, bus: MemoryBus | None = None) -> QueueServer:
        if site_id not in self.databases:
            self.databases[site_id] = branch_database(self.folder, site_id)
        bus = bus or MemoryBus(self.broker, f"server-{site_id}")
        server = start_branch(site_id, self.databases[site_id], bus, self.clock)
        self.servers[site_id] = server
        return server

    def start_central(self) -> CentralIndex:
        if self.central_sessions is None:
            self.central_sessions = open_database(f"sqlite:///{self.folder / 'central.db'}")
        bus = MemoryBus(self.broker, "central")
        self.central = CentralIndex(self.central_sessions, bus, ["motcua/v1/+"], clock=self.clock)
        self.central.start()
        self._central_bus = bus
        return self.central

    def stop_central(self) -> None:
        assert self.central is not None
        self._central_bus.close()  # unsubscribed: questions go unanswered
        self.central.stop()
        self.central = None

    def device(self, site_id: str, device_id: str) -> Device:
        return Device(MemoryBus(self.broker, f"{site_id}-{device_id}"), site_id, device_id)

    def counter(self, site_id: str) -> Device:
        counter = self.device(site_id, "q04")
        counter.ok(dc.OfficerLogin, officer_id="cb04", password="1234")
        return counter

    def central_versions(self) -> dict[str, int]:
        assert self.central_sessions is not None
        with self.central_sessions() as session:
            rows = session.execute(select(CentralDossierRow.code, CentralDossierRow.version))
            return {code: version for code, version in rows}

    def outbox(self, site_id: str) -> list[DossierOutboxRow]:
        with self.databases[site_id]() as session:
            return list(session.scalars(select(DossierOutboxRow).order_by(DossierOutboxRow.code)))

    def stop(self) -> None:
        for server in self.servers.values():
            server.stop()
        if self.central is not None:
            self.central.stop()


@pytest.fixture
def province(tmp_path: Path) -> Iterator[Province]:
    world = Province(tmp_path, FakeClock(MONDAY))
    yield world
    world.stop()


def test_each_change_writes_its_entry_with_the_change_and_nothing_personal(
    province: Province,
) -> None:
    """Outbox rows are written in the dossier's transaction; a refused command writes none."""
    province.start_branch("hcc-a")
    counter = province.counter("hcc-a")
    dossier = counter.receive()
    counter.ok(dc.HandOver, code=dossier["code"], to_unit="Phòng Cảnh sát QLHC")
    assert error_code(counter.do(dc.MarkReturned, code=dossier["code"])) == "invalid_state"
    (row,) = province.outbox("hcc-a")
    assert (row.code, row.version, row.acked_version, row.pending) == (dossier["code"], 2, 0, True)
    entry = IndexEntry.model_validate_json(row.entry)
    assert entry.site_name == "Chi nhánh Quận Một" and entry.view.citizen_masked == "Nguyễn V** A**"
    assert entry.view.status == 4 and entry.view.return_service is None
    for secret in ("Nguyễn Văn An", "345 678", "5678", "Lê Lợi", "001090000001", "an@example.vn"):
        assert secret not in row.entry
    assert dossier["token"] not in row.entry and "cb04" not in row.entry


def test_central_stores_and_acknowledges_and_the_outbox_empties(province: Province) -> None:
    province.start_central()
    server = province.start_branch("hcc-a")
    counter = province.counter("hcc-a")
    codes = [counter.receive()["code"] for _ in range(3)]
    counter.ok(dc.MarkDone, code=codes[0])
    assert server.index is not None
    assert wait_until(lambda: server.index is not None and server.index.pending() == 0)
    assert province.central_versions() == {codes[0]: 2, codes[1]: 1, codes[2]: 1}
    assert all(not r.pending and r.acked_version == r.version for r in province.outbox("hcc-a"))


def test_another_branch_finds_it_by_token_or_code_and_digits_never_by_code_alone(
    province: Province,
) -> None:
    province.start_central()
    a = province.start_branch("hcc-a")
    province.start_branch("hcc-b")
    dossier = province.counter("hcc-a").receive()
    assert wait_until(lambda: a.index is not None and a.index.pending() == 0)
    kiosk = province.device("hcc-b", "kiosk-1")
    for text, digits in (
        (dossier["qr"], None),
        (dossier["token"], None),
        (dossier["code"], DIGITS),
    ):
        view = kiosk.ok(dc.LookUpDossier, text=text, phone_digits=digits)["dossier"]
        assert (view["code"], view["site_id"]) == (dossier["code"], "hcc-a")
        assert view["site_name"] == "Chi nhánh Quận Một" and view["return_service"] is None
        assert view["citizen_masked"] == "Nguyễn V** A**" and CITIZEN["phone"] not in json.dumps(
            view
        )
    bare = kiosk.do(dc.LookUpDossier, text=dossier["code"])
    assert error_code(bare) == "second_factor_required"
    assert bare.error is not None and "4 số cuối" in bare.error.message
    # A counter with an officer logged in may name the code alone.
    seen = province.counter("hcc-b").ok(dc.LookUpDossier, text=dossier["code"])["dossier"]
    assert seen["code"] == dossier["code"]


def test_wrong_digits_are_refused_and_counted_until_the_kiosk_must_wait(
    province: Province,
) -> None:
    province.start_central()
    a = province.start_branch("hcc-a")
    province.start_branch("hcc-b")
    dossier = province.counter("hcc-a").receive()
    assert wait_until(lambda: a.index is not None and a.index.pending() == 0)
    kiosk = province.device("hcc-b", "kiosk-1")
    for wrong in ("0000", "1111", "2222", "3333", "4444", "5555", "6666", "7777", "8888", "9999"):
        reply = kiosk.do(dc.LookUpDossier, text=dossier["code"], phone_digits=wrong)
        assert error_code(reply) == "not_found"
    locked = kiosk.do(dc.LookUpDossier, text=dossier["code"], phone_digits=DIGITS)
    assert error_code(locked) == "locked_out"
    assert locked.error is not None and (locked.error.retry_after or 0) > 0
    other = province.device("hcc-b", "kiosk-2")
    assert other.ok(dc.LookUpDossier, text=dossier["code"], phone_digits=DIGITS)["dossier"]
    province.clock.advance(minutes=11)  # the failures leave the window
    assert kiosk.ok(dc.LookUpDossier, text=dossier["code"], phone_digits=DIGITS)["dossier"]


def test_local_lookups_need_the_second_factor_too(province: Province) -> None:
    province.start_branch("hcc-a")
    dossier = province.counter("hcc-a").receive()
    kiosk = province.device("hcc-a", "kiosk-1")
    assert error_code(kiosk.do(dc.LookUpDossier, text=dossier["code"])) == "second_factor_required"
    wrong = kiosk.do(dc.LookUpDossier, text=dossier["code"], phone_digits="0000")
    assert error_code(wrong) == "not_found"
    assert kiosk.ok(dc.LookUpDossier, text=dossier["code"], phone_digits=DIGITS)["dossier"]


def test_a_silent_index_gives_index_unavailable_and_the_hall_goes_on(
    province: Province,
) -> None:
    province.start_branch("hcc-a")
    province.start_branch("hcc-b")  # no central index at all
    counter = province.counter("hcc-a")
    kiosk = province.device("hcc-b", "kiosk-1")
    reply = kiosk.do(dc.LookUpDossier, text="Z9X8W7V6")  # a token not held at hcc-b
    assert error_code(reply) == "index_unavailable"
    assert reply.error is not None and reply.error.retry_after
    assert "chi nhánh khác" in reply.error.message
    assert counter.receive()["code"]  # branch A goes on receiving dossiers
    ticket = kiosk.ok(c.IssueTicket, service="ho-tich")["ticket"]
    assert ticket["number"].startswith("A")


def test_no_return_ticket_here_for_a_result_waiting_at_another_branch(
    province: Province,
) -> None:
    province.start_central()
    a = province.start_branch("hcc-a")
    province.start_branch("hcc-b")
    counter = province.counter("hcc-a")
    dossier = counter.receive()
    counter.ok(dc.MarkDone, code=dossier["code"])
    assert wait_until(lambda: a.index is not None and a.index.pending() == 0)
    kiosk = province.device("hcc-b", "kiosk-1")
    view = kiosk.ok(dc.LookUpDossier, text=dossier["qr"])["dossier"]
    assert view["ready"] is True and view["return_service"] is None
    refused = kiosk.do(c.IssueTicket, service="tra-ket-qua", dossier=dossier["qr"])
    assert error_code(refused) == "invalid_state"
    assert refused.error is not None and "Chi nhánh Quận Một" in refused.error.message


def test_entries_committed_but_never_sent_go_when_the_server_starts_again(
    province: Province,
) -> None:
    """A server killed after its commit and before publishing loses nothing."""
    province.start_central()

    class Mute(MemoryBus):
        """A bus that drops what the feed publishes (the process dies before sending it)."""

        def publish(self, topic: str, payload: bytes, **options: object) -> None:
            if "/index/" not in topic:
                super().publish(topic, payload, **options)  # type: ignore[arg-type]

    first = province.start_branch("hcc-a", Mute(province.broker, "server-hcc-a"))
    dossier = province.counter("hcc-a").receive()
    first.stop()
    assert province.central_versions() == {}
    assert [r.pending for r in province.outbox("hcc-a")] == [True]
    again = province.start_branch("hcc-a")
    assert wait_until(lambda: province.central_versions() == {dossier["code"]: 1})
    assert wait_until(lambda: again.index is not None and again.index.pending() == 0)


def test_dossiers_from_before_the_index_are_sent_when_it_is_turned_on(
    province: Province,
) -> None:
    province.start_central()
    province.databases["hcc-a"] = branch_database(province.folder, "hcc-a")
    bus = MemoryBus(province.broker, "server-hcc-a")
    plain = start_branch("hcc-a", province.databases["hcc-a"], bus, province.clock, index=None)
    code = province.counter("hcc-a").receive()["code"]
    plain.stop()
    bus.close()
    assert province.outbox("hcc-a") == []
    province.start_branch("hcc-a")
    assert wait_until(lambda: province.central_versions() == {code: 1})


def test_changes_while_the_index_is_away_arrive_as_the_newest_version_only(
    province: Province,
) -> None:
    server = province.start_branch("hcc-a")
    counter = province.counter("hcc-a")
    code = counter.receive()["code"]
    counter.ok(dc.HandOver, code=code, to_unit="Phòng Cảnh sát QLHC")
    counter.ok(dc.MarkDone, code=code)
    assert [(r.version, r.pending) for r in province.outbox("hcc-a")] == [(3, True)]
    province.start_central()
    assert wait_until(lambda: province.central_versions() == {code: 3})
    assert wait_until(lambda: server.index is not None and server.index.pending() == 0)
