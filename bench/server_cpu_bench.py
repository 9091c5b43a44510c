"""Queue server CPU per command, by kind, against a bare Mosquitto request/reply round trip.

Runs the real writer (`QueueServer`, the database the site file names: SQLite by default) in
this process with a bus that keeps what it would publish, and applies commands one at a time,
as they arrive at an officer's pace: each is a batch of its own with its commit and its
retained states. The thread's CPU time around each command is what the server spends on it,
publishing included. Then the same commands in batches of 50, as under load.

A bare Mosquitto round trip (one client asks, another answers, both on loopback) is measured
in the same run, so the figures read as a ratio that does not move with the machine.

    .venv/bin/python bench/server_cpu_bench.py [--rounds 300] [--database URL] [--profile VERB]
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from queue_bench import site_file  # noqa: E402

from server.broker import EmbeddedBroker  # noqa: E402
from server.daemon import QueueServer  # noqa: E402
from shared.config.site import load_site_config  # noqa: E402
from shared.messaging import commands as c  # noqa: E402
from shared.messaging.bus import Handler, Message  # noqa: E402
from shared.messaging.codec import encode  # noqa: E402
from shared.messaging.paho_bus import PahoBus  # noqa: E402
from shared.messaging.topics import Topics  # noqa: E402
from shared.runtime import connect_bus  # noqa: E402
from shared.storage.checkpoint import WalCheckpoints  # noqa: E402
from shared.storage.engine import close_database, open_database  # noqa: E402

OPENING = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # a Monday, 08:30 in Vietnam


class KeepingBus:
    """A bus that keeps count of what the server publishes instead of sending it."""

    connected = True

    def __init__(self) -> None:
        self.published = 0
        self.bytes = 0

    def publish(self, topic: str, payload: bytes, **_: object) -> None:
        """Count a message."""
        self.published += 1
        self.bytes += len(payload)

    def subscribe(self, pattern: str, handler: Handler) -> None:
        """Nothing arrives on this bus."""

    def request(self, topic: str, payload: bytes, timeout: float) -> Message:
        """Not used by the server."""
        raise TimeoutError

    def on_connection_change(self, listener: object) -> None:
        """Always connected."""


class Clock:
    """A clock that moves a little at each reading, so the morning's work fits in the hours."""

    def __init__(self) -> None:
        self.now = OPENING

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=100)
        return self.now


def message(topics: Topics, device: str, command: c.Command, serial: itertools.count) -> Message:
    """The message a device would send for a command."""
    verb = str(type(command).model_fields["type"].default)
    return Message(
        topics.command(verb, device),
        encode(command),
        response_topic=topics.reply(device),
        correlation_data=str(next(serial)).encode(),
    )


def mosquitto_round_trip(count: int) -> float:
    """Median seconds of a bare MQTT v5 request/reply through a real Mosquitto on loopback."""
    with tempfile.TemporaryDirectory() as folder:
        broker = EmbeddedBroker(Path(folder))
        broker.start()
        try:
            asker = connect_bus(broker.address, "bench", "asker", "test")
            answerer = connect_bus(broker.address, "bench", "answerer", "test")
            for bus in (asker, answerer):
                assert bus.wait_connected(10)

            def answer(m: Message) -> None:
                if m.response_topic:
                    answerer.publish(
                        m.response_topic, m.payload, correlation_data=m.correlation_data
                    )

            answerer.subscribe("bench/echo", answer)
            time.sleep(0.3)
            times = []
            for _ in range(count):
                started = time.perf_counter()
                asker.request("bench/echo", b"{}", 5)
                times.append(time.perf_counter() - started)
            return statistics.median(times[count // 10 :])
        finally:
            for bus in (asker, answerer):
                if isinstance(bus, PahoBus):
                    bus.close()
            broker.stop()


def run(args: argparse.Namespace, folder: Path) -> dict[str, list[float]]:
    """Apply a morning's commands and return the CPU seconds of each, by verb."""
    config = load_site_config(site_file(folder, args.counters, 1883, "unused"))
    site = config.to_domain()
    url = args.database or f"sqlite:///{folder / 'bench.db'}"
    sessions = open_database(url)
    checkpoints = WalCheckpoints(sessions.kw["bind"]).start()  # as `motcua server` does
    topics, serial = Topics(site.id), itertools.count()
    bus = KeepingBus()
    server = QueueServer(site, sessions, bus, Clock())
    server.rollover()
    server.publish_all()
    cpu: dict[str, list[float]] = defaultdict(list)
    profile = cProfile.Profile()

    def apply(device: str, *commands: c.Command) -> None:
        messages = [message(topics, device, command, serial) for command in commands]
        verb = str(type(commands[0]).model_fields["type"].default)
        if len(messages) > 1:
            verb = f"batch of {len(messages)}"
        profiling = verb == args.profile
        if profiling:
            profile.enable()
        started = time.thread_time()
        replies = server.handle_batch(messages)
        spent = time.thread_time() - started
        if profiling:
            profile.disable()
        cpu[verb].append(spent / len(messages))
        for reply in replies:
            assert reply is not None

    counters = site.counters[: args.counters]
    for counter in counters:
        apply(counter.id, c.OpenCounter(request_id=f"open-{counter.id}", officer_id="cb"))
    kiosks = [f"kiosk-{i}" for i in range(1, 5)]
    ids = itertools.count()
    for round_ in range(args.rounds):
        for i, counter in enumerate(counters[:8]):
            service = counter.services[0]
            kiosk = kiosks[i % len(kiosks)]
            apply(kiosk, c.IssueTicket(request_id=f"r{next(ids)}", service=service))
            apply(counter.id, c.CallNext(request_id=f"r{next(ids)}"))
            if round_ % 5 == 0:
                apply(counter.id, c.Recall(request_id=f"r{next(ids)}"))
            apply(counter.id, c.StartServing(request_id=f"r{next(ids)}"))
            apply(counter.id, c.Finish(request_id=f"r{next(ids)}"))
        if round_ % 10 == 0:
            apply(counters[0].id, c.PauseCounter(request_id=f"r{next(ids)}", reason="Nghỉ"))
            apply(counters[0].id, c.UnpauseCounter(request_id=f"r{next(ids)}"))
    for _ in range(args.rounds // 10):
        service = counters[0].services[0]
        apply(
            "kiosk-1",
            *(c.IssueTicket(request_id=f"r{next(ids)}", service=service) for _ in range(50)),
        )
    sent = sum(len(v) for k, v in cpu.items() if not k.startswith("batch")) + 50 * (
        args.rounds // 10
    )
    print(f"messages published: {bus.published / sent:.2f} per command, {bus.bytes / sent:.0f} B")
    checkpoints.stop()
    close_database(sessions)
    if args.profile:
        print_phases(profile, args.profile)
    return cpu


# Where a command's time goes: (phase, the function whose cumulative time it is).
PHASES = (
    ("decide the command and its reply", "_safe_step"),
    ("write the batch's rows", "write_day"),
    ("commit", "commit"),
    ("build and publish the retained states", "publish"),
)


def print_phases(profile: cProfile.Profile, verb: str) -> None:
    """Print the share of each phase of a command kind's CPU time (from cProfile)."""
    stats = pstats.Stats(profile)
    table = stats.stats  # type: ignore[attr-defined]
    total = sum(v[3] for k, v in table.items() if k[2] == "handle_batch")
    print(f"where {verb} spends its time (cProfile, share of the server's handling; its CPU")
    print("figures below include the profiler's own cost: measure them without --profile):")
    for name, function in PHASES:
        spent = max(
            (v[3] for k, v in table.items() if k[2] == function and "sqlalchemy" not in k[0]),
            default=0.0,
        )
        if function == "commit":
            spent = max(
                (v[3] for k, v in table.items() if k[2] == "commit" and "orm/session" in k[0]),
                default=0.0,
            )
        print(f"  {name:<40} {100 * spent / total:5.1f} %")


def main() -> int:
    """Print CPU per command by kind, and as a ratio to a Mosquitto round trip."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--counters", type=int, default=40)
    parser.add_argument("--database", help="a database URL (default: SQLite in a temp folder)")
    parser.add_argument("--round-trips", type=int, default=2000)
    parser.add_argument(
        "--profile", metavar="VERB", help="also print where that command's time goes (cProfile)"
    )
    args = parser.parse_args()
    round_trip = mosquitto_round_trip(args.round_trips)
    with tempfile.TemporaryDirectory() as folder:
        cpu = run(args, Path(folder))
    print(f"bare Mosquitto request/reply round trip (median): {round_trip * 1000:.3f} ms")
    print(f"{'command':<24}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}{'mean ms':>9}{'× trip':>8}")
    for verb, values in sorted(cpu.items()):
        if verb.startswith("("):
            continue
        values = sorted(values)
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        mean = statistics.fmean(values)
        print(
            f"{verb:<24}{len(values):>7}{statistics.median(values) * 1000:>9.3f}"
            f"{p99 * 1000:>9.3f}{mean * 1000:>9.3f}{mean / round_trip:>8.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
