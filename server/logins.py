"""Officer logins: wrong ones counted per officer id and device, Argon2 checked beside the writer.

A login is applied in two steps of the single writer. First the writer refuses it at once when
the officer id or the device must wait, reads the stored hash (a dummy one for unknown ids, the
real one for disabled accounts: every id costs one equal check) and hands the check to a small
pool of threads. When the check is back, the writer counts the attempt outside the command's
savepoint (a refused login is still counted) and, if it matched, logs the officer in. Meanwhile
the writer keeps applying every other command.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from shared.domain.credentials import LockedOut, LockoutPolicy
from shared.messaging.bus import Message
from shared.messaging.dossier_commands import OfficerLogin
from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.states import LoginLock, LoginLocksState
from shared.storage.officer_repository import (
    Officer,
    OfficerRepository,
    StoredCredentials,
    check_password,
    hash_password,
    needs_rehash,
)

log = logging.getLogger(__name__)
# Most password checks waiting at once; a login beyond them is told to wait (rate_limited).
PENDING_CHECKS = 32
# The checking threads run at a lower CPU priority than the writer (Linux: per thread).
CHECK_NICENESS = 10
BUSY = "Đang kiểm tra lần đăng nhập trước, vui lòng chờ giây lát rồi thử lại."


@dataclass(frozen=True)
class LoginCheck:
    """A login waiting for its password check, or back from it (`matched` is then set)."""

    message: Message
    device: str
    command: OfficerLogin
    received: datetime
    credentials: StoredCredentials
    matched: bool | None = None
    new_hash: str | None = None


def run_check(check: LoginCheck) -> LoginCheck:
    """Check the password against the stored hash: the slow (Argon2) part of a login."""
    password = check.command.password.get_secret_value()
    stored = check.credentials.password_hash
    matched = check_password(stored, password)
    new_hash = None
    if matched and check.credentials.usable and needs_rehash(stored):
        new_hash = hash_password(password)
    return replace(check, matched=matched, new_hash=new_hash)


def _lower_priority() -> None:
    # Not Linux, or not allowed: the checks run at normal priority.
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), CHECK_NICENESS)


class PasswordChecks:
    """A small pool of threads checking passwords; results go back through `done`."""

    def __init__(self, workers: int = 1, capacity: int = PENDING_CHECKS) -> None:
        self.workers = workers
        self.capacity = capacity
        self.checked = 0
        self._pending = 0
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def has_room(self) -> bool:
        """Tell whether another check may be queued."""
        with self._lock:
            return self._pending < self.capacity

    def submit(self, check: LoginCheck, done: Callable[[LoginCheck], None]) -> None:
        """Check a password on a pool thread, then call `done` with the result."""
        with self._lock:
            self._pending += 1
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    self.workers, thread_name_prefix="login-check", initializer=_lower_priority
                )
            self._pool.submit(self._run, check, done)

    def _run(self, check: LoginCheck, done: Callable[[LoginCheck], None]) -> None:
        try:
            result = run_check(check)
        except Exception:
            log.exception("a password check failed; the login is refused")
            result = replace(check, matched=False)
        with self._lock:
            self._pending -= 1
            self.checked += 1
        done(result)

    def close(self) -> None:
        """Finish the checks in hand and stop the threads."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)


class LoginGuard:
    """Counts wrong logins per officer id and per device, in the database, and makes them wait."""

    def __init__(self, policy: LockoutPolicy) -> None:
        self.policy = policy

    @staticmethod
    def subjects(device: str, officer_id: str) -> tuple[tuple[str, str], ...]:
        """The records one login attempt counts against."""
        return (("officer", officer_id), ("device", device))

    def check(
        self, officers: OfficerRepository, device: str, officer_id: str, at: datetime
    ) -> None:
        """Raise LockedOut while the officer id or the device must still wait."""
        wait = 0
        for scope, subject in self.subjects(device, officer_id):
            row = officers.failure(scope, subject)
            if row is not None and row.locked_until is not None and row.locked_until > at:
                wait = max(wait, math.ceil((row.locked_until - at).total_seconds()))
        if wait:
            raise LockedOut(wait)

    def failed(
        self, officers: OfficerRepository, device: str, officer_id: str, known: bool, at: datetime
    ) -> None:
        """Count a wrong login; the waits double past the free attempts."""
        for scope, subject in self.subjects(device, officer_id):
            row = officers.failure(scope, subject)
            before = 0 if row is None else self.policy.counted(row.failures, row.last_failed_at, at)
            failures = before + 1
            wait = self.policy.wait_after(scope, failures)
            until = at + timedelta(seconds=wait) if wait else None
            officers.save_failure(scope, subject, failures, at, until)
            if scope == "officer" and known:
                officers.set_failed_logins(officer_id, failures)

    def succeeded(self, officers: OfficerRepository, device: str, officer_id: str) -> bool:
        """Forget the failures of the officer id and the device; tell whether there were any."""
        cleared = False
        for scope, subject in self.subjects(device, officer_id):
            cleared = officers.clear_failure(scope, subject) or cleared
        officers.set_failed_logins(officer_id, 0)
        return cleared

    def state(self, officers: OfficerRepository, at: datetime) -> LoginLocksState:
        """The retained state for supervisors: recent failures and the waits still running."""
        since = at - timedelta(seconds=self.policy.forget_seconds)
        locks = [
            LoginLock(
                scope="device" if row.scope == "device" else "officer",
                subject=row.subject,
                failures=row.failures,
                last_failed_at=row.last_failed_at,
                locked_until=row.locked_until
                if row.locked_until and row.locked_until > at
                else None,
            )
            for row in officers.recent_failures(since)
        ]
        return LoginLocksState(locks=locks, at=at)


class Logins:
    """The writer's side of logins: refuse at once, or start a check and apply its result."""

    def __init__(self, site_id: str, policy: LockoutPolicy, workers: int = 1) -> None:
        self.site_id = site_id
        self.guard = LoginGuard(policy)
        self.checks = PasswordChecks(workers)
        self._busy: set[tuple[str, str]] = set()
        self._requests: set[tuple[str, str]] = set()

    def screen(self, device: str, command: OfficerLogin) -> Reply | bool:
        """True: go on; False: a retry of a login being checked; a reply: a check runs there."""
        if (device, command.request_id) in self._requests:
            return False
        subjects = self.guard.subjects(device, command.officer_id)
        if any(s in self._busy for s in subjects) or not self.checks.has_room():
            # One check at a time per officer id and per device: guesses cannot run in parallel.
            return Reply.failure(command.request_id, ErrorCode.RATE_LIMITED, BUSY, retry_after=1)
        return True

    def start(
        self,
        officers: OfficerRepository,
        message: Message,
        device: str,
        command: OfficerLogin,
        at: datetime,
    ) -> LoginCheck:
        """Return the password check to run; raise LockedOut while the id or device must wait."""
        self.guard.check(officers, device, command.officer_id, at)
        credentials = officers.credentials(command.officer_id)
        self._busy.update(self.guard.subjects(device, command.officer_id))
        self._requests.add((device, command.request_id))
        return LoginCheck(message, device, command, at, credentials)

    def finish(
        self, officers: OfficerRepository, check: LoginCheck, at: datetime
    ) -> Officer | None:
        """Count the checked attempt; return the officer who may now log in, or None."""
        officer_id = check.command.officer_id
        self._busy.difference_update(self.guard.subjects(check.device, officer_id))
        self._requests.discard((check.device, check.command.request_id))
        current = officers.credentials(officer_id)
        same_hash = current.password_hash == check.credentials.password_hash
        if not (check.matched and current.usable and same_hash) or current.officer is None:
            self.guard.failed(officers, check.device, officer_id, current.officer is not None, at)
            return None
        self.guard.succeeded(officers, check.device, officer_id)
        if check.new_hash is not None:
            officers.replace_hash(officer_id, current.password_hash, check.new_hash)
        return current.officer

    def abandon(self, check: LoginCheck) -> None:
        """Forget a check that will not run (its batch failed): the device may try again."""
        self._busy.difference_update(self.guard.subjects(check.device, check.command.officer_id))
        self._requests.discard((check.device, check.command.request_id))

    def close(self) -> None:
        """Stop the checking threads."""
        self.checks.close()
