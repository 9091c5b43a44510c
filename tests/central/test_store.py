"""The central index's rows: upserts ordered by version and idempotent; lookups' second factor."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from central import answers, store
from central.store import Stored
from shared.domain.dossiers import DossierStatus
from shared.domain.second_factor import LookupGuard, LookupPolicy
from shared.messaging.index import IndexAnswer, IndexEntry
from shared.storage.index_tables import CentralDossierRow, CentralSiteRow
from tests.helpers.index_entries import entry, lookup

NOW = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
CODE = "000.00.17.H97-261207-0001"


def put(sessions: sessionmaker[Session], item: IndexEntry) -> Stored:
    with sessions.begin() as session:
        store.note_site(session, item, f"motcua/v1/{item.site_id}", NOW)
        return store.upsert(session, item, NOW)


def stored_version(sessions: sessionmaker[Session], code: str = CODE) -> int | None:
    with sessions() as session:
        return store.version_of(session, code)


def test_a_newer_version_replaces_an_older_one_never_the_reverse(
    central_sessions: sessionmaker[Session],
) -> None:
    assert put(central_sessions, entry(CODE, 1)) is Stored.NEW
    assert put(central_sessions, entry(CODE, 3, status=DossierStatus.PROCESSING)) is Stored.NEWER
    # Version 2 arrives late (a resend after the newer one): it changes nothing.
    assert put(central_sessions, entry(CODE, 2)) is Stored.KNOWN
    assert stored_version(central_sessions) == 3
    with central_sessions() as session:
        found = store.by_code(session, CODE)
    assert found is not None
    assert IndexEntry.model_validate_json(found.entry).view.status is DossierStatus.PROCESSING


def test_the_same_entry_twice_is_stored_once_and_acknowledged_again(
    central_sessions: sessionmaker[Session],
) -> None:
    first = entry(CODE, 1)
    assert put(central_sessions, first) is Stored.NEW
    assert put(central_sessions, first) is Stored.KNOWN
    assert Stored.KNOWN.acknowledged
    with central_sessions() as session:
        rows = session.scalar(select(func.count()).select_from(CentralDossierRow))
        sites = session.scalars(select(CentralSiteRow)).all()
    assert rows == 1
    assert [(s.site_id, s.name, s.base) for s in sites] == [
        ("hcc-a", "Chi nhánh hcc-a", "motcua/v1/hcc-a")
    ]


def test_a_code_another_branch_holds_is_refused_and_not_acknowledged(
    central_sessions: sessionmaker[Session],
) -> None:
    put(central_sessions, entry(CODE, 1, site="hcc-a"))
    clash = put(central_sessions, entry(CODE, 5, site="hcc-b"))
    assert clash is Stored.CONFLICT and not clash.acknowledged
    with central_sessions() as session:
        found = store.by_code(session, CODE)
    assert found is not None and (found.site_id, found.version) == ("hcc-a", 1)


def test_many_versions_in_any_order_leave_the_newest(
    central_sessions: sessionmaker[Session],
) -> None:
    for version in (4, 1, 7, 2, 7, 6, 3, 5):
        put(central_sessions, entry(CODE, version))
    assert stored_version(central_sessions) == 7


def test_a_token_finds_the_dossier_and_a_code_needs_the_phone_digits(
    central_sessions: sessionmaker[Session],
) -> None:
    put(central_sessions, entry(CODE, 1, token="K7M2Q9XD", phone_digits="5678"))
    guard = LookupGuard(LookupPolicy(failures=3, window_seconds=600))
    with central_sessions() as session:

        def ask(**fields: Any) -> IndexAnswer:
            return answers.answer(session, lookup(**fields), "hcc-b", guard, NOW)

        by_token = ask(token="K7M2Q9XD")
        assert by_token.dossier is not None and by_token.dossier.site_name == "Chi nhánh hcc-a"
        assert ask(code=CODE, token="K7M2Q9XD").dossier is not None  # a slip's QR
        bare = ask(code=CODE)
        assert bare.error is not None and bare.error.code == "second_factor_required"
        assert ask(code=CODE, digits="5678").dossier is not None
        assert ask(code=CODE, trusted=True).dossier is not None  # a counter with an officer
        wrong = ask(code=CODE, digits="0000")
        assert wrong.error is not None and wrong.error.code == "not_found"
        assert ask(token="ZZZZZZZZ").error is not None
        # Three failures from this kiosk of hcc-b: it must wait, even with the right digits.
        assert ask(code="000.00.17.H97-261207-0999", digits="1234").dossier is None
        locked = ask(code=CODE, digits="5678")
        assert locked.error is not None and locked.error.code == "locked_out"
        assert locked.error.retry_after is not None and locked.error.retry_after > 0
        # Another kiosk of the same branch is not held back.
        other = answers.answer(
            session, lookup(code=CODE, digits="5678", device="kiosk-2"), "hcc-b", guard, NOW
        )
        assert other.dossier is not None


def test_an_open_dossier_ages_at_central_a_finished_one_does_not() -> None:
    due = date(2026, 12, 16)
    open_one = entry(CODE, 1, legal_due=due)
    assert answers.current_view(open_one, NOW).timeliness == "within"
    on_the_eve = datetime(2026, 12, 15, 3, 0, tzinfo=UTC)
    assert answers.current_view(open_one, on_the_eve).timeliness == "due_soon"
    after = datetime(2026, 12, 17, 3, 0, tzinfo=UTC)
    assert answers.current_view(open_one, after).timeliness == "overdue"
    done = entry(CODE, 2, status=DossierStatus.DONE, timeliness="early", legal_due=due)
    assert answers.current_view(done, after + timedelta(days=30)).timeliness == "early"


def test_a_token_two_branches_gave_finds_nothing_without_its_code(
    central_sessions: sessionmaker[Session],
) -> None:
    """Tokens are unique per branch only: a bare token must not show another citizen's dossier."""
    other = "000.00.17.H98-261207-0001"
    put(central_sessions, entry(CODE, 1, site="hcc-a", token="K7M2Q9XD"))
    put(central_sessions, entry(other, 1, site="hcc-b", token="K7M2Q9XD"))
    guard = LookupGuard()
    with central_sessions() as session:
        alone = answers.answer(session, lookup(token="K7M2Q9XD"), "hcc-c", guard, NOW)
        assert alone.dossier is None
        with_code = answers.answer(
            session, lookup(code=other, token="K7M2Q9XD"), "hcc-c", guard, NOW
        )
        assert with_code.dossier is not None and with_code.dossier.code == other
