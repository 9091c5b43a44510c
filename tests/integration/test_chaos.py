"""A short chaos run: the server and its broker SIGKILLed mid-load lose and repeat nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.sites import ROOT

pytestmark = pytest.mark.integration


def test_a_busy_hall_survives_server_and_broker_kills(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "chaos.py"),
            "--seconds",
            "20",
            "--kills",
            "2",
            "--kiosks",
            "2",
            "--counters",
            "3",
            "--work",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=110,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, done.stderr
    summary = lines[-1]
    kills = [line for line in lines if "kill" in line]
    assert {k["target"] for k in kills} == {"server", "broker"}, kills
    assert summary["kills"] == 2 and summary["unrecovered_kills"] == 0, summary
    assert summary["acknowledged_tickets"] > 0 and summary["calls"] > 0, summary
    assert summary["missing_tickets"] == [], summary
    assert summary["numbers_given_twice"] == [] and summary["numbers_called_twice"] == []
    assert summary["clients_reconnected"], summary
    assert summary["retained_topics"] > 0 and summary["retained_missing"] == [], summary
    assert summary["ok"] and done.returncode == 0, (summary, done.stderr[-2000:])
