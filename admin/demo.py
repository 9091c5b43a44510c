"""`motcua demo`: the whole centre on one machine — server, broker and a simulated hall."""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from typing import Any

from admin.demo_bot import HallBot, wait_for_displays, watch_board
from admin.demo_scanner import ScanDesk
from admin.demo_seed import PIN_FILE, SUPERVISOR, DemoSeed, seed_demo
from server.main import add_common_arguments, load_catalogue, open_site_database, start_server
from shared.config.site import SiteConfig, load_config
from shared.domain import dossiers as rules
from shared.domain.codes import dossier_qr
from shared.domain.dossiers import Dossier
from shared.messaging.client import CommandClient
from shared.messaging.topics import Topics
from shared.qt.launch import PAD_GEOMETRY, WINDOW_GEOMETRY, app_command, has_screen, start_app
from shared.runtime import broker_address, connect_bus, setup_logging, stop_event, utc_now
from shared.storage.engine import close_database

log = logging.getLogger("motcua.demo")
# Environment variables the apps read for where to put their windows (WIDTHxHEIGHT+X+Y).
DISPLAY_WAIT_SECONDS = 30.0


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
        "--no-web", action="store_true", help="do not start the citizens' phone pages"
    )
    parser.add_argument(
        "--console",
        action="append",
        default=None,
        metavar="COUNTER",
        help="start a counter console for this counter (repeatable; default q07)",
    )
    parser.add_argument("--no-console", action="store_true", help="do not start counter consoles")
    parser.add_argument("--seconds", type=float, default=0, help="stop after this long (0 = never)")
    parser.add_argument(
        "--speed",
        type=float,
        default=10.0,
        help="officers work this many times faster than the services' average (1 = real pace)",
    )
    parser.add_argument(
        "--load",
        type=float,
        default=0.85,
        help="citizens arriving, as a share of what the staffed counters can serve",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed of the simulated hall")
    parser.set_defaults(handler=run)


def scaled_config(config: SiteConfig, speed: float) -> SiteConfig:
    """The site as the demo's server sees it: services take `speed` times less time.

    The server then assumes, before measuring any service, the pace the demo's officers keep,
    and its waiting estimates are in the demo's own (sped-up) minutes from the first ticket.
    """
    if speed == 1:
        return config
    services = [
        s.model_copy(update={"average_minutes": s.average_minutes / speed}) for s in config.services
    ]
    return config.model_copy(update={"services": services})


def screen_area() -> tuple[int, int, int, int]:
    """The primary screen's free area (x, y, width, height), asked of Qt in a child process."""
    probe = (
        "from PySide6.QtGui import QGuiApplication\n"
        "app = QGuiApplication([])\n"
        "g = app.primaryScreen().availableGeometry()\n"
        "print(g.x(), g.y(), g.width(), g.height())\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, timeout=15
        )
        x, y, width, height = (int(v) for v in done.stdout.split()[:4])
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return 0, 0, 1920, 1080
    return x, y, width, height


def window_layout(
    area: tuple[int, int, int, int], displays: Sequence[str], kiosk: bool, consoles: Sequence[str]
) -> dict[str, str]:
    """Place the demo's windows side by side, as X11 geometry per window name.

    The kiosk (portrait) runs down the right edge; on the left, the hall displays and the
    consoles' rating pads share the top third, the consoles (which need the height) the rest.
    """
    x0, y0, width, height = area
    kiosk_width = width // 4 if kiosk else 0
    left = width - kiosk_width
    layout: dict[str, str] = {}
    if kiosk:
        layout["kiosk"] = f"{kiosk_width}x{height}+{x0 + left}+{y0}"
    top = [*displays, *(f"{counter}-pad" for counter in consoles)]
    top_height = height // 3 if consoles and top else (height if top else 0)
    rows = [(top, y0, top_height), (list(consoles), y0 + top_height, height - top_height)]
    for names, y, row_height in rows:
        for i, name in enumerate(names):
            tile = left // len(names)
            layout[name] = f"{tile}x{row_height}+{x0 + i * tile}+{y}"
    return layout


def _env(layout: Mapping[str, str], name: str, pad: str | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if name in layout:
        env[WINDOW_GEOMETRY] = layout[name]
    if pad is not None and pad in layout:
        env[PAD_GEOMETRY] = layout[pad]
    return env


def start_displays(
    config: SiteConfig, config_path: str, stack: ExitStack, layout: Mapping[str, str]
) -> None:
    """Start one hall display per zone; without a screen they run offscreen, writing WAV files."""
    where = "cửa sổ" if has_screen() else "không có màn hình"
    for zone in config.zones:
        audio = config.data_path() / "audio" / zone.id
        options = ["--zone", zone.id, "--windowed", "--audio-dir", str(audio)]
        command = app_command("display", config_path, *options, "--log-level", "WARNING")
        process = start_app(command, _env(layout, zone.id))
        stack.callback(_stop_process, process)
        print(f"  màn hình {zone.name}: {where}, lời gọi ghi vào {audio}")


def console_counters(config: SiteConfig, args: argparse.Namespace) -> list[str]:
    """The counters whose console the demo opens for a person to drive."""
    if args.no_console:
        return []
    known = {c.id for c in config.counters}
    wanted = args.console or ["q07"]
    for counter_id in wanted:
        if counter_id not in known:
            print(f"  (bỏ qua quầy không có trong cấu hình: {counter_id})")
    return [c for c in wanted if c in known]


def start_apps(
    config: SiteConfig,
    args: argparse.Namespace,
    stack: ExitStack,
    consoles: Sequence[str],
    layout: Mapping[str, str],
) -> None:
    """Start the kiosk and the counter consoles a person drives (windows when there is a screen)."""
    from counter_console.app import console_command
    from kiosk.app import start_kiosk

    where = "cửa sổ" if has_screen() else "không có màn hình"
    if not args.no_kiosk:
        stack.callback(
            _stop_process, start_kiosk(args.config, "kiosk-1", env=_env(layout, "kiosk"))
        )
        print(f"  ki-ốt kiosk-1: {where}; vé in ra máy in mô phỏng")
    if not args.no_web:
        command = app_command("web", args.config, "--log-level", "WARNING")
        stack.callback(_stop_process, start_app(command))
        address = f"http://{config.web.listen_host}:{config.web.listen_port}"
        print(
            f"  trang điện thoại (motcua web): {address}; mã QR trên vé và phiếu hẹn mở "
            f"{config.web.public_url or address}/…"
        )
    positions = {c.id: i for i, c in enumerate(config.counters)}
    for counter_id in consoles:
        command = console_command(args.config, counter_id)
        process = start_app(command, _env(layout, counter_id, f"{counter_id}-pad"))
        stack.callback(_stop_process, process)
        counter = config.counters[positions[counter_id]]
        who = f"cb{positions[counter_id] + 1:02d}"
        if has_screen():
            print(f"  bàn làm việc {counter.name}: cửa sổ; đăng nhập {who} với mã PIN ở trên")
        else:
            print(f"  bàn làm việc {counter.name}: không có màn hình; cán bộ mô phỏng {who} trực")


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def print_seed(config: SiteConfig, seed: DemoSeed) -> None:
    """Say what a person can try: the officers' PIN and the sample dossiers."""
    print(
        f"  {seed.officers} tài khoản cán bộ (cb01… theo thứ tự quầy, giám sát {SUPERVISOR}), "
        f"mã PIN thử nghiệm: {seed.pin} (lưu trong {config.data_path() / PIN_FILE})"
    )
    for dossier in seed.dossiers:
        print(f"  hồ sơ mẫu {dossier.code} — {dossier.procedure_name}: {dossier_state(dossier)}")


def dossier_state(dossier: Dossier) -> str:
    """Say where a sample dossier stands, as the counter would tell the citizen."""
    status = dossier.status
    label = rules.STATUS_LABELS[status].lower()
    token = f"mã tra cứu {dossier.token}"
    if status is rules.DossierStatus.NOT_RECEIVED:
        return label
    if status is rules.DossierStatus.RETURNED and dossier.returned_at is not None:
        return f"{label} ngày {dossier.local(dossier.returned_at):%d/%m/%Y}"
    if status is rules.DossierStatus.DONE:
        return f"{label}, chờ công dân đến nhận; {token}"
    if dossier.apology is not None:
        return (
            f"{label}; hạn {dossier.legal_due:%d/%m/%Y} đã qua, đã có phiếu xin lỗi và hẹn lại "
            f"ngày {dossier.due:%d/%m/%Y}; {token}"
        )
    if status is rules.DossierStatus.SUPPLEMENT_REQUESTED:
        return f"{label} (thời hạn tạm dừng); {token}"
    return f"{label}, hẹn trả ngày {dossier.due:%d/%m/%Y}; {token}"


def scan_example(port: int, seed: DemoSeed) -> str:
    """A command to paste in another terminal that scans a sample slip at the demo's reader."""
    if not seed.slips:
        return ""
    code, token = seed.slips[0]
    python = sys.executable
    relative = os.path.relpath(python)
    if not relative.startswith(".."):
        python = relative
    payload = dossier_qr(code, token)
    return (
        f"{python} -c \"import socket; socket.create_connection(('127.0.0.1', {port}))"
        f".sendall(b'{payload}\\r\\n')\""
    )


def run_demo(config: SiteConfig, args: argparse.Namespace, stop: threading.Event) -> int:
    """Start the server and the simulated hall; return when `stop` is set."""
    site = config.to_domain()
    with ExitStack() as stack:
        seed = _seed(config, args)
        start_server(scaled_config(config, args.speed), args.database_url, stack, args.config)
        print(f"Motcua demo: {site.name}")
        print_seed(config, seed)
        print(
            f"  {len(site.counters)} quầy, {len(site.services)} dịch vụ, {len(site.zones)} khu vực"
        )
        consoles = console_counters(config, args)
        layout: dict[str, str] = {}
        if has_screen():
            names = [] if args.no_display else [z.id for z in config.zones]
            layout = window_layout(screen_area(), names, not args.no_kiosk, consoles)
        if not args.no_display:
            start_displays(config, args.config, stack, layout)
        start_apps(config, args, stack, consoles, layout)
        if not args.no_bot:
            _start_hall(config, args, stack, stop, seed, consoles)
        print("Nhấn Ctrl+C để dừng.", flush=True)
        stop.wait(args.seconds or None)
        stop.set()
    return 0


def _start_hall(
    config: SiteConfig,
    args: argparse.Namespace,
    stack: ExitStack,
    stop: threading.Event,
    seed: DemoSeed,
    consoles: Sequence[str],
) -> None:
    site = config.to_domain()
    bus = connect_bus(broker_address(config), site.id, "demo-bot", "bot")
    stack.callback(bus.close)
    desk = ScanDesk(
        CommandClient(bus, Topics(site.id), "demo-scan-desk"), config.dossiers.code_regex()
    )
    desk.start()
    stack.callback(desk.stop)
    example = scan_example(desk.port, seed)
    print(f"  đầu đọc mô phỏng: 127.0.0.1:{desk.port}; thử quét phiếu hẹn của một hồ sơ mẫu:")
    if example:
        print(f"    {example}")
    # A person drives the consoles on screen; without a screen, simulated officers staff them.
    driven = set(consoles) if has_screen() else set()
    staffed = [c.id for c in site.counters if c.id not in driven]
    slips = tuple(dossier_qr(code, token) for code, token in seed.slips)
    bot = HallBot(
        site,
        bus,
        staffed,
        speed=args.speed,
        load=args.load,
        desk=desk,
        seed=args.seed,
        pin=seed.pin,
        slips=slips,
    )
    print(
        f"  sảnh mô phỏng: {len(staffed)} quầy có cán bộ, làm nhanh gấp {args.speed:g} lần "
        f"thực tế ({_pace(config, args.speed)}); thời gian chờ ước tính theo nhịp này",
        flush=True,
    )

    def hall() -> None:
        """Wait for the displays, then watch the boards and run the hall until stopped."""
        if not args.no_display and not wait_for_displays(bus, site, DISPLAY_WAIT_SECONDS, stop):
            print("  (màn hình sảnh chưa sẵn sàng; sảnh vẫn bắt đầu)", flush=True)
        watch_board(bus, site)
        bot.run(stop)

    worker = threading.Thread(target=hall, name="demo-bot", daemon=True)
    worker.start()
    stack.callback(worker.join, 5)


def _pace(config: SiteConfig, speed: float) -> str:
    """Say how long the first service takes in the demo, e.g. 'hộ tịch: 48 giây một lượt'."""
    service = config.services[0]
    seconds = service.average_minutes * 60 / speed
    took = f"{seconds:.0f} giây" if seconds < 90 else f"{seconds / 60:.0f} phút"
    return f"{service.name.lower()}: {took} một lượt thay vì {service.average_minutes:g} phút"


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
