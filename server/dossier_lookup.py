"""Finding a dossier from what a device sent: a slip's QR, a token, or a code (with phone digits).

Public devices need a second factor with a bare code; trusted ones (a counter with an officer
logged in, an external system) do not. Failed guesses are counted per device. A dossier not
held in this database is asked of the provincial index when the branch takes part in it
(`RemoteLookup`), otherwise it is not found.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from server.index_entry import IndexSettings
from server.index_query import RemoteLookup, RemoteQuery
from shared.domain.codes import CodeKind, ScannedCode, classify
from shared.domain.dossiers import Dossier
from shared.domain.errors import InvalidInput, NotFound
from shared.domain.second_factor import (
    NO_MATCH_MESSAGE,
    LookupGuard,
    LookupPolicy,
    SecondFactorRequired,
    digits_match,
    phone_hash,
    token_hash,
)
from shared.storage.dossier_repository import DossierRepository

NOT_FOUND = "Không tìm thấy hồ sơ với mã này. Vui lòng hỏi bàn hướng dẫn."
FOREIGN_NOT_SYNCED = (
    "Hồ sơ này do hệ thống khác tiếp nhận và chưa được đồng bộ về Trung tâm. "
    "Vui lòng hỏi bàn hướng dẫn."
)
NOT_A_CODE = "Mã vừa quét không phải mã hồ sơ. Vui lòng quét mã QR trên giấy hẹn trả kết quả."


@dataclass(frozen=True)
class Asker:
    """Who asks: the device, whether it is trusted, and the phone digits it sent."""

    device: str
    trusted: bool
    digits: str | None = None
    # A return ticket may name a code the same device found with a second factor just before.
    allow_proved: bool = False
    # The web service: a slip's link (token included) only, and its misses are not counted
    # against one device (it limits each visitor's address itself).
    links_only: bool = False


class DossierFinder:
    """Looks dossiers up for devices, counting failed guesses per device."""

    def __init__(
        self,
        code_regex: str,
        foreign_patterns: tuple[str, ...],
        index: IndexSettings | None,
        policy: LookupPolicy,
    ) -> None:
        self.code_regex = code_regex
        self.foreign_patterns = foreign_patterns
        self.index = index
        self.guard = LookupGuard(policy)

    def find(self, repo: DossierRepository, text: str, asker: Asker, at: datetime) -> Dossier:
        """Find a dossier; raise NotFound, SecondFactorRequired, LookupsLocked or RemoteLookup."""
        scanned = classify(text, self.code_regex, self.foreign_patterns)
        if scanned.kind not in (
            CodeKind.DOSSIER,
            CodeKind.FOREIGN_DOSSIER,
            CodeKind.LOOKUP_TOKEN,
        ):
            raise InvalidInput(NOT_A_CODE)
        now = at.timestamp()
        code, token = scanned.dossier_code or None, scanned.lookup_token or None
        digits = None if token else asker.digits
        proved = bool(
            code and asker.allow_proved and self.guard.has_proved(asker.device, code, now)
        )
        trusted = asker.trusted or proved
        web = asker.links_only
        if web and token is None:
            raise NotFound(self._missing(scanned, None))
        if not trusted and not web:
            self.guard.check(asker.device, now)
            if token is None and digits is None:
                raise SecondFactorRequired()
        guessed = not trusted and not web
        missing = self._missing(scanned, digits)
        dossier = repo.by_code(code) if code else repo.by_token(token or "")
        if dossier is not None:
            wrong_token = bool(token) and dossier.token != token
            wrong_digits = (
                not trusted
                and digits is not None
                and not digits_match(dossier.citizen.phone, digits)
            )
            if wrong_token or wrong_digits:
                raise self.missed(asker.device, guessed, missing, now)
            if guessed:
                self.guard.proved(asker.device, dossier.code, now)
            return dossier
        if self.index is None:
            raise self.missed(asker.device, guessed, missing, now)
        key = self.index.key
        raise RemoteLookup(
            RemoteQuery(
                code=code,
                token_hash=token_hash(key, token) if token else None,
                phone_hash=phone_hash(key, code, digits) if code and digits else None,
                trusted=trusted,
                missing=missing,
                guessed=guessed,
            )
        )

    def code_in(self, text: str) -> str | None:
        """The dossier code a scan or typed text names, if any."""
        scanned = classify(text, self.code_regex, self.foreign_patterns)
        return scanned.dossier_code or None

    def missed(self, device: str, guessed: bool, message: str, now: float) -> NotFound:
        """A lookup that found nothing: counted against the device when it was a guess."""
        if guessed:
            self.guard.failed(device, now)
        return NotFound(message)

    @staticmethod
    def _missing(scanned: ScannedCode, digits: str | None) -> str:
        if scanned.kind is CodeKind.FOREIGN_DOSSIER:
            return FOREIGN_NOT_SYNCED
        return NO_MATCH_MESSAGE if digits else NOT_FOUND
