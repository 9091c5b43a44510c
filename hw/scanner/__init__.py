"""Barcode and QR scanning: serial, keyboard-wedge (Qt and evdev), camera and simulated readers
behind one Scanner protocol. Qt and OpenCV are imported only by the modules that need them."""

from hw.scanner.events import (
    NOT_RECOGNISED,
    ConnectionState,
    ScanEvent,
    Scanner,
    Symbology,
)
from hw.scanner.factory import build_scanner

__all__ = [
    "NOT_RECOGNISED",
    "ConnectionState",
    "ScanEvent",
    "Scanner",
    "Symbology",
    "build_scanner",
]
