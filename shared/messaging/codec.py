"""Turning payload bytes into commands, with a typed error for everything that is not one."""

from __future__ import annotations

import json

from pydantic import BaseModel, ValidationError

from shared.messaging.commands import PROTOCOL_VERSION, Command
from shared.messaging.registry import COMMAND_TYPES
from shared.messaging.replies import ErrorCode

MAX_PAYLOAD_BYTES = 16 * 1024


class ProtocolError(Exception):
    """A payload is not an acceptable message; `code` goes into the error reply."""

    def __init__(self, code: ErrorCode, message: str, request_id: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


def encode(message: BaseModel) -> bytes:
    """Serialise a message model to its JSON payload."""
    return message.model_dump_json(exclude_none=False).encode("utf-8")


def decode_command(payload: bytes, verb: str | None = None) -> Command:
    """Parse and validate a command payload; `verb` is the one named by the topic, if any."""
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise ProtocolError(ErrorCode.PAYLOAD_TOO_LARGE, "Lệnh quá lớn.")
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
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
