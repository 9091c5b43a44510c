"""The command table: every verb of the protocol, its model and the roles that may send it.

The server checks a sender's role against it, `motcua provision` writes the broker ACL from
it, and docs/deployment.md shows it: a new command is one row here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from shared.messaging.appointment_commands import APPOINTMENT_COMMANDS
from shared.messaging.commands import COMMAND_TYPES as QUEUE_COMMANDS
from shared.messaging.commands import Command
from shared.messaging.dossier_commands import DOSSIER_COMMANDS, OFFICER_COMMANDS


class Role(StrEnum):
    """What a broker account (= client id = device id) is."""

    SERVER = "server"
    DEVICES = "devices"
    SUPERVISOR = "supervisor"
    EXTERNAL = "external"
    KIOSK = "kiosk"
    DISPLAY = "display"
    COUNTER = "counter"
    WEB = "web"
    NOTIFY = "notify"


COMMAND_TYPES: dict[str, type[Command]] = {
    **QUEUE_COMMANDS,
    **{
        cls.model_fields["type"].default: cls
        for cls in (*DOSSIER_COMMANDS, *OFFICER_COMMANDS, *APPOINTMENT_COMMANDS)
    },
}

K, C, E, W = Role.KIOSK, Role.COUNTER, Role.EXTERNAL, Role.WEB
# Who may send what. A counter's commands are further checked by the server (a logged-in
# officer, the officer's own counter, the dossier's own branch); a verb not listed is a counter's.
_SENDERS: dict[str, frozenset[Role]] = {
    "issue_ticket": frozenset({K}),
    "void_ticket": frozenset({K}),
    "ticket_status": frozenset({K, C, E, W}),
    "list_procedures": frozenset({K, C, E}),
    "look_up_dossier": frozenset({K, C, E, W}),
    "sync_dossier": frozenset({E}),
    # Appointments: the citizens' pages book; a kiosk checks in (docs/appointments.md).
    "booking_options": frozenset({W}),
    "list_slots": frozenset({W}),
    "request_booking": frozenset({W}),
    "confirm_booking": frozenset({W}),
    "booking_status": frozenset({W}),
    "cancel_booking": frozenset({W}),
    "change_booking": frozenset({W}),
    "check_in": frozenset({K}),
}
# Default names of the accounts that are not listed in the site file one by one.
EXTERNAL_USER = "external"
SUPERVISOR_USER = "supervisor"
# The citizens' web service (`motcua web`): its instances share this account.
WEB_USER = "web"
DISPLAY_PREFIX = "display-"


def has_secret(model: type[Command]) -> bool:
    """Tell whether a command carries a field marked secret (a password or PIN)."""
    properties = model.model_json_schema().get("properties", {})
    return any(field.get("secret") is True for field in properties.values())


@dataclass(frozen=True)
class CommandSpec:
    """One row of the command table: verb, payload model, sender roles, secret or not."""

    verb: str
    model: type[Command]
    roles: frozenset[Role]
    secret: bool


COMMANDS: dict[str, CommandSpec] = {
    verb: CommandSpec(verb, model, _SENDERS.get(verb, frozenset({C})), has_secret(model))
    for verb, model in COMMAND_TYPES.items()
}
# Verbs whose commands carry a secret: no account but the server may read their topics.
SECRET_VERBS: frozenset[str] = frozenset(v for v, spec in COMMANDS.items() if spec.secret)


def verbs_for(role: Role) -> tuple[str, ...]:
    """Return the verbs a role may send, in table order."""
    return tuple(v for v, spec in COMMANDS.items() if role in spec.roles)


def may_send(role: Role | None, verb: str) -> bool:
    """Tell whether a sender of this role may send this verb (unknown verbs: no)."""
    spec = COMMANDS.get(verb)
    return role is not None and spec is not None and role in spec.roles


def device_role(device: str, counters: Iterable[str], externals: Iterable[str] = ()) -> Role:
    """Name the role of the device a command topic names.

    Counters and external systems are listed in the site file; `external`, `supervisor` and
    `display-…` are provision's fixed names; every other device is a kiosk (kiosks are not
    listed: provision names them kiosk-1, kiosk-2 …, and only a kiosk's verbs are open to them).
    """
    if device in set(counters):
        return Role.COUNTER
    if device == EXTERNAL_USER or device in set(externals):
        return Role.EXTERNAL
    if device == SUPERVISOR_USER:
        return Role.SUPERVISOR
    if device == WEB_USER:
        return Role.WEB
    if device.startswith(DISPLAY_PREFIX):
        return Role.DISPLAY
    return Role.KIOSK


def senders_table() -> str:
    """Render the command table as the Markdown docs/protocol.md shows (who may send what)."""
    roles = (Role.KIOSK, Role.COUNTER, Role.EXTERNAL, Role.WEB)
    lines = ["| command | " + " | ".join(roles) + " |", "|---|" + "---|" * len(roles)]
    for verb, spec in COMMANDS.items():
        marks = " | ".join("✓" if r in spec.roles else "" for r in roles)
        lines.append(f"| `{verb}` | {marks} |")
    return "\n".join(lines) + "\n"
