"""A database that stops answering: a typed reply at once, nothing lost, recovery by itself."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging import dossier_commands as dc
from shared.messaging.replies import ErrorCode, Reply
from shared.storage.engine import close_database, open_database
from tests.conftest import POSTGRES_URL, _reset_postgres
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.tcp_proxy import TcpProxy


def refused(reply: Reply) -> bool:
    """Whether the reply says the database does not answer, with a time to wait."""
    return (
        reply.error is not None
        and reply.error.code is ErrorCode.STORAGE_UNAVAILABLE
        and (reply.error.retry_after or 0) > 0
    )


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    if not POSTGRES_URL:
        pytest.skip("MOTCUA_TEST_DATABASE_URL not set")
    _reset_postgres(POSTGRES_URL)
    url = make_url(POSTGRES_URL)
    link = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    yield link
    link.close()


def test_postgresql_cut_off_gives_storage_unavailable_then_the_hall_goes_on(
    proxy: TcpProxy, demo_site: Site, clock: FakeClock
) -> None:
    url = make_url(POSTGRES_URL).set(host="127.0.0.1", port=proxy.port)
    sessions = open_database(url.render_as_string(hide_password=False))
    try:
        hall = Hall(demo_site, sessions, clock)
        assert [hall.issue("ho-tich") for _ in range(2)] == ["A001", "A002"]
        proxy.cut()
        kiosk = hall.device("kiosk-1")
        during = kiosk.send(c.IssueTicket(request_id="cut-1", service="ho-tich"), attempts=1)
        assert refused(during), during
        assert refused(hall.do("q01", c.OpenCounter, officer_id="cb01"))
        assert refused(hall.do("kiosk-1", dc.ListProcedures, limit=1))  # a read, not a write
        proxy.restore()
        again = kiosk.send(c.IssueTicket(request_id="cut-1", service="ho-tich"))
        assert again.ok, again.error
        assert again.result["ticket"]["number"] == "A003", "no number lost or given twice"
        assert hall.issue("ho-tich") == "A004"
    finally:
        close_database(sessions)


def test_a_locked_sqlite_database_gives_storage_unavailable_then_recovers(
    tmp_path: Path, demo_site: Site, clock: FakeClock
) -> None:
    path = tmp_path / "hall.db"
    sessions = open_database(f"sqlite:///{path}", busy_timeout_ms=200)
    try:
        hall = Hall(demo_site, sessions, clock)
        assert hall.issue("ho-tich") == "A001"
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another program holds the database
        reply = hall.device("kiosk-1").send(
            c.IssueTicket(request_id="locked-1", service="ho-tich"), attempts=1
        )
        assert refused(reply), reply
        other.execute("ROLLBACK")
        other.close()
        assert hall.issue("ho-tich") == "A002"
    finally:
        close_database(sessions)
