"""Hall display: call-next → board repainted with the new number; idle CPU and memory.

Phase 1 runs a display (view-model + window, offscreen) in this process against a real
`motcua server` and Mosquitto, while 40 counter clients call at an officer's pace; it times each
call from the command being sent to the first repaint that shows the number. Phase 2 starts a
real `motcua display` process, lets it sit idle, and reads its CPU time and resident memory.

    .venv/bin/python bench/display_bench.py --seconds 20
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QPaintEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from queue_bench import SITE, Harness, percentile, process_cpu_seconds  # noqa: E402

from display.viewmodel import BoardViewModel  # noqa: E402
from display.window import HallWindow  # noqa: E402
from shared.messaging import commands as c  # noqa: E402
from shared.messaging.client import CommandClient, new_request_id  # noqa: E402
from shared.messaging.paho_bus import PahoBus  # noqa: E402
from shared.messaging.topics import Topics  # noqa: E402
from shared.qt.bridge import BusBridge  # noqa: E402
from shared.runtime import connect_bus  # noqa: E402

SERVER = [sys.executable, "-m", "admin.cli"]
DISPLAY_FLAGS = ["--windowed", "--no-sound", "--log-level", "WARNING"]


class TimedWindow(HallWindow):
    """Records when each (counter, number) first appears in a finished repaint."""

    first_paint: dict[tuple[str, str], float]

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        now = time.perf_counter()
        for line in self.model.counters:
            if line.number:
                self.first_paint.setdefault((line.counter, line.number), now)


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counters", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--think", type=float, default=2.0, help="seconds between presses ± 50 %")
    parser.add_argument("--idle-seconds", type=float, default=20)
    args = parser.parse_args()

    harness = Harness(args.counters, "motcua-display-bench-")
    address, config = harness.address, harness.config
    topics = Topics(SITE)
    buses: list[PahoBus] = []
    stop = threading.Event()
    calls: list[tuple[str, str, float]] = []
    lock = threading.Lock()
    app = QApplication.instance() or QApplication([])
    try:

        def client(device: str) -> CommandClient:
            bus = connect_bus(address, SITE, device, "bench")
            buses.append(bus)
            bus.wait_connected(10)
            return CommandClient(bus, topics, device)

        kiosk = client("kiosk-bench")
        if not kiosk.send(c.IssueTicket(request_id=new_request_id(), service="s00"), 5, 10).ok:
            print("server did not answer", file=sys.stderr)
            return 1
        expected_calls = int(args.counters * args.seconds / args.think * 1.5) + 20
        for i in range(expected_calls):
            kiosk.send(c.IssueTicket(request_id=new_request_id(), service=f"s{i % 20:02d}"), 5, 3)

        display_bus = connect_bus(address, SITE, "display-z1", "display")
        buses.append(display_bus)
        model = BoardViewModel(SITE, "z1")
        bridge = BusBridge(display_bus)
        model.attach(bridge)
        model.start_clock()
        window = TimedWindow(model, "landscape")
        window.first_paint = {}
        window.resize(1920, 1080)
        window.show()

        def counter(device: str) -> None:
            q = client(device)
            jitter = random.Random(device)
            q.send(c.OpenCounter(request_id=new_request_id(), officer_id=f"o-{device}"), 10, 3)
            while not stop.wait(args.think * (0.5 + jitter.random())):
                t0 = time.perf_counter()
                reply = q.send(c.CallNext(request_id=new_request_id()), 5, 1)
                if reply.ok and reply.result.get("ticket"):
                    with lock:
                        calls.append((device, reply.result["ticket"]["number"], t0))

        zone_counters = {f"q{i:02d}" for i in range(0, args.counters, 2)}  # zone z1
        threads = [
            threading.Thread(target=counter, args=(f"q{i:02d}",)) for i in range(args.counters)
        ]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.002)
        stop.set()
        for thread in threads:
            thread.join()
        end = time.monotonic() + 1
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.002)
        with lock:
            mine = [x for x in calls if x[0] in zone_counters]
        latencies = [
            (window.first_paint[(d, n)] - t) * 1000
            for d, n, t in mine
            if (d, n) in window.first_paint
        ]
        unseen = len(mine) - len(latencies)
        model.stop()
        window.close()

        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        display = subprocess.Popen(
            [*SERVER, "display", "--config", str(config), "--zone", "z1", *DISPLAY_FLAGS],
            cwd=ROOT,
            env=env,
        )
        time.sleep(5)  # start-up, retained board
        before = process_cpu_seconds(display.pid)
        time.sleep(args.idle_seconds)
        idle_cpu = 100 * (process_cpu_seconds(display.pid) - before) / args.idle_seconds
        memory = resident_mb(display.pid)
        display.send_signal(signal.SIGTERM)
        display.wait(timeout=15)
    finally:
        stop.set()
        harness.close(buses)

    print(
        f"counters={args.counters} seconds={args.seconds:.0f} think={args.think}s ± 50 % "
        "(2-core machine; server, broker, clients and display on it)"
    )
    print(f"calls on the display's zone: {len(mine)}, never repainted: {unseen}")
    if latencies:
        print(
            f"call-next → board repainted: p50 {statistics.median(latencies):.1f} ms, "
            f"p95 {percentile(latencies, 0.95):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms"
        )
    print(f"idle display process: CPU {idle_cpu:.2f} % of one core, resident {memory:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
