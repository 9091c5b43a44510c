"""One instance serves several sites of one (central) broker: listed by id, or every one (`+`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from server.broker import EmbeddedBroker, free_port
from server.daemon import QueueServer
from server.dossier_service import DossierSettings
from shared.messaging import commands as c
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from tests.helpers.clock import FakeClock
from tests.helpers.sites import demo_config
from tests.web.conftest import Hall
from tests.web.served import serve_web, web_config

pytestmark = pytest.mark.integration
OTHER = "hcc-nhatrang"


@pytest.fixture
def other_server(
    hall: Hall,
    bus_factory: Callable[..., PahoBus],
    sessions: sessionmaker[Session],
    clock: FakeClock,
) -> Iterator[QueueServer]:
    """A second branch's queue server on the same broker (and database)."""
    config = demo_config()
    site = config.site.model_copy(update={"id": OTHER, "name": "Chi nhánh Nha Trang"})
    dossiers = config.dossiers.model_copy(update={"agency_code": "000.00.17.H98"})
    config = config.model_copy(update={"site": site, "dossiers": dossiers})
    server = QueueServer(
        config.to_domain(),
        sessions,
        bus_factory(f"server-{OTHER}", "server"),
        clock,
        DossierSettings.from_config(config),
    )
    server.service.links = hall.links
    server.start()
    yield server
    server.stop()


def issue(bus_factory: Callable[..., PahoBus], site: str) -> str:
    kiosk = CommandClient(bus_factory(f"kiosk-{site}"), Topics(site), "kiosk-1")
    reply = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="ho-tich"))
    assert reply.ok, reply.error
    return str(reply.result["ticket"]["qr"])


def test_one_instance_follows_every_site_or_only_those_listed(
    hall: Hall,
    other_server: QueueServer,
    broker: EmbeddedBroker,
    bus_factory: Callable[..., PahoBus],
) -> None:
    here, there = issue(bus_factory, "hcc-demo"), issue(bus_factory, OTHER)
    assert f"/t/{OTHER}/" in there
    every = serve_web(
        web_config(hall.config, hall.public_url, sites=["+"]), broker.address, hall.port, "every"
    )
    try:
        for link in (here, there):
            page = httpx.get(link)
            assert page.status_code == 200, link
        assert "Đang chờ đến lượt" in httpx.get(there).text
        assert httpx.get(f"{every.url}/healthz").json()["sites"] == ["hcc-demo", OTHER]
        unknown = there.replace(f"/t/{OTHER}/", "/t/hcc-nowhere/")
        assert httpx.get(unknown).status_code == 404  # a site never heard of: no command sent
    finally:
        every.stop()
    port = free_port()
    listed = serve_web(
        web_config(hall.config, hall.public_url, sites=["hcc-demo"]), broker.address, port, "one"
    )
    try:
        moved = f"http://127.0.0.1:{port}"
        assert httpx.get(here.replace(hall.public_url, moved)).status_code == 200
        assert httpx.get(there.replace(hall.public_url, moved)).status_code == 404
    finally:
        listed.stop()
