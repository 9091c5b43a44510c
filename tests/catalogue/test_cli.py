"""`motcua dossier import-catalogue` and the catalogue loaded when the server starts."""

from __future__ import annotations

import argparse
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from admin.catalogue_cli import register
from server.catalogue import catalogue_path, load_catalogue_at_start
from shared.catalogue import CatalogueError
from shared.config.site import load_site_config
from shared.storage.catalogue import CatalogueRepository, ImportCounts
from shared.storage.engine import open_database
from tests.helpers.sites import DEMO_CONFIG, ROOT

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
HEADER = "Mã thủ tục,Tên thủ tục,Lĩnh vực,Cơ quan,Thời hạn,Phí lệ phí\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="action", required=True))
    args = parser.parse_args(["import-catalogue", *argv])
    code = args.handler(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def active_codes(database_url: str) -> list[str]:
    sessions = open_database(database_url)
    with sessions() as session:
        codes = [p.code for p in CatalogueRepository(session, "hcc-demo").active()]
    sessions.kw["bind"].dispose()
    return codes


def test_import_prints_counts_and_is_idempotent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'motcua.db'}"
    catalogue = str(ROOT / "config" / "demo-catalogue.csv")
    code, out, err = run(capsys, catalogue, "--config", str(DEMO_CONFIG), "--database-url", url)
    assert (code, err) == (0, "")
    assert "43 thêm mới, 0 cập nhật, 0 ngừng áp dụng, 0 không đổi" in out
    code, out, _ = run(capsys, catalogue, "--database-url", url)
    assert code == 0 and "0 thêm mới, 0 cập nhật, 0 ngừng áp dụng, 43 không đổi" in out
    assert len(active_codes(url)) == 43


def test_a_bad_file_imports_nothing_and_exits_1(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'motcua.db'}"
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "A.1,Thử,Khác,tu-phap,1,0\n", encoding="utf-8")
    assert run(capsys, str(good), "--database-url", url)[0] == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "B.1,Mới,Khác,tu-phap,1,0\nB.2,Sai,Khác,khong-co,1,0\n")
    code, out, err = run(capsys, str(bad), "--database-url", url)
    assert (code, out) == (1, "")
    assert "chưa nhập thủ tục nào" in err
    assert "dòng 3, cột Cơ quan: không có cơ quan «khong-co»" in err
    assert active_codes(url) == ["A.1"]


def test_a_bad_site_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = run(capsys, "x.csv", "--config", str(tmp_path / "missing.toml"))
    assert code == 2 and "không tìm thấy tệp" in err


def test_catalogue_path_is_relative_to_the_site_file(tmp_path: Path) -> None:
    config = load_site_config(DEMO_CONFIG)
    assert catalogue_path(config, DEMO_CONFIG) == ROOT / "config" / "demo-catalogue.csv"
    assert catalogue_path(config, tmp_path / "site.toml") == tmp_path / "demo-catalogue.csv"
    empty = config.model_copy(
        update={"dossiers": config.dossiers.model_copy(update={"catalogue": ""})}
    )
    assert catalogue_path(empty, DEMO_CONFIG) is None


def test_server_start_imports_the_configured_catalogue(sessions: sessionmaker[Session]) -> None:
    config = load_site_config(DEMO_CONFIG)
    first = load_catalogue_at_start(sessions, config, DEMO_CONFIG, T0)
    assert first is not None and first.added == 43
    assert load_catalogue_at_start(sessions, config, DEMO_CONFIG, T0) == ImportCounts(unchanged=43)
    with sessions() as session:
        found = CatalogueRepository(session, "hcc-demo").search("trich luc ho tich")
        assert [p.code for p in found] == ["2.000635"]


def test_server_start_fails_clearly_on_a_missing_or_bad_catalogue(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    config = load_site_config(DEMO_CONFIG)
    site_file = tmp_path / "site.toml"
    with pytest.raises(CatalogueError) as caught:
        load_catalogue_at_start(sessions, config, site_file, T0)
    assert caught.value.path == str(tmp_path / "demo-catalogue.csv")
    assert "[dossiers] catalogue" in str(caught.value)
    shutil.copy(ROOT / "config" / "demo-catalogue.csv", tmp_path / "demo-catalogue.csv")
    with (tmp_path / "demo-catalogue.csv").open("a", encoding="utf-8") as file:
        file.write("9.999,Thủ tục lạ,Khác,so-la,1,0,,,\n")
    with pytest.raises(CatalogueError, match="dòng 45, cột Cơ quan"):
        load_catalogue_at_start(sessions, config, site_file, T0)
    with sessions() as session:
        assert CatalogueRepository(session, "hcc-demo").active() == []
