"""Form sets: each circular's numbering, and a dossier keeping the set in force at receipt."""

from __future__ import annotations

from datetime import date

import pytest

from shared.domain.errors import InvalidInput
from shared.domain.form_sets import (
    TT01_2018,
    TT03_2025,
    FormKind,
    form_for,
    form_set_by_id,
    form_set_for_dossier,
    parse_form_choice,
)


def test_tt03_2025_numbers_seven_forms_with_the_stop_notice_fifth() -> None:
    numbers = {f.number: (f.kind, f.title) for f in TT03_2025.forms}
    assert list(numbers) == ["01", "02", "03", "04", "05", "06", "07"]
    assert numbers["04"] == (
        FormKind.APOLOGY,
        "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
    )
    assert numbers["05"] == (FormKind.STOP_NOTICE, "Thông báo dừng giải quyết hồ sơ")
    assert numbers["06"][0] is FormKind.CONTROL_SHEET
    assert numbers["07"] == (FormKind.REGISTER, "Sổ theo dõi hồ sơ")


def test_tt01_2018_numbers_six_forms_and_the_control_sheet_fifth() -> None:
    assert [f.number for f in TT01_2018.forms] == ["01", "02", "03", "04", "05", "06"]
    assert TT01_2018.by_number("5").kind is FormKind.CONTROL_SHEET
    apology = TT01_2018.find(FormKind.APOLOGY)
    assert apology is not None
    assert apology.title == "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
    assert TT01_2018.find(FormKind.STOP_NOTICE) is None


def test_the_control_sheet_is_mau_06_now_and_was_mau_05() -> None:
    control_now = TT03_2025.find(FormKind.CONTROL_SHEET)
    control_then = TT01_2018.find(FormKind.CONTROL_SHEET)
    assert control_now is not None and control_now.label == "Mẫu số 06"
    assert control_then is not None and control_then.label == "Mẫu số 05"


def test_a_dossier_keeps_the_set_in_force_on_its_receipt_date() -> None:
    day_before = TT03_2025.effective.replace(day=TT03_2025.effective.day - 1)
    assert form_set_for_dossier(day_before) is TT01_2018
    assert form_set_for_dossier(TT03_2025.effective) is TT03_2025
    assert form_set_for_dossier(date(2026, 11, 23)) is TT03_2025
    assert form_set_for_dossier(date(2015, 1, 1)) is TT01_2018  # before any: the oldest


def test_a_rule_version_naming_a_set_wins_over_the_date() -> None:
    assert form_set_for_dossier(date(2026, 11, 23), "tt01-2018") is TT01_2018
    assert form_set_for_dossier(date(2025, 1, 2), "TT03-2025") is TT03_2025
    assert form_set_for_dossier(date(2025, 1, 2), "2025-07") is TT01_2018  # a deadline rule


def test_an_old_dossier_stopped_today_gets_todays_stop_notice() -> None:
    spec = form_for(FormKind.STOP_NOTICE, TT01_2018, date(2026, 11, 23))
    assert spec.label == "Mẫu số 05" and spec.title == "Thông báo dừng giải quyết hồ sơ"
    assert form_for(FormKind.CONTROL_SHEET, TT01_2018, date(2026, 11, 23)).number == "05"


def test_form_choices_read_numbers_of_the_set_and_the_old_names() -> None:
    assert parse_form_choice("06", TT03_2025) is FormKind.CONTROL_SHEET
    assert parse_form_choice("form-05", TT03_2025) is FormKind.STOP_NOTICE
    assert parse_form_choice("05", TT01_2018) is FormKind.CONTROL_SHEET
    assert parse_form_choice("control", TT03_2025) is FormKind.CONTROL_SHEET
    assert parse_form_choice("slip", TT01_2018) is FormKind.RECEIPT
    with pytest.raises(InvalidInput):
        parse_form_choice("07", TT01_2018)
    with pytest.raises(InvalidInput):
        parse_form_choice("receipt-please", TT03_2025)
    with pytest.raises(InvalidInput):
        form_set_by_id("tt99-2030")
