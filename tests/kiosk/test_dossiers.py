"""Procedure lookup and dossier progress through a real server (these need the server side of
list_procedures, receive_dossier, mark_done and look_up_dossier)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from kiosk.demo_data import demo_dossier, demo_queues
from kiosk.viewmodel import KioskViewModel, Screen
from kiosk.window import KioskWindow
from server.daemon import QueueServer
from shared.config.site import SiteConfig
from shared.domain.procedures import Procedure, fold
from shared.messaging import dossier_commands as d
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.dossier_views import DossierFull
from shared.storage.catalogue import CatalogueRepository
from tests.helpers.clock import FakeClock
from tests.helpers.text_ink import shown_texts
from tests.kiosk.conftest import Kiosk
from tests.kiosk.touch import tap, type_keys, wait_ready

WAIT_MS = 10_000


def _ready(qtbot: QtBot, kiosk: Kiosk) -> None:
    wait_ready(qtbot, kiosk, timeout=WAIT_MS)


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


def test_a_catalogue_of_several_pages_loads_whole(
    qtbot: QtBot,
    sessions: sessionmaker[Session],
    site_config: SiteConfig,
    clock: FakeClock,
    running_server: QueueServer,
    make_kiosk: Callable[..., Kiosk],
) -> None:
    """The server pages list_procedures (100 a page): the kiosk asks page after page."""
    many = [
        Procedure(f"9.{i:06d}", f"Thủ tục thử số {i}", "Thử nghiệm", "tu-phap", 3)
        for i in range(1, 251)
    ]
    with sessions.begin() as session:
        CatalogueRepository(session, site_config.site.id).replace_all(many, clock())
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    tap(qtbot, kiosk.window, "TRA CỨU THỦ TỤC")
    qtbot.waitUntil(lambda: kiosk.model.procedures_state == "loaded", timeout=WAIT_MS)
    assert sorted(p.code for p in kiosk.model.procedures) == sorted(p.code for p in many)


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
    _type_code_and_digits(qtbot, kiosk, dossier.code, "5678")
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.PROGRESS, timeout=WAIT_MS)
    assert kiosk.model.dossier is not None and kiosk.model.dossier.code == dossier.code
    assert kiosk.model.code_for_digits is None


def _type_code_and_digits(qtbot: QtBot, kiosk: Kiosk, code: str, digits: str) -> None:
    """Type a dossier code, then the last 4 phone digits the kiosk asks for."""
    tap(qtbot, kiosk.window, "XEM TIẾN ĐỘ HỒ SƠ")
    type_keys(qtbot, kiosk.window, code)
    tap(qtbot, kiosk.window, "TRA CỨU")
    qtbot.waitUntil(lambda: kiosk.model.code_for_digits == code, timeout=WAIT_MS)
    page = kiosk.window.current_page()
    assert page.title.text() == "4 SỐ CUỐI ĐIỆN THOẠI"  # type: ignore[attr-defined]
    assert kiosk.model.lookup_message == "Mời nhập 4 số cuối số điện thoại đã khai khi nộp hồ sơ."
    assert page.keyboard.text() == ""  # type: ignore[attr-defined]
    type_keys(qtbot, kiosk.window, digits)
    tap(qtbot, kiosk.window, "TRA CỨU")


def test_a_typed_code_with_wrong_phone_digits_shows_nothing(
    qtbot: QtBot, received: tuple[CommandClient, DossierFull], make_kiosk: Callable[..., Kiosk]
) -> None:
    _, dossier = received
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    _type_code_and_digits(qtbot, kiosk, dossier.code, "1111")
    qtbot.waitUntil(lambda: not kiosk.model.busy, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "không khớp" in kiosk.model.lookup_message, timeout=WAIT_MS)
    assert kiosk.model.screen is Screen.SCAN and kiosk.model.dossier is None
    assert kiosk.model.code_for_digits == dossier.code and kiosk.model.scan_text == ""
    type_keys(qtbot, kiosk.window, "12")  # not 4 digits: said at once, nothing sent
    tap(qtbot, kiosk.window, "TRA CỨU")
    assert kiosk.model.lookup_message == "Mời nhập đúng 4 chữ số cuối của số điện thoại."


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


def test_back_from_the_progress_screen_forgets_the_code_and_the_dossier(
    qtbot: QtBot, received: tuple[CommandClient, DossierFull], make_kiosk: Callable[..., Kiosk]
) -> None:
    """After 'Quay lại' the next citizen sees an empty code box, not the last one's code."""
    _, dossier = received
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    _type_code_and_digits(qtbot, kiosk, dossier.code, "5678")
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.PROGRESS, timeout=WAIT_MS)
    tap(qtbot, kiosk.window, "◀  QUAY LẠI")
    assert kiosk.model.screen is Screen.SCAN
    page = kiosk.window.current_page()
    assert dossier.code not in page.code.text()  # type: ignore[attr-defined]
    assert page.keyboard.text() == ""  # type: ignore[attr-defined]
    assert kiosk.model.dossier is None


def test_a_wrong_code_is_called_typed_or_scanned_as_it_came(
    qtbot: QtBot, running_server: QueueServer, make_kiosk: Callable[..., Kiosk]
) -> None:
    """A typed wrong code says 'Mã vừa nhập…'; a scanned one 'Mã vừa quét…'."""
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    tap(qtbot, kiosk.window, "XEM TIẾN ĐỘ HỒ SƠ")
    type_keys(qtbot, kiosk.window, "ABC.12-3")
    tap(qtbot, kiosk.window, "TRA CỨU")
    looked_up = kiosk.model.t("looking_up")
    qtbot.waitUntil(lambda: kiosk.model.lookup_message not in ("", looked_up), timeout=WAIT_MS)
    assert kiosk.model.lookup_message.startswith("Mã vừa nhập")
    kiosk.model.scan_arrived.emit("ABC.12-3")
    qtbot.waitUntil(lambda: kiosk.model.lookup_message.startswith("Mã vừa quét"), timeout=WAIT_MS)
    assert kiosk.window.current_page().message.text().startswith("Mã vừa quét")  # type: ignore[attr-defined]


def test_the_progress_screen_shows_no_officer_or_internal_field(
    qtbot: QtBot, received: tuple[CommandClient, DossierFull], make_kiosk: Callable[..., Kiosk]
) -> None:
    """Notes, officers, receivers and sending units of the steps never reach the public screen."""
    counter, dossier = received
    handed = counter.send(
        d.HandOver(
            request_id=new_request_id(),
            code=dossier.code,
            to_unit="Phòng Hộ tịch",
            receiver="Trần Văn Nhận",
            from_unit="Bộ phận một cửa nội bộ",
            note="GHI CHÚ NỘI BỘ: thiếu chữ ký",
        )
    )
    assert handed.ok, handed.error
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    kiosk.model.scan_arrived.emit(dossier.qr)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.PROGRESS, timeout=WAIT_MS)
    QApplication.processEvents()  # the steps' new labels show once the event loop runs
    shown = " ".join(shown_texts(kiosk.window))
    assert "Phòng Hộ tịch" in shown
    for internal in (
        "GHI CHÚ NỘI BỘ",
        "Trần Văn Nhận",
        "Bộ phận một cửa nội bộ",
        "cb-01",
        "0912345678",
    ):
        assert internal not in shown


def test_internal_fields_a_server_might_send_are_never_shown(
    qtbot: QtBot, site_config: SiteConfig
) -> None:
    """Even if a reply carried a step's note, officer or sending unit, the kiosk shows none."""
    dossier = demo_dossier(site_config)
    leaked = [
        step.model_copy(
            update={
                "note": "GHI CHÚ NỘI BỘ",
                "actor": "cb-07",
                "receiver": "Trần Văn Nhận",
                "from_unit": "Tổ nội bộ",
                "timing": "Quá hạn nội bộ",
            }
        )
        for step in dossier.steps
    ]
    apology = dossier.apology
    assert apology is not None
    dossier = dossier.model_copy(
        update={"steps": leaked, "apology": apology.model_copy(update={"officer": "cb-09"})}
    )
    model = KioskViewModel(site_config)
    window = KioskWindow(model)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    model.health.set_connected(True)
    model.handle_message(model.topics.queues(), demo_queues(site_config).model_dump_json().encode())
    model.dossier = dossier
    model.screen = Screen.PROGRESS
    model.changed.emit()
    QApplication.processEvents()
    shown = " ".join(shown_texts(window))
    assert dossier.steps[0].label in shown and apology.reason.rstrip(".") in shown
    for internal in ("GHI CHÚ NỘI BỘ", "cb-07", "Trần Văn Nhận", "Tổ nội bộ", "nội bộ", "cb-09"):
        assert internal not in shown
    model.stop()


def test_a_result_held_at_another_branch_names_it_and_offers_no_return_ticket(
    qtbot: QtBot, site_config: SiteConfig
) -> None:
    dossier = demo_dossier(site_config)
    model = KioskViewModel(site_config)
    window = KioskWindow(model)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    model.health.set_connected(True)
    model.handle_message(model.topics.queues(), demo_queues(site_config).model_dump_json().encode())
    branches = ((site_config.site.id, site_config.site.name, True),)
    branches += (("hcc-cam-ranh", "Chi nhánh Cam Ranh", False),)
    for site_id, name, here in branches:
        update = {"site_id": site_id, "site_name": name, "ready": True}
        model.dossier = dossier.model_copy(update=update)
        model.screen = Screen.PROGRESS
        model.changed.emit()
        QApplication.processEvents()
        shown = " ".join(shown_texts(window))
        assert ("Hồ sơ này nộp tại điểm Chi nhánh Cam Ranh" in shown) is not here  # its name
        assert (model.return_service is not None) is here
        assert ("LẤY SỐ NHẬN KẾT QUẢ" in shown) is here
    model.stop()
