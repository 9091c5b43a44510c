"""`motcua demo`: the whole centre on one machine — server, broker and a simulated hall."""

from __future__ import annotations

import argparse
import json
import logging
import random
import subprocess
import sys
import threading
from contextlib import ExitStack
from typing import Any

from server.demo_scanner import ScanDesk
from server.demo_seed import PIN_FILE, SUPERVISOR, DemoSeed, seed_demo
from server.main import add_common_arguments, load_catalogue, open_site_database, start_server
from shared.config.site import SiteConfig, load_config
from shared.domain.codes import dossier_qr
from shared.domain.site import Site
from shared.messaging import commands as c
from shared.messaging.bus import Bus, Message
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.dossier_commands import OfficerLogin
from shared.messaging.topics import Topics
from shared.qt.launch import app_command, has_screen, start_app
from shared.runtime import broker_address, connect_bus, setup_logging, stop_event, utc_now
from shared.storage.engine import close_database

log = logging.getLogger("motcua.demo")


def register(subparsers: Any) -> None:
    """Add the `demo` subcommand."""
    parser = subparsers.add_parser("demo", help="chạy thử cả trung tâm với dữ liệu mẫu")
    add_common_arguments(parser)
    parser.add_argument(
        "--no-bot", action="store_true", help="do not simulate citizens and officers"
    )
    parser.add_argument("--no-display", action="store_true", help="do not start the hall displays")
    parser.add_argument("--no-kiosk", action="store_true", help="do not start the kiosk")
    parser.add_argument(
        "--console",
        action="append",
        default=None,
        metavar="COUNTER",
        help="start a counter console for this counter (repeatable; default q07)",
    )
    parser.add_argument("--no-console", action="store_true", help="do not start counter consoles")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0 = never)")
    parser.add_argument("--pace", type=float, default=1.0, help="seconds between bot actions")
    parser.set_defaults(handler=run)


class HallBot:
    """Simulated citizens take numbers and officers call them, so the system can be watched."""

    def __init__(
        self,
        site: Site,
        bus: Bus,
        pace: float,
        desk: ScanDesk | None = None,
        seed: int = 7,
        pin: str = "",
        slips: tuple[str, ...] = (),
    ) -> None:
        self.site = site
        self.pin = pin
        self.slips = slips
        self.topics = Topics(site.id)
        self.bus = bus
        self.pace = pace
        self.random = random.Random(seed)
        self.kiosk = CommandClient(bus, self.topics, "demo-kiosk")
        self.desk = desk
        self.issued_qr: list[str] = []
        self.counters = {
            counter.id: CommandClient(bus, self.topics, counter.id) for counter in site.counters[:6]
        }

    def open_counters(self) -> None:
        """Log the demo officers in at the bot's counters (or just open them without accounts)."""
        for index, client in enumerate(self.counters.values(), start=1):
            officer = f"cb{index:02d}"
            if self.pin:
                login = OfficerLogin(
                    request_id=new_request_id(), officer_id=officer, password=self.pin
                )
                client.send(login)
            else:
                client.send(c.OpenCounter(request_id=new_request_id(), officer_id=officer))

    def step(self) -> None:
        """One action: mostly a citizen taking a number, sometimes an officer calling."""
        if self.desk is not None and self.issued_qr and self.random.random() < 0.08:
            # A citizen checks their ticket, or now and then the progress of their dossier.
            codes = self.issued_qr if self.random.random() < 0.7 or not self.slips else self.slips
            self.desk.scan(self.random.choice(codes))
        elif self.random.random() < 0.55:
            counter = self.site.counter(self.random.choice(list(self.counters)))
            service = self.random.choice(counter.services)
            priority = None
            if self.site.priorities and self.random.random() < 0.15:
                priority = self.random.choice(self.site.priorities).id
            reply = self.kiosk.send(
                c.IssueTicket(request_id=new_request_id(), service=service, priority=priority)
            )
            if reply.ok:
                t = reply.result["ticket"]
                self.issued_qr.append(t["qr"])
                print(
                    f"  kiosk  → số {t['number']} ({t['service_name']}), "
                    f"{t['people_ahead']} người chờ trước, "
                    f"khoảng {t['estimated_wait_minutes']} phút",
                    flush=True,
                )
            elif reply.error:
                print(f"  kiosk  ✗ {reply.error.message}", flush=True)
        else:
            counter_id = self.random.choice(list(self.counters))
            reply = self.counters[counter_id].send(c.CallNext(request_id=new_request_id()))
            if reply.ok and reply.result.get("ticket"):
                number = reply.result["ticket"]["number"]
                label = self.site.counter(counter_id).label
                print(f"  quầy {label:>2} → mời số {number}", flush=True)

    def run(self, stop: threading.Event) -> None:
        """Act until stopped."""
        self.open_counters()
        while not stop.wait(self.pace):
            self.step()


def watch_board(bus: Bus, site: Site) -> None:
    """Print the boards as a hall display would show them."""
    topics = Topics(site.id)

    def show(message: Message) -> None:
        board = json.loads(message.payload)
        serving = ", ".join(
            f"Q{line['label']}:{line['number']}" for line in board["counters"] if line["number"]
        )
        print(f"  bảng {board['zone_name']}: {serving or '—'}", flush=True)

    for zone in site.zones:
        bus.subscribe(topics.board(zone.id), show)


def start_displays(config: SiteConfig, config_path: str, stack: ExitStack) -> None:
    """Start one hall display per zone; without a screen they run offscreen, writing WAV files."""
    where = "cửa sổ" if has_screen() else "không có màn hình"
    for zone in config.zones:
        audio = config.data_path() / "audio" / zone.id
        options = ["--zone", zone.id, "--windowed", "--audio-dir", str(audio)]
        process = start_app(app_command("display", config_path, *options, "--log-level", "WARNING"))
        stack.callback(_stop_process, process)
        print(f"  màn hình {zone.name}: {where}, lời gọi ghi vào {audio}")


def start_apps(config: SiteConfig, args: argparse.Namespace, stack: ExitStack) -> None:
    """Start the kiosk and the counter consoles a person drives (windows when there is a screen)."""
    from counter_console.app import start_console
    from kiosk.app import start_kiosk

    where = "cửa sổ" if has_screen() else "không có màn hình"
    if not args.no_kiosk:
        stack.callback(_stop_process, start_kiosk(args.config, "kiosk-1"))
        print(f"  ki-ốt kiosk-1: {where}; vé in ra máy in mô phỏng")
    if args.no_console:
        return
    counters = args.console or ["q07"]
    known = {c.id: c for c in config.counters}
    for counter_id in counters:
        if counter_id not in known:
            print(f"  (bỏ qua quầy không có trong cấu hình: {counter_id})")
            continue
        stack.callback(_stop_process, start_console(args.config, counter_id))
        index = list(known).index(counter_id) + 1
        print(
            f"  bàn làm việc {known[counter_id].name}: {where}; "
            f"đăng nhập cb{index:02d} với mã PIN ở trên"
        )


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_demo(config: SiteConfig, args: argparse.Namespace, stop: threading.Event) -> int:
    """Start the server and the simulated hall; return when `stop` is set."""
    site = config.to_domain()
    with ExitStack() as stack:
        seed = _seed(config, args)
        start_server(config, args.database_url, stack, args.config)
        print(f"Motcua demo: {site.name}")
        print(
            f"  {seed.officers} tài khoản cán bộ (cb01…, giám sát {SUPERVISOR}), "
            f"mã PIN thử nghiệm: {seed.pin} (lưu trong {config.data_path() / PIN_FILE})"
        )
        for code, token in seed.slips:
            print(f"  hồ sơ mẫu {code} — mã tra cứu {token}")
        print(
            f"  {len(site.counters)} quầy, {len(site.services)} dịch vụ, {len(site.zones)} khu vực"
        )
        if not args.no_display:
            start_displays(config, args.config, stack)
        start_apps(config, args, stack)
        if not args.no_bot:
            bus = connect_bus(broker_address(config), site.id, "demo-bot", "bot")
            stack.callback(bus.close)
            watch_board(bus, site)
            desk = ScanDesk(
                CommandClient(bus, Topics(site.id), "demo-scan-desk"),
                config.dossiers.code_regex(),
            )
            desk.start()
            stack.callback(desk.stop)
            print(
                f"  đầu đọc mô phỏng: gửi mã tới 127.0.0.1:{desk.port}, ví dụ "
                f"echo 'MCT1:{site.id}:YYYYMMDD:A001' | nc -q1 127.0.0.1 {desk.port}"
            )
            slips = tuple(dossier_qr(code, token) for code, token in seed.slips)
            bot = HallBot(site, bus, args.pace, desk, pin=seed.pin, slips=slips)
            worker = threading.Thread(target=bot.run, args=(stop,), name="demo-bot", daemon=True)
            worker.start()
            stack.callback(worker.join, 5)
        print("Nhấn Ctrl+C để dừng.", flush=True)
        stop.wait(args.seconds or None)
        stop.set()
    return 0


def _seed(config: SiteConfig, args: argparse.Namespace) -> DemoSeed:
    """Load the catalogue, then create the demo's officers and dossiers (once per database)."""
    sessions = open_site_database(config, args.database_url)
    try:
        load_catalogue(sessions, config, args.config)
        return seed_demo(sessions, config, utc_now())
    finally:
        close_database(sessions)


def run(args: argparse.Namespace) -> int:
    """Run the demo until Ctrl+C (or --seconds)."""
    setup_logging(args.log_level)
    config = load_config(args.config)
    if config is None:
        return 2
    try:
        return run_demo(config, args, stop_event())
    except Exception as exc:  # the demo must say what is wrong, not print a traceback
        log.exception("demo failed")
        print(f"motcua demo: {exc}", file=sys.stderr)
        return 1
