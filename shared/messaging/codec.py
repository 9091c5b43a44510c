"""Turning payload bytes into commands, with a typed error for everything that is not one."""

from __future__ import annotations

import json

from pydantic import BaseModel, ValidationError

from shared.messaging.commands import PROTOCOL_VERSION, REVEAL_SECRETS, Command
from shared.messaging.registry import COMMAND_TYPES
from shared.messaging.replies import ErrorCode

MAX_PAYLOAD_BYTES = 16 * 1024
# Deepest nesting of arrays and objects a command may have; the deepest real one has 3.
MAX_DEPTH = 16


class ProtocolError(Exception):
    """A payload is not an acceptable message; `code` goes into the error reply."""

    def __init__(self, code: ErrorCode, message: str, request_id: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


def encode(message: BaseModel) -> bytes:
    """Serialise a message model to its JSON payload (the only place secrets are written)."""
    text = message.model_dump_json(exclude_none=False, context={REVEAL_SECRETS: True})
    return text.encode("utf-8")


def too_deep(text: str, limit: int = MAX_DEPTH) -> bool:
    """Tell whether arrays and objects in a JSON text nest deeper than `limit`."""
    if text.count("[") + text.count("{") <= limit:
        return False  # cheap: not enough brackets to nest that deep
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def decode_command(payload: bytes, verb: str | None = None) -> Command:
    """Parse and validate a command payload; `verb` is the one named by the topic, if any."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ProtocolError(ErrorCode.PAYLOAD_TOO_LARGE, "Lệnh quá lớn.")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"Lệnh không phải JSON hợp lệ: {exc}") from None
    if too_deep(text):
        raise ProtocolError(ErrorCode.MALFORMED, f"Lệnh lồng nhau quá {MAX_DEPTH} cấp.")
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ProtocolError(ErrorCode.MALFORMED, f"Lệnh không phải JSON hợp lệ: {exc}") from None
    if not isinstance(data, dict):
        raise ProtocolError(ErrorCode.MALFORMED, "Lệnh phải là một đối tượng JSON.")
    raw_id = data.get("request_id")
    request_id = raw_id if isinstance(raw_id, str) and len(raw_id) <= 64 else ""
    kind = data.get("type")
    if kind not in COMMAND_TYPES:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"Loại lệnh không biết: {kind!r}.", request_id)
    if verb is not None and kind != verb:
        raise ProtocolError(
            ErrorCode.WRONG_TOPIC, f"Lệnh {kind!r} gửi sai chủ đề {verb!r}.", request_id
        )
    if data.get("v", PROTOCOL_VERSION) != PROTOCOL_VERSION:
        raise ProtocolError(
            ErrorCode.UNSUPPORTED_VERSION, f"Phiên bản {data.get('v')!r} chưa hỗ trợ.", request_id
        )
    try:
        command: Command = COMMAND_TYPES[kind].model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'lệnh'}: {e['msg']}" for e in exc.errors()
        )
        raise ProtocolError(ErrorCode.INVALID_MESSAGE, problems, request_id) from None
    return command
