"""A citizen ID card scanned at the kiosk offers a priority by age; it is never looked up."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from hw.scanner.base import ScannerBase
from kiosk.devices import KioskDevices
from kiosk.viewmodel import Screen
from server.daemon import QueueServer
from shared.messaging import commands as cmd
from shared.messaging.dossier_commands import LookUpDossier
from tests.kiosk.conftest import Kiosk
from tests.kiosk.touch import find_button, tap, wait_ready

WAIT_MS = 10_000
# A fictitious person born in 1950: an elderly citizen on any day of the tests.
ELDERLY_CARD = "001099000001||NGUYỄN VĂN THỬ|01011950|Nam|Số 1 phố Thử|01012022"
YOUNG_CARD = "001099000002||TRẦN THỊ THỬ|01012000|Nữ|Số 2 phố Thử|01012022"
UNREADABLE_CARD = "001099000003||LÊ VĂN THỬ|31139999|Nam|Số 3 phố Thử|01012022"


class HandScanner(ScannerBase):
    """A reader whose codes the test hands in: the same pipeline and events as a real one."""

    def start(self) -> None:
        """Nothing to open."""

    def stop(self) -> None:
        """Nothing to close."""


def _scan_with(kiosk: Kiosk, monkeypatch: pytest.MonkeyPatch) -> tuple[HandScanner, list[str]]:
    """Wire a scanner to the kiosk as `motcua kiosk --scanner` does; record commands sent."""
    sent: list[str] = []
    send = kiosk.model._send

    def recording(command: cmd.Command, *args: object, **kwargs: object) -> None:
        sent.append(type(command).__name__)
        send(command, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(kiosk.model, "_send", recording)
    scanner = HandScanner("kiosk-1-card")
    devices = KioskDevices(None, [scanner])
    devices.start(kiosk.model)
    return scanner, sent


@pytest.fixture
def scanning(
    qtbot: QtBot,
    running_server: QueueServer,
    make_kiosk: Callable[..., Kiosk],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Kiosk, HandScanner, list[str]]:
    """A ready kiosk with a scanner wired as `--scanner` does, and the commands it sends."""
    kiosk = make_kiosk()
    wait_ready(qtbot, kiosk, "ho-tich", WAIT_MS)
    scanner, sent = _scan_with(kiosk, monkeypatch)
    return kiosk, scanner, sent


def test_elderly_card_offers_the_priority_and_is_not_looked_up(
    qtbot: QtBot, scanning: tuple[Kiosk, HandScanner, list[str]]
) -> None:
    kiosk, scanner, sent = scanning
    event = scanner.deliver_text(ELDERLY_CARD)
    assert event is not None and event.code.citizen is not None
    qtbot.waitUntil(lambda: kiosk.model.offered_priority is not None, timeout=WAIT_MS)
    model = kiosk.model
    assert model.offered_priority == "elderly"
    assert model.screen is Screen.START
    assert model.notice == "Ông/bà được ưu tiên: Người cao tuổi. Mời chọn lĩnh vực."
    assert model.lookup_message == "" and model.dossier is None
    assert LookUpDossier.__name__ not in sent
    shown = kiosk.window.notice.text()
    assert "001099000001" not in shown and "NGUYỄN" not in shown
    # The offer is the pre-selected choice for the next ticket: one touch takes it.
    tap(qtbot, kiosk.window, "Sở Tư pháp")
    tap(qtbot, kiosk.window, "Chứng thực bản sao")
    assert model.screen is Screen.PRIORITY
    tap(qtbot, kiosk.window, "ƯU TIÊN · Người cao tuổi — LẤY SỐ")
    assert model.screen is Screen.SHARE  # whether the card goes to the counter: asked
    tap(qtbot, kiosk.window, "KHÔNG GỬI — LẤY SỐ")
    qtbot.waitUntil(lambda: model.ticket is not None, timeout=WAIT_MS)
    assert model.ticket is not None and model.ticket.priority == "elderly"
    assert model.offered_priority is None and model.card is None  # for that ticket only
    assert sent.count(LookUpDossier.__name__) == 0


def test_card_without_priority_says_it_was_read(
    qtbot: QtBot, scanning: tuple[Kiosk, HandScanner, list[str]]
) -> None:
    kiosk, scanner, sent = scanning
    scanner.deliver_text(YOUNG_CARD)
    qtbot.waitUntil(lambda: kiosk.model.notice != "", timeout=WAIT_MS)
    assert kiosk.model.notice == "Đã đọc thẻ căn cước. Mời chọn lĩnh vực."
    assert kiosk.model.offered_priority is None
    assert kiosk.model.screen is Screen.START
    tap(qtbot, kiosk.window, "Sở Tư pháp")
    tap(qtbot, kiosk.window, "Chứng thực bản sao")
    find_button(qtbot, kiosk.window, "KHÔNG — LẤY SỐ THƯỜNG")
    assert not kiosk.window.current_page().offered.isVisible()  # type: ignore[attr-defined]
    assert LookUpDossier.__name__ not in sent


def test_unreadable_card_says_so_plainly(
    qtbot: QtBot, scanning: tuple[Kiosk, HandScanner, list[str]]
) -> None:
    kiosk, scanner, sent = scanning
    scanner.deliver_text(UNREADABLE_CARD)
    qtbot.waitUntil(lambda: kiosk.model.notice != "", timeout=WAIT_MS)
    assert kiosk.model.notice.startswith("Không đọc được thẻ căn cước.")
    assert kiosk.model.offered_priority is None
    assert kiosk.model.screen is Screen.START
    assert LookUpDossier.__name__ not in sent


def test_a_scanned_slip_is_still_looked_up(
    qtbot: QtBot, scanning: tuple[Kiosk, HandScanner, list[str]]
) -> None:
    kiosk, scanner, sent = scanning
    scanner.deliver_text("000.00.17.H99-261109-9999")
    qtbot.waitUntil(lambda: LookUpDossier.__name__ in sent, timeout=WAIT_MS)
    assert kiosk.model.screen is Screen.SCAN


def test_idle_reset_forgets_the_offer(
    qtbot: QtBot, scanning: tuple[Kiosk, HandScanner, list[str]]
) -> None:
    kiosk, scanner, _ = scanning
    scanner.deliver_text(ELDERLY_CARD)
    qtbot.waitUntil(lambda: kiosk.model.offered_priority == "elderly", timeout=WAIT_MS)
    assert kiosk.model.card is not None
    kiosk.model.reset()
    assert kiosk.model.offered_priority is None and kiosk.model.card is None


def test_back_from_the_share_question_and_a_site_that_does_not_share(
    qtbot: QtBot, scanning: tuple[Kiosk, HandScanner, list[str]]
) -> None:
    kiosk, scanner, _ = scanning
    model = kiosk.model
    scanner.deliver_text(YOUNG_CARD)
    qtbot.waitUntil(lambda: model.card is not None, timeout=WAIT_MS)
    model.choose_service("chung-thuc")
    model.choose_priority(None)
    assert model.screen is Screen.SHARE and model.ticket is None
    model.back()
    assert model.screen is Screen.PRIORITY and model.card is not None
    model.config = model.config.model_copy(
        update={"kiosk": model.config.kiosk.model_copy(update={"share_card": False})}
    )
    scanner.deliver_text(ELDERLY_CARD)  # another card: the same one again is a repeat
    qtbot.waitUntil(lambda: model.card is None, timeout=WAIT_MS)
    model.choose_service("chung-thuc")
    model.choose_priority(None)
    qtbot.waitUntil(lambda: model.ticket is not None, timeout=WAIT_MS)  # no question asked


def test_walking_away_after_going_home_forgets_the_offer_and_the_language(
    qtbot: QtBot,
    running_server: QueueServer,
    make_kiosk: Callable[..., Kiosk],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The next citizen must not find the last one's offer (or English) on the start screen."""
    kiosk = make_kiosk(idle_seconds=3)
    wait_ready(qtbot, kiosk, "ho-tich", WAIT_MS)
    scanner, _ = _scan_with(kiosk, monkeypatch)
    scanner.deliver_text(ELDERLY_CARD)
    qtbot.waitUntil(lambda: kiosk.model.offered_priority == "elderly", timeout=WAIT_MS)
    tap(qtbot, kiosk.window, "Sở Tư pháp")
    tap(qtbot, kiosk.window, "English")
    tap(qtbot, kiosk.window, "⌂  START")
    model = kiosk.model
    assert model.screen is Screen.START and model.notice == ""
    assert model.offered_priority == "elderly" and model.language == "en"  # the same citizen
    assert model.card is not None
    qtbot.waitUntil(lambda: model.offered_priority is None, timeout=WAIT_MS)
    assert model.card is None
    assert model.language == "vi"
