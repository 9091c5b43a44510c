"""Citizen ID card QR: parsing, checks with Vietnamese messages, masking, age.

Every ID number here is made up: prefix 099 is no province's code (they run 001–096).
"""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.citizen_id import (
    CitizenId,
    CitizenIdError,
    age_on,
    looks_like_citizen_qr,
    mask_id_number,
    parse_citizen_qr,
)
from shared.domain.errors import DomainError

TODAY = date(2026, 3, 15)
ADDRESS = "Số 1 đường Thử Nghiệm, phường Mẫu, thành phố Cần Thơ"
CARD = f"099090000001|099000001|NGUYỄN VĂN MẪU|01011990|Nam|{ADDRESS}|15042021"


def fields(**changes: str) -> str:
    names = ["id", "old", "name", "birth", "sex", "address", "issued"]
    values = dict(zip(names, CARD.split("|"), strict=True))
    values.update(changes)
    return "|".join(values[name] for name in names)


def error_of(text: str) -> str:
    with pytest.raises(CitizenIdError) as caught:
        parse_citizen_qr(text, TODAY)
    return caught.value.message


def test_a_chip_card_qr_gives_every_field() -> None:
    card = parse_citizen_qr(CARD, TODAY)
    assert card == CitizenId(
        id_number="099090000001",
        old_id_number="099000001",
        full_name="NGUYỄN VĂN MẪU",
        birth_date=date(1990, 1, 1),
        sex="Nam",
        address=ADDRESS,
        issue_date=date(2021, 4, 15),
    )


def test_the_2024_card_may_carry_more_fields_and_empty_ones() -> None:
    text = "099190000002||TRẦN THỊ THỬ|29022000|Nữ||01072024|extra|more|"
    card = parse_citizen_qr(text, TODAY)
    assert (card.id_number, card.old_id_number, card.full_name) == (
        "099190000002",
        "",
        "TRẦN THỊ THỬ",
    )
    assert card.birth_date == date(2000, 2, 29) and card.sex == "Nữ"
    assert card.address == "" and card.issue_date == date(2024, 7, 1)


def test_empty_dates_and_sex_are_kept_empty() -> None:
    card = parse_citizen_qr("099090000001||||||", TODAY)
    assert card.birth_date is None and card.issue_date is None and card.sex == ""
    assert card.age_on(TODAY) is None


def test_text_is_normalised_to_nfc_and_trimmed() -> None:
    decomposed = unicodedata.normalize("NFD", CARD)
    assert decomposed != CARD
    card = parse_citizen_qr(f"  {decomposed}\r\n", TODAY)
    assert card.full_name == "NGUYỄN VĂN MẪU"
    assert unicodedata.is_normalized("NFC", card.address)
    spaced = parse_citizen_qr(fields(name="  NGUYỄN   VĂN  MẪU "), TODAY)
    assert spaced.full_name == "NGUYỄN VĂN MẪU"


def test_sex_is_read_whatever_its_case() -> None:
    assert parse_citizen_qr(fields(sex="NỮ"), TODAY).sex == "Nữ"
    assert parse_citizen_qr(fields(sex="nam"), TODAY).sex == "Nam"


def test_a_keyboard_readers_nu_without_its_mark_is_read_as_female() -> None:
    assert parse_citizen_qr(fields(sex="N"), TODAY).sex == "Nữ"
    assert parse_citizen_qr(fields(sex="Nu"), TODAY).sex == "Nữ"


@pytest.mark.parametrize("prefix", ["001", "096", "099", "000", "123"])
def test_no_province_prefix_is_refused(prefix: str) -> None:
    assert parse_citizen_qr(fields(id=f"{prefix}090000001"), TODAY).id_number.startswith(prefix)


def test_an_old_12_digit_number_is_accepted() -> None:
    assert parse_citizen_qr(fields(old="099090000009"), TODAY).old_id_number == "099090000009"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("099090000001|099000001|NGUYỄN VĂN MẪU", "ít nhất 7 trường"),
        (fields(id=""), "12 chữ số"),
        (fields(id="09909000001"), "12 chữ số"),
        (fields(id="0990900000012"), "12 chữ số"),
        (fields(id="09909000000A"), "12 chữ số"),
        (fields(id="０９９０９００００００１"), "12 chữ số"),  # full-width digits
        (fields(old="12345"), "CMND cũ"),
        (fields(name="12345"), "Họ và tên"),
        (fields(birth="1990-01-01"), "Ngày sinh phải có dạng"),
        (fields(birth="31021990"), "Ngày sinh không phải là một ngày có thật"),
        (fields(birth="29022001"), "Ngày sinh không phải là một ngày có thật"),
        (fields(birth="16032026"), "Ngày sinh ở sau ngày hôm nay"),
        (fields(birth="31121899"), "trước năm 1900"),
        (fields(sex="M"), "Giới tính phải là Nam hoặc Nữ"),
        (fields(issued="1504202"), "Ngày cấp phải có dạng"),
        (fields(issued="16032026"), "Ngày cấp ở sau ngày hôm nay"),
        (fields(issued="31121989"), "Ngày cấp ở trước ngày sinh"),
        (fields(name="NGUYỄN\x00VĂN"), "ký tự điều khiển"),
        ("x" * 2000, "quá dài"),
    ],
)
def test_bad_text_is_refused_with_a_vietnamese_reason(text: str, message: str) -> None:
    assert message in error_of(text)


def test_errors_are_domain_errors_and_never_repeat_the_data() -> None:
    text = fields(birth="31021990")
    with pytest.raises(DomainError) as caught:
        parse_citizen_qr(text, TODAY)
    assert caught.value.code == "invalid_citizen_id"
    for value in text.split("|"):
        assert value not in caught.value.message


def test_born_today_is_fine_and_today_defaults_to_the_computer_date() -> None:
    assert parse_citizen_qr(fields(birth="15032026", issued=""), TODAY).age_on(TODAY) == 0
    assert parse_citizen_qr(CARD).birth_date == date(1990, 1, 1)


def test_repr_and_masked_id_hide_the_person() -> None:
    card = parse_citizen_qr(CARD, TODAY)
    assert card.masked_id() == "********0001"
    assert mask_id_number("123") == "123"
    shown = f"{card!r} {card}"
    for secret in ("099090000001", "099000001", "NGUYỄN", "1990", "Thử Nghiệm"):
        assert secret not in shown


def test_looks_like_a_card_qr() -> None:
    assert looks_like_citizen_qr(CARD)
    assert looks_like_citizen_qr("0990900|||||||")  # shape only: the parser says what is wrong
    assert not looks_like_citizen_qr("MCD1:000.00.17.H12-250701-0001:K7M2Q9XD")
    assert not looks_like_citizen_qr("a|b|c|d|e|f|g")
    assert not looks_like_citizen_qr("099090000001|a|b")


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(1990, 1, 1), date(2026, 1, 1), 36),
        (date(1990, 1, 2), date(2026, 1, 1), 35),
        (date(2000, 2, 29), date(2001, 2, 28), 0),
        (date(2000, 2, 29), date(2001, 3, 1), 1),
        (date(2000, 2, 29), date(2004, 2, 29), 4),
        (date(2026, 3, 15), date(2026, 3, 15), 0),
    ],
)
def test_age_on_a_day(birth: date, day: date, age: int) -> None:
    assert age_on(birth, day) == age


def test_age_before_birth_is_an_error() -> None:
    with pytest.raises(CitizenIdError):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


# Property tests ------------------------------------------------------------------------------

_LETTERS = (
    "AĂÂBCDĐEÊGHIKLMNOÔƠPQRSTUƯVXYÀẢÃÁẠẰẲẴẮẶẦẨẪẤẬÈẺẼÉẸỀỂỄẾỆÌỈĨÍỊÒỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙỦŨÚỤỪỬỮỨỰỲỶỸÝỴ"
)
names = st.lists(
    st.text(_LETTERS + _LETTERS.lower(), min_size=1, max_size=8), min_size=1, max_size=5
)
addresses = st.text(
    st.characters(codec="utf-8", exclude_categories=("C", "Z"), exclude_characters="|"),
    max_size=120,
).map(lambda s: " ".join(unicodedata.normalize("NFC", s).split()))
days = st.dates(min_value=date(1900, 1, 1), max_value=TODAY)


@given(
    id_number=st.from_regex(r"[0-9]{12}", fullmatch=True),
    old=st.sampled_from(["", "099000001", "099090000009"]),
    name=names,
    birth=days,
    sex=st.sampled_from(["Nam", "Nữ", ""]),
    address=addresses,
    issued_after=st.integers(min_value=0, max_value=40_000),
    extras=st.lists(st.text(st.characters(exclude_characters="|"), max_size=10), max_size=4),
)
def test_any_well_formed_card_round_trips(
    id_number: str,
    old: str,
    name: list[str],
    birth: date,
    sex: str,
    address: str,
    issued_after: int,
    extras: list[str],
) -> None:
    issued = min(TODAY, birth + timedelta(days=issued_after))
    full_name = " ".join(name)
    text = "|".join(
        [id_number, old, full_name, f"{birth:%d%m%Y}", sex, address, f"{issued:%d%m%Y}", *extras]
    )
    card = parse_citizen_qr(text, TODAY)
    assert card == CitizenId(id_number, old, full_name, birth, sex, address, issued)
    assert card.age_on(TODAY) == age_on(birth, TODAY) >= 0
    assert parse_citizen_qr(unicodedata.normalize("NFD", text), TODAY) == card


@given(st.text(max_size=300))
def test_any_text_is_a_card_or_a_citizen_id_error(text: str) -> None:
    try:
        card = parse_citizen_qr(text, TODAY)
    except CitizenIdError as exc:
        assert exc.message
    else:
        assert len(card.id_number) == 12 and card.id_number.isdigit()


@given(days, days)
def test_age_never_decreases(first: date, second: date) -> None:
    birth, later = min(first, second), max(first, second)
    assert age_on(birth, later) >= age_on(birth, birth) == 0
    assert age_on(birth, later) <= (later - birth).days // 365
