"""`motcua display`: the hall display of one zone, with the call announcer."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from display.announcer import Announcer
from display.audio import AudioSink, EspeakSink, VoicePackSink
from display.ledfeed import LedBoardFeed
from display.quiet import QuietHours, QuietPeriod
from display.speech import DEFAULT_TEMPLATE
from display.viewmodel import BoardViewModel
from hw.ledboard import LedBoardConfig, build_led_board
from shared.config.site import SiteConfig
from shared.domain.counters import CounterStatus
from shared.messaging.states import BoardCall, BoardCounter, BoardState

log = logging.getLogger(__name__)

DEFAULT_CONFIG = "config/demo-site.toml"
SCREEN_SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}


def register(subparsers: Any) -> None:
    """Add the `display` subcommand."""
    parser = subparsers.add_parser("display", help="chạy màn hình gọi số của một khu vực")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="site TOML file")
    parser.add_argument("--zone", default="", help="zone id (default: the first zone)")
    parser.add_argument("--screenshot", default="", help="render demo data to this PNG and exit")
    parser.add_argument("--orientation", choices=["auto", "landscape", "portrait"], default="auto")
    parser.add_argument("--audio-dir", default="", help="where call WAV files are written")
    parser.add_argument("--voice-pack", default="", help="folder of recorded clips (see docs)")
    parser.add_argument("--voice", default="vi", help="espeak-ng voice, e.g. vi-vn-x-south")
    parser.add_argument("--template", default=DEFAULT_TEMPLATE, help="call wording template")
    parser.add_argument("--repeat", type=int, default=2, help="times each call is read")
    parser.add_argument(
        "--volume", type=int, default=100, help="loudness 0–200 (espeak-ng and voice pack)"
    )
    parser.add_argument(
        "--quiet",
        action="append",
        type=quiet_period,
        default=[],
        metavar="HH:MM-HH:MM",
        help="calls are shown but not read aloud in this period (repeatable)",
    )
    parser.add_argument("--led-port", default="", help="LED boards: serial port/URL, or 'sim'")
    parser.add_argument("--led-baudrate", type=int, default=9600, help="LED boards: baud rate")
    parser.add_argument("--led-width", type=int, default=4, help="LED boards: characters")
    parser.add_argument(
        "--led-address",
        action="append",
        default=[],
        metavar="COUNTER=NN",
        help="LED board address of a counter id (repeatable; default: its numeric label)",
    )
    parser.add_argument("--no-sound", action="store_true", help="write WAV files, never play")
    parser.add_argument("--highlight-seconds", type=float, default=20.0)
    parser.add_argument("--recent", type=int, default=8, help="calls listed on the board")
    parser.add_argument("--windowed", action="store_true", help="do not go full screen")
    parser.add_argument("--log-level", default="INFO")
    parser.set_defaults(handler=run)


def quiet_period(spec: str) -> QuietPeriod:
    """Parse a --quiet value for argparse."""
    try:
        return QuietPeriod.parse(spec)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def led_config(args: argparse.Namespace) -> LedBoardConfig | None:
    """The LED board config the --led-* options describe, or None without --led-port."""
    if not args.led_port:
        return None
    addresses: dict[str, str] = {}
    for item in args.led_address:
        counter, sep, address = item.partition("=")
        if not sep:
            raise ValueError(f"--led-address {item!r}: expected COUNTER=NN")
        addresses[counter.strip()] = address.strip()
    sim = args.led_port == "sim"
    return LedBoardConfig.model_validate(
        {
            "driver": "sim" if sim else "serial",
            "port": "" if sim else args.led_port,
            "baudrate": args.led_baudrate,
            "width": args.led_width,
            "addresses": addresses,
        }
    )


def make_led_feed(led: LedBoardConfig | None, config: SiteConfig, zone: str) -> LedBoardFeed | None:
    """Build the LED board feed for the zone's counters, or None when there are no boards."""
    if led is None:
        return None
    labels = {c.id: c.label for c in config.counters if c.zone == zone}
    return LedBoardFeed(build_led_board(led, labels), counters=labels)


def demo_board(config: SiteConfig, zone: str) -> BoardState:
    """Build a plausible board for screenshots from the site's counters (no personal data)."""
    counters = [c for c in config.counters if c.zone == zone]
    at = datetime(2026, 11, 23, 2, 10, tzinfo=UTC)
    lines, calls = [], []
    for i, counter in enumerate(counters):
        if i == len(counters) - 1:
            lines.append(
                BoardCounter(counter=counter.id, label=counter.label, status=CounterStatus.CLOSED)
            )
            continue
        number = f"{'ABC'[i % 3]}{12 + 7 * i:03d}"
        booked = i in (0, 3)  # citizens who came for an appointment: the board marks them
        lines.append(
            BoardCounter(
                counter=counter.id,
                label=counter.label,
                number=number,
                status=CounterStatus.OPEN,
                appointment=booked,
            )
        )
        calls.append(
            BoardCall(
                number=number,
                counter=counter.id,
                label=counter.label,
                at=at - timedelta(minutes=2 * i),
                appointment=booked,
            )
        )
    zone_name = next((z.name for z in config.zones if z.id == zone), zone)
    return BoardState(
        zone=zone,
        zone_name=zone_name,
        site_name=config.site.name,
        counters=lines,
        recent_calls=calls,
        updated_at=at,
    )


def make_sink(args: argparse.Namespace, config: SiteConfig) -> AudioSink:
    """Build the audio sink the options ask for: a voice pack, or espeak-ng."""
    out = Path(args.audio_dir) if args.audio_dir else config.data_path() / "display-audio"
    if args.voice_pack:
        return VoicePackSink(Path(args.voice_pack), out, play=not args.no_sound, volume=args.volume)
    return EspeakSink(out, voice=args.voice, amplitude=args.volume, play=not args.no_sound)


def run(args: argparse.Namespace) -> int:
    """Run the display until the window closes or SIGTERM; or write a screenshot and exit."""
    from shared.config.site import load_config
    from shared.runtime import setup_logging

    setup_logging(args.log_level)
    config = load_config(args.config)
    if config is None:
        return 2
    zones = [z.id for z in config.zones]
    zone = args.zone or zones[0]
    if zone not in zones:
        print(f"--zone: unknown zone {zone!r}; the site has {', '.join(zones)}", file=sys.stderr)
        return 2
    if args.screenshot:
        return screenshot(config, zone, Path(args.screenshot), args.orientation)
    try:
        led = led_config(args)
    except (ValueError, ValidationError) as exc:
        print(f"LED boards: {exc}", file=sys.stderr)
        return 2
    return show(args, config, zone, led)


def screenshot(config: SiteConfig, zone: str, path: Path, orientation: str) -> int:
    """Render the board with demo data offscreen to a PNG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from display.window import HallWindow

    app = QApplication.instance() or QApplication([])
    layout = "landscape" if orientation == "auto" else orientation
    width, height = SCREEN_SIZES[layout]
    model = BoardViewModel(
        config.site.id,
        zone,
        timezone=config.site.timezone,
        now=lambda: datetime(2026, 11, 23, 2, 10, tzinfo=UTC),
    )
    model.apply_board(demo_board(config, zone))
    model.set_connected(True)
    model.highlighted = True
    window = HallWindow(model, layout)
    window.resize(width, height)
    ok = window.grab().save(str(path), "PNG")
    model.stop()
    window.deleteLater()
    del app
    if not ok:
        print(f"could not write {path}", file=sys.stderr)
        return 1
    print(path)
    return 0


def show(
    args: argparse.Namespace, config: SiteConfig, zone: str, led: LedBoardConfig | None = None
) -> int:
    """Connect to the broker and show the board; announce calls until stopped."""
    from PySide6.QtWidgets import QApplication

    from display.window import HallWindow
    from shared.qt.bridge import BusBridge
    from shared.qt.launch import window_geometry
    from shared.qt.signals import QuitOnSignals
    from shared.runtime import broker_address, connect_bus

    try:
        address = broker_address(config)
    except (FileNotFoundError, OSError) as exc:
        print(f"display: {exc}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Before anything announces the app online: a SIGTERM from then on is a clean stop.
    quit_on_signals = QuitOnSignals(app)
    quiet = QuietHours(args.quiet, config.site.timezone)
    announcer = Announcer(
        make_sink(args, config), repeat=args.repeat, template=args.template, quiet=quiet.active
    )
    feed = make_led_feed(led, config, zone)
    model = BoardViewModel(
        config.site.id,
        zone,
        highlight_seconds=args.highlight_seconds,
        max_calls=args.recent,
        timezone=config.site.timezone,
    )
    model.call_announced.connect(announcer.announce)
    if feed is not None:
        model.changed.connect(lambda: feed.update(model.counters))
        feed.start()
    bus = connect_bus(address, config.site.id, f"display-{zone}", "display")
    bridge = BusBridge(bus)
    model.attach(bridge)
    model.start_clock()
    announcer.start()
    window = HallWindow(model, args.orientation)
    if args.windowed:
        window.resize(*SCREEN_SIZES["portrait" if args.orientation == "portrait" else "landscape"])
        if (place := window_geometry()) is not None:
            window.setGeometry(*place)
        window.show()
    else:
        window.showFullScreen()
    try:
        app.exec()
    finally:
        quit_on_signals.close()
        model.stop()
        announcer.stop()
        if feed is not None:
            feed.stop()
        bus.close()
    return 0
