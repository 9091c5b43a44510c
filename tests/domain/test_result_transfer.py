"""A ready result sent to another branch: the transfer, its arrival there, its return there."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.domain import dossiers as d
from shared.domain.dossiers import DossierStatus, StepKind
from shared.domain.errors import InvalidInput, InvalidTransition
from tests.domain.test_dossiers import local, received

B, B_NAME = "hcc-b", "Chi nhánh Quận Hai"


def ready() -> d.Dossier:
    dossier = received()
    return d.mark_done(dossier, local("2026-12-09 10:00"), "cb01")


def sent() -> d.Dossier:
    return d.transfer_result(ready(), local("2026-12-09 11:00"), "cb01", B, B_NAME, "Xin nhận ở B")


def test_transfer_logs_who_sent_it_where_and_keeps_the_result_ready() -> None:
    dossier = sent()
    step = dossier.steps[-1]
    assert (step.kind, step.actor, step.to_unit, step.receiver) == (
        StepKind.RESULT_SENT,
        "cb01",
        B_NAME,
        B,
    )
    assert step.note == "Xin nhận ở B"
    assert dossier.status is DossierStatus.DONE
    assert (dossier.result_site_id, dossier.result_site_name) == (B, B_NAME)
    assert dossier.result_arrived_at is None


def test_only_a_ready_result_goes_once_and_never_to_its_own_branch() -> None:
    with pytest.raises(InvalidTransition, match="chuyển kết quả"):
        d.transfer_result(received(), local("2026-12-09 11:00"), "cb01", B, B_NAME)
    with pytest.raises(InvalidTransition, match="đã chuyển đến Chi nhánh Quận Hai"):
        d.transfer_result(sent(), local("2026-12-09 12:00"), "cb01", "hcc-c", "C")
    own = ready().site_id
    with pytest.raises(InvalidInput):
        d.transfer_result(ready(), local("2026-12-09 11:00"), "cb01", own, "Ở đây")


def test_the_sending_branch_no_longer_returns_it() -> None:
    with pytest.raises(InvalidTransition, match="chi nhánh đó trả kết quả"):
        d.mark_returned(sent(), local("2026-12-09 12:00"), "cb01")


def test_arrival_then_return_at_the_other_branch_each_logged_once() -> None:
    at = local("2026-12-10 08:30")
    arrived = d.result_arrived(sent(), at, B, "cb09 (Chi nhánh Quận Hai)")
    assert arrived.steps[-1].kind is StepKind.RESULT_ARRIVED
    assert arrived.result_arrived_at == at and arrived.status is DossierStatus.DONE
    assert d.result_arrived(arrived, at + timedelta(minutes=5), B, "x") is arrived
    returned = d.returned_at_branch(arrived, at + timedelta(hours=2), B, "cb09 (Quận Hai)")
    assert returned.status is DossierStatus.RETURNED
    assert returned.returned_at == at + timedelta(hours=2)
    assert returned.steps[-1].note == "Trả tại Chi nhánh Quận Hai"
    assert d.returned_at_branch(returned, at + timedelta(hours=3), B, "x") is returned
    # A late arrival notice after the return changes nothing either.
    assert d.result_arrived(returned, at + timedelta(hours=4), B, "x") is returned


def test_return_reported_before_arrival_counts_as_both() -> None:
    at = local("2026-12-10 09:00")
    returned = d.returned_at_branch(sent(), at, B, "cb09")
    assert returned.result_arrived_at == at and returned.status is DossierStatus.RETURNED


def test_news_from_a_branch_the_result_was_not_sent_to_is_refused() -> None:
    with pytest.raises(InvalidTransition):
        d.result_arrived(sent(), local("2026-12-10 09:00"), "hcc-c", "cb09")
    with pytest.raises(InvalidTransition):
        d.returned_at_branch(ready(), local("2026-12-10 09:00"), B, "cb09")


def test_another_branch_clock_behind_never_logs_before_the_last_step() -> None:
    dossier = sent()
    early = dossier.steps[-1].at - timedelta(minutes=3)
    arrived = d.result_arrived(dossier, early, B, "cb09")
    assert arrived.steps[-1].at == dossier.steps[-1].at
