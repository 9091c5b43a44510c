"""The stored catalogue on SQLite and PostgreSQL: idempotent import, deactivation, search in SQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.errors import InvalidInput
from shared.domain.procedures import Procedure, RequiredDocument
from shared.storage.catalogue import CatalogueRepository, ImportCounts
from shared.storage.dossier_tables import ProcedureRow

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
EXTRACT = Procedure(
    "2.000635",
    "Cấp bản sao trích lục hộ tịch",
    "Hộ tịch",
    "tu-phap",
    0,
    "8.000 đồng",
    (RequiredDocument("Tờ khai"), RequiredDocument("Giấy tờ tùy thân", "Bản sao", 2)),
    "Quầy 7",
    "ho-tich",
)
COPY = Procedure("2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", "tu-phap", 0)
CARD = Procedure("2.000200", "CẤP THẺ CĂN CƯỚC", "Căn cước", "cong-an", 7, service="can-cuoc")
MARRIAGE = Procedure("2.000554", "Ghi chú kết hôn", "HỘ TỊCH", "tu-phap", 5)
ODD = Procedure("X_1", "Thủ tục 100% thử", "Khác", "noi-vu", 1)


def load(
    sessions: sessionmaker[Session], procedures: list[Procedure], at: datetime = T0
) -> ImportCounts:
    with sessions.begin() as session:
        return CatalogueRepository(session, "s").replace_all(procedures, at)


def codes(procedures: list[Procedure]) -> list[str]:
    return [p.code for p in procedures]


def test_import_round_trips_every_field(sessions: sessionmaker[Session]) -> None:
    assert load(sessions, [EXTRACT, COPY, CARD]) == ImportCounts(added=3)
    with sessions() as session:
        repo = CatalogueRepository(session, "s")
        assert repo.get("2.000635") == EXTRACT
        assert repo.get("missing") is None
        assert CatalogueRepository(session, "other-site").active() == []
        assert codes(repo.active()) == ["2.000200", "2.000815", "2.000635"]


def test_re_import_is_idempotent_and_counts_changes(sessions: sessionmaker[Session]) -> None:
    load(sessions, [EXTRACT, COPY, CARD])
    assert load(sessions, [EXTRACT, COPY, CARD]) == ImportCounts(unchanged=3)
    cheaper = replace(EXTRACT, fee="5.000 đồng")
    later = T0 + timedelta(days=1)
    assert load(sessions, [cheaper, COPY, MARRIAGE], later) == ImportCounts(
        added=1, updated=1, deactivated=1, unchanged=1
    )
    with sessions() as session:
        repo = CatalogueRepository(session, "s")
        assert codes(repo.active()) == ["2.000815", "2.000635", "2.000554"]
        assert repo.get("2.000635") == cheaper
        assert repo.get("2.000200") is None
        assert repo.get("2.000200", include_inactive=True) == CARD
        times = dict(session.execute(select(ProcedureRow.code, ProcedureRow.updated_at)).all())
        assert times == {"2.000635": later, "2.000815": T0, "2.000200": later, "2.000554": later}


def test_a_deactivated_procedure_comes_back_when_listed_again(
    sessions: sessionmaker[Session],
) -> None:
    load(sessions, [EXTRACT, CARD])
    assert load(sessions, [EXTRACT]) == ImportCounts(deactivated=1, unchanged=1)
    assert load(sessions, [EXTRACT]) == ImportCounts(unchanged=1)
    assert load(sessions, [EXTRACT, CARD]) == ImportCounts(updated=1, unchanged=1)
    with sessions() as session:
        assert CatalogueRepository(session, "s").get("2.000200") == CARD


def test_duplicate_codes_are_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(InvalidInput):
        load(sessions, [EXTRACT, replace(EXTRACT, name="Khác")])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ho tich", ["2.000635", "2.000554"]),
        ("HỘ TỊCH", ["2.000635", "2.000554"]),
        ("hộ tịch trích lục", ["2.000635"]),
        ("can cuoc", ["2.000200"]),
        ("2.000815", ["2.000815"]),
        ("000 2", ["2.000200", "2.000815", "2.000635", "2.000554"]),
        ("100%", ["X_1"]),
        ("x_", ["X_1"]),
        ("0_", []),
        ("", ["2.000200", "X_1", "2.000815", "2.000635", "2.000554"]),
        ("đăng ký kết hôn", []),
    ],
)
def test_search_ignores_diacritics_and_case_and_runs_in_sql(
    sessions: sessionmaker[Session], query: str, expected: list[str]
) -> None:
    load(sessions, [EXTRACT, COPY, CARD, MARRIAGE, ODD])
    with sessions() as session:
        assert codes(CatalogueRepository(session, "s").search(query)) == expected


def test_search_by_department_skips_inactive_procedures(sessions: sessionmaker[Session]) -> None:
    load(sessions, [EXTRACT, COPY, CARD, MARRIAGE])
    load(sessions, [EXTRACT, COPY, CARD])
    with sessions() as session:
        repo = CatalogueRepository(session, "s")
        assert codes(repo.search("ho tich", department="tu-phap")) == ["2.000635"]
        assert codes(repo.search("", department="cong-an")) == ["2.000200"]
        assert repo.search("ho tich", department="cong-an") == []
