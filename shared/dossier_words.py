"""How a dossier's progress is said to citizens, the same on the kiosk and on the phone."""

from __future__ import annotations

PROGRESS_WORDS: dict[str, dict[str, str]] = {
    "on_time": {"vi": "Hồ sơ đang đúng hạn", "en": "On schedule"},
    "late": {"vi": "Hồ sơ bị chậm so với hẹn", "en": "Running late"},
    "ready": {"vi": "Đã có kết quả — mời bạn nhận", "en": "Your result is ready"},
    "apology": {
        "vi": "Chúng tôi xin lỗi vì sự chậm trễ. Lý do: {reason}. Hẹn lại ngày {date}.",
        "en": "We apologise for the delay. Reason: {reason}. New date: {date}.",
    },
    "apology_no_reason": {
        "vi": "Chúng tôi xin lỗi vì sự chậm trễ. Hẹn lại ngày {date}.",
        "en": "We apologise for the delay. New date: {date}.",
    },
    "steps": {"vi": "Các bước đã qua", "en": "Steps so far"},
}
