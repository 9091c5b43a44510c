"""Files given on the command line: a clear message and exit status, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from admin.cli import main
from shared.domain.dossiers import TIMELINESS_LABELS, Timeliness
from shared.domain.procedures import Procedure
from shared.storage.catalogue import CatalogueRepository
from shared.storage.engine import close_database, open_database
from tests.helpers.sites import DEMO_CONFIG, demo_site_file

PROCEDURE = Procedure(
    code="2.000200",
    name="Cấp thẻ căn cước",
    field="Căn cước",
    department="cong-an",
    legal_days=7,
    fee="Lần đầu miễn phí",
)


@pytest.fixture(autouse=True)
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in a neutral locale: Vietnamese messages."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `motcua ARGS`, whether it returns or exits, and return its status and output."""
    try:
        status = main(list(args))
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    return demo_site_file(tmp_path)


@pytest.fixture
def sessions(site_file: Path) -> Iterator[sessionmaker[Session]]:
    made = open_database(f"sqlite:///{site_file.parent / 'data' / 'motcua.db'}")
    with made.begin() as session:
        CatalogueRepository(session, "hcc-demo").replace_all(
            [PROCEDURE], datetime(2025, 6, 1, tzinfo=UTC)
        )
    yield made
    close_database(made)


# --- motcua report ----------------------------------------------------------------------------


def report(capsys: pytest.CaptureFixture[str], out: Path, *extra: str) -> tuple[int, str, str]:
    args = ["report", "--from", "2026-11-02", "--to", "2026-11-06", "--out", str(out)]
    return run(capsys, *args, "--config", str(DEMO_CONFIG), "--no-pdf", *extra)


def test_report_out_onto_an_existing_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "bao-cao.xlsx"
    taken.write_bytes(b"someone's workbook")
    status, _, err = report(capsys, taken, "--database", f"sqlite:///{tmp_path / 'x.db'}")
    assert status == 2
    assert err.startswith("Lỗi: --out ") and "thư mục" in err, err
    assert taken.read_bytes() == b"someone's workbook"


def test_report_with_a_malformed_date_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["report", "--from", "2/11/2026", "--to", "2026-11-06", "--out", str(tmp_path)]
    status, _, err = run(capsys, *args, "--config", str(DEMO_CONFIG))
    assert status == 2
    assert "--from cần dạng YYYY-MM-DD" in err


def test_report_on_a_database_without_tables_is_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.db"
    status, _, err = report(capsys, tmp_path / "out", "--database", f"sqlite:///{empty}")
    assert status == 1
    assert err.startswith("Lỗi cơ sở dữ liệu"), err


# --- motcua dossier import --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("[1, 2]", "bản ghi 1 không phải một bảng"),
        ('[["code", "x"]]', "bản ghi 1 không phải một bảng"),
        ('{"dossiers": [{"code": "A"}, 7]}', "bản ghi 2 không phải một bảng"),
        ('{"other": []}', "danh sách bản ghi"),
        ("not json", "JSON không hợp lệ"),
        ("[" * 100_000 + "]" * 100_000, "lồng nhau quá sâu"),
    ],
)
def test_import_of_a_malformed_json_file_says_why(
    site_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    expected: str,
) -> None:
    source = tmp_path / "records.json"
    source.write_text(content, encoding="utf-8")
    status, _, err = run(capsys, "dossier", "import", str(source), "--config", str(site_file))
    assert status == 1
    assert err.startswith("Lỗi: ") and expected in err, err


def test_import_of_a_missing_file_says_so(
    site_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "absent.json"
    status, _, err = run(capsys, "dossier", "import", str(missing), "--config", str(site_file))
    assert status == 1
    assert "không tìm thấy tệp" in err


# --- motcua dossier late ----------------------------------------------------------------------


def test_late_list_shows_the_domain_labels(
    site_file: Path,
    sessions: sessionmaker[Session],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    received = {
        "status": 2,
        "at": "2025-06-02T08:00:00+07:00",
        "procedure": PROCEDURE.code,
        "citizen": {"name": "Đỗ Thị Hoa"},
        "received_at": "2025-06-02T08:00:00+07:00",
        "channel": 1,
    }
    overdue, paused = "000.00.17.H99-250602-0001", "000.00.17.H99-250602-0002"
    records = [
        {**received, "code": overdue},
        {**received, "code": paused},
        {"code": paused, "status": 5, "at": "2025-06-03T09:00:00+07:00"},
    ]
    source = tmp_path / "records.json"
    source.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    close_database(sessions)  # the import writes with the server stopped, nothing else open
    assert main(["dossier", "import", str(source), "--config", str(site_file)]) == 0
    capsys.readouterr()
    status, out, _ = run(capsys, "dossier", "late", "--config", str(site_file))
    assert status == 0
    columns = {line.split("\t")[0]: line.split("\t") for line in out.splitlines()}
    assert columns[overdue][2] == TIMELINESS_LABELS[Timeliness.OVERDUE]
    assert columns[paused][2] == TIMELINESS_LABELS[Timeliness.PAUSED]
    assert "overdue" not in out and "paused" not in out


# --- motcua hw decode -------------------------------------------------------------------------


def test_decoding_a_missing_image_says_so_without_opencv_noise(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.png"
    not_image = tmp_path / "notes.png"
    not_image.write_text("không phải ảnh", encoding="utf-8")
    status = main(["hw", "decode", str(missing), str(not_image), str(tmp_path)])
    out, err = capfd.readouterr()
    assert status == 1
    assert out.splitlines() == [f"{missing}\t", f"{not_image}\t", f"{tmp_path}\t"]
    assert "WARN" not in err and "imread" not in err, err
    lines = err.splitlines()
    assert lines == [
        f"motcua hw decode: không có tệp {missing}",
        f"motcua hw decode: {not_image} không phải tệp ảnh đọc được",
        f"motcua hw decode: {tmp_path} là một thư mục",
    ]


# --- motcua demo-data -------------------------------------------------------------------------


def test_demo_data_with_a_malformed_day_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = f"sqlite:///{tmp_path / 'demo.db'}"
    args = ["demo-data", "--days", "1", "--until", "hôm qua", "--database", database]
    status, _, err = run(capsys, *args, "--config", str(DEMO_CONFIG))
    assert status == 2
    assert "--until cần dạng YYYY-MM-DD" in err


def test_demo_data_over_existing_days_fails_without_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = f"sqlite:///{tmp_path / 'demo.db'}"
    args = ["demo-data", "--days", "1", "--counters", "2", "--until", "2026-11-23"]
    args += ["--database", database, "--config", str(DEMO_CONFIG)]
    assert run(capsys, *args)[0] == 0
    status, _, err = run(capsys, *args)
    assert status == 1
    assert err.startswith("Lỗi: ") and "--replace" in err
