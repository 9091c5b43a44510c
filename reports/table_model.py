"""The report's table model: titled tables of typed columns, for the spreadsheet and the HTML."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

Value = str | int | float | None


class Kind(StrEnum):
    """How a column's values are written."""

    TEXT = "text"
    COUNT = "count"
    MINUTES = "minutes"
    PERCENT = "percent"


@dataclass(frozen=True)
class Column:
    """A column: its Vietnamese heading and the kind of its values."""

    title: str
    kind: Kind = Kind.COUNT


@dataclass(frozen=True)
class Table:
    """A titled table; `sheet` is its spreadsheet tab name (at most 31 characters)."""

    key: str
    sheet: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    note: str = ""
    total: tuple[Value, ...] | None = None


def minutes(seconds: float | None) -> float | None:
    """Return seconds as minutes rounded to a tenth, or None."""
    return None if seconds is None else round(seconds / 60.0, 1)


def round1(value: float | None) -> float | None:
    """Return a percentage rounded to a tenth, or None."""
    return None if value is None else round(value, 1)
