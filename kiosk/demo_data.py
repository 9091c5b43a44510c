"""Plausible data for screenshots of every kiosk screen (no real person's data).

Tickets, waiting figures and dossiers come from `shared.demo_dossiers`, the samples the
console screenshots, the printed samples and `motcua demo` share; dossiers are shown through
the server's own projection, as a kiosk receives them.
"""

from __future__ import annotations

from datetime import UTC

from shared.config.site import SiteConfig, parse_hhmm
from shared.demo_dossiers import (
    BUILDING_PERMIT,
    BUSINESS,
    CIVIL_STATUS,
    CRIMINAL_RECORD,
    DEPARTMENTS,
    SampleProcedure,
    sample_dossier,
    to_procedure,
)
from shared.demo_hall import SAMPLE_TICKET, queues_state
from shared.domain.codes import ticket_qr
from shared.domain.dossiers import ReceivedDocument
from shared.domain.tickets import TicketState
from shared.messaging.dossier_commands import DocumentData
from shared.messaging.dossier_views import DossierPublic, ProcedureView
from shared.messaging.replies import TicketInfo
from shared.messaging.states import QueuesState

AT = SAMPLE_TICKET.issued_at.astimezone(UTC)

MARRIAGE = SampleProcedure(
    "1.000894",
    "Đăng ký kết hôn có yếu tố nước ngoài",
    "tu-phap",
    10,
    "1.500.000 đồng",
    (
        ReceivedDocument("Tờ khai đăng ký kết hôn", "Bản chính", 1),
        ReceivedDocument("Giấy xác nhận tình trạng hôn nhân", "Bản chính", 1),
        ReceivedDocument("Hộ chiếu hoặc giấy tờ có giá trị thay hộ chiếu", "Bản sao", 1),
    ),
    field="Hộ tịch",
    service="ho-tich",
)
EXTRACT = SampleProcedure(
    "2.000635",
    "Cấp bản sao trích lục hộ tịch",
    "tu-phap",
    0,
    "8.000 đồng/bản sao trích lục",
    (
        ReceivedDocument("Tờ khai cấp bản sao trích lục hộ tịch", "Bản chính", 1),
        ReceivedDocument("Giấy tờ tùy thân của người yêu cầu", "Bản chính", 1),
    ),
    field="Hộ tịch",
    service="ho-tich",
)


def demo_queues(config: SiteConfig) -> QueuesState:
    """Waiting figures of every service, estimated as the server would; one is out of tickets."""
    return queues_state(config.to_domain(), AT)


def demo_ticket(config: SiteConfig) -> TicketInfo:
    """The sample ticket (A012 at the demo site), just taken by an elderly citizen."""
    sample = SAMPLE_TICKET
    service = next((s for s in config.services if s.code == sample.service), config.services[0])
    number = f"{service.prefix}{sample.number[1:]}"
    priorities = {p.id for p in config.priorities}
    day = sample.issued_at.date()
    return TicketInfo(
        number=number,
        service=service.code,
        service_name=service.name,
        priority=sample.priority if sample.priority in priorities else None,
        state=TicketState.WAITING,
        issued_at=AT,
        service_day=day.isoformat(),
        people_ahead=sample.people_ahead,
        estimated_wait_minutes=sample.estimated_wait_minutes,
        counters=[c.label for c in config.counters if service.code in c.services],
        qr=ticket_qr(config.site.id, day, number),
    )


def procedure_view(sample: SampleProcedure) -> ProcedureView:
    """Show a sample procedure as the catalogue reply would."""
    procedure = to_procedure(sample)
    return ProcedureView(
        code=procedure.code,
        name=procedure.name,
        field=procedure.field,
        department=procedure.department,
        department_name=DEPARTMENTS.get(procedure.department, procedure.department),
        legal_days=procedure.legal_days,
        processing_time=procedure.processing_time(),
        fee=procedure.fee,
        documents=[
            DocumentData(name=d.name, form=d.form, quantity=d.quantity) for d in procedure.documents
        ],
        return_place=procedure.return_place,
        service=procedure.service,
    )


def demo_procedures() -> list[ProcedureView]:
    """A few procedures of the catalogue, with Vietnamese names to search."""
    return [
        procedure_view(p)
        for p in (CIVIL_STATUS, MARRIAGE, EXTRACT, CRIMINAL_RECORD, BUILDING_PERMIT, BUSINESS)
    ]


def demo_dossier(config: SiteConfig, *, ready: bool = False, late: bool = True) -> DossierPublic:
    """A sample dossier as a scan shows it: late with an apology, due soon, or ready."""
    from server.dossier_projection import ViewContext, public_view

    key = "ready" if ready else ("late" if late else "processing")
    context = ViewContext(
        config.to_domain(),
        parse_hhmm(config.dossiers.due_time),
        config.dossiers.return_service or None,
    )
    return public_view(sample_dossier(key), context, AT)


def demo_scan_text(config: SiteConfig) -> str:
    """What the scan screen shows being read: the code of the late sample dossier."""
    return sample_dossier("late").code
