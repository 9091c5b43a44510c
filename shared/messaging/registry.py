"""Every command type of the protocol by its `type` (also its topic verb)."""

from __future__ import annotations

from shared.messaging.commands import COMMAND_TYPES as QUEUE_COMMANDS
from shared.messaging.commands import Command
from shared.messaging.dossier_commands import DOSSIER_COMMANDS, OFFICER_COMMANDS

COMMAND_TYPES: dict[str, type[Command]] = {
    **QUEUE_COMMANDS,
    **{cls.model_fields["type"].default: cls for cls in (*DOSSIER_COMMANDS, *OFFICER_COMMANDS)},
}
