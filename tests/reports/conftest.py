"""Fixtures of the report tests: the hand-computed history in a fresh database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from reports.build import build_report, report_engine
from reports.figures import Report
from shared.config.site import SiteConfig
from tests.helpers.sites import demo_config
from tests.reports import fixture

GENERATED = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)


@pytest.fixture
def filled(sessions: sessionmaker[Session]) -> dict[str, int]:
    return fixture.fill(sessions)


@pytest.fixture
def reader(database_url: str, filled: dict[str, int]) -> Iterator[Engine]:
    engine = report_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def site_config() -> SiteConfig:
    """The demo site with the departments and the cap the hand-computed figures assume."""
    data = demo_config().model_dump()
    departments = {"ho-tich": "tu-phap", "chung-thuc": "tu-phap", "ly-lich": "tu-phap"}
    for service in data["services"]:
        service["department"] = departments.get(service["code"], service["department"])
        if service["code"] == "ho-tich":
            service["daily_cap"] = 3
    return SiteConfig.model_validate(data)


@pytest.fixture
def make_report(reader: Engine, site_config: SiteConfig) -> Callable[..., Report]:
    def make(first: date, last: date, department: str | None = None) -> Report:
        return build_report(reader, site_config, first, last, GENERATED, department=department)

    return make
