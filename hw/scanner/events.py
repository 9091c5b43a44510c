"""What every scanner source produces: scan events and connection states, behind one protocol."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from shared.domain.codes import CodeKind, ScannedCode

NOT_RECOGNISED = "Không nhận ra mã"


class Symbology(StrEnum):
    """The kind of printed symbol a code was read from."""

    QR = "qr"
    CODE128 = "code128"
    CODE39 = "code39"
    CODE93 = "code93"
    CODABAR = "codabar"
    EAN_UPC = "ean_upc"
    ITF = "itf"
    DATAMATRIX = "datamatrix"
    PDF417 = "pdf417"
    AZTEC = "aztec"
    DATABAR = "databar"
    MAXICODE = "maxicode"
    OTHER = "other"


class ConnectionState(StrEnum):
    """Whether a source can deliver scans right now."""

    STOPPED = "stopped"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"


KIND_TEXT: dict[CodeKind, str] = {
    CodeKind.TICKET: "vé",
    CodeKind.DOSSIER: "hồ sơ",
    CodeKind.LOOKUP_TOKEN: "mã tra cứu",
    CodeKind.CITIZEN_ID: "thẻ căn cước",
    CodeKind.FOREIGN_DOSSIER: "hồ sơ của hệ thống khác",
    CodeKind.UNKNOWN: NOT_RECOGNISED,
}
UNREADABLE_ID_CARD = "Không đọc được thẻ căn cước"

STATE_TEXT: dict[ConnectionState, str] = {
    ConnectionState.STOPPED: "đã dừng",
    ConnectionState.CONNECTING: "đang kết nối…",
    ConnectionState.CONNECTED: "đã kết nối",
    ConnectionState.DISCONNECTED: "mất kết nối, đang thử lại…",
}


@dataclass(frozen=True)
class ScanEvent:
    """One code read by a source: cleaned text, symbology if known, source id, times, meaning.

    For a citizen ID card `text` is the masked ID number only; the fields are in `code.citizen`.
    """

    text: str
    symbology: Symbology | None
    source: str
    time: datetime
    monotonic: float
    code: ScannedCode

    @property
    def recognised(self) -> bool:
        """Return True for a ticket, dossier code, lookup token, ID card or foreign dossier."""
        return self.code.recognised

    @property
    def message(self) -> str:
        """Return the code kind in Vietnamese ('hồ sơ', 'vé' …) or why it was not recognised."""
        if self.code.kind is CodeKind.CITIZEN_ID and self.code.citizen is None:
            return f"{UNREADABLE_ID_CARD}: {self.code.problem}"
        return KIND_TEXT[self.code.kind]


ScanListener = Callable[[ScanEvent], None]
StateListener = Callable[[ConnectionState], None]


class Scanner(Protocol):
    """A code reader: start it, listen for scans and state changes, stop it."""

    @property
    def id(self) -> str:
        """Return the scanner id from the site config."""
        ...

    @property
    def state(self) -> ConnectionState:
        """Return the current connection state."""
        ...

    def add_scan_listener(self, listener: ScanListener) -> None:
        """Call listener (from the source's thread) for every scan."""
        ...

    def add_state_listener(self, listener: StateListener) -> None:
        """Call listener (from the source's thread) on every connection-state change."""
        ...

    def start(self) -> None:
        """Start reading; returns at once, reconnecting by itself after unplug."""
        ...

    def stop(self) -> None:
        """Stop reading and join the worker; safe to call twice."""
        ...
