"""docs/asyncapi.json describes the whole protocol: every verb, channel, reply and reader."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.domain.tickets import TicketEventKind
from shared.messaging.bus import topic_matches
from shared.messaging.registry import COMMANDS, Role
from shared.messaging.results import RESULT_TYPES
from shared.messaging.topics import Topics

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "asyncapi.json"
COMPONENT_KEY = re.compile(r"^[a-zA-Z0-9\.\-_]+$")


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DOC_PATH.read_text(encoding="utf-8"))
    return data


def _refs(node: Any, path: str = "#") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield path, value
            else:
                yield from _refs(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, f"{path}/{index}")


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    """Follow a reference inside the document, and the references it leads to."""
    assert ref.startswith("#/"), f"{ref} is not a reference inside the document"
    node: Any = doc
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    if isinstance(node, dict) and set(node) == {"$ref"}:
        return _resolve(doc, node["$ref"])
    return node


def test_the_document_is_asyncapi_3(doc: dict[str, Any]) -> None:
    assert doc["asyncapi"] == "3.0.0"
    assert doc["info"]["title"] and doc["info"]["version"] == "1"
    assert doc["defaultContentType"] == "application/json"
    assert {"channels", "operations", "components", "servers"} <= set(doc)


def test_every_reference_resolves(doc: dict[str, Any]) -> None:
    refs = list(_refs(doc))
    assert len(refs) > 100
    for where, ref in refs:
        assert _resolve(doc, ref) is not None, where


def test_component_names_are_valid_keys(doc: dict[str, Any]) -> None:
    for section in doc["components"].values():
        assert all(COMPONENT_KEY.match(name) for name in section)


def test_every_verb_has_a_channel_an_operation_and_a_typed_reply(doc: dict[str, Any]) -> None:
    topics = Topics("{site}")
    for verb, spec in COMMANDS.items():
        channel = doc["channels"][f"cmd.{verb}"]
        assert channel["address"] == topics.command(verb, "{device}")
        operation = doc["operations"][verb]
        assert operation["action"] == "receive"
        assert operation["channel"] == {"$ref": f"#/channels/cmd.{verb}"}
        assert operation["bindings"]["mqtt"]["qos"] == 0
        assert set(operation["x-motcua-senders"]) == {r.value for r in spec.roles}
        reply = operation["reply"]
        assert _resolve(doc, reply["channel"]["$ref"])["address"] == topics.reply("{device}")
        (message_ref,) = reply["messages"]
        message = _resolve(doc, message_ref["$ref"])
        payload = _resolve(doc, message["payload"]["$ref"])
        ok = payload["oneOf"][0]["properties"]["result"]["$ref"]
        assert ok == f"#/components/schemas/{RESULT_TYPES[verb].__name__}"
        command = _resolve(doc, _resolve(doc, operation["messages"][0]["$ref"])["payload"]["$ref"])
        assert command["properties"]["type"]["const"] == verb


def test_operations_name_only_their_channels_messages(doc: dict[str, Any]) -> None:
    for name, operation in doc["operations"].items():
        channel = operation["channel"]["$ref"]
        for message in operation["messages"]:
            assert message["$ref"].startswith(f"{channel}/messages/"), name
        if "reply" in operation:
            reply = operation["reply"]["channel"]["$ref"]
            assert all(
                m["$ref"].startswith(f"{reply}/messages/") for m in operation["reply"]["messages"]
            )


def test_channel_parameters_match_their_addresses(doc: dict[str, Any]) -> None:
    for name, channel in doc["channels"].items():
        wanted = set(re.findall(r"{(\w+)}", channel["address"]))
        assert set(channel.get("parameters", {})) == wanted, name


def test_published_channels_are_the_topics_the_server_uses(doc: dict[str, Any]) -> None:
    topics = Topics("{site}")
    addresses = {c["address"] for c in doc["channels"].values()}
    assert {
        topics.event("{kind}"),
        topics.event("dossier"),
        topics.board("{zone}"),
        topics.counter("{counter}"),
        topics.queues(),
        topics.late_dossiers(),
        topics.logins(),
        topics.status("{device}"),
        topics.reply("{device}"),
    } <= addresses
    kinds = doc["channels"]["evt.ticket"]["parameters"]["kind"]["enum"]
    assert kinds == [k.value for k in TicketEventKind]
    for name in ("state.board", "state.counter", "state.queues", "status"):
        assert doc["operations"][f"publish.{name}"]["bindings"]["mqtt"]["retain"] is True


def test_readers_are_the_roles_the_broker_acl_lets_read(doc: dict[str, Any]) -> None:
    from server import accounts

    site = Topics("hcc-demo")
    acl = {
        Role.SUPERVISOR: accounts.supervisor_account(site),
        Role.EXTERNAL: accounts.external_account(site),
        Role.KIOSK: accounts.kiosk_account(site, "kiosk-1"),
        Role.DISPLAY: accounts.display_account(site, "display-tang-1", "tang-1"),
        Role.COUNTER: accounts.counter_account(site, "q05"),
        Role.WEB: accounts.web_account(site),
    }
    samples = {
        "evt.ticket": site.event("called"),
        "evt.dossier": site.event("dossier"),
        "state.board": site.board("tang-1"),
        "state.counter": site.counter("q05"),
        "state.queues": site.queues(),
        "state.lines": site.lines(),
        "state.dossiers.late": site.late_dossiers(),
        "state.logins": site.logins(),
        "status": site.status("server-hcc-demo"),
    }
    for name, topic in samples.items():
        readers = {
            role.value
            for role, account in acl.items()
            if any(topic_matches(f, topic) for f in account.read)
        }
        assert set(doc["channels"][name]["x-motcua-readers"]) == readers, name
