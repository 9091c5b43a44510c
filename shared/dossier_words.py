"""How a dossier's progress is said to citizens, the same on the kiosk and on the phone."""

from __future__ import annotations

from shared.messaging.dossier_views import DossierPublic

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


def result_here(dossier: DossierPublic, site_id: str) -> bool:
    """Whether the result is collected at this site: where it was sent, else where received."""
    return (dossier.result_site_id or dossier.site_id) == site_id


def result_coming(dossier: DossierPublic | None, site_id: str) -> bool:
    """Whether a ready result is on its way to this site from another, not yet arrived."""
    return (
        dossier is not None
        and dossier.ready
        and dossier.result_site_id == site_id
        and not dossier.result_arrived
    )


def result_held(dossier: DossierPublic | None, site_id: str) -> bool:
    """Whether a result another branch transferred here has arrived and waits for its citizen."""
    return (
        dossier is not None
        and dossier.ready
        and dossier.result_site_id == site_id
        and dossier.result_arrived
    )


def branch_name(dossier: DossierPublic) -> str:
    """The name of the branch that received the dossier (its id when the name is unknown)."""
    return dossier.site_name or dossier.site_id


def return_branch(dossier: DossierPublic) -> str:
    """The branch where the citizen collects the result: the one it went to, else the receiver."""
    return dossier.result_site_name or dossier.result_site_id or branch_name(dossier)
