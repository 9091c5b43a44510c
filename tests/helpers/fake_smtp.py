"""A tiny SMTP server on loopback for the e-mail gateway's tests (no TLS, no login).

`mode` says what happens after DATA: "ok" (250), "451" (try later), "drop" (the connection
closes after the message was received: the sender cannot know it arrived); addresses in
`refuse` are refused at RCPT with 550.
"""

from __future__ import annotations

import email
import socketserver
import threading
from email.message import EmailMessage
from email.policy import default


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    block_on_close = True
    allow_reuse_address = True
    smtp: FakeSmtp


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _say(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        smtp = self.server.smtp
        self._say("220 fake.smtp ESMTP")
        envelope: dict[str, object] = {"rcpt": []}
        while True:
            line = self.rfile.readline()
            if not line:
                return
            verb = line[:4].decode("ascii", "replace").upper()
            if verb in ("EHLO", "HELO"):
                self._say("250 fake.smtp")
            elif verb == "MAIL":
                envelope = {"from": line[10:].strip().decode(), "rcpt": []}
                self._say("250 OK")
            elif verb == "RCPT":
                address = line[8:].strip().decode().strip("<>")
                if address in smtp.refuse:
                    self._say("550 no such user")
                else:
                    envelope["rcpt"].append(address)  # type: ignore[attr-defined]
                    self._say("250 OK")
            elif verb == "DATA":
                self._say("354 go ahead")
                if not self._data(smtp, envelope):
                    return
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("250 OK")

    def _data(self, smtp: FakeSmtp, envelope: dict[str, object]) -> bool:
        lines = []
        while True:
            line = self.rfile.readline()
            if not line or line == b".\r\n":
                break
            lines.append(line[1:] if line.startswith(b"..") else line)
        mode = smtp.next_mode()
        if mode in ("ok", "drop"):
            message = email.message_from_bytes(b"".join(lines), policy=default)
            smtp.received.append(message)  # type: ignore[arg-type]
        if mode == "drop":
            return False
        self._say("250 queued" if mode == "ok" else "451 try again later")
        return True


class FakeSmtp:
    """The fake mail server: received messages, a script of answers to DATA."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.script: list[str] = []
        self.refuse: set[str] = set()
        self.received: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    def next_mode(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else self.mode

    def start(self) -> FakeSmtp:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.smtp = self
        self.port = server.server_address[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fake-smtp")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)
