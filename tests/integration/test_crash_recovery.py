"""A server killed with SIGKILL mid-burst keeps every acknowledged ticket and numbering goes on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from server.broker import EmbeddedBroker
from shared.messaging import commands as c
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from shared.storage.engine import make_engine
from shared.storage.tables import TicketRow
from tests.helpers.sites import write_site_file

pytestmark = pytest.mark.integration


def start_server(config: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "admin.cli", "server", "--config", str(config)],
            stdout=out,
            stderr=out,
        )


def test_sigkill_mid_burst_loses_no_acknowledged_ticket(
    tmp_path: Path,
    broker: EmbeddedBroker,
    database_url: str,
    bus_factory: Callable[..., PahoBus],
    topics: Topics,
) -> None:
    config = write_site_file(tmp_path, broker.address, database_url)
    log = tmp_path / "server.log"
    server = start_server(config, log)
    acknowledged: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()
    try:
        kiosks = [
            CommandClient(bus_factory(f"kiosk-{i}", "kiosk"), topics, f"kiosk-{i}")
            for i in range(3)
        ]
        # Wait until the server answers.
        first = kiosks[0].send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"), 5, 6)
        assert first.ok, log.read_text()
        acknowledged.append(first.result["ticket"]["number"])

        def burst(client: CommandClient) -> None:
            while not stop.is_set():
                reply = client.send(
                    c.IssueTicket(request_id=new_request_id(), service="ho-tich"), 0.5, 1
                )
                if reply.ok:
                    with lock:
                        acknowledged.append(reply.result["ticket"]["number"])

        threads = [threading.Thread(target=burst, args=(k,)) for k in kiosks]
        for thread in threads:
            thread.start()
        while True:  # kill once the burst is well under way
            with lock:
                if len(acknowledged) >= 40:
                    break
            threading.Event().wait(0.01)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        stop.set()
        for thread in threads:
            thread.join()
        server = start_server(config, log)
        after = kiosks[0].send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"), 5, 6)
        assert after.ok, log.read_text()
    finally:
        stop.set()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
    engine = make_engine(database_url)
    with engine.connect() as connection:
        stored = set(connection.scalars(select(TicketRow.number)))
    engine.dispose()
    missing = set(acknowledged) - stored
    assert not missing, f"acknowledged but lost: {sorted(missing)}"
    sequence = sorted(int(n[1:]) for n in stored)
    assert sequence == list(range(1, len(sequence) + 1)), "numbers skipped or repeated"
    assert int(after.result["ticket"]["number"][1:]) == max(sequence)
    assert len(acknowledged) == len(set(acknowledged))
