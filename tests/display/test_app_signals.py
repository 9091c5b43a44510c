"""A running `motcua display` stops cleanly on SIGTERM and says it went offline."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from server.broker import EmbeddedBroker
from shared.messaging.bus import Message
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from tests.helpers.sites import ROOT, write_site_file

pytestmark = pytest.mark.integration


def test_sigterm_quits_the_display_and_publishes_offline(
    tmp_path: Path, broker: EmbeddedBroker, bus_factory: Callable[..., PahoBus], topics: Topics
) -> None:
    config = write_site_file(tmp_path, broker.address, f"sqlite:///{tmp_path / 'unused.db'}")
    states: list[str] = []
    changed = threading.Event()

    def on_status(message: Message) -> None:
        if message.payload:
            states.append(json.loads(message.payload)["state"])
            changed.set()

    watcher = bus_factory("supervisor-1", "supervisor")
    watcher.subscribe(topics.status("display-tang-1"), on_status)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, "-m", "admin.cli", "display", "--config", str(config)]
    display = subprocess.Popen(
        [*command, "--zone", "tang-1", "--windowed", "--no-sound", "--audio-dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(200):
            if changed.wait(0.1) and states[-1] == "online":
                break
            changed.clear()
        assert states and states[-1] == "online"
        changed.clear()
        display.send_signal(signal.SIGTERM)
        assert display.wait(timeout=20) == 0
        assert changed.wait(5) and states[-1] == "offline"
    finally:
        if display.poll() is None:
            display.kill()
            display.wait()
        assert display.stderr is not None
        display.stderr.close()
