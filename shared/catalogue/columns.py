"""The catalogue's columns, their English names and Vietnamese aliases, and header matching."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.domain.procedures import fold


@dataclass(frozen=True)
class Column:
    """One column of a catalogue file: its key, its Vietnamese label and the headers it accepts."""

    key: str
    label: str
    required: bool
    aliases: tuple[str, ...]


COLUMNS: tuple[Column, ...] = (
    Column("code", "Mã thủ tục", True, ("code", "ma", "ma thu tuc", "ma tthc", "ma so")),
    Column("name", "Tên thủ tục", True, ("name", "ten", "ten thu tuc", "ten tthc", "thu tuc")),
    Column("field", "Lĩnh vực", False, ("field", "linh vuc")),
    Column(
        "department",
        "Cơ quan",
        True,
        (
            "department",
            "co quan",
            "so",
            "co quan so",
            "so nganh",
            "don vi",
            "co quan giai quyet",
            "co quan thuc hien",
        ),
    ),
    Column(
        "legal_days",
        "Thời hạn",
        True,
        (
            "legal days",
            "days",
            "thoi han",
            "thoi han giai quyet",
            "thoi gian giai quyet",
            "so ngay",
        ),
    ),
    Column("fee", "Phí, lệ phí", True, ("fee", "fees", "phi", "le phi", "phi le phi")),
    Column(
        "documents",
        "Thành phần hồ sơ",
        False,
        ("documents", "thanh phan ho so", "ho so", "giay to"),
    ),
    Column(
        "return_place",
        "Nơi trả kết quả",
        False,
        ("return place", "noi tra ket qua", "noi tra", "tra ket qua"),
    ),
    Column(
        "service",
        "Dịch vụ xếp hàng",
        False,
        ("service", "queue service", "dich vu", "dich vu xep hang"),
    ),
)

# Headers staff often keep from their own sheets; their cells are not read.
IGNORED = frozenset({"stt", "so thu tu", "ghi chu", "note", "notes"})

_BY_ALIAS = {alias: column for column in COLUMNS for alias in column.aliases}


def header_key(header: str) -> str:
    """Fold a header for matching: drop '(…)' notes, diacritics, case and punctuation."""
    without_notes = re.sub(r"\([^)]*\)", " ", header)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(without_notes)).split())


@dataclass(frozen=True)
class HeaderMap:
    """Where each known column sits in the file (0-based) and the header as the file spells it."""

    positions: dict[str, int]
    titles: dict[str, str]


def map_headers(headers: list[str], row: int = 1) -> tuple[HeaderMap, list[str]]:
    """Match the header row (number `row`) to the columns; return the map and its errors."""
    positions: dict[str, int] = {}
    titles: dict[str, str] = {}
    errors: list[str] = []
    for index, raw in enumerate(headers):
        title = " ".join(raw.split())
        key = header_key(title)
        if not key or key in IGNORED:
            continue
        column = _BY_ALIAS.get(key)
        if column is None:
            errors.append(
                f"dòng {row}, cột {title}: tên cột không được hỗ trợ (xem danh sách cột)."
            )
        elif column.key in positions:
            errors.append(
                f"dòng {row}, cột {title}: trùng với cột {titles[column.key]} ({column.label})."
            )
        else:
            positions[column.key] = index
            titles[column.key] = title
    for column in COLUMNS:
        if column.required and column.key not in positions:
            errors.append(f"dòng {row}: thiếu cột «{column.label}» ({column.key}).")
    return HeaderMap(positions, titles), errors


def recognised(headers: list[str]) -> int:
    """Count the headers naming a known column (to guess the CSV delimiter)."""
    return sum(1 for header in headers if header_key(header) in _BY_ALIAS)
