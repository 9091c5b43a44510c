"""`motcua devices`: publish the health of a site's printers on their retained status topics."""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterable
from typing import Any

from hw.printer.service import ReceiptPrinter
from hw.printer.status import PrinterStatus
from shared.cli_text import FAILURE, USAGE, complain, say
from shared.config.site import DEFAULT_CONFIG, load_config
from shared.messaging.bus import Bus
from shared.messaging.codec import encode
from shared.messaging.topics import Topics
from shared.runtime import (
    broker_address,
    connect_bus,
    device_status,
    setup_logging,
    stop_event,
)

log = logging.getLogger("motcua.devices")


def register(subparsers: Any) -> None:
    """Add the `devices` subcommand."""
    parser = subparsers.add_parser(
        "devices",
        help=say(
            "công bố tình trạng máy in (giấy, nắp, kết nối)",
            "publish the printers' health (paper, cover, connection)",
        ),
    )
    parser.add_argument(
        "--config", default=DEFAULT_CONFIG, help=say("tệp cấu hình điểm (TOML)", "site file")
    )
    parser.add_argument(
        "--every",
        type=float,
        default=30.0,
        help=say("số giây giữa hai lần kiểm tra", "seconds between checks"),
    )
    parser.add_argument(
        "--once",
        action="store_true",
        help=say("kiểm tra một lần, công bố rồi thoát", "check once, publish, and exit"),
    )
    parser.add_argument("--log-level", default="INFO", help="DEBUG, INFO, WARNING, ERROR")
    parser.set_defaults(handler=run)


def publish_printer_statuses(
    bus: Bus, topics: Topics, printers: Iterable[ReceiptPrinter]
) -> list[PrinterStatus]:
    """Query every printer (each bounded by its own timeout) and publish what was found."""
    found = []
    for printer in printers:
        status = printer.status()
        message = device_status(
            status.printer_id, "printer", status.reachable, status.to_payload(), status.checked_at
        )
        bus.publish(topics.status(status.printer_id), encode(message), retain=True)
        found.append(status)
    return found


def run(args: argparse.Namespace) -> int:
    """Check the configured printers now and then until stopped (or once with --once)."""
    setup_logging(args.log_level)
    config = load_config(args.config)
    if config is None:
        return USAGE
    if not config.printers:
        complain(
            "motcua devices",
            "tệp cấu hình chưa khai báo máy in nào ([[printers]])",
            "no [[printers]] in the site file",
        )
        return USAGE
    stop = stop_event()
    bus = connect_bus(
        broker_address(config), config.site.id, f"devices-{config.site.id}", "devices"
    )
    printers = [ReceiptPrinter(p) for p in config.printers]
    try:
        if not bus.wait_connected(10):
            complain("motcua devices", "không kết nối được broker", "cannot reach the broker")
            return FAILURE
        while True:
            for status in publish_printer_statuses(bus, Topics(config.site.id), printers):
                log.info("%s: %s", status.printer_id, status.message)
            if args.once or stop.wait(args.every):
                return 0
    finally:
        for printer in printers:
            printer.close()
        bus.close()
