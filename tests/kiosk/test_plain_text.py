"""Text that comes from data is shown as typed: markup in it is never drawn as markup.

An officer's hand-over unit, a reschedule reason, a catalogue name or a queue's reason can hold
`<p style="color:red;font-size:40pt">HỒ SƠ BỊ HỦY</p>`; with Qt's automatic format a label would
draw it as a large red notice on the public screen. Every label of the kiosk shows plain text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from kiosk import app as kiosk_app
from kiosk.admin import PinPad
from kiosk.demo_data import demo_procedures
from kiosk.screenshot import demo_window
from kiosk.viewmodel import KioskViewModel, Screen
from kiosk.widgets import WrapButton
from kiosk.window import KioskWindow
from shared.config.site import SiteConfig
from shared.messaging import dossier_commands as d
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.dossier_views import DossierFull
from shared.messaging.states import QueuesState, ServiceWaiting
from tests.kiosk.conftest import Kiosk
from tests.kiosk.touch import wait_ready

WAIT_MS = 10_000
NOTICE = '<p style="color:red;font-size:40pt">HỒ SƠ BỊ HỦY</p>'
PICTURE = '<img src="https://example.invalid/x.png">'
# Labels whose text is the kiosk's own and may be rich text (none so far).
RICH_ALLOWED: frozenset[str] = frozenset()


def _labels_with(root: QWidget, fragment: str) -> list[QLabel]:
    return [
        label
        for label in root.findChildren(QLabel)
        if label.isVisible() and fragment in label.text()
    ]


def _plain(labels: list[QLabel]) -> bool:
    return all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)


def _next_weekday(day: date) -> date:
    """A working day a week after `day` (a new due date must be a working day)."""
    moved = day + timedelta(days=7)
    while moved.weekday() >= 5:
        moved += timedelta(days=1)
    return moved


def test_markup_from_officers_shows_as_typed_on_the_progress_screen(
    qtbot: QtBot, received: tuple[CommandClient, DossierFull], make_kiosk: Callable[..., Kiosk]
) -> None:
    """A hand-over to a 'unit' written as HTML stays literal text; a typed reason never shows."""
    counter, dossier = received
    handed = counter.send(
        d.HandOver(request_id=new_request_id(), code=dossier.code, to_unit=NOTICE)
    )
    assert handed.ok, handed.error
    moved = counter.send(
        d.Reschedule(
            request_id=new_request_id(),
            code=dossier.code,
            reason=f"{PICTURE}<b>cần xác minh</b>",
            new_due=_next_weekday(dossier.legal_due),
        )
    )
    assert moved.ok, moved.error
    kiosk = make_kiosk()
    wait_ready(qtbot, kiosk, timeout=WAIT_MS)
    kiosk.model.scan_arrived.emit(dossier.qr)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.PROGRESS, timeout=WAIT_MS)
    QApplication.processEvents()  # the steps' new labels show once the event loop runs
    page = kiosk.window.current_page()
    units = _labels_with(page, "<p style=")
    assert units, "the markup is not shown as text"
    assert _plain(units)
    # Not one of the site's public reasons: the server keeps it for staff.
    assert not _labels_with(page, "<img") and not _labels_with(page, "cần xác minh")


def test_markup_in_the_catalogue_and_in_queue_reasons_shows_as_typed(
    qtbot: QtBot, site_config: SiteConfig
) -> None:
    """A procedure named in HTML, and a service closed 'because' of HTML, read literally."""
    model = KioskViewModel(site_config)
    window = KioskWindow(model)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    model.health.set_connected(True)
    service = site_config.services[0]
    closed = ServiceWaiting(
        service=service.code, name=service.name, waiting=0, available=False, reason=NOTICE
    )
    state = QueuesState(services=[closed], updated_at=model.local_time())
    model.handle_message(model.topics.queues(), state.model_dump_json().encode())
    procedure = demo_procedures()[0].model_copy(update={"name": NOTICE, "fee": PICTURE})
    model.procedures, model.procedures_state = [procedure], "loaded"
    model.open_procedure(procedure.code)
    assert model.visible_screen is Screen.PROCEDURE
    QApplication.processEvents()  # the procedure's new labels show once the event loop runs
    shown = _labels_with(window, "<p style=") + _labels_with(window, "<img")
    assert len(shown) == 2 and _plain(shown)
    model.choose_service(service.code)  # refused: the notice bar says why, with the reason
    notices = _labels_with(window, "<p style=")
    assert window.notice in notices and _plain(notices)
    model.stop()


@pytest.mark.parametrize("screen", kiosk_app.SCREENS)
def test_every_label_of_every_screen_is_plain_text(
    qapp: QApplication, site_config: SiteConfig, screen: str
) -> None:
    with demo_window(site_config, screen) as window:
        labels = window.findChildren(QLabel)
        rich = [
            f"{label.objectName()}: {label.text()[:40]!r}"
            for label in labels
            if label.textFormat() != Qt.TextFormat.PlainText
            and label.objectName() not in RICH_ALLOWED
        ]
        buttons = window.findChildren(WrapButton)
    assert labels and buttons
    assert not rich, "\n".join(rich)


def test_the_pin_pad_labels_are_plain_text(qapp: QApplication) -> None:
    pad = PinPad("", "vi")
    labels = pad.findChildren(QLabel)
    assert labels and _plain(labels)
    pad.deleteLater()
