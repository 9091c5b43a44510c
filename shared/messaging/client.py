"""Sending commands to the server: request/reply with retries that reuse the request id."""

from __future__ import annotations

import uuid

from shared.messaging.bus import Bus
from shared.messaging.codec import encode
from shared.messaging.commands import Command
from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.topics import Topics


def new_request_id() -> str:
    """Return a fresh request id."""
    return uuid.uuid4().hex


class CommandClient:
    """Sends one device's commands and waits for the replies."""

    def __init__(self, bus: Bus, topics: Topics, device_id: str) -> None:
        self._bus = bus
        self._topics = topics
        self.device_id = device_id

    def send(self, command: Command, timeout: float = 2.0, attempts: int = 3) -> Reply:
        """Send a command; on no reply, send it again with the same request id (applied once).

        Returns a reply with error code `timeout` when the server never answered.
        """
        verb = str(type(command).model_fields["type"].default)
        topic = self._topics.command(verb, self.device_id)
        payload = encode(command)
        for _ in range(max(1, attempts)):
            try:
                message = self._bus.request(topic, payload, timeout)
            except TimeoutError:
                continue
            return Reply.model_validate_json(message.payload)
        return Reply.failure(
            command.request_id,
            ErrorCode.TIMEOUT,
            "Máy chủ không trả lời. Vui lòng thử lại hoặc liên hệ bàn hướng dẫn.",
        )
