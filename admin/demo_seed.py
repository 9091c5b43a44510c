"""Demo data for `motcua demo`: officer accounts with a local PIN and the sample dossiers.

The dossiers are the samples of `shared.demo_dossiers` (the same procedures, citizens and
stories the screenshots and printed samples show), told as of today: each gets a real code
from today's sequence, and its steps and due dates come from replaying its story through the
domain rules on the site's calendar.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from server.dossier_service import SEQUENCE_PREFIX, DossierSettings
from shared.config.site import SiteConfig
from shared.demo_dossiers import (
    CENTRE,
    SAMPLES,
    SampleDossier,
    last_moment,
    officer_id,
    received_moment,
    replay,
    working_days_before,
)
from shared.demo_dossiers import officer_name as sample_officer_name
from shared.domain import dossiers as rules
from shared.domain.credentials import PinPolicy
from shared.domain.deadlines import snapshot
from shared.domain.dossier_codes import new_token
from shared.domain.dossiers import Dossier
from shared.storage.dossier_repository import DossierRepository
from shared.storage.officer_repository import OfficerRepository, hash_password
from shared.storage.repository import QueueRepository

PIN_FILE = "demo-officer-pin.txt"
DEMO_SOURCE = "demo-samples"
SUPERVISOR = CENTRE.supervisor_id
# Dossiers whose slip a citizen could still scan for progress.
_SCANNABLE = frozenset(
    {
        rules.DossierStatus.RECEIVED,
        rules.DossierStatus.PROCESSING,
        rules.DossierStatus.SUPPLEMENT_REQUESTED,
        rules.DossierStatus.DONE,
    }
)


@dataclass(frozen=True)
class DemoSeed:
    """What the demo prints so a person can try it: the PIN and the sample dossiers."""

    pin: str
    officers: int
    dossiers: tuple[Dossier, ...] = ()

    @property
    def slips(self) -> tuple[tuple[str, str], ...]:
        """Code and lookup token of every sample whose slip is worth scanning."""
        return tuple((d.code, d.token) for d in self.dossiers if d.status in _SCANNABLE)


def demo_pin(data_dir: Path) -> str:
    """Return the demo's officer PIN, made once per data directory and kept there (0600)."""
    path = data_dir / PIN_FILE
    policy = PinPolicy()
    if path.is_file():
        kept = path.read_text(encoding="utf-8").strip()
        if policy.problem(kept) is None:
            return kept
    data_dir.mkdir(parents=True, exist_ok=True)
    pin = f"{secrets.randbelow(1_000_000):06d}"
    while policy.problem(pin) is not None:
        pin = f"{secrets.randbelow(1_000_000):06d}"
    path.write_text(pin + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return pin


def seed_demo(sessions: sessionmaker[Session], config: SiteConfig, at: datetime) -> DemoSeed:
    """Create demo officers (one per counter, plus a supervisor) and the sample dossiers, once."""
    pin = demo_pin(config.data_path())
    site_id = config.site.id
    with sessions.begin() as session:
        officers = OfficerRepository(session, site_id)
        if not officers.has_accounts():
            hashed = hash_password(pin)
            for index, counter in enumerate(config.counters):
                name = sample_officer_name(index, counter.label)
                officers.upsert(officer_id(index), name, (counter.id,), hashed, at)
            officers.upsert(
                SUPERVISOR,
                CENTRE.supervisor_name,
                (),
                hashed,
                at,
                role="supervisor",
                title="Giám sát",
            )
        count = len(officers.all())
        dossiers = _seed_dossiers(session, config, at)
    return DemoSeed(pin, count, dossiers)


def _seed_dossiers(session: Session, config: SiteConfig, at: datetime) -> tuple[Dossier, ...]:
    repo = DossierRepository(session, config.site.id)
    existing = repo.from_source(DEMO_SOURCE)
    if existing:
        return tuple(existing)
    settings = DossierSettings.from_config(config)
    departments = {d.id for d in config.departments}
    counters = {c.id for c in config.counters}
    made = []
    for story in SAMPLES:
        if story.procedure.department not in departments or story.counter_id not in counters:
            continue  # another site file: only the samples it has a department and counter for
        dossier = _told_today(session, config, settings, story, at)
        made.append(repo.add(dossier, at, source=DEMO_SOURCE))
    return tuple(made)


def _told_today(
    session: Session,
    config: SiteConfig,
    settings: DossierSettings,
    story: SampleDossier,
    at: datetime,
) -> Dossier:
    """Replay a sample as of today, or of the working day before when today's part is ahead."""
    calendar = settings.calendar
    today = settings.rule.local(at).date()
    if last_moment(story, today, calendar) > at:
        today = working_days_before(calendar, today - timedelta(days=1), 0)
    received = received_moment(story, today, calendar).date()
    sequence = QueueRepository(session, config.site.id).next_sequence(received, SEQUENCE_PREFIX)
    return replay(
        story,
        today=today,
        code=settings.pattern.format(settings.agency_code, received, sequence),
        token=new_token(),
        rules_snapshot=snapshot(calendar, settings.rule),
        site_id=config.site.id,
    )
