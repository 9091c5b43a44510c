"""A small hand-computed history: seven tickets, ten dossiers and six ratings.

Every expected figure in the report tests is worked out by hand from the rows below; the
comments next to each ticket give its waiting and service times in seconds.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from shared.storage.dossier_tables import (
    DossierRow,
    DossierStepRow,
    OfficerRow,
    RatingRow,
)
from shared.storage.facts import backfill
from shared.storage.tables import PeriodRow, TicketRow

SITE = "hcc-demo"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = date(2026, 11, 23)


def at(day: int, hhmm: str, month: int = 11) -> datetime:
    """Return a local Hà Nội time of 2026 as an aware UTC datetime."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return datetime(2026, month, day, hours, minutes, tzinfo=HANOI).astimezone(UTC)


Step = tuple[str, str, str | None, str | None, str]  # kind, local HH:MM, counter, officer, service


def _ticket(
    session: Session,
    day: int,
    number: str,
    service: str,
    issued: str,
    steps: list[Step],
    priority: str | None = None,
) -> int:
    periods = [("waiting", issued, None, None, service), *steps]
    last = periods[-1]
    state = {"transferred": "waiting"}.get(last[0], last[0])
    row = TicketRow(
        site_id=SITE,
        service_day=date(2026, 11, day),
        number=number,
        prefix=number[0],
        sequence=int(number[1:]),
        original_service=service,
        service_code=last[4],
        priority=priority,
        state=state,
        counter_id=last[2],
        issued_at=at(day, issued),
    )
    session.add(row)
    session.flush()
    terminal = {"done", "no_show", "voided"}
    for position, (kind, start, counter, officer, code) in enumerate(periods):
        following = periods[position + 1][1] if position + 1 < len(periods) else None
        ended = start if kind in terminal else following
        session.add(
            PeriodRow(
                ticket_id=row.id,
                position=position,
                kind=kind,
                started_at=at(day, start),
                ended_at=at(day, ended) if ended else None,
                service_code=code,
                counter_id=counter,
                officer_id=officer,
            )
        )
    return row.id


def add_tickets(session: Session) -> dict[str, int]:
    """Insert the tickets; returns their ids by name."""
    ids = {}
    # T1: waits 08:00→08:10 = 600 s, served 08:10→08:20 = 600 s at q01 by cb01.
    ids["T1"] = _ticket(
        session,
        23,
        "A001",
        "ho-tich",
        "08:00",
        [
            ("called", "08:10", "q01", "cb01", "ho-tich"),
            ("serving", "08:11", "q01", "cb01", "ho-tich"),
            ("done", "08:20", "q01", "cb01", "ho-tich"),
        ],
    )
    # T2 (elderly): waits 08:05→08:07 = 120 s, served 08:07→08:13 = 360 s at q02 by cb02.
    ids["T2"] = _ticket(
        session,
        23,
        "A002",
        "ho-tich",
        "08:05",
        [
            ("called", "08:07", "q02", "cb02", "ho-tich"),
            ("serving", "08:08", "q02", "cb02", "ho-tich"),
            ("done", "08:13", "q02", "cb02", "ho-tich"),
        ],
        priority="elderly",
    )
    # T3: waits 08:30→08:50 = 1200 s, recalled, then a no-show (no service time).
    ids["T3"] = _ticket(
        session,
        23,
        "A003",
        "ho-tich",
        "08:30",
        [
            ("called", "08:50", "q01", "cb01", "ho-tich"),
            ("called", "08:52", "q01", "cb01", "ho-tich"),
            ("no_show", "08:54", "q01", "cb01", "ho-tich"),
        ],
    )
    # T4: waits 09:00→09:20 = 1200 s at q02/cb02, is transferred to fees and served there
    # 09:40→09:45 = 300 s at q07 by cb07 (the time at q02 and the second wait do not count).
    ids["T4"] = _ticket(
        session,
        23,
        "B001",
        "chung-thuc",
        "09:00",
        [
            ("called", "09:20", "q02", "cb02", "chung-thuc"),
            ("serving", "09:21", "q02", "cb02", "chung-thuc"),
            ("transferred", "09:25", None, None, "thu-phi"),
            ("called", "09:40", "q07", "cb07", "thu-phi"),
            ("serving", "09:41", "q07", "cb07", "thu-phi"),
            ("done", "09:45", "q07", "cb07", "thu-phi"),
        ],
    )
    # T5: voided at once (not issued to a citizen, but its number counts towards the cap).
    ids["T5"] = _ticket(
        session, 23, "B002", "chung-thuc", "09:10", [("voided", "09:10", None, None, "chung-thuc")]
    )
    # T6: waits 14:00→14:30 = 1800 s, served 14:30→15:00 = 1800 s (a hold in between counts).
    ids["T6"] = _ticket(
        session,
        23,
        "C001",
        "ly-lich",
        "14:00",
        [
            ("called", "14:30", "q03", "cb03", "ly-lich"),
            ("serving", "14:31", "q03", "cb03", "ly-lich"),
            ("on_hold", "14:45", "q03", "cb03", "ly-lich"),
            ("serving", "14:55", "q03", "cb03", "ly-lich"),
            ("done", "15:00", "q03", "cb03", "ly-lich"),
        ],
    )
    # T7: still waiting (open), issued 07:30.
    ids["T7"] = _ticket(session, 23, "D001", "can-cuoc", "07:30", [])
    # T8, Tuesday 24: issued 06:50 local = 23:50 UTC on Monday; waits 600 s, served 600 s.
    ids["T8"] = _ticket(
        session,
        24,
        "A001",
        "ho-tich",
        "06:50",
        [
            ("called", "07:00", "q01", "cb01", "ho-tich"),
            ("done", "07:10", "q01", "cb01", "ho-tich"),
        ],
    )
    return ids


class DossierSpec(NamedTuple):
    """One fixture dossier: its row's facts and its log after the 'received' step."""

    code: str
    department: str
    procedure: str
    channel: int
    received: datetime
    legal_due: date
    status: int
    steps: list[tuple[str, datetime, int]]
    finished: datetime | None = None
    site: str = SITE


def nov(day: int) -> date:
    """Return a day of November 2026."""
    return date(2026, 11, day)


# D1 early, D2 on time, D3 late with an apology (all Tư pháp).
DOSSIERS = (
    DossierSpec(
        "TP-0001",
        "tu-phap",
        "2.000635",
        1,
        at(2, "09:00"),
        nov(3),
        10,
        [("done", at(2, "15:00"), 9), ("returned", at(3, "08:00"), 10)],
        at(2, "15:00"),
    ),
    DossierSpec(
        "TP-0002",
        "tu-phap",
        "2.000635",
        2,
        at(5, "09:00"),
        nov(6),
        9,
        [("done", at(6, "16:00"), 9)],
        at(6, "16:00"),
    ),
    DossierSpec(
        "TP-0003",
        "tu-phap",
        "2.000815",
        1,
        at(10, "09:00"),
        nov(12),
        10,
        [
            ("rescheduled", at(11, "09:00"), 4),
            ("done", at(13, "10:00"), 9),
            ("returned", at(14, "10:00"), 10),
        ],
        at(13, "10:00"),
    ),
    # D4: received 9/11 for 7 working days, would be due 18/11, but waited for a supplement
    # 10/11–16/11, so its legal due is 24/11 and finishing on 24/11 is on time.
    DossierSpec(
        "CA-0004",
        "cong-an",
        "2.000200",
        3,
        at(9, "09:00"),
        nov(24),
        9,
        [
            ("supplement_requested", at(10, "09:00"), 5),
            ("supplement_received", at(16, "09:00"), 4),
            ("done", at(24, "10:00"), 9),
        ],
        at(24, "10:00"),
    ),
    # D5: due 24/11, finished 25/11 00:30 local = 24/11 17:30 UTC: late by the local date.
    DossierSpec(
        "CA-0005",
        "cong-an",
        "2.000200",
        2,
        at(16, "08:00"),
        nov(24),
        9,
        [("done", at(25, "00:30"), 9)],
        at(25, "00:30"),
    ),
    # D6: still processing, due 27/11.
    DossierSpec(
        "CA-0006",
        "cong-an",
        "2.000200",
        1,
        at(20, "09:00"),
        nov(27),
        4,
        [("handover", at(20, "10:00"), 4)],
    ),
    # D7: waiting for the citizen's supplement since 26/11.
    DossierSpec(
        "TP-0007",
        "tu-phap",
        "2.000815",
        1,
        at(25, "09:00"),
        date(2026, 12, 5),
        5,
        [("supplement_requested", at(26, "09:00"), 5)],
    ),
    # D8: refused at the desk (status 3): a refusal, not a received dossier.
    DossierSpec(
        "TP-0008",
        "tu-phap",
        "2.000815",
        1,
        at(25, "10:00"),
        nov(27),
        3,
        [("refused", at(25, "10:05"), 3)],
    ),
    # D9: received in October, finished early in November.
    DossierSpec(
        "CA-0009",
        "cong-an",
        "2.000200",
        1,
        at(30, "09:00", month=10),
        nov(6),
        9,
        [("done", at(5, "09:00"), 9)],
        at(5, "09:00"),
    ),
    # D10: another site's dossier, never in this site's report.
    DossierSpec(
        "XX-0010",
        "tu-phap",
        "2.000635",
        1,
        at(2, "09:00"),
        nov(3),
        9,
        [("done", at(2, "10:00"), 9)],
        at(2, "10:00"),
        site="other-site",
    ),
)


def _dossier(session: Session, spec: DossierSpec) -> None:
    row = DossierRow(
        site_id=spec.site,
        code=spec.code,
        token=spec.code[-8:],
        procedure_code=spec.procedure,
        procedure_name=f"Thủ tục {spec.procedure}",
        department=spec.department,
        channel=spec.channel,
        status=spec.status,
        citizen_name="Nguyễn Văn A",
        legal_days=3,
        received_at=spec.received,
        rules="{}",
        legal_due=spec.legal_due,
        due=spec.legal_due,
        finished_at=spec.finished,
        updated_at=spec.received,
    )
    session.add(row)
    session.flush()
    steps = [("received", spec.received, 2), *spec.steps]
    for position, (kind, when, step_status) in enumerate(steps):
        session.add(
            DossierStepRow(
                dossier_id=row.id, position=position, kind=kind, at=when, status=step_status
            )
        )


def add_dossiers(session: Session) -> None:
    """Insert the dossiers (see the tests for the figures they make in November 2026)."""
    for spec in DOSSIERS:
        _dossier(session, spec)


def add_ratings(session: Session, tickets: dict[str, int]) -> None:
    """Insert six ratings: five on Monday 23/11, one on Tuesday."""
    rows = [
        ("T1", "q01", "cb01", "ho-tich", 3, 3, at(23, "08:21")),
        ("T2", "q02", "cb02", "ho-tich", 2, 3, at(23, "08:14")),
        ("T4", "q07", "cb07", "thu-phi", 1, 3, at(23, "09:46")),
        ("T6", "q03", "cb03", "ly-lich", 4, 5, at(23, "15:01")),
        (None, "q03", "cb03", "ly-lich", 1, 5, at(23, "15:30")),
        ("T8", "q01", "cb01", "ho-tich", 3, 3, at(24, "07:11")),
    ]
    for ticket, counter, officer, service, score, scale, when in rows:
        session.add(
            RatingRow(
                site_id=SITE,
                ticket_id=tickets[ticket] if ticket else None,
                service_day=when.astimezone(HANOI).date(),
                service_code=service,
                counter_id=counter,
                officer_id=officer,
                score=score,
                scale=scale,
                rated_at=when,
            )
        )


def add_officers(session: Session) -> None:
    """Insert one officer with a name."""
    session.add(
        OfficerRow(
            site_id=SITE,
            officer_id="cb01",
            name="Nguyễn Văn An",
            password_hash="x",
            updated_at=at(1, "08:00"),
        )
    )


def fill(sessions: sessionmaker[Session]) -> dict[str, int]:
    """Insert the whole fixture; returns the ticket ids by name."""
    with sessions.begin() as session:
        tickets = add_tickets(session)
        add_dossiers(session)
        add_ratings(session, tickets)
        add_officers(session)
        backfill(session.connection())  # what the migration does for tickets written directly
    return tickets
