"""`motcua counter --screenshot`: render a console screen with demo data offscreen to a PNG."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QWidget

from counter_console.actions import Action
from counter_console.demo_data import (
    AT,
    OfflineSender,
    demo_counter_state,
    demo_dossier,
    demo_late,
    demo_notifications,
    demo_officer,
    demo_procedure,
    demo_queues,
    demo_ready_dossier,
    demo_return_branches,
    demo_status,
    demo_transferred_here,
)
from shared.config.site import SiteConfig
from shared.messaging.states import DeviceStatus

if TYPE_CHECKING:
    from counter_console.build import Console

DESK_SCREENS = ("return", "transfer-result", "result-coming", "result-held", "dossier")


@contextmanager
def demo_window(
    config: SiteConfig, counter_id: str, screen: str, size: tuple[int, int] | None = None
) -> Iterator[QWidget]:
    """Show one console screen (or the rating pad) with demo data; close it afterwards."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from counter_console.app import CONSOLE_SIZE, RATING_SIZE
    from counter_console.build import build_console

    app = QApplication.instance() or QApplication([])
    console = build_console(config, counter_id, OfflineSender())
    model = console.model
    model._now = lambda: AT
    model.set_connected(True)
    model.server_online = True
    _demo_figures(model, config, counter_id, screen)
    window = console.window
    window.resize(*(size or CONSOLE_SIZE))
    target: QWidget = window
    number = model.current.number if model.current else ""
    if screen != "login":
        model.begin_shift(demo_officer(config, counter_id, supervisor=screen == "supervisor"))
        model.say(demo_status(config, counter_id))
    if screen == "lock":
        model.lock()
    elif screen == "transfer":
        window.trigger(Action.TRANSFER)
        prompt = window.serving_page.prompt
        prompt.service.setCurrentIndex(prompt.service.count() - 1)
        prompt.text.setText("Công dân cần nộp thêm lệ phí")
    elif screen in DESK_SCREENS:
        show_desk(console, config, screen)
    elif screen == "supervisor":
        sup = console.supervisor
        sup._now = lambda: AT + timedelta(minutes=20)
        for i, counter in enumerate(config.counters):
            sup.counters[counter.id] = demo_counter_state(config, counter.id, i)
        sup.services = demo_queues(config).services
        sup.late = demo_late(config)
        sup.apply_notifications(demo_notifications(config))
        for client, role, state, detail in (
            ("kiosk-1-printer", "printer", "online", {"state": "paper_out"}),
            ("q01-printer", "printer", "online", {"state": "ok"}),
            ("kiosk-1", "kiosk", "online", {}),
            ("display-tang-1", "display", "online", {}),
            ("display-tang-2", "display", "offline", {}),
        ):
            sup.devices[client] = DeviceStatus(
                client_id=client, role=role, state=state, detail=detail, at=AT
            )
        sup.changed.emit()
        window.pages.setCurrentWidget(window.extra_pages[Action.SUPERVISOR])
    elif screen == "rating":
        console.rating.ask(number)
        target = console.rating_window
        target.resize(*(size or RATING_SIZE))
    target.show()
    app.processEvents()
    try:
        yield target
    finally:
        console.close()
        window.deleteLater()
        console.rating_window.deleteLater()
        app.processEvents()


def show_desk(console: Console, config: SiteConfig, screen: str) -> None:
    """The dossier desk's screens: receiving, returning, and results sent between branches."""
    window = console.window
    desk = console.desk
    if screen == "return":
        desk.dossier = demo_ready_dossier(config)
        window.pages.setCurrentWidget(window.extra_pages[Action.RETURN_DOSSIER])
        desk.say(f"Đã tìm thấy hồ sơ {desk.dossier.code}.")
    elif screen == "transfer-result":  # an own ready result, about to go to another branch
        desk.return_branches = demo_return_branches(config)
        desk.dossier = demo_ready_dossier(config)
        page = window.extra_pages[Action.RETURN_DOSSIER]
        window.pages.setCurrentWidget(page)
        desk.say(f"Đã tìm thấy hồ sơ {desk.dossier.code}.")
        page.open_chooser()  # type: ignore[attr-defined]
        page.chooser.note.setText("Công dân xin nhận kết quả gần nơi ở")  # type: ignore[attr-defined]
    elif screen in ("result-coming", "result-held"):  # another branch's result sent here
        window.pages.setCurrentWidget(window.extra_pages[Action.RETURN_DOSSIER])
        desk.show_foreign(demo_transferred_here(config, arrived=screen == "result-held"))
    elif screen == "dossier":
        desk.procedures = [demo_procedure()]
        desk.dossier = received = demo_dossier(config)
        receive = window.extra_pages[Action.DOSSIER]
        window.pages.setCurrentWidget(receive)
        desk.say(f"Đã tiếp nhận hồ sơ {received.code}. Đã in phiếu (2 liên).")
        receive.procedures.setCurrentRow(0)  # type: ignore[attr-defined]
        citizen = received.citizen
        for key, value in (
            ("name", citizen.name),
            ("id_number", citizen.id_number),
            ("address", citizen.address),
            ("phone", citizen.phone),
        ):
            receive.fields[key].setText(value)  # type: ignore[attr-defined]
            receive.fields[key].setCursorPosition(0)  # type: ignore[attr-defined]
        documents = receive.documents  # type: ignore[attr-defined]
        for i in range(2):
            documents.item(i).setCheckState(documents.item(i).checkState().Checked)


def _demo_figures(model: Any, config: SiteConfig, counter_id: str, screen: str) -> None:
    """The counter's state and its queues; with appointments on the "appointment" screen."""
    model.apply_state(demo_counter_state(config, counter_id))
    model.apply_queues(demo_queues(config))
    if screen == "appointment":
        show_appointments(model, config)


def show_appointments(model: Any, config: SiteConfig) -> None:
    """The citizen served came for an appointment; another waits for a later slot."""
    quarter = AT.replace(minute=AT.minute - AT.minute % 15, second=0, microsecond=0)
    state = model.state
    if state is not None and state.current is not None:
        update = {"appointment_at": quarter - timedelta(minutes=15), "priority": None}
        current = state.current.model_copy(update=update)
        model.apply_state(state.model_copy(update={"current": current}))
    queues = demo_queues(config)
    first = model.counter.services[0]
    booked = {"appointments_waiting": 1, "next_appointment_at": quarter + timedelta(minutes=15)}
    services = [s.model_copy(update=booked) if s.service == first else s for s in queues.services]
    model.apply_queues(queues.model_copy(update={"services": services}))


def screenshot(
    config: SiteConfig,
    counter_id: str,
    path: Path,
    screen: str,
    size: tuple[int, int] | None = None,
) -> int:
    """Render one screen of the console (or the rating pad) with demo data to a PNG."""
    with demo_window(config, counter_id, screen, size) as target:
        ok = target.grab().save(str(path), "PNG")
    if not ok:
        print(f"could not write {path}", file=sys.stderr)
        return 1
    print(path)
    return 0
