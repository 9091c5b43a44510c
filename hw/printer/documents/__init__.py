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
from hw.printer.documents.slip import AppointmentSlipData, SubmittedDocument, render_slip
from hw.printer.documents.ticket import TicketData, render_ticket

Document = (
    TicketData
    | AppointmentSlipData
    | SupplementRequestData
    | RefusalData
    | ApologyData
    | ControlSheetData
)
# Document kind (as typed on the command line) → its data class.
KINDS: dict[str, type[Any]] = {
    "ticket": TicketData,
    "slip": AppointmentSlipData,
    "supplement": SupplementRequestData,
    "refusal": RefusalData,
    "apology": ApologyData,
    "control": ControlSheetData,
}
_RENDERERS: dict[type[Any], Callable[[Any, PageStyle], list[Image.Image]]] = {
    TicketData: render_ticket,
    AppointmentSlipData: render_slip,
    SupplementRequestData: render_supplement,
    RefusalData: render_refusal,
    ApologyData: render_apology,
    ControlSheetData: render_control_sheet,
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
    "SubmittedDocument",
    "SupplementRequestData",
    "TicketData",
    "kind_of",
    "render_pages",
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
