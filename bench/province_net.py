"""A WAN between the branches and the central broker: a TCP proxy adding a one-way delay.

Run as its own process (so its timers never wait for the bench's threads) by `WanLink`:

    .venv/bin/python bench/province_net.py --target 127.0.0.1:PORT [--delay-ms 50]

It prints `port N` (where the branches' bridges connect), then obeys one command per line on
stdin, answering one line each: `delay MS` (one way, each direction; chunks keep their order),
`cut` (close every connection and refuse new ones), `restore`, `stats`, `quit`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Counters:
    """What crossed the WAN so far."""

    accepted: int = 0
    refused: int = 0
    bytes_up: int = 0  # branch → central
    bytes_down: int = 0  # central → branch
    links: set[asyncio.Task[None]] = field(default_factory=set)


class DelayProxy:
    """Forwards each connection to the target, every chunk `delay` seconds late, in order."""

    def __init__(self, target: tuple[str, int], delay: float) -> None:
        self.target = target
        self.delay = delay
        self.open = True
        self.counters = Counters()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> int:
        """Listen on a free loopback port; return it."""
        server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        return int(server.sockets[0].getsockname()[1])

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            self.counters.refused += 1
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self.counters.refused += 1
            writer.transport.abort()
            return
        for side in (writer, up_writer):
            sock = side.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.counters.accepted += 1
        self._writers |= {writer, up_writer}
        task = asyncio.current_task()
        assert task is not None
        self.counters.links.add(task)
        try:
            await asyncio.gather(
                self._pipe(reader, up_writer, up=True),
                self._pipe(up_reader, writer, up=False),
            )
        except asyncio.CancelledError:
            pass  # the proxy stops
        finally:
            self.counters.links.discard(task)
            for side in (writer, up_writer):
                self._writers.discard(side)
                side.transport.abort()

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, up: bool
    ) -> None:
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

        async def read() -> None:
            try:
                while data := await source.read(65536):
                    queue.put_nowait((loop.time() + self.delay, data))
            except (OSError, asyncio.IncompleteReadError):
                pass
            queue.put_nowait(None)

        reading = asyncio.ensure_future(read())
        try:
            while (item := await queue.get()) is not None:
                due, data = item
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                sink.write(data)
                if up:
                    self.counters.bytes_up += len(data)
                else:
                    self.counters.bytes_down += len(data)
                await sink.drain()
        except OSError:
            pass
        finally:
            reading.cancel()
            sink.transport.abort()  # one side gone: the whole connection goes, like a lost link

    def cut(self) -> None:
        """Close every connection at once and refuse new ones."""
        self.open = False
        for side in list(self._writers):
            side.transport.abort()

    def stats(self) -> str:
        """One line: open links, accepted and refused connections, bytes each way."""
        c = self.counters
        return (
            f"links {len(c.links)} accepted {c.accepted} refused {c.refused} "
            f"up {c.bytes_up} down {c.bytes_down}"
        )


def obey(proxy: DelayProxy, line: str) -> str:
    """Apply one control command; return the answer line."""
    word, _, value = line.strip().partition(" ")
    if word == "delay":
        proxy.delay = float(value) / 1000
    elif word == "cut":
        proxy.cut()
    elif word == "restore":
        proxy.open = True
    elif word == "stats":
        return proxy.stats()
    elif word != "quit":
        return f"error unknown command {word!r}"
    return "ok"


async def serve(target: tuple[str, int], delay_ms: float) -> None:
    """Run the proxy, answering commands from stdin until `quit` or end of input."""
    loop = asyncio.get_running_loop()
    proxy = DelayProxy(target, delay_ms / 1000)
    port = await proxy.start()
    print(f"port {port}", flush=True)
    lines: asyncio.Queue[str] = asyncio.Queue()

    def read_stdin() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(lines.put_nowait, line)
        loop.call_soon_threadsafe(lines.put_nowait, "quit")

    threading.Thread(target=read_stdin, daemon=True).start()
    while True:
        line = await lines.get()
        print(obey(proxy, line), flush=True)
        if line.strip() == "quit":
            proxy.cut()
            return


class WanLink:
    """The proxy process, driven from the bench: delay, cut, restore, stats."""

    def __init__(self, target_port: int, delay_ms: float, log: Path) -> None:
        command = [sys.executable, str(Path(__file__).resolve()), "--target"]
        command += [f"127.0.0.1:{target_port}", "--delay-ms", str(delay_ms)]
        with log.open("ab") as errors:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, text=True
            )
        self._lock = threading.Lock()
        first = self._line()
        if not first.startswith("port "):
            raise RuntimeError(f"the WAN proxy did not start: {first!r}")
        self.port = int(first.split()[1])

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def ask(self, command: str) -> str:
        """Send one command and return its answer line."""
        assert self.process.stdin is not None
        with self._lock:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
            return self._line()

    def delay(self, ms: float) -> None:
        """Set the one-way delay."""
        self.ask(f"delay {ms}")

    def cut(self) -> None:
        """Close every connection and refuse new ones."""
        self.ask("cut")

    def restore(self) -> None:
        """Accept connections again."""
        self.ask("restore")

    def links(self) -> int:
        """How many connections cross the WAN now."""
        return int(self.ask("stats").split()[1])

    def close(self) -> None:
        """Stop the proxy process."""
        with contextlib.suppress(OSError, ValueError):
            self.ask("quit")
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def main() -> int:
    """Run the proxy process."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="HOST:PORT of the central broker")
    parser.add_argument("--delay-ms", type=float, default=50.0)
    args = parser.parse_args()
    host, _, port = args.target.rpartition(":")
    asyncio.run(serve((host, int(port)), args.delay_ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
