"""The demo tells one story: one centre, current departments and procedures, and each sample
dossier with the same procedure and dates in every app, form and in `motcua demo`'s database."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from counter_console import demo_data as console_demo
from hw.printer import demo as printer_demo
from hw.printer.documents import (
    ApologyData,
    AppointmentSlipData,
    ControlSheetData,
    RefusalData,
    SupplementRequestData,
)
from kiosk import demo_data as kiosk_demo
from server.dossier_service import DossierSettings
from shared.catalogue.reader import read_catalogue
from shared.demo_dossiers import (
    CENTRE,
    DEPARTMENTS,
    LOCAL,
    SAMPLE_TODAY,
    SAMPLES,
    officer_id,
    replay,
    sample_code,
    sample_dossier,
    working_days_before,
)
from shared.demo_hall import SAMPLE_TICKET
from shared.domain import dossiers as rules
from shared.domain.deadlines import snapshot
from shared.domain.dossiers import DossierStatus
from tests.helpers.sites import ROOT, demo_config

DEMO_FILES = [
    "config/demo-site.toml",
    "config/demo-catalogue.csv",
    "shared/demo_dossiers.py",
    "shared/demo_hall.py",
    "admin/demo.py",
    "admin/demo_bot.py",
    "admin/demo_seed.py",
    "admin/demo_scanner.py",
    "kiosk/demo_data.py",
    "counter_console/demo_data.py",
    "hw/printer/demo.py",
]


def test_the_sample_centre_is_the_demo_site() -> None:
    config = demo_config()
    assert config.site.id == CENTRE.site_id
    assert config.site.name == CENTRE.name and config.site.address == CENTRE.address
    assert config.dossiers.place == CENTRE.place
    assert config.dossiers.agency_code == CENTRE.agency_code
    assert config.dossiers.code_pattern == CENTRE.code_pattern
    assert (config.dossiers.head_title, config.dossiers.head_name) == (
        CENTRE.head_title,
        CENTRE.head_name,
    )
    assert {d.id: d.name for d in config.departments} == DEPARTMENTS


def test_one_province_named_as_a_province_and_no_abolished_papers() -> None:
    config = demo_config()
    assert "tỉnh Khánh Hòa" in config.site.name and "tỉnh Khánh Hòa" in config.site.address
    for name in DEMO_FILES:
        text = (ROOT / name).read_text(encoding="utf-8").lower()
        assert "hộ khẩu" not in text, f"{name} asks for the household book (abolished 2023)"
        assert "tỉnh demo" not in text and "cần thơ" not in text, name
    for kind in printer_demo.DEMOS:
        printed = repr(printer_demo.demo_document(kind)).lower()
        assert "hộ khẩu" not in printed and "demo" not in printed.replace("hcc-demo", ""), kind


def test_sample_procedures_are_those_of_the_demo_catalogue() -> None:
    config = demo_config()
    catalogue = {p.code: p for p in read_catalogue(ROOT / "config" / "demo-catalogue.csv")}
    services = {s.code: s.department for s in config.services}
    for story in SAMPLES:
        sample = story.procedure
        listed = catalogue[sample.code]
        assert (sample.name, sample.department, sample.legal_days, sample.fee) == (
            listed.name,
            listed.department,
            listed.legal_days,
            listed.fee,
        ), sample.code
        assert (sample.field, sample.service, sample.return_place) == (
            listed.field,
            listed.service,
            listed.return_place,
        )
        assert set(sample.documents) <= set(listed.documents), sample.code
        assert sample.service is not None and services[sample.service] == sample.department


def test_samples_were_received_at_counters_of_their_service_by_their_officer() -> None:
    config = demo_config()
    positions = {c.id: i for i, c in enumerate(config.counters)}
    for story in SAMPLES:
        counter = config.counters[positions[story.counter_id]]
        assert story.procedure.service in counter.services, story.key
        assert story.officer == officer_id(positions[story.counter_id])
        prefix = next(s.prefix for s in config.services if s.code == story.procedure.service)
        assert story.ticket_number.startswith(prefix)


def test_due_dates_are_those_the_site_calendar_gives() -> None:
    """The screenshots' samples, replayed on the demo site's own calendar, do not move."""
    settings = DossierSettings.from_config(demo_config())
    rules_snapshot = snapshot(settings.calendar, settings.rule)
    for story in SAMPLES:
        shown = sample_dossier(story.key)
        again = replay(
            story,
            today=SAMPLE_TODAY,
            code=shown.code,
            token=shown.token,
            rules_snapshot=rules_snapshot,
        )
        assert (again.legal_due, again.due, again.status) == (
            shown.legal_due,
            shown.due,
            shown.status,
        )
        assert shown.code == settings.pattern.format(
            CENTRE.agency_code, shown.received_at.astimezone(LOCAL).date(), story.sequence
        )


def test_the_apology_comes_a_working_day_early_and_promises_a_later_date() -> None:
    late = sample_dossier("late")
    assert late.apology is not None
    calendar = late.rules.calendar()
    assert late.apology.new_due > late.legal_due
    assert late.local(late.apology.at).date() <= working_days_before(calendar, late.legal_due, 1)
    assert rules.timeliness(late, datetime(2026, 11, 23, 2, 0, tzinfo=UTC)).value == "overdue"


def test_every_form_of_a_code_shows_the_same_procedure_and_due_date() -> None:
    """Slip, supplement request, refusal, apology, control sheet, kiosk and console agree."""
    config = demo_config()
    seen: dict[str, tuple[str, set[str]]] = {}

    def saw(code: str, procedure: str, due: str = "") -> None:
        known = seen.setdefault(code, (procedure, set()))
        assert known[0] == procedure, f"{code}: {known[0]!r} vs {procedure!r}"
        if due:
            known[1].add(due)

    forms = {kind: printer_demo.demo_document(kind) for kind in printer_demo.DEMOS}
    slip = forms["slip"]
    assert isinstance(slip, AppointmentSlipData)
    saw(slip.dossier_code, slip.procedure_name, f"{slip.due_at:%Y-%m-%d}")
    supplement = forms["supplement"]
    assert isinstance(supplement, SupplementRequestData)
    saw(supplement.dossier_code, supplement.procedure_name)
    apology = forms["apology"]
    assert isinstance(apology, ApologyData)
    saw(apology.dossier_code, apology.procedure_name, f"{apology.new_due_at:%Y-%m-%d}")
    assert apology.new_due_at > apology.original_due_at
    control = forms["control"]
    assert isinstance(control, ControlSheetData)
    saw(control.dossier_code, control.procedure_name, f"{control.due_at:%Y-%m-%d}")
    refusal = forms["refusal"]
    assert isinstance(refusal, RefusalData)
    assert refusal.procedure_name == sample_dossier("refused").procedure_name
    for view in (
        kiosk_demo.demo_dossier(config),
        kiosk_demo.demo_dossier(config, ready=True),
        console_demo.demo_dossier(config),
    ):
        saw(view.code, view.procedure_name, view.due.isoformat())
    for late in console_demo.demo_late(config):
        saw(late.code, late.procedure_name, late.due.isoformat())
    assert kiosk_demo.demo_scan_text(config) == apology.dossier_code
    for code, (_, dues) in seen.items():
        assert len(dues) <= 1, f"{code} has due dates {dues}"
    assert slip.dossier_code == sample_code(next(s for s in SAMPLES if s.key == "received"))


def test_the_sample_ticket_is_the_one_the_dossier_was_received_for() -> None:
    config = demo_config()
    ticket = kiosk_demo.demo_ticket(config)
    printed = printer_demo.demo_ticket()
    received = sample_dossier("received")
    assert ticket.number == printed.number == received.ticket_number == SAMPLE_TICKET.number
    assert ticket.service_name == printed.service_name
    assert (ticket.people_ahead, ticket.estimated_wait_minutes) == (
        printed.people_ahead,
        printed.estimated_wait_minutes,
    )
    assert ticket.estimated_wait_minutes >= 1
    state = console_demo.demo_counter_state(config, received.counter_id or "")
    assert state.current is not None and state.current.number == ticket.number


@pytest.mark.parametrize("counter", [c.id for c in demo_config().counters])
def test_a_console_and_the_supervisor_table_agree_on_a_counter(counter: str) -> None:
    config = demo_config()
    position = [c.id for c in config.counters].index(counter)
    own = console_demo.demo_counter_state(config, counter)
    row = console_demo.demo_counter_state(config, counter, position)
    assert own == row
    officer = console_demo.demo_officer(config, counter, supervisor=True)
    assert own.officer_id in (None, officer.id) and officer.id == officer_id(position)
    status = console_demo.demo_status(config, counter)
    if own.current is not None:
        assert own.current.number in status
        service = next(s for s in config.services if s.code == own.current.service)
        assert own.current.number.startswith(service.prefix)
        assert service.code in config.counters[position].services


def test_queue_figures_never_promise_zero_minutes_to_people_waiting() -> None:
    config = demo_config()
    for figures in (kiosk_demo.demo_queues(config), console_demo.demo_queues(config)):
        for service in figures.services:
            assert service.estimated_wait_minutes >= 1 or service.waiting == 0
    assert kiosk_demo.demo_queues(config).services == console_demo.demo_queues(config).services


def test_seeding_before_opening_puts_nothing_in_the_future(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from admin.demo_seed import seed_demo

    config = demo_config().model_copy(update={"data_dir": str(tmp_path / "data")})
    now = datetime(2026, 12, 1, 0, 5, tzinfo=UTC)  # 07:05 in Khánh Hòa, before any step of today
    seed = seed_demo(sessions, config, now)
    assert len(seed.dossiers) == len(SAMPLES)
    assert all(step.at <= now for d in seed.dossiers for step in d.steps)


def test_seeding_tells_the_samples_as_of_today(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from admin.demo_seed import seed_demo
    from shared.storage.dossier_repository import DossierRepository

    config = demo_config().model_copy(update={"data_dir": str(tmp_path / "data")})
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 16:00 in Khánh Hòa
    seed = seed_demo(sessions, config, now)
    assert [d.procedure_code for d in seed.dossiers] == [s.procedure.code for s in SAMPLES]
    assert all(d.received_at <= now and d.steps[-1].at <= now for d in seed.dossiers)
    by_status = {d.status for d in seed.dossiers}
    assert DossierStatus.RETURNED in by_status and DossierStatus.NOT_RECEIVED in by_status
    late = next(d for d in seed.dossiers if d.apology is not None)
    assert late.legal_due < now.astimezone(LOCAL).date() < late.apology.new_due  # type: ignore[union-attr]
    assert {code for code, _ in seed.slips} <= {d.code for d in seed.dossiers}
    assert all(
        d.code.startswith(f"{CENTRE.agency_code}-{d.local(d.received_at):%y%m%d}-")
        for d in seed.dossiers
    )
    again = seed_demo(sessions, config, now)
    assert [d.code for d in again.dossiers] == [d.code for d in seed.dossiers], "seeded once"
    with sessions.begin() as session:
        assert len(DossierRepository(session, config.site.id).from_source("demo-samples")) == 7
