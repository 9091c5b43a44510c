"""`motcua dossier register` and `dossier form --form NN` from a real site database."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from admin.cli import main
from tests.admin.test_dossier_tools import (  # noqa: F401  (fixtures)
    MONDAY,
    received_dossier,
    sessions_for_file,
    site_file,
)


def test_register_exports_the_period_as_xlsx_and_a4_pdf(
    site_file: Path,  # noqa: F811
    sessions_for_file: sessionmaker[Session],  # noqa: F811
    tmp_path: Path,
) -> None:
    view = received_dossier(sessions_for_file)
    day = MONDAY.date().isoformat()
    xlsx = tmp_path / "so.xlsx"
    args = ["dossier", "register", "--from", day, "--to", day, "--config", str(site_file)]
    assert main([*args, "--out", str(xlsx)]) == 0
    rows = [[c.value for c in r] for r in load_workbook(xlsx).active.iter_rows()]  # type: ignore[union-attr]
    assert rows[6][1] == view["code"] and rows[6][4] == "Nguyễn Văn An"
    pdf = tmp_path / "so.pdf"
    assert main([*args, "--out", str(pdf)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    empty = tmp_path / "empty.xlsx"
    before = ["--from", "2026-01-01", "--to", "2026-01-02"]
    assert (
        main(["dossier", "register", *before, "--config", str(site_file), "--out", str(empty)]) == 0
    )
    assert load_workbook(empty).active.max_row == 6  # type: ignore[union-attr]
    assert main([*args[:2], "--from", day, "--to", "2020-01-01", "--out", str(xlsx)]) == 2


def test_form_command_takes_numbers_of_the_dossiers_set_and_sheets(
    site_file: Path,  # noqa: F811
    sessions_for_file: sessionmaker[Session],  # noqa: F811
    tmp_path: Path,
) -> None:
    view = received_dossier(sessions_for_file)
    base = ["dossier", "form", view["code"], "--config", str(site_file)]
    control = tmp_path / "control.png"
    assert main([*base, "--form", "06", "--paper", "a4", "--out", str(control)]) == 0
    assert Image.open(control).size == (1240, 1754)
    slip = tmp_path / "slip.pdf"
    assert main([*base, "--form", "01", "--paper", "a5", "--out", str(slip)]) == 0
    assert slip.read_bytes().startswith(b"%PDF")
    assert main([*base, "--form", "05", "--out", str(tmp_path / "stop.png")]) == 1  # not stopped
    assert main([*base, "--form", "07", "--out", str(tmp_path / "so.png")]) == 1  # a period form
    assert main([*base, "--form", "slip", "--out", str(tmp_path / "old.png")]) == 0
