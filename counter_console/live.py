"""Run a console connected to the site's broker, with its rating pad and optional keypad."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal

from shared.config.printer import PrinterConfig
from shared.config.scanner import ScannerConfig
from shared.config.site import SiteConfig

if TYPE_CHECKING:
    from counter_console.build import Console
    from hw.scanner.base import ScannerBase


class KeypadBridge(QObject):
    """Carries keypad actions from the serial reader thread to the UI thread."""

    pressed = Signal(str)


class ScannerBridge(QObject):
    """Carries scan events (hw.scanner.events.ScanEvent) from a reader's thread to the UI thread."""

    scanned = Signal(object)


def start_scanners(console: Console, scanners: list[ScannerBase]) -> ScannerBridge:
    """Start the readers; their scans reach `console.scanned` on the UI thread.

    The bridge belongs to the console window, so it lives as long as the window.
    """
    bridge = ScannerBridge(console.window)
    # Queued: emitted on the reader's thread, handled on the UI thread (the bridge's).
    bridge.scanned.connect(console.scanned, Qt.ConnectionType.QueuedConnection)
    for scanner in scanners:
        scanner.add_scan_listener(bridge.scanned.emit)
        scanner.start()
    return bridge


def show(
    args: argparse.Namespace,
    config: SiteConfig,
    counter_id: str,
    printer: PrinterConfig,
    scanner_configs: list[ScannerConfig] | None = None,
) -> int:
    """Connect and show the console until stopped."""
    from PySide6.QtWidgets import QApplication

    from counter_console.actions import Action
    from counter_console.build import build_console
    from hw.keypad import KeyMap, SerialKeypad
    from hw.printer.service import ReceiptPrinter
    from hw.scanner.factory import build_scanner
    from shared.messaging.client import CommandClient
    from shared.messaging.topics import Topics
    from shared.qt.launch import PAD_GEOMETRY, window_geometry
    from shared.qt.signals import QuitOnSignals
    from shared.runtime import broker_address, connect_bus

    try:
        address = broker_address(config)
    except (FileNotFoundError, OSError) as exc:
        print(f"counter: {exc}", file=sys.stderr)
        return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # Before anything announces the app online: a SIGTERM from then on is a clean stop.
    quit_on_signals = QuitOnSignals(app)
    assert isinstance(app, QApplication)
    # One rule for every app: client id = broker user = device id; replies on reply/{device}.
    bus = connect_bus(address, config.site.id, counter_id, "counter")
    client = CommandClient(bus, Topics(config.site.id), counter_id)
    console = build_console(config, counter_id, client, ReceiptPrinter(printer))
    console.attach(bus)
    console.model.start_clock()
    app.installEventFilter(console.window)
    keypad = None
    if args.keypad:
        bridge = KeypadBridge()
        bridge.pressed.connect(lambda name: console.window.trigger(Action(name)))
        keypad = SerialKeypad(
            args.keypad,
            bridge.pressed.emit,
            keymap=KeyMap(config.counter_console.keys or None),
            baudrate=args.keypad_baudrate,
        )
        keypad.start()
    # Code readers: an ID card fills the receive form, a slip opens the dossier to return.
    pattern = config.dossiers.code_regex()
    foreign = config.dossiers.foreign_code_patterns
    scanners = [
        build_scanner(s, dossier_pattern=pattern, foreign_patterns=foreign)
        for s in scanner_configs or []
    ]
    start_scanners(console, scanners)
    window = console.window
    if args.windowed:
        window.resize(1366, 768)
        if (place := window_geometry()) is not None:
            window.setGeometry(*place)
        window.show()
    else:
        window.showFullScreen()
    if not args.no_rating_pad:
        pad = console.rating_window
        screens = app.screens()
        if len(screens) > 1 and not args.windowed:
            pad.setScreen(screens[1])
            pad.move(screens[1].geometry().topLeft())
            pad.showFullScreen()
        else:
            pad.resize(800, 500)
            if (place := window_geometry(PAD_GEOMETRY)) is not None:
                pad.setGeometry(*place)
            pad.show()
    try:
        app.exec()
    finally:
        quit_on_signals.close()
        if keypad is not None:
            keypad.stop()
        for scanner in scanners:
            scanner.stop()
        console.close()
        bus.close()
    return 0
