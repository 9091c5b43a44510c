"""Plausible data for screenshots of every kiosk screen (no real person's data)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from shared.config.site import SiteConfig
from shared.domain.codes import ticket_qr
from shared.domain.dossiers import mask_name
from shared.messaging.dossier_commands import DocumentData
from shared.messaging.dossier_views import ApologyView, DossierPublic, ProcedureView, StepView
from shared.messaging.replies import TicketInfo
from shared.messaging.states import QueuesState, ServiceWaiting

AT = datetime(2026, 11, 23, 2, 10, tzinfo=UTC)


def demo_queues(config: SiteConfig) -> QueuesState:
    """Waiting figures for every service; the police services are outside their window."""
    services = []
    for i, service in enumerate(config.services):
        closed = bool(service.windows)
        services.append(
            ServiceWaiting(
                service=service.code,
                name=service.name,
                waiting=(3 * i + 2) % 11,
                open_counters=1,
                estimated_wait_minutes=((3 * i + 2) % 11) * 6,
                available=not closed,
                reason="Ngoài giờ lấy số (07:00–11:00, 13:00–16:00)." if closed else "",
            )
        )
    return QueuesState(services=services, updated_at=AT)


def demo_ticket(config: SiteConfig) -> TicketInfo:
    """A ticket of the first service."""
    service = config.services[0]
    counters = [c.label for c in config.counters if service.code in c.services]
    return TicketInfo(
        number=f"{service.prefix}012",
        service=service.code,
        service_name=service.name,
        state="waiting",
        issued_at=AT,
        service_day="2026-11-23",
        people_ahead=4,
        estimated_wait_minutes=25,
        counters=counters,
        qr=ticket_qr(config.site.id, date(2026, 11, 23), f"{service.prefix}012"),
    )


def _procedure(
    code: str, name: str, field: str, department: str, department_name: str, days: int, fee: str
) -> ProcedureView:
    return ProcedureView(
        code=code,
        name=name,
        field=field,
        department=department,
        department_name=department_name,
        legal_days=days,
        processing_time=f"{days} ngày làm việc" if days else "Trong ngày",
        fee=fee,
        documents=[
            DocumentData(name="Tờ khai theo mẫu", form="Bản chính"),
            DocumentData(name="Căn cước công dân", form="Bản chính (xuất trình)"),
            DocumentData(name="Giấy tờ chứng minh nơi cư trú", form="Bản sao", quantity=2),
        ],
        return_place="Quầy trả kết quả số 7, Tầng 1",
        service="ho-tich" if department == "tu-phap" else None,
    )


def demo_procedures() -> list[ProcedureView]:
    """A few procedures of the catalogue, with Vietnamese names to search."""
    return [
        _procedure(
            "1.001193", "Đăng ký khai sinh", "Hộ tịch", "tu-phap", "Sở Tư pháp", 0, "Miễn phí"
        ),
        _procedure(
            "1.000894",
            "Đăng ký kết hôn có yếu tố nước ngoài",
            "Hộ tịch",
            "tu-phap",
            "Sở Tư pháp",
            10,
            "1.500.000 đồng",
        ),
        _procedure(
            "2.000635",
            "Cấp bản sao trích lục hộ tịch",
            "Hộ tịch",
            "tu-phap",
            "Sở Tư pháp",
            0,
            "8.000 đồng/bản",
        ),
        _procedure(
            "1.001756",
            "Cấp phiếu lý lịch tư pháp",
            "Lý lịch tư pháp",
            "tu-phap",
            "Sở Tư pháp",
            10,
            "200.000 đồng",
        ),
        _procedure(
            "1.009994",
            "Cấp giấy phép xây dựng nhà ở riêng lẻ",
            "Xây dựng",
            "xay-dung",
            "Sở Xây dựng",
            15,
            "75.000 đồng",
        ),
        _procedure(
            "1.004227",
            "Đăng ký thành lập doanh nghiệp tư nhân",
            "Thành lập và phát triển doanh nghiệp",
            "tai-chinh",
            "Sở Tài chính",
            3,
            "50.000 đồng",
        ),
    ]


def demo_dossier(config: SiteConfig, *, ready: bool = False, late: bool = True) -> DossierPublic:
    """A dossier on its way (late, with an apology) or with its result waiting."""
    received = datetime(2026, 11, 9, 1, 30, tzinfo=UTC)
    steps = [
        StepView(
            kind="received",
            label="Tiếp nhận hồ sơ",
            at=received,
            status=2,
            status_label="Đã tiếp nhận",
            unit="Trung tâm Phục vụ hành chính công",
        ),
        StepView(
            kind="handover",
            label="Chuyển phòng chuyên môn xử lý",
            at=received + timedelta(hours=6),
            status=4,
            status_label="Đang xử lý",
            unit="Phòng Hành chính tư pháp, Sở Tư pháp",
        ),
        StepView(
            kind="handover",
            label="Trình lãnh đạo ký duyệt",
            at=received + timedelta(days=8),
            status=4,
            status_label="Đang xử lý",
            unit="Lãnh đạo Sở Tư pháp",
        ),
    ]
    if ready:
        steps.append(
            StepView(
                kind="done",
                label="Đã có kết quả, chuyển về nơi trả",
                at=received + timedelta(days=10),
                status=9,
                status_label="Đã có kết quả",
                unit="Bộ phận trả kết quả",
            )
        )
    apology = None
    if late and not ready:
        apology = ApologyView(
            at=received + timedelta(days=9),
            reason="cần xác minh thêm thông tin với cơ quan khác",
            new_due=date(2026, 11, 27),
        )
    return DossierPublic(
        site_id=config.site.id,
        code=f"{config.dossiers.agency_code}-261109-0007",
        procedure_code="1.000894",
        procedure_name="Đăng ký kết hôn có yếu tố nước ngoài",
        citizen_masked=mask_name("Nguyễn Thị Hoa"),
        status=9 if ready else 4,
        status_label="Đã có kết quả" if ready else "Đang xử lý",
        channel=1,
        received_at=received,
        legal_due=date(2026, 11, 23),
        due=date(2026, 11, 27) if apology else date(2026, 11, 23),
        due_at=datetime(2026, 11, 23, 9, 30, tzinfo=UTC),
        timeliness="on_time" if ready else ("overdue" if late else "within"),
        timeliness_label="Đúng hạn" if ready else ("Quá hạn" if late else "Trong hạn"),
        apology=apology,
        return_place="Quầy trả kết quả số 7, Tầng 1",
        steps=steps,
        ready=ready,
        return_service=config.dossiers.return_service or None,
    )
