"""Everything the kiosk says, in Vietnamese (default) and English."""

from __future__ import annotations

from datetime import datetime

from shared.dossier_words import PROGRESS_WORDS

VIETNAMESE = "vi"
ENGLISH = "en"
WEEKDAYS = {
    VIETNAMESE: ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"),
    ENGLISH: ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}

_TEXTS: dict[str, dict[str, str]] = {
    "title": {"vi": "LẤY SỐ THỨ TỰ", "en": "TAKE A NUMBER"},
    # Short enough for the scan screen at the largest text size; the slip says it in full.
    "privacy_notice": {
        "vi": "Dữ liệu cá nhân chỉ dùng để giải quyết hồ sơ (Luật số 91/2025/QH15).",
        "en": "Personal data is used only to handle your dossier (Law 91/2025/QH15).",
    },
    "choose_department": {
        "vi": "Chạm vào lĩnh vực bạn cần giải quyết",
        "en": "Touch the area you need help with",
    },
    "choose_service": {
        "vi": "Chạm vào dịch vụ để lấy số",
        "en": "Touch a service to take a number",
    },
    "search_services": {"vi": "Tìm dịch vụ…", "en": "Search services…"},
    "find_service": {"vi": "TÌM DỊCH VỤ", "en": "FIND A SERVICE"},
    "search_services_detail": {
        "vi": "Gõ tên việc cần làm",
        "en": "Type what you need",
    },
    "no_services_found": {"vi": "Không tìm thấy dịch vụ phù hợp.", "en": "No matching service."},
    "priority_question": {
        "vi": "Bạn có thuộc nhóm được ưu tiên không?",
        "en": "Are you in a priority group?",
    },
    "no_priority": {"vi": "KHÔNG — LẤY SỐ THƯỜNG", "en": "NO — REGULAR NUMBER"},
    "priority_note": {
        "vi": "Cán bộ tại quầy có thể đề nghị xuất trình giấy tờ chứng minh.",
        "en": "The officer may ask for a supporting document.",
    },
    "offered_priority": {
        "vi": "ƯU TIÊN · {name} — LẤY SỐ",
        "en": "PRIORITY · {name} — TAKE A NUMBER",
    },
    "card_priority": {
        "vi": "Ông/bà được ưu tiên: {name}. Mời chọn lĩnh vực.",
        "en": "You have priority: {name}. Please choose an area.",
    },
    "card_read": {
        "vi": "Đã đọc thẻ căn cước. Mời chọn lĩnh vực.",
        "en": "Your ID card was read. Please choose an area.",
    },
    "card_unreadable": {
        "vi": "Không đọc được thẻ căn cước. Mời quét lại hoặc chọn lĩnh vực.",
        "en": "Your ID card could not be read. Please scan it again or choose an area.",
    },
    "share_question": {
        "vi": "Gửi thông tin thẻ căn cước tới quầy?",
        "en": "Send your ID card details to the counter?",
    },
    "share_explain": {
        "vi": "Cán bộ sẽ điền sẵn họ tên, số định danh và địa chỉ trên thẻ vào tờ khai để ông/bà "
        "kiểm tra. Thông tin chỉ quầy phục vụ số của ông/bà xem được và được xóa khi phục vụ xong.",
        "en": "The officer will fill your name, ID number and address from the card into the form "
        "for you to check. Only the counter serving your number sees them; they are deleted when "
        "you have been served.",
    },
    "share_yes": {"vi": "ĐỒNG Ý GỬI — LẤY SỐ", "en": "YES, SEND — TAKE A NUMBER"},
    "share_no": {"vi": "KHÔNG GỬI — LẤY SỐ", "en": "NO, DON'T SEND — TAKE A NUMBER"},
    "taking": {"vi": "Đang lấy số, xin chờ…", "en": "Taking your number, please wait…"},
    "your_number": {"vi": "SỐ THỨ TỰ CỦA BẠN", "en": "YOUR NUMBER"},
    "priority": {"vi": "ƯU TIÊN", "en": "PRIORITY"},
    "priority_mark": {"vi": "ƯU TIÊN · {name}", "en": "PRIORITY · {name}"},
    "counters": {"vi": "Quầy số {labels}", "en": "Counter {labels}"},
    "counters_none": {"vi": "Chờ gọi số trên màn hình", "en": "Wait for your number on screen"},
    "ahead": {"vi": "Số người trước bạn: {count}", "en": "People ahead of you: {count}"},
    "ahead_none": {"vi": "Bạn là người tiếp theo", "en": "You are next"},
    "wait": {"vi": "Thời gian chờ dự kiến: {text}", "en": "Estimated wait: {text}"},
    "printing": {"vi": "Đang in phiếu…", "en": "Printing your ticket…"},
    "printed": {
        "vi": "Mời nhận phiếu ở khe máy in bên dưới.",
        "en": "Please take your ticket from the printer below.",
    },
    "print_failed": {
        "vi": "Máy in đang gặp sự cố nên chưa in được phiếu. Số của bạn vẫn có hiệu lực: "
        "hãy ghi nhớ số hoặc chụp ảnh màn hình này.",
        "en": "The printer has a problem, so no paper ticket. Your number is still valid: "
        "remember it or take a photo of this screen.",
    },
    "no_printer": {
        "vi": "Hãy ghi nhớ số hoặc chụp ảnh màn hình này.",
        "en": "Remember your number or take a photo of this screen.",
    },
    "done": {"vi": "XONG", "en": "DONE"},
    "back": {"vi": "◀  QUAY LẠI", "en": "◀  BACK"},
    "home": {"vi": "⌂  MÀN HÌNH ĐẦU", "en": "⌂  START"},
    "waiting_line": {
        "vi": "Đang chờ: {count} người · {wait}",
        "en": "Waiting: {count} · {wait}",
    },
    "unavailable": {"vi": "Tạm ngừng lấy số", "en": "Not taking numbers now"},
    "lookup": {"vi": "TRA CỨU THỦ TỤC", "en": "FIND A PROCEDURE"},
    "lookup_detail": {
        "vi": "Giấy tờ cần mang, lệ phí, thời hạn",
        "en": "Documents to bring, fees, time limits",
    },
    "lookup_hint": {
        "vi": "Gõ tên thủ tục, không cần dấu (ví dụ: ho tich)",
        "en": "Type a procedure name (e.g. ho tich)",
    },
    "all_departments": {"vi": "Tất cả", "en": "All"},
    "loading": {"vi": "Đang tải…", "en": "Loading…"},
    "no_procedures": {"vi": "Không tìm thấy thủ tục phù hợp.", "en": "No matching procedure."},
    "procedures_failed": {
        "vi": "Chưa tải được danh mục thủ tục. Vui lòng hỏi bàn hướng dẫn.",
        "en": "The procedure list is not available. Please ask the guidance desk.",
    },
    "documents": {"vi": "Hồ sơ cần chuẩn bị", "en": "Documents to bring"},
    "copies": {"vi": "{count} bản", "en": "{count} copies"},
    "fee": {"vi": "Phí, lệ phí", "en": "Fee"},
    "processing_time": {"vi": "Thời hạn giải quyết", "en": "Processing time"},
    "return_place": {"vi": "Nơi trả kết quả", "en": "Where to collect the result"},
    "take_for_procedure": {"vi": "LẤY SỐ CHO THỦ TỤC NÀY", "en": "TAKE A NUMBER FOR THIS"},
    "progress": {"vi": "XEM TIẾN ĐỘ HỒ SƠ", "en": "DOSSIER PROGRESS"},
    "progress_detail": {
        "vi": "Quét mã QR trên giấy hẹn trả kết quả",
        "en": "Scan the QR code on your appointment slip",
    },
    "scan_hint": {
        "vi": "Đưa mã QR trên giấy hẹn trả kết quả vào đầu đọc, hoặc gõ mã hồ sơ rồi chạm TRA CỨU",
        "en": "Hold the QR code of your appointment slip to the reader, or type the code",
    },
    "look_up": {"vi": "TRA CỨU", "en": "LOOK UP"},
    "looking_up": {"vi": "Đang tra cứu…", "en": "Looking up…"},
    "not_recognised": {
        "vi": "Không nhận ra mã này. Hãy thử lại hoặc hỏi bàn hướng dẫn.",
        "en": "This code was not recognised. Try again or ask the guidance desk.",
    },
    "typed_not_a_code": {
        "vi": "Mã vừa nhập không phải mã hồ sơ. Hãy xem lại mã hồ sơ in trên giấy hẹn trả kết quả.",
        "en": "The code you typed is not a dossier code. Check the code printed on your "
        "appointment slip.",
    },
    "scanned_not_a_code": {
        "vi": "Mã vừa quét không phải mã hồ sơ. Vui lòng quét mã QR trên giấy hẹn trả kết quả.",
        "en": "The code you scanned is not a dossier code. Please scan the QR code on your "
        "appointment slip.",
    },
    "phone_digits": {
        "vi": "Mời nhập 4 số cuối số điện thoại đã khai khi nộp hồ sơ.",
        "en": "Type the last 4 digits of the phone number you gave with the dossier.",
    },
    "phone_digits_format": {
        "vi": "Mời nhập đúng 4 chữ số cuối của số điện thoại.",
        "en": "Please type exactly the last 4 digits of the phone number.",
    },
    "digits_not_found": {
        "vi": "Mã hồ sơ và 4 số cuối điện thoại không khớp. Mời nhập lại hoặc hỏi bàn hướng dẫn.",
        "en": "The dossier code and the last 4 phone digits do not match. Try again or ask the "
        "guidance desk.",
    },
    "phone_digits_title": {"vi": "4 SỐ CUỐI ĐIỆN THOẠI", "en": "LAST 4 PHONE DIGITS"},
    "dossier_not_found": {
        "vi": "Không tìm thấy hồ sơ với mã này. Vui lòng hỏi bàn hướng dẫn.",
        "en": "No dossier has this code. Please ask the guidance desk.",
    },
    "dossier_of": {"vi": "Hồ sơ {code}", "en": "Dossier {code}"},
    "submitted_by": {"vi": "Người nộp: {name}", "en": "Submitted by: {name}"},
    "due": {"vi": "Hẹn trả kết quả: {date}", "en": "Result due: {date}"},
    "collect_at": {"vi": "Nhận kết quả tại: {place}", "en": "Collect at: {place}"},
    "elsewhere": {
        "vi": "Hồ sơ này nộp tại điểm {site}: kết quả được trả tại điểm đó ({place}), "
        "không trả tại đây.",
        "en": "This dossier was submitted at {site}: collect the result there ({place}), not here.",
    },
    "elsewhere_sent": {
        "vi": "Kết quả của hồ sơ này đã được chuyển đến {site}: mời bạn nhận kết quả tại đó, "
        "không nhận tại đây.",
        "en": "The result of this dossier was sent to {site}: collect it there, not here.",
    },
    "result_coming_state": {
        "vi": "Kết quả đang được chuyển đến đây",
        "en": "Your result is on its way here",
    },
    "result_coming": {
        "vi": "Kết quả đang được chuyển từ {site} đến đây nên chưa nhận được. "
        "Mời bạn quay lại sau.",
        "en": "Your result is being sent here from {site} and cannot be collected yet. "
        "Please come back later.",
    },
    "take_return": {"vi": "LẤY SỐ NHẬN KẾT QUẢ", "en": "TAKE A NUMBER TO COLLECT"},
    "appointment": {"vi": "TÔI CÓ LỊCH HẸN", "en": "I HAVE AN APPOINTMENT"},
    "appointment_detail": {
        "vi": "Quét mã QR hoặc gõ mã lịch hẹn",
        "en": "Scan its QR code or type its code",
    },
    "appointment_title": {"vi": "XÁC NHẬN LỊCH HẸN", "en": "CHECK IN FOR AN APPOINTMENT"},
    "appointment_hint": {
        "vi": "Quét mã QR lịch hẹn hoặc thẻ căn cước đã dùng khi đặt lịch, hoặc gõ mã lịch hẹn",
        "en": "Scan the booking's QR code or the ID card you booked with, or type its code",
    },
    "check_in": {"vi": "XÁC NHẬN", "en": "CHECK IN"},
    "checking_in": {"vi": "Đang xác nhận lịch hẹn…", "en": "Checking you in…"},
    "booking_code_format": {
        "vi": "Mã lịch hẹn gồm 8 ký tự chữ và số. Mời kiểm tra lại.",
        "en": "A booking code has 8 letters and digits. Please check it.",
    },
    "appointment_mark": {"vi": "LỊCH HẸN {time}", "en": "APPOINTMENT {time}"},
    "appointment_late_mark": {
        "vi": "ĐẾN SAU GIỜ HẸN — XẾP NHƯ SỐ THƯỜNG",
        "en": "LATE FOR THE APPOINTMENT — A REGULAR NUMBER",
    },
    "unavailable_title": {"vi": "HỆ THỐNG TẠM THỜI GIÁN ĐOẠN", "en": "TEMPORARILY UNAVAILABLE"},
    "unavailable_text": {
        "vi": "Xin lỗi, hiện chưa lấy được số tại máy này.\nVui lòng liên hệ bàn hướng dẫn.\n"
        "Máy sẽ tự hoạt động lại khi hệ thống sẵn sàng.",
        "en": "Sorry, this kiosk cannot issue numbers right now.\n"
        "Please ask the guidance desk.\nIt will work again by itself.",
    },
    "connecting": {"vi": "Đang kết nối…", "en": "Connecting…"},
    "rate_limited": {
        "vi": "Máy vừa cấp nhiều số liên tiếp. Xin chờ một chút rồi chạm lại.",
        "en": "Many numbers were just taken here. Please wait a moment and try again.",
    },
    "take_number": {"vi": "LẤY SỐ", "en": "TAKE A NUMBER"},
    "language": {"vi": "English", "en": "Tiếng Việt"},
    "bigger": {"vi": "A+", "en": "A+"},
    "smaller": {"vi": "A−", "en": "A−"},
    "clear": {"vi": "XÓA", "en": "CLEAR"},
    "space": {"vi": "DẤU CÁCH", "en": "SPACE"},
    "admin_title": {"vi": "Nhập mã PIN kỹ thuật", "en": "Technician PIN"},
    "admin_wrong": {"vi": "Sai mã PIN.", "en": "Wrong PIN."},
    "admin_wait": {
        "vi": "Nhập sai nhiều lần: thử lại sau {seconds} giây.",
        "en": "Too many wrong PINs: try again in {seconds} s.",
    },
    "cancel": {"vi": "HỦY", "en": "CANCEL"},
    "ok": {"vi": "ĐỒNG Ý", "en": "OK"},
    "wait_unknown": {"vi": "chưa ước tính được", "en": "not estimated yet"},
    # A number stays on the line of its unit (no-break spaces): never "khoảng 6 / phút".
    "wait_under_minute": {"vi": "dưới 1\u00a0phút", "en": "under 1\u00a0minute"},
    "wait_minutes": {"vi": "khoảng {m}\u00a0phút", "en": "about {m}\u00a0min"},
    "wait_hours": {
        "vi": "khoảng {h}\u00a0giờ {m}\u00a0phút",
        "en": "about {h}\u00a0h {m}\u00a0min",
    },
    **PROGRESS_WORDS,
}


def text(language: str, key: str, **values: object) -> str:
    """Return a phrase in the language (Vietnamese when missing), with values filled in."""
    forms = _TEXTS[key]
    phrase = forms.get(language) or forms[VIETNAMESE]
    return phrase.format(**values) if values else phrase


def wait_phrase(language: str, minutes: int | None) -> str:
    """Describe an estimated wait: 'khoảng 1 giờ 20 phút' / 'about 1 h 20 min'."""
    if minutes is None:
        return text(language, "wait_unknown")
    if minutes < 1:
        return text(language, "wait_under_minute")
    hours, rest = divmod(minutes, 60)
    if not hours:
        return text(language, "wait_minutes", m=rest)
    return text(language, "wait_hours", h=hours, m=rest)


def clock_text(language: str, moment: datetime) -> str:
    """Day, date and time as the kiosk's clock shows them: 'Thứ Ba, 01/12/2026 09:30'."""
    days = WEEKDAYS.get(language) or WEEKDAYS[VIETNAMESE]
    return f"{days[moment.weekday()]}, {moment:%d/%m/%Y %H:%M}"


def place_text(place: str) -> str:
    """A place to follow 'tại' / 'at': 'Tại quầy số 7' → 'Quầy số 7' (no 'tại' twice)."""
    words = place.strip()
    if words[:4].lower() == "tại ":
        words = words[4:].lstrip()
        words = words[:1].upper() + words[1:]
    return words
