"""Where a dossier's result is returned, when it was transferred to another branch: the rules
the return desk follows and the words it shows (no Qt here)."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from shared.domain.dossiers import DossierStatus
from shared.dossier_words import branch_name, return_branch
from shared.messaging.dossier_views import DossierFull, DossierPublic, StepView


def can_transfer(dossier: DossierFull | None, site_id: str, branches: Mapping[str, str]) -> bool:
    """An own dossier with a ready result not yet transferred, where the province allows it."""
    return (
        dossier is not None
        and bool(branches)
        and dossier.site_id == site_id
        and dossier.status == DossierStatus.DONE
        and dossier.result_site_id is None
    )


def transferred_line(dossier: DossierPublic) -> str:
    """For the branch that sent the result: where it is now, and whether it arrived there."""
    name = return_branch(dossier)
    if dossier.result_arrived:
        return f"Kết quả đã chuyển đến {name}; chi nhánh đó đã nhận."
    return f"Kết quả đã chuyển đến {name}, đang chờ chi nhánh đó nhận."


def foreign_result_line(dossier: DossierPublic, site_id: str) -> str:
    """For a branch looking at another branch's dossier: where its result is returned."""
    if dossier.result_site_id == site_id:
        if dossier.status == DossierStatus.RETURNED:
            return "Kết quả chuyển đến chi nhánh này đã được trả cho công dân."
        if dossier.result_arrived:
            return "Kết quả đã chuyển đến và đang giữ tại chi nhánh này, sẵn sàng trả cho công dân."
        return (
            f"{branch_name(dossier)} đã chuyển kết quả đến chi nhánh này. "
            "Khi nhận được bản kết quả, bấm “Nhận kết quả chuyển đến”."
        )
    return f"Kết quả trả tại {return_branch(dossier)}."


def step_line(step: StepView, timezone: str) -> str:
    """One step of the progress: when (local time), what, where."""
    when = f"{step.at.astimezone(ZoneInfo(timezone)):%H:%M %d/%m/%Y}"
    where = f" — {step.unit}" if step.unit else ""
    return f"{when} · {step.label}{where}"


def foreign_details(dossier: DossierPublic, site_id: str) -> str:
    """The read-only summary of another branch's dossier (the name masked, as in the index)."""
    return (
        f"Mã hồ sơ: {dossier.code}\n"
        f"Người nộp: {dossier.citizen_masked}\n"
        f"Thủ tục: {dossier.procedure_name}\n"
        f"Trạng thái: {dossier.status_label} · hẹn trả {dossier.due:%d/%m/%Y}\n"
        f"Nơi tiếp nhận: {branch_name(dossier)} (hồ sơ của chi nhánh khác: chỉ xem)\n"
        f"{foreign_result_line(dossier, site_id)}"
    )
