"""Server health from events: timeouts, replies, the retained status and the connection."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from kiosk.connection import ServerHealth
from shared.messaging.replies import ErrorCode, Reply


def _health(probes: list[bool]) -> ServerHealth:
    health = ServerHealth("server-test", lambda: probes.append(True))
    health.set_connected(True)
    health.set_server_online(True)
    return health


def test_a_timeout_makes_the_kiosk_unavailable_until_the_server_answers(qtbot: QtBot) -> None:
    """Only a timeout while the server says it is online arms the probe; any answer disarms it."""
    health = _health([])
    assert health.available and not health._probe.isActive()
    health.note_reply(Reply.failure("r1", ErrorCode.TIMEOUT, "no answer"))
    assert not health.available and health._probe.isActive()
    health.note_reply(Reply.failure("r2", ErrorCode.NOT_FOUND, "unknown code"))
    assert health.available and not health._probe.isActive()


def test_the_retained_status_and_queue_snapshots_end_the_unanswered_state(qtbot: QtBot) -> None:
    health = _health([])
    health.note_reply(Reply.failure("r1", ErrorCode.TIMEOUT, "no answer"))
    health.set_server_online(False)  # its last will: nothing to probe until it is back
    assert not health.available and not health._probe.isActive()
    health.set_server_online(True)
    assert health.available
    health.note_reply(Reply.failure("r2", ErrorCode.TIMEOUT, "no answer"))
    health.heard()
    assert health.available and not health._probe.isActive()


def test_no_probe_while_the_broker_is_gone_and_local_errors_say_nothing(qtbot: QtBot) -> None:
    health = _health([])
    health.note_reply(Reply.failure("r1", ErrorCode.TIMEOUT, "no answer"))
    health.set_connected(False)
    assert not health._probe.isActive()
    health.note_reply(Reply.failure("r2", ErrorCode.INTERNAL, "send failed here"))
    assert health.unanswered
    health.set_connected(True)
    assert health._probe.isActive()


def test_an_unanswered_probe_is_sent_again(qtbot: QtBot) -> None:
    """The probe is a single shot re-armed by each timeout, not a ticking poll."""
    probes: list[bool] = []
    health = _health(probes)
    health._probe.setInterval(10)
    health.note_reply(Reply.failure("r1", ErrorCode.TIMEOUT, "no answer"))
    qtbot.waitUntil(lambda: len(probes) == 1)
    assert not health._probe.isActive()
    health.note_reply(Reply.failure("r2", ErrorCode.TIMEOUT, "no answer"))
    qtbot.waitUntil(lambda: len(probes) == 2)


def test_a_database_outage_shows_out_of_service_until_a_command_is_answered(
    qtbot: QtBot,
) -> None:
    """The server answers storage_unavailable: queue snapshots do not end it, an answer does."""
    health = _health([])
    down = Reply.failure("r1", ErrorCode.STORAGE_UNAVAILABLE, "database down", retry_after=5)
    health.note_reply(down)
    assert not health.available and health._probe.isActive()
    health.heard()  # the broker still carries its old snapshots
    assert not health.available
    health.note_reply(Reply.failure("r2", ErrorCode.STORAGE_UNAVAILABLE, "still down", 5))
    assert not health.available and health._probe.isActive()
    health.note_reply(Reply.failure("r3", ErrorCode.NOT_FOUND, "unknown code"))
    assert health.available and not health._probe.isActive()
