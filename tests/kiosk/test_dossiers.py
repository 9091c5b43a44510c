"""Procedure lookup and dossier progress through a real server (these need the server side of
list_procedures, receive_dossier, mark_done and look_up_dossier)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from kiosk.viewmodel import Screen
from server.daemon import QueueServer
from shared.domain.procedures import fold
from shared.messaging import commands as c
from shared.messaging import dossier_commands as d
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.dossier_views import DossierFull, ProcedureView
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from tests.kiosk.conftest import Kiosk
from tests.kiosk.touch import tap, type_keys, wait_ready

WAIT_MS = 10_000


def _ready(qtbot: QtBot, kiosk: Kiosk) -> None:
    wait_ready(qtbot, kiosk, timeout=WAIT_MS)


@pytest.fixture
def received(
    catalogue: None,
    running_server: QueueServer,
    bus_factory: Callable[..., PahoBus],
    topics: Topics,
) -> tuple[CommandClient, DossierFull]:
    """An officer at counter 1 receives a dossier for the first procedure of the catalogue."""
    counter = CommandClient(bus_factory("q01", "counter"), topics, "q01")
    assert counter.send(c.OpenCounter(request_id=new_request_id(), officer_id="cb-01")).ok
    listed = counter.send(d.ListProcedures(request_id=new_request_id()))
    assert listed.ok, listed.error
    procedure = ProcedureView.model_validate(listed.result["procedures"][0])
    reply = counter.send(
        d.ReceiveDossier(
            request_id=new_request_id(),
            procedure=procedure.code,
            citizen=d.CitizenData(name="Nguyễn Thị Hoa", phone="0912345678"),
            link_current_ticket=False,
        )
    )
    assert reply.ok, reply.error
    return counter, DossierFull.model_validate(reply.result["dossier"])


def test_procedure_search_ignores_diacritics(
    qtbot: QtBot,
    catalogue: None,
    running_server: QueueServer,
    make_kiosk: Callable[..., Kiosk],
) -> None:
    """Typing 'ho tich' without marks finds procedures about 'hộ tịch'."""
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    tap(qtbot, kiosk.window, "TRA CỨU THỦ TỤC")
    qtbot.waitUntil(lambda: kiosk.model.procedures_state == "loaded", timeout=WAIT_MS)
    type_keys(qtbot, kiosk.window, "ho tich")
    found = kiosk.model.found_procedures()
    assert found
    assert all("ho tich" in fold(f"{p.code} {p.name} {p.field} {p.department_name}") for p in found)
    tap(qtbot, kiosk.window, found[0].name)
    assert kiosk.model.screen is Screen.PROCEDURE
    assert kiosk.window.current_page().name.text() == found[0].name  # type: ignore[attr-defined]


def test_scanned_slip_shows_the_progress_screen(
    qtbot: QtBot, received: tuple[CommandClient, DossierFull], make_kiosk: Callable[..., Kiosk]
) -> None:
    _, dossier = received
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    kiosk.model.scan_arrived.emit(dossier.qr)  # as a scanner's thread delivers it
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.PROGRESS, timeout=WAIT_MS)
    shown = kiosk.model.dossier
    assert shown is not None and shown.code == dossier.code
    assert "Nguyễn Thị Hoa" not in shown.citizen_masked
    page = kiosk.window.current_page()
    assert dossier.code in page.code.text()  # type: ignore[attr-defined]
    assert not page.take.isVisible()  # type: ignore[attr-defined]


def test_typed_code_finds_the_dossier(
    qtbot: QtBot, received: tuple[CommandClient, DossierFull], make_kiosk: Callable[..., Kiosk]
) -> None:
    _, dossier = received
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    tap(qtbot, kiosk.window, "XEM TIẾN ĐỘ HỒ SƠ")
    type_keys(qtbot, kiosk.window, dossier.code)
    tap(qtbot, kiosk.window, "TRA CỨU")
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.PROGRESS, timeout=WAIT_MS)
    assert kiosk.model.dossier is not None and kiosk.model.dossier.code == dossier.code


def test_ready_result_gives_a_return_counter_ticket_in_one_touch(
    qtbot: QtBot, received: tuple[CommandClient, DossierFull], make_kiosk: Callable[..., Kiosk]
) -> None:
    counter, dossier = received
    done = counter.send(d.MarkDone(request_id=new_request_id(), code=dossier.code))
    assert done.ok, done.error
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    kiosk.model.scan_arrived.emit(dossier.qr)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.PROGRESS, timeout=WAIT_MS)
    assert kiosk.model.dossier is not None and kiosk.model.dossier.ready
    tap(qtbot, kiosk.window, "LẤY SỐ NHẬN KẾT QUẢ")
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=WAIT_MS)
    ticket = kiosk.model.ticket
    assert ticket is not None and ticket.service == kiosk.model.config.dossiers.return_service


def test_unknown_code_says_so_plainly(
    qtbot: QtBot, running_server: QueueServer, make_kiosk: Callable[..., Kiosk]
) -> None:
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    kiosk.model.scan_arrived.emit("000.00.17.H99-261109-9999")
    qtbot.waitUntil(
        lambda: not kiosk.model.busy and kiosk.model.lookup_message != "", timeout=WAIT_MS
    )
    qtbot.waitUntil(
        lambda: kiosk.model.lookup_message != kiosk.model.t("looking_up"), timeout=WAIT_MS
    )
    assert kiosk.model.screen is Screen.SCAN
    assert kiosk.model.available
