"""The README's demo runs: server, embedded broker and the simulated hall, then stops cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from admin.demo_scanner import ScanDesk
from shared.domain.site import Site
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import DEMO_CONFIG, ROOT

pytestmark = pytest.mark.integration


def test_motcua_demo_issues_and_calls_tickets_and_exits(tmp_path: Path) -> None:
    env = dict(os.environ, MOTCUA_DATA_DIR=str(tmp_path / "data"))
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "admin.cli",
            "demo",
            "--config",
            str(DEMO_CONFIG),
            "--seconds",
            "20",
            "--speed",
            "30",
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
    out = done.stdout
    assert "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa" in out
    assert "kiosk  → số" in out
    assert "→ mời số" in out
    assert "bảng Tầng 1" in out and "bảng Tầng 2" in out, "both floors are staffed"
    assert "quét   → " in out
    assert "mã PIN thử nghiệm" in out and "hồ sơ mẫu" in out
    assert "ki-ốt kiosk-1" in out and "bàn làm việc Quầy 7" in out
    assert "YYYYMMDD" not in out and "import socket" in out, "a scan example ready to paste"
    assert "khoảng 0 phút" not in out
    for zone in ("tang-1", "tang-2"):
        spoken = list((tmp_path / "data" / "audio" / zone).glob("call-*.wav"))
        assert spoken, f"the hall display of {zone} announced no call"
        assert all(f.stat().st_size > 10_000 for f in spoken)
    assert (tmp_path / "data" / "motcua.db").exists()
    assert not (tmp_path / "data" / "local-broker.json").exists(), "credentials left behind"


def test_scan_desk_looks_up_scanned_tickets_and_refuses_garbage(
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hall = Hall(demo_site, sessions, clock)
    hall.issue("ho-tich")
    hall.issue("ho-tich")
    desk = ScanDesk(hall.device("scan-desk"))
    desk.start()
    try:
        desk.scan("MCT1:hcc-demo:20261123:A002")
        desk.scan("\x1b[2J;DROP TABLE")
        lines: list[str] = []
        for _ in range(100):
            lines += [x for x in capsys.readouterr().out.splitlines() if "quét" in x]
            if len(lines) >= 2:
                break
            threading.Event().wait(0.05)
    finally:
        desk.stop()
    assert lines[0].endswith("vé A002: đang chờ, 1 người chờ trước")
    assert lines[1].endswith("Không nhận ra mã")


def test_scan_desk_looks_up_a_scanned_appointment_slip(
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from admin.demo_seed import seed_demo
    from shared.domain.codes import dossier_qr
    from tests.helpers.sites import demo_config

    config = demo_config().model_copy(update={"data_dir": str(tmp_path / "data")})
    code, token = seed_demo(sessions, config, clock()).slips[0]
    hall = Hall(demo_site, sessions, clock)
    desk = ScanDesk(hall.device("scan-desk"), config.dossiers.code_regex())
    desk.start()
    try:
        desk.scan(dossier_qr(code, token))
        lines: list[str] = []
        for _ in range(100):
            lines += [x for x in capsys.readouterr().out.splitlines() if "quét" in x]
            if lines:
                break
            threading.Event().wait(0.05)
    finally:
        desk.stop()
    assert f"hồ sơ {code} (Trần T** H**): Đã tiếp nhận, hẹn trả " in lines[0]
