"""What the booking pages say and check, without a server: numbers, days, refusals, the QR."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from shared.domain.appointments import BookingKind, BookingState
from shared.domain.tickets import TicketState
from shared.messaging.appointment_views import BookingView, SlotDayView, SlotsResult, SlotView
from shared.messaging.replies import ErrorCode, ErrorInfo, TicketInfo
from web.booking_page import (
    Step,
    Then,
    booking_page,
    day_words,
    id_number,
    mobile_number,
    refusal,
    slots_page,
    spaced_code,
    wait_words,
)
from web.bookings import client_id, network_of, parse_instant
from web.guard import loggable
from web.qr import qr_matrix, qr_svg

TZ = "Asia/Ho_Chi_Minh"
SLOT = datetime(2026, 11, 25, 2, 30, tzinfo=UTC)  # 09:30 local


def test_mobile_numbers_are_read_as_people_write_them() -> None:
    for text in ("0912345678", "091 234 5678", "+84 912 345 678", "84912345678", "0912.345.678"):
        assert mobile_number(text) == "0912345678", text
    assert mobile_number("0387654321") == "0387654321"
    for text in ("", "0212345678", "091234567", "09123456789", "1912345678", "0" * 50):
        assert mobile_number(text) is None, text
    assert id_number("") == "" and id_number(" 001 090 000 001 ") == "001090000001"
    assert id_number("12345") is None and id_number("00109000000A") is None


def test_days_and_waits_are_said_in_the_pages_language() -> None:
    assert day_words(date(2026, 11, 25), "vi") == "Thứ Tư, 25/11/2026"
    assert day_words(date(2026, 11, 29), "en") == "Sunday 29/11/2026"
    assert wait_words(45, "vi") == "45 giây" and wait_words(600, "en") == "10 minutes"
    assert wait_words(86000, "vi") == "24 giờ"
    assert spaced_code("H7KQ2MXA") == "H7KQ 2MXA"
    assert parse_instant("2026-11-25T02:30:00+00:00") == SLOT
    assert parse_instant("2026-11-25T02:30:00") is None and parse_instant("x") is None


def error(code: ErrorCode, message: str, retry_after: int | None = None) -> ErrorInfo:
    return ErrorInfo(code=code, message=message, retry_after=retry_after)


# The server's refusals, as server/appointment_service.py, booking_rules.py and
# shared/domain/availability.py word them.
REFUSALS = [
    (
        error(ErrorCode.WRONG_CODE, "Mã xác nhận không đúng. Còn 2 lần thử."),
        Step.CONFIRM,
        "Mã xác nhận không đúng",
        "Còn 2 lần thử.",
        Then.FORM,
    ),
    (
        error(ErrorCode.CODE_EXPIRED, "Đã nhập sai mã quá số lần cho phép. Vui lòng đặt lịch lại."),
        Step.CONFIRM,
        "Đã nhập sai mã quá số lần cho phép",
        "đặt lịch lại",
        Then.START,
    ),
    (
        error(
            ErrorCode.CODE_EXPIRED,
            "Mã xác nhận đã hết hạn hoặc đã được dùng. Vui lòng đặt lịch lại để nhận mã mới.",
        ),
        Step.CONFIRM,
        "Mã xác nhận đã hết hạn",
        "nhận mã mới",
        Then.START,
    ),
    (
        error(ErrorCode.SLOT_FULL, "Giờ hẹn này đã đủ người. Vui lòng chọn giờ khác."),
        Step.REQUEST,
        "Giờ này đã hết chỗ",
        "chọn giờ khác",
        Then.SLOTS,
    ),
    (
        error(ErrorCode.SLOT_FULL, "Giờ hẹn này vừa đủ người. Vui lòng chọn giờ khác."),
        Step.CONFIRM,
        "Giờ này đã hết chỗ",
        "vừa được người khác đặt hết",
        Then.SLOTS,
    ),
    (
        error(
            ErrorCode.SLOT_FULL,
            "Giờ hẹn này không còn nhận đặt lịch (Tổng kết cuối năm). Vui lòng chọn giờ khác.",
        ),
        Step.REQUEST,
        "Giờ này không còn nhận đặt lịch",
        "ngoài thời gian được đặt trước",
        Then.SLOTS,
    ),
    (
        error(
            ErrorCode.SERVICE_UNAVAILABLE,
            "Cấp thẻ căn cước: Đã hết số lấy từ xa trong ngày (30 số); mời lấy số tại ki-ốt.",
        ),
        Step.REQUEST,
        "Đã hết số trong ngày",
        "lấy số tại ki-ốt",
        Then.START,
    ),
    (
        error(ErrorCode.SERVICE_UNAVAILABLE, "Cấp thẻ căn cước: Đã hết số trong ngày (150 số)."),
        Step.CONFIRM,
        "Đã hết số trong ngày",
        "đặt lịch hẹn ngày khác",
        Then.START,
    ),
    (
        error(ErrorCode.SERVICE_UNAVAILABLE, "Cấp thẻ căn cước: Hôm nay nghỉ (Tết Nguyên đán)."),
        Step.REQUEST,
        "Hiện không lấy số từ xa được",
        "ngày nghỉ",
        Then.START,
    ),
    (
        error(ErrorCode.SERVICE_UNAVAILABLE, "Hộ tịch: không nhận lấy số từ xa."),
        Step.REQUEST,
        "Không đặt lịch được",
        "không nhận đặt lịch",
        Then.START,
    ),
    (
        error(
            ErrorCode.INVALID_STATE,
            "Số điện thoại này đã có 2 lịch hẹn ngày 25/11/2026. Có thể hủy một lịch đã đặt rồi "
            "đặt lại.",
        ),
        Step.CONFIRM,
        "Số điện thoại đã đủ lịch hẹn",
        "hủy một lịch đã đặt",
        Then.START,
    ),
    (
        error(ErrorCode.INVALID_STATE, "Số D004 đã được gọi, không hủy được nữa."),
        Step.CANCEL,
        "Không hủy được nữa",
        "đã được gọi",
        Then.BOOKING,
    ),
    (
        error(ErrorCode.INVALID_STATE, "Lịch hẹn H7KQ2MXA đã đổi 2 lần, không đổi thêm được."),
        Step.CHANGE,
        "Không đổi giờ được",
        "đã đổi đủ số lần",
        Then.BOOKING,
    ),
    (
        error(ErrorCode.NOT_FOUND, "Không tìm thấy yêu cầu đặt lịch này. Vui lòng đặt lại."),
        Step.CONFIRM,
        "Không tìm thấy yêu cầu đặt lịch",
        "đặt lịch lại",
        Then.START,
    ),
    (
        error(
            ErrorCode.RATE_LIMITED,
            "Số điện thoại này đã yêu cầu quá nhiều mã xác nhận hôm nay. Vui lòng thử lại sau "
            "hoặc đến trực tiếp Trung tâm.",
            retry_after=7200,
        ),
        Step.REQUEST,
        "Quá nhiều yêu cầu",
        "thử lại sau 2 giờ hoặc đến trực tiếp Trung tâm",
        Then.FORM,
    ),
    (
        error(
            ErrorCode.RATE_LIMITED,
            "Quá nhiều yêu cầu đặt lịch từ thiết bị này: vui lòng chờ 300 giây.",
            retry_after=300,
        ),
        Step.REQUEST,
        "Quá nhiều yêu cầu",
        "thử lại sau 5 phút",
        Then.FORM,
    ),
    (
        error(ErrorCode.INVALID_INPUT, "Số điện thoại cần đủ 10 chữ số, ví dụ 0912 345 678."),
        Step.REQUEST,
        "Thông tin chưa đúng",
        "kiểm tra lại",
        Then.FORM,
    ),
]


@pytest.mark.parametrize(("server", "step", "title", "says", "then"), REFUSALS)
def test_every_refusal_of_the_server_is_worded_for_the_citizen(
    server: ErrorInfo, step: Step, title: str, says: str, then: Then
) -> None:
    worded = refusal(server, step, "vi")
    assert worded.title == title
    assert says in worded.message + worded.detail
    assert worded.then is then
    english = refusal(server, step, "en")
    assert english.kind == worded.kind and english.status == worded.status
    assert english.title != worded.title
    if server.code is ErrorCode.RATE_LIMITED:
        assert worded.status == 429 and worded.retry_after == server.retry_after


def test_a_remote_refusal_keeps_the_servers_reason() -> None:
    closed = error(
        ErrorCode.SERVICE_UNAVAILABLE, "Cấp thẻ căn cước: Ngoài giờ lấy số (07:00-11:00)."
    )
    worded = refusal(closed, Step.REQUEST, "en")
    assert worded.detail == "Ngoài giờ lấy số (07:00-11:00)."


def slot(hour_utc: int, minute: int, free: int) -> SlotView:
    start = datetime(2026, 11, 25, hour_utc, minute, tzinfo=UTC)
    return SlotView(start=start, time=f"{hour_utc + 7:02d}:{minute:02d}", free=free)


def test_days_and_times_link_only_where_there_is_room() -> None:
    result = SlotsResult(
        service="ho-tich",
        service_name="Hộ tịch",
        first_day=date(2026, 11, 24),
        last_day=date(2026, 11, 26),
        days=[
            SlotDayView(day=date(2026, 11, 24), closed="Ngày Văn hóa Việt Nam", slots=[]),
            SlotDayView(day=date(2026, 11, 25), closed="", slots=[slot(2, 15, 0), slot(2, 30, 2)]),
            SlotDayView(day=date(2026, 11, 26), closed="", slots=[slot(2, 15, 0)]),
        ],
    )
    page = slots_page(result, None, "vi", lambda d: f"d{d:%d}", lambda s: f"s{s.time}")
    assert [(d.label, d.note, d.href) for d in page.days] == [
        ("Thứ Ba 24/11", "Không nhận lịch: Ngày Văn hóa Việt Nam", None),
        ("Thứ Tư 25/11", "Còn 1 khung giờ", "d25"),
        ("Thứ Năm 26/11", "Hết chỗ", None),
    ]
    assert page.day == date(2026, 11, 25) and page.days[1].selected
    assert [(s.time, s.note, s.href) for s in page.times] == [
        ("09:15", "hết chỗ", None),
        ("09:30", "còn 2 chỗ", "s09:30"),
    ]
    moving = slots_page(result, None, "en", str, str, current=SLOT)
    assert moving.day is None and moving.days[1].note == "Fully booked"  # its own slot aside
    chosen = slots_page(result, date(2026, 11, 25), "en", str, str, current=SLOT)
    assert chosen.times[1].current and chosen.times[1].href is None


def view(**changes: object) -> BookingView:
    base = BookingView(
        code="H7KQ2MXA",
        token="abcdefghijklmnopqrst",
        qr="https://hcc.example/b/H7KQ2MXA/abcdefghijklmnopqrst",
        kind=BookingKind.SLOT,
        service="ho-tich",
        service_name="Hộ tịch",
        service_day=date(2026, 11, 25),
        slot=SLOT,
        slot_time="09:30",
        check_in_until=datetime(2026, 11, 25, 2, 45, tzinfo=UTC),
        state=BookingState.BOOKED,
        state_label="Đã đặt lịch",
        phone_masked="09xx xxx 678",
        changes_left=2,
        ticket=None,
    )
    return base.model_copy(update=changes)


def test_a_booking_is_worded_for_its_page() -> None:
    page = booking_page(view(), "Hộ tịch", TZ, "vi")
    assert page.state == "Đã đặt lịch" and page.show_qr and page.can_change and page.can_cancel
    assert [(f.label, f.value) for f in page.facts] == [
        ("Dịch vụ", "Hộ tịch"),
        ("Giờ hẹn", "09:30, Thứ Tư, 25/11/2026"),
        ("Điện thoại", "09xx xxx 678"),
    ]
    assert page.how[0].startswith("Đến trước giờ hẹn 09:30 ngày Thứ Tư, 25/11/2026, quét mã QR")
    assert "nhập mã H7KQ2MXA" in page.how[0] and "sau 09:45" in page.how[1]
    assert page.code_spaced == "H7KQ 2MXA" and page.changes_left == "Còn đổi được 2 lần."
    used_up = booking_page(view(changes_left=0), "Hộ tịch", TZ, "en")
    assert not used_up.can_change and used_up.can_cancel
    cancelled = booking_page(view(state=BookingState.CANCELLED), "Hộ tịch", TZ, "vi")
    assert cancelled.ended and not (cancelled.show_qr or cancelled.can_cancel)
    ticket = TicketInfo(
        number="D004",
        service="can-cuoc",
        service_name="Cấp thẻ căn cước",
        state=TicketState.WAITING,
        issued_at=SLOT,
        service_day="2026-11-25",
        qr="https://hcc.example/motcua/t/hcc-demo/20261125/D004/abcdefghijklmnopqrst",
    )
    remote = booking_page(
        view(kind=BookingKind.REMOTE, slot=None, check_in_until=None, ticket=ticket),
        "Citizen ID cards",
        TZ,
        "en",
    )
    assert remote.heading == "Your remote number" and not remote.show_qr
    assert remote.state == "Number issued, waiting to be called" and remote.number == "D004"
    assert remote.ticket_path == "/t/hcc-demo/20261125/D004/abcdefghijklmnopqrst"
    assert remote.cancel_label == "Cancel this number" and not remote.can_change


def test_the_qr_is_drawn_here_and_read_back_as_the_kiosk_reads_it() -> None:
    import zxingcpp
    from PIL import Image

    text = "https://hcc.example/motcua/b/H7KQ2MXA/abcdefghijklmnopqrst"
    matrix = qr_matrix(text)
    scale = 6
    image = Image.new("L", (len(matrix) * scale, len(matrix) * scale), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [text]
    svg = str(qr_svg(text, 'Mã QR "lịch hẹn" <H7KQ2MXA>'))
    assert svg.startswith('<svg class="qr"') and 'role="img"' in svg
    assert 'aria-label="Mã QR &#34;lịch hẹn&#34; &lt;H7KQ2MXA&gt;"' in svg
    assert len(svg) < 8000


def test_a_citizen_is_counted_by_network_and_named_to_the_server_by_a_keyed_hash() -> None:
    assert network_of("203.0.113.9") == "203.0.113.9"
    assert network_of("2001:db8:1:2:3:4:5:6") == network_of("2001:db8:1:2:ffff::1")
    assert network_of("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert network_of("::ffff:203.0.113.9") == "203.0.113.9"
    first = client_id(b"k" * 32, "203.0.113.9")
    assert first == client_id(b"k" * 32, "203.0.113.9") != client_id(b"j" * 32, "203.0.113.9")
    assert first.startswith("web-") and len(first) == 28 and "203" not in first


def test_booking_tokens_and_requests_never_reach_the_log() -> None:
    token = "abcdefghijklmnopqrst"
    assert loggable(f"/b/H7KQ2MXA/{token}/cancel") == "/b/H7KQ2MXA/…/cancel"
    reference = "abcdefghijklmnopqrstuvwx"
    assert loggable(f"/book/hcc-demo/ho-tich/code/{reference}") == ("/book/hcc-demo/ho-tich/code/…")
    assert loggable("/book/hcc-demo/ho-tich/phone") == "/book/hcc-demo/ho-tich/phone"
