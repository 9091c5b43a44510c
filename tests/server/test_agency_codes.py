"""Two branches on one database cannot make the same dossier codes: the second one is refused."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy.orm import Session, sessionmaker

from server.daemon import QueueServer
from server.dossier_service import DossierSettings
from shared.domain.site import Site
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.storage.agency_codes import AgencyCodeTaken
from tests.helpers.clock import FakeClock


def start(site: Site, sessions: sessionmaker[Session], clock: FakeClock, agency: str) -> None:
    """Start and stop a branch's server with an agency code."""
    settings = DossierSettings(agency_code=agency)
    server = QueueServer(site, sessions, MemoryBus(MemoryBroker(), site.id), clock, settings)
    server.start()
    server.stop()


def test_a_second_branch_with_the_same_agency_code_is_refused_with_a_clear_message(
    demo_site: Site, sessions: sessionmaker[Session], clock: FakeClock
) -> None:
    branch_b = replace(demo_site, id="hcc-demo-b")
    start(demo_site, sessions, clock, "000.00.17.H99")
    start(demo_site, sessions, clock, "000.00.17.H99")  # the same branch again: fine
    with pytest.raises(AgencyCodeTaken, match="hcc-demo") as refused:
        start(branch_b, sessions, clock, "000.00.17.H99")
    assert "agency_code" in str(refused.value)
    start(branch_b, sessions, clock, "000.00.17.H98")
