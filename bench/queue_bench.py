"""Queue server throughput and call-to-board latency against a real server and Mosquitto.

Starts Mosquitto and `motcua server` (separate processes) on a generated site with N counters,
then runs K kiosk clients and N counter clients, each its own MQTT connection, issuing tickets
and calling them in a closed loop for a fixed time. A display client times call-next → the
zone's board showing the new number.

    .venv/bin/python bench/queue_bench.py --counters 40 --kiosks 10 --seconds 20
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.broker import EmbeddedBroker  # noqa: E402
from shared.messaging import commands as c  # noqa: E402
from shared.messaging.bus import Message  # noqa: E402
from shared.messaging.client import CommandClient, new_request_id  # noqa: E402
from shared.messaging.paho_bus import PahoBus  # noqa: E402
from shared.messaging.topics import Topics  # noqa: E402
from shared.runtime import connect_bus  # noqa: E402

SITE = "bench"


def site_file(directory: Path, counters: int, broker_port: int, password: str) -> Path:
    services = 20
    lines = [
        f'data_dir = "{directory / "data"}"',
        "[site]",
        f'id = "{SITE}"',
        'name = "Trung tâm đo tải"',
        "[[departments]]",
        'id = "d"',
        'name = "Sở"',
        "[[zones]]",
        'id = "z1"',
        'name = "Tầng 1"',
        "[[zones]]",
        'id = "z2"',
        'name = "Tầng 2"',
    ]
    prefixes = [chr(ord("A") + i) for i in range(services)]
    for i in range(services):
        lines += [
            "[[services]]",
            f'code = "s{i:02d}"',
            f'name = "Dịch vụ {i}"',
            'department = "d"',
            f'prefix = "{prefixes[i]}"',
        ]
    for i in range(counters):
        lines += [
            "[[counters]]",
            f'id = "q{i:02d}"',
            f'label = "{i + 1}"',
            f'services = ["s{i % services:02d}", "s{(i + 1) % services:02d}"]',
            f'zone = "z{1 + i % 2}"',
        ]
    (directory / "pw").write_text(password)
    lines += [
        "[broker]",
        'host = "127.0.0.1"',
        f"port = {broker_port}",
        'username = "motcua-local"',
        f'password_file = "{directory / "pw"}"',
        # The bench drives each client far faster than a person: measure the writer, not limits.
        "[limits]",
        "enabled = false",
    ]
    path = directory / "site.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


class Harness:
    """A private Mosquitto and a `motcua server` process on a generated site, for benchmarks."""

    def __init__(self, counters: int, prefix: str) -> None:
        work = Path(tempfile.mkdtemp(prefix=prefix))
        self.broker = EmbeddedBroker(work / "broker")
        self.address = self.broker.start()
        self.config = site_file(work, counters, self.address.port, self.address.password)
        command = [sys.executable, "-m", "admin.cli", "server", "--config", str(self.config)]
        self.server = subprocess.Popen([*command, "--log-level", "WARNING"], cwd=ROOT)

    def close(self, buses: list[PahoBus]) -> None:
        """Disconnect the clients, stop the server, then the broker."""
        for bus in buses:
            bus.close()
        self.server.send_signal(signal.SIGTERM)
        self.server.wait(timeout=20)
        self.broker.stop()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counters", type=int, default=40)
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument(
        "--think", type=float, default=0.05, help="seconds an officer waits between presses"
    )
    parser.add_argument(
        "--kiosk-pause", type=float, default=0.0, help="seconds a kiosk waits between tickets"
    )
    args = parser.parse_args()

    harness = Harness(args.counters, "motcua-bench-")
    address, server = harness.address, harness.server
    topics = Topics(SITE)
    stop = threading.Event()
    replies = 0
    errors: dict[str, int] = {}
    lock = threading.Lock()
    first_on_board: dict[tuple[str, str], float] = {}  # (counter, number) → first seen
    calls: list[tuple[str, str, float]] = []  # (counter, number, pressed at)
    reply_latency: dict[str, list[float]] = {"issue_ticket": [], "call_next": []}
    buses: list[PahoBus] = []
    try:
        display = connect_bus(address, SITE, "display-bench", "display")
        buses.append(display)
        display.wait_connected(10)

        def on_board(message: Message) -> None:
            now = time.perf_counter()
            board = json.loads(message.payload)
            with lock:
                for line in board["counters"]:
                    if line["number"]:
                        first_on_board.setdefault((line["counter"], line["number"]), now)

        display.subscribe(topics.board("z1"), on_board)
        display.subscribe(topics.board("z2"), on_board)

        def client(device: str) -> CommandClient:
            bus = connect_bus(address, SITE, device, "bench")
            buses.append(bus)
            bus.wait_connected(10)
            return CommandClient(bus, topics, device)

        def record(verb: str, started: float, ok: bool, code: str | None) -> None:
            nonlocal replies
            with lock:
                replies += 1
                if ok:
                    reply_latency[verb].append(time.perf_counter() - started)
                elif code:
                    errors[code] = errors.get(code, 0) + 1

        def kiosk(device: str) -> None:
            k = client(device)
            jitter = random.Random(device)
            i = 0
            while not stop.is_set():
                i += 1
                t0 = time.perf_counter()
                r = k.send(
                    c.IssueTicket(request_id=new_request_id(), service=f"s{i % 20:02d}"), 5, 1
                )
                record("issue_ticket", t0, r.ok, r.error.code.value if r.error else None)
                if args.kiosk_pause:
                    time.sleep(args.kiosk_pause * (0.5 + jitter.random()))

        def counter(device: str) -> None:
            q = client(device)
            jitter = random.Random(device)
            q.send(c.OpenCounter(request_id=new_request_id(), officer_id=f"o-{device}"), 10, 3)
            while not stop.is_set():
                t0 = time.perf_counter()
                r = q.send(c.CallNext(request_id=new_request_id()), 5, 1)
                if r.ok and r.result.get("ticket"):
                    with lock:
                        calls.append((device, r.result["ticket"]["number"], t0))
                record("call_next", t0, r.ok, r.error.code.value if r.error else None)
                # Officers are not in lockstep: each waits think × (0.5 … 1.5).
                time.sleep(args.think * (0.5 + jitter.random()))

        # Make sure the server answers before measuring.
        probe = client("probe")
        first = probe.send(c.IssueTicket(request_id=new_request_id(), service="s00"), 5, 10)
        if not first.ok:
            print("server did not answer", first.error, file=sys.stderr)
            return 1
        threads = [threading.Thread(target=kiosk, args=(f"kiosk-{i}",)) for i in range(args.kiosks)]
        threads += [
            threading.Thread(target=counter, args=(f"q{i:02d}",)) for i in range(args.counters)
        ]
        for thread in threads:
            thread.start()
        time.sleep(2)  # warm-up
        with lock:
            replies = 0
            calls.clear()
            for values in reply_latency.values():
                values.clear()
        started = time.perf_counter()
        cpu_before = process_cpu_seconds(server.pid)
        time.sleep(args.seconds)
        elapsed = time.perf_counter() - started
        server_cpu = 100 * (process_cpu_seconds(server.pid) - cpu_before) / elapsed
        with lock:
            total = replies
            measured_calls = list(calls)
            latencies = {k: list(v) for k, v in reply_latency.items()}
        stop.set()
        for thread in threads:
            thread.join()
        time.sleep(0.5)  # let the last boards arrive
        with lock:
            boards = [
                first_on_board[(d, n)] - t for d, n, t in measured_calls if (d, n) in first_on_board
            ]
            unseen = sum(1 for d, n, _ in measured_calls if (d, n) not in first_on_board)
    finally:
        stop.set()
        harness.close(buses)

    print(
        f"counters={args.counters} kiosks={args.kiosks} seconds={args.seconds:.0f} "
        f"think={args.think}s kiosk_pause={args.kiosk_pause}s (2-core machine)"
    )
    print(f"server CPU: {server_cpu:.0f} % of one core")
    print(f"sustained commands/s: {total / elapsed:.0f}  ({total} replies in {elapsed:.1f} s)")
    print(f"errors by code: {errors or 'none'}")
    print(f"calls never seen on a board: {unseen}")
    print("| measure | n | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|")
    rows = [("call-next → board shows number", boards)]
    rows += [(f"{verb} reply", values) for verb, values in latencies.items()]
    for name, values in rows:
        if values:
            ms = [v * 1000 for v in values]
            print(
                f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | "
                f"{percentile(ms, 0.95):.1f} | {percentile(ms, 0.99):.1f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
