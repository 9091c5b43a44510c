"""Plausible data for screenshots: a counter serving a citizen, queues, a dossier, the floor.

Every figure of a counter follows from its place in the site file, so the console of a counter
and the supervisor's table agree: the same officer (cb07 at the seventh counter, as `motcua
demo` creates them), the same number at the desk, the same status. Dossiers and waiting
figures come from `shared.demo_dossiers`, the samples every screenshot and printed sample use.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from counter_console.actions import Officer
from shared.config.site import SiteConfig, parse_hhmm
from shared.demo_dossiers import (
    CIVIL_STATUS,
    DEPARTMENTS,
    officer_id,
    officer_name,
    sample_dossier,
    sample_now,
    to_procedure,
)
from shared.demo_hall import SAMPLE_TICKET, queues_state
from shared.domain.counter_actions import allowed_actions
from shared.domain.counters import CounterStatus
from shared.domain.dossiers import result_arrived, transfer_result
from shared.domain.notifications import DeliveryState, MessageKind
from shared.domain.tickets import TicketState
from shared.messaging.commands import Command
from shared.messaging.dossier_commands import DocumentData
from shared.messaging.dossier_views import (
    DossierFull,
    DossierPublic,
    LateDossier,
    ProcedureView,
)
from shared.messaging.replies import ErrorCode, Reply, TicketInfo
from shared.messaging.states import CounterStateMessage, QueuesState
from shared.notification_state import DeadLetter, NotificationsState

if TYPE_CHECKING:
    from server.dossier_projection import ViewContext

AT = sample_now().astimezone(UTC)
# Positions (0-based, in the site file) of counters shown idle, closed or paused on the floor.
IDLE, CLOSED, PAUSED = 9, 11, 13
# Branches of the demo province a result may be sent to, when the site file lists none.
DEMO_RETURN_BRANCHES = {"hcc-cam-ranh": "Chi nhánh Cam Ranh", "hcc-ninh-hoa": "Chi nhánh Ninh Hòa"}
OTHER_BRANCH = "hcc-cam-ranh"


class OfflineSender:
    """A sender for screenshots: every command fails politely."""

    def send(self, command: Command, timeout: float = 2.0, attempts: int = 3) -> Reply:
        """Refuse the command."""
        return Reply.failure(command.request_id, ErrorCode.TIMEOUT, "Ảnh chụp màn hình mẫu.")


def demo_queues(config: SiteConfig) -> QueuesState:
    """Waiting figures for every service, estimated as the server would."""
    return queues_state(config.to_domain(), AT)


def _position(config: SiteConfig, counter_id: str) -> int:
    return next(i for i, c in enumerate(config.counters) if c.id == counter_id)


def demo_current(config: SiteConfig, counter_id: str) -> TicketInfo | None:
    """The citizen at a counter: the sample ticket A012 at the first, others elsewhere."""
    position = _position(config, counter_id)
    if position in (IDLE, CLOSED):
        return None
    counter = config.counters[position]
    service = next(s for s in config.services if s.code == counter.services[0])
    sample = SAMPLE_TICKET
    if counter.id == sample.counter_id and service.code == sample.service:
        number, priority, issued = sample.number, sample.priority, sample.issued_at
    else:
        number = f"{service.prefix}{10 + 2 * position:03d}"
        priority = None
        issued = AT - timedelta(minutes=25 + position)
    return TicketInfo(
        number=number,
        service=service.code,
        service_name=service.name,
        priority=priority,
        state=TicketState.SERVING,
        counter=counter.id,
        counter_label=counter.label,
        issued_at=issued,
        service_day=AT.date().isoformat(),
        counters=[c.label for c in config.counters if service.code in c.services],
    )


def demo_counter_state(
    config: SiteConfig, counter_id: str, index: int | None = None
) -> CounterStateMessage:
    """A counter of the demo floor; `index` is ignored (its place in the site file decides)."""
    position = _position(config, counter_id)
    counter = config.counters[position]
    service = next(s for s in config.services if s.code == counter.services[0])
    current = demo_current(config, counter_id)
    closed = position == CLOSED
    paused = position == PAUSED
    held = [f"{service.prefix}{7 + 2 * position:03d}"] if position == 0 else []
    status = CounterStatus.OPEN
    if closed or paused:
        status = CounterStatus.CLOSED if closed else CounterStatus.PAUSED
    current_state = current.state if current is not None else None
    return CounterStateMessage(
        counter=counter.id,
        label=counter.label,
        status=status,
        officer_id=None if closed else officer_id(position),
        pause_reason="Nghỉ giữa giờ" if paused else "",
        current=current,
        current_card=current is not None and position % 2 == 0,  # shared at the kiosk
        held=held,
        actions=allowed_actions(status, current_state, held=bool(held)),
        served_today=11 + (7 * position) % 9,
        average_service_seconds=int(service.average_minutes * 60 * (0.85 + 0.1 * (position % 4))),
        updated_at=AT - timedelta(minutes=position % 5),
    )


def demo_officer(config: SiteConfig, counter_id: str, supervisor: bool = False) -> Officer:
    """The officer signed in at a counter (a team leader when the screenshot needs one)."""
    position = _position(config, counter_id)
    counter = config.counters[position]
    title = "Tổ trưởng một cửa" if supervisor else "Chuyên viên"
    return Officer(
        officer_id(position),
        officer_name(position, counter.label),
        title,
        "supervisor" if supervisor else "officer",
    )


def demo_status(config: SiteConfig, counter_id: str) -> str:
    """The console's status line for the counter's current citizen."""
    current = demo_current(config, counter_id)
    return f"Đang phục vụ số {current.number}." if current else "Chưa có công dân tại quầy."


def demo_procedure() -> ProcedureView:
    """The procedure of the dossier just received at the first counter."""
    procedure = to_procedure(CIVIL_STATUS)
    return ProcedureView(
        code=procedure.code,
        name=procedure.name,
        field=procedure.field,
        department=procedure.department,
        department_name=DEPARTMENTS[procedure.department],
        legal_days=procedure.legal_days,
        processing_time=procedure.processing_time(),
        fee=procedure.fee,
        documents=[
            DocumentData(name=d.name, form=d.form, quantity=d.quantity) for d in procedure.documents
        ],
        return_place=procedure.return_place,
        service=procedure.service,
    )


def _views(config: SiteConfig) -> ViewContext:
    from server.dossier_projection import ViewContext

    return ViewContext(
        config.to_domain(),
        parse_hhmm(config.dossiers.due_time),
        config.dossiers.return_service or None,
    )


def demo_dossier(config: SiteConfig) -> DossierFull:
    """The dossier just received for ticket A012 at the first counter, as staff see it."""
    from server.dossier_projection import full_view

    return full_view(sample_dossier("received"), _views(config), AT)


def demo_ready_dossier(config: SiteConfig) -> DossierFull:
    """A dossier whose result waits at the return counter, as staff see it."""
    from server.dossier_projection import full_view

    return full_view(sample_dossier("ready"), _views(config), AT)


def demo_late(config: SiteConfig) -> list[LateDossier]:
    """The dossiers a supervisor sees as late or due soon."""
    from server.dossier_projection import late_view

    return [late_view(sample_dossier(key), _views(config), AT) for key in ("late", "processing")]


def demo_notifications(config: SiteConfig) -> NotificationsState:
    """Two messages to citizens that could not be sent, as the supervisor view lists them."""
    agency = config.dossiers.agency_code
    letters = [
        DeadLetter(
            id=41,
            kind=MessageKind.READY,
            kind_label="Hồ sơ có kết quả",
            recipient="09xx xxx 678",
            reference=f"{agency}-261123-0004",
            channel="sms",
            error="SMS: HTTP 400 (số điện thoại không hợp lệ)",
            at=AT - timedelta(minutes=12),
        ),
        DeadLetter(
            id=38,
            kind=MessageKind.APOLOGY,
            kind_label="Xin lỗi, hẹn lại ngày trả",
            recipient="n***@example.vn",
            reference=f"{agency}-261117-0012",
            channel="zns",
            error="Zalo: không nhận được trả lời — không rõ tin đã đến chưa: hỏi nhà cung cấp "
            "trước khi gửi lại",
            at=AT - timedelta(minutes=40),
        ),
    ]
    counts = dict.fromkeys(DeliveryState, 0) | {DeliveryState.DEAD: 2, DeliveryState.SENT: 57}
    return NotificationsState(counts=counts, dead_letters=letters, channels=["zns", "sms"], at=AT)


def demo_return_branches(config: SiteConfig) -> dict[str, str]:
    """The branches this one may transfer results to: the site file's, else the demo's two."""
    return dict(config.index.return_branches) or dict(DEMO_RETURN_BRANCHES)


def demo_transferred_here(config: SiteConfig, arrived: bool) -> DossierPublic:
    """The ready sample as another branch received it, its result sent to this one.

    As the provincial index answers this branch: the public view, the receiving branch named,
    and the return service offered only once the result has arrived.
    """
    from server.dossier_projection import public_view

    sent_at = datetime.combine(AT.date() - timedelta(days=3), time(9, 30), UTC)
    other = DEMO_RETURN_BRANCHES[OTHER_BRANCH]
    dossier = replace(sample_dossier("ready"), site_id=OTHER_BRANCH)
    dossier = transfer_result(dossier, sent_at, "cb03", config.site.id, config.site.name)
    if arrived:
        dossier = result_arrived(dossier, AT - timedelta(minutes=90), config.site.id, "cb07")
    view = public_view(dossier, _views(config), AT)
    service = config.dossiers.return_service or None
    return view.model_copy(
        update={"site_name": other, "return_service": service if arrived else None}
    )
