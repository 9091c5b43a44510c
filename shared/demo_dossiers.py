"""The demo centre and its sample dossiers: one story per dossier, told the same by every app.

Kiosk and console screenshots, the printed demo forms and the database of `motcua demo` all
take their dossiers from here, so a dossier code always comes with the same procedure, citizen
and dates. Each story is replayed through the domain rules (`shared.domain.dossiers`), so due
dates, pauses and apologies are the ones the server itself would compute. Everything here is
fictional; the centre matches `config/demo-site.toml` and the procedures its catalogue (tests
check both).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from shared.domain import dossiers as rules
from shared.domain.deadlines import DeadlineRule, RuleSnapshot, WorkingCalendar, snapshot
from shared.domain.dossier_codes import DossierCodePattern
from shared.domain.dossiers import Channel, Citizen, Dossier, ReceivedDocument
from shared.domain.procedures import Procedure

TIMEZONE = "Asia/Ho_Chi_Minh"
LOCAL = ZoneInfo(TIMEZONE)
# The day screenshots and printed samples are "taken": a Monday with nothing special about it.
SAMPLE_TODAY = date(2026, 11, 23)


@dataclass(frozen=True)
class DemoCentre:
    """The demo's public-service centre, as its site file describes it."""

    site_id: str = "hcc-demo"
    name: str = "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa"
    address: str = "Số 1 đường Trần Phú, phường Nha Trang, tỉnh Khánh Hòa"
    place: str = "Khánh Hòa"
    phone: str = "0258 3812 345"
    agency_code: str = "000.00.17.H99"
    code_pattern: str = "{agency}-{yymmdd}-{seq:04d}"
    head_title: str = "Giám đốc Trung tâm"
    head_name: str = "Nguyễn Thị Minh Thư"
    register_book: str = "01"
    supervisor_id: str = "gs01"
    supervisor_name: str = "Trần Quốc Hùng"
    # Where citizens' phones open ticket and dossier pages in the printed samples.
    public_url: str = "https://hcc.example.vn/motcua"


CENTRE = DemoCentre()

# One officer per counter, in the site file's order (cb01 at the first counter, …).
OFFICER_NAMES = (
    "Trần Văn Đức",
    "Nguyễn Thị Lan",
    "Lê Minh Tuấn",
    "Phạm Thị Hoa",
    "Võ Quốc Bảo",
    "Đặng Thị Mai",
    "Huỳnh Văn Nam",
    "Bùi Thị Ngọc",
    "Đỗ Thanh Sơn",
    "Ngô Thị Thu",
    "Dương Văn Hải",
    "Lý Thị Kim Oanh",
    "Trương Công Vinh",
    "Phan Thị Yến",
    "Hồ Đức Thắng",
    "Mai Thị Hương",
)


def officer_id(position: int) -> str:
    """The demo account of the officer at the counter in this position (0 → cb01)."""
    return f"cb{position + 1:02d}"


def officer_name(position: int, label: str = "") -> str:
    """The demo officer's name at the counter in this position."""
    if position < len(OFFICER_NAMES):
        return OFFICER_NAMES[position]
    return f"Cán bộ quầy {label or position + 1}"


def person(actor: str) -> str:
    """The name behind an actor of a dossier step: demo accounts (cb01…) become their names."""
    if actor == CENTRE.supervisor_id:
        return CENTRE.supervisor_name
    if len(actor) == 4 and actor.startswith("cb") and actor[2:].isdigit():
        return officer_name(int(actor[2:]) - 1)
    return actor


@dataclass(frozen=True)
class SampleProcedure:
    """A procedure of the demo catalogue, as far as a sample dossier needs it."""

    code: str
    name: str
    department: str
    legal_days: int
    fee: str
    documents: tuple[ReceivedDocument, ...]
    return_place: str = "Quầy 7 — Trả kết quả (tầng 1)"
    field: str = ""
    service: str | None = None


# The demo site's departments (config/demo-site.toml), by id.
DEPARTMENTS = {
    "tu-phap": "Sở Tư pháp",
    "cong-an": "Công an tỉnh",
    "tai-chinh": "Sở Tài chính",
    "xay-dung": "Sở Xây dựng",
    "nong-nghiep": "Sở Nông nghiệp và Môi trường",
    "noi-vu": "Sở Nội vụ",
    "y-te": "Sở Y tế",
    "cong-thuong": "Sở Công Thương",
    "bhxh": "Bảo hiểm xã hội tỉnh",
    "tra-ket-qua": "Bộ phận trả kết quả",
}


def to_procedure(sample_procedure: SampleProcedure) -> Procedure:
    """The sample procedure as the catalogue holds it."""
    p = sample_procedure
    return Procedure(
        p.code,
        p.name,
        p.field,
        p.department,
        p.legal_days,
        p.fee,
        p.documents,
        p.return_place,
        p.service,
    )


@dataclass(frozen=True)
class Act:
    """One thing done to a dossier: `day` working days after receipt, at a local time.

    An apology ("reschedule") is dated by its sample instead: `apology_before` working days
    before the legal due date, promising `apology_days` more.
    """

    kind: str  # handover, supplement, reschedule, done, returned, refused
    day: int
    at: time
    by: str
    to_unit: str = ""
    from_unit: str = ""
    receiver: str = ""
    note: str = ""


@dataclass(frozen=True)
class Missing:
    """A paper the citizen is asked to add (Mẫu 02): name, originals, certified copies."""

    name: str
    originals: int = 0
    certified_copies: int = 0


@dataclass(frozen=True)
class SampleDossier:
    """One sample dossier: who, what, where it was received, and what happened since."""

    key: str
    sequence: int
    procedure: SampleProcedure
    citizen: Citizen
    days_before: int  # working days between receipt and the day of the sample
    received_at: time
    counter_id: str
    ticket_number: str
    officer: str
    acts: tuple[Act, ...] = ()
    missing: tuple[Missing, ...] = ()
    channel: Channel = Channel.IN_PERSON
    apology_days: int = 5  # working days the apology adds to the legal due date
    apology_before: int = 2  # working days before the legal due date the apology is made


DOCS_ID = ReceivedDocument("Giấy tờ tùy thân của người yêu cầu", "Bản chính", 1)

CIVIL_STATUS = SampleProcedure(
    "2.000547",
    "Xác nhận thông tin hộ tịch",
    "tu-phap",
    3,
    "15.000 đồng/bản",
    (ReceivedDocument("Tờ khai xác nhận thông tin hộ tịch", "Bản chính", 1), DOCS_ID),
    field="Hộ tịch",
    service="ho-tich",
)
COPY_CERTIFICATION = SampleProcedure(
    "2.000815",
    "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
    "tu-phap",
    0,
    "2.000 đồng/trang cho trang 1–2; từ trang 3: 1.000 đồng/trang; tối đa 200.000 đồng/bản",
    (
        ReceivedDocument("Bản chính giấy tờ, văn bản làm cơ sở chứng thực", "Bản chính", 1),
        ReceivedDocument("Bản sao cần chứng thực", "Bản sao", 1),
    ),
    field="Chứng thực",
    service="chung-thuc",
)
SIGNATURE_CERTIFICATION = SampleProcedure(
    "2.000884",
    "Chứng thực chữ ký trong giấy tờ, văn bản",
    "tu-phap",
    0,
    "10.000 đồng/trường hợp",
    (
        ReceivedDocument("Giấy tờ, văn bản cần chứng thực chữ ký", "Bản chính", 1),
        ReceivedDocument("Giấy tờ tùy thân của người ký", "Bản chính", 1),
    ),
    field="Chứng thực",
    service="chung-thuc",
)
CRIMINAL_RECORD = SampleProcedure(
    "1.001417",
    "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam",
    "cong-an",
    10,
    "200.000 đồng/lần; sinh viên, người có công: 100.000 đồng/lần",
    (
        ReceivedDocument("Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "Bản chính", 1),
        ReceivedDocument("Thẻ căn cước hoặc hộ chiếu", "Bản sao", 1),
    ),
    "Quầy 7 — Trả kết quả (tầng 1) hoặc qua bưu chính công ích",
    field="Lý lịch tư pháp",
    service="ly-lich",
)
ID_CARD = SampleProcedure(
    "2.000200",
    "Cấp thẻ căn cước",
    "cong-an",
    7,
    "Cấp lần đầu: miễn phí; cấp đổi: 50.000 đồng/thẻ",
    (
        ReceivedDocument(
            "Thẻ căn cước công dân hoặc chứng minh nhân dân cũ, khi cấp đổi", "Bản chính", 1
        ),
    ),
    "Trả tại nơi làm thủ tục hoặc qua bưu chính công ích",
    field="Căn cước",
    service="can-cuoc",
)
BUSINESS = SampleProcedure(
    "2.001610",
    "Đăng ký thành lập doanh nghiệp",
    "tai-chinh",
    3,
    "50.000 đồng/lần; nộp trực tuyến: miễn phí",
    (
        ReceivedDocument("Giấy đề nghị đăng ký doanh nghiệp", "Bản chính", 1),
        ReceivedDocument("Điều lệ công ty", "Bản chính", 1),
        ReceivedDocument("Danh sách thành viên hoặc cổ đông sáng lập", "Bản chính", 1),
        ReceivedDocument(
            "Giấy tờ pháp lý của cá nhân là người đại diện theo pháp luật", "Bản sao", 1
        ),
    ),
    "Quầy 7 — Trả kết quả (tầng 1) hoặc qua bưu chính công ích",
    field="Thành lập và phát triển doanh nghiệp",
    service="doanh-nghiep",
)
BUILDING_PERMIT = SampleProcedure(
    "1.009974",
    "Cấp giấy phép xây dựng nhà ở riêng lẻ",
    "xay-dung",
    15,
    "75.000 đồng/giấy phép",
    (
        ReceivedDocument("Đơn đề nghị cấp giấy phép xây dựng (mẫu số 01)", "Bản chính", 1),
        ReceivedDocument("Bản vẽ thiết kế xây dựng", "Bản chính", 2),
    ),
    field="Hoạt động xây dựng",
    service="xay-dung",
)

ONE_STOP = "Bộ phận một cửa"
POLICE_RECORDS = "Phòng Hồ sơ nghiệp vụ, Công an tỉnh"
WARD_POLICE = "Công an phường Tây Nha Trang"

SAMPLES = (
    SampleDossier(
        "received",
        7,
        CIVIL_STATUS,
        Citizen(
            "Trần Thị Hồng",
            "056150003127",
            "Số 24 đường Yersin, phường Nha Trang, tỉnh Khánh Hòa",
            "0905 214 368",
        ),
        0,
        time(9, 35),
        "q01",
        "A012",
        "cb01",
    ),
    SampleDossier(
        "refused",
        3,
        COPY_CERTIFICATION,
        Citizen("Đinh Văn Khoa", "", "Số 60 đường 2 Tháng 4, phường Bắc Nha Trang, tỉnh Khánh Hòa"),
        0,
        time(8, 40),
        "q02",
        "B009",
        "cb02",
        (
            Act(
                "refused",
                0,
                time(8, 50),
                "cb02",
                note="Bản chính giấy tờ đã bị tẩy xóa, sửa chữa nội dung nên không được dùng "
                "làm cơ sở để chứng thực bản sao.",
            ),
        ),
    ),
    SampleDossier(
        "supplement",
        5,
        BUILDING_PERMIT,
        Citizen(
            "Nguyễn Văn Phúc",
            "056088004512",
            "Tổ 5, phường Tây Nha Trang, tỉnh Khánh Hòa",
            "0914 552 107",
            "vanphuc.nt@example.vn",
        ),
        4,
        time(9, 20),
        "q10",
        "H007",
        "cb10",
        (
            Act(
                "handover",
                0,
                time(15, 0),
                "cb10",
                "Phòng Quản lý hoạt động xây dựng, Sở Xây dựng",
                ONE_STOP,
                "Võ Thị Ngân",
            ),
            Act(
                "supplement",
                2,
                time(10, 30),
                "cb10",
                note="Bản vẽ thiết kế chưa thể hiện mặt bằng móng; hồ sơ chưa có giấy tờ "
                "chứng minh quyền sử dụng đất.",
            ),
        ),
        (
            Missing("Bản vẽ thiết kế xây dựng, có mặt bằng móng", originals=2),
            Missing("Giấy tờ chứng minh quyền sử dụng đất", certified_copies=1),
        ),
    ),
    SampleDossier(
        "late",
        2,
        CRIMINAL_RECORD,
        Citizen(
            "Lê Hoàng Cường",
            "056092007745",
            "Số 8 đường Lê Thánh Tôn, phường Nha Trang, tỉnh Khánh Hòa",
            "0935 118 462",
        ),
        13,
        time(10, 15),
        "q03",
        "C004",
        "cb03",
        (
            Act("handover", 0, time(14, 0), "cb03", POLICE_RECORDS, ONE_STOP, "Đỗ Thị Ánh"),
            Act(
                "handover",
                1,
                time(9, 0),
                "Đỗ Thị Ánh",
                WARD_POLICE,
                POLICE_RECORDS,
                "Phạm Minh Quân",
                "Xác minh nơi cư trú trước đây",
            ),
            Act(
                "reschedule",
                0,
                time(10, 0),
                "Đỗ Thị Ánh",
                note="Cần xác minh thêm thông tin tại Công an nơi người yêu cầu cư trú trước đây",
            ),
            Act(
                "handover",
                12,
                time(15, 40),
                "Phạm Minh Quân",
                POLICE_RECORDS,
                WARD_POLICE,
                "Đỗ Thị Ánh",
                "Đã có văn bản xin lỗi và hẹn lại ngày trả",
            ),
        ),
    ),
    SampleDossier(
        "processing",
        4,
        ID_CARD,
        Citizen(
            "Phạm Thu Dung",
            "056195002214",
            "Số 15 đường Hùng Vương, phường Nha Trang, tỉnh Khánh Hòa",
            "0987 330 615",
        ),
        6,
        time(8, 10),
        "q04",
        "D015",
        "cb04",
        (
            Act(
                "handover",
                0,
                time(10, 0),
                "cb04",
                "Phòng Cảnh sát quản lý hành chính về trật tự xã hội, Công an tỉnh",
                ONE_STOP,
                "Nguyễn Hữu Lộc",
            ),
        ),
    ),
    SampleDossier(
        "ready",
        6,
        BUSINESS,
        Citizen(
            "Hoàng Minh Đức",
            "056087001936",
            "Số 42 đường Nguyễn Thị Minh Khai, phường Nha Trang, tỉnh Khánh Hòa",
            "0903 667 245",
            "minhduc.kh@example.vn",
        ),
        3,
        time(14, 5),
        "q09",
        "F003",
        "cb09",
        (
            Act(
                "handover",
                0,
                time(15, 0),
                "cb09",
                "Phòng Đăng ký kinh doanh, Sở Tài chính",
                ONE_STOP,
                "Lương Thị Diễm",
            ),
            Act("done", 2, time(16, 0), "Lương Thị Diễm"),
        ),
    ),
    SampleDossier(
        "returned",
        11,
        SIGNATURE_CERTIFICATION,
        Citizen(
            "Vũ Thị Hạnh", "", "Số 3 đường Phạm Văn Đồng, phường Bắc Nha Trang, tỉnh Khánh Hòa"
        ),
        1,
        time(10, 20),
        "q02",
        "B021",
        "cb02",
        (
            Act("done", 0, time(10, 40), "cb02"),
            Act("returned", 0, time(11, 5), "cb07"),
        ),
    ),
)


def sample(key: str) -> SampleDossier:
    """Return the sample dossier with this key ('received', 'late', …)."""
    return next(s for s in SAMPLES if s.key == key)


def default_rules() -> RuleSnapshot:
    """The deadline rules of the demo site (Vietnam's holidays, 15:00 cutoff)."""
    return snapshot(WorkingCalendar(), DeadlineRule())


def working_days_before(calendar: WorkingCalendar, day: date, count: int) -> date:
    """Return the working day `count` working days before `day` (0: `day` itself, if working)."""
    current = day
    while not calendar.is_working_day(current):
        current -= timedelta(days=1)
    for _ in range(count):
        current -= timedelta(days=1)
        while not calendar.is_working_day(current):
            current -= timedelta(days=1)
    return current


def received_moment(story: SampleDossier, today: date, calendar: WorkingCalendar) -> datetime:
    """When the sample was received, for a sample told as of `today`."""
    day = working_days_before(calendar, today, story.days_before)
    return datetime.combine(day, story.received_at, LOCAL)


def last_moment(story: SampleDossier, today: date, calendar: WorkingCalendar) -> datetime:
    """When the last dated thing of the story happens, for a story told as of `today`."""
    received = received_moment(story, today, calendar)
    moments = [received] + [
        datetime.combine(calendar.add_working_days(received.date(), a.day), a.at, LOCAL)
        for a in story.acts
        if a.kind != "reschedule"
    ]
    return max(moments)


def replay(
    story: SampleDossier,
    *,
    today: date,
    code: str,
    token: str,
    rules_snapshot: RuleSnapshot,
    site_id: str = CENTRE.site_id,
) -> Dossier:
    """Receive the sample and apply its acts through the domain rules, as of `today`."""
    calendar = rules_snapshot.calendar()
    received = received_moment(story, today, calendar)
    procedure = story.procedure
    dossier = rules.receive(
        code=code,
        token=token,
        site_id=site_id,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        department=procedure.department,
        channel=story.channel,
        citizen=story.citizen,
        documents=procedure.documents,
        sets=1,
        legal_days=procedure.legal_days,
        at=received,
        officer=story.officer,
        rules=rules_snapshot,
        return_place=procedure.return_place,
        fee=procedure.fee,
        counter_id=story.counter_id,
        ticket_number=story.ticket_number,
    )
    for act in story.acts:
        dossier = _apply(dossier, story, act, calendar, received.date())
    return dossier


def _apply(
    dossier: Dossier, story: SampleDossier, act: Act, calendar: WorkingCalendar, received: date
) -> Dossier:
    if act.kind == "reschedule":
        day = working_days_before(calendar, dossier.legal_due, story.apology_before)
        at = datetime.combine(day, act.at, LOCAL)
        new_due = calendar.add_working_days(dossier.legal_due, story.apology_days)
        return rules.reschedule(dossier, at, act.by, act.note, new_due)
    at = datetime.combine(calendar.add_working_days(received, act.day), act.at, LOCAL)
    if act.kind == "handover":
        return rules.handover(
            dossier, at, act.by, act.receiver, act.from_unit, act.to_unit, act.note
        )
    if act.kind == "supplement":
        missing = "; ".join(m.name for m in story.missing)
        return rules.request_supplement(dossier, at, act.by, f"{act.note} — {missing}")
    if act.kind == "refused":
        return rules.refuse(dossier, at, act.by, act.note)
    if act.kind == "done":
        return rules.mark_done(dossier, at, act.by)
    if act.kind == "returned":
        return rules.mark_returned(dossier, at, act.by)
    raise ValueError(f"unknown act {act.kind!r}")


def sample_code(story: SampleDossier, today: date = SAMPLE_TODAY) -> str:
    """The dossier code a sample carries in screenshots and printed samples."""
    received = received_moment(story, today, WorkingCalendar())
    pattern = DossierCodePattern(CENTRE.code_pattern)
    return pattern.format(CENTRE.agency_code, received.date(), story.sequence)


SAMPLE_TOKENS = {
    "received": "K7M2Q9XD",
    "refused": "R3VN8HTE",
    "supplement": "B5XW4KCA",
    "late": "L8QZ6PMJ",
    "processing": "D2HF7NRY",
    "ready": "F9TC3WGE",
    "returned": "V6JS2AKL",
}


@cache
def sample_dossier(key: str) -> Dossier:
    """The sample as screenshots and printed samples show it, told as of SAMPLE_TODAY."""
    story = sample(key)
    return replay(
        story,
        today=SAMPLE_TODAY,
        code=sample_code(story),
        token=SAMPLE_TOKENS[key],
        rules_snapshot=default_rules(),
    )


def sample_now() -> datetime:
    """The moment screenshots are taken: SAMPLE_TODAY, 9:40 local."""
    return datetime.combine(SAMPLE_TODAY, time(9, 40), LOCAL)
