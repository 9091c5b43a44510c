"""Taking a number at the kiosk against a real server and Mosquitto, printed on the simulator."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.viewmodel import PrintState, Screen
from server.daemon import QueueServer
from shared.config.kiosk import KioskConfig
from shared.config.site import SiteConfig
from shared.domain.ticket_links import TicketLink, TicketLinks, parse_link
from shared.messaging.bus import Message
from shared.messaging.paho_bus import PahoBus
from shared.messaging.states import DeviceStatus
from shared.messaging.topics import Topics
from tests.kiosk.conftest import Kiosk
from tests.kiosk.touch import REGULAR, find_button, take_regular_number, tap, wait_ready

WAIT_MS = 10_000


def _ready(qtbot: QtBot, kiosk: Kiosk) -> None:
    wait_ready(qtbot, kiosk, "ho-tich", WAIT_MS)


def test_three_touches_give_a_printed_ticket(
    qtbot: QtBot, running_server: QueueServer, make_kiosk: Callable[..., Kiosk]
) -> None:
    """Department, service, 'no priority': the ticket is on screen and on paper."""
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    take_regular_number(qtbot, kiosk.window)
    qtbot.waitUntil(lambda: kiosk.model.print_state is PrintState.PRINTED, timeout=WAIT_MS)
    ticket = kiosk.model.ticket
    assert ticket is not None and ticket.number == "A001"
    assert kiosk.model.visible_screen is Screen.TICKET
    page = kiosk.window.current_page()
    assert page.number.text() == "A001"  # type: ignore[attr-defined]
    assert "Quầy số 1, 2, 3" in page.counters.text()  # type: ignore[attr-defined]
    assert kiosk.printer is not None and kiosk.printer.sim is not None
    job = kiosk.printer.sim.jobs[-1]
    assert job.printed and job.decoded is not None
    assert not page.qr.isVisible()  # type: ignore[attr-defined]


def test_priority_group_is_sent_with_the_ticket(
    qtbot: QtBot, running_server: QueueServer, make_kiosk: Callable[..., Kiosk]
) -> None:
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    tap(qtbot, kiosk.window, "Sở Tư pháp")
    tap(qtbot, kiosk.window, "Chứng thực bản sao")
    tap(qtbot, kiosk.window, "Người cao tuổi")
    qtbot.waitUntil(lambda: kiosk.model.ticket is not None, timeout=WAIT_MS)
    assert kiosk.model.ticket is not None and kiosk.model.ticket.priority == "elderly"


def test_the_ticket_on_screen_is_marked_priority_as_the_paper_one_is(
    qtbot: QtBot, running_server: QueueServer, make_kiosk: Callable[..., Kiosk]
) -> None:
    """'ƯU TIÊN · Người cao tuổi' on a priority ticket's screen; nothing on a regular one."""
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    tap(qtbot, kiosk.window, "Sở Tư pháp")
    tap(qtbot, kiosk.window, "Chứng thực bản sao")
    tap(qtbot, kiosk.window, "Người cao tuổi")
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=WAIT_MS)
    mark = kiosk.window.current_page().priority  # type: ignore[attr-defined]
    assert mark.isVisible() and mark.text() == "ƯU TIÊN · Người cao tuổi"
    tap(qtbot, kiosk.window, "XONG")
    take_regular_number(qtbot, kiosk.window)
    qtbot.waitUntil(lambda: kiosk.model.screen is Screen.TICKET, timeout=WAIT_MS)
    assert not kiosk.window.current_page().priority.isVisible()  # type: ignore[attr-defined]


def test_paper_out_shows_the_valid_ticket_with_its_qr_and_publishes_the_status(
    qtbot: QtBot,
    running_server: QueueServer,
    make_kiosk: Callable[..., Kiosk],
    bus_factory: Callable[..., PahoBus],
    topics: Topics,
) -> None:
    statuses: list[DeviceStatus] = []
    watcher = bus_factory("supervisor-test", "supervisor")
    watcher.subscribe(
        topics.status("kiosk-1-printer"),
        lambda m: statuses.append(DeviceStatus.model_validate_json(m.payload)),
    )
    running_server.service.links = TicketLinks("https://hcc.example.vn", bytes(32))
    kiosk = make_kiosk(faults=("paper_out",))
    _ready(qtbot, kiosk)
    take_regular_number(qtbot, kiosk.window)
    qtbot.waitUntil(lambda: kiosk.model.print_state is PrintState.FAILED, timeout=WAIT_MS)
    page = kiosk.window.current_page()
    ticket = kiosk.model.ticket
    assert ticket is not None and page.number.text() == ticket.number  # type: ignore[attr-defined]
    assert page.qr.isVisible()  # type: ignore[attr-defined]  # the page's link, for a phone
    assert isinstance(parse_link(ticket.qr), TicketLink)
    assert "vẫn có hiệu lực" in page.paper.text()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: any(s.detail.get("state") == "paper_out" for s in statuses))


def test_printer_offline_still_gives_a_ticket_on_screen(
    qtbot: QtBot, running_server: QueueServer, make_kiosk: Callable[..., Kiosk]
) -> None:
    kiosk = make_kiosk(faults=("offline",))
    _ready(qtbot, kiosk)
    take_regular_number(qtbot, kiosk.window)
    qtbot.waitUntil(lambda: kiosk.model.print_state is PrintState.FAILED, timeout=WAIT_MS)
    assert kiosk.model.ticket is not None
    # No citizens' pages on this site: a QR would show a phone only raw text, so none is shown.
    assert not kiosk.window.current_page().qr.isVisible()  # type: ignore[attr-defined]
    assert kiosk.window.current_page().number.text() == kiosk.model.ticket.number  # type: ignore[attr-defined]


def test_paper_near_end_still_prints_and_publishes_the_status(
    qtbot: QtBot,
    running_server: QueueServer,
    make_kiosk: Callable[..., Kiosk],
    bus_factory: Callable[..., PahoBus],
    topics: Topics,
) -> None:
    seen: list[Message] = []
    watcher = bus_factory("supervisor-test", "supervisor")
    watcher.subscribe(topics.status("kiosk-1-printer"), seen.append)
    kiosk = make_kiosk(faults=("paper_near_end",))
    _ready(qtbot, kiosk)
    take_regular_number(qtbot, kiosk.window)
    qtbot.waitUntil(lambda: kiosk.model.print_state is PrintState.PRINTED, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(seen))
    status = DeviceStatus.model_validate_json(seen[-1].payload)
    assert status.detail["state"] == "paper_near_end"


def test_double_tap_issues_one_ticket(
    qtbot: QtBot, running_server: QueueServer, make_kiosk: Callable[..., Kiosk]
) -> None:
    kiosk = make_kiosk()
    _ready(qtbot, kiosk)
    tap(qtbot, kiosk.window, "Sở Tư pháp")
    tap(qtbot, kiosk.window, "Hộ tịch, trích lục hộ tịch")
    button = find_button(qtbot, kiosk.window, REGULAR)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # lands while the first is on its way
    kiosk.model.choose_priority(None)  # a tap queued before the screen greyed the button
    qtbot.waitUntil(lambda: kiosk.model.ticket is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: kiosk.model.queues["ho-tich"].waiting >= 1, timeout=WAIT_MS)
    qtbot.wait(300)
    assert kiosk.model.queues["ho-tich"].waiting == 1


def test_rate_limit_stops_button_mashing(
    qtbot: QtBot,
    running_server: QueueServer,
    make_kiosk: Callable[..., Kiosk],
    site_config: SiteConfig,
) -> None:
    config = site_config.model_copy(update={"kiosk": KioskConfig(tickets_per_minute=2)})
    kiosk = make_kiosk(config=config, printer=False)
    _ready(qtbot, kiosk)
    for expected in ("B001", "B002"):
        kiosk.model.home()
        kiosk.model.choose_department("tu-phap")
        kiosk.model.choose_service("chung-thuc")
        kiosk.model.choose_priority(None)
        qtbot.waitUntil(
            lambda e=expected: kiosk.model.ticket is not None and kiosk.model.ticket.number == e,
            timeout=WAIT_MS,
        )
    kiosk.model.home()
    kiosk.model.choose_department("tu-phap")
    kiosk.model.choose_service("chung-thuc")
    kiosk.model.choose_priority(None)
    assert not kiosk.model.busy
    assert "nhiều số" in kiosk.model.notice
    assert kiosk.window.notice.isVisible()
    assert kiosk.model.ticket is not None and kiosk.model.ticket.number == "B002"
