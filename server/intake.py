"""The writer's front door: a message becomes a command, or an error reply, or nothing."""

from __future__ import annotations

import logging

from server.rate_limits import RateLimiter
from shared.messaging.bus import Message
from shared.messaging.codec import ProtocolError, decode_command
from shared.messaging.commands import Command
from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.topics import CommandTopic, Topics

log = logging.getLogger(__name__)
Decoded = tuple[Message, CommandTopic, Command]


def decode(message: Message, parts: CommandTopic) -> Decoded | Reply:
    """Decode a command payload, or build the error reply that refuses it."""
    try:
        return message, parts, decode_command(message.payload, parts.verb)
    except ProtocolError as exc:
        log.info("rejected a command from %s: %s", parts.device, exc.message)
        return Reply.failure(exc.request_id, exc.code, exc.message)


def admit(topics: Topics, limiter: RateLimiter | None, message: Message) -> Decoded | Reply | None:
    """Decode a message and apply its sender's rate limit; a reply refuses it at once.

    None: not a command topic of this site (nobody to answer). Never raises: whatever a message
    holds, it costs only itself its reply.
    """
    try:
        parts = topics.parse_command(message.topic)
        if parts is None:
            log.warning("ignored a message on %s", message.topic)
            return None
        decoded = decode(message, parts)
        wait = limiter.refusal(parts.device, parts.verb) if limiter else None
    except Exception:
        log.exception("a message on %s could not be read; the batch goes on", message.topic)
        return Reply.failure("", ErrorCode.MALFORMED, "Không đọc được lệnh.")
    if wait is None:
        return decoded
    request_id = decoded.request_id if isinstance(decoded, Reply) else decoded[2].request_id
    text = f"Thiết bị gửi quá nhiều lệnh: vui lòng chờ {wait} giây rồi thử lại."
    return Reply.failure(request_id, ErrorCode.RATE_LIMITED, text, retry_after=wait)
