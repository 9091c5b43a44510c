"""`motcua status` against a real broker: retained device statuses become a table."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from admin.cli import main
from admin.status import StatusBoard, render
from server.broker import EmbeddedBroker
from shared.messaging.codec import encode
from shared.messaging.paho_bus import PahoBus
from shared.messaging.states import DeviceStatus
from shared.messaging.topics import Topics
from shared.runtime import write_local_broker
from tests.helpers.sites import DEMO_CONFIG

pytestmark = pytest.mark.integration
AT = datetime(2026, 11, 23, 2, 30, tzinfo=UTC)


def status(client_id: str, role: str, state: str, **detail: object) -> DeviceStatus:
    return DeviceStatus(client_id=client_id, role=role, state=state, detail=detail, at=AT)


def test_status_once_lists_every_retained_status_from_the_broker(
    broker: EmbeddedBroker,
    bus_factory: Callable[..., PahoBus],
    topics: Topics,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # A display that is connected (its own online status), and a printer out of paper.
    bus_factory("display-tang-1", "display")
    publisher = bus_factory("devices-hcc-demo", "devices")
    printer = status("printer-status-test", "printer", "online", paper="out", can_print=False)
    gone = status("kiosk-status-test", "kiosk", "offline")
    for message in (printer, gone):
        publisher.publish(topics.status(message.client_id), encode(message), retain=True)
    monkeypatch.setenv("MOTCUA_DATA_DIR", str(tmp_path))
    write_local_broker(tmp_path, broker.address)
    try:
        assert main(["status", "--once", "--config", str(DEMO_CONFIG), "--wait", "10"]) == 0
    finally:
        for message in (printer, gone):
            publisher.publish(topics.status(message.client_id), b"", retain=True)
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert "display-tang-1" in lines and "trực tuyến" in lines["display-tang-1"]
    assert "paper=out" in lines["printer-status-test"]
    assert "can_print=False" in lines["printer-status-test"]
    assert "NGOẠI TUYẾN" in lines["kiosk-status-test"] and "23/11 09:30:00" in out
    # The status tool itself leaves no status behind.
    assert not any(name.startswith("status-") for name in lines)
    # No server health endpoint answers in this test.
    assert "Máy chủ: không đọc được /healthz" in out


def test_render_shows_the_server_health_and_an_empty_hall() -> None:
    board = StatusBoard(Topics("hcc-demo"))
    text = render(
        board.snapshot(),
        "Asia/Ho_Chi_Minh",
        {"ok": False, "database": False, "broker": True, "commands_handled": 7},
    )
    assert "chưa có thiết bị nào" in text and "0/0 thiết bị trực tuyến" in text
    assert "CÓ LỖI" in text and "cơ sở dữ liệu LỖI" in text and "đã xử lý 7 lệnh" in text
