"""The README's demo runs: server, embedded broker and the simulated hall, then stops cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.sites import DEMO_CONFIG, ROOT

pytestmark = pytest.mark.integration


def test_motcua_demo_issues_and_calls_tickets_and_exits(tmp_path: Path) -> None:
    env = dict(os.environ, MOTCUA_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "server.cli",
            "demo",
            "--config",
            str(DEMO_CONFIG),
            "--seconds",
            "6",
            "--pace",
            "0.1",
            "--log-level",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "kiosk  → số" in done.stdout
    assert "→ mời số" in done.stdout
    assert "bảng Tầng 1" in done.stdout
    assert (tmp_path / "data" / "motcua.db").exists()
    assert not (tmp_path / "data" / "local-broker.json").exists(), "credentials left behind"
