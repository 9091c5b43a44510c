"""Every command type of the protocol by its `type` (also its topic verb)."""

from __future__ import annotations

from shared.messaging.commands import COMMAND_TYPES as QUEUE_COMMANDS
from shared.messaging.commands import Command
from shared.messaging.dossier_commands import DOSSIER_COMMANDS, OFFICER_COMMANDS

COMMAND_TYPES: dict[str, type[Command]] = {
    **QUEUE_COMMANDS,
    **{cls.model_fields["type"].default: cls for cls in (*DOSSIER_COMMANDS, *OFFICER_COMMANDS)},
}


def has_secret(model: type[Command]) -> bool:
    """Tell whether a command carries a field marked secret (a password or PIN)."""
    properties = model.model_json_schema().get("properties", {})
    return any(field.get("secret") is True for field in properties.values())


# Verbs whose commands carry a secret: no account but the server may read their topics.
SECRET_VERBS: frozenset[str] = frozenset(v for v, m in COMMAND_TYPES.items() if has_secret(m))
