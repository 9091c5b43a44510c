"""Printable documents as plain frozen data, and one entry point that renders any of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PIL import Image

from hw.printer.canvas import RENDER_LOCK, PageStyle
from hw.printer.documents.control import ControlSheetData, Handover, render_control_sheet
from hw.printer.documents.forms import (
    ApologyData,
    MissingDocument,
    RefusalData,
    SupplementRequestData,
    render_apology,
    render_refusal,
    render_supplement,
)
from hw.printer.documents.paper import PAPERS, sheet_style, sheets
from hw.printer.documents.register import RegisterData, RegisterRow, render_register
from hw.printer.documents.slip import AppointmentSlipData, SubmittedDocument, render_slip
from hw.printer.documents.stop import StopNoticeData, render_stop_notice
from hw.printer.documents.ticket import TicketData, render_ticket
from hw.printer.fonts import FontFiles
from shared.domain.form_sets import FormKind

Document = (
    TicketData
    | AppointmentSlipData
    | SupplementRequestData
    | RefusalData
    | ApologyData
    | StopNoticeData
    | ControlSheetData
    | RegisterData
)
# Document kind (as typed on the command line) → its data class.
KINDS: dict[str, type[Any]] = {
    "ticket": TicketData,
    "slip": AppointmentSlipData,
    "supplement": SupplementRequestData,
    "refusal": RefusalData,
    "apology": ApologyData,
    "stop": StopNoticeData,
    "control": ControlSheetData,
    "register": RegisterData,
}
# What each official form is for, whatever number its set gives it.
FORM_KINDS: dict[type[Any], FormKind] = {
    AppointmentSlipData: FormKind.RECEIPT,
    SupplementRequestData: FormKind.SUPPLEMENT,
    RefusalData: FormKind.REFUSAL,
    ApologyData: FormKind.APOLOGY,
    StopNoticeData: FormKind.STOP_NOTICE,
    ControlSheetData: FormKind.CONTROL_SHEET,
    RegisterData: FormKind.REGISTER,
}
_RENDERERS: dict[type[Any], Callable[[Any, PageStyle], list[Image.Image]]] = {
    TicketData: render_ticket,
    AppointmentSlipData: render_slip,
    SupplementRequestData: render_supplement,
    RefusalData: render_refusal,
    ApologyData: render_apology,
    StopNoticeData: render_stop_notice,
    ControlSheetData: render_control_sheet,
    RegisterData: render_register,
}

__all__ = [
    "KINDS",
    "ApologyData",
    "AppointmentSlipData",
    "ControlSheetData",
    "Document",
    "Handover",
    "MissingDocument",
    "RefusalData",
    "RegisterData",
    "RegisterRow",
    "StopNoticeData",
    "SubmittedDocument",
    "SupplementRequestData",
    "TicketData",
    "kind_of",
    "render_pages",
    "render_sheets",
]


def kind_of(document: Document) -> str:
    """Return the kind name of a document ('ticket', 'slip', …)."""
    for name, cls in KINDS.items():
        if isinstance(document, cls):
            return name
    raise TypeError(f"not a printable document: {type(document).__name__}")


def render_pages(document: Document, style: PageStyle) -> list[Image.Image]:
    """Render a document to 1-bit pages; the paper is cut after each page."""
    renderer = _RENDERERS.get(type(document))
    if renderer is None:
        raise TypeError(f"not a printable document: {type(document).__name__}")
    with RENDER_LOCK:
        return renderer(document, style)


def render_sheets(document: Document, paper: str, fonts: FontFiles) -> list[Image.Image]:
    """Render a document on A4/A5 sheets ('a4', 'a5'; the register always on A4 landscape)."""
    key = "a4-landscape" if isinstance(document, RegisterData) else paper
    chosen = PAPERS[key]
    with RENDER_LOCK:
        pages = _RENDERERS[type(document)](document, sheet_style(chosen, fonts))
    return sheets(pages, chosen)
