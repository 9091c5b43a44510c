"""How the central index answers a branch's lookup: second factor, guessing limits, public view.

The rules are the branches' own: a token (hashed), or a code with the hash of the phone's last
4 digits; a code alone only for a trusted asker (a counter with an officer, an external system,
a device that proved the code a moment ago). Failed guesses are counted per branch device.
"""

from __future__ import annotations

import hmac
import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy.orm import Session

from central import store
from shared.domain.dossiers import CLOSED_STATUSES, TIMELINESS_LABELS, Timeliness
from shared.domain.errors import DomainError
from shared.domain.second_factor import LookupGuard, SecondFactorRequired
from shared.messaging.dossier_views import DossierPublic
from shared.messaging.index import IndexAnswer, IndexEntry, IndexLookup
from shared.messaging.replies import ErrorCode, ErrorInfo

log = logging.getLogger(__name__)
NOT_FOUND = "Không tìm thấy hồ sơ này ở các chi nhánh khác. Vui lòng hỏi bàn hướng dẫn."


def current_view(entry: IndexEntry, now: datetime) -> DossierPublic:
    """The entry's public view, its timeliness brought up to `now` (the due soon / overdue days)."""
    view = entry.view
    if view.status in CLOSED_STATUSES or entry.paused:
        return view  # finished, refused or paused: the branch's word does not age
    today = now.astimezone(ZoneInfo(entry.timezone)).date()
    if today > view.legal_due:
        timeliness = Timeliness.OVERDUE
    elif today >= entry.due_soon_from:
        timeliness = Timeliness.DUE_SOON
    else:
        timeliness = Timeliness.WITHIN
    return view.model_copy(
        update={"timeliness": timeliness, "timeliness_label": TIMELINESS_LABELS[timeliness]}
    )


def _failure(
    lookup: IndexLookup, code: ErrorCode, message: str, wait: int | None = None
) -> IndexAnswer:
    error = ErrorInfo(code=code, message=message, retry_after=wait)
    return IndexAnswer(request_id=lookup.request_id, error=error)


def _match(session: Session, lookup: IndexLookup) -> store.Found | None:
    """The stored dossier the lookup proves it may see, or None."""
    if lookup.token_hash:  # with the code too, a slip's QR: both must match
        return store.by_token_hash(session, lookup.token_hash, lookup.code)
    if not lookup.code:
        return None
    found = store.by_code(session, lookup.code)
    if found is None or lookup.trusted:
        return found
    proved = bool(found.phone_hash and lookup.phone_hash) and hmac.compare_digest(
        found.phone_hash or "", lookup.phone_hash or ""
    )
    return found if proved else None


def answer(
    session: Session, lookup: IndexLookup, site: str, guard: LookupGuard, now: datetime
) -> IndexAnswer:
    """Answer one lookup from a branch (`site`), counting its device's failed guesses."""
    device = f"{site}/{lookup.device}"
    moment = now.timestamp()
    try:
        if not lookup.trusted:
            guard.check(device, moment)
            if not lookup.token_hash and not lookup.phone_hash:
                raise SecondFactorRequired()
    except DomainError as exc:
        return _failure(lookup, ErrorCode(exc.code), exc.message, exc.retry_after)
    found = _match(session, lookup)
    if found is None:
        if not lookup.trusted:
            guard.failed(device, moment)
        return _failure(lookup, ErrorCode.NOT_FOUND, NOT_FOUND)
    if found.key_id != lookup.key_id:
        log.warning(
            "branch %s uses index key %s, %s was stored with %s",
            site,
            lookup.key_id,
            found.code,
            found.key_id,
        )
    try:
        entry = IndexEntry.model_validate_json(found.entry)
    except ValidationError:
        log.exception("the stored entry of %s cannot be read", found.code)
        return _failure(lookup, ErrorCode.NOT_FOUND, NOT_FOUND)
    return IndexAnswer(request_id=lookup.request_id, dossier=current_view(entry, now))
