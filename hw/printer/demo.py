"""Vietnamese demo data for every document, with fixed dates so renders are reproducible."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from hw.printer.documents import (
    ApologyData,
    AppointmentSlipData,
    ControlSheetData,
    Document,
    Handover,
    MissingDocument,
    RefusalData,
    SubmittedDocument,
    SupplementRequestData,
    TicketData,
)

AGENCY = "Sở Tư pháp tỉnh Cần Thơ"
PLACE = "Cần Thơ"
CITIZEN = "Nguyễn Thị Thu Hương"
PROCEDURE = "Cấp bản sao trích lục hộ tịch"
DOSSIER = "000.00.17.H12-250701-0001"
ISSUED = datetime(2025, 7, 1, 8, 30)


def demo_ticket() -> TicketData:
    """A ticket for a priority citizen with people ahead."""
    return TicketData(
        site_id="hcc-demo",
        centre_name="Trung tâm Phục vụ hành chính công tỉnh Cần Thơ",
        number="A012",
        service_name="Chứng thực bản sao từ bản chính",
        department_name="Sở Tư pháp",
        counters=("3", "4"),
        issued_at=datetime(2025, 7, 1, 8, 15),
        people_ahead=5,
        estimated_wait_minutes=18,
        priority="Người cao tuổi",
    )


def demo_slip() -> AppointmentSlipData:
    """An appointment slip (Mẫu 01) for a civil-status extract."""
    return AppointmentSlipData(
        agency_name=AGENCY,
        place=PLACE,
        issued_at=ISSUED,
        dossier_code=DOSSIER,
        lookup_token="K7M2Q9XD",
        citizen_name=CITIZEN,
        citizen_address="Số 12, đường Nguyễn Trãi, phường Tân An, thành phố Cần Thơ",
        citizen_phone="0912 345 678",
        citizen_email="thuhuong@example.vn",
        procedure_name=PROCEDURE,
        procedure_code="2.000635",
        documents=(
            SubmittedDocument("Tờ khai cấp bản sao trích lục hộ tịch", "Bản chính", 1),
            SubmittedDocument("Thẻ căn cước của người yêu cầu", "Bản sao", 1),
            SubmittedDocument("Giấy ủy quyền (nếu nộp thay)", "Bản chứng thực", 1),
        ),
        sets=1,
        legal_days=1,
        received_at=ISSUED,
        due_at=datetime(2025, 7, 2, 14, 0),
        return_place="Quầy số 5 — Trả kết quả, Trung tâm Phục vụ hành chính công",
        fee="8.000 đồng",
        register_book="03/2025",
        register_entry="1.245",
        receiver_name="Trần Văn Đức",
    )


def demo_supplement() -> SupplementRequestData:
    """A supplement request (Mẫu 02) listing two missing papers."""
    return SupplementRequestData(
        agency_name=AGENCY,
        place=PLACE,
        issued_at=ISSUED,
        citizen_name=CITIZEN,
        procedure_name=PROCEDURE,
        dossier_code=DOSSIER,
        missing=(
            MissingDocument("Giấy khai sinh của người được cấp trích lục", originals=1),
            MissingDocument("Sổ hộ khẩu hoặc xác nhận thông tin cư trú", certified_copies=1),
        ),
        reason="Hồ sơ thiếu giấy tờ chứng minh quan hệ nhân thân.",
        contact="Quầy số 3, điện thoại 0292 3812 345",
        officer_name="Trần Văn Đức",
    )


def demo_refusal() -> RefusalData:
    """A refusal (Mẫu 03)."""
    return RefusalData(
        agency_name=AGENCY,
        place=PLACE,
        issued_at=ISSUED,
        citizen_name=CITIZEN,
        procedure_name="Đăng ký thành lập doanh nghiệp",
        reason="Thủ tục thuộc thẩm quyền giải quyết của Sở Tài chính, không thuộc Sở Tư pháp.",
        officer_name="Trần Văn Đức",
    )


def demo_apology() -> ApologyData:
    """An apology with a new return date (Mẫu 04)."""
    return ApologyData(
        agency_name=AGENCY,
        place=PLACE,
        issued_at=datetime(2025, 7, 9, 10, 0),
        citizen_name=CITIZEN,
        procedure_name="Cấp phiếu lý lịch tư pháp",
        dossier_code=DOSSIER,
        received_at=ISSUED,
        original_due_at=datetime(2025, 7, 11, 16, 0),
        reason="Cần xác minh thông tin tại cơ quan công an nơi cư trú trước đây.",
        new_due_at=datetime(2025, 7, 18, 14, 30),
        head_title="Giám đốc",
        head_name="Lê Hoàng Yến",
    )


def demo_control_sheet() -> ControlSheetData:
    """A control sheet (Mẫu 05) with three hand-overs, one late."""
    return ControlSheetData(
        agency_name=AGENCY,
        place=PLACE,
        issued_at=ISSUED,
        dossier_code=DOSSIER,
        citizen_name=CITIZEN,
        procedure_name="Cấp phiếu lý lịch tư pháp",
        received_at=ISSUED,
        due_at=datetime(2025, 7, 15, 16, 0),
        handovers=(
            Handover(
                "Bộ phận TN&TKQ",
                "Phòng Hành chính tư pháp",
                datetime(2025, 7, 1, 10, 0),
                "Trần Văn Đức",
                "Phạm Minh Quân",
                "Trước hạn",
            ),
            Handover(
                "Phòng Hành chính tư pháp",
                "Công an tỉnh",
                datetime(2025, 7, 3, 9, 15),
                "Phạm Minh Quân",
                "Đỗ Thị Ánh",
                "Đúng hạn",
            ),
            Handover(
                "Công an tỉnh",
                "Phòng Hành chính tư pháp",
                datetime(2025, 7, 16, 15, 40),
                "Đỗ Thị Ánh",
                "Phạm Minh Quân",
                "Quá hạn",
                "Đã có phiếu xin lỗi",
            ),
        ),
    )


DEMOS: dict[str, Callable[[], Document]] = {
    "ticket": demo_ticket,
    "slip": demo_slip,
    "supplement": demo_supplement,
    "refusal": demo_refusal,
    "apology": demo_apology,
    "control": demo_control_sheet,
}


def demo_document(kind: str) -> Document:
    """Return the demo document of a kind ('ticket', 'slip', …)."""
    return DEMOS[kind]()
