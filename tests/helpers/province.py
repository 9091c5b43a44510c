"""Branches with their own databases and the central index, for tests of the provincial index."""

from __future__ import annotations

import getpass
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from server.daemon import QueueServer
from server.dossier_service import DossierSettings
from server.index_entry import IndexSettings
from shared.domain.site import Site
from shared.messaging import dossier_commands as dc
from shared.messaging.bus import Bus
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.commands import Command
from shared.messaging.replies import Reply
from shared.messaging.topics import INDEX_FROM_CENTRAL, INDEX_TO_CENTRAL, Topics
from shared.storage.catalogue import CatalogueRepository
from shared.storage.engine import open_database
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.helpers.clock import FakeClock
from tests.helpers.index_entries import KEY
from tests.helpers.procedures import PROCEDURES
from tests.helpers.sites import demo_config

# Monday 7 December 2026, 09:00 in Hà Nội.
MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
CITIZEN = {
    "name": "Nguyễn Văn An",
    "id_number": "001090000001",
    "address": "Số 5 Lê Lợi, phường Trung Tâm",
    "phone": "0912 345 678",
    "email": "an@example.vn",
}
DIGITS = "5678"
# Branch id → (agency code, name said to citizens).
BRANCHES = {
    "hcc-a": ("000.00.17.H97", "Chi nhánh Quận Một"),
    "hcc-b": ("000.00.17.H98", "Chi nhánh Quận Hai"),
}


def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    """Poll a condition until it holds or the time is up; return whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def branch_database(folder: Path, site_id: str) -> sessionmaker[Session]:
    """A branch's own SQLite database with the demo catalogue and an officer at q04."""
    sessions = open_database(f"sqlite:///{folder / f'{site_id}.db'}")
    with sessions.begin() as session:
        CatalogueRepository(session, site_id).replace_all(PROCEDURES, MONDAY)
        officers = OfficerRepository(session, site_id)
        officers.upsert("cb04", "Trần Thị Bình", ("q04",), hash_password("1234"), MONDAY)
    return sessions


def branch_site(site_id: str) -> tuple[Site, DossierSettings]:
    """The demo site renamed as one branch, taking part in the index with the test key."""
    config = demo_config()
    agency, name = BRANCHES[site_id]
    site = replace(config.to_domain(), id=site_id, name=name)
    index = IndexSettings(KEY, name, answer_timeout=1.0, resend_seconds=0.5)
    settings = replace(DossierSettings.from_config(config), agency_code=agency, index=index)
    return site, settings


def start_branch(
    site_id: str, sessions: sessionmaker[Session], bus: Bus, clock: FakeClock, **changes: Any
) -> QueueServer:
    """Start a branch's queue server (its writer thread runs) on a bus."""
    site, settings = branch_site(site_id)
    if changes:
        settings = replace(settings, **changes)
    server = QueueServer(site, sessions, bus, clock, settings)
    server.start()
    return server


class Device:
    """A kiosk or counter of one branch, sending commands with fresh request ids."""

    def __init__(self, bus: Bus, site_id: str, device_id: str) -> None:
        self.client = CommandClient(bus, Topics(site_id), device_id)

    def do(self, kind: type[Command], **fields: Any) -> Reply:
        """Send one command and return the reply (a `timeout` error when none came)."""
        return self.client.send(kind(request_id=new_request_id(), **fields))

    def ok(self, kind: type[Command], **fields: Any) -> dict[str, Any]:
        """Send one command that must succeed; return its result."""
        reply = self.do(kind, **fields)
        assert reply.ok, reply.error
        return reply.result

    def receive(self) -> dict[str, Any]:
        """Receive a dossier at this counter (an officer must be logged in)."""
        result = self.ok(dc.ReceiveDossier, procedure="2.000200", citizen=CITIZEN)
        return dict(result["dossier"])


def error_code(reply: Reply) -> str:
    """The error code of a refused reply."""
    assert not reply.ok and reply.error is not None, reply
    return reply.error.code.value


# The machine's PostgreSQL: a test makes a database of its own there and drops it afterwards
# (the shared `test` database is never touched).
POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"


class NoPostgres(Exception):
    """No PostgreSQL answers on 127.0.0.1:5432."""


def _postgres_admin() -> Engine:
    return create_engine(
        f"{POSTGRES_SERVER}/postgres",
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 2},
    )


@contextmanager
def own_postgres_database(prefix: str = "central_test") -> Iterator[str]:
    """Create a uniquely named PostgreSQL database, yield its URL, drop it; NoPostgres if none."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = _postgres_admin()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        raise NoPostgres(str(exc)) from None
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def mosquitto_config(port: int, *lines: str) -> str:
    """A loopback Mosquitto without accounts (these tests check the index, not the ACL)."""
    head = [
        f"listener {port} 127.0.0.1",
        "allow_anonymous true",
        "set_tcp_nodelay true",
        "log_dest stderr",
        "log_type error",
        "log_type warning",
        # As root Mosquitto would drop to `mosquitto`, who cannot write the test's folders.
        f"user {getpass.getuser()}",
    ]
    return "\n".join([*head, *lines]) + "\n"


def bridge_lines(site_id: str, central_port: int) -> list[str]:
    """A branch broker's bridge to the central one: the index topics, as provisioned."""
    base = f"motcua/v1/{site_id}/"
    lines = [
        f"connection motcua-{site_id}",
        f"address 127.0.0.1:{central_port}",
        "bridge_protocol_version mqttv50",
        f"remote_clientid bridge-{site_id}",
        f"local_clientid bridge-{site_id}-local",
        "cleansession false",
        "notifications false",
        "try_private false",
        "start_type automatic",
        "restart_timeout 1 2",
        "keepalive_interval 5",
    ]
    routes = tuple((f"index/{kind}", "out") for kind in INDEX_TO_CENTRAL)
    routes += tuple((f"index/{kind}", "in") for kind in INDEX_FROM_CENTRAL)
    return lines + [f"topic {topic} {way} 1 {base} {base}" for topic, way in routes]


def start_mosquitto(folder: Path, name: str, config: str) -> subprocess.Popen[bytes]:
    """Start Mosquitto with this config; its log goes to folder/NAME.log."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    path = folder / f"{name}.conf"
    path.write_text(config, encoding="utf-8")
    log = (folder / f"{name}.log").open("ab")
    process = subprocess.Popen([binary, "-c", str(path)], stdout=log, stderr=log)
    log.close()
    return process


def stop_process(process: subprocess.Popen[bytes], timeout: float = 10) -> int:
    """Terminate a child process and wait for it; return its exit status."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode
