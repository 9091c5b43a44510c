"""A private Mosquitto on loopback, started as a child process when no broker is configured."""

from __future__ import annotations

import getpass
import os
import secrets
import shutil
import socket
import subprocess
import time
from pathlib import Path

from shared.messaging.paho_bus import BrokerAddress

LOCAL_USER = "motcua-local"


class BrokerError(Exception):
    """The embedded broker could not be started."""


def free_port() -> int:
    """Return a TCP port on loopback that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float) -> bool:
    """Wait until something accepts connections on a loopback port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class EmbeddedBroker:
    """Runs `mosquitto` on 127.0.0.1 with a generated config and a one-off password."""

    def __init__(self, directory: Path, port: int | None = None) -> None:
        self.directory = directory
        self.port = port or free_port()
        self.password = secrets.token_urlsafe(18)
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def address(self) -> BrokerAddress:
        """How clients reach and log in to this broker."""
        return BrokerAddress("127.0.0.1", self.port, LOCAL_USER, self.password)

    def _write_config(self) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        passwords = self.directory / "passwd"
        passwords.write_text("")
        passwords.chmod(0o600)
        tool = shutil.which("mosquitto_passwd")
        if tool is None:
            raise BrokerError("mosquitto_passwd not found: install the Debian package 'mosquitto'")
        subprocess.run([tool, "-b", str(passwords), LOCAL_USER, self.password], check=True)
        config = self.directory / "mosquitto.conf"
        config.write_text(
            "\n".join(
                [
                    f"listener {self.port} 127.0.0.1",
                    "allow_anonymous false",
                    f"password_file {passwords.resolve()}",
                    "persistence false",
                    f"user {getpass.getuser()}",
                    "max_queued_messages 100000",
                    "set_tcp_nodelay true",
                    "log_dest stderr",
                    "log_type error",
                    "log_type warning",
                    "",
                ]
            )
        )
        return config

    def start(self, timeout: float = 10.0) -> BrokerAddress:
        """Start Mosquitto and wait until it accepts connections."""
        binary = shutil.which("mosquitto") or (
            "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None
        )
        if binary is None:
            raise BrokerError("mosquitto not found: install the Debian package 'mosquitto'")
        config = self._write_config()
        log_file = (self.directory / "mosquitto.log").open("ab")
        self._process = subprocess.Popen(
            [binary, "-c", str(config)], stdout=log_file, stderr=log_file, start_new_session=True
        )
        log_file.close()
        if not wait_for_port(self.port, timeout):
            self.stop()
            raise BrokerError(f"mosquitto did not start on port {self.port}; see its log")
        return self.address

    def running(self) -> bool:
        """Tell whether the child process is alive."""
        return self._process is not None and self._process.poll() is None

    def stop(self) -> None:
        """Stop the broker."""
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
