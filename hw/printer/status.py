"""Printer status from DLE EOT replies: paper, cover, online, errors — as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

# DLE EOT n: real-time status requests, answered even while the printer is offline.
DLE_EOT_PRINTER = b"\x10\x04\x01"
DLE_EOT_OFFLINE = b"\x10\x04\x02"
DLE_EOT_ERROR = b"\x10\x04\x03"
DLE_EOT_PAPER = b"\x10\x04\x04"
STATUS_REQUESTS = (DLE_EOT_PRINTER, DLE_EOT_OFFLINE, DLE_EOT_ERROR, DLE_EOT_PAPER)


class PrinterState(StrEnum):
    """The one word a dashboard shows for a printer."""

    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    ERROR = "error"
    OFFLINE = "offline"
    UNKNOWN = "unknown"


class PaperLevel(StrEnum):
    """What the paper sensors say."""

    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


STATE_MESSAGES: dict[PrinterState, str] = {
    PrinterState.OK: "Máy in sẵn sàng",
    PrinterState.PAPER_NEAR_END: "Máy in sắp hết giấy, cần thay cuộn giấy mới",
    PrinterState.PAPER_OUT: "Máy in đã hết giấy",
    PrinterState.COVER_OPEN: "Nắp máy in đang mở",
    PrinterState.ERROR: "Máy in báo lỗi (dao cắt hoặc lỗi phần cứng)",
    PrinterState.OFFLINE: "Không kết nối được với máy in",
    PrinterState.UNKNOWN: "Không đọc được trạng thái máy in",
}


class StatusReplyError(ValueError):
    """A status reply byte does not have the fixed bits every DLE EOT reply has."""


@dataclass(frozen=True)
class PrinterStatus:
    """A printer's condition at one moment."""

    printer_id: str
    state: PrinterState
    paper: PaperLevel = PaperLevel.UNKNOWN
    cover_open: bool | None = None
    online: bool | None = None
    detail: str = ""
    checked_at: datetime | None = None

    @property
    def can_print(self) -> bool:
        """Tell whether a job may be sent (unknown state is tried: better a ticket than none)."""
        return self.state in (PrinterState.OK, PrinterState.PAPER_NEAR_END, PrinterState.UNKNOWN)

    @property
    def reachable(self) -> bool:
        """Tell whether the printer answered (an empty or open printer is still reachable)."""
        return self.state is not PrinterState.OFFLINE

    @property
    def message(self) -> str:
        """Say the state in Vietnamese for staff and technicians."""
        return STATE_MESSAGES[self.state]

    def to_payload(self) -> dict[str, Any]:
        """Return the status as plain JSON types, for a retained `status` topic."""
        return {
            "printer_id": self.printer_id,
            "state": self.state.value,
            "paper": self.paper.value,
            "cover_open": self.cover_open,
            "online": self.online,
            "can_print": self.can_print,
            "message": self.message,
            "detail": self.detail,
            "checked_at": self.checked_at.isoformat() if self.checked_at else None,
        }


def check_reply(byte: int) -> int:
    """Return the byte if it has the fixed bits of a DLE EOT reply (0xx1xx10), else raise."""
    if byte & 0x93 != 0x12:
        raise StatusReplyError(f"not a DLE EOT status byte: 0x{byte:02x}")
    return byte


def paper_level(byte: int) -> PaperLevel:
    """Read a DLE EOT 4 reply: bits 2–3 near end, bits 5–6 paper out."""
    check_reply(byte)
    if byte & 0x60:
        return PaperLevel.OUT
    if byte & 0x0C:
        return PaperLevel.NEAR_END
    return PaperLevel.OK


def parse_status(
    printer_id: str,
    replies: dict[int, int],
    checked_at: datetime | None = None,
) -> PrinterStatus:
    """Combine DLE EOT replies (n → reply byte; n = 1, 2, 3, 4; any may be missing)."""
    try:
        for byte in replies.values():
            check_reply(byte)
    except StatusReplyError as error:
        return PrinterStatus(
            printer_id, PrinterState.UNKNOWN, detail=str(error), checked_at=checked_at
        )
    printer, offline, fault, paper_byte = (replies.get(n) for n in (1, 2, 3, 4))
    online = None if printer is None else not printer & 0x08
    cover = None if offline is None else bool(offline & 0x04)
    paper = PaperLevel.UNKNOWN if paper_byte is None else paper_level(paper_byte)
    if offline is not None and offline & 0x20:
        paper = PaperLevel.OUT  # "printing stopped by paper end"
    failed = fault is not None and bool(fault & 0x68)  # cutter, unrecoverable, auto-recoverable
    failed = failed or (offline is not None and bool(offline & 0x40))
    if cover:
        state = PrinterState.COVER_OPEN
    elif paper is PaperLevel.OUT:
        state = PrinterState.PAPER_OUT
    elif failed:
        state = PrinterState.ERROR
    elif online is False:
        state = PrinterState.OFFLINE
    elif paper is PaperLevel.NEAR_END:
        state = PrinterState.PAPER_NEAR_END
    elif not replies:
        state = PrinterState.UNKNOWN
    else:
        state = PrinterState.OK
    details = [f"{n}:0x{b:02x}" for n, b in sorted(replies.items())]
    return PrinterStatus(
        printer_id, state, paper, cover, online, "DLE EOT " + " ".join(details), checked_at
    )


def offline_status(
    printer_id: str, detail: str, checked_at: datetime | None = None
) -> PrinterStatus:
    """Return the status of a printer that could not be reached or did not answer."""
    return PrinterStatus(
        printer_id, PrinterState.OFFLINE, online=False, detail=detail, checked_at=checked_at
    )


def status_byte(
    n: int,
    *,
    online: bool = True,
    cover_open: bool = False,
    paper: PaperLevel = PaperLevel.OK,
    error: bool = False,
) -> int:
    """Build the reply a healthy Epson-compatible printer gives to DLE EOT n (for simulators)."""
    byte = 0x12
    if n == 1 and (not online or cover_open or paper is PaperLevel.OUT or error):
        byte |= 0x08
    elif n == 2:
        byte |= (0x04 if cover_open else 0) | (0x20 if paper is PaperLevel.OUT else 0)
        byte |= 0x40 if error else 0
    elif n == 3 and error:
        byte |= 0x08
    elif n == 4:
        byte |= {PaperLevel.NEAR_END: 0x0C, PaperLevel.OUT: 0x6C}.get(paper, 0)
    return byte
