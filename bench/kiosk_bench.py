"""Kiosk: touch → last ticket byte at the (simulated) printer; cold start; memory over long use.

Starts Mosquitto and `motcua server` (separate processes) on a copy of the demo site, then:
1. runs a kiosk (view-model + window, offscreen) in this process with a simulated printer and
   taps department → service → "no priority" N times; each figure is from the third tap to the
   simulator receiving the job's last byte (the connection closing on the finished job);
2. starts `motcua kiosk` as a process and times it from launch to its "ready" log line (window
   shown, broker connected, server heard);
3. simulates long use in this process — tickets, procedure searches, dossier look-ups and idle
   resets, as many as a busy hour brings — and reads resident memory along the way.

    .venv/bin/python bench/kiosk_bench.py --tickets 200 --hour-cycles 360
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from hw.printer.service import ReceiptPrinter  # noqa: E402
from kiosk.app import kiosk_command  # noqa: E402
from kiosk.printing import TicketPrinter  # noqa: E402
from kiosk.viewmodel import KioskViewModel, PrintState  # noqa: E402
from kiosk.widgets import WrapButton  # noqa: E402
from kiosk.window import KioskWindow  # noqa: E402
from server.broker import EmbeddedBroker  # noqa: E402
from shared.config.printer import PrinterConfig  # noqa: E402
from shared.config.site import load_site_config  # noqa: E402
from shared.runtime import connect_bus  # noqa: E402

DEMO = ROOT / "config" / "demo-site.toml"


def site_file(work: Path, port: int, password: str) -> Path:
    """A copy of the demo site on this broker, with its own data directory."""
    (work / "pw").write_text(password)
    text = DEMO.read_text(encoding="utf-8").replace(
        'data_dir = "var/demo"', f'data_dir = "{work / "data"}"'
    )
    text = text.replace(
        'catalogue = "demo-catalogue.csv"',
        f'catalogue = "{ROOT / "config" / "demo-catalogue.csv"}"',
    )
    text += (
        f'\n[broker]\nhost = "127.0.0.1"\nport = {port}\nusername = "motcua-local"\n'
        f'password_file = "{work / "pw"}"\n'
        "\n[kiosk]\ntickets_per_minute = 120\n\n[server]\nhealth_port = 0\n"
        # One kiosk serves a simulated day in minutes: measure the kiosk, not the rate limits.
        "\n[limits]\nenabled = false\n"
    )
    path = work / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def resident_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def wait_for(app: QApplication, condition: object, timeout: float = 15.0) -> None:
    """Run the event loop until the condition holds."""
    deadline = time.perf_counter() + timeout
    while not condition():  # type: ignore[operator]
        if time.perf_counter() > deadline:
            raise TimeoutError("the kiosk did not get there in time")
        app.processEvents()
        # An event loop frees deleteLater() widgets; processEvents() alone never does.
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        time.sleep(0.0005)


def tap(app: QApplication, window: KioskWindow, title: str) -> None:
    """Tap the visible button with this first line."""
    wait_for(app, lambda: _button(window, title) is not None)
    button = _button(window, title)
    assert button is not None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def _button(window: KioskWindow, title: str) -> WrapButton | None:
    for button in window.findChildren(WrapButton):
        if button.title() == title and button.isVisible() and button.isEnabled():
            return button
    return None


class FastClock:
    """A monotonic clock that runs a minute per ticket, so the rate limit never interferes."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 30.0
        return self.now


@contextmanager
def running_kiosk(
    app: QApplication, config_path: Path, kiosk_id: str, keep_jobs: int | None = None
) -> Iterator[tuple[KioskViewModel, KioskWindow, ReceiptPrinter]]:
    """A kiosk (view-model, portrait window, simulated printer) on the bench's broker, ready."""
    config = load_site_config(config_path)
    bus = connect_bus(load_address(config_path), config.site.id, kiosk_id, "kiosk")  # type: ignore[arg-type]
    printer = PrinterConfig(id=f"{kiosk_id}-printer", driver="sim")
    if keep_jobs is not None:
        printer = printer.model_copy(update={"keep_jobs": keep_jobs})
    receipt = ReceiptPrinter(printer)
    model = KioskViewModel(
        config, kiosk_id, printer=TicketPrinter(config, receipt, bus), clock=FastClock()
    )
    model.attach(bus)
    window = KioskWindow(model)
    window.resize(1080, 1920)
    window.show()
    try:
        wait_for(app, lambda: model.available and bool(model.queues))
        yield model, window, receipt
    finally:
        model.stop()
        window.close()
        receipt.close()
        bus.close()


def touch_to_print(app: QApplication, config_path: Path, tickets: int) -> list[float]:
    """Three taps per ticket; time from the third tap to the printer's last byte."""
    with running_kiosk(app, config_path, "kiosk-bench") as (model, window, receipt):
        return list(_timed_tickets(app, model, window, receipt, tickets))


def _timed_tickets(
    app: QApplication,
    model: KioskViewModel,
    window: KioskWindow,
    receipt: ReceiptPrinter,
    tickets: int,
) -> Iterator[float]:
    assert receipt.sim is not None
    received: list[float] = []
    original_finish = receipt.sim.finish

    def finish(data: bytes) -> object:
        received.append(time.perf_counter())
        return original_finish(data)

    receipt.sim.finish = finish  # type: ignore[method-assign]
    for _ in range(tickets):
        model.reset()
        tap(app, window, "Sở Tư pháp")
        tap(app, window, "Hộ tịch, trích lục hộ tịch")
        before = len(received)
        wait_for(app, lambda: _button(window, "KHÔNG — LẤY SỐ THƯỜNG") is not None)
        button = _button(window, "KHÔNG — LẤY SỐ THƯỜNG")
        assert button is not None
        pressed = time.perf_counter()
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        wait_for(app, lambda b=before: len(received) > b)
        yield (received[before] - pressed) * 1000
        wait_for(app, lambda: model.print_state is PrintState.PRINTED)


def load_address(config_path: Path) -> object:
    """The broker address the site file names."""
    from shared.runtime import broker_address

    return broker_address(load_site_config(config_path))


def cold_start(config_path: Path, runs: int) -> list[float]:
    """Launch `motcua kiosk` and time it to its 'ready' line."""
    figures = []
    for n in range(runs):
        command = kiosk_command(str(config_path), f"kiosk-{n + 2}", printer="sim")
        command[command.index("--log-level") + 1] = "INFO"
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, text=True)
        ready = threading.Event()

        def read(p: subprocess.Popen[str] = process, flag: threading.Event = ready) -> None:
            assert p.stderr is not None
            for line in p.stderr:
                if " ready" in line and "kiosk" in line:
                    flag.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        ok = ready.wait(30)
        figures.append((time.perf_counter() - started) * 1000 if ok else float("nan"))
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        reader.join(5)
    return figures


def long_use(app: QApplication, config_path: Path, cycles: int) -> list[tuple[int, float]]:
    """Tickets, searches, look-ups and idle resets; resident memory every tenth of the way."""
    samples = []
    with running_kiosk(app, config_path, "kiosk-soak", keep_jobs=5) as (model, _, receipt):
        assert receipt.sim is not None
        agency = model.config.dossiers.agency_code
        for i in range(cycles):
            model.reset()
            model.choose_department("tu-phap")
            model.choose_service("chung-thuc")
            model.choose_priority(None)
            wait_for(app, lambda: model.print_state is PrintState.PRINTED)
            receipt.sim.jobs.clear()  # the simulator keeps every job; a real printer does not
            model.reset()
            model.open_lookup()
            wait_for(app, lambda: model.procedures_state in ("loaded", "failed"))
            for query in ("h", "ho", "ho t", "ho tich"):
                model.set_procedure_query(query)
                app.processEvents()
            model.reset()
            model.scanned(f"{agency}-261109-{i % 9999:04d}")
            wait_for(app, lambda: not model.busy)
            model.reset()
            app.processEvents()
            if i % max(1, cycles // 10) == 0 or i == cycles - 1:
                samples.append((i + 1, resident_mb(os.getpid())))
    return samples


def main() -> int:
    """Run the three measurements and print them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tickets", type=int, default=200)
    parser.add_argument("--cold-starts", type=int, default=5)
    parser.add_argument("--hour-cycles", type=int, default=360, help="citizens in the soak run")
    parser.add_argument("--soak-config", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.soak_config:  # the soak runs in a fresh process of its own, so nothing else counts
        app = QApplication.instance() or QApplication([])
        samples = long_use(app, Path(args.soak_config), args.hour_cycles)
        print(" ".join(f"{n}:{mb:.1f}" for n, mb in samples))
        return 0

    work = Path(tempfile.mkdtemp(prefix="motcua-kiosk-bench-"))
    broker = EmbeddedBroker(work / "broker")
    address = broker.start()
    config_path = site_file(work, address.port, address.password)
    command = [sys.executable, "-m", "admin.cli", "server", "--config", str(config_path)]
    server = subprocess.Popen([*command, "--log-level", "WARNING"], cwd=ROOT)
    app = QApplication.instance() or QApplication([])
    try:
        touch = touch_to_print(app, config_path, args.tickets)
        print(
            f"touch → last ticket byte (sim printer), {len(touch)} tickets: "
            f"p50 {statistics.median(touch):.1f} ms, p99 {percentile(touch, 0.99):.1f} ms, "
            f"max {max(touch):.1f} ms   (target ≤ 150 ms)"
        )
        starts = cold_start(config_path, args.cold_starts)
        print(
            f"cold start → interactive, {len(starts)} runs: "
            f"median {statistics.median(starts):.0f} ms, max {max(starts):.0f} ms"
            "   (target ≤ 2000 ms)"
        )
        soak_command = [sys.executable, __file__, "--soak-config", str(config_path)]
        soak = subprocess.run(
            [*soak_command, "--hour-cycles", str(args.hour_cycles)],
            capture_output=True,
            text=True,
            check=True,
        )
        last_line = soak.stdout.strip().splitlines()[-1]
        samples = [(int(n), float(mb)) for n, mb in (p.split(":") for p in last_line.split())]
        first, last = samples[0][1], samples[-1][1]
        middle = samples[len(samples) // 2][1]
        print(
            f"resident memory over {args.hour_cycles} citizens (ticket + search + look-up each): "
            f"{first:.0f} MB after the first, {middle:.0f} MB halfway, {last:.0f} MB at the end; "
            f"growth in the second half {last - middle:+.1f} MB   (target ≤ 200 MB, no growth)"
        )
        print("  samples (citizens, MB): " + ", ".join(f"{n}:{mb:.0f}" for n, mb in samples))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
        broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
