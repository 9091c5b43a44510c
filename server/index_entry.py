"""What a branch tells the provincial index about one dossier: the public view, keyed hashes.

Only the masked name leaves the branch: no phone, address, identity number, e-mail, officer
name or token. The token and the phone's last 4 digits go as HMAC-SHA256 under the province's
index key, which central never holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from shared.config.site import SiteConfig
from shared.domain.dossiers import Dossier
from shared.domain.second_factor import key_id, phone_hash, phone_tail, token_hash
from shared.messaging.dossier_views import DossierPublic
from shared.messaging.index import IndexEntry

# How far back from the due date a "due soon" day is looked for (the longest holiday run).
_DUE_SOON_SEARCH_DAYS = 31


@dataclass(frozen=True)
class IndexSettings:
    """A branch's part in the provincial index: its key, its name, its waits."""

    key: bytes
    site_name: str
    answer_timeout: float = 1.5
    resend_seconds: float = 30.0
    in_flight: int = 200

    @property
    def key_id(self) -> str:
        """The key's public fingerprint, sent with every entry and lookup."""
        return key_id(self.key)

    @classmethod
    def from_config(cls, config: SiteConfig) -> IndexSettings | None:
        """The settings of `[index]`, or None when the branch does not take part.

        Raises IndexKeyError when the key file cannot be used.
        """
        section = config.index
        if not section.enabled:
            return None
        return cls(
            key=section.key(),
            site_name=config.site.name,
            answer_timeout=section.answer_timeout_seconds,
            resend_seconds=float(section.resend_seconds),
            in_flight=section.in_flight,
        )


def due_soon_from(dossier: Dossier) -> date:
    """The first local day on which the open dossier counts as due soon (one working day left)."""
    calendar = dossier.rules.calendar()
    day = dossier.legal_due
    for _ in range(_DUE_SOON_SEARCH_DAYS):
        before = day - timedelta(days=1)
        if calendar.next_working_day(before) < dossier.legal_due:
            break
        day = before
    return day


def index_entry(
    dossier: Dossier, view: DossierPublic, settings: IndexSettings, at: datetime
) -> IndexEntry:
    """The index entry of a dossier at its current version."""
    tail = phone_tail(dossier.citizen.phone)
    return IndexEntry(
        site_id=dossier.site_id,
        site_name=settings.site_name,
        code=dossier.code,
        version=dossier.version,
        key_id=settings.key_id,
        token_hash=token_hash(settings.key, dossier.token),
        phone_hash=phone_hash(settings.key, dossier.code, tail) if tail else None,
        view=replace_view(view, settings.site_name),
        due_soon_from=due_soon_from(dossier),
        timezone=dossier.rules.timezone,
        paused=dossier.open_pause is not None,
        at=at,
    )


def replace_view(view: DossierPublic, site_name: str) -> DossierPublic:
    """The public view as another branch shows it: named branch, no return ticket there."""
    return view.model_copy(update={"site_name": site_name, "return_service": None})
