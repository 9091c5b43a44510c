"""The ACL and the docs' tables come from the one command table (shared/messaging/registry.py)."""

from __future__ import annotations

import re
from pathlib import Path

from admin.provision import role_table
from server.accounts import counter_account, external_account, kiosk_account
from shared.messaging.registry import COMMANDS, SECRET_VERBS, Role, senders_table, verbs_for
from shared.messaging.topics import Topics

DOCS = Path(__file__).resolve().parents[2] / "docs"


def block(path: Path, name: str) -> str:
    """The generated text between a doc's `<!-- name:start … -->` and `<!-- name:end -->`."""
    text = path.read_text(encoding="utf-8")
    found = re.search(rf"<!-- {name}:start[^>]*-->\n(.*?)<!-- {name}:end -->", text, re.S)
    assert found, f"{path.name} has no generated {name} block"
    return found.group(1)


def test_the_deployment_guides_acl_table_is_the_generated_one() -> None:
    assert block(DOCS / "deployment.md", "acl") == role_table()


def test_the_protocols_senders_table_is_the_generated_one() -> None:
    assert block(DOCS / "protocol.md", "senders") == senders_table()


def test_each_role_may_write_exactly_the_commands_the_table_gives_it() -> None:
    topics = Topics("s")
    accounts = {
        Role.KIOSK: kiosk_account(topics, "kiosk-1"),
        Role.COUNTER: counter_account(topics, "q01"),
        Role.EXTERNAL: external_account(topics, "igate"),
    }
    for role, account in accounts.items():
        written = {t.split("/")[4] for t in account.write if "/cmd/" in t}
        assert written == set(verbs_for(role)), role
        assert all(t.endswith(f"/{account.user}") for t in account.write if "/cmd/" in t)
    assert set(COMMANDS) == {v for spec in COMMANDS.values() for v in [spec.verb]}
    # PINs, ID cards and phone numbers, one-time codes: topics only the server reads.
    assert {
        "officer_login",
        "issue_ticket",
        "request_booking",
        "confirm_booking",
        "check_in",
    } == SECRET_VERBS
