"""The queue server process: one worker thread applies commands in order and publishes results."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from functools import partial

from sqlalchemy.orm import Session, sessionmaker

from server import projections
from server.dossier_service import DossierSettings
from server.health import ServerMetrics
from server.outcome import Outcome
from server.queue_service import Clock, QueueService
from shared.domain.errors import DomainError
from shared.domain.site import Site
from shared.messaging.bus import Bus, Message
from shared.messaging.codec import ProtocolError, decode_command, encode
from shared.messaging.commands import Command
from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.states import DossierEventMessage, LateDossiersState, TicketEventMessage
from shared.messaging.topics import CommandTopic, Topics
from shared.storage.repository import ConcurrentUpdate, QueueRepository

log = logging.getLogger(__name__)
ROLLOVER_CHECK_SECONDS = 30.0
CONCURRENT_ATTEMPTS = 3
MAX_BATCH = 200


class QueueServer:
    """Receives commands from the bus, applies them one at a time, replies and publishes."""

    def __init__(
        self,
        site: Site,
        sessions: sessionmaker[Session],
        bus: Bus,
        clock: Clock,
        settings: DossierSettings | None = None,
    ) -> None:
        self.site = site
        self.sessions = sessions
        self.bus = bus
        self.clock = clock
        self.topics = Topics(site.id)
        self.service = QueueService(site, sessions, clock, settings)
        self._inbox: queue.Queue[Message | None] = queue.Queue()
        self._worker = threading.Thread(target=self._run, name="queue-server", daemon=True)
        self.handled = 0
        self._counter_ids = frozenset(c.id for c in site.counters)
        self._late_checked: date | None = None
        self.metrics = ServerMetrics()

    def start(self) -> None:
        """Roll over to today, publish every retained state, then start taking commands."""
        self.rollover()
        self.late_check()
        self.publish_all()
        self._worker.start()
        self.bus.subscribe(self.topics.commands(), self._inbox.put)

    def stop(self) -> None:
        """Finish the command in hand and stop the worker."""
        self._inbox.put(None)
        self._worker.join(timeout=10)

    def _run(self) -> None:
        next_check = time.monotonic() + ROLLOVER_CHECK_SECONDS
        while True:
            # The day is checked on a timer, not only when idle: a busy hall still rolls over.
            if time.monotonic() >= next_check:
                self._safely(self.rollover)
                self._safely(self.late_check_if_due)
                next_check = time.monotonic() + ROLLOVER_CHECK_SECONDS
            try:
                first = self._inbox.get(timeout=max(0.0, next_check - time.monotonic()))
            except queue.Empty:
                continue
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    batch.append(self._inbox.get_nowait())
                except queue.Empty:
                    break
            messages = [m for m in batch if m is not None]
            if messages:
                self._safely(partial(self.handle_batch, messages))
            if None in batch:
                return

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
        """Apply commands in order, commit them together, then reply and publish.

        Each command runs in its own savepoint, so a refused one changes nothing; one commit
        covers the batch (group commit), and replies go out only after it: an acknowledged
        command is durable. Under load, batches grow and state is published once per batch.
        """
        batch_started = time.perf_counter()
        decoded: list[tuple[Message, CommandTopic, Command] | Reply | None] = []
        for message in messages:
            decoded.append(self._decode(message))
        results: list[Reply | None] = []
        merged = Outcome()
        with self.sessions.begin() as session:
            repo = QueueRepository(session, self.site.id)
            for item in decoded:
                if item is None or isinstance(item, Reply):
                    if item is not None:
                        self.metrics.rejected(item)
                    results.append(item)
                    continue
                _, parts, command = item
                started = time.perf_counter()
                reply, outcome = self._apply(repo, parts.device, parts.verb, command)
                self.metrics.command(parts.verb, reply, outcome, time.perf_counter() - started)
                results.append(reply)
                if outcome is not None:
                    merged.merge(outcome)
        for message, answer in zip(messages, results, strict=True):
            if answer is not None:
                self._reply(message, answer)
        self.handled += len(messages)
        self.publish(merged)
        self.metrics.batch(time.perf_counter() - batch_started)
        return results

    def _decode(self, message: Message) -> tuple[Message, CommandTopic, Command] | Reply | None:
        parts = self.topics.parse_command(message.topic)
        if parts is None:
            log.warning("ignored a message on %s", message.topic)
            return None
        try:
            return message, parts, decode_command(message.payload, parts.verb)
        except ProtocolError as exc:
            log.info("rejected a command from %s: %s", parts.device, exc.message)
            return Reply.failure(exc.request_id, exc.code, exc.message)

    def _apply(
        self, repo: QueueRepository, device: str, verb: str, command: Command
    ) -> tuple[Reply, Outcome | None]:
        received = self.clock()
        stored = repo.stored_reply(device, command.request_id)
        if stored is not None:
            return Reply.model_validate_json(stored), None
        reply: Reply | None = None
        outcome: Outcome | None = None
        for _ in range(CONCURRENT_ATTEMPTS):
            try:
                with repo.session.begin_nested():
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
                reply = Reply.failure(command.request_id, ErrorCode(exc.code), exc.message)
                break
            except Exception:
                log.exception("command %s from %s failed", verb, device)
                return (
                    Reply.failure(
                        command.request_id, ErrorCode.INTERNAL, "Lỗi máy chủ, vui lòng thử lại."
                    ),
                    None,
                )
        assert reply is not None
        with repo.session.begin_nested():
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

    def _reply(self, message: Message, reply: Reply) -> None:
        if message.response_topic:
            self.bus.publish(
                message.response_topic, encode(reply), correlation_data=message.correlation_data
            )

    # Publishing --------------------------------------------------------------------------

    def rollover(self) -> None:
        """Start a new service day if the clock passed the reset time."""
        with self.sessions.begin() as session:
            outcome = self.service.rollover(QueueRepository(session, self.site.id), self.clock())
        if outcome.result:
            log.info("new service day %s", outcome.result)
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

    def publish_all(self) -> None:
        """Publish every retained state (on start, so late subscribers see the truth)."""
        self.publish(
            Outcome(
                counters={c.id for c in self.site.counters},
                zones={z.id for z in self.site.zones},
                queues=True,
                late_dossiers=True,
            )
        )

    def publish(self, outcome: Outcome) -> None:
        """Publish an outcome's events, then the retained states it changed."""
        self._publish_dossiers(outcome)
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
            repo = QueueRepository(session, self.site.id)
            for zone in sorted(outcome.zones):
                board = projections.board(self.site, repo, zone, day, at)
                self.bus.publish(self.topics.board(zone), encode(board), retain=True)
            for counter_id in sorted(outcome.counters):
                counter = self.site.counter(counter_id)
                state = projections.counter_message(self.site, repo, times, counter, day, at)
                self.bus.publish(self.topics.counter(counter_id), encode(state), retain=True)
            if outcome.queues:
                waiting = projections.queues(self.site, repo, times, day, at)
                self.bus.publish(self.topics.queues(), encode(waiting), retain=True)
