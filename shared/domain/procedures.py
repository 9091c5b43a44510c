"""Administrative procedures (thủ tục hành chính): what a citizen must bring, pay and wait for."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from shared.domain.errors import InvalidInput

SAME_DAY = 0


@dataclass(frozen=True)
class RequiredDocument:
    """One paper a procedure asks for: its name, its form and how many."""

    name: str
    form: str = "Bản chính"
    quantity: int = 1

    def label(self) -> str:
        """Render as 'Tờ khai … (Bản chính: 1)'."""
        return f"{self.name} ({self.form}: {self.quantity})"


@dataclass(frozen=True)
class Procedure:
    """A procedure of the catalogue; `legal_days` 0 means it is settled the same day."""

    code: str
    name: str
    field: str
    department: str
    legal_days: int
    fee: str = "Không thu phí"
    documents: tuple[RequiredDocument, ...] = ()
    return_place: str = "Bộ phận trả kết quả"
    service: str | None = None

    def __post_init__(self) -> None:
        if not self.code.strip() or not self.name.strip():
            raise InvalidInput("Thủ tục phải có mã và tên.")
        if self.legal_days < 0:
            raise InvalidInput(f"Thủ tục {self.code}: số ngày giải quyết không được âm.")

    @property
    def same_day(self) -> bool:
        """Tell whether the procedure is settled on the day of receipt."""
        return self.legal_days == SAME_DAY

    def processing_time(self) -> str:
        """Say how long the procedure takes, in Vietnamese."""
        if self.same_day:
            return "Giải quyết trong ngày"
        return f"{self.legal_days} ngày làm việc"


def fold(text: str) -> str:
    """Fold text for search: no diacritics, 'đ' as 'd', lower case, single spaces."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(plain.lower().split())


def search_text(procedure: Procedure) -> str:
    """Return the folded text a procedure is found by: code, name and field."""
    return fold(f"{procedure.code} {procedure.name} {procedure.field}")


def matches(procedure: Procedure, query: str) -> bool:
    """Tell whether every word of the query occurs in the procedure's folded text."""
    words = fold(query).split()
    haystack = search_text(procedure)
    return all(word in haystack for word in words)


def search(procedures: Iterable[Procedure], query: str) -> list[Procedure]:
    """Return the procedures matching the query, ignoring diacritics and case."""
    return [p for p in procedures if matches(p, query)]
