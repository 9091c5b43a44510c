"""`motcua counter`: the console of one counter, its citizen rating pad, the supervisor view."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

from shared.config.printer import PrinterConfig
from shared.config.scanner import ScannerConfig
from shared.config.site import SiteConfig
from shared.qt.launch import app_command, start_app

DEFAULT_CONFIG = "config/demo-site.toml"
SCREENS = (
    "login",
    "lock",
    "serving",
    "appointment",
    "transfer",
    "dossier",
    "return",
    "transfer-result",
    "result-coming",
    "result-held",
    "rating",
    "supervisor",
)
CONSOLE_SIZE = (1366, 768)
RATING_SIZE = (1280, 800)


def register(subparsers: Any) -> None:
    """Add the `counter` subcommand."""
    parser = subparsers.add_parser("counter", help="chạy màn hình làm việc của một quầy")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="site TOML file")
    parser.add_argument("--counter", default="", help="counter id (default: the first counter)")
    parser.add_argument("--printer", default="", help="[[printers]] id for slips (or 'sim')")
    parser.add_argument(
        "--scanner",
        action="append",
        default=[],
        help=(
            "scanner id from [[scanners]] (repeatable; default: those named COUNTER-…): "
            "ID cards fill the receive form, slips open the dossier on the return desk"
        ),
    )
    parser.add_argument("--keypad", default="", help="serial keypad port or pyserial URL")
    parser.add_argument("--keypad-baudrate", type=int, default=9600)
    parser.add_argument("--no-rating-pad", action="store_true", help="do not open the pad window")
    parser.add_argument("--screenshot", default="", help="render demo data to this PNG and exit")
    parser.add_argument("--screen", choices=SCREENS, default="serving", help="with --screenshot")
    parser.add_argument(
        "--size", default="", help="with --screenshot: window size WIDTHxHEIGHT (e.g. 1920x1080)"
    )
    parser.add_argument("--windowed", action="store_true", help="do not go full screen")
    parser.add_argument("--log-level", default="INFO")
    parser.set_defaults(handler=run)


def choose_printer(config: SiteConfig, counter_id: str, wanted: str) -> PrinterConfig:
    """The printer of a counter: --printer, else [counter_console] printers, else a simulator."""
    printer_id = wanted or config.counter_console.printers.get(counter_id, "")
    if printer_id and printer_id != "sim":
        found = next((p for p in config.printers if p.id == printer_id), None)
        if found is None:
            raise ValueError(f"no [[printers]] entry with id {printer_id!r}")
        return found
    out = config.data_path() / "printer" / counter_id
    return PrinterConfig(id=f"{counter_id}-printer", driver="sim", sim_output_dir=str(out))


def choose_scanners(config: SiteConfig, counter_id: str, wanted: list[str]) -> list[ScannerConfig]:
    """The scanners named with --scanner, else every scanner whose id starts with the counter id."""
    if wanted:
        by_id = {s.id: s for s in config.scanners}
        missing = [name for name in wanted if name not in by_id]
        if missing:
            raise ValueError(f"no [[scanners]] entry with id {', '.join(missing)}")
        return [by_id[name] for name in wanted]
    return [s for s in config.scanners if s.id.startswith(f"{counter_id}-")]


def parse_size(text: str) -> tuple[int, int] | None:
    """Read a window size written WIDTHxHEIGHT, or None when it is empty or malformed."""
    width, _, height = text.lower().partition("x")
    if not (width.isdigit() and height.isdigit()):
        return None
    return int(width), int(height)


def run(args: argparse.Namespace) -> int:
    """Run the console until the window closes or SIGTERM; or write a screenshot and exit."""
    from shared.config.site import load_config
    from shared.runtime import setup_logging

    setup_logging(args.log_level)
    config = load_config(args.config)
    if config is None:
        return 2
    counters = [c.id for c in config.counters]
    counter_id = args.counter or counters[0]
    if counter_id not in counters:
        print(
            f"--counter: unknown counter {counter_id!r}; the site has {', '.join(counters)}",
            file=sys.stderr,
        )
        return 2
    if args.screenshot:
        from counter_console.screenshot import screenshot

        size = parse_size(args.size)
        if args.size and size is None:
            print(f"--size: expected WIDTHxHEIGHT, got {args.size!r}", file=sys.stderr)
            return 2
        return screenshot(config, counter_id, Path(args.screenshot), args.screen, size)
    try:
        printer = choose_printer(config, counter_id, args.printer)
    except ValueError as exc:
        print(f"--printer: {exc}", file=sys.stderr)
        return 2
    try:
        scanners = choose_scanners(config, counter_id, args.scanner)
    except ValueError as exc:
        print(f"--scanner: {exc}", file=sys.stderr)
        return 2
    from counter_console.live import show

    return show(args, config, counter_id, printer, scanners)


def console_command(config_path: str, counter_id: str, *extra: str) -> list[str]:
    """The command line that starts the console of a counter (for `motcua demo`)."""
    return app_command("counter", config_path, "--counter", counter_id, "--windowed", *extra)


def start_console(config_path: str, counter_id: str, *extra: str) -> subprocess.Popen[bytes]:
    """Start a counter console process; offscreen when there is no screen (stop it with SIGTERM)."""
    return start_app(console_command(config_path, counter_id, *extra))
