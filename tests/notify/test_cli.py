"""`motcua notify`: list and resend dead letters; a sender killed mid-send, restarted."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from admin.cli import main
from shared.config.site import load_site_config
from shared.domain.notifications import DeliveryState
from shared.runtime import utc_now
from shared.storage import notifications as outbox
from shared.storage.engine import close_database, open_database
from shared.storage.notifications import NotificationRow, queue_notification
from tests.helpers.fake_gateways import FakeGateway
from tests.helpers.sites import ROOT, demo_site_file

SITE = "hcc-demo"


def site_file(folder: Path, gateway: FakeGateway, extra: str = "") -> Path:
    path = demo_site_file(folder)
    token = folder / "zns.token"
    token.write_text("zalo-oa-token")
    path.write_text(
        path.read_text(encoding="utf-8")
        + f'\n[notify]\nenabled = true\nquiet_hours = ""\n{extra}\n[notify.zns]\n'
        f'url = "{gateway.url}/zns"\naccess_token_file = "{token}"\n'
        'templates = {ready = "401001"}\ntimeout_seconds = 5\n',
        encoding="utf-8",
    )
    return path


def queue_one(path: Path) -> int:
    config = load_site_config(path)
    sessions = open_database(config.database_url())
    try:
        with sessions.begin() as session:
            row_id = queue_notification(
                session,
                SITE,
                "ready",
                params={"code": "000.00.17.H99-261207-0001", "procedure": "Cấp thẻ căn cước"},
                dedupe_key="dossier:000.00.17.H99-261207-0001:ready",
                at=utc_now(),
                recipient_phone="0912345678",
            )
        assert row_id is not None
        return row_id
    finally:
        close_database(sessions)


def row_state(path: Path) -> NotificationRow:
    config = load_site_config(path)
    sessions = open_database(config.database_url())
    try:
        with sessions() as session:
            (row,) = session.scalars(select(NotificationRow)).all()
            return row
    finally:
        close_database(sessions)


def test_dead_letters_are_listed_masked_and_sent_again(
    tmp_path: Path, gateway: FakeGateway, capsys: pytest.CaptureFixture[str]
) -> None:
    path = site_file(tmp_path, gateway)
    gateway.script = ["400"]
    row_id = queue_one(path)
    assert main(["notify", "--config", str(path), "--once"]) == 0
    assert row_state(path).state == DeliveryState.DEAD
    capsys.readouterr()
    assert main(["notify", "--config", str(path), "--list"]) == 0
    out, err = capsys.readouterr()
    (line,) = out.splitlines()
    fields = line.split("\t")
    assert fields[0] == str(row_id) and fields[2:] == [
        "Hồ sơ có kết quả",
        "09xx xxx 678",
        "000.00.17.H99-261207-0001",
        "Zalo: HTTP 400",
    ]
    assert "0912345678" not in out + err and "1 tin nhắn không gửi được" in err
    assert main(["notify", "--config", str(path), "--resend", str(row_id), "999"]) == 1
    out, err = capsys.readouterr()
    assert f"{row_id}: sẽ gửi lại" in out and "999: không có" in err
    assert main(["notify", "--config", str(path), "--once"]) == 0
    assert row_state(path).state == DeliveryState.SENT
    assert len(gateway.delivered) == 1


def test_a_sender_killed_mid_send_and_restarted_does_not_send_twice(
    tmp_path: Path, gateway: FakeGateway
) -> None:
    path = site_file(tmp_path, gateway, extra="in_flight_seconds = 1")
    queue_one(path)
    gateway.mode = "hang"  # the request arrives; the answer never comes
    command = [sys.executable, "-c", "from admin.cli import main; main()", "notify"]
    sender = subprocess.Popen(
        [*command, "--config", str(path)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not gateway.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gateway.requests, "the sender never reached the gateway"
    finally:
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    assert row_state(path).state == DeliveryState.SENDING
    gateway.mode = "ok"
    deadline = time.monotonic() + 30
    while row_state(path).state == DeliveryState.SENDING and time.monotonic() < deadline:
        done = subprocess.run([*command, "--config", str(path), "--once"], cwd=ROOT, timeout=60)
        assert done.returncode == 0
        time.sleep(0.2)
    row = row_state(path)
    assert row.state == DeliveryState.DEAD and "dừng giữa chừng" in row.last_error
    assert len(gateway.requests) == 1, "never sent a second time"
    config = load_site_config(path)
    sessions = open_database(config.database_url())
    try:
        with sessions() as session:
            assert outbox.counts(session, SITE)[DeliveryState.DEAD] == 1
    finally:
        close_database(sessions)
