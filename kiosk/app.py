"""`motcua kiosk`: the touchscreen kiosk — take a number, look up procedures, follow a dossier."""

from __future__ import annotations

import argparse
import getpass
import logging
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from shared.config.site import SiteConfig, load_config
from shared.qt.launch import app_command, start_app, window_geometry

log = logging.getLogger(__name__)

DEFAULT_CONFIG = "config/demo-site.toml"
SCREEN_SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
TEXT_SIZES = ("smallest", "normal", "largest")
# --screen name → what the screenshot shows.
SCREENS = (
    "start",
    "services",
    "priority",
    "share",
    "ticket",
    "ticket-no-paper",
    "lookup",
    "procedure",
    "scan",
    "scan-digits",
    "progress",
    "progress-ready",
    "appointment",
    "ticket-appointment",
    "error",
)


def register(subparsers: Any) -> None:
    """Add the `kiosk` subcommand."""
    parser = subparsers.add_parser("kiosk", help="chạy ki-ốt cảm ứng lấy số và tra cứu")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="site TOML file")
    parser.add_argument("--kiosk", default="kiosk-1", help="kiosk id (its MQTT client id)")
    parser.add_argument(
        "--printer",
        default="",
        help="printer id from [[printers]], or 'sim' (default: KIOSK-printer)",
    )
    parser.add_argument(
        "--scanner",
        action="append",
        default=[],
        help="scanner id from [[scanners]] (repeatable; default: those named KIOSK-…)",
    )
    parser.add_argument("--screenshot", default="", help="render demo data to this PNG and exit")
    parser.add_argument("--screen", choices=SCREENS, default="start", help="screen to render")
    parser.add_argument("--orientation", choices=["landscape", "portrait"], default="portrait")
    parser.add_argument(
        "--text-size",
        choices=TEXT_SIZES,
        default="normal",
        help="text size of the screenshot (the citizen's A− / A+)",
    )
    parser.add_argument("--windowed", action="store_true", help="a normal window, not kiosk mode")
    parser.add_argument(
        "--hash-pin",
        action="store_true",
        help="ask for this kiosk's exit PIN and write its hash to --pin-file",
    )
    parser.add_argument(
        "--pin-file",
        default="/etc/motcua/credentials/kiosk-admin-pin",
        help="with --hash-pin: the kiosk's own PIN file (mode 0600)",
    )
    parser.add_argument("--log-level", default="INFO")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Run the kiosk until the admin exit or SIGTERM; or write a screenshot; or hash a PIN."""
    from shared.runtime import setup_logging

    setup_logging(args.log_level)
    # python-escpos calls logging.basicConfig() on import, which can win the race: set the level.
    logging.getLogger().setLevel(args.log_level.upper())
    if args.hash_pin:
        return write_exit_pin(Path(args.pin_file))
    config = load_config(args.config)
    if config is None:
        return 2
    if args.screenshot:
        from kiosk.screenshot import screenshot

        return screenshot(
            config, Path(args.screenshot), args.screen, args.orientation, args.text_size
        )
    return show(args, config)


def write_exit_pin(path: Path) -> int:
    """Ask for the technician's exit PIN twice and write its hash to this kiosk's PIN file."""
    from kiosk.admin import write_pin_hash
    from shared.cli_text import FAILURE, USAGE, say
    from shared.domain.credentials import PinPolicy

    pin = getpass.getpass(say("PIN (chỉ gồm chữ số): ", "PIN (digits only): "))
    problem = PinPolicy().problem(pin)
    if pin and not pin.isdigit():
        problem = say("PIN chỉ gồm chữ số", "the PIN is digits only")
    if problem is not None:
        print(f"{problem}.", file=sys.stderr)
        return USAGE
    if getpass.getpass(say("Nhập lại PIN: ", "PIN again: ")) != pin:
        print(say("Hai lần nhập không khớp.", "The two PINs differ."), file=sys.stderr)
        return USAGE
    try:
        write_pin_hash(path, pin)
    except OSError as exc:
        print(say(f"Không ghi được {path}: {exc}", f"Cannot write {path}: {exc}"), file=sys.stderr)
        return FAILURE
    print(path)
    return 0


def kiosk_command(
    config_path: str, kiosk_id: str = "kiosk-1", printer: str = "sim", windowed: bool = True
) -> list[str]:
    """The command line that runs a kiosk (for `motcua demo` and benchmarks)."""
    options = ["--kiosk", kiosk_id, "--log-level", "WARNING"]
    if printer:
        options += ["--printer", printer]
    if windowed:
        options.append("--windowed")
    return app_command("kiosk", config_path, *options)


def start_kiosk(
    config_path: str,
    kiosk_id: str = "kiosk-1",
    *,
    printer: str = "sim",
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start a kiosk window in its own process (offscreen when there is no display)."""
    return start_app(kiosk_command(config_path, kiosk_id, printer), env)


def announce_ready(model: Any) -> None:
    """Log once when the kiosk first becomes usable (benchmarks time cold start by it)."""

    def check() -> None:
        if model.available:
            model.changed.disconnect(check)
            log.info("kiosk %s ready", model.kiosk_id)

    model.changed.connect(check)


def show(args: argparse.Namespace, config: SiteConfig) -> int:
    """Connect to the broker and run the kiosk until the admin exit or SIGTERM."""
    from PySide6.QtWidgets import QApplication

    from kiosk.viewmodel import KioskViewModel
    from kiosk.window import KioskWindow
    from shared.qt.signals import QuitOnSignals
    from shared.runtime import broker_address, connect_bus

    try:
        address = broker_address(config)
    except (FileNotFoundError, OSError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Before anything announces the app online: a SIGTERM from then on is a clean stop.
    quit_on_signals = QuitOnSignals(app)
    bus = connect_bus(address, config.site.id, args.kiosk, "kiosk")
    model = KioskViewModel(config, args.kiosk)
    model.attach(bus)
    window = KioskWindow(model)
    window.exit_requested.connect(app.quit)
    if args.windowed:
        window.resize(*SCREEN_SIZES[args.orientation])
        if (place := window_geometry()) is not None:
            window.setGeometry(*place)
        window.show()
    else:
        window.enter_kiosk_mode()
    try:
        # The printer stack loads once the start screen is up (cold start).
        from kiosk.devices import KioskDevices

        devices = KioskDevices.build(config, args.kiosk, bus, args.printer, args.scanner)
    except ValueError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        model.stop()
        bus.close()
        return 2
    model.printer = devices.printer
    devices.start(model)
    announce_ready(model)
    try:
        app.exec()
    finally:
        quit_on_signals.close()
        window.allow_close = True
        window.close()
        model.stop()
        devices.stop()
        bus.close()
    return 0
