"""Officer PINs never leave the login command: not in the audit log, replies, logs or reprs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.site import Site
from shared.messaging import dossier_commands as dc
from shared.messaging.codec import decode_command, encode
from shared.storage.officer_repository import OfficerRepository, hash_password
from shared.storage.tables import CommandLogRow
from tests.conftest import MONDAY_MORNING
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall

PIN = "739154"
WRONG = "402817"


@pytest.fixture
def hall(demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock) -> Iterator[Hall]:
    with sessions.begin() as session:
        OfficerRepository(session, demo_site.id).upsert(
            "cb01", "Trần Thị Bình", ("q01",), hash_password(PIN), MONDAY_MORNING
        )
    yield Hall(demo_site, sessions, clock)


def test_the_audit_log_keeps_no_login_password(
    hall: Hall, sessions: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    """The audit found `command_log.payload` holding the PIN of every officer_login."""
    caplog.set_level(logging.DEBUG)
    assert not hall.do("q01", dc.OfficerLogin, officer_id="cb01", password=WRONG).ok
    assert hall.do("q01", dc.OfficerLogin, officer_id="cb01", password=PIN).ok
    with sessions() as session:
        rows = session.scalars(
            select(CommandLogRow).where(CommandLogRow.verb == "officer_login")
        ).all()
    assert len(rows) == 2
    for row in rows:
        stored = row.payload + row.reply
        assert PIN not in stored and WRONG not in stored
        assert json.loads(row.payload)["password"] == "***"
        assert json.loads(row.payload)["officer_id"] == "cb01"
    assert PIN not in caplog.text and WRONG not in caplog.text


def test_a_login_command_shows_its_password_only_on_the_wire() -> None:
    login = dc.OfficerLogin(request_id="r1", officer_id="cb01", password=PIN)
    for shown in (repr(login), str(login), login.model_dump_json(), str(login.model_dump())):
        assert PIN not in shown, shown
    wire = encode(login)
    assert PIN.encode() in wire, "the server must still receive the password"
    decoded = decode_command(wire, "officer_login")
    assert isinstance(decoded, dc.OfficerLogin)
    assert PIN not in repr(decoded) and PIN not in decoded.model_dump_json()


def test_the_login_schema_marks_the_password_secret() -> None:
    schema = dc.OfficerLogin.model_json_schema()
    password = schema["properties"]["password"]
    assert password.get("secret") is True and password.get("writeOnly") is True
