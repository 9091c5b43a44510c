"""Scanning benchmark: decoder read rate and ms per 1280×720 frame at three difficulty levels,
and scan-to-event latency for serial (loop://, pty) and keyboard-wedge sources.

Run: .venv/bin/python bench/scan_bench.py [--frames N]   (fixed seed; prints a table)
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import serial

from hw.scanner.decoders import make_decoder
from hw.scanner.events import ScanEvent
from hw.scanner.serial_port import SerialScanner
from hw.scanner.synthetic import (
    CODE128_LEVELS,
    LEVELS,
    code128_symbol,
    qr_symbol,
    render_frame,
)

SEED = 20261123
SLIP = "MCD1:000.00.17.H12-250701-0001:K7M2Q9XD"
DOSSIER = "000.00.17.H12-250701-0001"


def bench_decoders(frames: int) -> list[tuple[str, ...]]:
    rows = []
    jobs = [
        ("QR", qr_symbol(SLIP), SLIP, LEVELS),
        ("Code128", code128_symbol(DOSSIER), DOSSIER, CODE128_LEVELS),
    ]
    for symbology, symbol, text, levels in jobs:
        for level in ("easy", "moderate", "hard"):
            rng = np.random.default_rng(SEED)
            images = [render_frame(symbol, levels[level], rng) for _ in range(frames)]
            for name in ("zxing", "pyzbar"):
                decoder = make_decoder(name)
                decoder.decode(images[0])  # warm-up
                ok, spent = 0, 0.0
                for image in images:
                    start = time.perf_counter()
                    found = decoder.decode(image)
                    spent += time.perf_counter() - start
                    ok += any(code.text == text for code in found)
                rows.append(
                    (
                        symbology,
                        level,
                        name,
                        f"{100 * ok / frames:.1f} %",
                        f"{1000 * spent / frames:.1f}",
                    )
                )
    # A scene with no code (a blank slip in the clutter): what most live frames look like.
    rng = np.random.default_rng(SEED)
    blank = np.full((20, 20), 255, np.uint8)
    empties = [render_frame(blank, LEVELS["moderate"], rng) for _ in range(frames)]
    for name in ("zxing", "pyzbar"):
        decoder = make_decoder(name)
        start = time.perf_counter()
        for image in empties:
            decoder.decode(image)
        ms = 1000 * (time.perf_counter() - start) / frames
        rows.append(("none", "moderate", name, "-", f"{ms:.1f}"))
    return rows


def _latencies(scanner: SerialScanner, write: object, count: int) -> list[float]:
    got: queue.Queue[ScanEvent] = queue.Queue()
    scanner.add_scan_listener(got.put)
    samples = []
    with scanner:
        time.sleep(0.2)  # let the port open
        for n in range(count):
            line = f"MCT1:hcc-demo:20261123:A{n:03d}\r".encode()
            start = time.perf_counter()
            write(line)  # type: ignore[operator]
            got.get(timeout=5)
            samples.append(time.perf_counter() - start)
            time.sleep(0.002)
    return samples


def bench_serial_loop(count: int) -> list[float]:
    port = serial.serial_for_url("loop://", timeout=0.05)
    scanner = SerialScanner("loop", "loop://", opener=lambda: port, repeat_window_s=0)
    return _latencies(scanner, port.write, count)


def bench_serial_pty(count: int) -> list[float]:
    import tty

    master, slave = os.openpty()
    tty.setraw(master)
    name = os.ttyname(slave)
    scanner = SerialScanner("pty", name, baudrate=115200, repeat_window_s=0)
    try:
        return _latencies(scanner, lambda data: os.write(master, data), count)
    finally:
        os.close(master)
        os.close(slave)


def bench_wedge(count: int) -> list[float]:
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from hw.scanner.wedge import WedgeScanner

    app = QApplication.instance() or QApplication([])
    edit = QLineEdit()
    edit.show()
    QTest.qWaitForWindowExposed(edit)
    edit.setFocus()
    window = edit.windowHandle()

    def press(text: str, key: int) -> None:
        # Not QTest.keyClick: PySide6 6.12's QTest key functions leak a None reference per call.
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
            QCoreApplication.sendEvent(window, event)

    scanner = WedgeScanner("wedge", repeat_window_s=0)
    got: list[float] = []
    scanner.add_scan_listener(lambda event: got.append(time.perf_counter()))
    scanner.start()
    samples = []
    for n in range(count):
        for char in f"MCT1:hcc-demo:20261123:A{n:03d}":
            press(char, ord(char.upper()))
        start = time.perf_counter()
        press("\r", Qt.Key.Key_Return.value)
        app.processEvents()
        samples.append(got[-1] - start)
    scanner.stop()
    edit.close()
    edit.deleteLater()
    app.processEvents()
    assert len(got) == count, "a scan burst was not recognised"
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=200, help="frames per level (default 200)")
    parser.add_argument("--scans", type=int, default=200, help="scans per latency source")
    args = parser.parse_args()
    print(f"Decoding 1280×720 frames, {args.frames} per row, seed {SEED}, one thread")
    print(f"{'symbology':<10}{'level':<10}{'decoder':<8}{'read rate':>10}{'ms/frame':>10}")
    for row in bench_decoders(args.frames):
        print(f"{row[0]:<10}{row[1]:<10}{row[2]:<8}{row[3]:>10}{row[4]:>10}")
    print()
    print(f"Scan-to-event latency after the terminator, {args.scans} scans each (wedge: 50)")
    print(f"{'source':<16}{'median ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for name, bench in (
        ("serial loop://", bench_serial_loop),
        ("serial pty", bench_serial_pty),
        ("wedge (Qt)", bench_wedge),
    ):
        # Wedge: 50 scans only. PySide6 6.12 on Python 3.11 drops a reference to None on every
        # void call (QTimer.start …); thousands of them crash the interpreter at exit.
        count = min(args.scans, 50) if bench is bench_wedge else args.scans
        samples = sorted(1000 * s for s in bench(count))
        p95 = samples[int(0.95 * (len(samples) - 1))]
        print(f"{name:<16}{statistics.median(samples):>10.2f}{p95:>10.2f}{samples[-1]:>10.2f}")


if __name__ == "__main__":
    main()
