"""A branch Mosquitto bridged to a central one provisioned by `motcua central-broker`.

Events, state and the index feed go out; look-ups and the index's answers come in; nothing else.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from admin import bridge
from admin import central_provision as cp
from admin import provision as p
from server.accounts import ProvisionError, credential_path
from server.broker import free_port, wait_for_port
from shared.messaging.topics import Topics
from tests.deploy.conftest import (
    broker_config_for_test,
    central_broker_config,
    start_mosquitto,
    stop_process,
)
from tests.deploy.probe import NOT_AUTHORIZED, Probe
from tests.helpers.sites import demo_config

pytestmark = pytest.mark.integration
T = Topics("hcc-demo")
SPY = "spy"
SPY_PASSWORD = "spy-secret"
REMAPPED = "tinh/hcm/motcua/v1/hcc-demo"
needs_mosquitto_passwd = pytest.mark.skipif(
    shutil.which("mosquitto_passwd") is None, reason="mosquitto is not installed"
)


@dataclass
class BridgedPair:
    """A provisioned branch broker bridged to a central broker, both on free loopback ports."""

    branch_port: int
    central_port: int
    branch_dir: Path
    central_dir: Path
    remote_base: str

    def branch(self, user: str, client_id: str = "") -> Probe:
        secret = credential_path(self.branch_dir, user).read_text(encoding="utf-8").strip()
        return Probe(self.branch_port, client_id or user, user, secret)

    def central(self, user: str) -> Probe:
        secret = credential_path(self.central_dir, user).read_text(encoding="utf-8").strip()
        return Probe(self.central_port, user, user, secret)

    def spy(self) -> Probe:
        return Probe(self.central_port, SPY, SPY, SPY_PASSWORD)

    def remote(self, local_topic: str) -> str:
        return self.remote_base + local_topic.removeprefix(T.base)

    def wait_for_the_link(self, observer: Probe) -> None:
        """Publish a retained state in the branch until the observer sees it at the centre."""
        # Its own client id: a second "server-hcc-demo" would take over the test's session.
        server = self.branch("server-hcc-demo", "server-hcc-demo-link")
        try:
            observer.subscribe(self.remote(T.queues()))
            server.client.publish(T.queues(), b'{"probe": 1}', qos=1, retain=True)
            server.wait_for(lambda: False, 0.1)
            assert observer.wait_for(lambda: observer.received(self.remote(T.queues())), 15), (
                self.branch_dir.parent / "branch.log"
            ).read_text()
        finally:
            server.close()


def with_spy(central_dir: Path, test_dir: Path) -> tuple[Path, Path]:
    """Copies of the generated passwd and acl, plus a test-only account that reads everything."""
    passwd, acl = test_dir / "passwd", test_dir / "acl"
    shutil.copy(central_dir / "passwd", passwd)
    subprocess.run(["mosquitto_passwd", "-b", str(passwd), SPY, SPY_PASSWORD], check=True)
    acl.write_text((central_dir / "acl").read_text() + f"\nuser {SPY}\ntopic read #\n")
    return passwd, acl


def provision_pair(tmp_path: Path, prefix: str, central_port: int) -> tuple[Path, Path]:
    """Provision the central (one site) and the branch bridged with the password it issued."""
    central_dir, branch_dir = tmp_path / "central", tmp_path / "branch"
    cp.provision_central(central_dir, cp.CentralRequest((cp.SiteRequest("hcc-demo", prefix),)))
    p.provision(demo_config(), branch_dir)
    issued = credential_path(central_dir, bridge.bridge_user("hcc-demo"))
    target = bridge.BridgeTarget.parse(f"127.0.0.1:{central_port}")
    p.provision_bridge(demo_config(), branch_dir, p.BridgeOptions(target, prefix, "", str(issued)))
    return central_dir, branch_dir


@pytest.fixture(params=["", REMAPPED], ids=["same-topics", "remapped"])
def bridged(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BridgedPair]:
    if shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto is not installed")
    prefix: str = request.param
    central_port, branch_port = free_port(), free_port()
    central_dir, branch_dir = provision_pair(tmp_path, prefix, central_port)
    passwd, acl = with_spy(central_dir, tmp_path)
    central_text = central_broker_config(tmp_path, central_port, passwd, acl)
    central = start_mosquitto(tmp_path, central_text, "central")
    branch_text = broker_config_for_test(branch_dir, branch_port)
    branch = start_mosquitto(tmp_path, branch_text, "branch")
    try:
        for port, name in ((central_port, "central"), (branch_port, "branch")):
            assert wait_for_port(port, 10), (tmp_path / f"{name}.log").read_text()
        yield BridgedPair(branch_port, central_port, branch_dir, central_dir, prefix or T.base)
    finally:
        stop_process(branch)
        stop_process(central)


@needs_mosquitto_passwd
def test_bridge_conf_remaps_the_site_prefix_and_keeps_the_password_private(tmp_path: Path) -> None:
    issued = tmp_path / "issued.password"
    issued.write_text("x" * 32 + "\n")
    target = bridge.BridgeTarget.parse("central.example:8883")
    options = p.BridgeOptions(target, REMAPPED, "/etc/ca.crt", str(issued))
    assert p.provision_bridge(demo_config(), tmp_path, options) == ["bridge-hcc-demo"]
    path = tmp_path / bridge.CONF_DIR / bridge.BRIDGE_CONF
    text = path.read_text()
    assert "address central.example:8883" in text and "bridge_cafile /etc/ca.crt" in text
    assert f"remote_password {'x' * 32}\n" in text
    assert f"topic evt/+ out 1 {T.base}/ {REMAPPED}/" in text
    assert f"topic cmd/ticket_status/central in 1 {T.base}/ {REMAPPED}/" in text
    assert f"topic index/dossier out 1 {T.base}/ {REMAPPED}/" in text
    assert f"topic index/answer in 1 {T.base}/ {REMAPPED}/" in text
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    assert not (tmp_path / "central").exists()
    with pytest.raises(ValueError):
        bridge.BridgeTarget.parse("no-port")


@needs_mosquitto_passwd
def test_the_branch_keeps_the_issued_password_until_the_centre_issues_another(
    tmp_path: Path,
) -> None:
    target = bridge.BridgeTarget.parse("central.example:8883")
    with pytest.raises(ProvisionError, match="central-broker"):
        p.provision_bridge(demo_config(), tmp_path, p.BridgeOptions(target))
    issued = tmp_path / "issued.password"
    issued.write_text("bad password with spaces\n")
    with pytest.raises(ProvisionError):
        p.provision_bridge(
            demo_config(), tmp_path, p.BridgeOptions(target, password_file=str(issued))
        )
    issued.write_text("a" * 32 + "\n")
    p.provision_bridge(demo_config(), tmp_path, p.BridgeOptions(target, password_file=str(issued)))
    conf = tmp_path / bridge.CONF_DIR / bridge.BRIDGE_CONF
    first = conf.read_bytes()
    # A later run (e.g. `--rotate` of the branch's devices) needs no file and keeps it.
    p.provision(demo_config(), tmp_path, rotate=True)
    assert p.provision_bridge(demo_config(), tmp_path, p.BridgeOptions(target)) == []
    assert conf.read_bytes() == first
    issued.write_text("b" * 32 + "\n")
    made = p.provision_bridge(
        demo_config(), tmp_path, p.BridgeOptions(target, password_file=str(issued))
    )
    assert made == ["bridge-hcc-demo"] and f"remote_password {'b' * 32}\n" in conf.read_text()


@needs_mosquitto_passwd
def test_a_branch_rerun_leaves_its_password_file_byte_identical(tmp_path: Path) -> None:
    p.provision(demo_config(), tmp_path)
    first = (tmp_path / "passwd").read_bytes(), (tmp_path / "acl").read_bytes()
    p.provision(demo_config(), tmp_path)
    assert ((tmp_path / "passwd").read_bytes(), (tmp_path / "acl").read_bytes()) == first


def test_an_event_published_in_the_branch_arrives_at_the_central_broker(
    bridged: BridgedPair,
) -> None:
    watcher, spy = bridged.central("watcher"), bridged.spy()
    server = None
    try:
        assert spy.subscribe("#") is not None and watcher.subscribe("#") is not None
        bridged.wait_for_the_link(watcher)
        server = bridged.branch("server-hcc-demo")
        codes = server.publish_all([T.event("called"), T.reply("q01"), T.index("dossier")])
        assert all(code < 0x80 for code in codes.values())
        kiosk = bridged.branch("kiosk-1")
        kiosk.publish_all([T.command("issue_ticket", "kiosk-1")])
        kiosk.close()
        assert watcher.wait_for(lambda: watcher.received(bridged.remote(T.event("called"))))
        assert spy.wait_for(lambda: spy.received(bridged.remote(T.index("dossier"))))
        spy.wait_for(lambda: False, 0.3)
        # Nothing else of the branch leaves it: commands and other replies stay local.
        assert not any("/cmd/" in m.topic or "/reply/" in m.topic for m in spy.messages)
        assert not watcher.received(bridged.remote(T.index("dossier")))
    finally:
        for probe in (watcher, spy, server):
            if probe is not None:
                probe.close()


def test_a_central_lookup_reaches_the_branch_with_its_reply_topic(bridged: BridgedPair) -> None:
    server = bridged.branch("server-hcc-demo")
    lookup = bridged.central("lookup")
    try:
        asked = T.command("ticket_status", bridge.CENTRAL_DEVICE)
        assert server.subscribe(T.commands()) is not None
        assert lookup.subscribe(bridged.remote(T.reply(bridge.CENTRAL_DEVICE))) is not None
        watcher = bridged.central("watcher")
        bridged.wait_for_the_link(watcher)
        watcher.close()
        properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        # The bridge does not rewrite properties: reply on the branch's own topic name.
        properties.ResponseTopic = T.reply(bridge.CENTRAL_DEVICE)
        properties.CorrelationData = b"req-1"
        other = bridged.remote(T.command("call_next", bridge.CENTRAL_DEVICE))
        assert lookup.publish_all([other]) == {other: NOT_AUTHORIZED}
        lookup.client.publish(bridged.remote(asked), b"{}", qos=1, properties=properties)
        assert server.wait_for(lambda: server.received(asked))
        message = next(m for m in server.messages if m.topic == asked)
        assert message.properties.CorrelationData == b"req-1"  # type: ignore[union-attr]
        assert message.properties.ResponseTopic == T.reply(bridge.CENTRAL_DEVICE)  # type: ignore[union-attr]
        assert not server.received(T.command("call_next", bridge.CENTRAL_DEVICE))
        server.publish_all([T.reply(bridge.CENTRAL_DEVICE)])
        assert lookup.wait_for(lambda: lookup.received(bridged.remote(T.reply("central"))))
    finally:
        server.close()
        lookup.close()


def test_the_index_feed_goes_out_and_its_answers_come_back(bridged: BridgedPair) -> None:
    server = bridged.branch("server-hcc-demo")
    index = bridged.central("central")
    try:
        assert index.subscribe(bridged.remote(f"{T.base}/index/+")) is not None
        assert server.subscribe(f"{T.base}/#") is not None
        watcher = bridged.central("watcher")
        bridged.wait_for_the_link(watcher)
        watcher.close()
        sent = [T.index("dossier"), T.index("lookup")]
        assert all(code < 0x80 for code in server.publish_all(sent).values())
        assert index.wait_for(lambda: all(index.received(bridged.remote(t)) for t in sent))
        answers = [T.index("ack"), T.index("answer")]
        command = T.command("call_next", "q01")
        codes = index.publish_all([bridged.remote(t) for t in [*answers, command]])
        assert codes[bridged.remote(command)] == NOT_AUTHORIZED
        assert server.wait_for(lambda: all(server.received(t) for t in answers))
        server.wait_for(lambda: False, 0.3)
        assert not server.received(command)
    finally:
        server.close()
        index.close()


def test_the_web_pages_commands_reach_the_branch_and_their_replies_come_back(
    bridged: BridgedPair,
) -> None:
    """`motcua web` at the centre asks a branch as device `web`; nothing else of its gets in."""
    server = bridged.branch("server-hcc-demo")
    web = bridged.central("web")
    try:
        assert server.subscribe(T.commands()) is not None
        assert web.subscribe(bridged.remote(T.reply("web"))) is not None
        watcher = bridged.central("watcher")
        bridged.wait_for_the_link(watcher)
        watcher.close()
        forbidden = bridged.remote(T.command("issue_ticket", "web"))
        assert web.publish_all([forbidden]) == {forbidden: NOT_AUTHORIZED}
        for verb in ("ticket_status", "look_up_dossier"):
            properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
            properties.ResponseTopic = T.reply("web")
            properties.CorrelationData = verb.encode()
            asked = T.command(verb, "web")
            web.client.publish(bridged.remote(asked), b"{}", qos=1, properties=properties)
            assert server.wait_for(lambda asked=asked: server.received(asked)), verb
        server.publish_all([T.reply("web")])
        assert web.wait_for(lambda: web.received(bridged.remote(T.reply("web"))))
    finally:
        server.close()
        web.close()
