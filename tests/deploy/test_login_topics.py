"""Login commands carry a PIN: only the server and the sending counter may touch their topic."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from paho.mqtt.client import topic_matches_sub
from sqlalchemy.orm import Session, sessionmaker

from server.accounts import Account, site_accounts
from server.main import build_queue_server
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.registry import COMMAND_TYPES, SECRET_VERBS
from shared.messaging.topics import Topics
from shared.runtime import connect_bus
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.deploy.conftest import TEMPLATE, AclBroker
from tests.deploy.probe import Probe
from tests.deploy.test_broker_acl import pump
from tests.helpers.clock import FakeClock
from tests.helpers.sites import demo_config

T = Topics("hcc-demo")
Login = Callable[..., Probe]
PIN = "739154"


def may_read(account: Account, topic: str) -> bool:
    return any(topic_matches_sub(f, topic) for f in account.read)


def test_no_account_but_the_server_may_read_a_login() -> None:
    """The audit: the supervisor read `motcua/v1/{site}/#`, so it received every PIN."""
    login = T.command("officer_login", "q01")
    readers = {a.user for a in site_accounts(demo_config()) if may_read(a, login)}
    assert readers == {"server-hcc-demo"}


def test_the_supervisor_still_reads_everything_else() -> None:
    supervisor = next(a for a in site_accounts(demo_config()) if a.role == "supervisor")
    for verb in COMMAND_TYPES.keys() - SECRET_VERBS:
        assert may_read(supervisor, T.command(verb, "q01")), verb
    for topic in (T.counter("q01"), T.board("tang-1"), T.event("called"), T.status("kiosk-1")):
        assert may_read(supervisor, topic), topic
    assert may_read(supervisor, T.reply("q01")) and may_read(supervisor, T.late_dossiers())


@pytest.mark.integration
def test_a_supervisor_subscribed_to_everything_never_receives_a_login(
    acl_broker: AclBroker, login: Login
) -> None:
    server = login("server-hcc-demo")
    assert server.subscribe(T.commands()) == 1
    spies = [login("supervisor"), login("q02"), login("kiosk-1"), login("external")]
    for spy in spies:
        assert spy.subscribe(T.everything()) == 1
    command = T.command("officer_login", "q01")
    other = T.command("call_next", "q01")
    sender = login("q01", client_id="q01-sender")
    assert all(code < 0x80 for code in sender.publish_all([command, other]).values())
    assert pump([server, *spies], lambda: server.received(command) and spies[0].received(other))
    for spy in spies:
        assert not spy.received(command)


def test_the_shipped_broker_config_serves_plain_mqtt_only_on_loopback() -> None:
    """On the LAN only TLS: a plain listener elsewhere would carry PINs in clear text."""
    listeners = _listeners(TEMPLATE)
    assert listeners, "no listener in the template"
    plain = [(port, host, tls) for port, host, tls in listeners if not tls]
    assert all(host == "127.0.0.1" for _, host, _ in plain), plain
    assert any(tls for _, _, tls in listeners), "no TLS listener"


def _listeners(path: Path) -> list[tuple[str, str, bool]]:
    """(port, bind address, has certfile) for each `listener` block of a Mosquitto config."""
    found: list[tuple[str, str, bool]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        words = line.split()
        if not words or words[0].startswith("#"):
            continue
        if words[0] == "listener":
            found.append((words[1], words[2] if len(words) > 2 else "", False))
        elif words[0] == "certfile" and found:
            port, host, _ = found[-1]
            found[-1] = (port, host, True)
    assert not re.search(r"^\s*allow_anonymous\s+true", path.read_text(), re.M)
    return found


@pytest.mark.integration
def test_a_server_with_a_login_connection_serves_logins_and_tickets_under_the_acl(
    acl_broker: AclBroker, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    """As `motcua server` runs: logins on a second connection of the server's account."""
    config = demo_config()
    with sessions.begin() as session:
        OfficerRepository(session, config.site.id).upsert(
            "cb01", "Trần Thị Bình", ("q01",), hash_password(PIN), clock()
        )
    buses: list[PahoBus] = []

    def bus(user: str, client_id: str | None = None) -> PahoBus:
        made = connect_bus(acl_broker.address(user), config.site.id, client_id or user, "test")
        buses.append(made)
        assert made.wait_connected(10), user
        return made

    server_user = f"server-{config.site.id}"
    login_bus = PahoBus(acl_broker.address(server_user), f"{server_user}-logins")
    buses.append(login_bus)
    assert login_bus.wait_connected(10)
    server = build_queue_server(config, sessions, bus(server_user), clock, login_bus=login_bus)
    server.start()
    try:
        counter = CommandClient(bus("q01"), T, "q01")
        kiosk = CommandClient(bus("kiosk-1"), T, "kiosk-1")
        wrong = counter.send(
            dc.OfficerLogin(request_id=new_request_id(), officer_id="cb01", password="402817"),
            10,
            1,
        )
        assert wrong.error is not None and wrong.error.code.value == "forbidden"
        right = counter.send(
            dc.OfficerLogin(request_id=new_request_id(), officer_id="cb01", password=PIN), 10, 1
        )
        assert right.ok, right.error
        ticket = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"), 10, 1)
        assert ticket.ok, ticket.error
        called = counter.send(c.CallNext(request_id=new_request_id()), 10, 1)
        assert called.ok and called.result["ticket"]["number"] == ticket.result["ticket"]["number"]
    finally:
        server.stop()
        for made in buses:
            made.close()
