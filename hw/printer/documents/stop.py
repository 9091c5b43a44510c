"""Mẫu 05 (TT 03/2025) — Thông báo dừng giải quyết hồ sơ: processing stopped, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PIL import Image

from hw.printer.canvas import PageStyle
from hw.printer.documents.common import Letterhead, clock_date, finish_form, form_spec, start_form
from shared.domain.form_sets import FormKind


@dataclass(frozen=True)
class StopNoticeData(Letterhead):
    """Mẫu 05: the dossier whose processing stopped (status 8), the reason and who signs."""

    agency_name: str
    place: str
    issued_at: datetime
    citizen_name: str
    procedure_name: str
    dossier_code: str
    received_at: datetime
    stopped_at: datetime
    reason: str
    head_title: str
    head_name: str


def render_stop_notice(data: StopNoticeData, style: PageStyle) -> list[Image.Image]:
    """Lay out the notice that processing of a dossier has stopped."""
    spec = form_spec(data, FormKind.STOP_NOTICE)
    canvas = start_form(style, data, spec)
    canvas.field("Kính gửi", f"Ông/Bà {data.citizen_name}", 22)
    canvas.text(
        f"Ngày {data.received_at:%d/%m/%Y}, {data.agency_name} tiếp nhận hồ sơ của ông/bà "
        f"đề nghị giải quyết thủ tục: {data.procedure_name}.",
        20,
    )
    canvas.whole("Mã hồ sơ", data.dossier_code, 20)
    canvas.text(
        f"{data.agency_name} thông báo dừng giải quyết hồ sơ nêu trên "
        f"kể từ {clock_date(data.stopped_at)}.",
        20,
    )
    canvas.runs([("Lý do: ", False), (data.reason, True)], 20)
    canvas.text(
        "Ông/Bà liên hệ Bộ phận Một cửa để nhận lại hồ sơ và được hướng dẫn thực hiện "
        "theo quy định.",
        20,
    )
    canvas.text("Xin thông báo để ông/bà được biết.", 20)
    role = data.head_title or (spec.signers[0] if spec.signers else "")
    return [finish_form(canvas, [(role, data.head_name)], spec.sign_hint)]
