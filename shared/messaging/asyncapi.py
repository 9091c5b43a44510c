"""The AsyncAPI 3.0 document of the whole protocol, built from the models and the command table.

It describes the queue server: the commands it receives (with their replies), the events and
retained states it sends. A client does the mirror image. `python -m shared.messaging.schemas`
writes it to docs/asyncapi.json; a test keeps the committed file current.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from shared.domain.counter_actions import CounterAction
from shared.domain.tickets import TicketEventKind
from shared.messaging.registry import COMMANDS, Role
from shared.messaging.replies import ERROR_MEANINGS, ErrorInfo, Reply
from shared.messaging.results import RESULT_TYPES
from shared.messaging.states import (
    BoardState,
    CounterStateMessage,
    DeviceStatus,
    DossierEventMessage,
    LateDossiersState,
    LinesState,
    LoginLocksState,
    QueuesState,
    TicketEventMessage,
)
from shared.messaging.topics import ROOT

MQTT_BINDING = "0.2.0"
SCHEMAS = "#/components/schemas/"
PARAMETERS: dict[str, dict[str, Any]] = {
    "site": {"description": "The site id of the site file (`[site] id`), e.g. `hcc-demo`."},
    "device": {
        "description": (
            "The sender's device id, which is also its MQTT client id and broker user: a "
            "counter id (`q05`), a kiosk id (`kiosk-1`), `external` or an id listed in "
            "`[dossiers] external_systems`."
        )
    },
    "kind": {
        "description": "The ticket event's kind (the payload's `kind`).",
        "enum": [kind.value for kind in TicketEventKind],
    },
    "zone": {"description": "A display zone id of the site file (`[[zones]] id`)."},
    "counter": {"description": "A counter id of the site file (`[[counters]] id`)."},
}
OVERVIEW = """\
Motcua is a queue and dossier-tracking system for public-service centres. Every process talks
to the queue server (the single writer) through one MQTT v5 broker; payloads are UTF-8 JSON
objects with `type` and the schema version `v` (1). Times are ISO 8601 (UTC, `…Z`).

**Who you are.** Every client has one name, its device id: the MQTT client id, the broker user
(`motcua provision` makes one account per device id), the `{device}` of every command topic it
publishes, and the `{device}` of the reply topic it reads. The server takes the sender from the
command topic, never from the payload, and checks the sender's role against the command's
senders (`x-motcua-senders`): counters are the site's counter ids, external systems `external`
or the `[dossiers] external_systems` ids, `web` the citizens' web pages (several instances
share the account, each with a client id of its own), `display-{zone}` and `supervisor` send
nothing, any other device is a kiosk. A command the role may not send gets `forbidden`.

**Request and reply.** Publish a command on `motcua/v1/{site}/cmd/{verb}/{device}` with QoS 0,
not retained, with the MQTT v5 properties ResponseTopic = exactly
`motcua/v1/{site}/reply/{device}` (any other is dropped unanswered) and CorrelationData (any
bytes, copied into the reply). Every command carries a `request_id` (1–64 characters
`A–Z a–z 0–9 . _ : -`), a fresh one (a UUID) per new request. The server replies only after the
command is committed: an ok reply survives a server crash.

**Idempotency.** If no reply comes within 2 s, send the same command again with the same
`request_id` (at most 3 times, then give up with `timeout`): the server applies it once and
repeats its first reply. A request id belongs to one device and one verb; the same device, verb
and id with another payload gets `request_id_conflict`. Ids are remembered for ever. Never queue
commands while disconnected: a command given up on must not arrive later.

**Replies.** `{"type": "reply", "v": 1, "request_id", "ok", "error", "result"}`. An ok reply has
`error` null and the verb's result (`result.{verb}` in the schemas); an error reply has
`result` `{}` and `error` `{"code", "message", "retry_after"}`: `message` is Vietnamese text to
show, `retry_after` the seconds to wait (`locked_out`, `rate_limited`), else null.

**Counter actions.** Each counter's retained state lists in `actions` the counter commands the
server accepts now; enable a console's buttons from it. A listed command can still be refused
for what it names (a number not waiting, a service nobody serves) and `call_next` with nobody at
the counter when nobody waits (`queue_empty`).

**Retained state.** Subscribe to a `state/…` topic and the current snapshot comes at once; each
change replaces it. The server republishes every retained state when it (re)connects. Display
topics (`state/board/…`, `evt/…`) never carry personal data. Every process publishes its
presence on `status/{device}` (retained) and sets `"state": "offline"` there as its last will.
"""


@dataclass(frozen=True)
class Published:
    """A channel the server (or, for `status`, every process) publishes on."""

    name: str
    address: str
    model: type[BaseModel]
    retained: bool
    readers: dict[str, str]  # role → what of the channel it may read
    description: str


EVERYTHING = "every topic of the channel"
PUBLISHED = (
    Published(
        "evt.ticket",
        "evt/{kind}",
        TicketEventMessage,
        False,
        {
            Role.COUNTER: EVERYTHING,
            Role.SUPERVISOR: EVERYTHING,
            Role.EXTERNAL: EVERYTHING,
            Role.WEB: EVERYTHING,
            Role.DISPLAY: "`called` and `recalled` only",
        },
        "Something happened to a ticket; a display announces `called` and `recalled`.",
    ),
    Published(
        "evt.dossier",
        "evt/dossier",
        DossierEventMessage,
        False,
        {
            Role.COUNTER: EVERYTHING,
            Role.SUPERVISOR: EVERYTHING,
            Role.EXTERNAL: EVERYTHING,
            Role.WEB: EVERYTHING,
        },
        "A dossier changed; no personal data.",
    ),
    Published(
        "state.board",
        "state/board/{zone}",
        BoardState,
        True,
        {Role.DISPLAY: "its own zone", Role.COUNTER: EVERYTHING, Role.SUPERVISOR: EVERYTHING},
        "What a zone's hall display shows: each counter's number and the latest calls, newest "
        "first, one line per number.",
    ),
    Published(
        "state.counter",
        "state/counter/{counter}",
        CounterStateMessage,
        True,
        {Role.COUNTER: EVERYTHING, Role.SUPERVISOR: EVERYTHING},
        "A counter's state for its console and supervisors, with the actions allowed now.",
    ),
    Published(
        "state.queues",
        "state/queues",
        QueuesState,
        True,
        {
            Role.KIOSK: EVERYTHING,
            Role.COUNTER: EVERYTHING,
            Role.WEB: EVERYTHING,
            Role.SUPERVISOR: EVERYTHING,
        },
        "Waiting figures and availability of every service (`reason`: why no tickets now).",
    ),
    Published(
        "state.lines",
        "state/lines",
        LinesState,
        True,
        {Role.COUNTER: EVERYTHING, Role.WEB: EVERYTHING, Role.SUPERVISOR: EVERYTHING},
        "Where every waiting ticket stands, service by service in calling order: "
        "[number, people ahead, estimated minutes]; numbers only, for citizens' live pages.",
    ),
    Published(
        "state.dossiers.late",
        "state/dossiers/late",
        LateDossiersState,
        True,
        {Role.COUNTER: EVERYTHING, Role.SUPERVISOR: EVERYTHING},
        "Open dossiers due within one working day or overdue; no personal data.",
    ),
    Published(
        "state.logins",
        "state/logins",
        LoginLocksState,
        True,
        {Role.COUNTER: EVERYTHING, Role.SUPERVISOR: EVERYTHING},
        "Officer ids and counters with wrong logins lately, and until when they must wait.",
    ),
    Published(
        "status",
        "status/{device}",
        DeviceStatus,
        True,
        {
            Role.COUNTER: EVERYTHING,
            Role.SUPERVISOR: EVERYTHING,
            Role.KIOSK: "the server's only (`status/server-{site}`)",
        },
        "A process's presence and health. Every process publishes its own (the server's is "
        "`status/server-{site}`), and sets `offline` there as its MQTT last will.",
    ),
)
# Roles the command table knows, in the order the document lists senders and readers.
ROLE_ORDER = (
    Role.KIOSK,
    Role.COUNTER,
    Role.EXTERNAL,
    Role.WEB,
    Role.DISPLAY,
    Role.SUPERVISOR,
)


def _params(address: str) -> dict[str, Any]:
    return {name: PARAMETERS[name] for name in PARAMETERS if f"{{{name}}}" in address}


def _roles(roles: Collection[Role]) -> list[str]:
    return [role.value for role in ROLE_ORDER if role in roles]


def _errors_text() -> str:
    lines = ["| code | meaning |", "|---|---|"]
    lines += [f"| `{code.value}` | {meaning} |" for code, meaning in ERROR_MEANINGS.items()]
    return "\n".join(lines)


def _component_schemas() -> dict[str, Any]:
    """Every model's JSON Schema, with references into components/schemas."""
    models: list[type[BaseModel]] = [spec.model for spec in COMMANDS.values()]
    models += list(dict.fromkeys(RESULT_TYPES.values()))
    models += [Reply, ErrorInfo, *(p.model for p in PUBLISHED)]
    _, top = models_json_schema(
        [(model, "validation") for model in models], ref_template=SCHEMAS + "{model}"
    )
    schemas: dict[str, Any] = top["$defs"]
    for verb in COMMANDS:
        schemas[f"reply.{verb}"] = _reply_schema(verb)
    return schemas


def _reply_schema(verb: str) -> dict[str, Any]:
    """A reply to one verb: ok with that verb's result, or an error with an empty result."""
    result = RESULT_TYPES[verb].__name__
    return {
        "title": f"Reply to {verb}",
        "oneOf": [
            {
                "title": "ok",
                "allOf": [{"$ref": SCHEMAS + "Reply"}],
                "properties": {
                    "ok": {"const": True},
                    "error": {"type": "null"},
                    "result": {"$ref": SCHEMAS + result},
                },
                "required": ["ok", "result"],
            },
            {
                "title": "error",
                "allOf": [{"$ref": SCHEMAS + "Reply"}],
                "properties": {
                    "ok": {"const": False},
                    "error": {"$ref": SCHEMAS + "ErrorInfo"},
                    "result": {"type": "object", "maxProperties": 0},
                },
                "required": ["ok", "error"],
            },
        ],
    }


def _command(verb: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The channel, operation and message of one command verb."""
    spec = COMMANDS[verb]
    doc = (spec.model.__doc__ or verb).strip()
    senders = _roles(spec.roles)
    address = f"{ROOT}/{{site}}/cmd/{verb}/{{device}}"
    notes = [f"{doc} Sent by: {', '.join(senders)}."]
    if verb in {a.value for a in CounterAction}:
        notes.append("Listed in the counter's `actions` while the counter may send it.")
    if spec.secret:
        notes.append(
            "Carries a secret (a PIN or a citizen's card details): only the sending device writes "
            "this topic and only the server reads it (the supervisor account reads every other "
            "command)."
        )
    channel = {
        "address": address,
        "title": verb,
        "description": " ".join(notes),
        "parameters": _params(address),
        "messages": {verb: {"$ref": f"#/components/messages/cmd.{verb}"}},
    }
    operation = {
        "action": "receive",
        "channel": {"$ref": f"#/channels/cmd.{verb}"},
        "title": verb,
        "summary": doc,
        "description": (
            f"The server applies `{verb}` once per `request_id` and answers on the sender's "
            "reply topic with the verb's result or an error."
        ),
        "messages": [{"$ref": f"#/channels/cmd.{verb}/messages/{verb}"}],
        "reply": {
            "channel": {"$ref": "#/channels/reply"},
            "messages": [{"$ref": f"#/channels/reply/messages/reply.{verb}"}],
        },
        "bindings": {"mqtt": {"qos": 0, "retain": False, "bindingVersion": MQTT_BINDING}},
        "x-motcua-senders": senders,
    }
    message = {
        "name": verb,
        "title": f"Command {verb}",
        "summary": doc,
        "contentType": "application/json",
        "payload": {"$ref": SCHEMAS + spec.model.__name__},
        "correlationId": {"$ref": "#/components/correlationIds/request"},
        "bindings": {
            "mqtt": {
                "responseTopic": {
                    "type": "string",
                    "pattern": f"^{ROOT}/[^/+#]+/reply/[^/+#]+$",
                    "description": "Exactly motcua/v1/{site}/reply/{device} of this topic.",
                },
                "correlationData": {"type": "string", "description": "Any bytes."},
                "contentType": "application/json",
                "payloadFormatIndicator": 1,
                "bindingVersion": MQTT_BINDING,
            }
        },
    }
    return channel, operation, message


def _published(item: Published) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The channel, operation and message of one channel the server publishes on."""
    address = f"{ROOT}/{{site}}/{item.address}"
    kind = str(item.model.model_fields["type"].default)
    readers = {role.value: item.readers[role] for role in ROLE_ORDER if role in item.readers}
    retained = "retained" if item.retained else "not retained"
    channel = {
        "address": address,
        "title": item.name,
        "description": f"{item.description} QoS 1, {retained}.",
        "parameters": _params(address),
        "messages": {kind: {"$ref": f"#/components/messages/{kind}"}},
        "x-motcua-readers": readers,
    }
    operation = {
        "action": "send",
        "channel": {"$ref": f"#/channels/{item.name}"},
        "title": f"publish {item.name}",
        "summary": item.description,
        "messages": [{"$ref": f"#/channels/{item.name}/messages/{kind}"}],
        "bindings": {"mqtt": {"qos": 1, "retain": item.retained, "bindingVersion": MQTT_BINDING}},
    }
    message = {
        "name": kind,
        "title": kind,
        "summary": (item.model.__doc__ or kind).strip(),
        "contentType": "application/json",
        "payload": {"$ref": SCHEMAS + item.model.__name__},
    }
    return channel, operation, message


def _reply_channel() -> dict[str, Any]:
    address = f"{ROOT}/{{site}}/reply/{{device}}"
    return {
        "address": address,
        "title": "reply",
        "description": (
            "The server's replies to one device's commands (QoS 1, not retained), with the "
            "command's CorrelationData. Read by that device (and the supervisor account)."
        ),
        "parameters": _params(address),
        "messages": {
            f"reply.{verb}": {"$ref": f"#/components/messages/reply.{verb}"} for verb in COMMANDS
        },
        "x-motcua-readers": {"device": "its own replies", Role.SUPERVISOR.value: EVERYTHING},
    }


def _reply_message(verb: str) -> dict[str, Any]:
    return {
        "name": f"reply.{verb}",
        "title": f"Reply to {verb}",
        "contentType": "application/json",
        "payload": {"$ref": f"{SCHEMAS}reply.{verb}"},
        "correlationId": {"$ref": "#/components/correlationIds/request"},
    }


def asyncapi_document() -> dict[str, Any]:
    """Build the AsyncAPI 3.0 document of the protocol (plain JSON data)."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for verb in COMMANDS:
        channels[f"cmd.{verb}"], operations[verb], messages[f"cmd.{verb}"] = _command(verb)
        messages[f"reply.{verb}"] = _reply_message(verb)
    channels["reply"] = _reply_channel()
    for item in PUBLISHED:
        kind = str(item.model.model_fields["type"].default)
        channel, operation, message = _published(item)
        channels[item.name], operations[f"publish.{item.name}"], messages[kind] = (
            channel,
            operation,
            message,
        )
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Motcua wire protocol",
            "version": "1",
            "description": f"{OVERVIEW}\n**Error codes.**\n\n{_errors_text()}\n",
            "license": {"name": "AGPL-3.0-or-later"},
        },
        "defaultContentType": "application/json",
        "servers": {
            "site": {
                "host": "{broker}",
                "protocol": "secure-mqtt",
                "protocolVersion": "5",
                "description": (
                    "The site's Mosquitto broker: MQTT v5 over TLS on the LAN, one account per "
                    "device id (`motcua provision`)."
                ),
                "variables": {"broker": {"default": "localhost:8883", "description": "host:port"}},
                "security": [
                    {"$ref": "#/components/securitySchemes/user"},
                    {"$ref": "#/components/securitySchemes/certificate"},
                ],
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": _component_schemas(),
            "messages": messages,
            "correlationIds": {
                "request": {
                    "description": (
                        "The MQTT v5 CorrelationData of the command, copied into its reply."
                    ),
                    "location": "$message.header#/correlationData",
                }
            },
            "securitySchemes": {
                "user": {
                    "type": "userPassword",
                    "description": "Broker user = device id, password from `motcua provision`.",
                },
                "certificate": {
                    "type": "X509",
                    "description": "With `motcua provision --tls`: a certificate per device.",
                },
            },
        },
    }
