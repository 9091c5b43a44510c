"""Upgrading scrubs the PINs older versions wrote into the audit log (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from shared.storage.engine import MIGRATIONS, make_engine, migrate
from shared.storage.tables import CommandLogRow

AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def _migrate_to(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _row(request_id: str, verb: str, payload: str) -> CommandLogRow:
    return CommandLogRow(
        site_id="hcc-demo",
        device_id="q01",
        verb=verb,
        request_id=request_id,
        officer_id="cb01",
        received_at=AT,
        payload=payload,
        ok=False,
        error_code="forbidden",
        reply='{"type":"reply","ok":false}',
    )


def test_old_login_rows_lose_their_password_and_keep_the_rest(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        _migrate_to(engine, "0003")  # the schema of the release the audit looked at
        login = {"v": 1, "request_id": "r1", "type": "officer_login"}
        rows = [
            _row(
                "r1",
                "officer_login",
                json.dumps({**login, "officer_id": "cb01", "password": "0000"}),
            ),
            _row("r2", "officer_login", '{"password":"1234","officer_id":"cb02"'),
            _row(
                "r3",
                "pause_counter",
                json.dumps({"type": "pause_counter", "reason": "password 0000"}),
            ),
        ]
        with Session(engine) as session, session.begin():
            session.add_all(rows)
        migrate(engine)
        with engine.connect() as connection:
            stored = dict(
                connection.execute(select(CommandLogRow.request_id, CommandLogRow.payload)).all()
            )
    finally:
        engine.dispose()
    first = json.loads(stored["r1"])
    assert first == {**login, "officer_id": "cb01", "password": "***"}
    assert "1234" not in stored["r2"], "a payload that is not JSON is scrubbed too"
    assert json.loads(stored["r3"])["reason"] == "password 0000", "other commands are untouched"
