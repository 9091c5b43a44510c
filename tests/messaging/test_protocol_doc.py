"""docs/protocol.md names every command and every error code the code knows."""

from __future__ import annotations

from pathlib import Path

from shared.domain.tickets import TicketEventKind
from shared.messaging.commands import COMMAND_TYPES
from shared.messaging.replies import ErrorCode

DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")


def test_every_command_is_documented() -> None:
    missing = [verb for verb in COMMAND_TYPES if f"`{verb}`" not in DOC]
    assert not missing


def test_every_error_code_is_documented() -> None:
    missing = [code.value for code in ErrorCode if f"`{code.value}`" not in DOC]
    assert not missing


def test_every_event_kind_is_documented() -> None:
    missing = [kind.value for kind in TicketEventKind if f"`{kind.value}`" not in DOC]
    assert not missing
