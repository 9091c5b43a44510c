"""Dossiers (hồ sơ): the national status codes, the hand-over log, pauses, deadlines, apologies.

Transitions are pure functions returning a new `Dossier`; an illegal one raises
`InvalidTransition` with a Vietnamese message. The clock stops while the centre waits for the
citizen (a supplement, or a financial obligation); the legal due date is recomputed from the
receipt with those pauses removed, on the calendar and rule kept with the dossier.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time
from enum import IntEnum, StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.deadlines import Pause, RuleSnapshot, compute_deadline
from shared.domain.errors import InvalidInput, InvalidTransition
from shared.domain.procedures import RequiredDocument

# A paper received with a dossier has the same three facts as one a procedure requires.
ReceivedDocument = RequiredDocument


class DossierStatus(IntEnum):
    """The national status codes used to sync with the public-service portal."""

    NEW = 1
    RECEIVED = 2
    NOT_RECEIVED = 3
    PROCESSING = 4
    SUPPLEMENT_REQUESTED = 5
    PAYMENT_REQUESTED = 6
    WITHDRAWN = 7
    STOPPED = 8
    DONE = 9
    RETURNED = 10


STATUS_LABELS = {
    DossierStatus.NEW: "Mới",
    DossierStatus.RECEIVED: "Đã tiếp nhận",
    DossierStatus.NOT_RECEIVED: "Từ chối tiếp nhận",
    DossierStatus.PROCESSING: "Đang giải quyết",
    DossierStatus.SUPPLEMENT_REQUESTED: "Chờ bổ sung hồ sơ",
    DossierStatus.PAYMENT_REQUESTED: "Chờ thực hiện nghĩa vụ tài chính",
    DossierStatus.WITHDRAWN: "Công dân rút hồ sơ",
    DossierStatus.STOPPED: "Dừng xử lý",
    DossierStatus.DONE: "Đã có kết quả",
    DossierStatus.RETURNED: "Đã trả kết quả",
}


class Channel(IntEnum):
    """How the dossier reached the centre (national channel codes)."""

    IN_PERSON = 1
    ONLINE = 2
    POST = 3


CHANNEL_LABELS = {
    Channel.IN_PERSON: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POST: "Bưu chính công ích",
}

CLOSED_STATUSES = frozenset(
    {
        DossierStatus.NOT_RECEIVED,
        DossierStatus.WITHDRAWN,
        DossierStatus.STOPPED,
        DossierStatus.DONE,
        DossierStatus.RETURNED,
    }
)
FINISHED_STATUSES = frozenset({DossierStatus.DONE, DossierStatus.RETURNED})
WAITING_FOR_CITIZEN = frozenset(
    {DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.PAYMENT_REQUESTED}
)
IN_HANDS = frozenset({DossierStatus.NEW, DossierStatus.RECEIVED, DossierStatus.PROCESSING})


class StepKind(StrEnum):
    """What happened in one row of the dossier's log (the control sheet, Mẫu 05)."""

    RECEIVED = "received"
    HANDOVER = "handover"
    SUPPLEMENT_REQUESTED = "supplement_requested"
    SUPPLEMENT_RECEIVED = "supplement_received"
    PAYMENT_REQUESTED = "payment_requested"
    PAYMENT_RECEIVED = "payment_received"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    RESCHEDULED = "rescheduled"
    DONE = "done"
    RETURNED = "returned"
    STATUS_UPDATE = "status_update"
    RESULT_SENT = "result_sent"
    RESULT_ARRIVED = "result_arrived"


STEP_LABELS = {
    StepKind.RECEIVED: "Tiếp nhận hồ sơ",
    StepKind.HANDOVER: "Chuyển hồ sơ",
    StepKind.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung hồ sơ",
    StepKind.SUPPLEMENT_RECEIVED: "Nhận hồ sơ bổ sung",
    StepKind.PAYMENT_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính",
    StepKind.PAYMENT_RECEIVED: "Đã thực hiện nghĩa vụ tài chính",
    StepKind.REFUSED: "Từ chối hồ sơ",
    StepKind.WITHDRAWN: "Công dân rút hồ sơ",
    StepKind.RESCHEDULED: "Xin lỗi và hẹn lại ngày trả",
    StepKind.DONE: "Có kết quả giải quyết",
    StepKind.RETURNED: "Trả kết quả cho công dân",
    StepKind.STATUS_UPDATE: "Cập nhật trạng thái",
    StepKind.RESULT_SENT: "Chuyển kết quả đến chi nhánh trả kết quả",
    StepKind.RESULT_ARRIVED: "Chi nhánh trả kết quả đã nhận kết quả",
}


class Timeliness(StrEnum):
    """Where a dossier stands against its legal due date."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    WITHIN = "within"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    PAUSED = "paused"
    NOT_APPLICABLE = "not_applicable"


TIMELINESS_LABELS = {
    Timeliness.EARLY: "Trước hạn",
    Timeliness.ON_TIME: "Đúng hạn",
    Timeliness.LATE: "Quá hạn",
    Timeliness.WITHIN: "Trong hạn",
    Timeliness.DUE_SOON: "Sắp đến hạn",
    Timeliness.OVERDUE: "Đã quá hạn",
    Timeliness.PAUSED: "Tạm dừng chờ công dân",
    Timeliness.NOT_APPLICABLE: "",
}
# Behind its due date: `late` once finished, `overdue` while still open.
LATE_TIMELINESS = frozenset({Timeliness.LATE, Timeliness.OVERDUE})


class DossierEventKind(StrEnum):
    """What a dossier event reports: the staff command that changed it, a sync or a notice."""

    RECEIVED = "received"
    HAND_OVER = "hand_over"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT_RECEIVED = "supplement_received"
    REFUSE_DOSSIER = "refuse_dossier"
    MARK_DONE = "mark_done"
    MARK_RETURNED = "mark_returned"
    TRANSFER_RESULT = "transfer_result"
    RESULT_ARRIVED = "result_arrived"
    RESCHEDULE = "reschedule"
    LATE_NOTICE = "late_notice"
    SYNCED = "synced"


@dataclass(frozen=True)
class Citizen:
    """The person who submitted the dossier; never shown unmasked on public screens."""

    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Step:
    """One row of the dossier's log: who gave it to whom, when, and the status after."""

    kind: StepKind
    at: datetime
    status: DossierStatus
    actor: str = ""
    from_unit: str = ""
    to_unit: str = ""
    receiver: str = ""
    note: str = ""


@dataclass(frozen=True)
class ClockPause:
    """The clock stopped while waiting for the citizen; `end` is None while still waiting."""

    kind: StepKind
    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class Apology:
    """The apology slip (Mẫu 04): why the dossier is late and the one new date promised."""

    at: datetime
    reason: str
    new_due: date
    officer: str


@dataclass(frozen=True)
class Dossier:
    """A dossier and its whole history; `legal_due` already excludes every closed pause."""

    code: str
    token: str
    site_id: str
    procedure_code: str
    procedure_name: str
    department: str
    channel: Channel
    citizen: Citizen
    documents: tuple[ReceivedDocument, ...]
    sets: int
    legal_days: int
    received_at: datetime
    received_by: str
    rules: RuleSnapshot
    legal_due: date
    status: DossierStatus
    steps: tuple[Step, ...]
    pauses: tuple[ClockPause, ...] = ()
    apology: Apology | None = None
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    return_place: str = ""
    fee: str = ""
    counter_id: str | None = None
    ticket_number: str | None = None
    late_notice_at: datetime | None = None
    # Where the result was transferred to be returned (another branch), and when it arrived.
    result_site_id: str | None = None
    result_site_name: str = ""
    result_arrived_at: datetime | None = None
    id: int | None = None
    version: int = 0

    @property
    def due(self) -> date:
        """Return the date the citizen was last promised: the apology's date, else the legal one."""
        return self.apology.new_due if self.apology else self.legal_due

    @property
    def open_pause(self) -> ClockPause | None:
        """Return the pause still running, if the centre is waiting for the citizen."""
        return next((p for p in self.pauses if p.end is None), None)

    @property
    def closed(self) -> bool:
        """Tell whether nothing more happens to this dossier (but being returned, if done)."""
        return self.status in CLOSED_STATUSES

    def local(self, at: datetime) -> datetime:
        """Return an instant in the dossier's local time zone, naive."""
        return at.astimezone(ZoneInfo(self.rules.timezone)).replace(tzinfo=None)

    def due_moment(self, due_time: time) -> datetime:
        """Return the promised date at the site's return hour, aware in local time."""
        return datetime.combine(self.due, due_time, ZoneInfo(self.rules.timezone))


def legal_due_date(
    received_at: datetime, legal_days: int, rules: RuleSnapshot, pauses: tuple[ClockPause, ...]
) -> date:
    """Compute the legal due date on the kept calendar and rule, closed pauses excluded."""
    closed = [Pause(p.start, p.end) for p in pauses if p.end is not None]
    return compute_deadline(received_at, legal_days, rules.calendar(), rules.rule(), closed).due


def receive(
    *,
    code: str,
    token: str,
    site_id: str,
    procedure_code: str,
    procedure_name: str,
    department: str,
    channel: Channel,
    citizen: Citizen,
    documents: tuple[ReceivedDocument, ...],
    sets: int,
    legal_days: int,
    at: datetime,
    officer: str,
    rules: RuleSnapshot,
    return_place: str = "",
    fee: str = "",
    counter_id: str | None = None,
    ticket_number: str | None = None,
) -> Dossier:
    """Register a dossier received now; its due date is fixed by the rules kept with it."""
    if not citizen.name.strip():
        raise InvalidInput("Cần nhập họ tên người nộp hồ sơ.")
    if sets < 1:
        raise InvalidInput("Số bộ hồ sơ phải từ 1 trở lên.")
    due = legal_due_date(at, legal_days, rules, ())
    step = Step(StepKind.RECEIVED, at, DossierStatus.RECEIVED, actor=officer, to_unit=department)
    return Dossier(
        code=code,
        token=token,
        site_id=site_id,
        procedure_code=procedure_code,
        procedure_name=procedure_name,
        department=department,
        channel=channel,
        citizen=citizen,
        documents=documents,
        sets=sets,
        legal_days=legal_days,
        received_at=at,
        received_by=officer,
        rules=rules,
        legal_due=due,
        status=DossierStatus.RECEIVED,
        steps=(step,),
        return_place=return_place,
        fee=fee,
        counter_id=counter_id,
        ticket_number=ticket_number,
    )


def _require(dossier: Dossier, allowed: frozenset[DossierStatus], action: str) -> None:
    if dossier.status not in allowed:
        label = STATUS_LABELS[dossier.status].lower()
        raise InvalidTransition(
            f"Không thể {action}: hồ sơ {dossier.code} đang ở trạng thái {label}."
        )


def _after(dossier: Dossier, at: datetime) -> None:
    if at < dossier.steps[-1].at:
        raise InvalidInput("Thời điểm cập nhật sớm hơn bước trước của hồ sơ.")


def _log(dossier: Dossier, step: Step, **changes: Any) -> Dossier:
    return replace(dossier, steps=(*dossier.steps, step), status=step.status, **changes)


# The step that stops the clock for each waiting status, and the step that restarts it.
_PAUSE_STEP = {
    DossierStatus.SUPPLEMENT_REQUESTED: StepKind.SUPPLEMENT_REQUESTED,
    DossierStatus.PAYMENT_REQUESTED: StepKind.PAYMENT_REQUESTED,
}
_RESUME_STEP = {
    DossierStatus.SUPPLEMENT_REQUESTED: StepKind.SUPPLEMENT_RECEIVED,
    DossierStatus.PAYMENT_REQUESTED: StepKind.PAYMENT_RECEIVED,
}


def _close_pauses(dossier: Dossier, at: datetime) -> tuple[ClockPause, ...]:
    return tuple(replace(p, end=at) if p.end is None else p for p in dossier.pauses)


def _restart_clock(dossier: Dossier, at: datetime) -> dict[str, Any]:
    """Close the running pause and move the legal due date by the time it lasted."""
    pauses = _close_pauses(dossier, at)
    due = legal_due_date(dossier.received_at, dossier.legal_days, dossier.rules, pauses)
    return {"pauses": pauses, "legal_due": due}


def handover(
    dossier: Dossier,
    at: datetime,
    giver: str,
    receiver: str,
    from_unit: str,
    to_unit: str,
    note: str,
) -> Dossier:
    """Record a hand-over between units; the dossier is then being processed."""
    _require(dossier, IN_HANDS, "chuyển hồ sơ")
    _after(dossier, at)
    step = Step(
        StepKind.HANDOVER, at, DossierStatus.PROCESSING, giver, from_unit, to_unit, receiver, note
    )
    return _log(dossier, step)


def _pause(
    dossier: Dossier, status: DossierStatus, at: datetime, officer: str, note: str
) -> Dossier:
    _require(dossier, IN_HANDS, "tạm dừng để chờ công dân")
    _after(dossier, at)
    kind = _PAUSE_STEP[status]
    step = Step(kind, at, status, actor=officer, note=note)
    return _log(dossier, step, pauses=(*dossier.pauses, ClockPause(kind, at)))


def request_supplement(dossier: Dossier, at: datetime, officer: str, reason: str) -> Dossier:
    """Ask the citizen for missing papers (Mẫu 02); the clock stops until they arrive."""
    if not reason.strip():
        raise InvalidInput("Cần ghi rõ lý do yêu cầu bổ sung.")
    return _pause(dossier, DossierStatus.SUPPLEMENT_REQUESTED, at, officer, reason)


def request_payment(dossier: Dossier, at: datetime, officer: str, note: str) -> Dossier:
    """Ask the citizen to fulfil a financial obligation; the clock stops until they do."""
    return _pause(dossier, DossierStatus.PAYMENT_REQUESTED, at, officer, note)


def resume_processing(dossier: Dossier, at: datetime, officer: str, note: str = "") -> Dossier:
    """The citizen supplied what was asked: the clock runs again and the due date moves."""
    _require(dossier, WAITING_FOR_CITIZEN, "nhận bổ sung")
    _after(dossier, at)
    step = Step(_RESUME_STEP[dossier.status], at, DossierStatus.PROCESSING, officer, note=note)
    return _log(dossier, step, **_restart_clock(dossier, at))


def refuse(dossier: Dossier, at: datetime, officer: str, reason: str) -> Dossier:
    """Refuse the dossier (Mẫu 03): not received if not yet processed, else processing stopped."""
    if not reason.strip():
        raise InvalidInput("Cần ghi rõ lý do từ chối.")
    _require(dossier, IN_HANDS | WAITING_FOR_CITIZEN, "từ chối hồ sơ")
    _after(dossier, at)
    started = any(s.kind is StepKind.HANDOVER for s in dossier.steps)
    status = DossierStatus.STOPPED if started else DossierStatus.NOT_RECEIVED
    step = Step(StepKind.REFUSED, at, status, actor=officer, note=reason)
    return _log(dossier, step, pauses=_close_pauses(dossier, at))


def withdraw(dossier: Dossier, at: datetime, officer: str, note: str = "") -> Dossier:
    """The citizen takes the dossier back."""
    _require(dossier, IN_HANDS | WAITING_FOR_CITIZEN, "rút hồ sơ")
    _after(dossier, at)
    step = Step(StepKind.WITHDRAWN, at, DossierStatus.WITHDRAWN, actor=officer, note=note)
    return _log(dossier, step, pauses=_close_pauses(dossier, at))


def mark_done(dossier: Dossier, at: datetime, officer: str, note: str = "") -> Dossier:
    """The result is ready to be collected."""
    _require(dossier, IN_HANDS, "báo có kết quả")
    _after(dossier, at)
    step = Step(
        StepKind.DONE, at, DossierStatus.DONE, actor=officer, to_unit="trả kết quả", note=note
    )
    return _log(dossier, step, finished_at=at)


def mark_returned(dossier: Dossier, at: datetime, officer: str, note: str = "") -> Dossier:
    """The result was handed to the citizen."""
    _require(dossier, frozenset({DossierStatus.DONE}), "trả kết quả")
    if dossier.result_site_id is not None:
        raise InvalidTransition(
            f"Kết quả hồ sơ {dossier.code} đã chuyển đến {dossier.result_site_name}; "
            "chi nhánh đó trả kết quả cho công dân."
        )
    _after(dossier, at)
    step = Step(StepKind.RETURNED, at, DossierStatus.RETURNED, actor=officer, note=note)
    return _log(dossier, step, returned_at=at)


def transfer_result(
    dossier: Dossier, at: datetime, officer: str, site_id: str, site_name: str, note: str = ""
) -> Dossier:
    """Send the ready result to another branch, where the citizen will collect it (audited)."""
    _require(dossier, frozenset({DossierStatus.DONE}), "chuyển kết quả")
    if dossier.result_site_id is not None:
        raise InvalidTransition(
            f"Kết quả hồ sơ {dossier.code} đã chuyển đến {dossier.result_site_name}."
        )
    if site_id == dossier.site_id:
        raise InvalidInput("Kết quả đang ở chính chi nhánh này; chọn chi nhánh khác.")
    _after(dossier, at)
    step = Step(
        StepKind.RESULT_SENT,
        at,
        DossierStatus.DONE,
        actor=officer,
        to_unit=site_name,
        receiver=site_id,
        note=note,
    )
    return _log(dossier, step, result_site_id=site_id, result_site_name=site_name)


def _elsewhere(dossier: Dossier, site_id: str) -> None:
    if dossier.result_site_id != site_id:
        raise InvalidTransition(f"Kết quả hồ sơ {dossier.code} không được chuyển đến {site_id}.")


def _not_before(dossier: Dossier, at: datetime) -> datetime:
    # Another branch's clock: its news is logged after the dossier's last step, never before.
    return max(at, dossier.steps[-1].at)


def result_arrived(dossier: Dossier, at: datetime, site_id: str, actor: str) -> Dossier:
    """The branch the result was sent to holds it now; the same news again changes nothing."""
    _elsewhere(dossier, site_id)
    if dossier.result_arrived_at is not None or dossier.status is DossierStatus.RETURNED:
        return dossier
    _require(dossier, frozenset({DossierStatus.DONE}), "ghi nhận kết quả đã đến")
    at = _not_before(dossier, at)
    step = Step(
        StepKind.RESULT_ARRIVED,
        at,
        DossierStatus.DONE,
        actor=actor,
        to_unit=dossier.result_site_name,
        receiver=site_id,
    )
    return _log(dossier, step, result_arrived_at=at)


def returned_at_branch(dossier: Dossier, at: datetime, site_id: str, actor: str) -> Dossier:
    """The branch the result was sent to handed it to the citizen; idempotent like arrival."""
    _elsewhere(dossier, site_id)
    if dossier.status is DossierStatus.RETURNED:
        return dossier
    _require(dossier, frozenset({DossierStatus.DONE}), "trả kết quả")
    at = _not_before(dossier, at)
    step = Step(
        StepKind.RETURNED,
        at,
        DossierStatus.RETURNED,
        actor=actor,
        to_unit=dossier.result_site_name,
        receiver=site_id,
        note=f"Trả tại {dossier.result_site_name}",
    )
    arrived = dossier.result_arrived_at or at
    return _log(dossier, step, returned_at=at, result_arrived_at=arrived)


def reschedule(dossier: Dossier, at: datetime, officer: str, reason: str, new_due: date) -> Dossier:
    """Apologise and promise a new date (Mẫu 04); the date may be moved only once."""
    if dossier.apology is not None:
        raise InvalidTransition(
            f"Hồ sơ {dossier.code} đã được hẹn lại một lần "
            f"(ngày {dossier.apology.new_due:%d/%m/%Y}); không được hẹn lại lần nữa."
        )
    _require(dossier, IN_HANDS | WAITING_FOR_CITIZEN, "hẹn lại ngày trả")
    _after(dossier, at)
    if not reason.strip():
        raise InvalidInput("Cần ghi rõ lý do chậm trễ.")
    if new_due <= dossier.legal_due:
        raise InvalidInput(f"Ngày hẹn mới phải sau ngày hẹn cũ ({dossier.legal_due:%d/%m/%Y}).")
    if not dossier.rules.calendar().is_working_day(new_due):
        raise InvalidInput(f"Ngày {new_due:%d/%m/%Y} không phải ngày làm việc.")
    apology = Apology(at, reason.strip(), new_due, officer)
    step = Step(
        StepKind.RESCHEDULED,
        at,
        dossier.status,
        actor=officer,
        note=f"{reason.strip()} — hẹn lại ngày {new_due:%d/%m/%Y}",
    )
    return _log(dossier, step, apology=apology)


def timeliness(dossier: Dossier, now: datetime) -> Timeliness:
    """Say whether a dossier was early, on time or late, or where an open one stands now."""
    if dossier.status in FINISHED_STATUSES and dossier.finished_at is not None:
        finished = dossier.local(dossier.finished_at).date()
        if finished < dossier.legal_due:
            return Timeliness.EARLY
        return Timeliness.ON_TIME if finished == dossier.legal_due else Timeliness.LATE
    if dossier.closed:
        return Timeliness.NOT_APPLICABLE
    if dossier.open_pause is not None:
        return Timeliness.PAUSED
    today = dossier.local(now).date()
    if today > dossier.legal_due:
        return Timeliness.OVERDUE
    if dossier.rules.calendar().next_working_day(today) >= dossier.legal_due:
        return Timeliness.DUE_SOON
    return Timeliness.WITHIN


def step_timing(dossier: Dossier, step: Step) -> str:
    """Judge one hand-over for the control sheet: early, on time or late against the due date."""
    day = dossier.local(step.at).date()
    if day < dossier.legal_due:
        return TIMELINESS_LABELS[Timeliness.EARLY]
    if day == dossier.legal_due:
        return TIMELINESS_LABELS[Timeliness.ON_TIME]
    return TIMELINESS_LABELS[Timeliness.LATE]


def mask_name(name: str) -> str:
    """Mask a citizen's name for public screens: 'Nguyễn Văn An' → 'Nguyễn V** A**'."""
    words = name.split()
    if not words:
        return ""
    return " ".join([words[0], *(f"{w[0]}**" for w in words[1:])])


def masked_citizen(citizen: Citizen) -> Citizen:
    """What another branch's staff see of a citizen: the masked name, no other field."""
    return Citizen(name=mask_name(citizen.name))


def sync_status(
    dossier: Dossier, status: DossierStatus, at: datetime, source: str, note: str = ""
) -> Dossier:
    """Apply a status pushed by an external one-stop system; the same status again is a no-op."""
    if status is dossier.status:
        return dossier
    if dossier.status is DossierStatus.RETURNED:
        raise InvalidTransition(f"Hồ sơ {dossier.code} đã trả kết quả; không cập nhật được nữa.")
    _after(dossier, at)
    changes: dict[str, Any] = {}
    if dossier.open_pause is not None and status not in WAITING_FOR_CITIZEN:
        changes = _restart_clock(dossier, at)
    elif dossier.open_pause is None and status in WAITING_FOR_CITIZEN:
        changes["pauses"] = (*dossier.pauses, ClockPause(_PAUSE_STEP[status], at))
    if status in FINISHED_STATUSES and dossier.finished_at is None:
        changes["finished_at"] = at
    if status is DossierStatus.RETURNED:
        changes["returned_at"] = at
    step = Step(StepKind.STATUS_UPDATE, at, status, actor=source, note=note)
    return _log(dossier, step, **changes)
