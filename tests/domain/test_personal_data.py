"""Personal-data rules: retention cut-offs, keyed ID hashes, redaction of logged payloads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.config.privacy import PrivacyConfig
from shared.domain.errors import InvalidInput
from shared.domain.personal_data import (
    PURPOSE_NOTICE,
    REDACTED,
    SLIP_PRIVACY_FOOTER,
    DataClass,
    Retention,
    id_number_hash,
    redact,
)

NOW = datetime(2027, 6, 1, 2, 0, tzinfo=UTC)
KEY = b"k" * 32


def test_each_class_has_its_period_and_zero_keeps_it() -> None:
    retention = PrivacyConfig(dossier_contact_days=30, access_log_days=0).retention()
    assert retention.cutoff(DataClass.DOSSIER_CONTACT, NOW) == NOW - timedelta(days=30)
    assert retention.cutoff(DataClass.ACCESS_LOG, NOW) is None
    assert Retention().days(DataClass.TICKET_LINKS) == 90
    assert all(Retention().days(c) > 0 for c in DataClass), "every class has a default period"


def test_id_hash_is_keyed_and_ignores_spacing() -> None:
    digest = id_number_hash("000000000011", KEY)
    assert len(digest) == 64 and "000000000011" not in digest
    assert id_number_hash(" 0000 0000 0011 ", KEY) == digest
    assert id_number_hash("000000000011", b"x" * 32) != digest, "another site, another hash"
    with pytest.raises(InvalidInput):
        id_number_hash("", KEY)
    with pytest.raises(InvalidInput):
        id_number_hash("000000000011", b"short")


def test_redaction_removes_citizen_details_and_keeps_the_rest() -> None:
    payload = {
        "type": "receive_dossier",
        "procedure": "2.000200",
        "citizen": {"name": "Nguyễn Văn Thử", "id_number": "000000000011"},
        "result": {"dossier": {"code": "X-1", "phone": "0900000011", "email": ""}},
    }
    clean = redact(payload)
    assert clean == {
        "type": "receive_dossier",
        "procedure": "2.000200",
        "citizen": REDACTED,
        "result": {"dossier": {"code": "X-1", "phone": REDACTED, "email": ""}},
    }
    assert redact(clean) == clean, "redacting twice changes nothing"


def test_notices_name_the_law_in_vietnamese() -> None:
    for text in (PURPOSE_NOTICE, SLIP_PRIVACY_FOOTER):
        assert "91/2025/QH15" in text and "xóa" in text
