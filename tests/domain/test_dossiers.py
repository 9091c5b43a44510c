"""Dossier lifecycle: statuses, pauses that move the due date, one reschedule, masking."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from shared.domain import dossiers as d
from shared.domain.deadlines import DeadlineRule, WorkingCalendar, snapshot
from shared.domain.dossier_codes import TOKEN_ALPHABET, DossierCodePattern, new_token
from shared.domain.dossiers import DossierStatus, StepKind, Timeliness
from shared.domain.errors import InvalidInput, InvalidTransition

RULES = snapshot(WorkingCalendar(), DeadlineRule())


def local(text: str) -> datetime:
    """A Hà Nội local time as an aware UTC instant."""
    return (datetime.fromisoformat(text) - timedelta(hours=7)).replace(tzinfo=UTC)


def received(at: str = "2026-12-07 09:00", days: int = 5) -> d.Dossier:
    return d.receive(
        code="000.00.17.H99-261207-0001",
        token="K7M2Q9XD",
        site_id="hcc-demo",
        procedure_code="2.000200",
        procedure_name="Cấp thẻ căn cước",
        department="cong-an",
        channel=d.Channel.IN_PERSON,
        citizen=d.Citizen("Nguyễn Văn An", "001090000001", "Số 1 Trần Hưng Đạo", "0912345678"),
        documents=(d.ReceivedDocument("Tờ khai", "Bản chính", 1),),
        sets=1,
        legal_days=days,
        at=local(at),
        officer="cb01",
        rules=RULES,
    )


def test_receipt_sets_status_2_and_the_legal_due_date() -> None:
    dossier = received("2026-12-07 09:00", 5)  # Monday 7/12 → Monday 14/12
    assert dossier.status is DossierStatus.RECEIVED
    assert dossier.legal_due == date(2026, 12, 14)
    assert dossier.steps[0].kind is StepKind.RECEIVED


def test_receipt_after_the_cutoff_counts_from_the_next_working_day() -> None:
    assert received("2026-12-11 15:30", 1).legal_due == date(2026, 12, 15)  # Fri 11/12 → Tue 15/12


def test_same_day_procedure_is_due_on_the_receipt_day() -> None:
    assert received("2026-12-08 10:00", 0).legal_due == date(2026, 12, 8)


def test_full_path_to_returned() -> None:
    dossier = received()
    dossier = d.handover(
        dossier, local("2026-12-07 10:00"), "cb01", "cv02", "Một cửa", "Phòng CS QLHC", ""
    )
    assert dossier.status is DossierStatus.PROCESSING
    dossier = d.mark_done(dossier, local("2026-12-10 10:00"), "cv02")
    assert dossier.status is DossierStatus.DONE
    assert d.timeliness(dossier, local("2026-12-11 10:00")) is Timeliness.EARLY
    dossier = d.mark_returned(dossier, local("2026-12-11 10:00"), "cb05")
    assert dossier.status is DossierStatus.RETURNED
    assert [s.kind for s in dossier.steps] == [
        StepKind.RECEIVED,
        StepKind.HANDOVER,
        StepKind.DONE,
        StepKind.RETURNED,
    ]


def test_illegal_transitions_are_refused_with_a_message() -> None:
    dossier = received()
    with pytest.raises(InvalidTransition, match="trả kết quả"):
        d.mark_returned(dossier, local("2026-12-08 09:00"), "cb01")
    with pytest.raises(InvalidTransition, match="nhận bổ sung"):
        d.resume_processing(dossier, local("2026-12-08 09:00"), "cb01")
    done = d.mark_done(dossier, local("2026-12-08 09:00"), "cb01")
    with pytest.raises(InvalidTransition):
        d.refuse(done, local("2026-12-08 10:00"), "cb01", "thiếu giấy tờ")
    with pytest.raises(InvalidTransition):
        d.request_supplement(done, local("2026-12-08 10:00"), "cb01", "thiếu giấy tờ")


def test_a_step_cannot_go_back_in_time() -> None:
    with pytest.raises(InvalidInput):
        d.mark_done(received("2026-12-07 09:00"), local("2026-12-07 08:00"), "cb01")


def test_supplement_pause_moves_the_legal_due_date() -> None:
    dossier = received("2026-12-07 09:00", 5)  # due Mon 14/12
    dossier = d.request_supplement(dossier, local("2026-12-08 09:00"), "cb01", "thiếu ảnh")
    assert dossier.status is DossierStatus.SUPPLEMENT_REQUESTED
    assert d.timeliness(dossier, local("2026-12-09 09:00")) is Timeliness.PAUSED
    dossier = d.resume_processing(dossier, local("2026-12-10 09:00"), "cb01")
    # Tue 8, Wed 9 and Thu 10 were paused → three working days more: Thu 17/12.
    assert dossier.legal_due == date(2026, 12, 17)
    assert dossier.status is DossierStatus.PROCESSING
    assert dossier.pauses[0].end == local("2026-12-10 09:00")


def test_refusal_before_processing_is_not_received_after_is_stopped() -> None:
    refused = d.refuse(received(), local("2026-12-07 10:00"), "cb01", "Sai thủ tục")
    assert refused.status is DossierStatus.NOT_RECEIVED
    handed = d.handover(received(), local("2026-12-07 10:00"), "cb01", "", "A", "B", "")
    stopped = d.refuse(handed, local("2026-12-08 10:00"), "cv", "Không đủ điều kiện")
    assert stopped.status is DossierStatus.STOPPED
    with pytest.raises(InvalidInput):
        d.refuse(received(), local("2026-12-07 10:00"), "cb01", "  ")


def test_reschedule_only_once_and_to_a_later_working_day() -> None:
    dossier = received("2026-12-07 09:00", 5)
    with pytest.raises(InvalidInput, match="sau ngày hẹn cũ"):
        d.reschedule(dossier, local("2026-12-11 09:00"), "cb01", "Chờ xác minh", date(2026, 12, 14))
    with pytest.raises(InvalidInput, match="không phải ngày làm việc"):
        d.reschedule(dossier, local("2026-12-11 09:00"), "cb01", "Chờ xác minh", date(2026, 12, 19))
    moved = d.reschedule(
        dossier, local("2026-12-11 09:00"), "cb01", "Chờ xác minh", date(2026, 12, 18)
    )
    assert moved.due == date(2026, 12, 18)
    assert moved.legal_due == date(2026, 12, 14)
    assert moved.steps[-1].kind is StepKind.RESCHEDULED
    with pytest.raises(InvalidTransition, match="một lần"):
        d.reschedule(moved, local("2026-12-12 09:00"), "cb01", "Lần nữa", date(2026, 12, 22))
    # On-time figures compare with the legal date: a rescheduled dossier is still late.
    done = d.mark_done(moved, local("2026-12-17 09:00"), "cb01")
    assert d.timeliness(done, local("2026-12-17 10:00")) is Timeliness.LATE


def test_timeliness_of_open_dossiers() -> None:
    dossier = received("2026-12-07 09:00", 5)  # due Mon 14/12
    assert d.timeliness(dossier, local("2026-12-08 09:00")) is Timeliness.WITHIN
    # Friday 11/12: the next working day is the due date → due soon.
    assert d.timeliness(dossier, local("2026-12-11 09:00")) is Timeliness.DUE_SOON
    assert d.timeliness(dossier, local("2026-12-15 09:00")) is Timeliness.OVERDUE
    finished_on_due = d.mark_done(dossier, local("2026-12-14 16:00"), "cb01")
    assert d.timeliness(finished_on_due, local("2026-12-15 09:00")) is Timeliness.ON_TIME


def test_sync_status_from_an_external_system() -> None:
    dossier = received()
    paused = d.sync_status(
        dossier, DossierStatus.SUPPLEMENT_REQUESTED, local("2026-12-08 09:00"), "x"
    )
    assert paused.open_pause is not None
    assert (
        d.sync_status(paused, DossierStatus.SUPPLEMENT_REQUESTED, local("2026-12-08 10:00"), "x")
        is paused
    )
    resumed = d.sync_status(paused, DossierStatus.PROCESSING, local("2026-12-09 09:00"), "x")
    assert resumed.open_pause is None and resumed.legal_due > dossier.legal_due
    returned = d.sync_status(resumed, DossierStatus.RETURNED, local("2026-12-14 09:00"), "x")
    assert returned.finished_at == returned.returned_at == local("2026-12-14 09:00")
    with pytest.raises(InvalidTransition):
        d.sync_status(returned, DossierStatus.PROCESSING, local("2026-12-15 09:00"), "x")


def test_step_timing_for_the_control_sheet() -> None:
    dossier = received("2026-12-07 09:00", 5)
    early = replace(dossier.steps[0], at=local("2026-12-08 09:00"))
    late = replace(dossier.steps[0], at=local("2026-12-15 09:00"))
    assert d.step_timing(dossier, early) == "Trước hạn"
    assert d.step_timing(dossier, late) == "Quá hạn"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Nguyễn Văn An", "Nguyễn V** A**"),
        ("Lê Thị Bích Ngọc", "Lê T** B** N**"),
        ("Hoa", "Hoa"),
        ("  ", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert d.mask_name(name) == masked


def test_code_pattern_formats_and_parses() -> None:
    pattern = DossierCodePattern()
    code = pattern.format("000.00.17.H12", date(2025, 7, 1), 1)
    assert code == "000.00.17.H12-250701-0001"
    import re

    assert re.fullmatch(pattern.regex(), code)
    custom = DossierCodePattern("HS{yyyymmdd}{seq:05d}")
    assert custom.format("x", date(2026, 11, 23), 42) == "HS2026112300042"
    with pytest.raises(InvalidInput):
        DossierCodePattern("{agency}-{yymmdd}")
    with pytest.raises(InvalidInput):
        DossierCodePattern("{agency}/{seq:04d}")


def test_tokens_avoid_look_alike_characters() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    assert all(len(t) == 8 and set(t) <= set(TOKEN_ALPHABET) for t in tokens)
    assert not set("IO01") & set(TOKEN_ALPHABET)
