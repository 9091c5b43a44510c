from __future__ import annotations

import pytest

from display.speech import check_template, make_announcement, spell


@pytest.mark.parametrize(
    ("code", "shown", "spoken"),
    [
        ("A012", "A, không, một, hai", "a, không, một, hai"),
        ("1023", "một, không, hai, ba", "một, không, hai, ba"),
        ("B100", "B, một, không, không", "bê, một, không, không"),
        ("đ-07", "Đ, không, bảy", "đê, không, bảy"),
    ],
)
def test_numbers_and_letters_are_read_one_by_one(code: str, shown: str, spoken: str) -> None:
    assert spell(code) == shown
    assert spell(code, letter_names=True) == spoken


def test_default_template_reads_number_and_counter() -> None:
    item = make_announcement("C005", "12", "recalled")
    assert item.text == "Xin mời công dân có số thứ tự C, không, không, năm, đến quầy số một, hai"
    assert item.speech.startswith("Xin mời công dân có số thứ tự xê, không, không, năm")
    assert item.kind == "recalled"


def test_template_is_configurable_and_checked() -> None:
    item = make_announcement("A001", "3", template="Kính mời số {number} đến quầy {counter}")
    assert item.text == "Kính mời số A, không, không, một đến quầy ba"
    with pytest.raises(ValueError):
        check_template("Mời {ticket}")
