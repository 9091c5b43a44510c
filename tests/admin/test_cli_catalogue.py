"""`motcua dossier import-catalogue`: oversized or sparse files are refused before they are read."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from admin.cli import main
from shared.catalogue import CatalogueError, read_catalogue
from tests.helpers.sites import DEMO_CONFIG, demo_config

HEADER = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan", "Thời hạn", "Phí, lệ phí"]
ROW = ["2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", "tu-phap", "trong ngày", "8.000"]


def workbook(path: Path, far_cells: dict[str, str]) -> Path:
    """A one-procedure catalogue plus cells far away (e.g. {"I200000": "x"})."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(ROW)
    for where, value in far_cells.items():
        sheet[where] = value
    book.save(path)
    return path


def rewrite_member(path: Path, member: str, change: dict[str, str]) -> None:
    """Rewrite one file inside an XLSX, replacing text by regular expression."""
    with zipfile.ZipFile(path) as source:
        contents = {info.filename: source.read(info) for info in source.infolist()}
    text = contents[member].decode("utf-8")
    for pattern, replacement in change.items():
        text = re.sub(pattern, replacement, text)
    contents[member] = text.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in contents.items():
            target.writestr(name, data)


def errors_of(path: Path) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        read_catalogue(path, demo_config())
    return caught.value.errors


def test_a_sparse_workbook_with_a_cell_at_row_200000_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "sparse.xlsx", {"I200000": "x"})
    assert path.stat().st_size < 10_000
    errors = errors_of(path)
    assert len(errors) == 1
    assert "quá nhiều dòng" in errors[0] and "20.000" in errors[0], errors


def test_a_workbook_whose_declared_size_lies_is_still_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "lying.xlsx", {"A25000": "2.999999"})
    rewrite_member(path, "xl/worksheets/sheet1.xml", {r'<dimension ref="[^"]*"\s*/>': ""})
    with zipfile.ZipFile(path) as archive:
        assert b"<dimension" not in archive.read("xl/worksheets/sheet1.xml")
    errors = errors_of(path)
    assert len(errors) == 1 and "quá nhiều dòng" in errors[0], errors


def test_a_value_beyond_the_last_allowed_column_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "wide.xlsx", {"XFD1": "Cột thừa"})
    errors = errors_of(path)
    assert len(errors) == 1 and "quá nhiều cột" in errors[0], errors


def test_a_value_in_column_31_is_refused_whether_declared_or_not(tmp_path: Path) -> None:
    path = workbook(tmp_path / "declared.xlsx", {"AE2": "ghi chú lạc"})
    assert errors_of(path)[0].startswith("quá nhiều cột"), errors_of(path)
    rewrite_member(path, "xl/worksheets/sheet1.xml", {r'<dimension ref="[^"]*"\s*/>': ""})
    assert errors_of(path)[0].startswith("dòng 2: quá nhiều cột"), errors_of(path)


def test_a_workbook_that_unpacks_too_large_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path / "bomb.xlsx", {})
    padding = 80 * 1024 * 1024  # zeros: 80 MiB unpacked, a few hundred KB packed
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("xl/padding.bin", bytes(padding))
    assert path.stat().st_size < 1_000_000
    errors = errors_of(path)
    assert len(errors) == 1 and "giải nén" in errors[0], errors


def test_a_csv_with_too_many_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    rows = [",".join(HEADER)] + [f"X.{n},Thủ tục {n},Khác,tu-phap,1,0" for n in range(20_000)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    errors = errors_of(path)
    assert len(errors) == 1 and "quá nhiều dòng" in errors[0], errors


def test_a_small_workbook_still_reads(tmp_path: Path) -> None:
    path = workbook(tmp_path / "small.xlsx", {})
    (procedure,) = read_catalogue(path, demo_config())
    assert procedure.code == "2.000635" and procedure.fee == "8.000"


def test_the_command_exits_1_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workbook(tmp_path / "sparse.xlsx", {"I200000": "x"})
    database = tmp_path / "motcua.db"
    args = ["dossier", "import-catalogue", str(path), "--config", str(DEMO_CONFIG)]
    assert main([*args, "--database-url", f"sqlite:///{database}"]) == 1
    err = capsys.readouterr().err
    assert "chưa nhập thủ tục nào" in err and "quá nhiều dòng" in err
    assert not database.exists()
