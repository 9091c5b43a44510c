"""Two branches, each with its own broker and SQLite database, bridged to a central broker where
`motcua central` keeps the provincial index on PostgreSQL: real Mosquitto, real bridges.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, sessionmaker

from server.broker import free_port, wait_for_port
from server.daemon import QueueServer
from shared.domain.second_factor import LookupPolicy
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.codec import encode
from shared.messaging.index import IndexLookup
from shared.messaging.paho_bus import BrokerAddress, PahoBus
from shared.storage.dossier_tables import DossierRow, DossierStepRow
from shared.storage.index_tables import CentralDossierRow
from tests.helpers.clock import FakeClock
from tests.helpers.index_entries import entry
from tests.helpers.province import (
    DIGITS,
    MONDAY,
    Device,
    NoPostgres,
    branch_database,
    bridge_lines,
    error_code,
    mosquitto_config,
    own_postgres_database,
    start_branch,
    start_mosquitto,
    stop_process,
    wait_until,
)
from tests.helpers.sites import ROOT

pytestmark = pytest.mark.integration
SITES = ("hcc-a", "hcc-b")


class MuteBus(PahoBus):
    """A server's bus that never sends the index feed: the process dies before publishing."""

    def publish(self, topic: str, payload: bytes, **options: object) -> None:
        if "/index/dossier" not in topic:
            super().publish(topic, payload, **options)  # type: ignore[arg-type]


@dataclass
class Province:
    """The central broker and index, two branch brokers bridged to it, their servers."""

    folder: Path
    database_url: str
    clock: FakeClock = field(default_factory=lambda: FakeClock(MONDAY))
    central_port: int = field(default_factory=free_port)
    ports: dict[str, int] = field(default_factory=lambda: {s: free_port() for s in SITES})
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    servers: dict[str, QueueServer] = field(default_factory=dict)
    databases: dict[str, sessionmaker[Session]] = field(default_factory=dict)
    buses: list[PahoBus] = field(default_factory=list)

    def start_central_broker(self) -> None:
        data = self.folder / "central-db"
        data.mkdir(exist_ok=True)
        persistence = ["persistence true", f"persistence_location {data}/", "autosave_interval 1"]
        config = mosquitto_config(self.central_port, *persistence)
        self.processes["central-broker"] = start_mosquitto(self.folder, "central-broker", config)
        assert wait_for_port(self.central_port, 10), self.log("central-broker")

    def stop_central_broker(self) -> None:
        stop_process(self.processes.pop("central-broker"))

    def start_index(self) -> None:
        path = self.folder / "central.toml"
        path.write_text(
            f'[broker]\nhost = "127.0.0.1"\nport = {self.central_port}\n\n'
            f'[database]\nurl = "{self.database_url}"\n\n'
            "[index]\nlookup_failures = 3\n",
            encoding="utf-8",
        )
        log = (self.folder / "central-index.log").open("ab")
        command = [sys.executable, "-m", "admin.cli", "central", "--config", str(path)]
        self.processes["index"] = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)
        log.close()
        probe = self.bus(self.central_port, "probe", "motcua/v1/probe/index/answer")
        question = IndexLookup(request_id="probe", device="probe", key_id="0" * 12, code="x.y")

        def answered() -> bool:
            try:
                probe.request("motcua/v1/probe/index/lookup", encode(question), 0.5)
            except TimeoutError:
                return False
            return True

        assert wait_until(answered, 60), self.log("central-index")

    def start_branch_broker(self, site_id: str) -> None:
        lines = ["persistence false", *bridge_lines(site_id, self.central_port)]
        config = mosquitto_config(self.ports[site_id], *lines)
        self.processes[site_id] = start_mosquitto(self.folder, f"broker-{site_id}", config)
        assert wait_for_port(self.ports[site_id], 10), self.log(f"broker-{site_id}")

    def bus(self, port: int, client_id: str, reply_topic: str | None = None) -> PahoBus:
        address = BrokerAddress("127.0.0.1", port)
        bus = PahoBus(address, client_id, reply_topic=reply_topic)
        assert bus.wait_connected(10)
        self.buses.append(bus)
        return bus

    def start_server(self, site_id: str, mute: bool = False) -> QueueServer:
        if site_id not in self.databases:
            self.databases[site_id] = branch_database(self.folder, site_id)
        address = BrokerAddress("127.0.0.1", self.ports[site_id])
        kind = MuteBus if mute else PahoBus
        bus = kind(address, f"server-{site_id}")
        assert bus.wait_connected(10)
        self.buses.append(bus)
        lookups = LookupPolicy(failures=3, window_seconds=600)
        # The province lets A's results be returned at B (and not the other way round).
        branches = {"hcc-b": "Chi nhánh Quận Hai"} if site_id == "hcc-a" else {}
        server = start_branch(
            site_id,
            self.databases[site_id],
            bus,
            self.clock,
            lookups=lookups,
            return_branches=branches,
        )
        assert bus.wait_subscribed(10)
        self.servers[site_id] = server
        return server

    def device(self, site_id: str, device_id: str) -> Device:
        return Device(self.bus(self.ports[site_id], f"{site_id}-{device_id}"), site_id, device_id)

    def counter(self, site_id: str) -> Device:
        counter = self.device(site_id, "q04")
        counter.ok(dc.OfficerLogin, officer_id="cb04", password="1234")
        return counter

    def pending(self, site_id: str) -> int:
        index = self.servers[site_id].index
        assert index is not None
        return index.pending()

    def central_versions(self) -> dict[str, int]:
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                rows = connection.execute(select(CentralDossierRow.code, CentralDossierRow.version))
                return {code: version for code, version in rows}
        finally:
            engine.dispose()

    def branch_versions(self, site_id: str) -> dict[str, int]:
        with self.databases[site_id]() as session:
            rows = session.execute(select(DossierRow.code, DossierRow.version))
            return {code: version for code, version in rows}

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def close(self) -> None:
        for server in self.servers.values():
            server.stop()
        for bus in self.buses:
            bus.close()
        if "index" in self.processes:
            assert stop_process(self.processes.pop("index")) == 0, self.log("central-index")
        for process in self.processes.values():
            stop_process(process)
        for sessions in self.databases.values():
            sessions.kw["bind"].dispose()


@pytest.fixture
def province(tmp_path: Path) -> Iterator[Province]:
    if shutil.which("mosquitto") is None and not os.path.exists("/usr/sbin/mosquitto"):
        pytest.skip("mosquitto is not installed")
    try:
        with own_postgres_database("central_it") as url:
            world = Province(tmp_path, url)
            try:
                world.start_central_broker()
                world.start_index()
                for site_id in SITES:
                    world.start_branch_broker(site_id)
                    world.start_server(site_id)
                yield world
            finally:
                world.close()
    except NoPostgres:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")


def test_a_dossier_received_at_a_is_found_at_b_by_token_or_code_and_digits(
    province: Province,
) -> None:
    dossier = province.counter("hcc-a").receive()
    assert wait_until(lambda: province.pending("hcc-a") == 0, 30), province.log("central-index")
    assert province.central_versions() == {dossier["code"]: 1}
    kiosk = province.device("hcc-b", "kiosk-1")
    for text, digits in (
        (dossier["qr"], None),
        (dossier["token"], None),
        (dossier["code"], DIGITS),
    ):
        view = kiosk.ok(dc.LookUpDossier, text=text, phone_digits=digits)["dossier"]
        assert (view["site_id"], view["site_name"]) == ("hcc-a", "Chi nhánh Quận Một")
        assert view["citizen_masked"] == "Nguyễn V** A**" and view["return_service"] is None
    assert error_code(kiosk.do(dc.LookUpDossier, text=dossier["code"])) == "second_factor_required"
    for wrong in ("0000", "1111", "2222"):
        reply = kiosk.do(dc.LookUpDossier, text=dossier["code"], phone_digits=wrong)
        assert error_code(reply) == "not_found"
    assert error_code(kiosk.do(dc.LookUpDossier, text=dossier["qr"])) == "locked_out"


def test_without_central_b_is_told_at_once_a_goes_on_and_the_outbox_catches_up(
    province: Province,
) -> None:
    counter = province.counter("hcc-a")
    first = counter.receive()
    assert wait_until(lambda: province.pending("hcc-a") == 0, 30)
    province.stop_central_broker()
    kiosk = province.device("hcc-b", "kiosk-1")
    reply = kiosk.do(dc.LookUpDossier, text=first["qr"])
    assert error_code(reply) == "index_unavailable"
    assert reply.error is not None and reply.error.retry_after
    # The hall at A does not wait for the WAN: dossiers are received and changed meanwhile.
    later = [counter.receive()["code"] for _ in range(3)]
    counter.ok(dc.HandOver, code=first["code"], to_unit="Phòng Cảnh sát QLHC")
    counter.ok(dc.MarkDone, code=first["code"])
    counter.ok(dc.MarkDone, code=later[0])
    assert province.pending("hcc-a") == 4
    province.start_central_broker()
    expected = province.branch_versions("hcc-a")
    assert expected[first["code"]] == 3
    assert wait_until(lambda: province.central_versions() == expected, 60), province.log(
        "central-index"
    )
    assert wait_until(lambda: province.pending("hcc-a") == 0, 30)
    view = kiosk.ok(dc.LookUpDossier, text=first["qr"])["dossier"]
    assert view["status"] == 9 and view["ready"] is True
    refused = kiosk.do(c.IssueTicket, service="tra-ket-qua", dossier=first["qr"])
    assert error_code(refused) == "invalid_state"
    assert refused.error is not None and "Chi nhánh Quận Một" in refused.error.message

    # An old version replayed on the central broker never overwrites the newer one.
    replay = province.bus(province.central_port, "replayer")
    stale = entry(first["code"], 1, site="hcc-a")
    sentinel = entry("000.00.17.H97-261207-0999", 1, site="hcc-a", token="ABCDEFGH")
    replay.publish("motcua/v1/hcc-a/index/dossier", stale.model_dump_json().encode(), qos=1)
    replay.publish("motcua/v1/hcc-a/index/dossier", sentinel.model_dump_json().encode(), qos=1)
    assert wait_until(lambda: sentinel.code in province.central_versions(), 30)
    assert province.central_versions()[first["code"]] == 3


def test_a_server_killed_after_its_commit_sends_the_entry_when_it_starts_again(
    province: Province,
) -> None:
    province.servers.pop("hcc-a").stop()
    muted = province.start_server("hcc-a", mute=True)
    code = province.counter("hcc-a").receive()["code"]
    muted.stop()  # as if killed: committed, never published
    province.servers.pop("hcc-a")
    assert code not in province.central_versions()
    province.start_server("hcc-a")
    assert wait_until(lambda: province.central_versions().get(code) == 1, 30)
    assert wait_until(lambda: province.pending("hcc-a") == 0, 30)
    found = province.device("hcc-b", "kiosk-1").ok(dc.LookUpDossier, text=code, phone_digits=DIGITS)
    assert found["dossier"]["code"] == code


def _dossier_at(province: Province, site_id: str, code: str) -> DossierRow:
    with province.databases[site_id]() as session:
        row = session.scalars(select(DossierRow).where(DossierRow.code == code)).one()
        session.expunge(row)
        return row


def test_a_result_transferred_to_b_is_received_there_returned_there_and_logged_at_a(
    province: Province,
) -> None:
    counter_a = province.counter("hcc-a")
    dossier = counter_a.receive()
    code, qr = dossier["code"], dossier["qr"]
    counter_a.ok(dc.MarkDone, code=code)
    refused = counter_a.do(dc.TransferResult, code=code, to_site="hcc-c")
    assert error_code(refused) == "invalid_input"
    sent = counter_a.ok(dc.TransferResult, code=code, to_site="hcc-b", note="Công dân xin nhận")
    assert sent["dossier"]["result_site_id"] == "hcc-b"
    assert sent["dossier"]["steps"][-1]["kind"] == "result_sent"
    # A neither returns it nor issues a return ticket for it any more.
    assert error_code(counter_a.do(dc.MarkReturned, code=code)) == "invalid_state"
    kiosk_a = province.device("hcc-a", "kiosk-1")
    refused = kiosk_a.do(c.IssueTicket, service="tra-ket-qua", dossier=qr)
    assert refused.error is not None and "Chi nhánh Quận Hai" in refused.error.message
    assert wait_until(lambda: province.pending("hcc-a") == 0, 30), province.log("central-index")

    # At B, before the result is there: on its way, nothing to collect.
    kiosk_b = province.device("hcc-b", "kiosk-1")
    view = kiosk_b.ok(dc.LookUpDossier, text=qr)["dossier"]
    assert (view["result_site_id"], view["result_arrived"]) == ("hcc-b", False)
    assert view["return_service"] is None
    early = kiosk_b.do(c.IssueTicket, service="tra-ket-qua", dossier=qr)
    assert early.error is not None and "đang được chuyển đến" in early.error.message
    counter_b = province.counter("hcc-b")
    assert error_code(counter_b.do(dc.ReturnHeldResult, code=code)) == "invalid_state"

    # The package arrives: B's officer confirms; A logs it through the index.
    arrived = counter_b.ok(dc.AcceptResult, code=code)["dossier"]
    assert arrived["result_arrived"] is True and arrived["return_service"] == "tra-ket-qua"
    assert counter_b.ok(dc.AcceptResult, code=code)["dossier"]["result_arrived"] is True
    assert wait_until(lambda: _dossier_at(province, "hcc-a", code).result_arrived_at is not None)
    assert wait_until(lambda: province.pending("hcc-b") == 0, 30)

    # The citizen takes a return ticket at B and is served there.
    view = kiosk_b.ok(dc.LookUpDossier, text=qr)["dossier"]
    assert view["return_service"] == "tra-ket-qua" and view["result_arrived"] is True
    ticket = kiosk_b.ok(c.IssueTicket, service="tra-ket-qua", dossier=qr)["ticket"]
    assert ticket["service"] == "tra-ket-qua"
    returned = counter_b.ok(dc.ReturnHeldResult, code=code)["dossier"]
    assert returned["status"] == 10 and returned["return_service"] is None

    # A's dossier is returned, with B's officer and branch in its log; the index follows.
    assert wait_until(lambda: _dossier_at(province, "hcc-a", code).status == 10, 30)
    assert wait_until(lambda: province.pending("hcc-a") == 0 and province.pending("hcc-b") == 0)
    with province.databases["hcc-a"]() as session:
        steps = session.scalars(
            select(DossierStepRow.kind)
            .join(DossierRow)
            .where(DossierRow.code == code)
            .order_by(DossierStepRow.position)
        ).all()
    assert steps[-3:] == ["result_sent", "result_arrived", "returned"]
    again = kiosk_b.ok(dc.LookUpDossier, text=qr)["dossier"]
    assert again["status"] == 10 and again["return_service"] is None
    late = kiosk_b.do(c.IssueTicket, service="tra-ket-qua", dossier=qr)
    assert error_code(late) == "invalid_state"
