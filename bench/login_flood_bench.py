"""issue_ticket latency while counters flood the server with wrong officer logins.

Starts a private Mosquitto on loopback and `motcua server` (separate processes) on a generated
site whose limits are the shipped defaults; only the measuring kiosk is exempt from the
per-device rate limit. A kiosk issues tickets one after another and the reply times are taken
twice: on a quiet server, then while `--counters` counters publish `--logins` officer_login
commands with unknown ids and wrong PINs as fast as they can, without waiting for replies (a
bounded loop). Also prints how long a wrong login takes for an unknown, a known and a disabled
officer id (they should cost the same).

    .venv/bin/python bench/login_flood_bench.py --logins 1000
    .venv/bin/python bench/login_flood_bench.py --logins 1000 --no-limits   # the login guard only
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.broker import EmbeddedBroker  # noqa: E402
from shared.messaging import commands as c  # noqa: E402
from shared.messaging import dossier_commands as dc  # noqa: E402
from shared.messaging.bus import Message  # noqa: E402
from shared.messaging.client import CommandClient, new_request_id  # noqa: E402
from shared.messaging.codec import encode  # noqa: E402
from shared.messaging.paho_bus import BrokerAddress, PahoBus  # noqa: E402
from shared.messaging.replies import Reply  # noqa: E402
from shared.messaging.topics import Topics  # noqa: E402
from shared.runtime import connect_bus, utc_now  # noqa: E402
from shared.storage.engine import close_database, open_database  # noqa: E402
from shared.storage.officer_repository import OfficerRepository, hash_password  # noqa: E402

SITE = "bench"
KIOSK = "kiosk-bench"
PIN = "739154"
WRONG = "402817"
PROBE_COUNTER = "probe"


def site_file(directory: Path, counters: int, port: int, password: str, limits: bool) -> Path:
    """A small site: two services, `counters` flooding counters and one probing counter."""
    lines = [
        f'data_dir = "{directory / "data"}"',
        "[site]",
        f'id = "{SITE}"',
        'name = "Trung tâm đo tải đăng nhập"',
        "[[departments]]",
        'id = "d"',
        'name = "Sở"',
        "[[zones]]",
        'id = "z1"',
        'name = "Tầng 1"',
    ]
    for code, prefix in (("s00", "A"), ("s01", "B")):
        lines += ["[[services]]", f'code = "{code}"', 'name = "Dịch vụ"', 'department = "d"']
        lines += [f'prefix = "{prefix}"']
    ids = [f"q{i:03d}" for i in range(counters)] + [PROBE_COUNTER]
    for index, counter in enumerate(ids):
        lines += ["[[counters]]", f'id = "{counter}"', f'label = "{index + 1}"']
        lines += ['services = ["s00", "s01"]', 'zone = "z1"']
    (directory / "pw").write_text(password)
    lines += ["[broker]", 'host = "127.0.0.1"', f"port = {port}", 'username = "motcua-local"']
    lines += [f'password_file = "{directory / "pw"}"']
    lines += ["[server]", "health_port = 0"]  # no /healthz: another server may hold its port
    lines += ["[limits]", f"enabled = {'true' if limits else 'false'}"]
    lines += [f'exempt_devices = ["{KIOSK}", "{PROBE_COUNTER}"]']
    path = directory / "site.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def seed_officers(directory: Path) -> None:
    """One officer who may work at the probing counter, and one disabled account."""
    sessions = open_database(f"sqlite:///{directory / 'data' / 'motcua.db'}")
    try:
        with sessions.begin() as session:
            officers = OfficerRepository(session, SITE)
            hashed = hash_password(PIN)
            officers.upsert("cb01", "Cán bộ đo", (PROBE_COUNTER,), hashed, utc_now())
            officers.upsert("cb02", "Cán bộ đã nghỉ", (PROBE_COUNTER,), hashed, utc_now())
            officers.deactivate("cb02", utc_now())
    finally:
        close_database(sessions)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def summary(values: list[float]) -> str:
    if not values:
        return "no replies"
    ms = [v * 1000 for v in values]
    return (
        f"n={len(ms)} p50 {statistics.median(ms):.1f} ms, p99 {percentile(ms, 0.99):.1f} ms, "
        f"max {max(ms):.1f} ms"
    )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Flood:
    """Counters publishing wrong logins without waiting; replies are counted by error code."""

    def __init__(self, address: BrokerAddress, topics: Topics, devices: list[str], logins: int):
        self.topics = topics
        self.logins = logins
        self.replies: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.buses: list[PahoBus] = []
        self.devices = devices
        for device in self.devices:
            bus = PahoBus(address, f"{device}-flood")
            bus.subscribe(topics.reply(f"{device}-flood"), self._count)
            bus.wait_connected(10)
            self.buses.append(bus)
        time.sleep(0.5)  # the reply subscriptions are in place

    def _count(self, message: Message) -> None:
        reply = Reply.model_validate_json(message.payload)
        with self.lock:
            self.replies[reply.error.code.value if reply.error else "ok"] += 1

    def answered(self) -> int:
        with self.lock:
            return sum(self.replies.values())

    def run(self) -> float:
        """Publish every login, spread over the counters; return the seconds it took."""
        started = time.perf_counter()
        for n in range(self.logins):  # bounded: exactly `logins` commands
            index = n % len(self.devices)
            device, bus = self.devices[index], self.buses[index]
            login = dc.OfficerLogin(request_id=f"flood-{n}", officer_id=f"x{n:05d}", password=WRONG)
            bus.publish(
                self.topics.command("officer_login", device),
                encode(login),
                qos=0,
                response_topic=self.topics.reply(f"{device}-flood"),
                correlation_data=str(n).encode(),
            )
        return time.perf_counter() - started

    def close(self) -> None:
        for bus in self.buses:
            bus.close()


def flood_process(
    address: BrokerAddress, devices: list[str], logins: int, go: Any, results: Any
) -> None:
    """Run the flood in its own process, so its MQTT work does not slow the measuring kiosk."""
    flood = Flood(address, Topics(SITE), devices, logins)
    try:
        results.put("ready")
        go.wait()
        started = time.perf_counter()
        sent_in = flood.run()
        deadline = time.monotonic() + 120
        while flood.answered() < logins and time.monotonic() < deadline:
            time.sleep(0.02)
        results.put((sent_in, time.perf_counter() - started, dict(flood.replies)))
    finally:
        flood.close()


FAILED_TICKETS: Counter[str] = Counter()


def issue_tickets(kiosk: CommandClient, count: int, pause: float) -> list[float]:
    """Issue `count` tickets one after another; return every reply time (a timeout: 10 s)."""
    times = []
    for i in range(count):
        started = time.perf_counter()
        reply = kiosk.send(c.IssueTicket(request_id=new_request_id(), service=f"s0{i % 2}"), 10, 1)
        times.append(time.perf_counter() - started)
        if reply.error is not None:
            FAILED_TICKETS[reply.error.code.value] += 1
        time.sleep(pause)
    return times


def login_times(counter: CommandClient) -> dict[str, list[float]]:
    """Wrong logins for unknown, known and disabled ids: 3 each, under every lockout threshold."""
    cases = {"unknown id": "nobody", "known id": "cb01", "disabled id": "cb02"}
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(3):
        for name, officer in cases.items():
            login = dc.OfficerLogin(request_id=new_request_id(), officer_id=officer, password=WRONG)
            started = time.perf_counter()
            reply = counter.send(login, 10, 1)
            if reply.error is not None and reply.error.code.value == "forbidden":
                times[name].append(time.perf_counter() - started)
    return times


def flood_round(
    address: BrokerAddress,
    devices: list[str],
    logins: int,
    kiosk: CommandClient,
    pause: float,
    server_pid: int,
) -> tuple[list[float], float, float, float, dict[str, int]]:
    """One flood while the kiosk keeps issuing: reply times, seconds, server CPU, reply codes."""
    context = multiprocessing.get_context("spawn")
    go, results = context.Event(), context.Queue()
    child = context.Process(target=flood_process, args=(address, devices, logins, go, results))
    child.start()
    assert results.get(timeout=60) == "ready"
    during: list[float] = []
    measuring = threading.Event()

    def measure() -> None:
        while not measuring.is_set():
            during.extend(issue_tickets(kiosk, 1, pause))

    timer = threading.Thread(target=measure)
    timer.start()
    time.sleep(0.2)
    cpu_before = cpu_seconds(server_pid)
    go.set()
    sent_in, drained, replies = results.get(timeout=180)
    cpu = cpu_seconds(server_pid) - cpu_before
    measuring.set()
    timer.join()
    child.join(30)
    return during, sent_in, drained, cpu, replies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--logins", type=int, default=1000, help="wrong logins in each flood")
    parser.add_argument("--counters", type=int, default=10, help="counters sending each flood")
    parser.add_argument("--rounds", type=int, default=5, help="floods, each from fresh counters")
    parser.add_argument("--tickets", type=int, default=100, help="tickets timed before each flood")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds between two tickets")
    parser.add_argument("--no-limits", action="store_true", help="[limits] enabled = false")
    args = parser.parse_args()
    if not 0 < args.logins <= 100_000 or not 0 < args.rounds <= 50:
        parser.error("--logins must be 1…100000 and --rounds 1…50")

    work = Path(tempfile.mkdtemp(prefix="motcua-login-bench-"))
    broker = EmbeddedBroker(work / "broker")
    address = broker.start()
    counters = args.counters * args.rounds
    config = site_file(work, counters, address.port, address.password, not args.no_limits)
    seed_officers(work)
    command = [sys.executable, "-m", "admin.cli", "server", "--config", str(config)]
    server = subprocess.Popen([*command, "--log-level", "ERROR"], cwd=ROOT)
    topics = Topics(SITE)
    buses: list[PahoBus] = []
    quiet: list[float] = []
    during: list[float] = []
    replies: Counter[str] = Counter()
    sent, drained = [], []
    try:
        for name in (KIOSK, PROBE_COUNTER):
            bus = connect_bus(address, SITE, name, "bench")
            bus.wait_connected(10)
            buses.append(bus)
        kiosk = CommandClient(buses[0], topics, KIOSK)
        probe = CommandClient(buses[1], topics, PROBE_COUNTER)
        first = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="s00"), 5, 20)
        if not first.ok:
            print("the server did not answer:", first.error, file=sys.stderr)
            return 1
        issue_tickets(kiosk, 20, args.pause)  # warm-up
        logins = login_times(probe)
        flood_seconds = flood_cpu = 0.0
        for round_ in range(args.rounds):
            quiet += issue_tickets(kiosk, args.tickets, args.pause)
            devices = [f"q{round_ * args.counters + i:03d}" for i in range(args.counters)]
            times, sent_in, took, cpu, counts = flood_round(
                address, devices, args.logins, kiosk, args.pause, server.pid
            )
            flood_cpu += cpu
            during += times
            sent.append(sent_in)
            drained.append(took)
            flood_seconds += took
            replies.update(counts)
        server_cpu = 100 * flood_cpu / max(flood_seconds, 1e-9)
    finally:
        for bus in buses:
            bus.close()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        broker.stop()

    limits = "off ([limits] enabled = false)" if args.no_limits else "shipped defaults"
    print(
        f"{args.rounds} floods of {args.logins} wrong officer_login, each from {args.counters} "
        f"fresh counters; per-device limits: {limits} (the measuring kiosk and the probing "
        "counter are exempt); 2-core machine shared with other work"
    )
    print(
        f"  each flood published in {statistics.median(sent):.2f} s (median), all answered "
        f"after {statistics.median(drained):.2f} s; server CPU while flooded: {server_cpu:.0f} %"
    )
    print(f"  replies by code: {dict(sorted(replies.items()))}")
    print(f"issue_ticket refused or timed out: {dict(FAILED_TICKETS) or 'none'}")
    print(f"issue_ticket, quiet server:   {summary(quiet)}")
    print(f"issue_ticket, during floods:  {summary(during)}")
    if quiet and during:
        ratio50 = statistics.median(during) / statistics.median(quiet)
        ratio99 = percentile(during, 0.99) / percentile(quiet, 0.99)
        print(f"during / quiet: p50 × {ratio50:.2f}, p99 × {ratio99:.2f} (goal: within 2×)")
    for name, values in logins.items():
        print(f"wrong login, {name + ':':<13} {summary(values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
