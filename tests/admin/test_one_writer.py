"""One writer: tools that change state refuse while the server runs, and apply through it.

The running server is imitated as test_cli_backup.py does: the database opened the server's
way (WAL), a connection kept in its pool.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from admin.cli import main
from admin.offline import server_is_running
from shared.config.site import load_config
from shared.domain.procedures import Procedure, RequiredDocument
from shared.storage.catalogue import CatalogueRepository
from shared.storage.dossier_repository import DossierRepository
from shared.storage.engine import close_database, open_database
from shared.storage.officer_repository import OfficerRepository, hash_password
from shared.storage.tables import CommandLogRow
from tests.helpers.sites import demo_site_file

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
CODE = "000.00.17.H99-261201-0042"
PROCEDURE = Procedure(
    code="2.000200",
    name="Cấp thẻ căn cước",
    field="Căn cước",
    department="cong-an",
    legal_days=7,
    fee="",
    documents=(RequiredDocument("Tờ khai căn cước", "Bản chính", 1),),
    return_place="Quầy trả kết quả",
    service="can-cuoc",
)
RECORDS: list[dict[str, Any]] = [
    {
        "code": CODE,
        "status": 2,
        "at": "2026-12-01T08:00:00+07:00",
        "procedure": PROCEDURE.code,
        "citizen": {"name": "Đỗ Thị Hoa"},
        "received_at": "2026-12-01T08:00:00+07:00",
        "channel": 2,
    },
    {"code": CODE, "status": 4, "at": "2026-12-02T09:00:00+07:00"},
    {"code": CODE, "status": 9, "at": "2026-12-04T10:00:00+07:00"},
]
PORTAL = [
    {
        "MaHoSo": "000.00.17.H99-261201-0077",
        "MaTTHC": PROCEDURE.code,
        "ChuHoSo": "Lê Văn Nam",
        "SoDienThoai": "",
        "NgayTiepNhan": "20261201090000",
        "TrangThaiHoSo": 4,
        "KenhThucHien": 1,
    }
]
CATALOGUE = (
    'Mã thủ tục,Tên thủ tục,Lĩnh vực,Cơ quan,Thời hạn,"Phí, lệ phí"\n'
    "2.000635,Cấp bản sao trích lục hộ tịch,Hộ tịch,tu-phap,trong ngày,8.000\n"
)


def database(site_file: Path) -> Path:
    return site_file.parent / "data" / "motcua.db"


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    """The demo site in the test's folder, its database holding the catalogue and an officer."""
    path = demo_site_file(tmp_path)
    sessions = open_database(f"sqlite:///{database(path)}")
    with sessions.begin() as session:
        CatalogueRepository(session, "hcc-demo").replace_all([PROCEDURE], AT)
        OfficerRepository(session, "hcc-demo").upsert(
            "cb-live", "Cán bộ", ("q01",), hash_password("246810"), AT
        )
    close_database(sessions)
    return path


@pytest.fixture
def running_server(site_file: Path) -> Iterator[sessionmaker[Session]]:
    """The database a server has open: opened the server's way, its connection kept."""
    sessions = open_database(f"sqlite:///{database(site_file)}")
    with sessions() as session:
        session.scalars(select(CommandLogRow)).all()
    yield sessions
    close_database(sessions)


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def logged(site_file: Path, device: str) -> list[tuple[str, bool]]:
    """The audit log's (verb, ok) of one device's commands, every connection closed after."""
    sessions = open_database(f"sqlite:///{database(site_file)}")
    with sessions() as session:
        rows = session.execute(
            select(CommandLogRow.verb, CommandLogRow.ok)
            .where(CommandLogRow.device_id == device)
            .order_by(CommandLogRow.id)
        ).all()
    close_database(sessions)
    return [(row.verb, row.ok) for row in rows]


def dossier_status(site_file: Path, code: str) -> int | None:
    sessions = open_database(f"sqlite:///{database(site_file)}")
    with sessions() as session:
        dossier = DossierRepository(session, "hcc-demo").by_code(code)
    close_database(sessions)
    return None if dossier is None else int(dossier.status)


def test_server_is_running_sees_the_server_holding_the_database(site_file: Path) -> None:
    config = load_config(str(site_file))
    assert config is not None
    assert not server_is_running(config, "")
    live = open_database(f"sqlite:///{database(site_file)}")
    with live() as session:
        session.scalars(select(CommandLogRow)).all()
    assert server_is_running(config, "")
    close_database(live)
    assert not server_is_running(config, "")


WRITING_TOOLS = [
    ["dossier", "import", "{tmp}/igate.json"],
    ["dossier", "import", "{tmp}/dvcqg.json", "--format", "dvcqg"],
    ["dossier", "import-catalogue", "{tmp}/catalogue.csv"],
    ["officer", "add", "cb05", "--name", "Lê Văn Cường", "--counters", "q01", "--password-stdin"],
    ["officer", "disable", "cb-live"],
]


@pytest.mark.parametrize(
    "tool",
    WRITING_TOOLS,
    ids=["import", "import-dvcqg", "import-catalogue", "officer-add", "officer-disable"],
)
def test_every_writing_tool_refuses_while_the_server_runs(
    tool: list[str],
    site_file: Path,
    running_server: sessionmaker[Session],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write(tmp_path / "igate.json", RECORDS)
    write(tmp_path / "dvcqg.json", PORTAL)
    (tmp_path / "catalogue.csv").write_text(CATALOGUE, encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("582046\n"))
    args = [a.format(tmp=tmp_path) for a in tool]
    assert main([*args, "--config", str(site_file)]) == 1
    err = capsys.readouterr().err
    assert "Máy chủ đang chạy" in err and "systemctl stop motcua-server" in err, err
    with running_server() as session:
        dossiers = DossierRepository(session, "hcc-demo")
        assert dossiers.by_code(CODE) is None and dossiers.by_code(PORTAL[0]["MaHoSo"]) is None
        catalogue = CatalogueRepository(session, "hcc-demo")
        assert catalogue.get(PROCEDURE.code) is not None, "the catalogue was not replaced"
        assert catalogue.get("2.000635") is None
        officers = OfficerRepository(session, "hcc-demo")
        assert officers.get("cb05") is None
        assert officers.verify("cb-live", "246810") is not None, "still active"


def test_catalogue_refusal_says_it_is_loaded_at_server_start(
    site_file: Path,
    running_server: sessionmaker[Session],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_text(CATALOGUE, encoding="utf-8")
    args = ["dossier", "import-catalogue", str(catalogue), "--config", str(site_file)]
    assert main(args) == 1
    assert "[dossiers] catalogue" in capsys.readouterr().err


def test_import_goes_through_the_server_into_the_audit_log_once(
    site_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["dossier", "import", str(write(tmp_path / "igate.json", RECORDS))]
    command += ["--config", str(site_file)]
    assert main(command) == 0
    assert "1 hồ sơ mới, 2 cập nhật, 0 không đổi, 0 lỗi" in capsys.readouterr().out
    assert logged(site_file, "import") == [("sync_dossier", True)] * 3
    assert dossier_status(site_file, CODE) == 9
    # Again: nothing changes, not even the audit log (each record is applied once).
    assert main(command) == 0
    assert "0 hồ sơ mới, 0 cập nhật, 3 không đổi, 0 lỗi" in capsys.readouterr().out
    assert logged(site_file, "import") == [("sync_dossier", True)] * 3
    # Another file's records, numbered from 1 too, are new commands, not retries.
    other = dict(RECORDS[0], code="000.00.17.H99-261201-0043")
    command[2] = str(write(tmp_path / "more.json", [other]))
    assert main(command) == 0
    assert "1 hồ sơ mới, 0 cập nhật, 0 không đổi, 0 lỗi" in capsys.readouterr().out
    assert logged(site_file, "import") == [("sync_dossier", True)] * 4


def test_portal_import_goes_through_the_server_into_the_audit_log_once(
    site_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command = ["dossier", "import", str(write(tmp_path / "dvcqg.json", PORTAL))]
    command += ["--format", "dvcqg", "--config", str(site_file)]
    assert main(command) == 0
    assert "1 thay đổi, 0 không đổi, 0 lỗi" in capsys.readouterr().out
    assert logged(site_file, "dvcqg") == [("sync_dossier", True)] * 2
    assert dossier_status(site_file, PORTAL[0]["MaHoSo"]) == 4
    assert main(command) == 0
    assert "0 thay đổi, 1 không đổi, 0 lỗi" in capsys.readouterr().out
    assert logged(site_file, "dvcqg") == [("sync_dossier", True)] * 2
