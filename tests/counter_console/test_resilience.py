"""Losing the server or the broker blocks actions; recovery needs no new login."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from counter_console.actions import NOT_CONNECTED, SERVER_DOWN, Action
from server.daemon import QueueServer
from shared.domain.site import Site
from shared.messaging.paho_bus import PahoBus
from shared.messaging.replies import ErrorCode, Reply
from tests.counter_console.conftest import ConsoleFactory
from tests.helpers.clock import FakeClock


def test_server_loss_blocks_actions_and_they_resume_without_a_new_login(
    qtbot: QtBot,
    console_factory: ConsoleFactory,
    running_server: QueueServer,
    bus_factory: Callable[..., PahoBus],
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
) -> None:
    console = console_factory("q01")
    model, window = console.model, console.window
    running_server.stop()
    running_server.bus.close()  # the server's presence turns "offline" (as its last will would)
    qtbot.waitUntil(lambda: model.server_online is False)
    assert not window.serving_page.buttons[Action.CALL_NEXT].isEnabled()
    assert window.alert.isVisibleTo(window)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    assert model.message == SERVER_DOWN

    server = QueueServer(
        demo_site, sessions, bus_factory(f"server-{demo_site.id}", "server"), clock
    )
    server.start()
    try:
        qtbot.waitUntil(lambda: model.server_online is True)
        assert model.officer is not None and not model.locked
        qtbot.keyClick(window, Qt.Key.Key_F1)  # the server answers again: nobody waits
        qtbot.waitUntil(lambda: "Không có công dân" in model.message)
        assert not window.alert.isVisibleTo(window)
    finally:
        server.stop()


def test_broker_loss_blocks_actions_until_the_connection_returns(
    qtbot: QtBot, console_factory: ConsoleFactory
) -> None:
    console = console_factory("q02")
    model = console.model
    model.set_connected(False)  # what the bus bridge reports when the broker goes away
    assert model.why_not(Action.CALL_NEXT) == NOT_CONNECTED
    assert "Mất kết nối" in console.window.alert.text()
    model.set_connected(True)
    assert model.why_not(Action.CALL_NEXT) is None
    assert model.officer is not None


def test_a_database_that_does_not_answer_is_shown_until_the_server_writes_again(
    qtbot: QtBot, console_factory: ConsoleFactory
) -> None:
    """storage_unavailable: a red line above the message, gone when the counter's state moves."""
    console = console_factory("q03")
    model, window = console.model, console.window
    down = Reply.failure("r1", ErrorCode.STORAGE_UNAVAILABLE, "Cơ sở dữ liệu không trả lời.", 5)
    model._applied(down, "call_next")  # what the runner hands back from the server
    window.refresh()
    assert model.storage_down and window.alert.isVisibleTo(window)
    assert "không ghi được cơ sở dữ liệu" in window.alert.text()
    assert model.why_not(Action.CALL_NEXT) is None  # the officer may try again at once
    model._applied(Reply.failure("r2", ErrorCode.NOT_FOUND, "Không có số A999."), "call_number")
    assert not model.storage_down  # the server answered: its database works
    model._applied(down, "call_next")
    assert model.state is not None
    newer = model.state.model_copy(update={"updated_at": model.state.updated_at + timedelta(1)})
    model.apply_state(newer)  # the server wrote the counter's state again
    window.refresh()
    assert not model.storage_down and not window.alert.isVisibleTo(window)
