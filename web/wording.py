"""What the citizen's pages say, in Vietnamese (the default) and English."""

from __future__ import annotations

from dataclasses import dataclass

from shared.dossier_words import PROGRESS_WORDS
from web.booking_texts import BOOKING_TEXTS
from web.views import Stage, TicketView

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

TEXTS: dict[str, dict[str, str]] = {
    "ticket_title": {"vi": "Số thứ tự {number}", "en": "Ticket {number}"},
    "your_number": {"vi": "Số của bạn", "en": "Your number"},
    "service": {"vi": "Dịch vụ", "en": "Service"},
    "ahead": {"vi": "Còn {n} người trước bạn", "en": "{n} people ahead of you"},
    "ahead_one": {"vi": "Còn 1 người trước bạn", "en": "1 person ahead of you"},
    "next": {"vi": "Bạn là người tiếp theo", "en": "You are next"},
    "wait": {
        "vi": "Thời gian chờ dự kiến: khoảng {m} phút",
        "en": "Estimated wait: about {m} minutes",
    },
    "wait_soon": {"vi": "Sắp đến lượt bạn", "en": "Your turn is coming soon"},
    "placing": {"vi": "Đang cập nhật vị trí của bạn…", "en": "Updating your place…"},
    "waiting": {"vi": "Đang chờ đến lượt", "en": "Waiting for your turn"},
    "called": {
        "vi": "Mời số {number} đến Quầy {counter}",
        "en": "Number {number}, please go to counter {counter}",
    },
    "called_no_counter": {
        "vi": "Mời số {number} đến quầy",
        "en": "Number {number}, please go to the counter",
    },
    "called_detail": {
        "vi": "Đến lượt bạn. Mời bạn đến quầy ngay.",
        "en": "It is your turn. Please go to the counter now.",
    },
    "serving": {
        "vi": "Bạn đang được phục vụ tại Quầy {counter}",
        "en": "You are being served at counter {counter}",
    },
    "on_hold": {
        "vi": "Số của bạn đang tạm dừng tại Quầy {counter}",
        "en": "Your number is on hold at counter {counter}",
    },
    "on_hold_detail": {
        "vi": "Khi bạn quay lại, mời đến thẳng quầy.",
        "en": "When you are back, go straight to the counter.",
    },
    "done": {"vi": "Đã phục vụ xong. Cảm ơn bạn!", "en": "You have been served. Thank you!"},
    "no_show": {
        "vi": "Số này đã bị bỏ qua vì không có mặt khi được gọi",
        "en": "This number was skipped: nobody came when it was called",
    },
    "no_show_detail": {
        "vi": "Vui lòng liên hệ bàn hướng dẫn.",
        "en": "Please ask the guidance desk.",
    },
    "ended": {"vi": "Số này không còn hiệu lực", "en": "This number is no longer valid"},
    "keep_open": {
        "vi": "Giữ trang này mở: khi đến lượt, điện thoại sẽ đổ chuông và rung.",
        "en": "Keep this page open: your phone rings and vibrates when you are called.",
    },
    "alert_on": {"vi": "Bật chuông báo khi đến lượt", "en": "Turn on the call alert"},
    "alert_ready": {"vi": "Chuông báo đã bật", "en": "Call alert is on"},
    "live": {"vi": "Đang cập nhật trực tiếp", "en": "Live updates on"},
    "reconnecting": {
        "vi": "Mất kết nối, đang kết nối lại…",
        "en": "Connection lost, reconnecting…",
    },
    "switch": {"vi": "English", "en": "Tiếng Việt"},
    "ticket_missing_title": {"vi": "Không tìm thấy số thứ tự", "en": "Ticket not found"},
    "ticket_missing": {
        "vi": "Không tìm thấy số thứ tự này. Số chỉ có giá trị trong ngày cấp.",
        "en": "This ticket was not found. A ticket is valid only on the day it was issued.",
    },
    "dossier_missing_title": {"vi": "Không tìm thấy hồ sơ", "en": "Dossier not found"},
    "dossier_missing": {
        "vi": "Không tìm thấy hồ sơ này. Vui lòng kiểm tra mã QR trên giấy hẹn trả kết quả "
        "hoặc hỏi bàn hướng dẫn.",
        "en": "This dossier was not found. Please check the QR code on your appointment slip "
        "or ask the guidance desk.",
    },
    "page_missing_title": {"vi": "Không có trang này", "en": "No such page"},
    "page_missing": {
        "vi": "Vui lòng quét mã QR trên số thứ tự hoặc trên giấy hẹn trả kết quả.",
        "en": "Please scan the QR code on your ticket or on your appointment slip.",
    },
    "home_title": {"vi": "Dịch vụ công: số thứ tự và hồ sơ", "en": "Public services"},
    "home": {
        "vi": "Quét mã QR trên số thứ tự để theo dõi lượt của bạn, hoặc mã QR trên giấy hẹn "
        "trả kết quả để xem tiến độ hồ sơ.",
        "en": "Scan the QR code on your ticket to follow your turn, or the one on your "
        "appointment slip to see your dossier's progress.",
    },
    "busy_title": {"vi": "Vui lòng thử lại sau", "en": "Please try again later"},
    "busy": {
        "vi": "Hệ thống đang bận hoặc tạm gián đoạn. Vui lòng thử lại sau ít phút.",
        "en": "The system is busy or briefly unavailable. Please try again in a few minutes.",
    },
    "limited_title": {"vi": "Quá nhiều yêu cầu", "en": "Too many requests"},
    "limited": {
        "vi": "Trang được mở quá nhiều lần. Vui lòng thử lại sau {seconds} giây.",
        "en": "This page was opened too often. Please try again in {seconds} seconds.",
    },
    "dossier_title": {"vi": "Hồ sơ {code}", "en": "Dossier {code}"},
    "procedure": {"vi": "Thủ tục", "en": "Procedure"},
    "submitted_label": {"vi": "Người nộp", "en": "Submitted by"},
    "due_label": {"vi": "Hẹn trả kết quả", "en": "Result due"},
    "status_label": {"vi": "Trạng thái", "en": "Status"},
    "collect_label": {"vi": "Nơi nhận kết quả", "en": "Where to collect the result"},
    "result_coming": {
        "vi": "kết quả đang được chuyển đến đó, chưa nhận được ngay",
        "en": "the result is on its way there and cannot be collected yet",
    },
    "vietnamese_note": {
        "vi": "",
        "en": "Names of procedures, statuses and steps are given in Vietnamese.",
    },
    **BOOKING_TEXTS,
    **PROGRESS_WORDS,
}


def language(value: str | None) -> str:
    """The page language asked for (`?lang=`), Vietnamese unless English is asked."""
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str, **values: object) -> str:
    """One text in the page's language, with its values filled in."""
    return TEXTS[key][language(lang)].format(**values)


@dataclass(frozen=True)
class TicketWords:
    """The sentences a ticket's page shows for one view (also pushed to the open page)."""

    stage: str
    headline: str
    detail: str
    wait: str
    service: str
    call: str | None

    def as_json(self) -> dict[str, str | None]:
        """The fields the page's script reads."""
        return {
            "stage": self.stage,
            "headline": self.headline,
            "detail": self.detail,
            "wait": self.wait,
            "service": self.service,
            "call": self.call,
        }


def _waiting(view: TicketView, lang: str) -> tuple[str, str, str]:
    if view.ahead is None:
        return t("waiting", lang), t("placing", lang), ""
    if view.ahead == 0:
        ahead = t("next", lang)
    elif view.ahead == 1:
        ahead = t("ahead_one", lang)
    else:
        ahead = t("ahead", lang, n=view.ahead)
    minutes = view.wait_minutes or 0
    wait = t("wait", lang, m=minutes) if minutes > 0 else t("wait_soon", lang)
    return t("waiting", lang), ahead, wait


def _at_counter(view: TicketView, lang: str) -> tuple[str, str]:
    counter = view.counter_label or "?"
    if view.stage is Stage.CALLED:
        key = "called" if view.counter_label else "called_no_counter"
        return t(key, lang, number=view.number, counter=counter), t("called_detail", lang)
    if view.stage is Stage.SERVING:
        return t("serving", lang, counter=counter), ""
    return t("on_hold", lang, counter=counter), t("on_hold_detail", lang)


def ticket_words(view: TicketView, service_name: str, lang: str) -> TicketWords:
    """Word a ticket's view for its page."""
    wait = ""
    if view.stage is Stage.WAITING:
        headline, detail, wait = _waiting(view, lang)
    elif view.stage in (Stage.CALLED, Stage.SERVING, Stage.ON_HOLD):
        headline, detail = _at_counter(view, lang)
    elif view.stage is Stage.DONE:
        headline, detail = t("done", lang), ""
    elif view.stage is Stage.NO_SHOW:
        headline, detail = t("no_show", lang), t("no_show_detail", lang)
    else:
        headline, detail = t("ended", lang), ""
    return TicketWords(view.stage.value, headline, detail, wait, service_name, view.call)
