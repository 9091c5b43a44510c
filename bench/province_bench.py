"""A province over a WAN: N branch servers, their brokers bridged to central, `motcua central`.

Every branch is a real `motcua server` process on its own SQLite file and its own Mosquitto,
bridged (the bridge `motcua provision --bridge-to` writes: MQTT v5, QoS 1, persistent session,
events, states, statuses and the index topics) to a central Mosquitto through a TCP proxy that
plays the WAN (bench/province_net.py: a one-way delay on every chunk, and a cut that closes
every connection and refuses new ones). `motcua central` runs on a PostgreSQL database of its
own (created on 127.0.0.1:5432 and dropped at the end). The bench's kiosks and counters talk to
each branch's own broker, as the hall's devices do.

Measured, in order:
1. issue_ticket round trip at the branches with the WAN at 0 ms, at --wan-ms, and cut;
2. a dossier received at branch A: time until branch B's kiosk finds it by the slip's QR
   (look_up_dossier polled every --poll-ms), p50/p99 over --dossiers dossiers;
3. a steady stream (dossiers received and finished, tickets issued at every branch) for
   --steady-seconds with the WAN up, then --cut-seconds with the WAN cut, then the WAN restored:
   time until central holds every branch's newest version of every dossier, nothing lost;
4. what central costs during the steady stream and the catch-up: CPU and peak RSS of
   `motcua central`, of the central Mosquitto and of the index's PostgreSQL backends, the
   central broker's connections, messages per second per site; then 100 sites on paper.

    .venv/bin/python bench/province_bench.py [--branches 20] [--wan-ms 50] [--cut-seconds 600]
"""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import paho.mqtt.client as mqtt  # noqa: E402
from paho.mqtt.enums import CallbackAPIVersion  # noqa: E402
from province_net import WanLink  # noqa: E402
from sqlalchemy import create_engine, select, text  # noqa: E402

from admin.bridge import BridgeTarget, bridge_conf  # noqa: E402
from server.broker import free_port, wait_for_port  # noqa: E402
from shared.messaging import commands as c  # noqa: E402
from shared.messaging import dossier_commands as dc  # noqa: E402
from shared.messaging.bus import Message  # noqa: E402
from shared.messaging.client import new_request_id  # noqa: E402
from shared.messaging.codec import encode  # noqa: E402
from shared.messaging.index import IndexLookup  # noqa: E402
from shared.messaging.paho_bus import BrokerAddress, PahoBus  # noqa: E402
from shared.messaging.topics import Topics  # noqa: E402
from shared.storage.dossier_tables import DossierRow  # noqa: E402
from shared.storage.engine import open_database  # noqa: E402
from shared.storage.index_tables import CentralDossierRow, DossierOutboxRow  # noqa: E402
from shared.storage.officer_repository import OfficerRepository, hash_password  # noqa: E402
from tests.helpers.province import (  # noqa: E402
    CITIZEN,
    NoPostgres,
    mosquitto_config,
    own_postgres_database,
    start_mosquitto,
    stop_process,
)
from tests.helpers.sites import DEMO_CONFIG  # noqa: E402

INDEX_KEY = "the-province-index-key-for-the-bench-0123456789"
PROCEDURE = "2.000200"
COUNTER, OFFICER, PIN = "q04", "cb04", "1234"
# Services of the demo site without ticket-taking hours (tickets at any time of day).
SERVICES = ("ho-tich", "chung-thuc", "ly-lich", "doanh-nghiep", "dau-tu", "xay-dung")
POLL_DEVICES = 8  # kiosks the findability poll rotates over (failed lookups count per kiosk)


def percentile(values: list[float], fraction: float) -> float:
    """The value below which `fraction` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def ms_row(name: str, seconds: list[float], extra: str = "") -> str:
    """A table row: count, p50, p99 and max in milliseconds."""
    if not seconds:
        return f"| {name} | 0 | – | – | – | {extra} |"
    ms = [s * 1000 for s in seconds]
    return (
        f"| {name} | {len(ms)} | {statistics.median(ms):.1f} | {percentile(ms, 0.99):.1f} | "
        f"{max(ms):.1f} | {extra} |"
    )


# --- processes -----------------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_kb(pid: int) -> tuple[int, int]:
    """Resident and peak resident memory (VmRSS, VmHWM) of a process, in KiB."""
    values = {"VmRSS": 0, "VmHWM": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in values:
                values[key] = int(rest.split()[0])
    except OSError:
        pass
    return values["VmRSS"], values["VmHWM"]


def load_average() -> str:
    """The machine's 1-, 5- and 15-minute load averages."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def all_cpu() -> dict[int, tuple[str, float]]:
    """Every process's name and CPU seconds so far, from /proc."""
    result = {}
    ticks = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                head, _, tail = (entry / "stat").read_text().rpartition(")")
            except OSError:
                continue
            fields = tail.split()
            name = head.partition("(")[2]
            result[int(entry.name)] = (name, (int(fields[11]) + int(fields[12])) / ticks)
    return result


@dataclass
class MachineShare:
    """Who used the machine's CPU over a phase: the province, the bench, everyone else."""

    seconds: float
    province: float
    bench: float
    others: float
    top: list[tuple[str, float]]

    def describe(self) -> str:
        """One line, in % of one core."""
        top = ", ".join(f"{name} {100 * cpu / self.seconds:.0f} %" for name, cpu in self.top)
        return (
            f"{self.seconds:.0f} s: the province's processes "
            f"{100 * self.province / self.seconds:.0f} % of a core, this bench process "
            f"{100 * self.bench / self.seconds:.0f} %, other "
            f"processes on the machine {100 * self.others / self.seconds:.0f} % ({top or 'none'})"
        )


def machine_share(
    before: dict[int, tuple[str, float]],
    after: dict[int, tuple[str, float]],
    own: set[int],
    seconds: float,
) -> MachineShare:
    """Split the CPU used between two /proc snapshots into ours and everyone else's."""
    province = bench = others = 0.0
    by_name: dict[str, float] = defaultdict(float)
    for pid, (name, cpu) in after.items():
        used = cpu - before.get(pid, (name, 0.0))[1]
        if pid == os.getpid():
            bench += used
        elif pid in own:
            province += used
        else:
            others += used
            by_name[name] += used
    ranked = sorted(by_name.items(), key=lambda item: -item[1])
    top = [(name, cpu) for name, cpu in ranked[:3] if cpu > 0.05 * seconds]
    return MachineShare(seconds, province, bench, others, top)


# --- the bench's devices -------------------------------------------------------------------


@dataclass
class Call:
    """One command sent by a bench device; its reply arrives on the branch's reply topic."""

    verb: str
    site: str
    phase: str
    sent: float
    done: threading.Event = field(default_factory=threading.Event)
    at: float = 0.0
    reply: dict[str, Any] = field(default_factory=dict)
    then: Callable[[Call], None] | None = None

    @property
    def ok(self) -> bool:
        """Whether the server answered and accepted the command."""
        return bool(self.reply.get("ok"))

    @property
    def seconds(self) -> float:
        """Round trip of an answered command."""
        return self.at - self.sent

    @property
    def error(self) -> str:
        """The error code of a refused command ('timeout' when none came)."""
        if not self.done.is_set():
            return "timeout"
        return str((self.reply.get("error") or {}).get("code", ""))

    def wait(self, timeout: float) -> bool:
        """Wait for the reply; return whether it came."""
        return self.done.wait(timeout)


class Hall:
    """The bench's devices of one branch, all over one connection to the branch's broker."""

    def __init__(self, site: str, port: int) -> None:
        self.site = site
        self.topics = Topics(site)
        self.bus = PahoBus(BrokerAddress("127.0.0.1", port), f"bench-{site}")
        self._lock = threading.Lock()
        self._serial = 0
        self._waiting: dict[bytes, Call] = {}
        self.open_codes: list[str] = []  # dossiers received here and not finished yet
        self.bus.subscribe(self.topics.replies(), self._reply)

    def send(
        self,
        device: str,
        command: c.Command,
        phase: str = "",
        then: Callable[[Call], None] | None = None,
    ) -> Call:
        """Send a command as `device` (QoS 0, like the devices); the reply completes the Call."""
        verb = str(type(command).model_fields["type"].default)
        with self._lock:
            self._serial += 1
            correlation = f"{self._serial}".encode()
            call = Call(verb, self.site, phase, time.perf_counter(), then=then)
            self._waiting[correlation] = call
        self.bus.publish(
            self.topics.command(verb, device),
            encode(command),
            qos=0,
            response_topic=self.topics.reply(device),
            correlation_data=correlation,
        )
        return call

    def _reply(self, message: Message) -> None:
        now = time.perf_counter()
        with self._lock:
            call = self._waiting.pop(message.correlation_data or b"", None)
        if call is None:
            return
        call.reply = json.loads(message.payload)
        call.at = now
        call.done.set()
        if call.then is not None:
            call.then(call)

    def receive(self, phase: str = "", then: Callable[[Call], None] | None = None) -> Call:
        """Receive a dossier at the counter (its officer logged in)."""
        command = dc.ReceiveDossier(
            request_id=new_request_id(), procedure=PROCEDURE, citizen=CITIZEN
        )
        return self.send(COUNTER, command, phase, then)

    def ticket(self, device: str, service: str, phase: str = "") -> Call:
        """Issue a ticket at a kiosk."""
        return self.send(device, c.IssueTicket(request_id=new_request_id(), service=service), phase)

    def close(self) -> None:
        """Disconnect."""
        self.bus.close()


class Stream(threading.Thread):
    """A steady load at every branch: dossiers received (some finished) and tickets issued."""

    def __init__(self, halls: list[Hall], dossier_rate: float, ticket_rate: float) -> None:
        super().__init__(name="stream", daemon=True)
        self.halls = halls
        self.rates = {"dossier": dossier_rate, "ticket": ticket_rate}
        self.phase = "steady"
        self.calls: list[Call] = []
        self._halt = threading.Event()
        self._jitter = random.Random(7)

    def run(self) -> None:
        """Send each branch's next command when it is due, until stopped."""
        due: list[tuple[float, int, str]] = []
        now = time.perf_counter()
        for i in range(len(self.halls)):
            for kind, rate in self.rates.items():
                if rate > 0:
                    heapq.heappush(due, (now + self._jitter.random() / rate, i, kind))
        serial = 0
        while not self._halt.is_set() and due:
            at, i, kind = due[0]
            wait = at - time.perf_counter()
            if wait > 0:
                self._halt.wait(min(wait, 0.05))
                continue
            heapq.heappop(due)
            hall = self.halls[i]
            serial += 1
            if kind == "ticket":
                service = SERVICES[serial % len(SERVICES)]
                self.calls.append(hall.ticket("kiosk-1", service, self.phase))
            elif hall.open_codes and self._jitter.random() < 0.3:
                code = hall.open_codes.pop(0)
                command = dc.MarkDone(request_id=new_request_id(), code=code)
                self.calls.append(hall.send(COUNTER, command, self.phase))
            else:
                self.calls.append(hall.receive(self.phase, then=remember_code(hall)))
            interval = (0.5 + self._jitter.random()) / self.rates[kind]
            heapq.heappush(due, (at + interval, i, kind))

    def stop(self) -> None:
        """Stop sending and wait for the thread."""
        self._halt.set()
        self.join(timeout=10)


def remember_code(hall: Hall) -> Callable[[Call], None]:
    """A reply handler keeping the received dossier's code (to finish it later)."""

    def keep(call: Call) -> None:
        if call.ok:
            hall.open_codes.append(call.reply["result"]["dossier"]["code"])

    return keep


# --- the central broker seen from a monitoring client -------------------------------------


class Monitor:
    """Counts every message on the central broker by site and kind, and keeps $SYS figures.

    Subscribed at QoS 0: the broker writes to it without an in-flight window, so a slow
    monitor never fills a queue of its own and never makes the broker drop messages.
    """

    def __init__(self, port: int) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[tuple[str, str]] = Counter()
        self.bytes: Counter[str] = Counter()
        self.sys: dict[str, str] = {}
        self.connected = threading.Event()
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id="bench-monitor", protocol=mqtt.MQTTv5
        )
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()

    def _on_connect(self, client: mqtt.Client, *_: object) -> None:
        client.subscribe([("motcua/v1/#", 0), ("$SYS/broker/#", 0)])
        self.connected.set()

    def _on_message(self, client: mqtt.Client, userdata: object, msg: mqtt.MQTTMessage) -> None:
        if msg.topic.startswith("$SYS/"):
            with self._lock:
                self.sys[msg.topic.removeprefix("$SYS/broker/")] = bytes(msg.payload).decode()
            return
        parts = msg.topic.split("/")
        if msg.retain or len(parts) < 4:
            return  # a retained state sent because we subscribed, not traffic
        kind = "/".join(parts[3:5]) if parts[3] == "index" else parts[3]
        with self._lock:
            self.counts[(parts[2], kind)] += 1
            self.bytes[kind] += len(msg.payload)

    def snapshot(self) -> tuple[Counter[tuple[str, str]], Counter[str], dict[str, str]]:
        """Copies of the counts so far and of the newest $SYS values."""
        with self._lock:
            return Counter(self.counts), Counter(self.bytes), dict(self.sys)

    def close(self) -> None:
        """Disconnect."""
        self.client.disconnect()
        self.client.loop_stop()


@dataclass
class Sample:
    """The central side's counters at one moment."""

    at: float
    index_cpu: float
    broker_cpu: float
    pg_cpu: dict[int, float]
    counts: Counter[tuple[str, str]]
    bytes: Counter[str]
    sys: dict[str, str]


@dataclass
class Costs:
    """What central spent between two samples."""

    seconds: float
    index_cpu: float
    broker_cpu: float
    pg_cpu: float
    by_kind: Counter[str]
    bytes: Counter[str]
    sites: int
    dropped: int

    @property
    def messages(self) -> int:
        """Messages published on the central broker."""
        return sum(self.by_kind.values())

    def per_site_rate(self) -> float:
        """Messages per second per site."""
        return self.messages / self.seconds / self.sites


# --- the province --------------------------------------------------------------------------


@dataclass
class Branch:
    """One branch: its broker, its server process, its database file."""

    site: str
    agency: str
    name: str
    folder: Path
    port: int = field(default_factory=free_port)
    broker: subprocess.Popen[bytes] | None = None
    server: subprocess.Popen[bytes] | None = None

    @property
    def database(self) -> Path:
        """The branch's own SQLite file."""
        return self.folder / "data" / "motcua.db"


class Province:
    """The central broker, the WAN proxy, `motcua central`, the branches and the bench devices."""

    def __init__(self, folder: Path, database_url: str, branches: int, wan_ms: float) -> None:
        self.folder = folder
        self.database_url = database_url
        self.central_port = free_port()
        self.central: subprocess.Popen[bytes] | None = None
        self.index: subprocess.Popen[bytes] | None = None
        self.wan: WanLink | None = None
        self.wan_ms = wan_ms
        self.key_file = folder / "index.key"
        self.key_file.write_text(INDEX_KEY + "\n", encoding="utf-8")
        self.branches = [
            Branch(
                f"hcc-{i:02d}",
                f"000.00.17.H{i:02d}",
                f"Chi nhánh số {i}",
                folder / f"hcc-{i:02d}",
            )
            for i in range(1, branches + 1)
        ]
        self.halls: list[Hall] = []
        self.monitor: Monitor | None = None
        self.probe: PahoBus | None = None
        self.central_engine = create_engine(database_url, pool_size=1)
        self.db_name = database_url.rsplit("/", 1)[1]

    # start-up

    def start(self) -> None:
        """Start everything and wait until every branch answers and every bridge is up."""
        data = self.folder / "central-data"
        data.mkdir()
        config = mosquitto_config(
            self.central_port,
            "persistence true",
            f"persistence_location {data}/",
            "autosave_interval 60",
            "sys_interval 1",
        )
        self.central = start_mosquitto(self.folder, "central-broker", config)
        if not wait_for_port(self.central_port, 10):
            raise RuntimeError(self.log("central-broker"))
        self.wan = WanLink(self.central_port, self.wan_ms, self.folder / "wan.log")
        self.start_index()
        self.monitor = Monitor(self.central_port)
        if not self.monitor.connected.wait(10):
            raise RuntimeError("the monitor cannot reach the central broker")
        for branch in self.branches:
            self.start_branch_broker(branch)
        for branch in self.branches:
            self.start_server(branch)
        for branch in self.branches:
            self.halls.append(Hall(branch.site, branch.port))
        for hall in self.halls:
            if not hall.bus.wait_connected(10):
                raise RuntimeError(f"bench cannot reach the broker of {hall.site}")
        deadline = time.monotonic() + 180
        for hall, branch in zip(self.halls, self.branches, strict=True):
            while True:
                login = dc.OfficerLogin(
                    request_id=new_request_id(), officer_id=OFFICER, password=PIN
                )
                call = hall.send(COUNTER, login)
                if call.wait(3) and call.ok:
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{branch.site} never answered: {self.log(branch.site)}")
        if not wait(lambda: self.wan is not None and self.wan.links() >= len(self.branches), 60):
            raise RuntimeError("not every bridge reached the central broker")

    def start_index(self) -> None:
        """Start `motcua central` on the central broker and wait until it answers."""
        path = self.folder / "central.toml"
        path.write_text(
            f'[broker]\nhost = "127.0.0.1"\nport = {self.central_port}\n\n'
            f'[database]\nurl = "{self.database_url}"\n\n'
            # The findability poll fails on purpose until the entry is there.
            "[index]\nlookup_failures = 1000\nlookup_window_seconds = 10\n",
            encoding="utf-8",
        )
        command = [sys.executable, "-m", "admin.cli", "central", "--config", str(path)]
        with (self.folder / "central-index.log").open("ab") as log:
            self.index = subprocess.Popen(
                [*command, "--log-level", "WARNING"], cwd=ROOT, stdout=log, stderr=log
            )
        probe = PahoBus(
            BrokerAddress("127.0.0.1", self.central_port),
            "bench-probe",
            reply_topic="motcua/v1/probe/index/answer",
        )
        self.probe = probe
        question = IndexLookup(request_id="probe", device="probe", key_id="0" * 12, code="x.y")

        def answered() -> bool:
            try:
                probe.request("motcua/v1/probe/index/lookup", encode(question), 0.5)
            except TimeoutError:
                return False
            return True

        if not wait(answered, 90):
            raise RuntimeError(self.log("central-index"))
        probe.close()
        self.probe = None

    def start_branch_broker(self, branch: Branch) -> None:
        """The branch's Mosquitto as provisioned, bridged to central through the WAN."""
        assert self.wan is not None
        branch.folder.mkdir()
        (branch.folder / "broker").mkdir()
        bridge = bridge_conf(branch.site, BridgeTarget("127.0.0.1", self.wan.port), "bench")
        config = mosquitto_config(
            branch.port,
            "persistence true",
            f"persistence_location {branch.folder / 'broker'}/",
            "autosave_interval 60",
            "max_queued_messages 100000",
            bridge,
        )
        branch.broker = start_mosquitto(branch.folder, "broker", config)
        if not wait_for_port(branch.port, 10):
            raise RuntimeError(self.log(f"{branch.site}/broker"))

    def start_server(self, branch: Branch) -> None:
        """Write the branch's site file and officer, start `motcua server` on it."""
        site_file = branch.folder / "site.toml"
        site_file.write_text(self.site_text(branch), encoding="utf-8")
        sessions = open_database(f"sqlite:///{branch.database}")
        with sessions.begin() as session:
            OfficerRepository(session, branch.site).upsert(
                OFFICER, "Trần Thị Bình", (COUNTER,), hash_password(PIN), datetime.now(UTC)
            )
        sessions.kw["bind"].dispose()
        command = [sys.executable, "-m", "admin.cli", "server", "--config", str(site_file)]
        with (branch.folder / "server.log").open("ab") as log:
            branch.server = subprocess.Popen(
                [*command, "--log-level", "WARNING"], cwd=ROOT, stdout=log, stderr=log
            )

    def site_text(self, branch: Branch) -> str:
        """The demo site renamed as this branch, on its broker, in the index."""
        text = DEMO_CONFIG.read_text(encoding="utf-8")
        # Results may be returned at any other branch of the bench's province.
        others = ", ".join(f'"{b.site}" = "{b.name}"' for b in self.branches if b is not branch)
        swaps = {
            'data_dir = "var/demo"': f'data_dir = "{branch.folder / "data"}"',
            'id = "hcc-demo"': f'id = "{branch.site}"',
            'name = "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa"': f'name = "{branch.name}"',
            'agency_code = "000.00.17.H99"': f'agency_code = "{branch.agency}"',
            'catalogue = "demo-catalogue.csv"': (
                f'catalogue = "{DEMO_CONFIG.parent / "demo-catalogue.csv"}"'
            ),
        }
        for old, new in swaps.items():
            if old not in text:
                raise RuntimeError(f"the demo site file changed: {old!r} not found")
            text = text.replace(old, new, 1)
        return text + (
            f'\n[broker]\nhost = "127.0.0.1"\nport = {branch.port}\n'
            "\n[server]\nhealth_port = 0\n"
            # The bench's kiosks send far faster than people; the poll fails on purpose.
            "\n[limits]\nenabled = false\nlookup_failures = 1000\nlookup_window_seconds = 10\n"
            f'\n[index]\nenabled = true\nkey_file = "{self.key_file}"\n'
            f"return_branches = {{ {others} }}\n"
        )

    # figures

    def pids(self) -> set[int]:
        """Every process of the province (the index's PostgreSQL backends included)."""
        processes = [self.central, self.index, self.wan.process if self.wan else None]
        for branch in self.branches:
            processes += [branch.broker, branch.server]
        return {p.pid for p in processes if p is not None} | set(self.pg_backends())

    def pg_backends(self) -> dict[int, float]:
        """CPU seconds of the index's PostgreSQL backends (this bench's own connection left out)."""
        with self.central_engine.connect() as connection:
            pids = connection.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = :name "
                    "AND pid <> pg_backend_pid()"
                ),
                {"name": self.db_name},
            ).scalars()
            return {int(pid): cpu_seconds(int(pid)) for pid in pids}

    def sample(self) -> Sample:
        """The central side's counters now."""
        assert self.index is not None and self.central is not None and self.monitor is not None
        counts, sizes, sys_values = self.monitor.snapshot()
        return Sample(
            time.perf_counter(),
            cpu_seconds(self.index.pid),
            cpu_seconds(self.central.pid),
            self.pg_backends(),
            counts,
            sizes,
            sys_values,
        )

    def costs(self, before: Sample, after: Sample) -> Costs:
        """What central spent between two samples."""
        kinds: Counter[str] = Counter()
        for (_site, kind), n in (after.counts - before.counts).items():
            kinds[kind] += n
        pg = sum(cpu - before.pg_cpu.get(pid, 0.0) for pid, cpu in after.pg_cpu.items())

        def dropped(s: Sample) -> int:
            return int(s.sys.get("publish/messages/dropped", "0") or 0)

        return Costs(
            after.at - before.at,
            after.index_cpu - before.index_cpu,
            after.broker_cpu - before.broker_cpu,
            pg,
            kinds,
            after.bytes - before.bytes,
            len(self.branches),
            dropped(after) - dropped(before),
        )

    def central_versions(self) -> dict[str, int]:
        """Every dossier code the central index holds, with its version."""
        with self.central_engine.connect() as connection:
            rows = connection.execute(select(CentralDossierRow.code, CentralDossierRow.version))
            return {code: version for code, version in rows}

    def branch_versions(self) -> dict[str, dict[str, int]]:
        """Each branch's dossiers with their versions, read from its own database."""
        result = {}
        for branch in self.branches:
            engine = create_engine(f"sqlite:///{branch.database}")
            try:
                with engine.connect() as connection:
                    rows = connection.execute(select(DossierRow.code, DossierRow.version))
                    result[branch.site] = {code: version for code, version in rows}
            finally:
                engine.dispose()
        return result

    def outbox_pending(self) -> int:
        """Outbox rows central has not acknowledged yet, over every branch."""
        total = 0
        for branch in self.branches:
            engine = create_engine(f"sqlite:///{branch.database}")
            try:
                with engine.connect() as connection:
                    query = select(DossierOutboxRow.code).where(DossierOutboxRow.pending.is_(True))
                    total += len(connection.execute(query).all())
            finally:
                engine.dispose()
        return total

    def log(self, name: str) -> str:
        """The tail of one process's log."""
        candidates = [self.folder / f"{name}.log", self.folder / name / "server.log"]
        for path in candidates:
            if path.exists():
                return path.read_text(errors="replace")[-3000:]
        return ""

    def errors_logged(self) -> list[str]:
        """Lines the servers, the index and the central broker logged (WARNING and up)."""
        lines = []
        paths = [self.folder / "central-index.log", self.folder / "central-broker.log"]
        paths += [b.folder / "server.log" for b in self.branches]
        for path in paths:
            if path.exists():
                for line in path.read_text(errors="replace").splitlines():
                    if line.strip() and "should not be run as root" not in line:
                        lines.append(f"{path.relative_to(self.folder)}: {line[:200]}")
        return lines

    # shut-down

    def close(self) -> None:
        """Stop the devices, the servers, the index, the brokers and the proxy."""
        for hall in self.halls:
            hall.close()
        for bus in (self.monitor, self.probe):
            if bus is not None:
                bus.close()
        for branch in self.branches:
            if branch.server is not None:
                branch.server.terminate()
        for branch in self.branches:
            if branch.server is not None:
                stop_process(branch.server, 20)
        if self.index is not None:
            stop_process(self.index, 20)
        for branch in self.branches:
            if branch.broker is not None:
                stop_process(branch.broker)
        if self.wan is not None:
            self.wan.close()
        if self.central is not None:
            stop_process(self.central)
        self.central_engine.dispose()


def wait(condition: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    """Poll a condition until it holds or the time is up; return whether it held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


# --- the measurements ----------------------------------------------------------------------


def ticket_round_trips(
    halls: list[Hall], count: int, phase: str
) -> tuple[list[float], Counter[str]]:
    """Issue `count` tickets one after another, round robin over the branches."""
    times: list[float] = []
    errors: Counter[str] = Counter()
    for i in range(count):
        hall = halls[i % len(halls)]
        call = hall.ticket("kiosk-2", SERVICES[i % len(SERVICES)], phase)
        call.wait(5)
        if call.ok:
            times.append(call.seconds)
        else:
            errors[call.error] += 1
        time.sleep(0.01)
    return times, errors


def ticket_comparison(
    halls: list[Hall], wan: WanLink, count: int, wan_ms: float, blocks: int = 6
) -> dict[str, tuple[list[float], Counter[str]]]:
    """Tickets at WAN 0 ms and at `wan_ms`, in alternating blocks (the machine's noise shared)."""
    result: dict[str, tuple[list[float], Counter[str]]] = {}
    per_block = max(1, count // 2 // blocks)
    for block in range(blocks):
        order = (0.0, wan_ms) if block % 2 == 0 else (wan_ms, 0.0)
        for delay in order:
            wan.delay(delay)
            time.sleep(0.5)
            times, errors = ticket_round_trips(halls, per_block, f"wan{delay:.0f}")
            total, seen = result.setdefault(f"WAN {delay:.0f} ms", ([], Counter()))
            total.extend(times)
            seen.update(errors)
    return result


@dataclass
class Findability:
    """Dossiers received at A, then looked up at B until found."""

    receive: list[float] = field(default_factory=list)
    found: list[float] = field(default_factory=list)
    polls: list[int] = field(default_factory=list)
    misses: Counter[str] = field(default_factory=Counter)
    never: int = 0


def findability(halls: list[Hall], count: int, poll_ms: float, seed: int) -> Findability:
    """For each dossier: received at a random branch A, polled at another branch B's kiosk."""
    pick = random.Random(seed)
    figures = Findability()
    for n in range(count):
        a, b = pick.sample(range(len(halls)), 2)
        receipt = halls[a].receive("find")
        if not receipt.wait(10) or not receipt.ok:
            figures.misses[f"receive {receipt.error}"] += 1
            continue
        figures.receive.append(receipt.seconds)
        dossier = receipt.reply["result"]["dossier"]
        halls[a].open_codes.append(dossier["code"])
        start = receipt.at
        polls: list[Call] = []
        found: float | None = None
        while found is None and time.perf_counter() - start < 15:
            device = f"kiosk-poll-{(n * 3 + len(polls)) % POLL_DEVICES}"
            command = dc.LookUpDossier(request_id=new_request_id(), text=dossier["qr"])
            polls.append(halls[b].send(device, command, "find"))
            time.sleep(poll_ms / 1000)
            hits = [p.at for p in polls if p.done.is_set() and p.ok]
            found = min(hits) if hits else None
        for p in polls:
            p.wait(3)
            if not p.ok:
                figures.misses[p.error] += 1
        if found is None:
            figures.never += 1
        else:
            figures.found.append(found - start)
            figures.polls.append(len(polls))
        time.sleep(0.05)
    return figures


@dataclass
class Transfers:
    """Results sent from A to B: when B could accept them, and when A logged B's news."""

    acceptable: list[float] = field(default_factory=list)
    accept: list[float] = field(default_factory=list)
    arrived_at_a: list[float] = field(default_factory=list)
    give_back: list[float] = field(default_factory=list)
    returned_at_a: list[float] = field(default_factory=list)
    misses: Counter[str] = field(default_factory=Counter)


def _dossier_state(branch: Branch, code: str) -> tuple[int, bool]:
    """A dossier's status and whether its result arrived elsewhere, from the branch's database."""
    engine = create_engine(f"sqlite:///{branch.database}")
    try:
        with engine.connect() as connection:
            row = connection.execute(
                select(DossierRow.status, DossierRow.result_arrived_at).where(
                    DossierRow.code == code
                )
            ).one()
            return int(row[0]), row[1] is not None
    finally:
        engine.dispose()


def _arrived_at(branch: Branch, code: str) -> bool:
    return _dossier_state(branch, code)[1]


def _returned_at(branch: Branch, code: str) -> bool:
    return _dossier_state(branch, code)[0] == 10


def _until(check: Callable[[], bool], poll_ms: float, since: float) -> float | None:
    """Seconds from `since` until the check first held (polled), or None after 15 s."""
    while time.perf_counter() - since < 15:
        if check():
            return time.perf_counter() - since
        time.sleep(poll_ms / 1000)
    return None


def transfers(province: Province, count: int, poll_ms: float, seed: int) -> Transfers:
    """For each: a result sent from A to B, accepted and returned at B, logged back at A."""
    pick, halls, figures = random.Random(seed), province.halls, Transfers()
    for _ in range(count):
        a, b = pick.sample(range(len(halls)), 2)
        sender, branch_a = halls[a], province.branches[a]
        receipt = sender.receive("transfer")
        if not receipt.wait(10) or not receipt.ok:
            figures.misses[f"receive {receipt.error}"] += 1
            continue
        code = receipt.reply["result"]["dossier"]["code"]
        to_site = province.branches[b].site
        steps: list[c.Command] = [
            dc.MarkDone(request_id=new_request_id(), code=code),
            dc.TransferResult(request_id=new_request_id(), code=code, to_site=to_site),
        ]
        calls = [sender.send(COUNTER, step, "transfer") for step in steps]
        if not all(call.wait(10) and call.ok for call in calls):
            figures.misses[f"transfer {[call.error for call in calls]}"] += 1
            continue
        sent_at = calls[-1].at
        accepted: Call | None = None
        while accepted is None and time.perf_counter() - sent_at < 15:  # B's officer tries
            call = halls[b].send(COUNTER, dc.AcceptResult(request_id=new_request_id(), code=code))
            if call.wait(5) and call.ok:
                accepted = call
            else:
                time.sleep(poll_ms / 1000)
        if accepted is None:
            figures.misses["never acceptable at B"] += 1
            continue
        figures.acceptable.append(accepted.at - sent_at)
        figures.accept.append(accepted.seconds)
        arrived = _until(partial(_arrived_at, branch_a, code), poll_ms, accepted.at)
        if arrived is None:
            figures.misses["arrival never logged at A"] += 1
            continue
        figures.arrived_at_a.append(arrived)
        give = halls[b].send(COUNTER, dc.ReturnHeldResult(request_id=new_request_id(), code=code))
        if not give.wait(10) or not give.ok:
            figures.misses[f"return {give.error}"] += 1
            continue
        figures.give_back.append(give.seconds)
        returned = _until(partial(_returned_at, branch_a, code), poll_ms, give.at)
        if returned is None:
            figures.misses["return never logged at A"] += 1
        else:
            figures.returned_at_a.append(returned)
    return figures


@dataclass
class CatchUp:
    """The WAN restored after a cut: when central held everything again."""

    backlog: int = 0
    expected: int = 0
    first: float | None = None
    complete: float | None = None
    acked: float | None = None
    per_branch: dict[str, float] = field(default_factory=dict)
    missing: int = 0
    older: int = 0
    extra: int = 0
    timeline: list[tuple[float, int]] = field(default_factory=list)
    bridges: list[tuple[float, int]] = field(default_factory=list)  # links through the WAN


def catch_up(province: Province, wan: WanLink, restored: float, timeout: float) -> CatchUp:
    """Poll central's database until it holds every branch's newest version of every dossier."""
    by_branch = province.branch_versions()
    expected = {code: v for versions in by_branch.values() for code, v in versions.items()}
    result = CatchUp(expected=len(expected))
    central = province.central_versions()
    result.backlog = sum(1 for code, v in expected.items() if central.get(code) != v)
    start_matching = len(expected) - result.backlog
    deadline = restored + timeout
    while time.perf_counter() < deadline:
        central = province.central_versions()
        now = time.perf_counter() - restored
        matching = sum(1 for code, v in expected.items() if central.get(code) == v)
        result.timeline.append((now, matching))
        links = wan.links()
        if not result.bridges or result.bridges[-1][1] != links:
            result.bridges.append((now, links))
        if result.first is None and matching > start_matching:
            result.first = now
        for site, versions in by_branch.items():
            if site not in result.per_branch and all(
                central.get(code) == v for code, v in versions.items()
            ):
                result.per_branch[site] = now
        if matching == len(expected):
            result.complete = now
            break
        time.sleep(0.25)
    central = province.central_versions()
    result.missing = sum(1 for code in expected if code not in central)
    result.older = sum(1 for code, v in expected.items() if code in central and central[code] < v)
    result.extra = sum(1 for code in central if code not in expected)
    left = max(1.0, deadline - time.perf_counter())
    if result.complete is not None and wait(lambda: province.outbox_pending() == 0, left, 0.5):
        result.acked = time.perf_counter() - restored
    return result


# --- the report ----------------------------------------------------------------------------


def print_costs(name: str, costs: Costs) -> None:
    """Central's spending over one phase."""
    print(
        f"\n{name}: {costs.seconds:.0f} s, {costs.messages} messages on the central broker "
        f"({costs.messages / costs.seconds:.1f}/s, {costs.per_site_rate():.2f}/s per site), "
        f"dropped by the broker: {costs.dropped}"
    )
    for kind, n in sorted(costs.by_kind.items()):
        size = costs.bytes[kind] / n if n else 0
        print(
            f"  {kind:<14} {n:>7}  {n / costs.seconds / costs.sites:8.3f}/s per site  "
            f"{size:6.0f} bytes on average"
        )
    print(
        f"  CPU: motcua central {costs.index_cpu:.2f} s "
        f"({100 * costs.index_cpu / costs.seconds:.1f} % of a core), central Mosquitto "
        f"{costs.broker_cpu:.2f} s ({100 * costs.broker_cpu / costs.seconds:.1f} %), the index's "
        f"PostgreSQL backends {costs.pg_cpu:.2f} s ({100 * costs.pg_cpu / costs.seconds:.1f} %)"
    )


def drain_peak(timeline: list[tuple[float, int]]) -> float:
    """The fastest rise of dossiers current at central over any window of at least 1 s."""
    best = 0.0
    for i, (t0, n0) in enumerate(timeline):
        for t1, n1 in timeline[i + 1 :]:
            if t1 - t0 >= 1.0:
                best = max(best, (n1 - n0) / (t1 - t0))
                break
    return best


def index_rate(costs: Costs) -> float:
    """Index messages (entries, acks, lookups, answers) per second per site."""
    index = sum(n for kind, n in costs.by_kind.items() if kind.startswith("index/"))
    return index / costs.seconds / costs.sites


def print_paper(
    steady: Costs,
    catch_costs: Costs,
    catch: CatchUp,
    cut_seconds: float,
    peak_kb: int,
    target: int,
) -> None:
    """`target` sites on paper from the measured per-site costs, with the arithmetic."""
    sites = steady.sites
    scale = target / sites
    print(f"\n## {target} sites on paper (measured with {sites}; costs taken as linear in sites)")
    print(f"- bridge connections at central: {sites} measured → {target} (+1 for motcua central)")
    rate = steady.per_site_rate()
    print(
        f"- messages through the central broker: {rate:.2f}/s per site × {target} = "
        f"{rate * target:.0f}/s at this bench's stream rate; index messages only "
        f"{index_rate(steady):.3f}/s per site × {target} = {index_rate(steady) * target:.1f}/s"
    )
    index_core = steady.index_cpu / steady.seconds
    print(
        f"- motcua central CPU: {100 * index_core:.2f} % of a core for {sites} sites × "
        f"{target}/{sites} = {100 * index_core * scale:.1f} % of a core"
    )
    for name, used in (("central Mosquitto", steady.broker_cpu), ("PostgreSQL", steady.pg_cpu)):
        core = used / steady.seconds
        print(f"- {name} CPU: {100 * core:.2f} % × {target}/{sites} = {100 * core * scale:.1f} %")
    entries = steady.by_kind["index/dossier"]
    if entries:
        per_entry = steady.index_cpu / entries
        daily = target * 1000 / 86400
        print(
            f"- per index entry: {1000 * per_entry:.2f} ms of motcua central CPU (all its CPU "
            f"over {entries} entries, idle timers included); at 1,000 dossier changes a day per "
            f"branch (docs/province.md) {target} sites send {target} × 1000 / 86400 = "
            f"{daily:.2f} entries/s × {1000 * per_entry:.2f} ms = "
            f"{100 * daily * per_entry:.2f} % of a core on average"
        )
    print(
        f"- motcua central memory: peak RSS {peak_kb / 1024:.0f} MiB with {sites} sites; it keeps "
        "no per-site state but failed-lookup counts, so about the same with more sites"
    )
    queued = catch_costs.messages - sum(
        n for kind, n in catch_costs.by_kind.items() if kind.startswith("index/")
    )
    print(
        f"- the central broker while catching up: {catch_costs.messages} messages in "
        f"{catch_costs.seconds:.0f} s, {queued} of them events, states and statuses the bridges "
        f"had queued during the cut; × {target}/{sites} × 600/{cut_seconds:.0f} s = "
        f"{catch_costs.messages * scale * 600 / cut_seconds:.0f} messages after a 600 s cut"
    )
    catch_entries = catch_costs.by_kind["index/dossier"]
    if not (catch.backlog and catch_entries and catch.complete is not None):
        return
    per_message = catch_costs.index_cpu / catch_entries
    capacity = 1 / per_message if per_message > 0 else float("inf")
    sent = catch_entries / catch.backlog
    backlog = catch.backlog * scale * 600 / cut_seconds
    reconnect = max(catch.per_branch.values()) if catch.per_branch else catch.complete
    print(
        f"- catch-up after a 600 s cut: backlog {catch.backlog} dossiers × {target}/{sites} "
        f"× 600/{cut_seconds:.0f} s = {backlog:.0f} dossiers; {sent:.2f} index/dossier messages "
        f"reached central per dossier behind (queued copies and resends); motcua central spent "
        f"{1000 * per_message:.2f} ms CPU per message while catching up → {capacity:.0f} "
        f"messages/s on one core; here the last branch was complete {reconnect:.1f} s after the "
        f"restore (mostly the bridges' reconnection, restart_timeout 2 30: ~30 s at most "
        f"whatever the number of sites) → about {reconnect:.0f} + {backlog:.0f} × {sent:.2f} / "
        f"{capacity:.0f} = {reconnect + backlog * sent / capacity:.0f} s, if a core is free "
        "for the index"
    )


def established(port: int) -> int:
    """TCP connections established to this local port (from /proc/net/tcp and tcp6)."""
    count = 0
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(name).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if int(parts[1].rsplit(":", 1)[1], 16) == port and parts[3] == "01":
                count += 1
    return count


def fmt(value: float | None) -> str:
    """Seconds with one decimal, or 'never'."""
    return "never" if value is None else f"{value:.1f}"


# --- main ----------------------------------------------------------------------------------


@contextmanager
def work_folder(keep: bool) -> Iterator[Path]:
    """A temporary folder for the brokers, databases and logs; removed unless --keep."""
    folder = Path(tempfile.mkdtemp(prefix="motcua-province-"))
    try:
        yield folder
    finally:
        if keep:
            print(f"(kept {folder})")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    """Build the province, run the four measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--branches", type=int, default=20)
    parser.add_argument("--wan-ms", type=float, default=50.0, help="one-way WAN delay")
    parser.add_argument("--tickets", type=int, default=300, help="tickets per WAN setting")
    parser.add_argument("--dossiers", type=int, default=100, help="dossiers looked up at B")
    parser.add_argument("--transfers", type=int, default=20, help="results sent from A to B")
    parser.add_argument("--poll-ms", type=float, default=10.0)
    parser.add_argument("--steady-seconds", type=float, default=60.0)
    parser.add_argument("--cut-seconds", type=float, default=600.0)
    parser.add_argument(
        "--dossier-rate", type=float, default=0.2, help="dossier changes per second per branch"
    )
    parser.add_argument(
        "--ticket-rate", type=float, default=0.2, help="tickets per second per branch"
    )
    parser.add_argument("--catch-up-timeout", type=float, default=900.0)
    parser.add_argument("--paper-sites", type=int, default=100)
    parser.add_argument("--keep", action="store_true", help="keep the work folder and logs")
    args = parser.parse_args()
    if not 2 <= args.branches <= 99:
        parser.error("--branches must be between 2 and 99")
    if shutil.which("mosquitto") is None and not Path("/usr/sbin/mosquitto").exists():
        print("mosquitto is not installed", file=sys.stderr)
        return 1
    command = "  .venv/bin/python bench/province_bench.py " + " ".join(sys.argv[1:])
    began = time.perf_counter()
    try:
        with ExitStack() as stack:
            folder = stack.enter_context(work_folder(args.keep))
            url = stack.enter_context(own_postgres_database("province_bench"))
            province = Province(folder, url, args.branches, 0.0)
            stack.callback(province.close)
            return run(province, args, command, began)
    except NoPostgres as exc:
        print(f"no PostgreSQL on 127.0.0.1:5432: {exc}", file=sys.stderr)
        return 1


def run(province: Province, args: argparse.Namespace, command: str, began: float) -> int:
    """The measurements, on a started province."""
    print(f"load average before start: {load_average()}", flush=True)
    province.start()
    assert province.wan is not None and province.index is not None
    assert province.central is not None and province.monitor is not None
    wan = province.wan
    halls = province.halls
    started_rss = memory_kb(province.index.pid)[0]
    print(f"started {args.branches} branches in {time.perf_counter() - began:.0f} s", flush=True)
    # Warm-up: one dossier per branch, every branch's entry at central.
    for hall in halls:
        hall.receive("warm", then=remember_code(hall)).wait(10)
    if not wait(lambda: len(province.central_versions()) >= len(halls), 60):
        print("warning: not every branch's first dossier reached central in 60 s")
    machine_start, at_start = all_cpu(), time.perf_counter()

    # 1. tickets with the WAN at 0 ms and at --wan-ms, alternating
    snapshot, at = all_cpu(), time.perf_counter()
    tickets = ticket_comparison(halls, wan, 2 * args.tickets, args.wan_ms)
    shares = {
        "WAN 0 and 50 ms": machine_share(
            snapshot, all_cpu(), province.pids(), time.perf_counter() - at
        )
    }
    wan.delay(args.wan_ms)
    print(f"tickets done, load {load_average()}", flush=True)

    # 2. findability across branches at --wan-ms
    before_find = province.sample()
    found = findability(halls, args.dossiers, args.poll_ms, seed=11)
    find_costs = province.costs(before_find, province.sample())
    print(f"findability done, load {load_average()}", flush=True)

    # 2b. results transferred between branches at --wan-ms
    moved = transfers(province, args.transfers, args.poll_ms, seed=13)
    print(f"transfers done, load {load_average()}", flush=True)

    # 3. steady stream with the WAN up, then cut, then restored
    stream = Stream(halls, args.dossier_rate, args.ticket_rate)
    stream.start()
    time.sleep(3)  # the stream settles
    before_steady, machine_before = province.sample(), all_cpu()
    time.sleep(args.steady_seconds)
    after_steady = province.sample()
    steady_share = machine_share(
        machine_before, all_cpu(), province.pids(), after_steady.at - before_steady.at
    )
    connections = established(province.central_port)
    steady_costs = province.costs(before_steady, after_steady)
    print(f"steady stream done, load {load_average()}; cutting the WAN", flush=True)
    stream.phase = "cut"
    wan.cut()
    cut_at = time.perf_counter()
    time.sleep(2)
    snapshot, at = all_cpu(), time.perf_counter()
    tickets["WAN cut (stream running)"] = ticket_round_trips(halls, args.tickets, "cut")
    shares["WAN cut"] = machine_share(
        snapshot, all_cpu(), province.pids(), time.perf_counter() - at
    )
    while time.perf_counter() - cut_at < args.cut_seconds:
        left = args.cut_seconds - (time.perf_counter() - cut_at)
        time.sleep(min(60.0, max(0.0, left)))
        print(
            f"  cut for {time.perf_counter() - cut_at:.0f} s, load {load_average()}, "
            f"bridges through the WAN {wan.links()}",
            flush=True,
        )
    stream.stop()
    for call in stream.calls:
        call.wait(5)
    before_catch = province.sample()
    wan.restore()
    restored = time.perf_counter()
    catch = catch_up(province, wan, restored, args.catch_up_timeout)
    after_catch = province.sample()
    catch_costs = province.costs(before_catch, after_catch)
    peak_kb = memory_kb(province.index.pid)[1]
    broker_rss, broker_peak = memory_kb(province.central.pid)
    connections_end = established(province.central_port)
    whole_share = machine_share(
        machine_start, all_cpu(), province.pids(), time.perf_counter() - at_start
    )

    # --- the report
    print(f"\n# Province bench: {args.branches} branches, WAN {args.wan_ms:.0f} ms one way")
    print(
        f"{os.cpu_count()} cores, every process on loopback; load average at the end "
        f"{load_average()}.\nCPU during the steady stream, {steady_share.describe()}.\n"
        f"CPU over the whole run, {whole_share.describe()}."
    )
    print("\n## 1. issue_ticket round trip at the branches (kiosk on the branch's own broker)")
    print("| WAN | n | p50 ms | p99 ms | max ms | errors |")
    print("|---|---|---|---|---|---|")
    for name, (times, errors) in tickets.items():
        print(ms_row(name, times, ", ".join(f"{k} {v}" for k, v in errors.items()) or "none"))
    for name, share in shares.items():
        print(f"CPU while the tickets at {name} were issued, {share.describe()}")
    stream_times: dict[str, list[float]] = defaultdict(list)
    stream_errors: Counter[str] = Counter()
    for call in stream.calls:
        if call.ok:
            stream_times[f"{call.phase}: {call.verb}"].append(call.seconds)
        else:
            stream_errors[f"{call.phase} {call.verb} {call.error}"] += 1
    print(
        f"\nthe stream ({args.dossier_rate}/s dossier changes and {args.ticket_rate}/s tickets "
        f"per branch), WAN {args.wan_ms:.0f} ms (steady) then cut:"
    )
    print("| phase: command | n | p50 ms | p99 ms | max ms | |")
    print("|---|---|---|---|---|---|")
    for name in sorted(stream_times, key=lambda n: (not n.startswith("steady"), n)):
        print(ms_row(name, stream_times[name]))
    print(f"stream errors: {dict(stream_errors) or 'none'}")

    print(f"\n## 2. received at A → found at B's kiosk by the slip's QR (WAN {args.wan_ms:.0f} ms)")
    print("| measure | n | p50 ms | p99 ms | max ms | |")
    print("|---|---|---|---|---|---|")
    print(ms_row("receive_dossier at A (reply)", found.receive))
    polls = statistics.mean(found.polls) if found.polls else 0.0
    print(
        ms_row(
            "A's reply → B's first successful lookup",
            found.found,
            f"poll every {args.poll_ms:.0f} ms, {polls:.1f} lookups per dossier",
        )
    )
    print(
        f"never found within 15 s: {found.never}; lookups answered otherwise: "
        f"{dict(found.misses) or 'none'}"
    )
    print_costs("central during (2), lookups polled", find_costs)

    print(
        f"\n## 2b. a result sent from A to B, accepted and returned at B (WAN {args.wan_ms:.0f} ms)"
    )
    print("| measure | n | p50 ms | p99 ms | max ms | |")
    print("|---|---|---|---|---|---|")
    print(ms_row("A's transfer → B's officer can accept it", moved.acceptable))
    print(ms_row("accept_result at B (reply, asks the index)", moved.accept))
    print(ms_row("B's accept reply → arrival logged at A", moved.arrived_at_a))
    print(ms_row("return_held_result at B (reply)", moved.give_back))
    print(ms_row("B's return reply → A's dossier returned", moved.returned_at_a))
    print(f"not completed: {dict(moved.misses) or 'none'}")

    print(f"\n## 3. WAN cut for {args.cut_seconds:.0f} s while the branches work, then restored")
    print(
        f"dossiers at the branches: {catch.expected}; not at central in their newest version "
        f"when the WAN came back: {catch.backlog}"
    )
    print(
        f"first entry at central {fmt(catch.first)} s after the restore; central holds every "
        f"entry {fmt(catch.complete)} s after (catch-up time); every outbox acknowledged "
        f"{fmt(catch.acked)} s after"
    )
    if catch.bridges:
        back = ", ".join(f"{t:.1f} s→{n}" for t, n in catch.bridges)
        print(f"bridges through the WAN after the restore (s→connected): {back}")
    if catch.per_branch:
        done = sorted(catch.per_branch.values())
        print(
            f"per branch, complete at central after: p50 {statistics.median(done):.1f} s, "
            f"max {max(done):.1f} s ({len(done)} of {args.branches} branches); fastest rise "
            f"{drain_peak(catch.timeline):.0f} dossiers/s over ≥1 s"
        )
    print(
        f"nothing lost: missing at central {catch.missing}, older version at central "
        f"{catch.older}, at central but at no branch {catch.extra}"
    )
    step = max(1, len(catch.timeline) // 15)
    marks = ", ".join(f"{t:.1f}→{n}" for t, n in catch.timeline[::step])
    print(f"timeline (s after restore→dossiers current at central): {marks}")

    print("\n## 4. what central costs")
    print_costs("steady stream, WAN up", steady_costs)
    print_costs("catch-up after the restore", catch_costs)
    print(
        f"\nmotcua central: RSS {started_rss / 1024:.0f} MiB after start, peak "
        f"{peak_kb / 1024:.0f} MiB; central Mosquitto RSS {broker_rss / 1024:.1f} MiB (peak "
        f"{broker_peak / 1024:.1f}); TCP connections to the central broker during the steady "
        f"stream {connections} ({args.branches} bridges through the WAN + motcua central + this "
        f"bench's monitor), at the end {connections_end}"
    )
    print_paper(steady_costs, catch_costs, catch, args.cut_seconds, peak_kb, args.paper_sites)
    logged = province.errors_logged()
    print(
        f"\nlines logged (WARNING and up) by the servers, the index and the central broker: "
        f"{len(logged)}"
    )
    for line in logged[:15]:
        print(f"  {line}")
    print(f"\ntotal {time.perf_counter() - began:.0f} s; command:\n{command}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
