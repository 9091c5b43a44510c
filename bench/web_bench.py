"""`motcua web` under 1,000 open ticket pages: call → page latency, CPU and memory.

Starts Mosquitto, `motcua server` and `motcua web` (separate processes) on a generated site,
issues PAGES + ROUNDS tickets, opens one live page (a Server-Sent Events stream, as the
page's script does) for each of the last PAGES tickets from one asyncio process, then a
counter presses call_next ROUNDS times with the real CommandClient. Every call moves every
waiting ticket up one place, so each round every page gets one update: the figure is the time
from sending call_next to each page receiving its update (p50/p99 over pages × rounds), and
its two parts: call_next → the server's new `state/lines` snapshot at a plain MQTT client (the
server publishes lines at most every server.daemon.LINES_INTERVAL_SECONDS), then snapshot →
each page. CPU (user + system) and resident memory are those of the `motcua web` process.

    .venv/bin/python bench/web_bench.py --pages 1000 --rounds 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from server.broker import EmbeddedBroker, free_port  # noqa: E402
from shared.messaging import commands as c  # noqa: E402
from shared.messaging.client import CommandClient, new_request_id  # noqa: E402
from shared.messaging.topics import Topics  # noqa: E402
from shared.runtime import connect_bus  # noqa: E402

SITE = "web-bench"


def site_file(work: Path, broker_port: int, password: str, web_port: int) -> Path:
    """A one-service site with two counters, on the bench's broker, with its web pages."""
    (work / "pw").write_text(password)
    text = f"""
data_dir = "{work / "data"}"
[site]
id = "{SITE}"
name = "Trung tâm đo tải trang web"
[queue]
number_width = 4
[[departments]]
id = "d"
name = "Sở"
[[zones]]
id = "z1"
name = "Tầng 1"
[[services]]
code = "s00"
name = "Dịch vụ đo tải"
department = "d"
prefix = "A"
[[counters]]
id = "q00"
label = "1"
services = ["s00"]
zone = "z1"
[broker]
host = "127.0.0.1"
port = {broker_port}
username = "motcua-local"
password_file = "{work / "pw"}"
[server]
health_port = 0
# Every page of the bench comes from one address and one kiosk issues every ticket.
[limits]
enabled = false
[web]
public_url = "http://127.0.0.1:{web_port}"
listen_port = {web_port}
requests_per_minute = 1000000
request_burst = 1000000
"""
    path = work / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


@dataclass
class Page:
    """One open live page: when each of its updates arrived."""

    path: str
    arrivals: list[float] = field(default_factory=list)
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    failed: str = ""


async def follow(page: Page, port: int, stop: asyncio.Event) -> None:
    """Open the page's event stream and note the arrival time of every `ticket` event."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 16)
    writer.write(
        f"GET {page.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        page.failed = status.decode(errors="replace").strip()
        page.opened.set()
        writer.close()
        return
    page.opened.set()
    reading = asyncio.ensure_future(_read(reader, page))
    await stop.wait()
    reading.cancel()
    writer.close()


async def _read(reader: asyncio.StreamReader, page: Page) -> None:
    while True:
        line = await reader.readline()
        if not line:
            return
        if line.startswith(b"event: ticket"):
            page.arrivals.append(time.perf_counter())


def wait_http(url: str, timeout: float = 30.0) -> None:
    """Wait until `url` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} never answered")


async def measure(
    args: argparse.Namespace,
    port: int,
    links: list[str],
    web_pid: int,
    counter: CommandClient,
    lines_seen: list[float],
) -> None:
    """Open the pages, then time each round of call_next to every page's update."""
    stop = asyncio.Event()
    pages = [Page(link.split(f":{port}", 1)[1] + "/events") for link in links]
    started = time.perf_counter()
    cpu_before = cpu_seconds(web_pid)
    tasks = [asyncio.ensure_future(follow(p, port, stop)) for p in pages]
    await asyncio.wait_for(asyncio.gather(*(p.opened.wait() for p in pages)), 120)
    failed = [p.failed for p in pages if p.failed]
    if failed:
        raise SystemExit(f"{len(failed)} pages failed to open, e.g. {failed[0]}")
    # Each page gets its current state on opening: wait for all of them.
    while any(not p.arrivals for p in pages):
        await asyncio.sleep(0.01)
    opened_in = time.perf_counter() - started
    open_cpu = cpu_seconds(web_pid) - cpu_before
    rss_open = resident_mb(web_pid)
    print(
        f"opened {len(pages)} live pages in {opened_in:.1f} s "
        f"(one ticket_status each; web CPU {open_cpu:.1f} s); web RSS {rss_open:.0f} MB"
    )
    latencies: list[float] = []
    server_side: list[float] = []  # call_next sent → the new lines snapshot at a plain client
    fan_out: list[float] = []  # that snapshot → each page's update
    cpu_before = cpu_seconds(web_pid)
    rounds_started = time.perf_counter()
    for _ in range(args.rounds):
        seen = [len(p.arrivals) for p in pages]
        lines_before = len(lines_seen)
        sent = time.perf_counter()
        reply = await asyncio.to_thread(counter.send, c.CallNext(request_id=new_request_id()))
        assert reply.ok, reply.error
        deadline = time.perf_counter() + 30
        while any(len(p.arrivals) <= n for p, n in zip(pages, seen, strict=True)):
            if time.perf_counter() > deadline:
                raise SystemExit("some pages never got the update")
            await asyncio.sleep(0.005)
        latencies += [p.arrivals[n] - sent for p, n in zip(pages, seen, strict=True)]
        if len(lines_seen) > lines_before:
            snapshot = lines_seen[lines_before]
            server_side.append(snapshot - sent)
            fan_out += [p.arrivals[n] - snapshot for p, n in zip(pages, seen, strict=True)]
        await asyncio.sleep(args.pause)
    busy = time.perf_counter() - rounds_started
    cpu = cpu_seconds(web_pid) - cpu_before
    print(
        f"call_next → page update over {len(latencies)} updates ({args.rounds} rounds × "
        f"{len(pages)} pages): p50 {percentile(latencies, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1000:.0f} ms, "
        f"min {min(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )
    if server_side:
        print(
            f"of which call_next → lines snapshot at a plain MQTT client (server + broker): "
            f"p50 {percentile(server_side, 0.5) * 1000:.0f} ms, "
            f"max {max(server_side) * 1000:.0f} ms; lines snapshot → page update (the web's "
            f"share): p50 {percentile(fan_out, 0.5) * 1000:.0f} ms, "
            f"p99 {percentile(fan_out, 0.99) * 1000:.0f} ms"
        )
    print(
        f"web CPU during the rounds: {cpu:.2f} s in {busy:.1f} s "
        f"({cpu / busy * 100:.0f} % of one core, {cpu / len(latencies) * 1e6:.0f} µs/update); "
        f"web RSS {resident_mb(web_pid):.0f} MB"
    )
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)


def main() -> int:
    """Run the bench and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--pause", type=float, default=0.2, help="seconds between rounds")
    args = parser.parse_args()
    print("command: .venv/bin/python bench/web_bench.py " + " ".join(sys.argv[1:]))
    work = Path(tempfile.mkdtemp(prefix="motcua-web-bench-"))
    broker = EmbeddedBroker(work / "broker")
    address = broker.start()
    port = free_port()
    config = site_file(work, address.port, address.password, port)
    cli = [sys.executable, "-m", "admin.cli"]
    server = subprocess.Popen(
        [*cli, "server", "--config", str(config), "--log-level", "WARNING"], cwd=ROOT
    )
    web = None
    buses = []
    try:
        topics = Topics(SITE)
        kiosk_bus = connect_bus(address, SITE, "kiosk-1", "kiosk")
        counter_bus = connect_bus(address, SITE, "q00", "counter")
        watcher_bus = connect_bus(address, SITE, "bench-watcher", "bench")
        buses += [kiosk_bus, counter_bus, watcher_bus]
        lines_seen: list[float] = []
        watcher_bus.subscribe(
            topics.lines(), lambda message: lines_seen.append(time.perf_counter())
        )
        kiosk = CommandClient(kiosk_bus, topics, "kiosk-1")
        counter = CommandClient(counter_bus, topics, "q00")
        links = []
        for _ in range(args.pages + args.rounds):
            reply = kiosk.send(c.IssueTicket(request_id=new_request_id(), service="s00"), 10)
            assert reply.ok, reply.error
            links.append(reply.result["ticket"]["qr"])
        assert links[-1].startswith("http://"), "the server made no links: [web] public_url?"
        opened = counter.send(c.OpenCounter(request_id=new_request_id(), officer_id="cb"))
        assert opened.ok, opened.error
        web = subprocess.Popen(
            [*cli, "web", "--config", str(config), "--log-level", "WARNING"], cwd=ROOT
        )
        wait_http(f"http://127.0.0.1:{port}/healthz")
        print(f"web process: pid {web.pid}, RSS at start {resident_mb(web.pid):.0f} MB")
        asyncio.run(measure(args, port, links[args.rounds :], web.pid, counter, lines_seen))
    finally:
        for bus in buses:
            bus.close()
        for process in (web, server):
            if process is not None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)
        broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
