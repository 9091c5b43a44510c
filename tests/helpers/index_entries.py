"""Index entries and lookups built by hand, as a branch would send them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from shared.domain.dossiers import STATUS_LABELS, TIMELINESS_LABELS, DossierStatus, Timeliness
from shared.domain.second_factor import key_id, phone_hash, token_hash
from shared.messaging.dossier_views import DossierPublic
from shared.messaging.index import IndexEntry, IndexLookup

KEY = b"the-province-index-key-for-tests-0123456789"
RECEIVED = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # Monday 09:00 in Hà Nội


def view(
    code: str,
    site: str = "hcc-a",
    status: DossierStatus = DossierStatus.RECEIVED,
    legal_due: date = date(2026, 12, 16),
    **changes: Any,
) -> DossierPublic:
    """A public view of a dossier (the masked name only)."""
    timeliness = Timeliness.WITHIN
    fields: dict[str, Any] = {
        "site_id": site,
        "code": code,
        "procedure_code": "2.000200",
        "procedure_name": "Cấp Căn cước",
        "citizen_masked": "Nguyễn V** A**",
        "status": status,
        "status_label": STATUS_LABELS[status],
        "channel": 1,
        "received_at": RECEIVED,
        "legal_due": legal_due,
        "due": legal_due,
        "due_at": datetime(legal_due.year, legal_due.month, legal_due.day, 9, 30, tzinfo=UTC),
        "timeliness": timeliness,
        "timeliness_label": TIMELINESS_LABELS[timeliness],
        "return_place": "Quầy trả kết quả",
        "steps": [],
        "ready": status is DossierStatus.DONE,
        "site_name": f"Chi nhánh {site}",
    }
    fields.update(changes)
    return DossierPublic.model_validate(fields)


def entry(
    code: str,
    version: int,
    site: str = "hcc-a",
    token: str = "K7M2Q9XD",
    phone_digits: str | None = "5678",
    status: DossierStatus = DossierStatus.RECEIVED,
    **view_changes: Any,
) -> IndexEntry:
    """An index entry of `code` at `version`."""
    legal_due = view_changes.pop("legal_due", date(2026, 12, 16))
    return IndexEntry(
        site_id=site,
        site_name=f"Chi nhánh {site}",
        code=code,
        version=version,
        key_id=key_id(KEY),
        token_hash=token_hash(KEY, token),
        phone_hash=phone_hash(KEY, code, phone_digits) if phone_digits else None,
        view=view(code, site, status, legal_due, **view_changes),
        due_soon_from=legal_due - timedelta(days=1),
        timezone="Asia/Ho_Chi_Minh",
        paused=False,
        at=RECEIVED + timedelta(minutes=version),
    )


def lookup(
    code: str | None = None,
    token: str | None = None,
    digits: str | None = None,
    trusted: bool = False,
    device: str = "kiosk-1",
    request_id: str = "r-1",
) -> IndexLookup:
    """A lookup as a branch sends it: hashes only."""
    return IndexLookup(
        request_id=request_id,
        device=device,
        key_id=key_id(KEY),
        code=code,
        token_hash=token_hash(KEY, token) if token else None,
        phone_hash=phone_hash(KEY, code, digits) if code and digits else None,
        trusted=trusted,
    )
