"""A fake network (port 9100) printer on loopback: answers DLE EOT and collects job bytes."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

from hw.printer.raster import DecodeError, parse_command
from hw.printer.status import PaperLevel, status_byte


class FakeNetworkPrinter:
    """A TCP server on 127.0.0.1 (a free port) that behaves like a raw-socket ESC/POS printer."""

    def __init__(self) -> None:
        self.paper = PaperLevel.OK
        self.cover_open = False
        self.error = False
        self.silent = False  # accept connections and data, never answer status requests
        self.jobs: list[bytes] = []
        self.last_byte_at: list[float] = []  # perf_counter() when each job's last byte arrived
        self.status_requests = 0
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._filed = threading.Condition(self._lock)  # notified when a job is filed
        self._threads: list[threading.Thread] = []
        self._accepter = threading.Thread(target=self._accept, name="fake-printer", daemon=True)

    @property
    def host(self) -> str:
        """The address to connect to."""
        return "127.0.0.1"

    @property
    def port(self) -> int:
        """The port it listens on."""
        return int(self._server.getsockname()[1])

    def start(self) -> FakeNetworkPrinter:
        """Start accepting connections."""
        self._accepter.start()
        return self

    def stop(self) -> None:
        """Stop accepting, drop connections and wait for every thread to end."""
        self._stop.set()
        self._accepter.join()
        for thread in self._threads:
            thread.join()
        self._server.close()

    def __enter__(self) -> FakeNetworkPrinter:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _accept(self) -> None:
        """Accept connections until stopped, one thread per connection."""
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        """Read one connection: answer status requests, keep the rest as one job."""
        conn.settimeout(0.1)
        buffer = bytearray()
        job = bytearray()
        arrived = 0.0
        with conn:
            while not self._stop.is_set():
                try:
                    chunk = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not chunk:
                    break
                buffer.extend(chunk)
                arrived = time.perf_counter()
                consumed = self._handle(conn, bytes(buffer), job)
                del buffer[:consumed]
        job.extend(buffer)
        if job:
            with self._filed:
                self.jobs.append(bytes(job))
                self.last_byte_at.append(arrived)
                self._filed.notify_all()

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> bool:
        """Wait until `count` jobs were filed (a job is filed when its connection closes)."""
        with self._filed:
            return self._filed.wait_for(lambda: len(self.jobs) >= count, timeout)

    def _handle(self, conn: socket.socket, data: bytes, job: bytearray) -> int:
        """Process complete commands in data; return how many bytes were used."""
        i = 0
        while i < len(data):
            try:
                name, size = parse_command(data, i)
            except DecodeError:
                name, size = "?", 1
            if size == 0:
                break
            if name == "DLE EOT":
                with self._lock:
                    self.status_requests += 1
                if not self.silent:
                    reply = status_byte(
                        data[i + 2], cover_open=self.cover_open, paper=self.paper, error=self.error
                    )
                    conn.sendall(bytes([reply]))
            else:
                job.extend(data[i : i + size])
            i += size
        return i
