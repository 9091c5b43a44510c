"""docs/protocol.md names every command and every error code the code knows."""

from __future__ import annotations

import re
from pathlib import Path

from shared.domain.counter_actions import CounterAction
from shared.domain.tickets import TicketEventKind
from shared.messaging.registry import COMMAND_TYPES
from shared.messaging.replies import ERROR_MEANINGS, ErrorCode
from shared.messaging.schemas import all_schemas, asyncapi_text

DOCS = Path(__file__).resolve().parents[2] / "docs"
DOC = (DOCS / "protocol.md").read_text(encoding="utf-8")
REGENERATE = "run: python -m shared.messaging.schemas docs/schemas"


def test_every_command_is_documented() -> None:
    missing = [verb for verb in COMMAND_TYPES if f"`{verb}`" not in DOC]
    assert not missing


def test_every_error_code_is_documented() -> None:
    missing = [code.value for code in ErrorCode if f"`{code.value}`" not in DOC]
    assert not missing


def test_error_codes_mean_in_the_document_what_the_asyncapi_file_says() -> None:
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", DOC, re.MULTILINE))
    assert {code: rows.get(code.value) for code in ErrorCode} == ERROR_MEANINGS


def test_every_counter_action_is_documented() -> None:
    missing = [action.value for action in CounterAction if f"`{action.value}`" not in DOC]
    assert not missing and "`actions`" in DOC and "asyncapi.json" in DOC


def test_every_event_kind_is_documented() -> None:
    missing = [kind.value for kind in TicketEventKind if f"`{kind.value}`" not in DOC]
    assert not missing


def test_published_json_schemas_match_the_message_models() -> None:
    folder = DOCS / "schemas"
    expected = all_schemas()
    stale = [
        name
        for name, text in expected.items()
        if not (folder / name).exists() or (folder / name).read_text(encoding="utf-8") != text
    ]
    assert not stale, REGENERATE
    assert sorted(p.name for p in folder.glob("*.json")) == sorted(expected)


def test_published_asyncapi_document_matches_the_models() -> None:
    assert (DOCS / "asyncapi.json").read_text(encoding="utf-8") == asyncapi_text(), REGENERATE
