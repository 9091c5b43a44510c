"""A result returned at another branch, on the in-memory bus with the real central index.

Branch A may transfer ready results to branch B (`[index] return_branches`); B confirms
arrival and return, and A logs both in the dossier through the index. The same runs through
real Mosquitto bridges in tests/integration/test_province.py.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from server.daemon import QueueServer
from shared.config.notify import NotifyConfig, SmsConfig
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.index import IndexEntry, ResultHandover
from shared.messaging.memory import MemoryBus
from shared.storage.dossier_tables import DossierRow
from shared.storage.index_tables import DossierOutboxRow, HeldResultRow
from shared.storage.notifications import NotificationRow
from tests.helpers.clock import FakeClock
from tests.helpers.province import MONDAY, Device, branch_database, error_code, start_branch
from tests.helpers.province import wait_until as waited
from tests.server.test_index_link import Province

B_NAME = "Chi nhánh Quận Hai"


class TransferProvince(Province):
    """Branch A lets its results be returned at branch B."""

    notify: NotifyConfig | None = None

    def start_branch(self, site_id: str, bus: MemoryBus | None = None) -> QueueServer:
        if site_id not in self.databases:
            self.databases[site_id] = branch_database(self.folder, site_id)
        bus = bus or MemoryBus(self.broker, f"server-{site_id}")
        branches = {"hcc-b": B_NAME} if site_id == "hcc-a" else {}
        server = start_branch(
            site_id,
            self.databases[site_id],
            bus,
            self.clock,
            return_branches=branches,
            notify=self.notify,
        )
        self.servers[site_id] = server
        return server

    def pending(self, site_id: str) -> int:
        index = self.servers[site_id].index
        assert index is not None
        return index.pending()

    def dossier_at_a(self, code: str) -> DossierRow:
        with self.databases["hcc-a"]() as session:
            row = session.scalars(select(DossierRow).where(DossierRow.code == code)).one()
            session.expunge(row)
            return row

    def held(self, code: str) -> HeldResultRow | None:
        with self.databases["hcc-b"]() as session:
            row = session.scalars(select(HeldResultRow).where(HeldResultRow.code == code)).first()
            if row is not None:
                session.expunge(row)
            return row


@pytest.fixture
def province(tmp_path: Path) -> Iterator[TransferProvince]:
    world = TransferProvince(tmp_path, FakeClock(MONDAY))
    yield world
    world.stop()


def ready_dossier(counter: Device) -> dict[str, str]:
    dossier = counter.receive()
    counter.ok(dc.MarkDone, code=dossier["code"])
    return dossier


def test_only_a_listed_branch_and_a_ready_result_and_the_entry_says_where(
    province: TransferProvince,
) -> None:
    province.start_branch("hcc-a")
    counter = province.counter("hcc-a")
    dossier = counter.receive()
    code = dossier["code"]
    early = counter.do(dc.TransferResult, code=code, to_site="hcc-b")
    assert error_code(early) == "invalid_state"
    counter.ok(dc.MarkDone, code=code)
    unknown = counter.do(dc.TransferResult, code=code, to_site="hcc-z")
    assert error_code(unknown) == "invalid_input"
    assert unknown.error is not None and B_NAME in unknown.error.message
    view = counter.ok(dc.TransferResult, code=code, to_site="hcc-b")["dossier"]
    assert (view["result_site_id"], view["result_site_name"]) == ("hcc-b", B_NAME)
    assert view["return_service"] is None and view["steps"][-1]["actor"] == "cb04"
    again = counter.do(dc.TransferResult, code=code, to_site="hcc-b")
    assert error_code(again) == "invalid_state"
    with province.databases["hcc-a"]() as session:
        row = session.scalars(select(DossierOutboxRow)).one()
    entry = IndexEntry.model_validate_json(row.entry)
    assert entry.view.result_site_id == "hcc-b" and entry.view.result_arrived is False
    kiosk = province.device("hcc-a", "kiosk-1")
    refused = kiosk.do(c.IssueTicket, service="tra-ket-qua", dossier=dossier["qr"])
    assert refused.error is not None and B_NAME in refused.error.message


def test_b_receives_and_returns_it_and_a_logs_both_through_the_index(
    province: TransferProvince,
) -> None:
    province.start_central()
    province.start_branch("hcc-a")
    province.start_branch("hcc-b")
    counter_a = province.counter("hcc-a")
    dossier = ready_dossier(counter_a)
    code, qr = dossier["code"], dossier["qr"]
    counter_a.ok(dc.TransferResult, code=code, to_site="hcc-b")
    assert waited(lambda: province.pending("hcc-a") == 0)

    kiosk = province.device("hcc-b", "kiosk-1")
    on_the_way = kiosk.ok(dc.LookUpDossier, text=qr)["dossier"]
    assert on_the_way["result_arrived"] is False and on_the_way["return_service"] is None
    counter_b = province.counter("hcc-b")
    arrived = counter_b.ok(dc.AcceptResult, code=code)["dossier"]
    assert arrived["result_arrived"] is True and arrived["return_service"] == "tra-ket-qua"
    held = province.held(code)
    assert held is not None and (held.arrived_by, held.owner_site_id) == ("cb04", "hcc-a")
    assert waited(lambda: province.dossier_at_a(code).result_arrived_at is not None)
    assert waited(lambda: province.pending("hcc-b") == 0)

    view = kiosk.ok(dc.LookUpDossier, text=qr)["dossier"]
    assert view["return_service"] == "tra-ket-qua"
    number = kiosk.ok(c.IssueTicket, service="tra-ket-qua", dossier=qr)["ticket"]["number"]
    held = province.held(code)
    assert held is not None and held.return_ticket == number
    returned = counter_b.ok(dc.ReturnHeldResult, code=code)["dossier"]
    assert returned["status"] == 10
    assert waited(lambda: province.dossier_at_a(code).status == 10)
    assert waited(lambda: province.pending("hcc-a") == 0 and province.pending("hcc-b") == 0)
    again = counter_b.ok(dc.ReturnHeldResult, code=code)["dossier"]
    assert again["status"] == 10  # the same return again: nothing new


def test_b_refuses_what_was_not_sent_to_it_and_a_code_it_received_itself(
    province: TransferProvince,
) -> None:
    province.start_central()
    province.start_branch("hcc-a")
    province.start_branch("hcc-b")
    counter_a = province.counter("hcc-a")
    kept = ready_dossier(counter_a)  # ready at A, not transferred
    assert waited(lambda: province.pending("hcc-a") == 0)
    counter_b = province.counter("hcc-b")
    refused = counter_b.do(dc.AcceptResult, code=kept["code"])
    assert error_code(refused) == "invalid_state"
    assert refused.error is not None and "Chi nhánh Quận Một" in refused.error.message
    assert province.held(kept["code"]) is None
    own = counter_b.receive()
    assert error_code(counter_b.do(dc.AcceptResult, code=own["code"])) == "invalid_state"
    missing = counter_b.do(dc.AcceptResult, code="000.00.17.H97-261207-9999")
    assert error_code(missing) == "not_found"


def test_a_forged_or_repeated_notice_changes_nothing_at_a(province: TransferProvince) -> None:
    province.notify = NotifyConfig(enabled=True, sms=SmsConfig(url="https://sms.example.vn/send"))
    province.start_branch("hcc-a")
    counter_a = province.counter("hcc-a")
    dossier = ready_dossier(counter_a)
    code = dossier["code"]
    counter_a.ok(dc.TransferResult, code=code, to_site="hcc-b")
    central = MemoryBus(province.broker, "central")
    topic = "motcua/v1/hcc-a/index/handed"

    def notice(site: str, event: str) -> bytes:
        return (
            ResultHandover(
                site_id=site,
                site_name="Chi nhánh X",
                owner_site_id="hcc-a",
                code=code,
                event=event,
                officer="cb09",
                at=MONDAY,
                key_id="0" * 12,
            )
            .model_dump_json()
            .encode()
        )

    central.publish(topic, notice("hcc-c", "arrived"), qos=1)  # not where it was sent
    central.publish(topic, b"{not json", qos=1)
    central.publish(topic, notice("hcc-b", "arrived"), qos=1)
    central.publish(topic, notice("hcc-b", "arrived"), qos=1)
    assert waited(lambda: province.dossier_at_a(code).result_arrived_at is not None)
    counter_a.ok(dc.DossierDetail, code=code)  # the writer has handled everything before it
    steps = counter_a.ok(dc.DossierDetail, code=code)["dossier"]["steps"]
    kinds = [s["kind"] for s in steps]
    assert kinds.count("result_arrived") == 1 and kinds[-1] == "result_arrived"
    assert steps[-1]["actor"] == "cb09 (Chi nhánh X)"
    # The citizen is told once that the result can be collected at B.
    with province.databases["hcc-a"]() as session:
        messages = session.scalars(
            select(NotificationRow).where(NotificationRow.reference == code)
        ).all()
    moved = [m for m in messages if m.dedupe_key.endswith(":hcc-b")]
    assert [m.kind for m in messages] == ["ready", "ready"] and len(moved) == 1
    assert B_NAME in json.loads(moved[0].params)["place"]
