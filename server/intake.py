"""The writer's front door: a message becomes a command, or an error reply, or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from server.rate_limits import RateLimiter
from shared.messaging.bus import Message
from shared.messaging.codec import ProtocolError, decode_command
from shared.messaging.commands import Command
from shared.messaging.registry import COMMANDS, Role, device_role, may_send
from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.topics import CommandTopic, Topics, reply_topic_for
from shared.storage.repository import QueueRepository

log = logging.getLogger(__name__)
Decoded = tuple[Message, CommandTopic, Command]
FORBIDDEN = "Thiết bị này không được gửi lệnh {verb!r}."
CONFLICT = "Mã yêu cầu {request_id!r} đã dùng cho một lệnh khác: hãy dùng mã mới."


@dataclass(frozen=True)
class Senders:
    """Who sends on this site: the device ids the site file lists, by role."""

    counters: frozenset[str]
    externals: frozenset[str] = frozenset()

    def role(self, device: str) -> Role:
        """Name the role of a command topic's device."""
        return device_role(device, self.counters, self.externals)


def decode(message: Message, parts: CommandTopic) -> Decoded | Reply:
    """Decode a command payload, or build the error reply that refuses it."""
    try:
        return message, parts, decode_command(message.payload, parts.verb)
    except ProtocolError as exc:
        log.info("rejected a command from %s: %s", parts.device, exc.message)
        return Reply.failure(exc.request_id, exc.code, exc.message)


def forged_reply_topic(message: Message) -> bool:
    """Tell whether a command names a reply topic other than its own sender's."""
    if message.response_topic is None:
        return False  # nothing will be sent back
    return message.response_topic != reply_topic_for(message.topic)


def admit(
    topics: Topics,
    limiter: RateLimiter | None,
    message: Message,
    senders: Senders | None = None,
    forged: Callable[[Message], None] | None = None,
) -> Decoded | Reply | None:
    """Decode a message, check its sender's role and rate limit; a reply refuses it at once.

    None: not a command topic of this site, or a reply topic not the sender's own (nobody to
    answer: `forged` is told). Never raises: whatever a message holds, it costs only itself.
    """
    try:
        parts = topics.parse_command(message.topic)
        if parts is None:
            log.warning("ignored a message on %s", message.topic)
            return None
        if forged_reply_topic(message):
            log.warning(
                "refused %s from %s: its reply topic %r is not the sender's own",
                parts.verb,
                parts.device,
                message.response_topic,
            )
            if forged is not None:
                forged(message)
            return None
        decoded = decode(message, parts)
        known = senders is not None and parts.verb in COMMANDS
        if known and senders and not may_send(senders.role(parts.device), parts.verb):
            log.warning("refused %s from %s: not its role's", parts.verb, parts.device)
            text = FORBIDDEN.format(verb=parts.verb)
            return Reply.failure(_request_id(decoded), ErrorCode.FORBIDDEN, text)
        wait = limiter.refusal(parts.device, parts.verb) if limiter else None
    except Exception:
        log.exception("a message on %s could not be read; the batch goes on", message.topic)
        return Reply.failure("", ErrorCode.MALFORMED, "Không đọc được lệnh.")
    if wait is None:
        return decoded
    text = f"Thiết bị gửi quá nhiều lệnh: vui lòng chờ {wait} giây rồi thử lại."
    return Reply.failure(_request_id(decoded), ErrorCode.RATE_LIMITED, text, retry_after=wait)


def _request_id(decoded: Decoded | Reply) -> str:
    return decoded.request_id if isinstance(decoded, Reply) else decoded[2].request_id


def earlier_reply(repo: QueueRepository, device: str, verb: str, command: Command) -> Reply | None:
    """The reply a retry gets: the stored one, a conflict for another payload, or None (new).

    Request ids are scoped per (device, verb) and kept as long as the audit log keeps the
    command (it is never pruned; old dossier payloads are scrubbed, not deleted).
    """
    stored = repo.stored_request(device, verb, command.request_id)
    if stored is None:
        return None
    payload, reply = stored
    if payload != command.model_dump_json():
        text = CONFLICT.format(request_id=command.request_id)
        return Reply.failure(command.request_id, ErrorCode.REQUEST_ID_CONFLICT, text)
    return Reply.model_validate_json(reply)
