"""Fixtures shared by every test tier: fake clock, databases, a real Mosquitto, a running server."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from server.broker import EmbeddedBroker
from server.daemon import QueueServer
from server.dossier_service import DossierSettings
from shared.domain.site import Site
from shared.messaging.paho_bus import BrokerAddress, PahoBus
from shared.messaging.topics import Topics
from shared.runtime import connect_bus
from shared.storage.engine import make_engine, migrate
from shared.storage.tables import Base
from tests.helpers.clock import FakeClock
from tests.helpers.sites import demo_config

POSTGRES_URL = os.environ.get("MOTCUA_TEST_DATABASE_URL", "")
# 09:00 on a Monday in Hà Nội time (02:00 UTC): inside every ticket-taking window.
MONDAY_MORNING = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_MORNING)


@pytest.fixture(scope="session")
def demo_site() -> Site:
    return demo_config().to_domain()


def _database_params() -> list[object]:
    params: list[object] = ["sqlite"]
    params.append(
        pytest.param(
            "postgresql",
            marks=pytest.mark.skipif(not POSTGRES_URL, reason="MOTCUA_TEST_DATABASE_URL not set"),
        )
    )
    return params


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@pytest.fixture(params=_database_params())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: SQLite in a temp dir, or the test PostgreSQL wiped."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'motcua.db'}"
    _reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def sessions(database_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(database_url)
    migrate(engine)
    yield sessionmaker(engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """A real Mosquitto on a free loopback port, with a password, for the whole session."""
    embedded = EmbeddedBroker(tmp_path_factory.mktemp("broker"))
    embedded.start()
    yield embedded
    embedded.stop()


@pytest.fixture
def bus_factory(broker: EmbeddedBroker, demo_site: Site) -> Iterator[Callable[..., PahoBus]]:
    """Connect test clients to the broker; all are closed after the test."""
    made: list[PahoBus] = []

    def connect(
        client_id: str, role: str = "test", address: BrokerAddress | None = None
    ) -> PahoBus:
        bus = connect_bus(address or broker.address, demo_site.id, client_id, role)
        assert bus.wait_connected(10), f"{client_id} could not connect"
        made.append(bus)
        return bus

    yield connect
    for bus in made:
        bus.close()


@pytest.fixture
def running_server(
    bus_factory: Callable[..., PahoBus],
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
) -> Iterator[QueueServer]:
    """A queue server in this process, on the real broker, with the fake clock."""
    bus = bus_factory(f"server-{demo_site.id}", "server")
    settings = DossierSettings.from_config(demo_config())
    server = QueueServer(demo_site, sessions, bus, clock, settings)
    server.start()
    assert bus.wait_subscribed(10), "the broker never acknowledged the server's subscriptions"
    yield server
    server.stop()


@pytest.fixture
def topics(demo_site: Site) -> Topics:
    return Topics(demo_site.id)


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    """Fail a test that leaves its own threads running."""
    before = set(threading.enumerate())
    yield
    deadline = datetime.now(UTC).timestamp() + 5
    while True:
        extra = [t for t in threading.enumerate() if t not in before and t.is_alive()]
        if not extra or datetime.now(UTC).timestamp() > deadline:
            break
        threading.Event().wait(0.05)
    assert not extra, f"threads left running: {[t.name for t in extra]}"
