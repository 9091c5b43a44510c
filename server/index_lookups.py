"""Lookups the branch asks of the provincial index, parked until it answers or the wait ends.

The writer never waits: a command naming a dossier not held here is parked (no reply yet) and
the question published on `index/lookup`. The answer, or the end of the wait, comes back to
the writer as a `LookupAnswered` item, which turns it into the device's reply (see
`reply_for`). A device retrying the same request meanwhile is answered with the first.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from pydantic import ValidationError

from server.index_entry import IndexSettings
from server.index_query import RemoteQuery
from shared.domain.dossiers import DossierStatus
from shared.domain.second_factor import LookupGuard
from shared.dossier_words import return_branch
from shared.messaging import commands as cmd
from shared.messaging.bus import Bus, Message
from shared.messaging.codec import encode
from shared.messaging.commands import Command
from shared.messaging.dossier_views import DossierPublic
from shared.messaging.index import ANSWER, LOOKUP, IndexAnswer, IndexLookup, index_topic
from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.topics import CommandTopic

log = logging.getLogger(__name__)
# Most lookups waiting for the index at once; beyond them a device is told to retry.
CAPACITY = 64
UNAVAILABLE = "Chưa kiểm tra được hồ sơ ở chi nhánh khác lúc này, vui lòng thử lại sau ít phút."
UNAVAILABLE_RETRY_SECONDS = 60
# Errors a device may retry with the same request id: not kept in the command log.
_PASSING = frozenset({ErrorCode.LOCKED_OUT, ErrorCode.RATE_LIMITED, ErrorCode.INDEX_UNAVAILABLE})


@dataclass
class Parked:
    """A command waiting for the index: who asked, what, and every message to answer."""

    parts: CommandTopic
    command: Command
    query: RemoteQuery
    received: datetime
    deadline: float
    correlation: bytes
    messages: list[Message] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str, str]:
        """The request's identity: device, verb and request id."""
        return self.parts.device, self.parts.verb, self.command.request_id


@dataclass(frozen=True)
class LookupAnswered:
    """The index's answer to a parked command, or None when it did not answer in time."""

    parked: Parked
    answer: IndexAnswer | None


class RemoteLookups:
    """Publishes parked lookups and hands answers and timeouts back to the writer."""

    def __init__(
        self,
        site_id: str,
        bus: Bus,
        settings: IndexSettings,
        monotonic: Callable[[], float] = time.monotonic,
        capacity: int = CAPACITY,
    ) -> None:
        self.bus = bus
        self.settings = settings
        self.monotonic = monotonic
        self.capacity = capacity
        self.topic = index_topic(site_id, LOOKUP)
        self.answer_topic = index_topic(site_id, ANSWER)
        self._deliver: Callable[[LookupAnswered], None] = lambda item: None
        self._by_key: dict[tuple[str, str, str], Parked] = {}
        self._by_correlation: dict[bytes, Parked] = {}
        self._changed = threading.Condition()
        self._stopping = False
        self._watcher: threading.Thread | None = None

    def start(self, deliver: Callable[[LookupAnswered], None]) -> None:
        """Listen for answers and watch the deadlines; both go to the writer via `deliver`."""
        self._deliver = deliver
        self.bus.subscribe(self.answer_topic, self._on_answer)
        self._watcher = threading.Thread(target=self._watch, name="index-lookups", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        """Stop watching deadlines (parked lookups are dropped: their devices retry)."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._watcher is not None:
            self._watcher.join(timeout=5)
            self._watcher = None

    def park(
        self,
        message: Message,
        parts: CommandTopic,
        command: Command,
        query: RemoteQuery,
        received: datetime,
    ) -> Reply | None:
        """Ask the index; None (the reply comes later) or a refusal when too many wait."""
        key = (parts.device, parts.verb, command.request_id)
        with self._changed:
            waiting = self._by_key.get(key)
            if waiting is not None:  # the device retried: answer this message too
                waiting.messages.append(message)
                return None
            if len(self._by_key) >= self.capacity:
                return unavailable(command.request_id)
            deadline = self.monotonic() + self.settings.answer_timeout
            parked = Parked(parts, command, query, received, deadline, uuid.uuid4().bytes)
            parked.messages.append(message)
            self._by_key[key] = parked
            self._by_correlation[parked.correlation] = parked
            self._changed.notify_all()
        try:
            question = IndexLookup(
                request_id=command.request_id,
                device=parts.device,
                key_id=self.settings.key_id,
                code=query.code,
                token_hash=query.token_hash,
                phone_hash=query.phone_hash,
                trusted=query.trusted,
            )
        except ValidationError as exc:  # nothing a device sends may stop the writer
            log.warning("a lookup that cannot be asked of the index: %s", exc.error_count())
            self._forget(parked)
            return unavailable(command.request_id)
        # QoS 0: a question nobody waits for any more must not reach the index later.
        self.bus.publish(
            self.topic,
            encode(question),
            qos=0,
            response_topic=self.answer_topic,
            correlation_data=parked.correlation,
        )
        return None

    def _forget(self, parked: Parked) -> None:
        with self._changed:
            self._by_key.pop(parked.key, None)
            self._by_correlation.pop(parked.correlation, None)

    def _on_answer(self, message: Message) -> None:
        """Take an answer off the bus (bus thread) and hand it to the writer."""
        if message.correlation_data is None:
            return
        with self._changed:
            parked = self._by_correlation.pop(message.correlation_data, None)
            if parked is None:
                return  # too late: the device was told already
            self._by_key.pop(parked.key, None)
        try:
            answer: IndexAnswer | None = IndexAnswer.model_validate_json(message.payload)
        except ValidationError as exc:
            log.warning("a malformed answer from the index: %s", exc.error_count())
            answer = None
        self._deliver(LookupAnswered(parked, answer))

    def _watch(self) -> None:
        with self._changed:
            while not self._stopping:
                now = self.monotonic()
                late = [p for p in self._by_key.values() if p.deadline <= now]
                for parked in late:
                    del self._by_key[parked.key]
                    del self._by_correlation[parked.correlation]
                    self._deliver(LookupAnswered(parked, None))
                soonest = min((p.deadline for p in self._by_key.values()), default=now + 60)
                self._changed.wait(max(0.01, soonest - now))


def unavailable(request_id: str) -> Reply:
    """The reply when the index cannot be asked or did not answer in time."""
    return Reply.failure(
        request_id, ErrorCode.INDEX_UNAVAILABLE, UNAVAILABLE, UNAVAILABLE_RETRY_SECONDS
    )


def _as_found(view: DossierPublic) -> DossierPublic:
    return view.model_copy(update={"return_service": None})


def reply_for(
    answered: LookupAnswered,
    guard: LookupGuard,
    now: float,
    told: Callable[[DossierPublic], DossierPublic] = _as_found,
) -> tuple[Reply, bool]:
    """The device's reply to an answered (or unanswered) lookup, and whether to log it.

    `told` turns the index's view into what this branch says of it (a result transferred here
    and kept here can be collected here). A logged reply is what a retry with the same
    request id gets; waits and `index_unavailable` are not logged, so a retry asks again.
    """
    parked, answer = answered.parked, answered.answer
    request_id, device = parked.command.request_id, parked.parts.device
    if answer is None:
        return unavailable(request_id), False
    if answer.dossier is None:
        error = answer.error
        if error is None or error.code is ErrorCode.NOT_FOUND:
            if parked.query.guessed:
                guard.failed(device, now)
            return Reply.failure(request_id, ErrorCode.NOT_FOUND, parked.query.missing), True
        reply = Reply.failure(request_id, error.code, error.message, error.retry_after)
        return reply, error.code not in _PASSING
    dossier = answer.dossier
    if parked.query.guessed:
        guard.proved(device, dossier.code, now)
    view = told(dossier)
    if isinstance(parked.command, cmd.IssueTicket):  # a return ticket: the result waits there
        text = _not_returned_here(view)
        return Reply.failure(request_id, ErrorCode.INVALID_STATE, text), True
    return Reply.success(request_id, {"dossier": view.model_dump(mode="json")}), True


def _not_returned_here(view: DossierPublic) -> str:
    """Why a return ticket for another branch's dossier is not issued at this branch."""
    if view.status is not DossierStatus.DONE:
        return f"Hồ sơ {view.code} chưa có kết quả để trả."
    if view.return_service is not None:  # held here: the kiosk must look the slip up first
        return f"Vui lòng quét lại phiếu hẹn của hồ sơ {view.code} để lấy số nhận kết quả."
    if view.result_site_id is not None and view.result_arrived is False and view.result_site_name:
        where = view.result_site_name
        return f"Kết quả hồ sơ {view.code} đang được chuyển đến {where}, chưa nhận được."
    return f"Kết quả hồ sơ {view.code} được trả tại {return_branch(view)}, không trả tại đây."
