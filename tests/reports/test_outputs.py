"""The workbook, the HTML page, the charts and the `motcua report` command."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from admin.cli import main
from reports.charts import all_charts
from reports.figures import Report
from reports.html import number, render_html
from reports.table_model import Kind
from reports.tables import all_tables
from reports.xlsx import write_xlsx
from tests.helpers.sites import DEMO_CONFIG
from tests.reports.fixture import MONDAY

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))


def test_vietnamese_number_format() -> None:
    assert number(1234567) == "1.234.567"
    assert number(66.7, Kind.PERCENT) == "66,7 %"
    assert number(1234.5, Kind.MINUTES) == "1.234,5"
    assert number(None) == "–"


def test_workbook_has_a_sheet_per_table(make_report: Callable[..., Report], tmp_path: Path) -> None:
    report = make_report(*NOVEMBER)
    path = write_xlsx(report, tmp_path / "r.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == [t.sheet for t in all_tables(report)]
    tickets = book["Vé theo dịch vụ"]
    header = [c.value for c in tickets[4]]
    assert header[:3] == ["Dịch vụ", "Đã cấp", "Đã phục vụ"]
    totals = [row for row in tickets.iter_rows(values_only=True) if row[0] == "Tổng cộng"]
    assert totals[0][1:4] == (7, 5, 1)  # Monday's six tickets and Tuesday's one
    index = book["Chỉ số QĐ 766"]
    values = {row[0]: row[1] for row in index.iter_rows(min_row=5, values_only=True)}
    assert values["Tiến độ giải quyết"] == pytest.approx(66.7)


def test_html_is_self_contained_and_vietnamese(make_report: Callable[..., Report]) -> None:
    report = make_report(*NOVEMBER)
    charts = all_charts(report)
    assert set(charts) >= {"waiting", "timeliness", "channels", "satisfaction", "heat"}
    assert all(png.startswith(b"\x89PNG") for png in charts.values())
    page = render_html(report, charts)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="vi">' in page
    assert "Tiến độ giải quyết" in page and "66,7 %" in page
    assert page.count("data:image/png;base64,") == len(charts)
    assert "http://" not in page and "https://" not in page  # nothing fetched when opened
    assert "tính là 0 %" in page  # the complaints assumption is stated


def test_empty_report_renders(make_report: Callable[..., Report], tmp_path: Path) -> None:
    report = make_report(date(2026, 1, 5), date(2026, 1, 5))
    assert all_charts(report) == {}
    page = render_html(report, {})
    assert "Không có số liệu trong kỳ." in page
    write_xlsx(report, tmp_path / "empty.xlsx")


def test_report_command_writes_the_files(
    database_url: str, filled: dict[str, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    status = main(
        [
            "report",
            "--from",
            f"{MONDAY}",
            "--to",
            f"{MONDAY}",
            "--out",
            str(out),
            "--config",
            str(DEMO_CONFIG),
            "--database",
            database_url,
            "--department",
            "tu-phap",
            "--no-pdf",
        ]
    )
    assert status == 0
    assert (out / "bao-cao-20261123-20261123-tu-phap.xlsx").exists()
    assert (out / "bao-cao-20261123-20261123-tu-phap.html").exists()
    assert "Không tạo PDF" in capsys.readouterr().out


def test_report_command_rejects_an_unknown_department(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-02",
            "--out",
            str(tmp_path),
            "--config",
            str(DEMO_CONFIG),
            "--department",
            "khong-co",
        ]
    )
    assert status == 2
    assert "khong-co" in capsys.readouterr().err
