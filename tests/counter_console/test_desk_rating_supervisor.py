"""Login, rating pad, dossier desk and supervisor view against a real server and Mosquitto.

Officer login, ratings and dossiers need the server's officer/dossier commands: until they
land these tests fail with the server's "chưa được hỗ trợ" reply (they are not skipped).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from admin.devices import publish_printer_statuses
from counter_console.actions import Action
from counter_console.build import Console
from counter_console.rating import PadMode
from counter_console.supervisor import Alert, SupervisorModel
from hw.printer.service import ReceiptPrinter
from shared.config.printer import PrinterConfig
from shared.messaging import dossier_commands as dc
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.codec import encode
from shared.messaging.dossier_views import LateDossier
from shared.messaging.paho_bus import PahoBus
from shared.messaging.states import LateDossiersState, LoginLock, LoginLocksState
from shared.messaging.topics import Topics
from shared.runtime import utc_now
from tests.counter_console.conftest import DEMO_PIN, ConsoleFactory, issue

SITE = "hcc-demo"


def _call_next(qtbot: QtBot, console: Console) -> None:
    """Press F1 and wait until the citizen called is at the counter."""
    qtbot.keyClick(console.window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: console.model.current is not None and not console.model.busy)


def _sim_printer(console: Console, printer_id: str) -> ReceiptPrinter:
    """Give the console's dossier desk a simulated printer (closed with the console)."""
    printer = ReceiptPrinter(PrinterConfig(id=printer_id, driver="sim"))
    console.desk.printer = printer
    console.printer = printer
    return printer


def _received_at_q04(
    bus_factory: Callable[..., PahoBus], **citizen: str
) -> tuple[CommandClient, dict[str, Any]]:
    """Log officer cb04 in at counter q04 and receive a dossier there, as another officer would.

    Returns the counter's client, for further commands, and the dossier the server replied.
    """
    q04 = CommandClient(bus_factory("desk-q04", "counter"), Topics(SITE), "q04")
    login = dc.OfficerLogin(request_id=new_request_id(), officer_id="cb04", password=DEMO_PIN)
    assert q04.send(login).ok
    received = q04.send(
        dc.ReceiveDossier(
            request_id=new_request_id(),
            procedure="2.000200",
            citizen=dc.CitizenData(name="Đỗ Thị Hoa", **citizen),
        )
    )
    assert received.ok, received.error
    dossier: dict[str, Any] = received.result["dossier"]
    return q04, dossier


def _login(qtbot: QtBot, console: object, officer: str, password: str) -> None:
    window = console.window  # type: ignore[attr-defined]
    page = window.login_page
    assert window.pages.currentWidget() is page
    page.officer_id.clear()
    qtbot.keyClicks(page.officer_id, officer)
    qtbot.keyClick(page.officer_id, Qt.Key.Key_Return)
    qtbot.keyClicks(page.password, password)
    qtbot.keyClick(page.password, Qt.Key.Key_Return)


def test_the_assigned_officer_logs_in_and_another_is_rejected(
    qtbot: QtBot, console_factory: ConsoleFactory
) -> None:
    console = console_factory("q05", open_as=None)
    _login(qtbot, console, "cb06", DEMO_PIN)  # cb06 is assigned to q06, not q05
    qtbot.waitUntil(lambda: not console.model.busy and console.model.message_is_error)
    assert console.model.officer is None
    assert "chưa được hỗ trợ" not in console.model.message, "server has no officer_login yet"
    _login(qtbot, console, "cb05", DEMO_PIN)
    qtbot.waitUntil(lambda: console.model.officer is not None, timeout=10_000)
    assert console.model.officer is not None and console.model.officer.id == "cb05"
    assert console.window.pages.currentWidget() is console.window.serving_page
    qtbot.waitUntil(
        lambda: console.model.state is not None and console.model.state.status == "open"
    )


def test_the_idle_lock_needs_the_password_but_not_a_new_login(
    qtbot: QtBot, console_factory: ConsoleFactory
) -> None:
    console = console_factory("q05", open_as=None)
    _login(qtbot, console, "cb05", DEMO_PIN)
    qtbot.waitUntil(lambda: console.model.officer is not None, timeout=10_000)
    qtbot.keyClick(console.window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert console.model.locked
    assert console.window.pages.currentWidget() is console.window.login_page
    qtbot.keyClick(console.window, Qt.Key.Key_F1)
    assert console.model.message.startswith("Màn hình đang khóa")
    qtbot.keyClicks(console.window.login_page.password, DEMO_PIN)
    qtbot.keyClick(console.window.login_page.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not console.model.locked, timeout=10_000)
    assert console.model.state is not None and console.model.state.status == "open"


def test_the_citizen_rating_is_stored_with_ticket_counter_and_officer(
    qtbot: QtBot,
    console_factory: ConsoleFactory,
    bus_factory: Callable[..., PahoBus],
    sessions: sessionmaker[Session],
) -> None:
    number = issue(bus_factory("kiosk-1", "kiosk"), SITE, "ho-tich")
    console = console_factory("q01")
    pad, window = console.rating_window, console.window
    pad.resize(1280, 800)
    pad.show()
    _call_next(qtbot, console)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: console.rating.mode is PadMode.ASK)
    assert console.rating.number == number
    pad.repaint()
    face = pad.face_rect(3)
    assert face is not None
    with qtbot.waitSignal(console.rating.rated, timeout=10_000) as rated:
        qtbot.mouseClick(
            pad, Qt.MouseButton.LeftButton, pos=QPoint(*map(int, face.center().toTuple()))
        )
    assert rated.args == [number, 3]
    with sessions() as session:
        rows = session.execute(text("SELECT * FROM ratings")).mappings().all()
    assert len(rows) == 1
    row = dict(rows[0])
    assert row["score"] == 3 and row["counter_id"] == "q01" and row["officer_id"] == "cb01"


def test_an_unanswered_rating_times_out_quietly(
    qtbot: QtBot, console_factory: ConsoleFactory
) -> None:
    console = console_factory("q02", open_as="cb02")
    rating = console.rating
    rating.ask("A001")
    assert rating.mode is PadMode.ASK
    rating.give_up()  # what the timer does after rating_timeout_seconds
    assert rating.mode is PadMode.WELCOME and rating.number == ""
    assert not rating.choose(3)


def test_receiving_a_dossier_prints_the_slip_in_two_copies(
    qtbot: QtBot,
    console_factory: ConsoleFactory,
    bus_factory: Callable[..., PahoBus],
    tmp_path: object,
) -> None:
    issue(bus_factory("kiosk-1", "kiosk"), SITE, "ho-tich")
    console = console_factory("q01")
    printer = _sim_printer(console, "q01-printer")
    window = console.window
    _call_next(qtbot, console)
    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(
        lambda: (
            console.model.current is not None
            and console.model.current.state == "serving"
            and not console.model.busy
        )
    )
    qtbot.keyClick(window, Qt.Key.Key_F11)
    page = window.extra_pages[Action.DOSSIER]
    assert window.pages.currentWidget() is page
    qtbot.waitUntil(lambda: not console.desk.busy, timeout=10_000)
    assert console.desk.procedures, console.desk.message
    page.procedures.setCurrentRow(0)  # type: ignore[attr-defined]
    page.fields["name"].setText("Trần Thị Hồng")  # type: ignore[attr-defined]
    page.fields["phone"].setText("0903123456")  # type: ignore[attr-defined]
    documents = page.documents  # type: ignore[attr-defined]
    for i in range(documents.count()):
        documents.item(i).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(console.desk.print_results), timeout=20_000)
    assert console.desk.dossier is not None
    assert console.desk.dossier.ticket_number == console.model.current.number  # type: ignore[union-attr]
    result = console.desk.print_results[0]
    assert result.printed, result.message
    assert printer.sim is not None
    job = printer.sim.jobs[-1]
    assert job.decoded is not None and len(job.decoded.pages) == 2  # two copies, cut between


def test_the_supervisor_sees_a_printer_go_out_of_paper(
    qtbot: QtBot, console_factory: ConsoleFactory, bus_factory: Callable[..., PahoBus]
) -> None:
    console = console_factory("q01")
    supervisor = console.supervisor
    # A printer id of this run only: the shared test broker keeps other runs' statuses retained.
    printer_id = f"hall-printer-{uuid.uuid4().hex[:6]}"
    printer = ReceiptPrinter(PrinterConfig(id=printer_id, driver="sim"))
    devices = bus_factory("devices-hcc-demo", "devices")
    try:
        publish_printer_statuses(devices, Topics(SITE), [printer])
        qtbot.waitUntil(lambda: printer_id in supervisor.devices)
        assert not any(printer_id in a.text for a in supervisor.alerts())
        assert printer.sim is not None
        printer.sim.inject("paper_out")
        publish_printer_statuses(devices, Topics(SITE), [printer])
        qtbot.waitUntil(
            lambda: any(a.text == f"Máy in {printer_id} hết giấy" for a in supervisor.alerts())
        )
        page = console.window.extra_pages[Action.SUPERVISOR]
        page.refresh()  # type: ignore[attr-defined]
        shown = [page.alerts.item(i).text() for i in range(page.alerts.count())]  # type: ignore[attr-defined]
        assert f"⚠ Máy in {printer_id} hết giấy" in shown
    finally:
        printer.close()


def _ready_dossier(bus_factory: Callable[..., PahoBus]) -> dict[str, str]:
    """A dossier received at counter q04 and marked done there, as another officer would."""
    q04, dossier = _received_at_q04(bus_factory, phone="0911222333")
    done = q04.send(dc.MarkDone(request_id=new_request_id(), code=dossier["code"]))
    assert done.ok, done.error
    return {"code": dossier["code"], "qr": dossier["qr"]}


def test_the_return_desk_scans_a_slip_and_hands_the_result_over(
    qtbot: QtBot,
    console_factory: ConsoleFactory,
    bus_factory: Callable[..., PahoBus],
    sessions: sessionmaker[Session],
) -> None:
    dossier = _ready_dossier(bus_factory)
    issue(bus_factory("kiosk-1", "kiosk"), SITE, "tra-ket-qua")
    console = console_factory("q07")
    window = console.window
    _call_next(qtbot, console)
    qtbot.keyClick(window, Qt.Key.Key_F12)
    page = window.extra_pages[Action.RETURN_DOSSIER]
    assert window.pages.currentWidget() is page
    qtbot.keyClicks(page.scan, dossier["qr"])  # type: ignore[attr-defined]
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: console.desk.dossier is not None and not console.desk.busy)
    assert console.desk.dossier is not None and console.desk.dossier.ready
    assert "Đỗ Thị Hoa" in page.details.text()  # type: ignore[attr-defined]
    qtbot.mouseClick(page.hand_over, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: console.desk.dossier is not None and console.desk.dossier.status == 10)
    with sessions() as session:
        purpose = (
            session.execute(
                text(
                    "select l.purpose from ticket_dossiers l"
                    " join dossiers d on d.id = l.dossier_id where d.code = :code"
                ),
                {"code": dossier["code"]},
            )
            .scalars()
            .all()
        )
    assert "return" in purpose


def test_a_dossier_is_refused_on_the_spot_and_mau_03_printed(
    qtbot: QtBot, console_factory: ConsoleFactory, bus_factory: Callable[..., PahoBus]
) -> None:
    issue(bus_factory("kiosk-1", "kiosk"), SITE, "ho-tich")
    console = console_factory("q01")
    printer = _sim_printer(console, "q01-printer")
    window = console.window
    _call_next(qtbot, console)
    qtbot.keyClick(window, Qt.Key.Key_F11)
    page = window.extra_pages[Action.DOSSIER]
    qtbot.waitUntil(lambda: not console.desk.busy and bool(console.desk.procedures))
    page.procedures.setCurrentRow(0)  # type: ignore[attr-defined]
    page.fields["name"].setText("Trần Văn Bình")  # type: ignore[attr-defined]
    page.reason.setText("Không thuộc thẩm quyền của Trung tâm")  # type: ignore[attr-defined]
    qtbot.mouseClick(page.refuse, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(console.desk.print_results), timeout=20_000)
    assert console.desk.dossier is not None and console.desk.dossier.status == 3
    assert console.desk.print_results[0].printed
    assert printer.sim is not None
    job = printer.sim.jobs[-1]
    assert job.decoded is not None and len(job.decoded.pages) == 1


def test_a_late_dossier_is_rescheduled_once_and_the_apology_printed(
    qtbot: QtBot, console_factory: ConsoleFactory, bus_factory: Callable[..., PahoBus]
) -> None:
    _, dossier = _received_at_q04(bus_factory)
    code = dossier["code"]
    console = console_factory("q04", open_as=None)
    printer = _sim_printer(console, "q04-printer")
    window = console.window
    page = window.extra_pages[Action.RETURN_DOSSIER]
    window.pages.setCurrentWidget(page)
    qtbot.keyClicks(page.scan, code)  # type: ignore[attr-defined]
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: console.desk.dossier is not None and not console.desk.busy)
    assert page.apologise.isEnabled()  # type: ignore[attr-defined]
    page.late_reason.setText("Chờ xác minh nơi cư trú")  # type: ignore[attr-defined]
    qtbot.mouseClick(page.apologise, Qt.MouseButton.LeftButton)  # type: ignore[attr-defined]
    qtbot.waitUntil(
        lambda: bool(console.desk.print_results) or console.desk.message_is_error, timeout=20_000
    )
    assert not console.desk.message_is_error, console.desk.message
    assert console.desk.dossier is not None and console.desk.dossier.apology is not None
    assert console.desk.dossier.apology.reason == "Chờ xác minh nơi cư trú"
    assert console.desk.print_results[0].printed
    assert printer.sim is not None and printer.sim.jobs[-1].decoded is not None
    qtbot.waitUntil(lambda: not page.apologise.isEnabled())  # type: ignore[attr-defined]


def test_the_supervisor_follows_the_retained_late_dossier_list(qapp: object) -> None:
    """No polling: the list the server retains on every dossier change is what is shown."""
    supervisor = SupervisorModel(SITE)
    topics = Topics(SITE)
    late = LateDossier(
        code="000.00.17.H12-261118-0003",
        procedure_name="Cấp phiếu lý lịch tư pháp",
        department="cong-an",
        status=4,
        status_label="Đang xử lý",
        legal_due=date(2026, 11, 20),
        due=date(2026, 11, 20),
        timeliness="overdue",  # what the server sends for an open dossier past its due date
        apologised=False,
    )
    state = LateDossiersState(dossiers=[late.model_dump(mode="json")], at=utc_now())
    supervisor.handle_message(topics.late_dossiers(), encode(state))
    assert supervisor.late == [late]
    assert Alert("1 hồ sơ sắp đến hạn hoặc quá hạn (1 quá hạn)", severe=True) in supervisor.alerts()


def test_the_supervisor_sees_who_is_locked_out_of_logging_in(qapp: object) -> None:
    """The server's retained login locks show as red alerts until the wait is over."""
    now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội time
    supervisor = SupervisorModel(SITE, now=lambda: now)
    topics = Topics(SITE)
    locks = LoginLocksState(
        locks=[
            LoginLock(
                scope="officer",
                subject="cb04",
                failures=5,
                last_failed_at=now,
                locked_until=now + timedelta(minutes=15),
            ),
            LoginLock(
                scope="device",
                subject="q05",
                failures=2,
                last_failed_at=now - timedelta(hours=1),
                locked_until=now - timedelta(minutes=1),  # the wait is over
            ),
        ],
        at=now,
    )
    supervisor.handle_message(topics.logins(), encode(locks))
    alerts = supervisor.alerts()
    assert (
        Alert("Cán bộ cb04 bị khóa đăng nhập đến 10:15 (5 lần nhập sai liên tiếp)", True) in alerts
    )
    assert not any("q05" in alert.text for alert in alerts)
