"""Messages to citizens: fake gateways on loopback, a site with [notify] on, a hall, a sender."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from notify.main import build_gateways
from notify.worker import Notifier
from server.dossier_service import DossierSettings
from shared.config.notify import NotifyConfig
from shared.config.site import SiteConfig
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.storage.catalogue import CatalogueRepository
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.helpers.clock import FakeClock
from tests.helpers.fake_gateways import FakeGateway
from tests.helpers.fake_smtp import FakeSmtp
from tests.helpers.memory_server import Hall
from tests.helpers.procedures import PROCEDURES
from tests.helpers.sites import demo_config

# Monday 7 December 2026, 09:00 in Khánh Hòa (UTC+7): inside office hours, outside quiet hours.
MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
CITIZEN = {
    "name": "Nguyễn Thị Hồng Nhung",
    "id_number": "056190000123",
    "address": "Số 5 Lê Lợi, phường Nha Trang",
    "phone": "0912345678",
    "email": "nhung@example.vn",
}
ZNS_TEMPLATES = {"ready": "401001", "apology": "401002", "turn": "401003"}


@pytest.fixture
def gateway() -> Iterator[FakeGateway]:
    fake = FakeGateway().start()
    yield fake
    fake.stop()


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    fake = FakeSmtp().start()
    yield fake
    fake.stop()


@pytest.fixture
def secrets(tmp_path: Path) -> Path:
    folder = tmp_path / "credentials"
    folder.mkdir()
    (folder / "zns.token").write_text("zalo-oa-token\n")
    (folder / "sms.key").write_text("sms-key\n")
    return folder


def notify_settings(
    gateway: FakeGateway, secrets: Path, smtp: FakeSmtp | None = None, **changes: Any
) -> NotifyConfig:
    """[notify] with ZNS and SMS on the fake gateway (and e-mail on the fake mail server)."""
    data: dict[str, Any] = {
        "enabled": True,
        "zns": {
            "url": f"{gateway.url}/zns",
            "access_token_file": str(secrets / "zns.token"),
            "templates": ZNS_TEMPLATES,
            "timeout_seconds": 0.5,
        },
        "sms": {
            "url": f"{gateway.url}/sms",
            "api_key_file": str(secrets / "sms.key"),
            "sender": "KHANHHOA",
            "timeout_seconds": 0.5,
        },
        "retry": {"max_attempts": 5, "backoff_base_seconds": 60, "backoff_cap_seconds": 600},
    }
    if smtp is not None:
        data["smtp"] = {
            "host": "127.0.0.1",
            "port": smtp.port,
            "security": "none",
            "from_address": "Trung tâm PVHCC Khánh Hòa <khongtraloi@hcc.example.vn>",
            "timeout_seconds": 2,
        }
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return NotifyConfig.model_validate(data)


def site_with(settings: NotifyConfig) -> SiteConfig:
    return demo_config().model_copy(update={"notify": settings})


@pytest.fixture
def site(gateway: FakeGateway, secrets: Path) -> SiteConfig:
    return site_with(notify_settings(gateway, secrets))


def seed(sessions: sessionmaker[Session], site_id: str) -> None:
    with sessions.begin() as session:
        CatalogueRepository(session, site_id).replace_all(PROCEDURES, MONDAY)
        OfficerRepository(session, site_id).upsert(
            "cb04", "Trần Thị Bình", ("q04",), hash_password("1234"), MONDAY
        )


def make_hall(config: SiteConfig, sessions: sessionmaker[Session], clock: FakeClock) -> Hall:
    """A queue server on the in-memory bus with the site's [notify], an officer at q04."""
    clock.set(MONDAY)
    site = config.to_domain()
    seed(sessions, site.id)
    hall = Hall(site, sessions, clock, DossierSettings.from_config(config))
    from shared.messaging import dossier_commands as dc

    reply = hall.do("q04", dc.OfficerLogin, officer_id="cb04", password="1234")
    assert reply.ok, reply.error
    return hall


@pytest.fixture
def hall(site: SiteConfig, sessions: sessionmaker[Session], clock: FakeClock) -> Hall:
    return make_hall(site, sessions, clock)


class Fraction:
    """The sender's random source, fixed by the test (0 = no jitter)."""

    def __init__(self, value: float = 0.0) -> None:
        self.value = value

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def memory_broker() -> MemoryBroker:  # the in-memory broker the sender publishes its state on
    return MemoryBroker()


@pytest.fixture
def make_notifier(
    sessions: sessionmaker[Session], clock: FakeClock, memory_broker: MemoryBroker
) -> Callable[..., Notifier]:
    def make(config: SiteConfig, **kw: Any) -> Notifier:
        bus = MemoryBus(memory_broker, f"notify-{config.site.id}")
        return Notifier(
            config,
            sessions,
            kw.pop("gateways", None) or build_gateways(config),
            bus=bus,
            now=clock,
            random_fraction=kw.pop("random_fraction", Fraction()),
            **kw,
        )

    return make
