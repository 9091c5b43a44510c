"""The queue server process: one worker thread applies commands in order and publishes results."""

from __future__ import annotations

import logging
import math
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from server import projections
from server.day import Day
from server.day_repository import DayRepository
from server.day_store import load_day, load_requests, recent_service_seconds
from server.dossier_service import DossierSettings
from server.health import INVALID_VERB, ServerMetrics
from server.index_feed import AckReceived, IndexTick
from server.index_link import HandoverReceived, IndexItem, IndexLink
from server.index_lookups import LookupAnswered, reply_for
from server.index_query import RemoteLookup
from server.intake import Decoded, Senders, admit, decode, earlier_reply
from server.logins import LoginCheck, Logins, run_check
from server.officer_service import BAD_LOGIN
from server.outcome import Outcome
from server.queue_service import COUNTER_COMMANDS, Clock, QueueService
from server.rate_limits import RateLimiter
from shared.domain.credentials import LockoutPolicy
from shared.domain.errors import DomainError, WrongCounter
from shared.domain.personal_data import Retention
from shared.domain.site import Site
from shared.messaging import commands as cmd
from shared.messaging.appointment_commands import BookingStatus
from shared.messaging.bus import Bus, Message
from shared.messaging.codec import encode
from shared.messaging.commands import Command
from shared.messaging.dossier_commands import AcceptResult, OfficerLogin
from shared.messaging.dossier_views import DossierPublic
from shared.messaging.registry import COMMAND_TYPES, SECRET_VERBS
from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.states import DossierEventMessage, LateDossiersState, TicketEventMessage
from shared.messaging.topics import CommandTopic, Topics
from shared.storage.agency_codes import claim_agency_code
from shared.storage.officer_repository import OfficerRepository
from shared.storage.personal_data import purge
from shared.storage.repository import ConcurrentUpdate, QueueRepository

log = logging.getLogger(__name__)
ROLLOVER_CHECK_SECONDS = 30.0
# Every waiting ticket's place (`state/lines`, for citizens' phones) is published at most this
# often: calls reach phones at once as events, places a moment later, at a bounded cost.
LINES_INTERVAL_SECONDS = 0.5
CONCURRENT_ATTEMPTS = 3
MAX_BATCH = 200
STORAGE_DOWN = "Hệ thống lưu trữ đang gián đoạn, chưa thực hiện được. Vui lòng thử lại sau ít phút."
STORAGE_RETRY_SECONDS = 5
FORGED_REPLY_TOPIC = "forged_reply_topic"  # a metrics label: no reply carries it
# Commands decided on today's queue in memory alone (other commands may write other tables).
MEMORY_COMMANDS = (cmd.IssueTicket, cmd.VoidTicket, cmd.TicketStatus, *COUNTER_COMMANDS)
# Reads whose reply holds a citizen's card details: kept out of the command log (the
# personal-data access log records them) and answered afresh on a retry.
UNLOGGED_COMMANDS = (cmd.TicketCitizen, BookingStatus)


def unlogged(command: Command) -> bool:
    """Whether a command stays out of the command log: card reads, and reads by a link's token.

    Reads of a booking by its token stay out too (whoever read the log could otherwise open,
    change or cancel the booking).

    A ticket page's token must not sit in the log (whoever reads the log could open the page),
    and a read has nothing to undo or to answer again.
    """
    if isinstance(command, UNLOGGED_COMMANDS):
        return True
    return isinstance(command, cmd.TicketStatus) and command.token is not None


@dataclass(frozen=True)
class DailyPurge:
    """What the writer needs to purge personal data once a day: the periods and the hash key."""

    retention: Retention
    key: bytes


class Republish:
    """A marker for the writer's queue: publish every retained state again (a new broker)."""


# A message, a command decoded on the bus's thread, a login whose password check is done, or
# news from the provincial index (an acknowledgement, an answer, a resend tick).
Item = Message | Decoded | LoginCheck | IndexItem


class QueueServer:
    """Receives commands from the bus, applies them one at a time, replies and publishes."""

    def __init__(
        self,
        site: Site,
        sessions: sessionmaker[Session],
        bus: Bus,
        clock: Clock,
        settings: DossierSettings | None = None,
        limiter: RateLimiter | None = None,
        lockout: LockoutPolicy | None = None,
        login_workers: int = 1,
        login_bus: Bus | None = None,
        daily_purge: DailyPurge | None = None,
    ) -> None:
        self.site = site
        # Personal data past its retention goes with the daily late-dossier check.
        self.daily_purge = daily_purge
        self.sessions = sessions
        self.bus = bus
        self.clock = clock
        self.topics = Topics(site.id)
        self.service = QueueService(site, sessions, clock, settings)
        # Without a limiter (tests, tools) every device may send as fast as it likes.
        self.limiter = limiter
        self.logins = Logins(site.id, lockout or LockoutPolicy(), login_workers)
        # Logins arrive on a connection of their own: a login flood then cannot hold up other
        # commands behind it in the main connection's stream.
        self.login_bus = login_bus
        self._inbox: queue.Queue[Item | Republish | None] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="queue-server", daemon=True)
        self.handled = 0
        self._counter_ids = frozenset(c.id for c in site.counters)
        externals = self.service.dossiers.settings.external_devices
        self.senders = Senders(self._counter_ids, frozenset(externals))
        self._late_checked: date | None = None
        self.metrics = ServerMetrics()
        self._disconnected = False
        self.lines_interval = LINES_INTERVAL_SECONDS
        self._lines_dirty = False  # places changed since they were published
        self._lines_at = 0.0  # when they were published last
        # Today's queue in memory; read from the database when first needed and after a failure.
        self._day: Day | None = None
        self._has_accounts: bool | None = None
        index = self.service.dossiers.settings.index
        # The provincial index: None when this branch does not take part.
        self.index = IndexLink(site.id, sessions, bus, index) if index is not None else None

    def start(self) -> None:
        """Claim the agency code, roll over to today, publish every state, take commands.

        Raises AgencyCodeTaken when another site of the same database has the agency code.
        """
        with self.sessions.begin() as session:
            agency = self.service.dossiers.settings.agency_code
            claim_agency_code(session, self.site.id, agency, self.clock())
        if self.index is not None:  # acknowledgements of what start-up sends are not missed
            self.index.start(self._inbox.put)
        self.rollover()
        self.late_check()
        self.publish_all()
        if self.index is not None:
            self.index.catch_up(self.service.dossiers, self.clock())
        self._worker.start()
        self.bus.on_connection_change(self._connection_changed)
        if self.login_bus is None:
            self.bus.subscribe(self.topics.commands(), self._receive)
            return
        for verb in COMMAND_TYPES:
            if verb in SECRET_VERBS:
                self.login_bus.subscribe(self.topics.commands_of(verb), self._take)
            else:
                self.bus.subscribe(self.topics.commands_of(verb), self._receive)

    def stop(self) -> None:
        """Finish the command in hand and stop the worker and the password checks."""
        self._inbox.put(None)
        self._worker.join(timeout=10)
        self.logins.close()
        if self.index is not None:
            self.index.stop()

    def _run(self) -> None:
        next_check = time.monotonic() + ROLLOVER_CHECK_SECONDS
        while True:
            # The day is checked on a timer, not only when idle: a busy hall still rolls over.
            if time.monotonic() >= next_check:
                self._safely(self.rollover)
                self._safely(self.late_check_if_due)
                self._safely(self.appointments_tick)
                next_check = time.monotonic() + ROLLOVER_CHECK_SECONDS
            wake = min(next_check, self._lines_due())
            try:
                first = self._inbox.get(timeout=max(0.0, wake - time.monotonic()))
            except queue.Empty:
                self._safely(self._publish_lines_if_due)
                continue
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            items = [m for m in batch if m is not None and not isinstance(m, Republish)]
            if items:
                self._safely(partial(self._handle_or_retry, items))
            if any(isinstance(m, Republish) for m in batch):
                self._safely(self.publish_all)
            if None in batch:
                return

    def _connection_changed(self, connected: bool) -> None:
        """After a reconnect, publish every retained state again: a restarted broker lost them."""
        if connected and self._disconnected:
            self.republish()
        self._disconnected = not connected

    def republish(self) -> None:
        """Have the writer publish every retained state again, in order with its other work."""
        self._inbox.put(Republish())

    def _receive(self, message: Message) -> None:
        """Take a command off the main connection (on the bus's thread)."""
        if self.login_bus is not None:
            parts = self.topics.parse_command(message.topic)
            if parts is not None and parts.verb in SECRET_VERBS:
                return  # an older session's `cmd/+/+` still matches: the login bus has it
        self._take(message)

    def _take(self, message: Message) -> None:
        """Queue a command for the writer; answer at once what needs no database.

        Rate-limited, malformed and unknown commands are answered here, on the bus's thread, so
        a flooding device never fills the writer's queue ahead of other devices' commands.
        """
        item = admit(self.topics, self.limiter, message, self.senders, self._forged)
        if isinstance(item, Reply):
            self.metrics.rejected(item)
            self._reply(message, item)
        elif item is not None:
            self._inbox.put(item)

    def _forged(self, message: Message) -> None:
        """Count a command refused for naming another device's reply topic (no reply sent)."""
        self.metrics.errors.labels(INVALID_VERB, FORGED_REPLY_TOPIC).inc()

    def _safely(self, action: Callable[[], object]) -> None:
        try:
            action()
        except Exception:
            log.exception("the queue server failed on a message; it keeps running")

    # Commands ----------------------------------------------------------------------------

    def handle(self, message: Message) -> Reply | None:
        """Apply one command message and publish what it changed; return the reply sent."""
        return self.handle_batch([message])[0]

    def handle_batch(self, messages: list[Message]) -> list[Reply | None]:
        """Apply commands as one batch; logins' password checks run here, after it.

        The worker hands the checks to the pool instead and keeps serving; tests and tools
        calling this get every reply back, logins included.
        """
        checks: list[LoginCheck] = []
        results = self._handle_or_retry(list(messages), checks.append)
        while checks:
            check = checks.pop(0)
            index = next(i for i, m in enumerate(messages) if m is check.message)
            results[index] = self._handle_or_retry([run_check(check)], checks.append)[0]
        return results

    def _handle_or_retry(
        self, items: list[Item], check: Callable[[LoginCheck], None] | None = None
    ) -> list[Reply | None]:
        """Apply a batch; if it fails as a whole, apply its commands again one at a time.

        A batch fails only when writing it fails (the database, or a retry whose request id is
        older than the ones kept in memory); each command then gets its reply or fails alone,
        and the one-at-a-time pass looks every request id up in the log.
        """
        check = check or self._check_later
        try:
            return self._handle_items(items, check)
        except Exception as exc:
            if storage_down(exc):
                return self._storage_unavailable(items, exc)
            log.exception("a batch failed; its commands are applied again one at a time")
        results: list[Reply | None] = []
        for item in items:
            try:
                results += self._handle_items([item], check, careful=True)
            except Exception:
                log.exception("a command failed on its own; it gets no reply and may be retried")
                results.append(None)
        return results

    def _storage_unavailable(self, items: list[Item], exc: Exception) -> list[Reply | None]:
        """Tell every device of a batch that nothing was done: the database does not answer."""
        log.error("the database does not answer (%s); commands refused until it does", exc)
        self._day = None  # read the day again once the database is back
        replies: list[Reply | None] = []
        for item in items:
            message = _message_of(item)
            parts = self.topics.parse_command(message.topic) if message is not None else None
            request_id = _request_id(item, self.topics)
            if message is None or parts is None or request_id is None:
                replies.append(None)
                continue
            reply = Reply.failure(
                request_id, ErrorCode.STORAGE_UNAVAILABLE, STORAGE_DOWN, STORAGE_RETRY_SECONDS
            )
            self.metrics.rejected(reply)
            self._reply(message, reply)
            replies.append(reply)
        return replies

    def day(self) -> Day:
        """Today's queue in memory (read from the database when not loaded or a new day)."""
        at = self.clock()
        today = self.service.today(at)
        if self._day is None or self._day.service_day != today:
            with self.sessions() as session:
                day = load_day(session, self.site.id, today)
                day.requests = load_requests(session, self.site.id, at)
                recent = recent_service_seconds(
                    session, self.site.id, today, self.site.rules.estimate_sample
                )
            self.service.service_times.load(recent, [s.code for s in self.site.services])
            self._day = day
        return self._day

    def _officer_accounts(self, session: Session) -> bool:
        """Whether the site has officer accounts (asked again after any non-queue command)."""
        if self._has_accounts is None:
            self._has_accounts = OfficerRepository(session, self.site.id).has_accounts()
        return self._has_accounts

    def _check_later(self, check: LoginCheck) -> None:
        self.logins.checks.submit(check, self._inbox.put)

    def _handle_items(
        self, items: list[Item], check: Callable[[LoginCheck], None], careful: bool = False
    ) -> list[Reply | None]:
        """Apply commands in order, commit them together, then reply and publish.

        Each command runs in its own savepoint, so a refused one changes nothing; one commit
        covers the batch (group commit), and replies go out only after it: an acknowledged
        command is durable. Under load, batches grow and state is published once per batch.
        A login waiting for its password check gets no reply yet (None) and goes to `check`.
        """
        batch_started = time.perf_counter()
        admitted = [
            admit(self.topics, self.limiter, i, self.senders, self._forged)
            if isinstance(i, Message)
            else i
            for i in items
        ]
        results: list[Reply | None] = []
        merged = Outcome()
        checks: list[LoginCheck] = []
        day = self.day()
        try:
            with self.sessions.begin() as session:
                repo = DayRepository(session, self.site.id, day, careful)
                for step in admitted:
                    results.append(self._safe_step(repo, step, merged, checks))
                repo.write()
            day.forget_journal()
        except BaseException:
            self._day = None  # memory is ahead of what was stored: read the day again
            for pending in checks:
                self.logins.abandon(pending)
            raise
        for check_item in checks:
            check(check_item)
        for item, answer in zip(items, results, strict=True):
            if answer is not None:
                for message in _messages_of(item):
                    self._reply(message, answer)
        # Commands only: a login's check and news from the index were counted with their command.
        news = LoginCheck | AckReceived | IndexTick | LookupAnswered | HandoverReceived
        self.handled += sum(not isinstance(item, news) for item in items)
        self.publish(merged)
        self.metrics.batch(time.perf_counter() - batch_started)
        return results

    def _safe_step(
        self,
        repo: QueueRepository,
        item: Decoded | LoginCheck | IndexItem | Reply | None,
        merged: Outcome,
        checks: list[LoginCheck],
    ) -> Reply | None:
        """Apply one item of a batch; whatever goes wrong costs only this item its reply."""
        if item is None or isinstance(item, Reply):
            if item is not None:
                self.metrics.rejected(item)
            return item
        if not isinstance(item, tuple | LoginCheck):
            return self._index_step(repo, item, merged)
        request_id = item.command.request_id if isinstance(item, LoginCheck) else item[2].request_id
        touches_database = _touches_database(item)
        if touches_database:
            self._has_accounts = None  # an officer command may have added the first account
        try:
            with repo.savepoint(touches_database):
                return self._step(repo, item, merged, checks)
        except Exception as exc:
            if storage_down(exc):
                raise  # the whole batch is answered storage_unavailable
            log.exception("a command failed outside its own handling; the batch goes on")
            return Reply.failure(request_id, ErrorCode.INTERNAL, "Lỗi máy chủ, vui lòng thử lại.")

    def _step(
        self,
        repo: QueueRepository,
        item: Decoded | LoginCheck,
        merged: Outcome,
        checks: list[LoginCheck],
    ) -> Reply | None:
        if isinstance(item, LoginCheck):
            return self._finish_login(repo, item, merged)
        message, parts, command = item
        if isinstance(command, OfficerLogin):
            return self._start_login(repo, message, parts, command, checks)
        started = time.perf_counter()
        try:
            reply, outcome = self._apply(repo, parts.device, parts.verb, command)
        except RemoteLookup as lookup:  # not held here: ask the provincial index, reply later
            assert self.index is not None
            refused = self.index.lookups.park(message, parts, command, lookup.query, self.clock())
            if refused is not None:
                self.metrics.rejected(refused)
            return refused
        self.metrics.command(parts.verb, reply, outcome, time.perf_counter() - started)
        if outcome is not None:
            merged.merge(outcome)
        return reply

    # The provincial index -----------------------------------------------------------------

    def _index_step(self, repo: QueueRepository, item: IndexItem, merged: Outcome) -> Reply | None:
        """Apply news from the index: an answer to a parked command, an ack, a resend tick."""
        if self.index is None:
            return None
        try:
            with repo.savepoint():
                dossiers = self.service.dossiers
                if isinstance(item, HandoverReceived):
                    merged.merge(dossiers.apply_handover(repo.session, item.message, self.clock()))
                    return None
                if not isinstance(item, LookupAnswered):
                    self.index.step(repo.session, item, merged)
                    return None
                found = item.answer.dossier if item.answer is not None else None
                if isinstance(item.parked.command, AcceptResult) and found is not None:
                    return self._accept_answered(repo, item, found, merged)
                parked, started = item.parked, time.perf_counter()
                guard = dossiers.finder.guard

                def told(view: DossierPublic) -> DossierPublic:
                    return dossiers.transfers.merged(repo.session, view)

                reply, keep = reply_for(item, guard, self.clock().timestamp(), told)
                if keep:
                    device, verb = parked.parts.device, parked.parts.verb
                    self._log(repo, device, verb, parked.command, parked.received, reply)
                self.metrics.command(parked.parts.verb, reply, None, time.perf_counter() - started)
                return reply
        except Exception as exc:
            if storage_down(exc):
                raise
            log.exception("news from the provincial index failed; the batch goes on")
            return None

    def _accept_answered(
        self, repo: QueueRepository, item: LookupAnswered, view: DossierPublic, merged: Outcome
    ) -> Reply:
        """Finish a counter's `accept_result` with the index's view of the dossier."""
        parked, started = item.parked, time.perf_counter()
        device, verb = parked.parts.device, parked.parts.verb

        def accept() -> Outcome:
            return self.service.dossiers.accept_answered(repo, device, view, self.clock())

        reply, outcome = self._apply(repo, device, verb, parked.command, accept, parked.received)
        self.metrics.command(verb, reply, outcome, time.perf_counter() - started)
        if outcome is not None:
            merged.merge(outcome)
        return reply

    # Logins ------------------------------------------------------------------------------

    def _start_login(
        self,
        repo: QueueRepository,
        message: Message,
        parts: CommandTopic,
        command: OfficerLogin,
        checks: list[LoginCheck],
    ) -> Reply | None:
        """First half of a login: answer a retry, refuse at once, or queue its password check."""
        screened = self.logins.screen(parts.device, command)
        if screened is not True:  # a retry already being checked, or a check running there
            if isinstance(screened, Reply):
                self.metrics.rejected(screened)
                return screened
            return None
        started_at, received = time.perf_counter(), self.clock()
        earlier = earlier_reply(repo, parts.device, parts.verb, command)
        if earlier is not None:
            return earlier
        try:
            if parts.device not in self._counter_ids:
                raise WrongCounter(f"Thiết bị {parts.device!r} không phải là một quầy.")
            officers = OfficerRepository(repo.session, self.site.id)
            checks.append(self.logins.start(officers, message, parts.device, command, received))
            return None
        except DomainError as exc:
            reply = Reply.failure(
                command.request_id, ErrorCode(exc.code), exc.message, exc.retry_after
            )
            self._log(repo, parts.device, parts.verb, command, received, reply)
            self.metrics.command(parts.verb, reply, None, time.perf_counter() - started_at)
            return reply

    def _finish_login(self, repo: QueueRepository, check: LoginCheck, merged: Outcome) -> Reply:
        """Second half: count the attempt (kept whatever follows), then log the officer in."""
        command, device, verb = check.command, check.device, "officer_login"
        started_at, at = time.perf_counter(), self.clock()
        officer = self.logins.finish(OfficerRepository(repo.session, self.site.id), check, at)
        merged.logins = True
        if officer is None:
            reply = Reply.failure(command.request_id, ErrorCode.FORBIDDEN, BAD_LOGIN)
            self._log(repo, device, verb, command, check.received, reply)
            self.metrics.command(verb, reply, None, time.perf_counter() - started_at)
            return reply

        def start_shift() -> Outcome:
            return self.service.login(repo, device, officer, at)

        reply, outcome = self._apply(repo, device, verb, command, start_shift, check.received)
        self.metrics.command(verb, reply, outcome, time.perf_counter() - started_at)
        if outcome is not None:
            merged.merge(outcome)
        return reply

    # Commands ----------------------------------------------------------------------------

    def _apply(
        self,
        repo: QueueRepository,
        device: str,
        verb: str,
        command: Command,
        run: Callable[[], Outcome] | None = None,
        received: datetime | None = None,
    ) -> tuple[Reply, Outcome | None]:
        received = received or self.clock()
        if not unlogged(command):
            earlier = earlier_reply(repo, device, verb, command)
            if earlier is not None:
                return earlier, None
        reply: Reply | None = None
        outcome: Outcome | None = None
        database = run is not None or not isinstance(command, MEMORY_COMMANDS)
        for _ in range(CONCURRENT_ATTEMPTS):
            try:
                with repo.savepoint(database):
                    if run is not None:
                        outcome = run()
                    else:
                        outcome = self.service.execute(repo, device, command, received)
                    reply = Reply.success(command.request_id, outcome.result)
                    self._log(repo, device, verb, command, received, reply, outcome.officer_id)
                return reply, outcome
            except ConcurrentUpdate:
                log.info("another writer changed the same ticket; applying again")
                reply = Reply.failure(
                    command.request_id, ErrorCode.CONFLICT, "Hệ thống đang bận, vui lòng thử lại."
                )
            except DomainError as exc:
                reply = Reply.failure(
                    command.request_id, ErrorCode(exc.code), exc.message, exc.retry_after
                )
                break
            except RemoteLookup:
                raise  # the writer parks the command until the provincial index answers
            except Exception as exc:
                if storage_down(exc):
                    raise
                log.exception("command %s from %s failed", verb, device)
                return (
                    Reply.failure(
                        command.request_id, ErrorCode.INTERNAL, "Lỗi máy chủ, vui lòng thử lại."
                    ),
                    None,
                )
        assert reply is not None
        with repo.savepoint(database=False):
            self._log(repo, device, verb, command, received, reply)
        return reply, None

    def _log(
        self,
        repo: QueueRepository,
        device: str,
        verb: str,
        command: Command,
        received: datetime,
        reply: Reply,
        officer: str | None = None,
    ) -> None:
        if unlogged(command):
            return
        officer = officer or getattr(command, "officer_id", None)
        if officer is None and device in self._counter_ids:
            officer = repo.counter_state(device).officer_id
        repo.log_command(
            device_id=device,
            verb=verb,
            request_id=command.request_id,
            officer_id=officer,
            received_at=received,
            payload=command.model_dump_json(),
            ok=reply.ok,
            error_code=reply.error.code.value if reply.error else None,
            reply=reply.model_dump_json(),
        )

    def _publish_dossiers(self, outcome: Outcome) -> None:
        for event in outcome.dossier_events:
            message = DossierEventMessage(
                kind=event.kind,
                code=event.code,
                status=event.status,
                department=event.department,
                timeliness=event.timeliness,
                at=event.at,
            )
            self.bus.publish(self.topics.event("dossier"), encode(message))
        if outcome.late_dossiers:
            at = self.clock()
            with self.sessions() as session:
                late = self.service.dossiers.late_list(session, at)
            state = LateDossiersState(dossiers=late, at=at)
            self.bus.publish(self.topics.late_dossiers(), encode(state), retain=True)

    def _publish_logins(self) -> None:
        at = self.clock()
        with self.sessions() as session:
            state = self.logins.guard.state(OfficerRepository(session, self.site.id), at)
        self.bus.publish(self.topics.logins(), encode(state), retain=True)

    def _reply(self, message: Message, reply: Reply) -> None:
        if not message.response_topic:
            return
        # A login is answered on the connection it came in on: a flood of them is answered
        # there too, never queued in the main connection ahead of other replies.
        bus = self.bus
        if self.login_bus is not None:
            parts = self.topics.parse_command(message.topic)
            if parts is not None and parts.verb in SECRET_VERBS:
                bus = self.login_bus
        bus.publish(
            message.response_topic, encode(reply), correlation_data=message.correlation_data
        )

    # Publishing --------------------------------------------------------------------------

    def rollover(self) -> None:
        """Start a new service day if the clock passed the reset time."""
        at = self.clock()
        with self.sessions.begin() as session:
            outcome = self.service.rollover(QueueRepository(session, self.site.id), at)
            if outcome.result:  # once a day: failed logins past the forget window are dropped
                forget = timedelta(seconds=self.logins.guard.policy.forget_seconds)
                OfficerRepository(session, self.site.id).forget_failures(at - forget)
                outcome.logins = True
        if outcome.result:
            self._day = None  # a new day: read it (and yesterday's closings) from storage
            log.info("new service day %s", outcome.result)
            self.publish(outcome)

    def appointments_tick(self) -> None:
        """Release appointments past their grace, follow their tickets, send reminders."""
        at = self.clock()
        day = self.day()
        try:
            with self.sessions.begin() as session:
                repo = DayRepository(session, self.site.id, day)
                outcome = self.service.appointments.tick(repo, at, self.service)
                repo.write()
            day.forget_journal()
        except BaseException:
            self._day = None  # memory may be ahead of what was stored: read the day again
            raise
        self.publish(outcome)

    def late_check_if_due(self) -> None:
        """Run the daily late-dossier check once the local check time has passed."""
        settings = self.service.dossiers.settings
        local = settings.rule.local(self.clock())
        if self._late_checked != local.date() and local.time() >= settings.late_check_time:
            self.late_check()

    def late_check(self) -> None:
        """Flag dossiers due within one working day or overdue, and publish them."""
        at = self.clock()
        with self.sessions.begin() as session:
            outcome = self.service.dossiers.late_check(session, at)
        self._late_checked = self.service.dossiers.settings.rule.local(at).date()
        if outcome.result.get("flagged"):
            log.info("late-dossier check flagged %s", outcome.result["flagged"])
        self.publish(outcome)
        self.purge_personal_data(at)

    def purge_personal_data(self, at: datetime) -> None:
        """Remove or anonymise personal data past its retention period (counts logged only)."""
        job = self.daily_purge
        if job is None:
            return
        with self.sessions.begin() as session:
            counts = purge(session, self.site.id, job.retention, at, job.key)
        log.info("personal data past retention: %s", {c.value: n for c, n in counts.items()})
        if self.index is not None:  # purged contacts: the index's entries lose their phone hash
            self.index.catch_up(self.service.dossiers, at)

    def retained_topics(self) -> list[str]:
        """Every retained state topic this server publishes (what publish_all sends)."""
        topics = self.topics
        return [
            *(topics.board(z.id) for z in self.site.zones),
            *(topics.counter(c.id) for c in self.site.counters),
            topics.queues(),
            topics.lines(),
            topics.late_dossiers(),
            topics.logins(),
        ]

    def publish_all(self) -> None:
        """Publish every retained state (on start and after a reconnect: a new broker has none)."""
        self.publish(
            Outcome(
                counters={c.id for c in self.site.counters},
                zones={z.id for z in self.site.zones},
                queues=True,
                late_dossiers=True,
                logins=True,
            )
        )

    def publish(self, outcome: Outcome) -> None:
        """Publish an outcome's events, then the retained states it changed."""
        if self.index is not None:
            self.index.after_commit(outcome)
        self._publish_dossiers(outcome)
        if outcome.logins:
            self._publish_logins()
        for event in outcome.events:
            counter = self.site.counter(event.counter_id) if event.counter_id else None
            message = TicketEventMessage(
                kind=event.kind.value,
                number=event.ticket.number,
                service=event.ticket.service_code,
                counter=counter.id if counter else None,
                counter_label=counter.label if counter else None,
                zone=counter.zone if counter else None,
                at=event.at,
            )
            self.bus.publish(self.topics.event(event.kind.value), encode(message))
        if not (outcome.counters or outcome.zones or outcome.queues):
            return
        at = self.clock()
        day = self.service.today(at)
        times = self.service.service_times
        with self.sessions() as session:
            repo = DayRepository(session, self.site.id, self.day())
            for zone in sorted(outcome.zones):
                board = projections.board(self.site, repo, zone, day, at)
                self.bus.publish(self.topics.board(zone), encode(board), retain=True)
            for counter_id in sorted(outcome.counters):
                counter = self.site.counter(counter_id)
                state = projections.counter_message(
                    self.site, repo, times, counter, day, at, self._officer_accounts(session)
                )
                self.bus.publish(self.topics.counter(counter_id), encode(state), retain=True)
            if outcome.queues:
                waiting = projections.queues(self.site, repo, times, day, at)
                self.bus.publish(self.topics.queues(), encode(waiting), retain=True)
                self._lines_dirty = True
        self._publish_lines_if_due()

    def _lines_due(self) -> float:
        """When changed places must be published (infinity when nothing changed)."""
        return self._lines_at + self.lines_interval if self._lines_dirty else math.inf

    def _publish_lines_if_due(self) -> None:
        """Publish every waiting ticket's place once the interval since the last has passed."""
        now = time.monotonic()
        if now < self._lines_due():
            return
        self._lines_dirty, self._lines_at = False, now
        at = self.clock()
        day = self.service.today(at)
        today = self.day()
        with self.sessions() as session:
            repo = DayRepository(session, self.site.id, today)
            places = projections.lines(self.site, repo, self.service.service_times, day, at)
        self.bus.publish(self.topics.lines(), encode(places), retain=True)
        # The places are worked out: phoned tickets near the front get "N people ahead" (in a
        # short transaction of its own, only when one is due; see server/queue_messages.py).
        self.service.messages.ahead(self.sessions, today, places, at)


def storage_down(exc: BaseException) -> bool:
    """Whether an error says the database does not answer (not that a command is wrong).

    Lost or refused connections, locks held too long and disk errors all reach here as the
    driver's operational or interface errors, or as a connection pool that gave up.
    """
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OperationalError | InterfaceError | PoolTimeout)


def _request_id(item: Item, topics: Topics) -> str | None:
    """The request id of an item of the writer's queue, if it decodes as a command."""
    if isinstance(item, LoginCheck):
        return item.command.request_id
    if isinstance(item, LookupAnswered):
        return item.parked.command.request_id
    if not isinstance(item, Message | tuple):
        return None
    if isinstance(item, Message):
        parts = topics.parse_command(item.topic)
        decoded = decode(item, parts) if parts is not None else None
        if not isinstance(decoded, tuple):
            return None
        item = decoded
    return item[2].request_id


def _touches_database(item: Decoded | LoginCheck) -> bool:
    """Whether applying an item may read or write more than today's queue in memory."""
    return isinstance(item, LoginCheck) or not isinstance(item[2], MEMORY_COMMANDS)


def _message_of(item: Item) -> Message | None:
    """The message an item of the writer's queue came in (its reply goes back to it)."""
    if isinstance(item, LoginCheck | AckReceived | HandoverReceived):
        return item.message
    if isinstance(item, LookupAnswered):
        return item.parked.messages[-1]
    if isinstance(item, IndexTick):
        return None
    return item if isinstance(item, Message) else item[0]


def _messages_of(item: Item) -> list[Message]:
    """Every message a reply goes to: a parked command's retries are answered too."""
    if isinstance(item, LookupAnswered):
        return list(item.parked.messages)
    message = _message_of(item)
    return [] if message is None else [message]
