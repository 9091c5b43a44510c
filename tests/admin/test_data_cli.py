"""`motcua data purge | subject` on a site file's database: counts, refusal while running, files."""

from __future__ import annotations

import argparse
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from admin import data_cli
from server.dossier_service import DossierSettings
from shared.storage.dossier_tables import DossierRow
from shared.storage.engine import close_database, open_database
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import demo_config, demo_site_file
from tests.storage.test_personal_data import LATER, SUBJECT, seed, serve_and_return


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    return demo_site_file(tmp_path)


def main(argv: list[str]) -> int:
    """Run `motcua data …` through the module's own parser (as admin/cli.py dispatches it)."""
    parser = argparse.ArgumentParser(prog="motcua")
    data_cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    result: int = args.handler(args)
    return result


def database(site_file: Path) -> Path:
    return site_file.parent / "data" / "motcua.db"


@pytest.fixture
def served(site_file: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A database with a returned dossier (and an open one); the tools run 800 days later."""
    sessions = open_database(f"sqlite:///{database(site_file)}")
    seed(sessions)
    config = demo_config()
    clock = FakeClock(LATER)
    hall = Hall(config.to_domain(), sessions, clock, DossierSettings.from_config(config))
    code, _ = serve_and_return(hall, clock)
    close_database(sessions)  # the server stops
    monkeypatch.setattr(data_cli, "utc_now", lambda: LATER)
    yield code


def phone(site_file: Path, code: str) -> str:
    sessions = open_database(f"sqlite:///{database(site_file)}")
    try:
        with sessions() as session:
            row = session.scalars(select(DossierRow).where(DossierRow.code == code)).one()
            return row.citizen_phone
    finally:
        close_database(sessions)


def test_purge_dry_run_prints_counts_per_class_then_purges(
    site_file: Path, served: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config = ["--config", str(site_file)]
    assert main(["data", "purge", "--dry-run", *config]) == 0
    out = capsys.readouterr().out
    assert "dossier_contact\t1\tgiữ 365 ngày" in out and "Chạy thử" in out, out
    assert phone(site_file, served) == SUBJECT["phone"]
    key = site_file.parent / "data" / "privacy.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_bytes()) == 32
    assert main(["data", "purge", *config]) == 0
    assert "Đã xóa hoặc ẩn danh 8 mục" in capsys.readouterr().out
    assert phone(site_file, served) == ""


def test_purge_and_erase_refuse_while_the_server_has_the_database_open(
    site_file: Path,
    served: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    live: sessionmaker[Session] = open_database(f"sqlite:///{database(site_file)}")
    with live() as session:
        session.scalars(select(DossierRow)).all()  # the server's pool keeps its connection
    config = ["--config", str(site_file)]
    assert main(["data", "purge", *config]) == 1
    assert "Máy chủ đang chạy" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(SUBJECT["id_number"] + "\n"))
    assert main(["data", "subject", "--id", "-", "--erase", *config]) == 1
    assert "dừng máy chủ" in capsys.readouterr().err
    out = site_file.parent / "subject.json"
    assert (
        main(["data", "subject", "--id", SUBJECT["id_number"], "--export", str(out), *config]) == 0
    )
    close_database(live)
    assert phone(site_file, served) == SUBJECT["phone"]
    assert out.stat().st_mode & 0o777 == 0o600, "the export holds personal data"
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert [d["code"] for d in exported["dossiers"]] == [served]
    assert exported["dossiers"][0]["citizen"]["phone"] == SUBJECT["phone"]


def test_subject_erase_with_the_server_stopped(
    site_file: Path,
    served: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(SUBJECT["id_number"] + "\n"))
    assert main(["data", "subject", "--id", "-", "--erase", "--config", str(site_file)]) == 0
    assert "Đã xóa dữ liệu liên hệ của 1 hồ sơ" in capsys.readouterr().out
    assert phone(site_file, served) == ""
    assert main(["data", "subject", "--id", " ", "--erase", "--config", str(site_file)]) == 2
    assert "số định danh" in capsys.readouterr().err
