"""The embedded broker is supervised: restarted when it dies, adopted or ended when orphaned."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from server.broker import PID_FILE, EmbeddedBroker, is_our_mosquitto
from shared.messaging import commands as c
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import BrokerAddress, PahoBus
from shared.messaging.topics import Topics
from shared.runtime import LOCAL_BROKER_FILE, connect_bus
from tests.helpers.sites import DEMO_CONFIG, ROOT

pytestmark = pytest.mark.integration
SITE = "hcc-demo"


def wait_until(check: Callable[[], bool], tries: int = 400, step: float = 0.05) -> bool:
    """Poll a condition a bounded number of times."""
    for _ in range(tries):
        if check():
            return True
        threading.Event().wait(step)
    return check()


def embedded_site(directory: Path) -> Path:
    """The demo site with no [broker] (so the server embeds one) and no health port."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "site.toml"
    path.write_text(DEMO_CONFIG.read_text("utf-8") + "\n[server]\nhealth_port = 0\n", "utf-8")
    return path


def start_server(config: Path, data: Path, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, MOTCUA_DATA_DIR=str(data))
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "admin.cli", "server", "--config", str(config)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )


def local_address(data: Path) -> BrokerAddress:
    raw = json.loads((data / LOCAL_BROKER_FILE).read_text("utf-8"))
    return BrokerAddress(raw["host"], raw["port"], raw["username"], raw["password"])


def issue(client: CommandClient) -> bool:
    reply = client.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"), 2, 10)
    return reply.ok


def test_a_killed_broker_comes_back_on_the_same_port_with_the_same_password(
    tmp_path: Path,
) -> None:
    broker = EmbeddedBroker(tmp_path / "broker")
    address = broker.start(supervise=True)
    bus = connect_bus(address, SITE, "watcher", "test")
    try:
        assert bus.wait_connected(10)
        first = broker.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        assert wait_until(lambda: broker.restarts >= 1 and broker.running()), "not restarted"
        assert broker.pid != first
        assert broker.address == address, "port or password changed"
        assert wait_until(lambda: bus.connected), "the client did not reconnect by itself"
    finally:
        bus.close()
        broker.stop()
    assert not is_our_mosquitto(first, broker.config_path)


def test_port_and_password_are_kept_across_broker_objects(tmp_path: Path) -> None:
    first = EmbeddedBroker(tmp_path / "broker")
    address = first.start()
    first.stop()
    second = EmbeddedBroker(tmp_path / "broker")
    try:
        assert second.start() == address
        state = tmp_path / "broker" / "broker.json"
        assert state.stat().st_mode & 0o777 == 0o600
        config = (tmp_path / "broker" / "mosquitto.conf").read_text()
        assert "persistence true" in config and "persistence_location" in config
    finally:
        second.stop()


def orphan_broker(directory: Path) -> int:
    """Start a broker from a process that is then SIGKILLed, leaving it orphaned; its pid."""
    code = (
        "import os, signal, sys; from pathlib import Path; "
        "from server.broker import EmbeddedBroker; "
        "b = EmbeddedBroker(Path(sys.argv[1])); b.start(); print(b.pid, flush=True); "
        "os.kill(os.getpid(), signal.SIGKILL)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(directory)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    return int(done.stdout.strip())


def test_an_orphaned_broker_is_adopted_on_its_port(tmp_path: Path) -> None:
    directory = tmp_path / "broker"
    orphan = orphan_broker(directory)
    broker = EmbeddedBroker(directory)
    try:
        assert is_our_mosquitto(orphan, broker.config_path), "the orphan should still run"
        broker.start(supervise=True)
        assert broker.adopted and broker.pid == orphan
        bus = connect_bus(broker.address, SITE, "watcher", "test")
        assert bus.wait_connected(10)
        bus.close()
        # An adopted broker is supervised too.
        os.kill(orphan, signal.SIGKILL)
        assert wait_until(lambda: broker.restarts >= 1 and broker.running())
        assert broker.pid != orphan and not broker.adopted
    finally:
        broker.stop()
    assert not is_our_mosquitto(orphan, broker.config_path)


def test_an_orphan_with_another_config_is_ended_and_replaced(tmp_path: Path) -> None:
    directory = tmp_path / "broker"
    orphan = orphan_broker(directory)
    port = json.loads((directory / "broker.json").read_text())["port"]
    broker = EmbeddedBroker(directory, acl="user motcua-local\ntopic readwrite #\n")
    try:
        broker.start()
        assert not broker.adopted and broker.pid != orphan
        assert not is_our_mosquitto(orphan, broker.config_path), "the orphan still runs"
        assert broker.port == port
        assert (directory / PID_FILE).read_text().strip() == str(broker.pid)
    finally:
        broker.stop()


def test_a_second_server_on_the_same_data_dir_is_refused(tmp_path: Path) -> None:
    from server.broker import BrokerError

    first = EmbeddedBroker(tmp_path / "broker")
    first.start()
    try:
        with pytest.raises(BrokerError):
            EmbeddedBroker(tmp_path / "broker").start()
        assert first.running()
    finally:
        first.stop()


def test_a_sigkilled_server_is_replaced_on_the_same_broker_and_clients_stay(
    tmp_path: Path,
) -> None:
    config = embedded_site(tmp_path)
    data = tmp_path / "data"
    log = tmp_path / "server.log"
    server = start_server(config, data, log)
    bus: PahoBus | None = None
    second: subprocess.Popen[bytes] | None = None
    try:
        assert wait_until(lambda: (data / LOCAL_BROKER_FILE).exists(), 600), log.read_text()
        address = local_address(data)
        bus = connect_bus(address, SITE, "kiosk-1", "kiosk")
        assert bus.wait_connected(10)
        kiosk = CommandClient(bus, Topics(SITE), "kiosk-1")
        assert issue(kiosk), log.read_text()
        broker_pid = int((data / "broker" / PID_FILE).read_text())
        server.send_signal(signal.SIGKILL)
        server.wait()
        config_path = data / "broker" / "mosquitto.conf"
        assert is_our_mosquitto(broker_pid, config_path), "the broker went down with the server"
        second = start_server(config, data, log)
        # The kiosk, on the address it read before, is served by the new server.
        assert issue(kiosk), log.read_text()
        assert local_address(data) == address
        assert int((data / "broker" / PID_FILE).read_text()) == broker_pid, "not adopted"
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0, log.read_text()
        assert not is_our_mosquitto(broker_pid, config_path), "a clean stop ends the broker"
    finally:
        if bus is not None:
            bus.close()
        for process in (server, second):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()


def test_the_embedded_broker_holds_each_device_to_its_own_topics(tmp_path: Path) -> None:
    from server.main import embedded_accounts
    from tests.helpers.sites import demo_config

    config = demo_config()
    directory = tmp_path / "broker"
    passwords, acl = embedded_accounts(config, directory)
    assert (directory / "credentials" / "kiosk-1.password").stat().st_mode & 0o777 == 0o600
    assert embedded_accounts(config, directory)[0] == passwords, "passwords are kept"
    broker = EmbeddedBroker(directory, users=passwords, acl=acl)
    address = broker.start()
    topics = Topics(SITE)
    got: list[str] = []
    buses: list[PahoBus] = []
    try:
        watcher = connect_bus(address, SITE, "watcher", "test")
        buses.append(watcher)
        assert watcher.wait_connected(10)
        watcher.subscribe(topics.commands(), lambda m: got.append(m.topic))
        anonymous = PahoBus(BrokerAddress("127.0.0.1", broker.port), "anonymous")
        buses.append(anonymous)
        assert not anonymous.wait_connected(3), "an anonymous client got in"

        def login(user: str) -> PahoBus:
            bus = connect_bus(
                BrokerAddress("127.0.0.1", broker.port, user, passwords[user]), SITE, user, "t"
            )
            buses.append(bus)
            assert bus.wait_connected(10), user
            return bus

        kiosk, counter = login("kiosk-1"), login("q01")
        kiosk.publish(topics.command("call_next", "q01"), b"{}")  # not its counter
        kiosk.publish(topics.command("issue_ticket", "q01"), b"{}")  # not its own id
        kiosk.publish(topics.command("issue_ticket", "kiosk-1"), b"{}")
        counter.publish(topics.command("call_next", "q01"), b"{}")
        assert wait_until(lambda: len(got) >= 2), got
        threading.Event().wait(0.5)  # a denied message that got through would be here by now
        assert sorted(got) == [
            topics.command("call_next", "q01"),
            topics.command("issue_ticket", "kiosk-1"),
        ]
    finally:
        for bus in buses:
            bus.close()
        broker.stop()
