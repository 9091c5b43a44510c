"""A private Mosquitto on loopback, started as a child process when no broker is configured.

Its port and password are kept in the broker directory (`broker.json`, mode 0600), so a
restarted server brings it back where every local client already looks. A supervisor thread
restarts a dead broker on the same port; a broker left running by a killed server (found by its
pidfile or its config path in /proc) is adopted by the next server, or ended when its config
no longer matches.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

from shared.messaging.paho_bus import BrokerAddress

LOCAL_USER = "motcua-local"
STATE_FILE = "broker.json"
PID_FILE = "mosquitto.pid"
LOCK_FILE = "broker.lock"
CONFIG_FILE = "mosquitto.conf"
PASSWORD_FILE = "passwd"
ACL_FILE = "acl"
PERSISTENCE_DIR = "db"
# How often the supervisor looks at the broker, and how long it waits before retrying a start.
POLL_SECONDS = 0.1
RETRY_SECONDS = 0.5
# Mosquitto writes retained messages and sessions to disk this often (seconds).
AUTOSAVE_SECONDS = 2

log = logging.getLogger("motcua.broker")


class BrokerError(Exception):
    """The embedded broker could not be started."""


def free_port() -> int:
    """Return a TCP port on loopback that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_free(port: int) -> bool:
    """Tell whether a listener could bind this loopback port now."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, timeout: float) -> bool:
    """Wait until something accepts connections on a loopback port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.02)
    return False


def process_args(pid: int) -> list[str]:
    """Return a process's command line from /proc (empty when gone or a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[-1].split()[0] == "Z":
            return []
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, IndexError):
        return []
    return [part.decode(errors="replace") for part in raw.split(b"\0") if part]


def is_our_mosquitto(pid: int, config: Path) -> bool:
    """Tell whether a pid is a live mosquitto started with this config file."""
    args = process_args(pid)
    return (
        bool(args)
        and os.path.basename(args[0]).startswith("mosquitto")
        and str(config.resolve()) in args[1:]
    )


def find_mosquitto(config: Path, pidfile: Path) -> int | None:
    """Find a running mosquitto of this config: the pidfile first, then a scan of /proc."""
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        pid = 0
    if pid > 0 and is_our_mosquitto(pid, config):
        return pid
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and is_our_mosquitto(int(entry.name), config):
            return int(entry.name)
    return None


def end_process(pid: int, config: Path, timeout: float = 5.0) -> None:
    """Stop a mosquitto that is not our child: SIGTERM, then SIGKILL; wait until it is gone."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, timeout)):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not is_our_mosquitto(pid, config):
                return
            time.sleep(0.02)


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner may read (mode 0600), replacing it atomically."""
    staging = path.with_name(path.name + ".new")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(staging, path)


def mosquitto_binary() -> str:
    """Return the mosquitto executable, or raise with the package to install."""
    binary = shutil.which("mosquitto") or (
        "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None
    )
    if binary is None:
        raise BrokerError("mosquitto not found: install the Debian package 'mosquitto'")
    return binary


class EmbeddedBroker:
    """Runs `mosquitto` on 127.0.0.1 with a generated config and a kept password.

    `users` adds accounts (user → password) beside the local one; with `acl` (the text of a
    Mosquitto ACL file) every client is held to it, and the local account must appear in it.
    """

    def __init__(
        self,
        directory: Path,
        port: int | None = None,
        users: dict[str, str] | None = None,
        acl: str | None = None,
    ) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)
        self.directory.chmod(0o700)
        kept = self._read_state()
        self.password = str(kept.get("password") or secrets.token_urlsafe(18))
        kept_port = kept.get("port")
        self.port = port or (kept_port if isinstance(kept_port, int) else 0) or free_port()
        self._fixed_port = port is not None
        self.users = dict(users or {})
        self.acl = acl
        self.restarts = 0
        self.adopted = False
        self._process: subprocess.Popen[bytes] | None = None
        self._pid: int | None = None
        self._lock = threading.RLock()
        self._lock_file: IO[str] | None = None
        self._stopping = threading.Event()
        self._supervisor: threading.Thread | None = None
        self._on_restart: list[Callable[[], None]] = []
        self._save_state()

    @property
    def address(self) -> BrokerAddress:
        """How clients reach and log in to this broker (the local account)."""
        return BrokerAddress("127.0.0.1", self.port, LOCAL_USER, self.password)

    @property
    def config_path(self) -> Path:
        """The generated mosquitto.conf (its path also identifies our mosquitto in /proc)."""
        return self.directory / CONFIG_FILE

    @property
    def pid(self) -> int | None:
        """The broker's process id, child or adopted."""
        return self._pid

    def _read_state(self) -> dict[str, object]:
        try:
            data = json.loads((self.directory / STATE_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save_state(self) -> None:
        state = {"port": self.port, "password": self.password}
        write_private(self.directory / STATE_FILE, json.dumps(state) + "\n")

    def _config_text(self) -> str:
        persistence = (self.directory / PERSISTENCE_DIR).resolve()
        lines = [
            f"listener {self.port} 127.0.0.1",
            "allow_anonymous false",
            f"password_file {(self.directory / PASSWORD_FILE).resolve()}",
            "persistence true",
            f"persistence_location {persistence}/",
            f"autosave_interval {AUTOSAVE_SECONDS}",
            f"user {getpass.getuser()}",
            "max_queued_messages 100000",
            "set_tcp_nodelay true",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
        ]
        if self.acl is not None:
            lines.append(f"acl_file {(self.directory / ACL_FILE).resolve()}")
        return "\n".join(lines) + "\n"

    def _write_accounts(self) -> None:
        tool = shutil.which("mosquitto_passwd")
        if tool is None:
            raise BrokerError("mosquitto_passwd not found: install the Debian package 'mosquitto'")
        passwords = {**self.users, LOCAL_USER: self.password}
        staging = self.directory / (PASSWORD_FILE + ".new")
        write_private(staging, "".join(f"{u}:{p}\n" for u, p in passwords.items()))
        done = subprocess.run([tool, "-U", str(staging)], capture_output=True, text=True)
        if done.returncode != 0:
            staging.unlink(missing_ok=True)
            raise BrokerError(f"mosquitto_passwd failed: {done.stderr.strip()}")
        os.replace(staging, self.directory / PASSWORD_FILE)
        if self.acl is not None:
            write_private(self.directory / ACL_FILE, self.acl)

    def _take_lock(self) -> None:
        if self._lock_file is not None:
            return
        handle = (self.directory / LOCK_FILE).open("a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise BrokerError(
                f"another Motcua server already runs the broker in {self.directory}"
            ) from None
        self._lock_file = handle

    def _release_lock(self) -> None:
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def start(self, timeout: float = 10.0, supervise: bool = False) -> BrokerAddress:
        """Start Mosquitto (or adopt the one a killed server left) and wait for connections.

        With `supervise`, a thread restarts it on the same port whenever it dies.
        """
        with self._lock:
            self._take_lock()
            try:
                self._start_once(timeout)
            except BaseException:
                self._release_lock()
                raise
        if supervise:
            self.supervise()
        return self.address

    def _start_once(self, timeout: float) -> None:
        mosquitto_binary()
        (self.directory / PERSISTENCE_DIR).mkdir(mode=0o700, exist_ok=True)
        self._write_accounts()
        config = self.config_path
        text = self._config_text()
        orphan = find_mosquitto(config, self.directory / PID_FILE)
        if orphan is not None:
            same = config.exists() and config.read_text(encoding="utf-8") == text
            if same and wait_for_port(self.port, 1.0):
                os.kill(orphan, signal.SIGHUP)  # reread the password file and the ACL
                self._pid, self._process, self.adopted = orphan, None, True
                log.warning("adopted the embedded broker (pid %d) a previous server left", orphan)
                return
            log.warning("ending a stale embedded broker (pid %d) a previous server left", orphan)
            end_process(orphan, config)
        if not port_free(self.port):
            if self._fixed_port:
                raise BrokerError(f"port {self.port} is taken: cannot start the broker there")
            old, self.port = self.port, free_port()
            log.warning("port %d is taken: the embedded broker moves to %d", old, self.port)
            self._save_state()
            text = self._config_text()
        write_private(config, text)
        self._launch(timeout)

    def _launch(self, timeout: float) -> None:
        """Start the mosquitto child on the kept port and config, write its pidfile, wait."""
        log_file = (self.directory / "mosquitto.log").open("ab")
        try:
            process = subprocess.Popen(
                [mosquitto_binary(), "-c", str(self.config_path.resolve())],
                stdout=log_file,
                stderr=log_file,
                start_new_session=True,
            )
        finally:
            log_file.close()
        self._process, self._pid, self.adopted = process, process.pid, False
        write_private(self.directory / PID_FILE, f"{process.pid}\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                break
            if wait_for_port(self.port, 0.1):
                return
        self._end_child()
        raise BrokerError(f"mosquitto did not start on port {self.port}; see its log")

    def running(self) -> bool:
        """Tell whether the broker process (child or adopted) is alive."""
        if self._process is not None:
            return self._process.poll() is None
        return self._pid is not None and is_our_mosquitto(self._pid, self.config_path)

    def on_restart(self, callback: Callable[[], None]) -> None:
        """Call this after every restart by the supervisor (e.g. republish retained state)."""
        self._on_restart.append(callback)

    def supervise(self) -> None:
        """Start the thread that restarts a dead broker on the same port and credentials."""
        if self._supervisor is not None:
            return
        self._stopping.clear()
        self._supervisor = threading.Thread(
            target=self._watch, name="broker-supervisor", daemon=True
        )
        self._supervisor.start()

    def _watch(self) -> None:
        while not self._stopping.wait(POLL_SECONDS):
            with self._lock:
                if self._stopping.is_set() or self.running():
                    continue
                code = self._process.poll() if self._process is not None else None
                log.error(
                    "embedded broker died (exit %s); restarting it on port %d", code, self.port
                )
                try:
                    self._launch(5.0)
                except (BrokerError, OSError) as exc:
                    log.error("embedded broker restart failed: %s", exc)
                    self._stopping.wait(RETRY_SECONDS)
                    continue
                self.restarts += 1
            log.warning("embedded broker back on port %d (restart %d)", self.port, self.restarts)
            for callback in list(self._on_restart):
                try:
                    callback()
                except Exception:
                    log.exception("after the broker restart")

    def _end_child(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None

    def stop(self) -> None:
        """Stop supervising, then stop the broker (an adopted one too)."""
        self._stopping.set()
        if self._supervisor is not None:
            self._supervisor.join(timeout=10)
            self._supervisor = None
        with self._lock:
            if self._process is not None:
                self._end_child()
            elif self._pid is not None:
                end_process(self._pid, self.config_path)
            self._pid = None
            self.adopted = False
            (self.directory / PID_FILE).unlink(missing_ok=True)
            self._release_lock()
