"""Queue server under load from one efficient process: commands/s and call-next → board latency.

Starts Mosquitto and `motcua server` (separate processes, see queue_bench.Harness) on a site
with 40 counters, then plays 40 counters and 10 kiosks from a single MQTT connection with one
network thread (each device still sends on its own command topic and gets its replies on its
own reply topic), so the load process costs little of the machine the server runs on. A board
subscriber on the same connection times call-next → the zone's board showing the number.

Three loads, each for --seconds:
  officer pace  officers press every 2 s ± 50 %, kiosks issue every 0.5 s ± 50 %
  saturation    every device sends its next command as soon as its reply arrives
  half          the devices paced to half the saturation rate just measured

A bare Mosquitto request/reply round trip is measured on the same broker first; the figures
are printed in milliseconds and as multiples of that round trip.

    .venv/bin/python bench/load_bench.py [--seconds 20] [--counters 40] [--kiosks 10]
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from queue_bench import SITE, Harness, percentile, process_cpu_seconds  # noqa: E402

from shared.messaging import commands as c  # noqa: E402
from shared.messaging.bus import Message  # noqa: E402
from shared.messaging.client import CommandClient, new_request_id  # noqa: E402
from shared.messaging.codec import encode  # noqa: E402
from shared.messaging.paho_bus import PahoBus  # noqa: E402
from shared.messaging.topics import Topics  # noqa: E402
from shared.runtime import connect_bus  # noqa: E402


@dataclass
class Device:
    """One simulated kiosk or counter: what it sends and how long it waits between sends."""

    id: str
    kiosk: bool
    think: float
    sent: int = 0
    pending: tuple[bytes, str, float] | None = None  # correlation, verb, sent at


@dataclass
class Figures:
    """What one load measured."""

    replies: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latency: dict[str, list[float]] = field(default_factory=dict)
    calls: list[tuple[str, str, float]] = field(default_factory=list)  # counter, number, sent


class Load:
    """Plays the devices over one connection: a scheduler thread sends, replies come back."""

    def __init__(self, bus: PahoBus, devices: list[Device]) -> None:
        self.bus = bus
        self.topics = Topics(SITE)
        self.devices = {d.id: d for d in devices}
        self.lock = threading.Lock()
        self.figures = Figures()
        self.boards: dict[tuple[str, str], float] = {}
        self.stop = threading.Event()
        self._due: list[tuple[float, str]] = []
        self._wake = threading.Condition(self.lock)
        self._jitter = random.Random(17)
        self._serial = 0
        bus.subscribe(self.topics.reply("+"), self._reply)
        for zone in ("z1", "z2"):
            bus.subscribe(self.topics.board(zone), self._board)

    def open_counters(self) -> None:
        """Open every counter (before measuring)."""
        for device in self.devices.values():
            if not device.kiosk:
                command = c.OpenCounter(request_id=new_request_id(), officer_id=f"o-{device.id}")
                self._send(device, command, time.perf_counter())

    def start(self) -> threading.Thread:
        """Start sending; each device begins after a random part of its think time."""
        now = time.perf_counter()
        with self.lock:
            for device in self.devices.values():
                heapq.heappush(self._due, (now + self._jitter.random() * device.think, device.id))
        thread = threading.Thread(target=self._schedule, name="load")
        thread.start()
        return thread

    def reset(self) -> None:
        """Forget what was measured so far (after the warm-up)."""
        with self.lock:
            self.figures = Figures()

    def _schedule(self) -> None:
        while not self.stop.is_set():
            with self._wake:
                if not self._due:
                    self._wake.wait(0.05)
                    continue
                due, device_id = self._due[0]
                wait = due - time.perf_counter()
                if wait > 0:
                    self._wake.wait(min(wait, 0.05))
                    continue
                heapq.heappop(self._due)
                device = self.devices[device_id]
            self._next(device)

    def _next(self, device: Device) -> None:
        command: c.Command
        device.sent += 1
        if device.kiosk:
            command = c.IssueTicket(request_id=new_request_id(), service=f"s{device.sent % 20:02d}")
        else:
            command = c.CallNext(request_id=new_request_id())
        self._send(device, command, time.perf_counter())

    def _send(self, device: Device, command: c.Command, now: float) -> None:
        verb = str(type(command).model_fields["type"].default)
        with self.lock:
            self._serial += 1
            correlation = str(self._serial).encode()
            device.pending = (correlation, verb, now)
        self.bus.publish(
            self.topics.command(verb, device.id),
            encode(command),
            response_topic=self.topics.reply(device.id),
            correlation_data=correlation,
        )

    def _reply(self, message: Message) -> None:
        now = time.perf_counter()
        device = self.devices.get(message.topic.rsplit("/", 1)[-1])
        if device is None or device.pending is None:
            return
        correlation, verb, sent = device.pending
        if message.correlation_data != correlation:
            return
        reply = json.loads(message.payload)
        with self.lock:
            device.pending = None
            figures = self.figures
            figures.replies += 1
            if reply["ok"]:
                figures.latency.setdefault(verb, []).append(now - sent)
                ticket = reply["result"].get("ticket") if verb == "call_next" else None
                if ticket:
                    figures.calls.append((device.id, ticket["number"], sent))
            else:
                code = reply["error"]["code"]
                figures.errors[code] = figures.errors.get(code, 0) + 1
            if verb == "open_counter":
                return
            if device.think > 0:
                due = now + device.think * (0.5 + self._jitter.random())
                heapq.heappush(self._due, (due, device.id))
                self._wake.notify()
                return
        self._next(device)  # closed loop: the next command at once

    def _board(self, message: Message) -> None:
        now = time.perf_counter()
        board = json.loads(message.payload)
        with self.lock:
            for line in board["counters"]:
                if line["number"]:
                    self.boards.setdefault((line["counter"], line["number"]), now)


def round_trip(bus: PahoBus, count: int) -> float:
    """Median seconds of a bare request/reply through the same broker (an echo on this bus)."""
    topic = f"{SITE}-echo/request"

    def answer(message: Message) -> None:
        if message.response_topic:
            bus.publish(
                message.response_topic, message.payload, correlation_data=message.correlation_data
            )

    bus.subscribe(topic, answer)
    time.sleep(0.3)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        bus.request(topic, b"{}", 5)
        times.append(time.perf_counter() - started)
    return statistics.median(times[count // 10 :])


def measure(
    harness: Harness,
    name: str,
    counters: int,
    kiosks: int,
    think: tuple[float, float],
    seconds: float,
) -> tuple[float, Figures, list[float], int, float]:
    """Run one load; return commands/s, the figures, board latencies, unseen calls, server CPU."""
    bus = connect_bus(harness.address, SITE, f"load-{name}", "bench")
    assert bus.wait_connected(10)
    devices = [Device(f"kiosk-{i}", True, think[0]) for i in range(kiosks)]
    devices += [Device(f"q{i:02d}", False, think[1]) for i in range(counters)]
    load = Load(bus, devices)
    time.sleep(0.3)
    load.open_counters()
    time.sleep(1)
    thread = load.start()
    time.sleep(2)  # warm-up
    load.reset()
    cpu_before, started = process_cpu_seconds(harness.server.pid), time.perf_counter()
    own_before = time.process_time()
    time.sleep(seconds)
    elapsed = time.perf_counter() - started
    cpu = 100 * (process_cpu_seconds(harness.server.pid) - cpu_before) / elapsed
    print(f"{name}: load process CPU {100 * (time.process_time() - own_before) / elapsed:.0f} %")
    with load.lock:
        figures = load.figures
        load.figures = Figures()
    load.stop.set()
    thread.join()
    time.sleep(0.5)
    with load.lock:
        boards = [load.boards[(d, n)] - t for d, n, t in figures.calls if (d, n) in load.boards]
        unseen = sum(1 for d, n, _ in figures.calls if (d, n) not in load.boards)
    bus.close()
    return figures.replies / elapsed, figures, boards, unseen, cpu


def row(name: str, values: list[float], trip: float) -> str:
    """A table row: count, p50/p99 in ms and p99 in round trips."""
    if not values:
        return f"| {name} | 0 | | | |"
    ms = [v * 1000 for v in values]
    p99 = percentile(ms, 0.99)
    return (
        f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {p99:.1f} | "
        f"{p99 / (trip * 1000):.0f} |"
    )


def main() -> int:
    """Run the three loads and print their figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counters", type=int, default=40)
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    harness = Harness(args.counters, "motcua-load-")
    try:
        probe = connect_bus(harness.address, SITE, "probe", "bench")
        assert probe.wait_connected(10)
        first = CommandClient(probe, Topics(SITE), "probe").send(
            c.IssueTicket(request_id=new_request_id(), service="s00"), 5, 10
        )
        if not first.ok:
            print("the server did not answer", first.error, file=sys.stderr)
            return 1
        trip = round_trip(probe, 2000)
        probe.close()
        devices = args.counters + args.kiosks
        loads = [("officer pace", (0.5, 2.0)), ("saturation", (0.0, 0.0))]
        results = []
        for name, think in loads:
            results.append(
                (name, *measure(harness, name, args.counters, args.kiosks, think, args.seconds))
            )
        saturation = results[-1][1]
        pace = devices / (saturation / 2)  # each device's mean wait for half the rate
        results.append(
            (
                "half saturation",
                *measure(harness, "half", args.counters, args.kiosks, (pace, pace), args.seconds),
            )
        )
    finally:
        harness.close([])
    print(
        f"counters={args.counters} kiosks={args.kiosks} seconds={args.seconds:.0f}, one load "
        f"process with one connection; bare Mosquitto round trip {trip * 1000:.3f} ms"
    )
    for name, rate, figures, boards, unseen, cpu in results:
        print(
            f"\n{name}: {rate:.0f} commands/s, server CPU {cpu:.0f} % of a core "
            f"({cpu / 100 / max(rate, 1) * 1000:.2f} ms per command), "
            f"errors {figures.errors or 'none'}, calls never on a board {unseen}"
        )
        print("| measure | n | p50 ms | p99 ms | p99 in round trips |")
        print("|---|---|---|---|---|")
        print(row("call-next → board shows it", boards, trip))
        for verb, values in sorted(figures.latency.items()):
            print(row(f"{verb} reply", values, trip))
    return 0


if __name__ == "__main__":
    sys.exit(main())
