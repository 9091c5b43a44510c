"""The running index with result transfers: its worker, its timer, and a real Mosquitto."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from central.service import CentralIndex, tick_seconds
from server.broker import free_port, wait_for_port
from shared.messaging.codec import encode
from shared.messaging.index import DOSSIER, HANDOVER
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.messaging.paho_bus import BrokerAddress, PahoBus
from tests.central.handover_parts import (
    CODE,
    HOLDER_BASE,
    NOW,
    OWNER_BASE,
    PREFIXES,
    Recorder,
    handover_rows,
    message,
    notice,
    transferred,
)
from tests.helpers.clock import FakeClock
from tests.helpers.province import mosquitto_config, start_mosquitto, stop_process, wait_until


def test_the_timer_only_ticks_a_fraction_of_the_interval() -> None:
    assert tick_seconds(60) == 15 and tick_seconds(3600) == 15 and tick_seconds(8) == 2


def test_the_worker_takes_notices_sends_at_start_and_on_its_timer(
    central_sessions: sessionmaker[Session],
) -> None:
    broker = MemoryBroker()
    clock = FakeClock(NOW)
    sent = Recorder(MemoryBus(broker, "monitor"))
    branches = MemoryBus(broker, "bridges")

    def run(resend_seconds: float) -> CentralIndex:
        bus = MemoryBus(broker, "central")
        index = CentralIndex(
            central_sessions, bus, PREFIXES, clock=clock, handover_resend_seconds=resend_seconds
        )
        index.start()
        return index

    index = run(3600)
    try:
        item = transferred(2)
        branches.publish(f"{OWNER_BASE}/index/{DOSSIER}", encode(item))
        assert wait_until(lambda: sent.acks(OWNER_BASE) == [(CODE, 2)])
        branches.publish(f"{HOLDER_BASE}/index/{HANDOVER}", encode(notice()))
        assert wait_until(lambda: sent.acks(HOLDER_BASE) == [(CODE, 1)])
        assert wait_until(lambda: sent.handed(OWNER_BASE) == [notice()])
    finally:
        index.stop()
        index.bus.close()
    # Restarted: the notice not applied goes again at once, then on the timer once it is due.
    sent.clear()
    index = run(0.2)
    try:
        assert wait_until(lambda: sent.handed(OWNER_BASE) == [notice()])
        clock.advance(seconds=1)
        assert wait_until(lambda: len(sent.handed(OWNER_BASE)) == 2)
        assert wait_until(lambda: index.counts.handovers_resent == 2)
    finally:
        index.stop()
        index.bus.close()
    assert [r.applied_at for r in handover_rows(central_sessions)] == [None]


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[BrokerAddress]:
    port = free_port()
    process = start_mosquitto(tmp_path, "central-broker", mosquitto_config(port))
    try:
        assert wait_for_port(port, 10), (tmp_path / "central-broker.log").read_text()
        yield BrokerAddress("127.0.0.1", port, "", "", "")
    finally:
        stop_process(process)


@pytest.mark.integration
def test_through_a_real_broker_the_notice_reaches_the_owners_remapped_topic(
    central_sessions: sessionmaker[Session], mosquitto: BrokerAddress
) -> None:
    clock = FakeClock(NOW)
    buses = [PahoBus(mosquitto, name) for name in ("central-index", "bridges", "monitor")]
    central, branches, monitor = buses
    try:
        assert all(bus.wait_connected(10) for bus in buses)
        sent = Recorder(monitor)
        index = CentralIndex(central_sessions, central, PREFIXES, clock=clock)
        index.start()
        try:
            assert central.wait_subscribed(10) and monitor.wait_subscribed(10)
            owner_entry = message(OWNER_BASE, DOSSIER, transferred(2))
            branches.publish(owner_entry.topic, owner_entry.payload, qos=1)
            assert wait_until(lambda: sent.acks(OWNER_BASE) == [(CODE, 2)]), sent.messages
            arrived = message(HOLDER_BASE, HANDOVER, notice())
            branches.publish(arrived.topic, arrived.payload, qos=1)
            assert wait_until(lambda: sent.acks(HOLDER_BASE) == [(CODE, 1)]), sent.messages
            assert wait_until(lambda: sent.handed(OWNER_BASE) == [notice()])
        finally:
            index.stop()
    finally:
        for bus in buses:
            bus.close()
