"""Counter console: key press → the new current ticket shown, through a real server round trip.

Starts Mosquitto and `motcua server` (separate processes, see queue_bench.Harness), builds one
counter console (view-model + window, offscreen) in this process, keeps its queue filled from a
kiosk client, then presses F1 (call next) N times and times each press until the number label
of the serving page shows the new number.

    .venv/bin/python bench/counter_bench.py --presses 300 [--pause 0.3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from queue_bench import SITE, Harness, percentile  # noqa: E402

from counter_console.actions import Officer  # noqa: E402
from counter_console.build import build_console  # noqa: E402
from shared.config.site import load_site_config  # noqa: E402
from shared.messaging import commands as c  # noqa: E402
from shared.messaging.client import CommandClient, new_request_id  # noqa: E402
from shared.messaging.topics import Topics  # noqa: E402
from shared.runtime import connect_bus  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--presses", type=int, default=300)
    parser.add_argument(
        "--pause", type=float, default=0.3, help="seconds between presses (0 = back to back)"
    )
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    harness = Harness(2, "motcua-counter-bench-")
    config = load_site_config(harness.config)
    topics = Topics(SITE)
    kiosk_bus = connect_bus(harness.address, SITE, "bench-kiosk", "kiosk")
    console_bus = connect_bus(harness.address, SITE, "counter-q00", "counter")
    buses = [kiosk_bus, console_bus]
    console = None
    try:
        for bus in buses:
            assert bus.wait_connected(10), "broker not reachable"
        kiosk = CommandClient(kiosk_bus, topics, "kiosk-1")
        client = CommandClient(console_bus, topics, "q00")
        deadline = time.monotonic() + 20
        while not client.send(c.OpenCounter(request_id=new_request_id(), officer_id="cb01")).ok:
            assert time.monotonic() < deadline, "server did not start"
        for _ in range(args.presses + 5):
            reply = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="s00"))
            assert reply.ok, reply.error
        console = build_console(config, "q00", client)
        console.attach(console_bus)
        console.model.begin_shift(Officer("cb01", "Cán bộ đo tải"))
        window = console.window
        window.resize(1366, 768)
        window.show()
        label = window.serving_page.number
        while console.model.state is None or console.model.state.status != "open":
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        samples: list[float] = []
        loop = QEventLoop()
        shown: list[float] = []
        before = [""]

        def check() -> None:
            # The view refreshes on `changed` (connected first), so the label is current here.
            if label.text() != before[0] and not console.model.busy and not shown:
                shown.append(time.perf_counter())
                loop.quit()

        console.model.changed.connect(check)
        give_up = QTimer()
        give_up.setSingleShot(True)
        give_up.setInterval(10_000)
        give_up.timeout.connect(loop.quit)
        pause = QEventLoop()
        for _ in range(args.presses):
            if args.pause:
                QTimer.singleShot(int(args.pause * 1000), pause.quit)
                pause.exec()  # let the server publish the previous call's states first
            before[0] = label.text()
            shown.clear()
            start = time.perf_counter()
            QTest.keyClick(window, Qt.Key.Key_F1)
            if not shown:
                give_up.start()
                loop.exec()  # the UI thread sleeps in Qt's loop, as in the real app
                give_up.stop()
            if not shown:
                raise SystemExit(f"no new number after 10 s: {console.model.message}")
            samples.append((shown[0] - start) * 1000)
        print(
            f"key press → current ticket shown ({len(samples)} presses, {args.pause:g} s apart, "
            "real server + broker):"
        )
        print(
            f"  p50 {percentile(samples, 0.5):.1f} ms   p99 {percentile(samples, 0.99):.1f} ms   "
            f"mean {statistics.mean(samples):.1f} ms   max {max(samples):.1f} ms"
        )
    finally:
        if console is not None:
            console.close()
        harness.close(buses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
