"""`motcua kiosk --screenshot`: every kiosk screen with demo data, offscreen, at any size."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.app import SCREEN_SIZES
from kiosk.viewmodel import PrintState, Screen
from shared.config.site import SiteConfig

if TYPE_CHECKING:
    from kiosk.window import KioskWindow

# The clock of every screenshot: 09:30 on Monday 23/11/2026 in Hà Nội.
DEMO_NOW = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)


def demo_model(config: SiteConfig, screen: str) -> Any:
    """A view-model showing one screen with demo data (no bus)."""
    from kiosk import demo_data
    from kiosk.viewmodel import KioskViewModel

    model = KioskViewModel(config, "kiosk-1", wall_clock=lambda: DEMO_NOW)
    model.health.set_connected(True)
    model.handle_message(
        model.topics.queues(), demo_data.demo_queues(config).model_dump_json().encode()
    )
    model.procedures = demo_data.demo_procedures()
    model.procedures_state = "loaded"
    first = config.services[0]
    if screen == "services":
        model.department = (
            "cong-an" if any(s.windows for s in config.services) else first.department
        )
        model.screen = Screen.SERVICES
    elif screen == "priority":
        model.department, model.service, model.screen = (
            first.department,
            first.code,
            Screen.PRIORITY,
        )
    elif screen == "share":
        model.department, model.service, model.screen = (
            first.department,
            first.code,
            Screen.SHARE,
        )
    elif screen.startswith("ticket"):
        _show_ticket(model, config, screen)
    elif screen == "lookup":
        model.procedure_query = "ho tich"
        model.screen = Screen.LOOKUP
    elif screen == "procedure":
        model.procedure = model.procedures[1]
        model.screen = Screen.PROCEDURE
    elif screen == "scan":
        model.scan_text = demo_data.demo_scan_text(config)
        model.screen = Screen.SCAN
    elif screen == "scan-digits":  # a typed code, asked for the last 4 phone digits
        model.code_for_digits = demo_data.demo_scan_text(config)
        model.lookup_message = model.t("phone_digits")
        model.scan_text = "36"
        model.screen = Screen.SCAN
    elif screen.startswith("progress"):
        model.dossier = demo_data.demo_dossier(config, ready=screen == "progress-ready")
        model.screen = Screen.PROGRESS
    elif screen == "appointment":  # a code typed with a letter missing
        model.booking_text = "H7KQ2MX"
        model.booking_message = model.t("booking_code_format")
        model.screen = Screen.APPOINTMENT
    elif screen == "error":
        model.health.set_connected(False)
    return model


def _show_ticket(model: Any, config: SiteConfig, screen: str) -> None:
    """The ticket screen: printed (a priority ticket), without paper, or an appointment's."""
    from kiosk import demo_data

    ticket = demo_data.demo_ticket(config)
    if screen == "ticket-appointment":  # checked in for the slot at 10:00
        slot = DEMO_NOW + timedelta(minutes=30)
        update = {"appointment_at": slot, "people_ahead": 0, "estimated_wait_minutes": 25}
        ticket = ticket.model_copy(update=update)
    elif screen == "ticket" and ticket.priority is None and config.priorities:
        # The printed ticket is a priority one, to show its mark.
        ticket = ticket.model_copy(update={"priority": config.priorities[0].id})
    model.ticket = ticket
    model.print_state = PrintState.FAILED if screen == "ticket-no-paper" else PrintState.PRINTED
    model.screen = Screen.TICKET


def set_text_size(model: Any, text_size: str) -> None:
    """Press A− or A+ as far as they go ("smallest", "largest"), or leave the default."""
    step = {"smallest": model.smaller, "largest": model.bigger}.get(text_size)
    if step is None:
        return
    for _ in range(10):
        step()


@contextmanager
def demo_window(
    config: SiteConfig, screen: str, orientation: str = "portrait", text_size: str = "normal"
) -> Iterator[KioskWindow]:
    """Show one screen with demo data offscreen at a screen size; close it afterwards."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from kiosk.window import KioskWindow

    app = QApplication.instance() or QApplication([])
    model = demo_model(config, screen)
    set_text_size(model, text_size)
    window = KioskWindow(model)
    window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    window.resize(*SCREEN_SIZES[orientation])
    window.show()
    settle(app)
    window.refresh()
    settle(app)
    try:
        yield window
    finally:
        window.close()
        model.stop()
        window.deleteLater()
        app.processEvents()


def settle(app: Any) -> None:
    """Let every pending layout request run (scroll areas size their content last)."""
    for _ in range(4):
        app.sendPostedEvents()
        app.processEvents()


def screenshot(
    config: SiteConfig, path: Path, screen: str, orientation: str, text_size: str = "normal"
) -> int:
    """Render one screen with demo data offscreen to a PNG."""
    with demo_window(config, screen, orientation, text_size) as window:
        ok = window.grab().save(str(path), "PNG")
    if not ok:
        print(f"could not write {path}", file=sys.stderr)
        return 1
    print(path)
    return 0
