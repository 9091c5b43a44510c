"""A fake Zalo ZNS and SMS gateway on loopback: answers 200, 500, 400, a Zalo error, or nothing.

Paths: `/zns` answers like the ZNS template API, `/sms` like a JSON SMS gateway. A request
whose id (tracking_id / request_id) was delivered before is not delivered again when the
gateway is made `dedupe=True` (a gateway that drops repeats).
"""

from __future__ import annotations

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

# How long a "timeout" or "hang" answer keeps the connection (released at stop).
HOLD_SECONDS = 10


class _Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    block_on_close = True
    gateway: FakeGateway


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def do_POST(self) -> None:
        """Record the request and answer as scripted."""
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length).decode("utf-8"))
        gateway = self.server.gateway
        mode = gateway.record(self.path, dict(self.headers), body)
        if mode in ("timeout", "hang"):
            gateway.release.wait(HOLD_SECONDS)
            self.close_connection = True
            return
        if mode == "ok":
            self._json(200, gateway.ok_answer(self.path))
        elif mode.startswith("zns:"):
            self._json(200, {"error": int(mode[4:]), "message": "Zalo error"})
        else:
            self._json(int(mode), {"error": mode})

    def _json(self, status: int, data: dict[str, Any]) -> None:
        raw = json.dumps(data).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


class FakeGateway:
    """The fake gateway: a script of answers, every request kept, delivered messages counted."""

    def __init__(self, port: int = 0, dedupe: bool = False) -> None:
        self.port = port
        self.dedupe = dedupe
        self.mode = "ok"
        self.script: list[str] = []
        self.sms_answers: list[dict[str, Any]] = []  # bodies of the next SMS 200 answers
        self.requests: list[dict[str, Any]] = []
        self.delivered: list[dict[str, Any]] = []
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeGateway:
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.gateway = self
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fake-gateway")
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def record(self, path: str, headers: dict[str, str], body: dict[str, Any]) -> str:
        """Keep a request; deliver it unless the script says otherwise; return the answer mode."""
        with self._lock:
            mode = self.script.pop(0) if self.script else self.mode
            self.requests.append({"path": path, "headers": headers, "body": body})
            if mode in ("ok", "timeout"):
                key = body.get("tracking_id") or body.get("request_id")
                seen = {
                    d["body"].get("tracking_id") or d["body"].get("request_id")
                    for d in self.delivered
                }
                if not (self.dedupe and key in seen):
                    self.delivered.append({"path": path, "body": body})
            return mode

    def ok_answer(self, path: str) -> dict[str, Any]:
        n = len(self.requests)
        if path.startswith("/zns"):
            return {"error": 0, "message": "Success", "data": {"msg_id": f"zns-{n}"}}
        with self._lock:
            if self.sms_answers:
                return self.sms_answers.pop(0)
        return {"message_id": f"sms-{n}"}
