"""`motcua status`: every device's retained status topic and the server's health, as a table."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from shared.cli_text import FAILURE, USAGE, complain
from shared.config.site import DEFAULT_CONFIG, SiteConfig, load_config
from shared.messaging.bus import Message
from shared.messaging.paho_bus import PahoBus
from shared.messaging.states import DeviceStatus
from shared.messaging.topics import Topics
from shared.runtime import broker_address, stop_event

STATE_LABELS = {"online": "trực tuyến", "offline": "NGOẠI TUYẾN"}
# Retained messages arrive right after subscribing; this long a silence means all have come.
SETTLE_SECONDS = 0.5


class StatusBoard:
    """The latest retained status of every device, filled from the bus."""

    def __init__(self, topics: Topics) -> None:
        self.topics = topics
        self.devices: dict[str, DeviceStatus] = {}
        self.arrived = threading.Event()
        self._lock = threading.Lock()

    def on_message(self, message: Message) -> None:
        """Keep one device's status (an empty retained message clears it)."""
        client_id = message.topic.rsplit("/", 1)[-1]
        self.arrived.set()
        with self._lock:
            if not message.payload:
                self.devices.pop(client_id, None)
                return
            try:
                self.devices[client_id] = DeviceStatus.model_validate_json(message.payload)
            except ValidationError:
                return

    def snapshot(self) -> list[DeviceStatus]:
        """The statuses, sorted by role then id."""
        with self._lock:
            return sorted(self.devices.values(), key=lambda s: (s.role, s.client_id))


def _detail(detail: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(detail.items()) if not isinstance(v, dict))


def render(statuses: list[DeviceStatus], timezone: str, server: dict[str, Any] | None) -> str:
    """The table: one line per device, and the server's health when it answered."""
    zone = ZoneInfo(timezone)
    rows = [("THIẾT BỊ", "VAI TRÒ", "TRẠNG THÁI", "CẬP NHẬT", "CHI TIẾT")]
    for status in statuses:
        at = status.at.astimezone(zone).strftime("%d/%m %H:%M:%S") if status.at else "—"
        state = STATE_LABELS.get(status.state, status.state)
        rows.append((status.client_id, status.role, state, at, _detail(status.detail)))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    ]
    if not statuses:
        lines.append("(chưa có thiết bị nào báo trạng thái)")
    online = sum(1 for s in statuses if s.state == "online")
    lines.append(f"{online}/{len(statuses)} thiết bị trực tuyến")
    if server is None:
        lines.append("Máy chủ: không đọc được /healthz")
    else:
        verdict = "tốt" if server.get("ok") else "CÓ LỖI"
        lines.append(
            f"Máy chủ: {verdict} — cơ sở dữ liệu {'ổn' if server.get('database') else 'LỖI'}, "
            f"broker {'đã kết nối' if server.get('broker') else 'MẤT KẾT NỐI'}, "
            f"đã xử lý {server.get('commands_handled', 0)} lệnh"
        )
    return "\n".join(line.rstrip() for line in lines)


def server_health(config: SiteConfig, timeout: float = 2.0) -> dict[str, Any] | None:
    """The local server's /healthz report, or None when it does not answer."""
    if not config.server.health_port:
        return None
    host = config.server.health_host
    host = "127.0.0.1" if host in ("0.0.0.0", "") else host
    url = f"http://{host}:{config.server.health_port}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as exc:
        return dict(json.loads(exc.read()))
    except (OSError, ValueError):
        return None


def collect(bus: PahoBus, topics: Topics, wait: float) -> StatusBoard:
    """Subscribe to every status topic and wait until the retained ones have arrived."""
    board = StatusBoard(topics)
    bus.subscribe(topics.statuses(), board.on_message)
    deadline = time.monotonic() + wait
    # The broker sends the retained statuses at once after SUBACK: when none arrives for a
    # settle period, they have all come.
    while (remaining := deadline - time.monotonic()) > 0:
        board.arrived.clear()
        if not board.arrived.wait(min(SETTLE_SECONDS, remaining)):
            break
    return board


def register(subparsers: Any) -> None:
    """Add the `status` subcommand."""
    parser = subparsers.add_parser(
        "status", help="xem trạng thái trực tuyến của mọi thiết bị và của máy chủ"
    )
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="tệp cấu hình điểm (TOML)")
    parser.add_argument("--once", action="store_true", help="in một lần rồi thoát")
    parser.add_argument(
        "--username", default="", help="tài khoản broker được đọc mọi trạng thái (vd. supervisor)"
    )
    parser.add_argument("--password-file", default="", help="tệp chứa mật khẩu của tài khoản đó")
    parser.add_argument(
        "--every", type=float, default=2.0, help="số giây giữa hai lần làm mới bảng"
    )
    parser.add_argument(
        "--wait", type=float, default=3.0, help="số giây tối đa chờ các trạng thái đến"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Print the table once (--once) or refresh it until Ctrl+C."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    if args.every <= 0 or args.wait < 0:
        complain(
            "motcua status",
            "--every phải lớn hơn 0 và --wait không được âm",
            "--every must be above 0 and --wait not below 0",
        )
        return USAGE
    try:
        address = broker_address(config)
        if args.username:
            secret = (
                Path(args.password_file).read_text("utf-8").strip() if args.password_file else ""
            )
            address = replace(address, username=args.username, password=secret)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        complain(
            "motcua status",
            f"không đọc được {exc.filename or 'tệp mật khẩu'}: {reason}",
            f"cannot read {exc.filename or 'the password file'}: {reason}",
        )
        return FAILURE
    except ValueError as exc:
        print(f"motcua status: {exc}", file=sys.stderr)
        return FAILURE
    topics = Topics(config.site.id)
    # No last will and a client id of its own: looking must not add a device to the table.
    bus = PahoBus(address, f"status-{config.site.id}-{os.getpid()}")
    try:
        if not bus.wait_connected(args.wait + 7):
            complain("motcua status", "không kết nối được broker", "cannot reach the broker")
            return FAILURE
        board = collect(bus, topics, args.wait)
        if args.once:
            print(render(board.snapshot(), config.site.timezone, server_health(config)))
            return 0
        stop = stop_event()
        while True:
            now = datetime.now(ZoneInfo(config.site.timezone)).strftime("%H:%M:%S")
            table = render(board.snapshot(), config.site.timezone, server_health(config))
            # Clear the screen and redraw: a live table without curses.
            print(f"\033[H\033[2J{config.site.name} — {now}\n{table}", flush=True)
            if stop.wait(args.every):
                return 0
    finally:
        bus.close()
