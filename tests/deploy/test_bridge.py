"""A branch Mosquitto bridged to a central one: events and state go out, lookups come in."""

from __future__ import annotations

import getpass
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from admin import bridge
from admin import provision as p
from server.accounts import credential_path
from server.broker import free_port, wait_for_port
from shared.messaging.topics import Topics
from tests.deploy.conftest import broker_config_for_test, start_mosquitto, stop_process
from tests.deploy.probe import Probe
from tests.helpers.sites import demo_config

pytestmark = pytest.mark.integration
T = Topics("hcc-demo")
WATCHER = "watcher"
WATCHER_PASSWORD = "watcher-secret"
REMAPPED = "tinh/hcm/motcua/v1/hcc-demo"


@dataclass
class BridgedPair:
    """A provisioned branch broker bridged to a central broker, both on free loopback ports."""

    branch_port: int
    central_port: int
    out: Path
    remote_base: str

    def branch(self, user: str) -> Probe:
        secret = credential_path(self.out, user).read_text(encoding="utf-8").strip()
        return Probe(self.branch_port, user, user, secret)

    def central(self) -> Probe:
        return Probe(self.central_port, WATCHER, WATCHER, WATCHER_PASSWORD)

    def remote(self, local_topic: str) -> str:
        return self.remote_base + local_topic.removeprefix(T.base)


def central_config(out: Path, port: int) -> str:
    """The central broker: the branch's bridge account (generated) plus a watcher that sees all."""
    user = bridge.bridge_user("hcc-demo")
    central = out / bridge.CENTRAL_DIR
    passwd = central / "passwd"
    passwd.write_text((central / f"{user}.passwd").read_text())
    subprocess.run(["mosquitto_passwd", "-b", str(passwd), WATCHER, WATCHER_PASSWORD], check=True)
    acl = central / "acl"
    acl.write_text((central / f"{user}.acl").read_text() + f"\nuser {WATCHER}\ntopic readwrite #\n")
    lines = [
        f"listener {port} 127.0.0.1",
        "allow_anonymous false",
        f"password_file {passwd}",
        f"acl_file {acl}",
        "persistence false",
        "log_dest stderr",
        # As root Mosquitto would drop to `mosquitto`, who cannot read the test's files.
        f"user {getpass.getuser()}",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(params=["", REMAPPED], ids=["same-topics", "remapped"])
def bridged(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[BridgedPair]:
    if p.shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto is not installed")
    prefix: str = request.param
    config = demo_config()
    central_port, branch_port = free_port(), free_port()
    p.provision(config, tmp_path)
    target = bridge.BridgeTarget.parse(f"127.0.0.1:{central_port}")
    p.provision_bridge(config, tmp_path, p.BridgeOptions(target, prefix))
    central = start_mosquitto(tmp_path, central_config(tmp_path, central_port), "central")
    branch = start_mosquitto(tmp_path, broker_config_for_test(tmp_path, branch_port), "branch")
    try:
        for port, name in ((central_port, "central"), (branch_port, "branch")):
            assert wait_for_port(port, 10), (tmp_path / f"{name}.log").read_text()
        yield BridgedPair(branch_port, central_port, tmp_path, prefix or T.base)
    finally:
        stop_process(branch)
        stop_process(central)


def test_bridge_conf_remaps_the_site_prefix_and_keeps_the_password_private(tmp_path: Path) -> None:
    if p.shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto is not installed")
    target = bridge.BridgeTarget.parse("central.example:8883")
    p.provision_bridge(demo_config(), tmp_path, p.BridgeOptions(target, REMAPPED, "/etc/ca.crt"))
    path = tmp_path / bridge.CONF_DIR / bridge.BRIDGE_CONF
    text = path.read_text()
    assert "address central.example:8883" in text and "bridge_cafile /etc/ca.crt" in text
    assert f"topic evt/+ out 1 {T.base}/ {REMAPPED}/" in text
    assert f"topic cmd/ticket_status/central in 1 {T.base}/ {REMAPPED}/" in text
    assert oct(path.stat().st_mode & 0o777) == "0o640"
    with pytest.raises(ValueError):
        bridge.BridgeTarget.parse("no-port")


def test_an_event_published_in_the_branch_arrives_at_the_central_broker(
    bridged: BridgedPair,
) -> None:
    server = bridged.branch("server-hcc-demo")
    central = bridged.central()
    try:
        assert central.subscribe(bridged.remote(T.everything())) is not None
        # A retained state proves the bridge is up: it is forwarded as soon as the link is.
        server.client.publish(T.queues(), b'{"probe": 1}', qos=1, retain=True)
        assert central.wait_for(lambda: central.received(bridged.remote(T.queues())), 15), (
            bridged.out / "branch.log"
        ).read_text()
        codes = server.publish_all([T.event("called")])
        assert codes == {T.event("called"): 0}
        assert central.wait_for(lambda: central.received(bridged.remote(T.event("called"))))
        # Nothing else of the branch leaves it: commands and other replies stay local.
        assert not any("/cmd/" in m.topic for m in central.messages)
    finally:
        server.close()
        central.close()


def test_a_central_lookup_reaches_the_branch_with_its_reply_topic(bridged: BridgedPair) -> None:
    server = bridged.branch("server-hcc-demo")
    central = bridged.central()
    try:
        lookup = T.command("ticket_status", bridge.CENTRAL_DEVICE)
        assert server.subscribe(T.commands()) is not None
        # Wait for the bridge: a retained state from the branch shows it is connected.
        central.subscribe(bridged.remote(T.states()))
        server.client.publish(T.queues(), b"{}", qos=1, retain=True)
        assert central.wait_for(lambda: central.received(bridged.remote(T.queues())), 15)
        properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        # The bridge does not rewrite properties: reply on the branch's own topic name.
        properties.ResponseTopic = T.reply(bridge.CENTRAL_DEVICE)
        properties.CorrelationData = b"req-1"
        other = bridged.remote(T.command("call_next", bridge.CENTRAL_DEVICE))
        central.client.publish(other, b"{}", qos=1)
        central.client.publish(bridged.remote(lookup), b"{}", qos=1, properties=properties)
        central.wait_for(lambda: False, 0.3)
        assert server.wait_for(lambda: server.received(lookup))
        message = next(m for m in server.messages if m.topic == lookup)
        assert message.properties.CorrelationData == b"req-1"  # type: ignore[union-attr]
        assert message.properties.ResponseTopic == T.reply(bridge.CENTRAL_DEVICE)  # type: ignore[union-attr]
        assert not server.received(T.command("call_next", bridge.CENTRAL_DEVICE))
    finally:
        server.close()
        central.close()
