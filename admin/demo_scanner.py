"""The demo's scan desk: a simulated reader whose scans are looked up through the protocol."""

from __future__ import annotations

import socket
import sys
import threading
from datetime import date

from hw.scanner.base import ScannerBase
from hw.scanner.events import ScanEvent
from hw.scanner.factory import build_scanner
from shared.config.scanner import ScannerConfig
from shared.domain.codes import DEFAULT_DOSSIER_PATTERN, CodeKind
from shared.messaging import commands as c
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.dossier_commands import LookUpDossier

_PRINTING = threading.Lock()


def say(line: str) -> None:
    """Print one line of the demo whole: the hall, the boards and the scanner print from
    different threads."""
    with _PRINTING:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


STATE_TEXT = {
    "waiting": "đang chờ",
    "called": "đang được mời",
    "serving": "đang được phục vụ",
    "on_hold": "tạm hoãn",
    "done": "đã xong",
    "no_show": "đã qua lượt",
    "voided": "đã hủy",
}


def describe_scan(event: ScanEvent, client: CommandClient) -> str:
    """Say what a scan means for the citizen, asking the server about ticket codes."""
    code = event.code
    if code.kind is CodeKind.TICKET:
        reply = client.send(c.TicketStatus(request_id=new_request_id(), number=code.number))
        if not reply.ok or reply.error is not None:
            return f"vé {code.number}: {reply.error.message if reply.error else 'lỗi'}"
        ticket = reply.result["ticket"]
        where = f" tại quầy {ticket['counter_label']}" if ticket["counter_label"] else ""
        ahead = ""
        if ticket["state"] == "waiting":
            count = ticket["people_ahead"]
            ahead = f", {count} người chờ trước" if count else ", không ai chờ trước"
        state = STATE_TEXT.get(ticket["state"], ticket["state"])
        return f"vé {ticket['number']}: {state}{where}{ahead}"
    if code.kind in (CodeKind.DOSSIER, CodeKind.LOOKUP_TOKEN):
        reply = client.send(LookUpDossier(request_id=new_request_id(), text=code.text))
        if not reply.ok or reply.error is not None:
            return f"hồ sơ: {reply.error.message if reply.error else 'lỗi'}"
        dossier = reply.result["dossier"]
        due = date.fromisoformat(dossier["due"])
        timeliness = dossier["timeliness_label"].lower()
        return (
            f"hồ sơ {dossier['code']} ({dossier['citizen_masked']}): {dossier['status_label']}, "
            f"hẹn trả {due:%d/%m/%Y}" + (f", {timeliness}" if timeliness else "")
        )
    return event.message


class ScanDesk:
    """Runs the simulated reader and prints what each scan means."""

    def __init__(
        self, client: CommandClient, dossier_pattern: str = DEFAULT_DOSSIER_PATTERN
    ) -> None:
        self.client = client
        self.scanner: ScannerBase = build_scanner(
            ScannerConfig(id="demo-kiosk-scanner", driver="sim", listen_port=0),
            dossier_pattern=dossier_pattern,
        )
        self.scanner.add_scan_listener(self._on_scan)

    @property
    def port(self) -> int:
        """The loopback port that takes scans as lines."""
        address = getattr(self.scanner, "address", None)
        return int(address[1]) if address else 0

    def start(self) -> None:
        """Start listening."""
        self.scanner.start()

    def stop(self) -> None:
        """Stop the reader."""
        self.scanner.stop()

    def scan(self, text: str) -> None:
        """Send a line to the reader, as a person holding a code to it would."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as conn:
            conn.sendall(text.encode() + b"\r\n")

    def _on_scan(self, event: ScanEvent) -> None:
        say(f"  quét   → {describe_scan(event, self.client)}")
