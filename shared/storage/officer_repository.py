"""Officer accounts (Argon2id password hashes), shifts at counters, and citizens' ratings."""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass
from datetime import date, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from shared.storage.dossier_tables import LoginFailureRow, OfficerRow, OfficerSessionRow, RatingRow

ROLES = ("officer", "supervisor")
_HASHER = PasswordHasher()
# What an unknown officer id is checked against, so it costs what a real check costs: an
# Argon2id hash of a random secret nobody knows, with the hasher's parameters.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$I+G9oGxGmZeMt0E5tSqVPg"
    "$LoACm4xqHJmSg4KpYBtABjmj/JrCFXTZQNE52DziTjk"
)
_dummy_lock = threading.Lock()


@dataclass(frozen=True)
class Officer:
    """An officer account as the server uses it (never with the hash)."""

    officer_id: str
    name: str
    title: str
    role: str
    counters: tuple[str, ...]
    active: bool

    def serves(self, counter_id: str) -> bool:
        """Tell whether the officer may work at a counter (supervisors may work anywhere)."""
        return self.role == "supervisor" or counter_id in self.counters


def hash_password(password: str) -> str:
    """Hash a password or PIN with Argon2id (memory-hard)."""
    return _HASHER.hash(password)


def check_password(stored_hash: str, password: str) -> bool:
    """Tell whether a password matches its stored Argon2 hash."""
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Tell whether a hash was made with weaker parameters than the hasher's own."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError):
        return False


def dummy_hash() -> str:
    """A hash no password matches, as costly to check as a real one (for unknown ids)."""
    global _DUMMY_HASH
    with _dummy_lock:
        if needs_rehash(_DUMMY_HASH):  # the library's defaults moved: match them again
            _DUMMY_HASH = hash_password(secrets.token_urlsafe(32))
        return _DUMMY_HASH


@dataclass(frozen=True)
class StoredCredentials:
    """What a login is checked against: the account (None for an unknown id) and its hash."""

    officer: Officer | None
    password_hash: str

    @property
    def usable(self) -> bool:
        """Tell whether a matching password may log in (the account exists and is active)."""
        return self.officer is not None and self.officer.active


def _officer(row: OfficerRow) -> Officer:
    return Officer(
        row.officer_id,
        row.name,
        row.title,
        row.role,
        tuple(json.loads(row.counters or "[]")),
        row.active,
    )


class OfficerRepository:
    """Officer accounts, sessions and ratings of one site."""

    def __init__(self, session: Session, site_id: str) -> None:
        self.session = session
        self.site_id = site_id

    def _row(self, officer_id: str) -> OfficerRow | None:
        return self.session.scalars(
            select(OfficerRow).where(
                OfficerRow.site_id == self.site_id, OfficerRow.officer_id == officer_id
            )
        ).first()

    def upsert(
        self,
        officer_id: str,
        name: str,
        counters: tuple[str, ...],
        password_hash: str | None,
        at: datetime,
        role: str = "officer",
        title: str = "",
    ) -> bool:
        """Create or update an account; keep the password when no new hash is given.

        Returns True when the account was created.
        """
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        row = self._row(officer_id)
        created = row is None
        if row is None:
            if password_hash is None:
                raise ValueError("a new officer needs a password")
            row = OfficerRow(site_id=self.site_id, officer_id=officer_id)
            self.session.add(row)
        row.name, row.title, row.role = name, title, role
        row.counters = json.dumps(list(counters))
        row.active = True
        row.updated_at = at
        if password_hash is not None:
            row.password_hash = password_hash
            row.failed_logins = 0
        self.session.flush()
        if password_hash is not None:
            self.clear_failure("officer", officer_id)  # a new PIN ends the officer's wait
        return created

    def get(self, officer_id: str) -> Officer | None:
        """Return an account, or None."""
        row = self._row(officer_id)
        return None if row is None else _officer(row)

    def has_accounts(self) -> bool:
        """Tell whether the site has any officer account (then counters need a login)."""
        found = self.session.scalar(
            select(OfficerRow.id).where(OfficerRow.site_id == self.site_id).limit(1)
        )
        return found is not None

    def all(self) -> list[Officer]:
        """Return every account of the site."""
        rows = self.session.scalars(
            select(OfficerRow)
            .where(OfficerRow.site_id == self.site_id)
            .order_by(OfficerRow.officer_id)
        )
        return [_officer(r) for r in rows]

    def credentials(self, officer_id: str) -> StoredCredentials:
        """Return what a login for `officer_id` is checked against (a dummy hash when unknown).

        Disabled accounts give their real hash: every id costs one Argon2 check.
        """
        row = self._row(officer_id)
        if row is None:
            return StoredCredentials(None, dummy_hash())
        return StoredCredentials(_officer(row), row.password_hash)

    def verify(self, officer_id: str, password: str) -> Officer | None:
        """Return the active officer when the password matches (one Argon2 check for any id).

        For tools; the server's logins go through server.logins, which also counts failures.
        """
        stored = self.credentials(officer_id)
        matched = check_password(stored.password_hash, password)
        return stored.officer if matched and stored.usable else None

    def set_failed_logins(self, officer_id: str, failures: int) -> None:
        """Record an account's wrong logins in a row (shown by `motcua officer list`)."""
        self.session.execute(
            update(OfficerRow)
            .where(OfficerRow.site_id == self.site_id, OfficerRow.officer_id == officer_id)
            .values(failed_logins=failures)
            .execution_options(synchronize_session=False)
        )

    def replace_hash(self, officer_id: str, old_hash: str, new_hash: str) -> None:
        """Store a stronger hash of the same password, unless the password changed meanwhile."""
        self.session.execute(
            update(OfficerRow)
            .where(
                OfficerRow.site_id == self.site_id,
                OfficerRow.officer_id == officer_id,
                OfficerRow.password_hash == old_hash,
            )
            .values(password_hash=new_hash)
            .execution_options(synchronize_session=False)
        )

    # Failed logins ------------------------------------------------------------------------

    def failure(self, scope: str, subject: str) -> LoginFailureRow | None:
        """Return the failed-login record of an officer id or a device, if any."""
        return self.session.get(LoginFailureRow, (self.site_id, scope, subject))

    def save_failure(
        self,
        scope: str,
        subject: str,
        failures: int,
        at: datetime,
        locked_until: datetime | None,
    ) -> None:
        """Record `failures` wrong logins in a row, the last at `at`, and the wait."""
        row = self.failure(scope, subject)
        if row is None:
            row = LoginFailureRow(site_id=self.site_id, scope=scope, subject=subject)
            self.session.add(row)
        row.failures, row.last_failed_at, row.locked_until = failures, at, locked_until
        self.session.flush()

    def clear_failure(self, scope: str, subject: str) -> bool:
        """Forget the failed logins of an officer id or a device; return whether there were any."""
        result = self.session.execute(
            delete(LoginFailureRow)
            .where(
                LoginFailureRow.site_id == self.site_id,
                LoginFailureRow.scope == scope,
                LoginFailureRow.subject == subject,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def recent_failures(self, since: datetime, limit: int = 100) -> list[LoginFailureRow]:
        """Return the failed-login records touched since `since`, newest first."""
        return list(
            self.session.scalars(
                select(LoginFailureRow)
                .where(
                    LoginFailureRow.site_id == self.site_id,
                    LoginFailureRow.last_failed_at >= since,
                )
                .order_by(LoginFailureRow.last_failed_at.desc())
                .limit(limit)
            )
        )

    def forget_failures(self, before: datetime) -> int:
        """Delete failed-login records last touched before `before`; return how many."""
        result = self.session.execute(
            delete(LoginFailureRow)
            .where(
                LoginFailureRow.site_id == self.site_id,
                LoginFailureRow.last_failed_at < before,
            )
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def deactivate(self, officer_id: str, at: datetime) -> bool:
        """Disable an account; return False when there is none."""
        row = self._row(officer_id)
        if row is None:
            return False
        row.active, row.updated_at = False, at
        self.session.flush()
        return True

    # Sessions -----------------------------------------------------------------------------

    def start_session(self, officer_id: str, counter_id: str, at: datetime) -> None:
        """End whatever shift was open at the counter, then start the officer's."""
        self.end_sessions(counter_id, at, "replaced")
        self.session.add(
            OfficerSessionRow(
                site_id=self.site_id, officer_id=officer_id, counter_id=counter_id, started_at=at
            )
        )
        self.session.flush()

    def end_sessions(self, counter_id: str, at: datetime, reason: str) -> int:
        """End the open shifts at a counter; return how many were open."""
        result = self.session.execute(
            update(OfficerSessionRow)
            .where(
                OfficerSessionRow.site_id == self.site_id,
                OfficerSessionRow.counter_id == counter_id,
                OfficerSessionRow.ended_at.is_(None),
            )
            .values(ended_at=at, end_reason=reason)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def sessions(self, officer_id: str) -> list[OfficerSessionRow]:
        """Return an officer's shifts, oldest first."""
        return list(
            self.session.scalars(
                select(OfficerSessionRow)
                .where(
                    OfficerSessionRow.site_id == self.site_id,
                    OfficerSessionRow.officer_id == officer_id,
                )
                .order_by(OfficerSessionRow.id)
            )
        )

    # Ratings ------------------------------------------------------------------------------

    def add_rating(
        self,
        *,
        ticket_id: int,
        service_day: date,
        service_code: str,
        counter_id: str,
        officer_id: str | None,
        dossier_code: str | None,
        score: int,
        scale: int,
        at: datetime,
    ) -> bool:
        """Store a rating; return False when the ticket was already rated."""
        taken = self.session.scalar(select(RatingRow.id).where(RatingRow.ticket_id == ticket_id))
        if taken is not None:
            return False
        self.session.add(
            RatingRow(
                site_id=self.site_id,
                ticket_id=ticket_id,
                service_day=service_day,
                service_code=service_code,
                counter_id=counter_id,
                officer_id=officer_id,
                dossier_code=dossier_code,
                score=score,
                scale=scale,
                rated_at=at,
            )
        )
        self.session.flush()
        return True

    def rating_count(self, day: date) -> int:
        """Count the ratings of a service day."""
        return int(
            self.session.scalar(
                select(func.count(RatingRow.id)).where(
                    RatingRow.site_id == self.site_id, RatingRow.service_day == day
                )
            )
            or 0
        )
