"""systemd's notify protocol (READY=1, WATCHDOG=1) over $NOTIFY_SOCKET, with the stdlib only."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


def notify(state: str) -> bool:
    """Send one notification (e.g. "READY=1") to systemd; False (a no-op) when not under it."""
    address = os.environ.get("NOTIFY_SOCKET", "")
    if not address:
        return False
    # A leading '@' names a socket in the abstract namespace (a NUL byte on the wire).
    target = "\0" + address[1:] if address.startswith("@") else address
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(target)
            sock.sendall(state.encode("utf-8"))
    except OSError as exc:
        log.warning("cannot notify systemd at %s: %s", address, exc)
        return False
    return True


def watchdog_interval() -> float | None:
    """Seconds between watchdog pings (half of WatchdogSec=), or None when there is no watchdog."""
    usec = os.environ.get("WATCHDOG_USEC", "")
    pid = os.environ.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or (pid and pid != str(os.getpid())):
        return None
    return int(usec) / 2_000_000


class Watchdog:
    """Pings systemd's watchdog while `healthy()` says so; a hung server stops the pings."""

    def __init__(self, healthy: Callable[[], bool], interval: float | None = None) -> None:
        self.healthy = healthy
        self.interval = interval if interval is not None else watchdog_interval()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start pinging in a background thread (nothing when there is no watchdog)."""
        if self.interval is None:
            return
        self._thread = threading.Thread(target=self._run, name="sd-watchdog", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self.interval is not None
        while not self._stop.is_set():
            if self.healthy():
                notify("WATCHDOG=1")
            else:
                log.error("the queue server is not healthy: no watchdog ping")
            self._stop.wait(self.interval)

    def stop(self) -> None:
        """Stop pinging."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
