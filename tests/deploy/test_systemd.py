"""systemd: the shipped units verify; the server speaks the notify protocol (READY, WATCHDOG)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.broker import free_port
from server.sdnotify import Watchdog, notify, watchdog_interval
from tests.helpers.sites import DEMO_CONFIG, ROOT

UNITS = sorted((ROOT / "systemd").glob("*.service"))
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")
needs_systemd_analyze = pytest.mark.skipif(
    SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed (Debian package systemd)"
)


def test_every_unit_of_the_issue_is_shipped() -> None:
    names = {u.name for u in UNITS}
    for app in ("broker", "server", "kiosk", "display", "counter"):
        assert f"motcua-{app}.service" in names


def test_units_are_hardened_and_restart_on_failure() -> None:
    for unit in UNITS:
        text = unit.read_text(encoding="utf-8")
        for setting in (
            "Restart=on-failure",
            "ProtectSystem=strict",
            "NoNewPrivileges=yes",
            "PrivateTmp=yes",
            "ProtectHome=yes",
            "ReadWritePaths=",
            "User=",
        ):
            assert setting in text, (unit.name, setting)
        if unit.name != "motcua-broker.service":
            assert "LoadCredential=broker-password:" in text, unit.name
    server = (ROOT / "systemd" / "motcua-server.service").read_text(encoding="utf-8")
    assert "Type=notify" in server and "WatchdogSec=" in server
    assert "Requires=motcua-broker.service" in server and "After=" in server


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """The units installed by scripts/install-units.sh into a temp root, motcua at a real path."""
    prefix = tmp_path / "opt" / "motcua"
    (prefix / ".venv" / "bin").mkdir(parents=True)
    # ExecStart must name an existing executable for `systemd-analyze verify`.
    (prefix / ".venv" / "bin" / "motcua").symlink_to(Path(sys.executable).parent / "motcua")
    root = tmp_path / "root"
    done = subprocess.run(
        [
            "bash",
            str(ROOT / "scripts" / "install-units.sh"),
            "--root",
            str(root),
            "--prefix",
            str(prefix),
        ],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return root


def test_install_units_writes_units_folders_and_the_broker_config(installed: Path) -> None:
    unit_dir = installed / "etc" / "systemd" / "system"
    assert sorted(p.name for p in unit_dir.glob("*.service")) == [u.name for u in UNITS]
    prefix = installed.parent / "opt" / "motcua"
    server = (unit_dir / "motcua-server.service").read_text()
    assert f"ExecStart={prefix}/.venv/bin/motcua server --config" in server
    assert (installed / "etc" / "mosquitto" / "motcua" / "mosquitto.conf").exists()
    assert (installed / "etc" / "mosquitto" / "motcua" / "conf.d").is_dir()
    assert oct((installed / "etc" / "motcua" / "credentials").stat().st_mode & 0o777) == "0o700"


@needs_systemd_analyze
def test_every_installed_unit_passes_systemd_analyze_verify(installed: Path) -> None:
    if not Path("/usr/sbin/mosquitto").exists():
        pytest.skip("mosquitto is not installed (motcua-broker.service runs it)")
    unit_dir = installed / "etc" / "systemd" / "system"
    units = sorted(str(p) for p in unit_dir.glob("*.service"))
    assert SYSTEMD_ANALYZE is not None
    done = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", "--man=no", *units],
        capture_output=True,
        text=True,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )
    # Only lines about our units count: the host's own units may warn about themselves.
    ours = [line for line in done.stderr.splitlines() if "motcua" in line]
    assert done.returncode == 0 and not ours, done.stderr


def test_notify_is_a_no_op_outside_systemd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert notify("READY=1") is False
    assert watchdog_interval() is None
    Watchdog(lambda: True).start()  # nothing to start, nothing left running


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[tuple[socket.socket, str]]:
    """A unix datagram socket standing in for systemd's, like $NOTIFY_SOCKET names."""
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(0.5)
    yield sock, str(path)
    sock.close()


def receive_until(sock: socket.socket, wanted: set[str], seconds: float) -> list[str]:
    """Collect notifications until every wanted line was seen or the time is up."""
    got: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not wanted <= {x for m in got for x in m.split("\n")}:
        try:
            got.append(sock.recv(4096).decode("utf-8"))
        except TimeoutError:
            continue
    return got


def test_notify_and_watchdog_write_to_the_socket(
    notify_socket: tuple[socket.socket, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    sock, path = notify_socket
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "100000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert notify("READY=1") is True
    assert watchdog_interval() == 0.05
    healthy = True
    watchdog = Watchdog(lambda: healthy)
    watchdog.start()
    try:
        got = receive_until(sock, {"READY=1", "WATCHDOG=1"}, 10)
    finally:
        watchdog.stop()
    assert got[0] == "READY=1" and "WATCHDOG=1" in got


@pytest.mark.integration
def test_the_server_process_says_ready_then_pings_the_watchdog_and_stopping(
    notify_socket: tuple[socket.socket, str], tmp_path: Path
) -> None:
    if shutil.which("mosquitto") is None and not Path("/usr/sbin/mosquitto").exists():
        pytest.skip("mosquitto is not installed")
    sock, path = notify_socket
    config = tmp_path / "site.toml"
    config.write_text(
        DEMO_CONFIG.read_text(encoding="utf-8") + f"\n[server]\nhealth_port = {free_port()}\n"
    )
    env = {
        **os.environ,
        "NOTIFY_SOCKET": path,
        "WATCHDOG_USEC": "200000",
        "MOTCUA_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("WATCHDOG_PID", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "admin.cli", "server", "--config", str(config)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        got = receive_until(sock, {"READY=1", "WATCHDOG=1"}, 60)
        process.send_signal(signal.SIGTERM)
        got += receive_until(sock, {"STOPPING=1"}, 20)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        stderr = process.stderr.read().decode() if process.stderr else ""
    lines = [x for message in got for x in message.split("\n")]
    assert "READY=1" in lines, stderr
    assert lines.index("READY=1") < lines.index("WATCHDOG=1")
    assert "STOPPING=1" in lines
