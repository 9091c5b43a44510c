"""A real Mosquitto with the provisioned files: logins, denied publishes and reads, a served day."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from paho.mqtt.client import topic_matches_sub
from sqlalchemy.orm import Session, sessionmaker

from server.daemon import QueueServer
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.registry import COMMAND_TYPES
from shared.messaging.topics import INDEX_FROM_CENTRAL, INDEX_TO_CENTRAL, Topics
from shared.runtime import connect_bus
from tests.deploy.conftest import AclBroker
from tests.deploy.probe import NOT_AUTHORIZED, TIMEOUT, Probe
from tests.helpers.clock import FakeClock

pytestmark = pytest.mark.integration
T = Topics("hcc-demo")
Login = Callable[..., Probe]


def probe_topics(broker: AclBroker) -> list[str]:
    """Concrete topics touching every rule: each verb from each device, every state and reply."""
    users = [a.user for a in broker.accounts]
    devices = [u for u in users if not u.startswith("display-")]
    topics = [T.command(verb, d) for verb in COMMAND_TYPES for d in devices]
    topics += [T.reply(u) for u in users] + [T.status(u) for u in users]
    topics += [T.board("tang-1"), T.board("tang-2"), T.counter("q01"), T.counter("q02")]
    topics += [T.queues(), T.event("called"), T.event("issued"), T.status("printer-1")]
    topics += [T.index(kind) for kind in (*INDEX_TO_CENTRAL, *INDEX_FROM_CENTRAL)]
    topics += [f"{T.base}/other", "motcua/v1/other-site/state/queues", "elsewhere"]
    return topics


def test_every_role_connects_with_its_credentials(acl_broker: AclBroker, login: Login) -> None:
    for account in acl_broker.accounts:
        probe = login(account.user)
        assert probe.accepted, (account.user, probe.connack)


def test_anonymous_and_wrong_passwords_are_refused(acl_broker: AclBroker) -> None:
    attempts = [
        Probe(acl_broker.port, "anonymous", None, None),
        Probe(acl_broker.port, "kiosk-1", "kiosk-1", "wrong"),
        Probe(acl_broker.port, "q01", "q01", acl_broker.password("q02")),
        Probe(acl_broker.port, "nobody", "nobody", acl_broker.password("q01")),
    ]
    for probe in attempts:
        probe.close()
        assert probe.connack is not None and probe.connack.is_failure, probe.connack


def test_each_role_may_publish_exactly_its_topics(acl_broker: AclBroker, login: Login) -> None:
    topics = probe_topics(acl_broker)
    for account in acl_broker.accounts:
        codes = login(account.user).publish_all(topics)
        assert len(codes) == len(topics), account.user
        for topic, code in codes.items():
            allowed = any(topic_matches_sub(f, topic) for f in account.write)
            assert (code < 0x80) is allowed, (account.user, topic, code)
            assert allowed or code == NOT_AUTHORIZED


def test_a_kiosk_cannot_call_a_ticket(login: Login) -> None:
    kiosk = login("kiosk-1")
    codes = kiosk.publish_all([T.command("call_next", "kiosk-1"), T.command("call_next", "q01")])
    assert set(codes.values()) == {NOT_AUTHORIZED}
    assert (
        kiosk.publish_all([T.command("issue_ticket", "kiosk-1")])[
            T.command("issue_ticket", "kiosk-1")
        ]
        < 0x80
    )


def test_a_counter_cannot_act_as_another_counter(login: Login) -> None:
    """The ACL follows the user name: a console claiming client id q02 is still only q01."""
    for probe in (login("q01"), login("q01", client_id="q02")):
        codes = probe.publish_all([T.command("call_next", "q02"), T.command("call_next", "q01")])
        assert codes == {
            T.command("call_next", "q02"): NOT_AUTHORIZED,
            T.command("call_next", "q01"): 16,
        }


def test_a_display_publishes_nothing_but_its_status(acl_broker: AclBroker, login: Login) -> None:
    codes = login("display-tang-1").publish_all(probe_topics(acl_broker))
    allowed = {t for t, code in codes.items() if code < 0x80}
    assert allowed == {T.status("display-tang-1")}


@pytest.fixture
def listeners(acl_broker: AclBroker, login: Login) -> Iterator[dict[str, Probe]]:
    """Every non-server account subscribed to the whole site (Mosquitto grants any SUBSCRIBE)."""
    probes = {a.user: login(a.user) for a in acl_broker.accounts if a.role != "server"}
    for user, probe in probes.items():
        # Mosquitto's acl_file does not refuse subscriptions; it filters at delivery.
        assert probe.subscribe(T.everything()) == 1, user
    yield probes


def pump(probes: list[Probe], done: Callable[[], bool]) -> bool:
    """Run every probe's network loop in turn until `done()` or the timeout."""
    for _ in range(int(TIMEOUT / 0.005)):
        if done():
            return True
        for probe in probes:
            probe.client.loop(timeout=0.005 / max(len(probes), 1))
    return done()


def test_each_role_receives_only_what_it_may_read(
    acl_broker: AclBroker, login: Login, listeners: dict[str, Probe]
) -> None:
    server = login("server-hcc-demo")
    assert server.subscribe(T.commands()) == 1
    sent = [T.board("tang-1"), T.board("tang-2"), T.counter("q01"), T.counter("q02")]
    sent += [T.queues(), T.event("called"), T.event("issued"), T.reply("q01"), T.reply("kiosk-1")]
    command = T.command("call_next", "q01")
    # Its own client id: a second "q01" would take over the listening q01's session.
    assert login("q01", client_id="q01-second").publish_all([command])[command] == 0
    assert pump([server], lambda: server.received(command))
    # Sent after the command reached the server, so each sentinel arrives after everything else.
    sentinels = [T.reply(user) for user in listeners]
    assert all(code < 0x80 for code in server.publish_all(sent + sentinels).values())
    everyone = list(listeners.values())
    supervisor = listeners["supervisor"]

    def delivered() -> bool:
        own = all(p.received(T.reply(u)) for u, p in listeners.items())
        return own and all(supervisor.received(t) for t in sentinels)

    assert pump(everyone, delivered)
    for user, probe in listeners.items():
        read = acl_broker.account(user).read
        published = [command, *sent, *sentinels]
        expected = {t for t in published if any(topic_matches_sub(f, t) for f in read)}
        assert {m.topic for m in probe.messages} == expected, user
    assert listeners["display-tang-1"].received(T.board("tang-1"))
    assert not listeners["display-tang-1"].received(T.board("tang-2"))
    assert not listeners["kiosk-1"].received(command)
    # Counters read every state (a supervisor may log in at any counter), not others' replies.
    assert listeners["q02"].received(T.counter("q01"))
    assert not listeners["q02"].received(T.reply("q01"))


def test_the_queue_server_serves_a_kiosk_and_a_counter_under_the_acl(
    acl_broker: AclBroker, demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    def bus(user: str, role: str) -> PahoBus:
        made = connect_bus(acl_broker.address(user), demo_site.id, user, role)
        buses.append(made)
        assert made.wait_connected(10), user
        return made

    buses: list[PahoBus] = []
    server: QueueServer | None = None
    try:
        server = QueueServer(demo_site, sessions, bus(f"server-{demo_site.id}", "server"), clock)
        server.start()
        call_shown = threading.Event()
        bus("display-tang-1", "display").subscribe(T.event("called"), lambda m: call_shown.set())
        kiosk = CommandClient(bus("kiosk-1", "kiosk"), T, "kiosk-1")
        counter = CommandClient(bus("q01", "counter"), T, "q01")
        issued = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"))
        assert issued.ok, issued.error
        opened = counter.send(c.OpenCounter(request_id=new_request_id(), officer_id="cb01"))
        assert opened.ok, opened.error
        called = counter.send(c.CallNext(request_id=new_request_id()))
        assert called.ok, called.error
        assert called.result["ticket"]["number"] == issued.result["ticket"]["number"]
        assert call_shown.wait(TIMEOUT), "the display did not get the call"
    finally:
        if server is not None:
            server.stop()
        for made in buses:
            made.close()
