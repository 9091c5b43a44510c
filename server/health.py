"""The queue server's /healthz (JSON) and /metrics (Prometheus text) on a local HTTP port."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy import text

from shared.messaging.replies import Reply
from shared.storage.repository import QueueRepository

if TYPE_CHECKING:
    from server.broker import EmbeddedBroker
    from server.daemon import QueueServer
    from server.outcome import Outcome

log = logging.getLogger(__name__)
# From 0.5 ms (a cached lookup) to 2.5 s (a stalled database): where command times fall.
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
INVALID_VERB = "invalid"


class ServerMetrics:
    """Counters and histograms of one queue server, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Histogram(
            "motcua_command_seconds",
            "Time to apply one command inside its batch (savepoint), by verb.",
            ["verb"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "motcua_command_errors",
            "Commands answered with an error, by verb and error code.",
            ["verb", "code"],
            registry=self.registry,
        )
        self.issued = Counter(
            "motcua_tickets_issued",
            "Tickets issued since the server started.",
            registry=self.registry,
        )
        self.batches = Histogram(
            "motcua_batch_seconds",
            "Time to apply, commit, reply to and publish one batch of commands.",
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def command(self, verb: str, reply: Reply, outcome: Outcome | None, seconds: float) -> None:
        """Count one applied command: its time, its error code if refused, tickets issued."""
        self.commands.labels(verb).observe(seconds)
        if reply.error is not None:
            self.errors.labels(verb, reply.error.code.value).inc()
        if outcome is not None:
            issued = sum(1 for e in outcome.events if e.kind.value == "issued")
            if issued:
                self.issued.inc(issued)

    def rejected(self, reply: Reply) -> None:
        """Count a message refused before it could be applied (malformed, unknown verb)."""
        if reply.error is not None:
            self.errors.labels(INVALID_VERB, reply.error.code.value).inc()

    def batch(self, seconds: float) -> None:
        """Count one batch, commit and publishing included."""
        self.batches.observe(seconds)


class QueueCollector(Collector):
    """Reads today's queue from the database at each scrape: waiting and issued per service."""

    def __init__(self, server: QueueServer) -> None:
        self.server = server

    def collect(self) -> Iterator[Metric]:
        """Yield the waiting and issued gauges (nothing when the database does not answer)."""
        waiting = GaugeMetricFamily(
            "motcua_tickets_waiting", "Tickets waiting now, by service.", labels=["service"]
        )
        issued = GaugeMetricFamily(
            "motcua_tickets_issued_today", "Tickets issued today, by service.", labels=["service"]
        )
        index = self.server.index
        try:
            day = self.server.service.today(self.server.clock())
            with self.server.sessions() as session:
                repo = QueueRepository(session, self.server.site.id)
                summary = repo.waiting_summary(day)
                counts = repo.issued_counts(day)
            pending = index.pending() if index is not None else None
        except Exception:
            log.exception("metrics: the database did not answer")
            return
        for service in self.server.site.services:
            waiting.add_metric([service.code], summary.get(service.code, (0, 0, None))[0])
            issued.add_metric([service.code], counts.get(service.code, 0))
        yield waiting
        yield issued
        if pending is not None:
            yield GaugeMetricFamily(
                "motcua_index_pending",
                "Dossiers whose newest version the provincial index has not acknowledged yet.",
                value=pending,
            )


def database_ok(server: QueueServer) -> bool:
    """Tell whether the database answers a trivial query."""
    try:
        with server.sessions() as session:
            session.execute(text("SELECT 1"))
    except Exception:
        log.exception("health: the database did not answer")
        return False
    return True


def health(server: QueueServer, embedded: EmbeddedBroker | None = None) -> dict[str, Any]:
    """The server's health: database reachable, broker connected, commands handled."""
    database = database_ok(server)
    broker = bool(getattr(server.bus, "connected", True))
    report: dict[str, Any] = {
        "ok": database and broker,
        "site": server.site.id,
        "database": database,
        "broker": broker,
        "commands_handled": server.handled,
    }
    if embedded is not None:
        report["embedded_broker"] = {
            "running": embedded.running(),
            "pid": embedded.pid,
            "port": embedded.port,
            "restarts": embedded.restarts,
            "adopted": embedded.adopted,
        }
    return report


class _Handler(BaseHTTPRequestHandler):
    server: _HealthHttpServer

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        queue_server = self.server.queue_server
        if path == "/healthz":
            report = health(queue_server, self.server.embedded)
            body = json.dumps(report).encode("utf-8")
            self._send(200 if report["ok"] else 503, "application/json", body)
        elif path == "/metrics":
            self._send(200, CONTENT_TYPE_LATEST, generate_latest(self.server.registry))
        else:
            self._send(404, "text/plain; charset=utf-8", b"not found\n")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class _HealthHttpServer(HTTPServer):
    def __init__(
        self,
        address: tuple[str, int],
        queue_server: QueueServer,
        embedded: EmbeddedBroker | None = None,
    ) -> None:
        super().__init__(address, _Handler)
        self.queue_server = queue_server
        self.embedded = embedded
        self.registry = queue_server.metrics.registry
        self.registry.register(QueueCollector(queue_server))


class HealthServer:
    """Serves /healthz and /metrics of a queue server from one background thread."""

    def __init__(
        self,
        queue_server: QueueServer,
        host: str = "127.0.0.1",
        port: int = 0,
        embedded: EmbeddedBroker | None = None,
    ) -> None:
        self._http = _HealthHttpServer((host, port), queue_server, embedded)
        self._thread = threading.Thread(
            target=self._http.serve_forever, name="health-http", daemon=True
        )

    @property
    def port(self) -> int:
        """The port it listens on (useful when 0 asked for a free one)."""
        return int(self._http.server_address[1])

    def start(self) -> HealthServer:
        """Start answering requests."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop answering and close the socket."""
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=5)
