"""Demo data for `motcua demo`: officer accounts with a local PIN and dossiers in every state."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from server.dossier_service import SEQUENCE_PREFIX, DossierSettings
from shared.config.site import SiteConfig
from shared.domain import dossiers as rules
from shared.domain.deadlines import snapshot
from shared.domain.dossier_codes import new_token
from shared.domain.dossiers import Channel, Citizen, Dossier, ReceivedDocument
from shared.domain.procedures import Procedure
from shared.storage.catalogue import CatalogueRepository
from shared.storage.dossier_repository import DossierRepository
from shared.storage.officer_repository import OfficerRepository, hash_password
from shared.storage.repository import QueueRepository

PIN_FILE = "demo-officer-pin.txt"
DEMO_SOURCE = "demo"
SUPERVISOR = "gs01"
# (name, what happened so far) — fictional citizens for the demo only.
_CITIZENS = (
    "Nguyễn Văn An",
    "Trần Thị Bích",
    "Lê Hoàng Cường",
    "Phạm Thu Dung",
    "Hoàng Minh Đức",
    "Vũ Thị Hạnh",
)


@dataclass(frozen=True)
class DemoSeed:
    """What the demo prints so a person can try it: the PIN and a few slips to scan."""

    pin: str
    officers: int
    slips: tuple[tuple[str, str], ...]


def demo_pin(data_dir: Path) -> str:
    """Return the demo's officer PIN, made once per data directory and kept there (0600)."""
    path = data_dir / PIN_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    pin = f"{secrets.randbelow(10_000):04d}"
    path.write_text(pin + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return pin


def seed_demo(sessions: sessionmaker[Session], config: SiteConfig, at: datetime) -> DemoSeed:
    """Create demo officers (one per counter, plus a supervisor) and demo dossiers, once."""
    pin = demo_pin(config.data_path())
    site_id = config.site.id
    with sessions.begin() as session:
        officers = OfficerRepository(session, site_id)
        if not officers.has_accounts():
            hashed = hash_password(pin)
            for index, counter in enumerate(config.counters, start=1):
                name = f"Cán bộ quầy {counter.label}"
                officers.upsert(f"cb{index:02d}", name, (counter.id,), hashed, at)
            officers.upsert(
                SUPERVISOR, "Giám sát viên", (), hashed, at, role="supervisor", title="Giám sát"
            )
        count = len(officers.all())
        slips = _seed_dossiers(session, config, at)
    return DemoSeed(pin, count, slips)


def _seed_dossiers(
    session: Session, config: SiteConfig, at: datetime
) -> tuple[tuple[str, str], ...]:
    repo = DossierRepository(session, config.site.id)
    existing = repo.from_source(DEMO_SOURCE)
    catalogue = {p.code: p for p in CatalogueRepository(session, config.site.id).active()}
    if existing or not catalogue:
        return _slips(existing)
    settings = DossierSettings.from_config(config)
    procedures = sorted(catalogue.values(), key=lambda p: (p.legal_days == 0, p.code))
    made: list[Dossier] = []
    plans = ("processing", "ready", "late", "supplement", "received", "returned")
    for index, (plan, name) in enumerate(zip(plans, _CITIZENS, strict=True)):
        procedure = procedures[index % len(procedures)]
        day = settings.rule.local(at - timedelta(days=12 if plan == "late" else 3 + index)).date()
        received_at = datetime.combine(day, time(9, 30), ZoneInfo(settings.rule.timezone))
        dossier = _received(session, config, settings, procedure, name, received_at, index)
        dossier = _advance(dossier, plan, received_at, settings)
        made.append(repo.add(dossier, at, source=DEMO_SOURCE))
    return _slips(made)


def _slips(dossiers: list[Dossier]) -> tuple[tuple[str, str], ...]:
    """The demo dossiers worth scanning: every one not yet returned."""
    return tuple(
        (d.code, d.token) for d in dossiers if d.status is not rules.DossierStatus.RETURNED
    )


def _received(
    session: Session,
    config: SiteConfig,
    settings: DossierSettings,
    procedure: Procedure,
    name: str,
    received_at: datetime,
    index: int,
) -> Dossier:
    day = settings.rule.local(received_at).date()
    sequence = QueueRepository(session, config.site.id).next_sequence(day, SEQUENCE_PREFIX)
    return rules.receive(
        code=settings.pattern.format(settings.agency_code, day, sequence),
        token=new_token(),
        site_id=config.site.id,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        department=procedure.department,
        channel=Channel.ONLINE if index % 3 == 2 else Channel.IN_PERSON,
        citizen=Citizen(name, address="Phường Trung Tâm, tỉnh Demo", phone="0900000000"),
        documents=tuple(ReceivedDocument(d.name, d.form, d.quantity) for d in procedure.documents),
        sets=1,
        legal_days=max(procedure.legal_days, 3),
        at=received_at,
        officer="cb01",
        rules=snapshot(settings.calendar, settings.rule),
        return_place=procedure.return_place,
        fee=procedure.fee,
        counter_id="q01",
    )


def _advance(
    dossier: Dossier, plan: str, received_at: datetime, settings: DossierSettings
) -> Dossier:
    step = received_at + timedelta(hours=1)
    if plan == "received":
        return dossier
    if plan == "supplement":
        return rules.request_supplement(dossier, step, "cb01", "Thiếu bản sao giấy khai sinh")
    dossier = rules.handover(
        dossier, step, "cb01", "Chuyên viên thụ lý", "Bộ phận một cửa", dossier.department, ""
    )
    if plan == "processing":
        return dossier
    if plan == "late":
        new_due = settings.calendar.add_working_days(dossier.legal_due, 3)
        return rules.reschedule(
            dossier, step + timedelta(days=2), "cb01", "Cần xác minh thêm thông tin", new_due
        )
    dossier = rules.mark_done(dossier, step + timedelta(days=1), "cb01")
    if plan == "returned":
        return rules.mark_returned(dossier, step + timedelta(days=2), "cb01")
    return dossier
