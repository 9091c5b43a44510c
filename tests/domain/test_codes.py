"""classify(): ticket and slip QR, bare codes, citizen ID cards and other systems' dossier codes.

ID numbers here are made up (prefix 099 is no province's code).
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.config.dossiers import DossiersConfig
from shared.domain.codes import (
    MAX_CARD_SCAN_LENGTH,
    MAX_SCAN_LENGTH,
    CodeKind,
    classify,
    clean_scan,
    dossier_qr,
    foreign_code,
    ticket_qr,
)

TODAY = date(2026, 3, 15)
CARD = "099090000001|099000001|NGUYỄN VĂN MẪU|01011990|Nam|Số 1 đường Thử Nghiệm|15042021"
# Another system of the province: codes of agencies other than ours (000.00.17.H12).
FOREIGN = r"^000\.00\.(?!17\.)\d{2}\.H12-\d{6}-\d{4}$"
IGATE = r"H12\.\d{2}-\d{6}-\d{4}"


def test_the_existing_kinds_are_unchanged() -> None:
    ticket = classify(ticket_qr("hcc-demo", date(2026, 11, 23), "A012"))
    assert (ticket.kind, ticket.number, ticket.service_day) == (
        CodeKind.TICKET,
        "A012",
        date(2026, 11, 23),
    )
    slip = classify(dossier_qr("000.00.17.H12-250701-0001", "K7M2Q9XD"))
    assert (slip.kind, slip.dossier_code, slip.lookup_token) == (
        CodeKind.DOSSIER,
        "000.00.17.H12-250701-0001",
        "K7M2Q9XD",
    )
    assert classify("k7m2q9xd").kind is CodeKind.LOOKUP_TOKEN
    assert classify("hello").kind is CodeKind.UNKNOWN
    assert not classify("hello").recognised


def test_a_citizen_id_card_is_its_own_kind_without_its_payload() -> None:
    code = classify(CARD, today=TODAY)
    assert code.kind is CodeKind.CITIZEN_ID and code.recognised
    assert code.citizen is not None and code.citizen.full_name == "NGUYỄN VĂN MẪU"
    assert code.text == "********0001"
    assert CARD not in repr(code) and "NGUYỄN" not in repr(code)


def test_an_unreadable_card_says_why_and_keeps_nothing() -> None:
    code = classify(CARD.replace("01011990", "31021990"), today=TODAY)
    assert code.kind is CodeKind.CITIZEN_ID and not code.recognised
    assert code.citizen is None and code.text == ""
    assert "Ngày sinh" in code.problem


def test_a_long_card_fits_the_scan_length() -> None:
    address = "Số 123/45 đường Nguyễn Văn Linh, khu phố 4, phường Tân Thuận Tây, " * 3
    card = CARD.replace("Số 1 đường Thử Nghiệm", address.strip(" ,")) + "|thêm|trường"
    assert MAX_SCAN_LENGTH < len(card) < MAX_CARD_SCAN_LENGTH
    code = classify(card, today=TODAY)
    assert code.citizen is not None and code.citizen.issue_date == date(2021, 4, 15)
    assert len(code.text) <= MAX_SCAN_LENGTH


def test_other_scans_are_still_cut_to_the_scan_length() -> None:
    code = classify("x" * 600)
    assert code.kind is CodeKind.UNKNOWN and code.text == "x" * MAX_SCAN_LENGTH


def test_foreign_codes_are_recognised_instead_of_unknown() -> None:
    code = classify("H12.22-250701-0001", r"MC-\d{6}-\d{4}", [IGATE])
    assert code.kind is CodeKind.FOREIGN_DOSSIER and code.recognised
    assert code.dossier_code == "H12.22-250701-0001"
    assert classify("H12.22-250701-0001", r"MC-\d{6}-\d{4}").kind is CodeKind.UNKNOWN


def test_a_foreign_pattern_wins_over_the_generic_own_shape_but_not_over_our_slips() -> None:
    other = "000.00.15.H12-250701-0001"
    assert classify(other).kind is CodeKind.DOSSIER  # no foreign patterns: as before
    assert classify(other, foreign_patterns=[FOREIGN]).kind is CodeKind.FOREIGN_DOSSIER
    ours = "000.00.17.H12-250701-0001"
    assert classify(ours, foreign_patterns=[FOREIGN]).kind is CodeKind.DOSSIER
    slip = dossier_qr(other, "K7M2Q9XD")  # an MCD1 slip is always ours (another branch)
    assert classify(slip, foreign_patterns=[FOREIGN]).kind is CodeKind.DOSSIER


def test_foreign_codes_match_typed_lower_case_and_bad_patterns_match_nothing() -> None:
    assert foreign_code("h12.22-250701-0001", [IGATE]) == "H12.22-250701-0001"
    assert foreign_code("H12.22-250701-0001", ["(unclosed", IGATE]) == "H12.22-250701-0001"
    assert foreign_code("", [IGATE]) == ""
    assert foreign_code("H12.22-250701-0001x", [IGATE]) == ""


@given(st.text(max_size=MAX_CARD_SCAN_LENGTH + 50))
def test_classify_never_fails_and_never_keeps_a_card_payload(text: str) -> None:
    code = classify(text, foreign_patterns=[FOREIGN], today=TODAY)
    if code.kind is CodeKind.CITIZEN_ID:
        assert code.text in ("", code.citizen.masked_id() if code.citizen else "")
    else:
        assert code.text == clean_scan(text)


# The site config's list of foreign patterns ---------------------------------------------------


def test_config_accepts_patterns_of_other_agencies() -> None:
    config = DossiersConfig(agency_code="000.00.17.H12", foreign_code_patterns=[FOREIGN, IGATE])
    assert config.foreign_code_patterns == [FOREIGN, IGATE]
    assert DossiersConfig().foreign_code_patterns == []


@pytest.mark.parametrize(
    ("patterns", "message"),
    [
        (["(unclosed"], "is not a regular expression"),
        ([".*"], "matches an empty scan"),
        ([""], "1 to 200 characters"),
        ([r"^\d{3}\.\d{2}\.\d{2}\.H\d{2}-\d{6}-\d{4}$"], "also matches this site's own"),
        ([f"X{i}" for i in range(21)], "at most 20"),
    ],
)
def test_config_refuses_bad_patterns(patterns: list[str], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        DossiersConfig(agency_code="000.00.17.H12", foreign_code_patterns=patterns)
    assert message in str(caught.value)
