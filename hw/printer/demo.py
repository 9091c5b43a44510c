"""Vietnamese demo data for every document, taken from the sample dossiers (fixed dates).

Every form of a dossier code shows the procedure, citizen and dates of the same sample of
`shared.demo_dossiers`, replayed through the domain rules: the slip of the dossier just
received, the supplement request of the building permit, the refused copy certification, the
apology and control sheet of the late criminal-record certificate, the stop notice of the ID
card in progress (stopped by the rules' own `refuse` after its hand-over), and the register of
every sample.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from hw.printer.documents import (
    ApologyData,
    AppointmentSlipData,
    ControlSheetData,
    Document,
    Handover,
    MissingDocument,
    RefusalData,
    RegisterData,
    StopNoticeData,
    SubmittedDocument,
    SupplementRequestData,
    TicketData,
)
from hw.printer.documents.from_dossier import FormContext, register_rows
from shared.demo_dossiers import (
    CENTRE,
    DEPARTMENTS,
    LOCAL,
    SAMPLE_TOKENS,
    person,
    sample,
    sample_dossier,
    sample_now,
)
from shared.demo_hall import SAMPLE_TICKET
from shared.domain import dossiers as rules
from shared.domain.dossiers import Dossier, Step, StepKind, step_timing
from shared.domain.form_sets import FormKind
from shared.domain.ticket_links import TicketLinks, dossier_url

DUE_TIME = time(16, 30)
# The body above the centre on official letterheads (configurable per site; demo only).
PARENT_BODY = "Ủy ban nhân dân tỉnh Khánh Hòa"
STOP_REASON = (
    "Thông tin của công dân trong Cơ sở dữ liệu quốc gia về dân cư chưa thống nhất với "
    "giấy tờ đã nộp; công dân cần điều chỉnh thông tin trước khi đề nghị cấp thẻ căn cước."
)

# The key of the sample ticket's link (a real site's key is its own secret file).
DEMO_LINK_KEY = b"motcua-demo-ticket-links"


def _local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL)


def _due(day: date) -> datetime:
    return datetime.combine(day, DUE_TIME, LOCAL)


def _step(dossier: Dossier, kind: StepKind) -> Step:
    return next(s for s in dossier.steps if s.kind is kind)


def demo_ticket() -> TicketData:
    """The sample ticket: a priority citizen for civil status, one person ahead."""
    ticket = SAMPLE_TICKET
    return TicketData(
        site_id=CENTRE.site_id,
        centre_name=CENTRE.name,
        number=ticket.number,
        service_name=ticket.service_name,
        department_name=ticket.department_name,
        counters=ticket.counters,
        issued_at=_local(ticket.issued_at),
        people_ahead=ticket.people_ahead,
        estimated_wait_minutes=ticket.estimated_wait_minutes,
        priority=ticket.priority_name,
        link=TicketLinks(CENTRE.public_url, DEMO_LINK_KEY).ticket(
            CENTRE.site_id, ticket.issued_at.date(), ticket.number
        ),
    )


def demo_slip() -> AppointmentSlipData:
    """The appointment slip (Mẫu 01) of the dossier received for that ticket."""
    dossier = sample_dossier("received")
    citizen = dossier.citizen
    return AppointmentSlipData(
        parent_body=PARENT_BODY,
        agency_name=CENTRE.name,
        place=CENTRE.place,
        issued_at=_local(dossier.received_at),
        dossier_code=dossier.code,
        lookup_token=dossier.token,
        citizen_name=citizen.name,
        citizen_address=citizen.address,
        citizen_phone=citizen.phone,
        citizen_email=citizen.email,
        procedure_name=dossier.procedure_name,
        procedure_code=dossier.procedure_code,
        documents=tuple(SubmittedDocument(d.name, d.form, d.quantity) for d in dossier.documents),
        sets=dossier.sets,
        legal_days=dossier.legal_days,
        received_at=_local(dossier.received_at),
        due_at=_due(dossier.legal_due),
        return_place=dossier.return_place,
        fee=dossier.fee,
        register_book=CENTRE.register_book,
        register_entry=dossier.code.rsplit("-", 1)[-1],
        receiver_name=person(dossier.received_by),
        number=dossier.code.rsplit("-", 1)[-1],
        link=dossier_url(CENTRE.public_url, dossier.code, dossier.token),
    )


def demo_supplement() -> SupplementRequestData:
    """The supplement request (Mẫu 02) of the building permit, listing two papers."""
    dossier = sample_dossier("supplement")
    story = sample("supplement")
    asked = _step(dossier, StepKind.SUPPLEMENT_REQUESTED)
    reason = next(a.note for a in story.acts if a.kind == "supplement")
    return SupplementRequestData(
        parent_body=PARENT_BODY,
        agency_name=CENTRE.name,
        place=CENTRE.place,
        issued_at=_local(asked.at),
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        dossier_code=dossier.code,
        missing=tuple(
            MissingDocument(m.name, originals=m.originals, certified_copies=m.certified_copies)
            for m in story.missing
        ),
        reason=reason,
        contact=f"Quầy số 10 (tầng 2), điện thoại {CENTRE.phone}",
        officer_name=person(asked.actor),
    )


def demo_refusal() -> RefusalData:
    """The refusal (Mẫu 03) of a copy certification."""
    dossier = sample_dossier("refused")
    refused = _step(dossier, StepKind.REFUSED)
    return RefusalData(
        parent_body=PARENT_BODY,
        agency_name=CENTRE.name,
        place=CENTRE.place,
        issued_at=_local(refused.at),
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        reason=refused.note,
        officer_name=person(refused.actor),
    )


def demo_apology() -> ApologyData:
    """The apology (Mẫu 04) for the late criminal-record certificate, with its new date."""
    dossier = sample_dossier("late")
    apology = dossier.apology
    assert apology is not None
    return ApologyData(
        parent_body=PARENT_BODY,
        agency_name=CENTRE.name,
        place=CENTRE.place,
        issued_at=_local(apology.at),
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        dossier_code=dossier.code,
        received_at=_local(dossier.received_at),
        original_due_at=_due(dossier.legal_due),
        reason=apology.reason,
        new_due_at=_due(apology.new_due),
        head_title=CENTRE.head_title,
        head_name=CENTRE.head_name,
    )


def demo_control_sheet() -> ControlSheetData:
    """The control sheet of the same dossier: three hand-overs, the last one late."""
    dossier = sample_dossier("late")
    return ControlSheetData(
        parent_body=PARENT_BODY,
        agency_name=CENTRE.name,
        place=CENTRE.place,
        issued_at=sample_now(),
        dossier_code=dossier.code,
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        received_at=_local(dossier.received_at),
        due_at=_due(dossier.due),
        handovers=tuple(
            Handover(
                step.from_unit,
                step.to_unit,
                _local(step.at),
                person(step.actor),
                step.receiver,
                step_timing(dossier, step),
                step.note,
            )
            for step in dossier.steps
            if step.kind is StepKind.HANDOVER
        ),
        receipt_number=dossier.code.rsplit("-", 1)[-1],
    )


def stopped_sample() -> Dossier:
    """The ID card in progress, stopped now for a reason (status 8, after its hand-over)."""
    dossier = sample_dossier("processing")
    return rules.refuse(dossier, sample_now(), CENTRE.supervisor_id, STOP_REASON)


def demo_stop_notice() -> StopNoticeData:
    """The notice (Mẫu 05) that processing of the ID card dossier stopped, with the reason."""
    dossier = stopped_sample()
    stopped = dossier.steps[-1]
    return StopNoticeData(
        parent_body=PARENT_BODY,
        agency_name=CENTRE.name,
        place=CENTRE.place,
        issued_at=_local(stopped.at),
        citizen_name=dossier.citizen.name,
        procedure_name=dossier.procedure_name,
        dossier_code=dossier.code,
        received_at=_local(dossier.received_at),
        stopped_at=_local(stopped.at),
        reason=stopped.note,
        head_title=CENTRE.head_title,
        head_name=CENTRE.head_name,
    )


def demo_register() -> RegisterData:
    """The register (Mẫu 07) of every sample dossier, from the oldest receipt to today."""
    dossiers = [sample_dossier(key) for key in SAMPLE_TOKENS if key != "processing"]
    dossiers.append(stopped_sample())
    context = FormContext(CENTRE.name, CENTRE.place, "", register_book=CENTRE.register_book)
    rows = register_rows(dossiers, DEPARTMENTS, context)
    now = sample_now()
    return RegisterData(
        parent_body=PARENT_BODY,
        agency_name=CENTRE.name,
        place=CENTRE.place,
        issued_at=now,
        period_from=min(row.received_at for row in rows).date(),
        period_to=now.date(),
        rows=rows,
        book=CENTRE.register_book,
    )


DEMOS: dict[str, Callable[[], Document]] = {
    "ticket": demo_ticket,
    "slip": demo_slip,
    "supplement": demo_supplement,
    "refusal": demo_refusal,
    "apology": demo_apology,
    "stop": demo_stop_notice,
    "control": demo_control_sheet,
    "register": demo_register,
}
# The demo of each official form, whatever its number in a set.
DEMO_FORMS: dict[FormKind, Callable[[], Document]] = {
    FormKind.RECEIPT: demo_slip,
    FormKind.SUPPLEMENT: demo_supplement,
    FormKind.REFUSAL: demo_refusal,
    FormKind.APOLOGY: demo_apology,
    FormKind.STOP_NOTICE: demo_stop_notice,
    FormKind.CONTROL_SHEET: demo_control_sheet,
    FormKind.REGISTER: demo_register,
}


def demo_document(kind: str) -> Document:
    """Return the demo document of a kind ('ticket', 'slip', …)."""
    return DEMOS[kind]()
