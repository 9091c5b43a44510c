"""Scanning benchmark: decoder read rate, false reads and ms per 1280×720 frame, per decoder,
symbology and condition, and scan-to-event latency for serial (loop://, pty) and keyboard-wedge
sources.

Frames (hw/scanner/synthetic.py): "slip" = a code printed on a paper slip among text, held up
to a webcam (easy; tilted ±20° and turned away ±20°; blurred = defocused 0.4–0.55 module) and
blank or striped slips (empty); "bare" = the earlier generator's bare symbol in clutter.

Run: .venv/bin/python bench/scan_bench.py [--frames N] [--seed S] [--no-latency]
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2
import numpy as np
import serial

from hw.scanner.decoders import Frame, make_decoder
from hw.scanner.events import ScanEvent
from hw.scanner.serial_port import SerialScanner
from hw.scanner.synthetic import (
    LEVELS,
    SLIP_CODE128,
    SLIP_QR,
    blank_slip_symbol,
    code128_symbol,
    qr_symbol,
    render_frame,
    render_slip,
)

SEED = 20261123
SLIP = "MCD1:000.00.17.H12-250701-0001:K7M2Q9XD"
DOSSIER = "000.00.17.H12-250701-0001"
DECODER_NAMES = ("zxing", "pyzbar")


@dataclass(frozen=True)
class FrameSet:
    """Frames of one row: what they show, under which condition, and the text expected."""

    symbology: str
    scene: str
    condition: str
    expected: str  # "" for frames with no code
    frames: list[Frame]


def frame_sets(count: int, seed: int) -> list[FrameSet]:
    """Generate every row's frames with a fixed seed (each row its own generator)."""
    qr, bars = qr_symbol(SLIP), code128_symbol(DOSSIER)

    def make(render: Callable[[np.random.Generator], Frame]) -> list[Frame]:
        rng = np.random.default_rng(seed)
        return [render(rng) for _ in range(count)]

    sets = []
    for name, condition in SLIP_QR.items():
        frames = make(lambda rng, c=condition: render_slip(qr, c, rng))
        sets.append(FrameSet("QR", "slip", name, SLIP, frames))
    for name, condition in SLIP_CODE128.items():
        frames = make(lambda rng, c=condition: render_slip(bars, c, rng, caption=DOSSIER))
        sets.append(FrameSet("Code128", "slip", name, DOSSIER, frames))
    # Slips without a code: blank, or printed stripes that are no barcode (a false-read trap).
    empty = make(
        lambda rng: render_slip(
            blank_slip_symbol(rng, "stripes" if rng.random() < 0.5 else "paper"),
            SLIP_CODE128["easy"],
            rng,
        )
    )
    sets.append(FrameSet("none", "slip", "empty", "", empty))
    # The earlier generator (a bare symbol in clutter), kept so QR figures stay comparable.
    for name in ("easy", "moderate", "hard"):
        frames = make(lambda rng, level=LEVELS[name]: render_frame(qr, level, rng))
        sets.append(FrameSet("QR", "bare", name, SLIP, frames))
    blank = np.full((20, 20), 255, np.uint8)
    frames = make(lambda rng: render_frame(blank, LEVELS["moderate"], rng))
    sets.append(FrameSet("none", "bare", "empty", "", frames))
    return sets


def bench_decoders(count: int, seed: int = SEED) -> Iterator[tuple[str, ...]]:
    """Yield a row per frame set and decoder: reads, false reads, mean and p95 ms/frame."""
    sets = frame_sets(count, seed)
    for name in DECODER_NAMES:
        try:
            decoder = make_decoder(name)
        except RuntimeError as exc:  # pyzbar without libzbar0
            print(f"{name}: {exc}", file=sys.stderr)
            continue
        decoder.decode(sets[0].frames[0])  # warm-up
        for row in sets:
            ok = false = 0
            spent = []
            for image in row.frames:
                start = time.perf_counter()
                found = decoder.decode(image)
                spent.append(1000 * (time.perf_counter() - start))
                ok += any(code.text == row.expected for code in found)
                false += any(code.text != row.expected for code in found)
            spent.sort()
            rate = f"{100 * ok / count:.1f} %" if row.expected else "-"
            yield (
                row.symbology,
                row.scene,
                row.condition,
                name,
                rate,
                str(false),
                f"{statistics.fmean(spent):.1f}",
                f"{spent[int(0.95 * (len(spent) - 1))]:.1f}",
            )


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
    parser.add_argument("--frames", type=int, default=200, help="frames per row (default 200)")
    parser.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    parser.add_argument("--scans", type=int, default=200, help="scans per latency source")
    parser.add_argument("--no-latency", action="store_true", help="decoding figures only")
    args = parser.parse_args()
    cv2.setNumThreads(1)  # one core, as on a kiosk that also runs its screen
    print(f"Decoding 1280×720 frames, {args.frames} per row, seed {args.seed}, one thread")
    print(
        f"{'symbology':<10}{'scene':<6}{'condition':<10}{'decoder':<8}{'read':>8}{'false':>6}"
        f"{'ms mean':>9}{'ms p95':>8}"
    )
    for row in bench_decoders(args.frames, args.seed):
        print(
            f"{row[0]:<10}{row[1]:<6}{row[2]:<10}{row[3]:<8}{row[4]:>8}{row[5]:>6}"
            f"{row[6]:>9}{row[7]:>8}",
            flush=True,
        )
    if args.no_latency:
        return
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
