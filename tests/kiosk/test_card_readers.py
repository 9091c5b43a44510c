"""A citizen ID card read by the kiosk's real readers (serial line, camera) offers the priority.

The kiosk is built as `motcua kiosk` builds it: its scanners come from `[[scanners]]` of the
site file through KioskDevices; the serial reader is a pty, the keyboard reader a FIFO, the
camera a stand-in that hands generated 1280×720 frames to the real decoder; tickets come from
the real server and broker.
"""

from __future__ import annotations

import json
import logging
import os
import tty
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from hw.scanner.base import ScannerBase
from hw.scanner.camera import CameraScanner
from hw.scanner.decoders import Frame
from hw.scanner.evdev import KEYMAP, encode_key_events
from hw.scanner.events import ConnectionState
from hw.scanner.synthetic import SLIP_QR, blank_slip_symbol, qr_symbol, render_slip
from kiosk.devices import KioskDevices
from kiosk.screenshot import settle
from kiosk.viewmodel import Screen
from server.daemon import QueueServer
from shared.config.site import SiteConfig, load_site_config
from shared.messaging.bus import Message
from shared.messaging.paho_bus import PahoBus
from shared.storage.ticket_cards import TicketCardRow
from tests.helpers.cards import Card, birthday_for_age, make_card
from tests.helpers.clock import FakeClock
from tests.helpers.frames import FakeCapture
from tests.helpers.sites import demo_site_file
from tests.kiosk.conftest import Kiosk
from tests.kiosk.touch import find_button, tap, wait_ready

WAIT_MS = 10_000
# The day of the tests (the server's and the kiosk's clock): Monday 23/11/2026 in Hà Nội.
TODAY = date(2026, 11, 23)
OFFER = "Ông/bà được ưu tiên: Người cao tuổi. Mời chọn lĩnh vực."
OFFER_BUTTON = "ƯU TIÊN · Người cao tuổi — LẤY SỐ"
READ = "Đã đọc thẻ căn cước. Mời chọn lĩnh vực."
SHARE = "ĐỒNG Ý GỬI — LẤY SỐ"
KEEP = "KHÔNG GỬI — LẤY SỐ"
UNREADABLE = "Không đọc được thẻ căn cước. Mời quét lại hoặc chọn lĩnh vực."
NOT_A_SLIP = "Mã vừa quét không phải mã hồ sơ. Vui lòng quét mã QR trên giấy hẹn trả kết quả."
ELDERLY = make_card(
    1,
    "NGUYỄN THỊ BẢY",
    date(1954, 3, 14),  # 72 on the day of the tests
    "Nữ",
    "Số 12 ngõ 34 đường Lê Đức Thọ, phường Mỹ Đình, thành phố Hà Nội",
)
YOUNG = make_card(2, "TRẦN VĂN ĐỨC", birthday_for_age(35, TODAY), "Nam", "Thôn Đông, xã Ân Thi")
# A camera sees a CCCD's QR (~49 modules on ~18 mm) at 2.5–3.5 px per module from 12–15 cm.
CARD_HELD_UP = replace(SLIP_QR["tilted"], name="card", module_px=(2.5, 3.5))


@dataclass
class CardKiosk:
    """A kiosk with one reader from its site file, and every MQTT message sent meanwhile."""

    kiosk: Kiosk
    scanner: ScannerBase
    traffic: list[Message]


StartKiosk = Callable[[str, FakeCapture | None], CardKiosk]


def _site_with(folder: Path, scanners: str) -> SiteConfig:
    """The demo site file with `[[scanners]]` tables added, loaded as `motcua kiosk` loads it."""
    path = demo_site_file(folder)
    path.write_text(path.read_text(encoding="utf-8") + scanners, encoding="utf-8")
    return load_site_config(path)


@pytest.fixture
def start_kiosk(
    qtbot: QtBot,
    running_server: QueueServer,
    make_kiosk: Callable[..., Kiosk],
    bus_factory: Callable[..., PahoBus],
    clock: FakeClock,
    tmp_path: Path,
) -> Iterator[StartKiosk]:
    """Start kiosk-1 with the readers of a `[[scanners]]` snippet, wired as `motcua kiosk` does."""
    started: list[KioskDevices] = []

    def start(scanners: str, camera: FakeCapture | None = None) -> CardKiosk:
        traffic: list[Message] = []
        spy = bus_factory("spy", "test")
        spy.subscribe("#", traffic.append)
        assert spy.wait_subscribed(10)
        site = _site_with(tmp_path, scanners)
        kiosk = make_kiosk(config=site, printer=False, wall_clock=clock)
        wait_ready(qtbot, kiosk, timeout=WAIT_MS)
        devices = KioskDevices.build(site, "kiosk-1", kiosk.bus, "sim", [])
        (scanner,) = devices.scanners
        if camera is not None:
            assert isinstance(scanner, CameraScanner)
            scanner.source = camera  # the only stand-in: frames instead of a webcam
        kiosk.model.printer = devices.printer
        devices.start(kiosk.model)
        started.append(devices)
        qtbot.waitUntil(lambda: scanner.state is ConnectionState.CONNECTED, timeout=WAIT_MS)
        return CardKiosk(kiosk, scanner, traffic)

    yield start
    for devices in started:
        devices.stop()


@pytest.fixture
def pty_master() -> Iterator[tuple[int, str]]:
    """A pty pair: the kiosk opens the named end as its serial reader, the test writes the other."""
    master, slave = os.openpty()
    tty.setraw(master)
    name = os.ttyname(slave)
    os.close(slave)
    yield master, name
    os.close(master)


@pytest.fixture
def serial_kiosk(pty_master: tuple[int, str], start_kiosk: StartKiosk) -> tuple[CardKiosk, int]:
    """A kiosk whose reader is a serial (USB-CDC) scanner ending each code with CR."""
    master, port = pty_master
    reader = start_kiosk(
        f'\n[[scanners]]\nid = "kiosk-1-card-reader"\ndriver = "serial"\nport = "{port}"\n'
        'baudrate = 115200\nframing = "cr"\nreconnect_min_s = 0.05\n',
        None,
    )
    return reader, master


@pytest.fixture
def hid_device(tmp_path: Path) -> Iterator[tuple[int, Path]]:
    """A FIFO standing in for /dev/input/eventN, and the test's end of it (open read-write)."""
    device = tmp_path / "event7"
    os.mkfifo(device)
    writer = os.open(device, os.O_RDWR)  # keeps the FIFO open: the reader sees no end of file
    yield writer, device
    os.close(writer)


def _no_trace_of(card: Card, reader: CardKiosk, logs: str) -> None:
    """Assert that nothing of the card was sent, logged or kept by the kiosk but the offer."""
    secrets = [
        card.id_number,
        "*" * 8 + card.id_number[-4:],
        card.full_name,
        card.address,
        f"{card.birth_date:%d%m%Y}",
    ]
    sent = [m.topic.encode() + b" " + m.payload for m in reader.traffic]
    assert sent, "the spy heard nothing: it cannot tell what was sent"
    kept = str(vars(reader.kiosk.model))
    for secret in secrets:
        forms = {secret.encode(), json.dumps(secret)[1:-1].encode()}
        assert not any(form in blob for blob in sent for form in forms), secret
        assert secret not in logs and secret not in kept


def test_serial_reader_elderly_card_offers_the_priority_and_issues_it(
    qtbot: QtBot, serial_kiosk: tuple[CardKiosk, int], caplog: pytest.LogCaptureFixture
) -> None:
    reader, master = serial_kiosk
    kiosk, model = reader.kiosk, reader.kiosk.model
    caplog.set_level(logging.DEBUG)
    os.write(master, b"]Q1" + ELDERLY.qr.encode() + b"\r")  # AIM prefix on, as docs advise
    qtbot.waitUntil(lambda: model.notice == OFFER, timeout=WAIT_MS)
    assert model.offered_priority == "elderly" and model.screen is Screen.START
    assert kiosk.window.notice.isVisible() and kiosk.window.notice.text() == OFFER
    tap(qtbot, kiosk.window, "Sở Tư pháp")
    tap(qtbot, kiosk.window, "Chứng thực bản sao")
    assert model.screen is Screen.PRIORITY
    tap(qtbot, kiosk.window, OFFER_BUTTON)
    assert model.screen is Screen.SHARE  # asked, nothing pre-selected
    tap(qtbot, kiosk.window, KEEP)
    qtbot.waitUntil(lambda: model.ticket is not None, timeout=WAIT_MS)
    assert model.ticket is not None and model.ticket.priority == "elderly"
    assert model.ticket.service == "chung-thuc"
    assert model.offered_priority is None  # the offer was for this ticket only
    assert model.card is None
    issue_topic = model.topics.command("issue_ticket", "kiosk-1")
    issued = [m for m in reader.traffic if m.topic == issue_topic]
    assert len(issued) == 1 and json.loads(issued[0].payload)["priority"] == "elderly"
    assert json.loads(issued[0].payload)["citizen"] is None
    _no_trace_of(ELDERLY, reader, caplog.text)


def test_serial_card_shared_with_consent_goes_with_the_ticket_only(
    qtbot: QtBot,
    serial_kiosk: tuple[CardKiosk, int],
    running_server: QueueServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    reader, master = serial_kiosk
    kiosk, model = reader.kiosk, reader.kiosk.model
    caplog.set_level(logging.DEBUG)
    os.write(master, YOUNG.qr.encode() + b"\r")
    qtbot.waitUntil(lambda: model.notice == READ, timeout=WAIT_MS)
    tap(qtbot, kiosk.window, "Sở Tư pháp")
    tap(qtbot, kiosk.window, "Chứng thực bản sao")
    tap(qtbot, kiosk.window, "KHÔNG — LẤY SỐ THƯỜNG")
    assert model.screen is Screen.SHARE
    tap(qtbot, kiosk.window, SHARE)
    qtbot.waitUntil(lambda: model.ticket is not None, timeout=WAIT_MS)
    assert model.ticket is not None and model.card is None  # the kiosk keeps nothing
    issue_topic = model.topics.command("issue_ticket", "kiosk-1")
    (issued,) = [m for m in reader.traffic if m.topic == issue_topic]
    assert json.loads(issued.payload)["citizen"] == {
        "full_name": YOUNG.full_name,
        "id_number": YOUNG.id_number,
        "address": YOUNG.address,
    }
    others = [m for m in reader.traffic if m.topic != issue_topic]
    for secret in (YOUNG.id_number, YOUNG.full_name, YOUNG.address):
        encoded = json.dumps(secret)[1:-1].encode()
        assert not any(encoded in m.payload or secret.encode() in m.payload for m in others)
        assert secret not in caplog.text and secret not in str(vars(model))
    with running_server.sessions() as session:
        assert [r.id_number for r in session.scalars(select(TicketCardRow))] == [YOUNG.id_number]


def test_serial_reader_younger_card_is_read_without_an_offer(
    qtbot: QtBot, serial_kiosk: tuple[CardKiosk, int]
) -> None:
    reader, master = serial_kiosk
    kiosk, model = reader.kiosk, reader.kiosk.model
    os.write(master, YOUNG.qr.encode() + b"\r")
    qtbot.waitUntil(lambda: model.notice == READ, timeout=WAIT_MS)
    assert model.offered_priority is None
    tap(qtbot, kiosk.window, "Sở Tư pháp")
    tap(qtbot, kiosk.window, "Chứng thực bản sao")
    find_button(qtbot, kiosk.window, "KHÔNG — LẤY SỐ THƯỜNG")
    assert not kiosk.window.current_page().offered.isVisible()  # type: ignore[attr-defined]


def test_serial_reader_offers_from_the_60th_birthday_on(
    qtbot: QtBot, serial_kiosk: tuple[CardKiosk, int]
) -> None:
    reader, master = serial_kiosk
    model = reader.kiosk.model
    tomorrow = make_card(3, "LÊ VĂN SÁU", birthday_for_age(60, TODAY.replace(day=24)))
    today = make_card(4, "PHẠM THỊ MƯỜI", birthday_for_age(60, TODAY), "Nữ")
    os.write(master, tomorrow.qr.encode() + b"\r")
    qtbot.waitUntil(lambda: model.notice == READ, timeout=WAIT_MS)
    assert model.offered_priority is None
    os.write(master, today.qr.encode() + b"\r")
    qtbot.waitUntil(lambda: model.notice == OFFER, timeout=WAIT_MS)
    assert model.offered_priority == "elderly"


def test_serial_garbage_and_a_damaged_card_say_so_plainly(
    qtbot: QtBot, serial_kiosk: tuple[CardKiosk, int]
) -> None:
    reader, master = serial_kiosk
    kiosk, model = reader.kiosk, reader.kiosk.model
    # Line noise (a reader at the wrong speed): bytes that are no UTF-8 and no code.
    noise = bytes(np.random.default_rng(7).integers(0, 256, 48, dtype=np.uint8))
    os.write(master, noise.replace(b"\r", b"") + b"\r")
    qtbot.waitUntil(lambda: model.lookup_message == NOT_A_SLIP, timeout=WAIT_MS)
    page = kiosk.window.current_page()
    assert model.screen is Screen.SCAN and page.message.isVisible()  # type: ignore[attr-defined]
    assert page.message.text() == NOT_A_SLIP  # type: ignore[attr-defined]
    # A card line that lost a byte of its birth date: read as a card, but not readable.
    birth = f"{ELDERLY.birth_date:%d%m%Y}"
    damaged = ELDERLY.qr.replace(f"|{birth}|", f"|{birth[:3]}{birth[4:]}|")
    os.write(master, damaged.encode() + b"\r")
    qtbot.waitUntil(lambda: model.notice == UNREADABLE, timeout=WAIT_MS)
    assert model.offered_priority is None and model.screen is Screen.START
    assert kiosk.window.notice.text() == UNREADABLE and model.lookup_message == ""


def test_keyboard_reader_loses_the_vietnamese_letters_but_the_age_still_offers_priority(
    qtbot: QtBot, hid_device: tuple[int, Path], start_kiosk: StartKiosk
) -> None:
    """An HID reader (evdev) types only what a US keyboard has: 'Nữ' arrives as 'N'.

    The name and address lose their Vietnamese letters, but the kiosk needs only the date of
    birth: the elderly citizen is offered the priority all the same.
    """
    writer, device = hid_device
    reader = start_kiosk(
        f'\n[[scanners]]\nid = "kiosk-1-hid"\ndriver = "evdev"\ndevice = "{device}"\n', None
    )
    typable = {char for pair in KEYMAP.values() for char in pair}
    typed = "".join(char for char in ELDERLY.qr if char in typable)
    assert "|NGUYN TH BY|14031954|N|" in typed  # what such a reader sends
    os.write(writer, encode_key_events(typed))
    model = reader.kiosk.model
    qtbot.waitUntil(lambda: model.notice == OFFER, timeout=WAIT_MS)
    assert model.offered_priority == "elderly"


def _card_in_view(card: Card, seeds: range) -> list[Frame]:
    """Frames of a webcam as a citizen holds the card's QR up to it, one per seed."""
    symbol = qr_symbol(card.qr)
    return [render_slip(symbol, CARD_HELD_UP, np.random.default_rng(s)) for s in seeds]


def _empty_view() -> Frame:
    """The webcam's view with nobody holding a code to it."""
    rng = np.random.default_rng(5)
    return render_slip(blank_slip_symbol(rng), SLIP_QR["easy"], rng)


def _screenshot(kiosk: Kiosk, path: Path) -> None:
    """Save what the kiosk shows once its layout has settled (for a person to look at)."""
    settle(QApplication.instance())
    assert kiosk.window.grab().save(str(path), "PNG")


def test_camera_elderly_card_offers_the_priority(
    qtbot: QtBot, start_kiosk: StartKiosk, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    empty = _empty_view()
    frames = [empty, empty, *_card_in_view(ELDERLY, range(3)), empty]
    camera = FakeCapture(frames, idle_frame=empty)
    reader = start_kiosk('\n[[scanners]]\nid = "kiosk-1-camera"\ndriver = "camera"\n', camera)
    kiosk, model = reader.kiosk, reader.kiosk.model
    qtbot.waitUntil(lambda: model.notice == OFFER, timeout=WAIT_MS)
    assert model.offered_priority == "elderly" and kiosk.window.notice.text() == OFFER
    _screenshot(kiosk, tmp_path / "card-offer-start.png")
    tap(qtbot, kiosk.window, "Sở Tư pháp")
    tap(qtbot, kiosk.window, "Chứng thực bản sao")
    find_button(qtbot, kiosk.window, OFFER_BUTTON)
    _screenshot(kiosk, tmp_path / "card-offer-priority.png")
    assert camera.idle.wait(5)
    assert isinstance(reader.scanner, CameraScanner) and reader.scanner.frames >= len(frames)
    _no_trace_of(ELDERLY, reader, caplog.text)
