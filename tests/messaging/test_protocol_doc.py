"""docs/protocol.md names every command and every error code the code knows."""

from __future__ import annotations

from pathlib import Path

from shared.domain.tickets import TicketEventKind
from shared.messaging.registry import COMMAND_TYPES
from shared.messaging.replies import ErrorCode
from shared.messaging.schemas import all_schemas

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


def test_published_json_schemas_match_the_message_models() -> None:
    folder = Path(__file__).resolve().parents[2] / "docs" / "schemas"
    expected = all_schemas()
    stale = [
        name
        for name, text in expected.items()
        if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text
    ]
    assert not stale, "run: python -m shared.messaging.schemas docs/schemas"
    assert sorted(p.name for p in folder.glob("*.json")) == sorted(expected)
