"""The README's demo runs: server, embedded broker and the simulated hall, then stops cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from server.demo_scanner import ScanDesk
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
            "server.cli",
            "demo",
            "--config",
            str(DEMO_CONFIG),
            "--seconds",
            "8",
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
    assert "quét   → vé" in done.stdout
    assert "mã PIN thử nghiệm" in done.stdout and "hồ sơ mẫu" in done.stdout
    assert "ki-ốt kiosk-1" in done.stdout and "bàn làm việc Quầy 7" in done.stdout
    spoken = list((tmp_path / "data" / "audio").glob("*/call-*.wav"))
    assert spoken, "the hall displays announced no call"
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
    from server.demo_seed import seed_demo
    from shared.domain.codes import dossier_qr
    from shared.domain.procedures import Procedure
    from shared.storage.catalogue import CatalogueRepository
    from tests.helpers.sites import demo_config

    config = demo_config().model_copy(update={"data_dir": str(tmp_path / "data")})
    procedure = Procedure("2.000200", "Cấp thẻ căn cước", "Căn cước", "cong-an", 7)
    with sessions.begin() as session:
        CatalogueRepository(session, demo_site.id).replace_all([procedure], clock())
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
    assert f"hồ sơ {code} (Nguyễn V** A**): Đang giải quyết" in lines[0]
