"""Chaos run: a busy hall while the server and its embedded broker are SIGKILLed at random.

Starts `motcua server` (no [broker] configured: it embeds and supervises Mosquitto) on a small
generated site, then runs kiosks issuing tickets and counters calling them, each its own MQTT
connection, from this one process. Meanwhile it SIGKILLs the server (and starts it again, as
systemd would) or the broker (the server must restart it) a bounded number of times. Afterwards
it checks from the outside: every acknowledged ticket is in the database, no number was given
or called twice, every client reconnected by itself, every retained state topic is back. Prints
one JSON line per kill (downtime = kill until the next successful reply) and a summary line;
exits 1 when an invariant fails.

    .venv/bin/python bench/chaos.py --seconds 90 --kills 6
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
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

from sqlalchemy import select  # noqa: E402

from server.broker import PID_FILE  # noqa: E402
from shared.messaging import commands as c  # noqa: E402
from shared.messaging.bus import Message  # noqa: E402
from shared.messaging.client import CommandClient, new_request_id  # noqa: E402
from shared.messaging.paho_bus import BrokerAddress, PahoBus  # noqa: E402
from shared.messaging.topics import Topics  # noqa: E402
from shared.runtime import LOCAL_BROKER_FILE, connect_bus  # noqa: E402
from shared.storage.engine import make_engine  # noqa: E402
from shared.storage.tables import TicketRow  # noqa: E402

SITE = "chaos"
SERVICES = 4
# Bounds: how long to wait for one start or one recovery before calling it failed.
START_SECONDS = 60.0
RECOVERY_SECONDS = 30.0
ATTEMPT_SECONDS = 0.5


def site_file(directory: Path, counters: int) -> Path:
    """Write a small site with no [broker] (embedded), no health port and no rate limits."""
    lines = [
        f'data_dir = "{directory / "data"}"',
        "[site]",
        f'id = "{SITE}"',
        'name = "Trung tâm thử hỗn loạn"',
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
    for i in range(SERVICES):
        lines += [
            "[[services]]",
            f'code = "s{i}"',
            f'name = "Dịch vụ {i}"',
            'department = "d"',
            f'prefix = "{chr(ord("A") + i)}"',
        ]
    for i in range(counters):
        lines += [
            "[[counters]]",
            f'id = "q{i:02d}"',
            f'label = "{i + 1}"',
            f'services = ["s{i % SERVICES}", "s{(i + 1) % SERVICES}"]',
            f'zone = "z{1 + i % 2}"',
        ]
    lines += ["[limits]", "enabled = false", "[server]", "health_port = 0"]
    path = directory / "site.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class Hall:
    """The server process, its data directory and what the load saw."""

    def __init__(self, work: Path, counters: int) -> None:
        self.work = work
        self.data = work / "data"
        self.config = site_file(work, counters)
        self.log = work / "server.log"
        self.server: subprocess.Popen[bytes] | None = None
        self.lock = threading.Lock()
        self.tickets: list[str] = []  # acknowledged ticket numbers
        self.calls: list[str] = []  # numbers handed out by call_next
        self.successes: list[tuple[float, float]] = []  # (attempt sent, reply received)
        self.retained: set[str] = set()

    def start_server(self) -> None:
        """Start `motcua server` (as systemd would after a crash)."""
        env = dict(os.environ, MOTCUA_DATA_DIR=str(self.data))
        command = [sys.executable, "-m", "admin.cli", "server", "--config", str(self.config)]
        with self.log.open("ab") as out:
            self.server = subprocess.Popen(
                [*command, "--log-level", "WARNING"], cwd=ROOT, env=env, stdout=out, stderr=out
            )

    def address(self) -> BrokerAddress:
        """Wait for the server to leave the broker's address; return it."""
        path = self.data / LOCAL_BROKER_FILE
        deadline = time.monotonic() + START_SECONDS
        while not path.exists():
            if time.monotonic() > deadline:
                raise SystemExit(f"the server did not start; see {self.log}")
            time.sleep(0.05)
        raw = json.loads(path.read_text("utf-8"))
        return BrokerAddress(raw["host"], raw["port"], raw["username"], raw["password"])

    def broker_pid(self) -> int:
        """The embedded broker's pid, from its pidfile."""
        return int((self.data / "broker" / PID_FILE).read_text().strip())

    def success(self, sent: float) -> None:
        """Record one successful reply to an attempt sent at `sent`."""
        with self.lock:
            self.successes.append((sent, time.monotonic()))

    def recovered_after(self, killed: float) -> float | None:
        """Seconds from a kill to the first success of an attempt sent after it."""
        with self.lock:
            after = [got for sent, got in self.successes if sent >= killed]
        return min(after) - killed if after else None


def kiosk(hall: Hall, client: CommandClient, stop: threading.Event, seed: int) -> None:
    """Issue tickets; retry each with the same request id until acknowledged (bounded)."""
    rng = random.Random(seed)
    while not stop.is_set():
        command = c.IssueTicket(request_id=new_request_id(), service=f"s{rng.randrange(SERVICES)}")
        for _ in range(int(RECOVERY_SECONDS / ATTEMPT_SECONDS)):
            sent = time.monotonic()
            reply = client.send(command, ATTEMPT_SECONDS, 1)
            if reply.ok:
                hall.success(sent)
                with hall.lock:
                    hall.tickets.append(reply.result["ticket"]["number"])
                break
            if stop.is_set() or reply.error is None or reply.error.code.value != "timeout":
                break
        stop.wait(rng.uniform(0.02, 0.1))


def counter(hall: Hall, client: CommandClient, stop: threading.Event, seed: int) -> None:
    """Open the counter, then call the next ticket again and again (retries keep the id)."""
    rng = random.Random(seed)
    opened = False
    while not stop.is_set():
        command: c.OpenCounter | c.CallNext = (
            c.CallNext(request_id=new_request_id())
            if opened
            else c.OpenCounter(request_id=new_request_id(), officer_id=f"o-{client.device_id}")
        )
        for _ in range(int(RECOVERY_SECONDS / ATTEMPT_SECONDS)):
            sent = time.monotonic()
            reply = client.send(command, ATTEMPT_SECONDS, 1)
            if reply.ok:
                hall.success(sent)
                opened = True
                ticket = reply.result.get("ticket")
                if isinstance(command, c.CallNext) and ticket:
                    with hall.lock:
                        hall.calls.append(ticket["number"])
                break
            if stop.is_set() or reply.error is None or reply.error.code.value != "timeout":
                break
        stop.wait(rng.uniform(0.05, 0.2))


def collect_retained(address: BrokerAddress, wanted: set[str], seconds: float) -> set[str]:
    """Connect afresh and return which state topics the broker holds retained (bounded wait)."""
    seen: set[str] = set()
    done = threading.Event()
    bus = connect_bus(address, SITE, "chaos-check", "bench")

    def on_state(message: Message) -> None:
        if message.retain and message.payload:
            seen.add(message.topic)
            if wanted <= seen:
                done.set()

    try:
        if bus.wait_connected(10):
            bus.subscribe(Topics(SITE).states(), on_state)
            done.wait(seconds)
    finally:
        bus.close()
    return seen


def database_numbers(data: Path) -> list[str]:
    """Every ticket number in the server's database (SQLite in the data dir)."""
    engine = make_engine(f"sqlite:///{data / 'motcua.db'}")
    try:
        with engine.connect() as connection:
            return [row[0] for row in connection.execute(select(TicketRow.number))]
    finally:
        engine.dispose()


def kill_plan(rng: random.Random, kills: int, seconds: float) -> list[tuple[float, str]]:
    """When (seconds after the load starts) and what to kill: alternating, jittered times."""
    first = rng.choice(("server", "broker"))
    other = "broker" if first == "server" else "server"
    span = seconds * 0.8
    plan = []
    for i in range(kills):
        at = seconds * 0.1 + span * (i + 0.5 + rng.uniform(-0.3, 0.3)) / kills
        plan.append((at, first if i % 2 == 0 else other))
    return plan


def emit(record: dict[str, Any]) -> None:
    """Print one JSON line."""
    print(json.dumps(record, ensure_ascii=False), flush=True)


def run(seconds: float, kills: int, kiosks: int, counters: int, seed: int, work: Path) -> int:
    """Run the hall under chaos, check the invariants, print figures; 0 when all hold."""
    rng = random.Random(seed)
    hall = Hall(work, counters)
    hall.start_server()
    address = hall.address()
    topics = Topics(SITE)
    buses: list[PahoBus] = []
    stop = threading.Event()
    threads: list[threading.Thread] = []
    downtimes: list[float | None] = []
    try:
        watcher = connect_bus(address, SITE, "chaos-watch", "bench")
        buses.append(watcher)

        def on_state(message: Message) -> None:
            if message.payload:
                with hall.lock:
                    hall.retained.add(message.topic)

        watcher.subscribe(topics.states(), on_state)
        clients = []
        for i in range(kiosks):
            clients.append((kiosk, f"kiosk-{i + 1}"))
        for i in range(counters):
            clients.append((counter, f"q{i:02d}"))
        for n, (work_loop, device) in enumerate(clients):
            bus = connect_bus(address, SITE, device, "bench")
            buses.append(bus)
            if not bus.wait_connected(10):
                raise SystemExit(f"{device} could not connect")
            client = CommandClient(bus, topics, device)
            thread = threading.Thread(
                target=work_loop, args=(hall, client, stop, seed * 100 + n), name=device
            )
            threads.append(thread)
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for i, (at, target) in enumerate(kill_plan(rng, kills, seconds)):
            stop.wait(max(0.0, began + at - time.monotonic()))
            if stop.is_set():
                break
            killed = time.monotonic()
            if target == "server":
                assert hall.server is not None
                hall.server.send_signal(signal.SIGKILL)
                hall.server.wait()
                hall.start_server()
            else:
                os.kill(hall.broker_pid(), signal.SIGKILL)
            recovered = None
            while recovered is None and time.monotonic() - killed < RECOVERY_SECONDS:
                time.sleep(0.02)
                recovered = hall.recovered_after(killed)
            downtimes.append(recovered)
            emit(
                {
                    "kill": i + 1,
                    "target": target,
                    "at_s": round(killed - began, 2),
                    "downtime_s": None if recovered is None else round(recovered, 3),
                }
            )
        stop.wait(max(0.0, began + seconds - time.monotonic()))
        stop.set()
        for thread in threads:
            thread.join(RECOVERY_SECONDS + 5)
        reconnected = all(bus.wait_connected(RECOVERY_SECONDS) for bus in buses)
        with hall.lock:
            wanted = set(hall.retained)
        back = collect_retained(address, wanted, 10)
    finally:
        stop.set()
        for bus in buses:
            bus.close()
        if hall.server is not None and hall.server.poll() is None:
            hall.server.send_signal(signal.SIGTERM)
            try:
                hall.server.wait(30)
            except subprocess.TimeoutExpired:
                hall.server.kill()
                hall.server.wait()
    stored = Counter(database_numbers(hall.data))
    issued = Counter(hall.tickets)
    missing = sorted(n for n in issued if n not in stored)
    given_twice = sorted(n for n, k in issued.items() if k > 1)
    called_twice = sorted(n for n, k in Counter(hall.calls).items() if k > 1)
    lost_retained = sorted(wanted - back)
    measured = [d for d in downtimes if d is not None]
    ok = (
        not missing
        and not given_twice
        and not called_twice
        and not lost_retained
        and reconnected
        and len(measured) == len(downtimes)
        and bool(hall.tickets)
    )
    emit(
        {
            "summary": True,
            "ok": ok,
            "seconds": seconds,
            "kills": len(downtimes),
            "acknowledged_tickets": len(hall.tickets),
            "calls": len(hall.calls),
            "tickets_in_database": sum(stored.values()),
            "missing_tickets": missing,
            "numbers_given_twice": given_twice,
            "numbers_called_twice": called_twice,
            "clients_reconnected": reconnected,
            "retained_topics": len(wanted),
            "retained_missing": lost_retained,
            "unrecovered_kills": len(downtimes) - len(measured),
            "max_downtime_s": round(max(measured), 3) if measured else None,
            "work": str(work),
        }
    )
    return 0 if ok else 1


def main() -> int:
    """Parse the arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=90, help="how long the hall runs")
    parser.add_argument("--kills", type=int, default=6, help="how many SIGKILLs (≤ 50)")
    parser.add_argument("--kiosks", type=int, default=3)
    parser.add_argument("--counters", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", default="", help="working directory (default: a new temp dir)")
    args = parser.parse_args()
    if not 0 < args.seconds <= 3600 or not 0 <= args.kills <= 50:
        parser.error("--seconds must be in (0, 3600] and --kills in [0, 50]")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="motcua-chaos-"))
    work.mkdir(parents=True, exist_ok=True)
    return run(args.seconds, args.kills, args.kiosks, args.counters, args.seed, work)


if __name__ == "__main__":
    sys.exit(main())
