"""A real central Mosquitto run with the files `motcua central-broker` wrote for 3 branches."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from admin import bridge
from admin import central_provision as cp
from server.accounts import credential_path
from server.broker import free_port, wait_for_port
from shared.messaging.topics import Topics
from tests.deploy.conftest import central_broker_config, start_mosquitto, stop_process
from tests.deploy.probe import NOT_AUTHORIZED, Probe

pytestmark = pytest.mark.integration
SITES = ("hcc-a", "hcc-b", "hcc-c")
RELOAD_TIMEOUT = 10.0


@dataclass
class CentralBroker:
    """A central Mosquitto on a loopback port, reading the provisioned passwd and acl."""

    port: int
    out: Path
    process: subprocess.Popen[bytes]

    def password(self, user: str) -> str:
        """Return an account's password from the central's credentials/."""
        return credential_path(self.out, user).read_text(encoding="utf-8").strip()

    def login(self, user: str, password: str | None = None) -> Probe:
        """Connect as a central account (client id = user name)."""
        secret = self.password(user) if password is None else password
        return Probe(self.port, user, user, secret)

    def accepts(self, user: str, password: str) -> bool:
        """Tell whether the broker lets this user in with this password."""
        probe = Probe(self.port, f"{user}-try", user, password)
        probe.close()
        return probe.accepted

    def reload(self, done: str, password: str) -> bool:
        """Reload the files as `systemctl reload` does (SIGHUP); wait until `done` gets in."""
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + RELOAD_TIMEOUT
        while time.monotonic() < deadline:
            if self.accepts(done, password):
                return True
            time.sleep(0.1)
        return False


@pytest.fixture
def central(tmp_path: Path) -> Iterator[CentralBroker]:
    if shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto is not installed")
    out = tmp_path / "central"
    cp.provision_central(out, cp.CentralRequest(tuple(cp.SiteRequest(s) for s in SITES)))
    port = free_port()
    config = central_broker_config(out, port, out / "passwd", out / "acl")
    process = start_mosquitto(tmp_path, config, "central")
    try:
        assert wait_for_port(port, 10), (tmp_path / "central.log").read_text()
        yield CentralBroker(port, out, process)
    finally:
        stop_process(process)


def test_every_account_connects_and_a_wrong_password_is_refused(central: CentralBroker) -> None:
    for user in ("central", "watcher", "lookup", "web", *map(bridge.bridge_user, SITES)):
        assert central.accepts(user, central.password(user)), user
    assert not central.accepts("bridge-hcc-a", central.password("bridge-hcc-b"))
    assert not central.accepts("bridge-hcc-a", "wrong")


def test_a_rotated_site_refuses_its_old_password_and_takes_the_new_one(
    central: CentralBroker,
) -> None:
    user = bridge.bridge_user("hcc-b")
    before = {u: central.password(u) for u in map(bridge.bridge_user, SITES)}
    connected = central.login(user)
    cp.provision_central(central.out, cp.CentralRequest(rotate=("hcc-b",)))
    new = central.password(user)
    assert new != before[user]
    assert central.reload(user, new), "the new password was not taken after a reload"
    assert not central.accepts(user, before[user])
    # The reload also drops the session that logged in with the old password.
    assert connected.wait_for(lambda: not connected.client.is_connected())
    connected.close()
    for other in ("hcc-a", "hcc-c"):
        assert central.password(bridge.bridge_user(other)) == before[bridge.bridge_user(other)]
        assert central.accepts(bridge.bridge_user(other), before[bridge.bridge_user(other)])


def test_a_removed_site_is_refused_and_the_others_stay(central: CentralBroker) -> None:
    removed = bridge.bridge_user("hcc-c")
    old = central.password(removed)
    cp.provision_central(central.out, cp.CentralRequest(remove=("hcc-c",)))
    # A site added now is in once the reload is done: then the removal is in force too.
    cp.provision_central(central.out, cp.CentralRequest((cp.SiteRequest("hcc-d"),)))
    assert central.reload("bridge-hcc-d", central.password("bridge-hcc-d"))
    assert not central.accepts(removed, old)
    assert central.accepts("bridge-hcc-a", central.password("bridge-hcc-a"))


def test_a_bridge_account_writes_only_its_own_sites_topics(central: CentralBroker) -> None:
    a, b = Topics("hcc-a"), Topics("hcc-b")
    probe = central.login("bridge-hcc-a")
    try:
        codes = probe.publish_all(
            [a.index("dossier"), a.event("called"), b.index("dossier"), a.command("call_next", "x")]
        )
    finally:
        probe.close()
    assert codes[a.index("dossier")] < 0x80 and codes[a.event("called")] < 0x80
    assert codes[b.index("dossier")] == NOT_AUTHORIZED
    assert codes[a.command("call_next", "x")] == NOT_AUTHORIZED


def test_the_central_index_reads_every_sites_dossiers_and_sends_no_command(
    central: CentralBroker,
) -> None:
    index = central.login("central")
    bridges = [central.login(bridge.bridge_user(s)) for s in SITES]
    try:
        assert index.subscribe("motcua/v1/#") is not None
        for site, probe in zip(SITES, bridges, strict=True):
            topics = [Topics(site).index("dossier"), Topics(site).event("called")]
            assert all(code < 0x80 for code in probe.publish_all(topics).values())
        dossiers = [Topics(s).index("dossier") for s in SITES]
        assert index.wait_for(lambda: all(index.received(t) for t in dossiers))
        index.wait_for(lambda: False, 0.3)
        # Its reads are the index topics only: no event reaches it.
        assert not index.received(Topics("hcc-a").event("called"))
        a = Topics("hcc-a")
        lookup = a.command(bridge.LOOKUP_VERB, bridge.CENTRAL_DEVICE)
        call = a.command("call_next", "q01")
        codes = index.publish_all([a.index("ack"), a.index("answer"), lookup, call])
        assert codes[a.index("ack")] < 0x80 and codes[a.index("answer")] < 0x80
        assert codes[lookup] == NOT_AUTHORIZED and codes[call] == NOT_AUTHORIZED
    finally:
        for probe in (index, *bridges):
            probe.close()


def test_the_watcher_reads_events_and_may_publish_nothing(central: CentralBroker) -> None:
    watcher = central.login("watcher")
    sender = central.login("bridge-hcc-b")
    try:
        b = Topics("hcc-b")
        assert watcher.subscribe("#") is not None
        assert all(c < 0x80 for c in sender.publish_all([b.index("dossier"), b.queues()]).values())
        assert watcher.wait_for(lambda: watcher.received(b.queues()))
        assert not watcher.received(b.index("dossier"))
        codes = watcher.publish_all([b.index("ack"), b.command("ticket_status", "central")])
        assert set(codes.values()) == {NOT_AUTHORIZED}
    finally:
        watcher.close()
        sender.close()
