"""Serving at the counter by keyboard against a real server and Mosquitto."""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_console.actions import Action
from shared.messaging.paho_bus import PahoBus
from tests.counter_console.conftest import ConsoleFactory, issue

SITE = "hcc-demo"


def _shown(console: object, number: str) -> Callable[[], bool]:
    model = console.model  # type: ignore[attr-defined]
    return lambda: model.current is not None and model.current.number == number and not model.busy


def test_a_full_serve_cycle_by_keyboard(
    qtbot: QtBot, console_factory: ConsoleFactory, bus_factory: Callable[..., PahoBus]
) -> None:
    kiosk = bus_factory("kiosk-1", "kiosk")
    first = issue(kiosk, SITE, "ho-tich")
    second = issue(kiosk, SITE, "chung-thuc", priority="elderly")
    console = console_factory("q01")
    window, model = console.window, console.model
    qtbot.waitUntil(lambda: sum(q.waiting for q in model.queues) == 2)

    qtbot.keyClick(window, Qt.Key.Key_F1)  # call next: the priority citizen first
    qtbot.waitUntil(_shown(console, second))
    assert window.serving_page.number.text() == second
    assert window.serving_page.priority.text() == "ƯU TIÊN"
    qtbot.keyClick(window, Qt.Key.Key_F2)  # recall
    qtbot.waitUntil(
        lambda: model.current is not None and model.current.recall_count == 1 and not model.busy
    )
    qtbot.keyClick(window, Qt.Key.Key_F3)  # the citizen arrived
    qtbot.waitUntil(
        lambda: model.current is not None and model.current.state == "serving" and not model.busy
    )
    assert not window.serving_page.buttons[Action.RECALL].isEnabled()
    qtbot.keyClick(window, Qt.Key.Key_F9)  # finish
    qtbot.waitUntil(lambda: model.current is None and not model.busy)
    qtbot.waitUntil(lambda: model.state is not None and model.state.served_today == 1)
    # The pad asks the citizen just served (the finish reaches it through a queued signal).
    qtbot.waitUntil(lambda: console.rating.number == second)

    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(_shown(console, first))
    qtbot.keyClick(window, Qt.Key.Key_F4)  # no-show
    qtbot.waitUntil(lambda: model.current is None and not model.busy)
    assert "vắng mặt" in model.message

    qtbot.keyClick(window, Qt.Key.Key_F1)  # nobody left: the server says why
    qtbot.waitUntil(lambda: model.message_is_error and "Không có công dân" in model.message)


def test_rejected_actions_say_why_and_their_buttons_are_disabled(
    qtbot: QtBot, console_factory: ConsoleFactory
) -> None:
    console = console_factory("q02")
    page = console.window.serving_page
    assert page.buttons[Action.CALL_NEXT].isEnabled()
    for action in (Action.RECALL, Action.FINISH, Action.HOLD, Action.RESUME):
        assert not page.buttons[action].isEnabled()
        assert page.buttons[action].toolTip()
    qtbot.keyClick(console.window, Qt.Key.Key_F9)
    assert console.model.message == "Chưa gọi số nào." and console.model.message_is_error


def test_call_a_number_hold_and_resume_by_keyboard(
    qtbot: QtBot, console_factory: ConsoleFactory, bus_factory: Callable[..., PahoBus]
) -> None:
    kiosk = bus_factory("kiosk-1", "kiosk")
    issue(kiosk, SITE, "ly-lich")
    wanted = issue(kiosk, SITE, "ly-lich")
    console = console_factory("q03")
    window, model = console.window, console.model
    qtbot.keyClick(window, Qt.Key.Key_F5)
    prompt = window.serving_page.prompt
    assert prompt.isVisible()
    qtbot.keyClicks(prompt.text, wanted.lower())
    qtbot.keyClick(prompt.text, Qt.Key.Key_Return)
    qtbot.waitUntil(_shown(console, wanted))
    assert not prompt.isVisible()

    qtbot.keyClick(window, Qt.Key.Key_F3)
    qtbot.waitUntil(
        lambda: model.current is not None and model.current.state == "serving" and not model.busy
    )
    qtbot.keyClick(window, Qt.Key.Key_F7)
    prompt.text.insert("đi photo giấy tờ")  # typed through the input method
    qtbot.keyClick(prompt.text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.current is None and model.state is not None)
    qtbot.waitUntil(lambda: model.state is not None and wanted in model.state.held)
    qtbot.keyClick(window, Qt.Key.Key_F8)
    qtbot.waitUntil(_shown(console, wanted))
    assert model.state is not None and model.state.held == []


def test_transfer_keeps_the_original_issue_time(
    qtbot: QtBot, console_factory: ConsoleFactory, bus_factory: Callable[..., PahoBus]
) -> None:
    kiosk = bus_factory("kiosk-1", "kiosk")
    number = issue(kiosk, SITE, "ho-tich")
    console = console_factory("q01")
    model, window = console.model, console.window
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(_shown(console, number))
    assert model.current is not None
    issued_at = model.current.issued_at
    qtbot.keyClick(window, Qt.Key.Key_F6)
    prompt = window.serving_page.prompt
    prompt.service.setCurrentIndex(prompt.service.findData("ly-lich"))
    prompt.text.insert("cần lý lịch tư pháp")
    qtbot.keyClick(prompt.text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: model.current is None and "chuyển" in model.message)

    other = console_factory("q03", open_as="cb03")
    qtbot.keyClick(other.window, Qt.Key.Key_F1)
    qtbot.waitUntil(_shown(other, number))
    assert other.model.current is not None
    assert other.model.current.service == "ly-lich"
    assert other.model.current.issued_at == issued_at


def test_two_consoles_calling_at_the_same_instant_get_different_citizens(
    qtbot: QtBot, console_factory: ConsoleFactory, bus_factory: Callable[..., PahoBus]
) -> None:
    kiosk = bus_factory("kiosk-1", "kiosk")
    numbers = {issue(kiosk, SITE, "ho-tich") for _ in range(2)}
    one = console_factory("q01")
    two = console_factory("q02", open_as="cb02")
    # Both commands leave from worker threads released together.
    gate = threading.Barrier(2)
    original = [one.runners[0]._sender.send, two.runners[0]._sender.send]

    for console, send in zip((one, two), original, strict=True):

        def gated(command: object, timeout: float = 2.0, attempts: int = 3, _s=send):  # type: ignore[no-untyped-def]
            gate.wait(5)
            return _s(command, timeout=timeout, attempts=attempts)

        console.runners[0]._sender.send = gated  # type: ignore[method-assign]
    assert one.model.call_next() and two.model.call_next()
    qtbot.waitUntil(lambda: one.model.current is not None and two.model.current is not None)
    assert one.model.current is not None and two.model.current is not None
    got = {one.model.current.number, two.model.current.number}
    assert got == numbers
