"""Turning a catalogue file into procedures, checking every row against the site."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from shared.catalogue import cells
from shared.catalogue.cells import CellError
from shared.catalogue.columns import HeaderMap, map_headers
from shared.catalogue.errors import CatalogueError
from shared.catalogue.files import read_rows
from shared.config.site import SiteConfig
from shared.domain.procedures import Procedure, RequiredDocument, fold

DEFAULT_RETURN_PLACE = "Bộ phận trả kết quả"


def read_catalogue(path: str | Path, site: SiteConfig | None = None) -> list[Procedure]:
    """Read a .csv or .xlsx catalogue; raise CatalogueError listing every bad row."""
    source = Path(path)
    rows = [row for row in read_rows(source) if not _blank(row[1])]
    if not rows:
        raise CatalogueError(str(source), ["tệp trống: cần một dòng tên cột và các thủ tục."])
    header_number, header_cells = rows[0]
    header, errors = map_headers([cells.text(value) for value in header_cells], header_number)
    if errors:
        raise CatalogueError(str(source), errors)
    checker = _SiteChecker(site)
    procedures: list[Procedure] = []
    first_row: dict[str, int] = {}
    for number, row_cells in rows[1:]:
        procedure, row_errors = _procedure(number, row_cells, header, checker)
        if procedure is not None and procedure.code in first_row:
            row_errors.append(
                f"dòng {number}, cột {header.titles['code']}: mã {procedure.code} "
                f"trùng với dòng {first_row[procedure.code]}."
            )
        elif procedure is not None:
            first_row[procedure.code] = number
            procedures.append(procedure)
        errors.extend(row_errors)
    if errors:
        raise CatalogueError(str(source), errors)
    if not procedures:
        raise CatalogueError(str(source), ["tệp không có thủ tục nào (chỉ có dòng tên cột)."])
    return procedures


def _blank(row_cells: list[object]) -> bool:
    return all(not cells.text(value) for value in row_cells)


class _SiteChecker:
    """Resolve departments (by id or name) and check queue services against the site file."""

    def __init__(self, site: SiteConfig | None) -> None:
        self.site = site
        self.departments: dict[str, str] = {}
        if site is not None:
            for department in site.departments:
                self.departments[fold(department.name)] = department.id
                self.departments[department.id] = department.id
        self.services = {s.code for s in site.services} if site is not None else set()

    def department(self, value: object) -> str:
        """Return the department id named by a cell."""
        given = _required(cells.line(value, 200))
        if self.site is None:
            return cells.line(given, 40)
        found = self.departments.get(given) or self.departments.get(fold(given))
        if found is None:
            known = ", ".join(d.id for d in self.site.departments)
            raise CellError(f"không có cơ quan «{given}» trong cấu hình (có: {known}).")
        return found

    def service(self, value: object) -> str | None:
        """Return the queue service code of a cell, or None when empty."""
        given = cells.line(value, 40)
        if not given:
            return None
        if self.site is not None and given not in self.services:
            raise CellError(f"không có dịch vụ xếp hàng «{given}» trong cấu hình.")
        return given


def _required(value: str) -> str:
    if not value:
        raise CellError("bỏ trống.")
    return value


def _procedure(
    number: int, row_cells: list[object], header: HeaderMap, checker: _SiteChecker
) -> tuple[Procedure | None, list[str]]:
    """Build the procedure of one row, or return None and the row's error lines."""
    parsers: dict[str, Callable[[object], Any]] = {
        "code": cells.code,
        "name": lambda v: _required(cells.line(v, 400)),
        "field": lambda v: cells.line(v, 200),
        "department": checker.department,
        "legal_days": cells.legal_days,
        "fee": cells.fee,
        "documents": cells.documents,
        "return_place": lambda v: cells.line(v, 200) or DEFAULT_RETURN_PLACE,
        "service": checker.service,
    }
    values: dict[str, Any] = {}
    errors: list[str] = []
    for key, parse in parsers.items():
        position = header.positions.get(key)
        value = row_cells[position] if position is not None and position < len(row_cells) else None
        try:
            values[key] = parse(value)
        except CellError as exc:
            errors.append(f"dòng {number}, cột {header.titles[key]}: {exc}")
    if errors:
        return None, errors
    documents: tuple[RequiredDocument, ...] = values.pop("documents")
    return Procedure(documents=documents, **values), []
