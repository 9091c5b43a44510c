"""JSON Schemas of every message, generated from the models, for third-party integrators.

python -m shared.messaging.schemas docs/schemas
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from pydantic import BaseModel

from shared.messaging.dossier_views import DossierFull, DossierPublic, ProcedureView
from shared.messaging.registry import COMMAND_TYPES
from shared.messaging.replies import Reply
from shared.messaging.states import (
    BoardState,
    CounterStateMessage,
    DeviceStatus,
    DossierEventMessage,
    LateDossiersState,
    LoginLocksState,
    QueuesState,
    TicketEventMessage,
)

OTHER_MESSAGES: dict[str, type[BaseModel]] = {
    "reply": Reply,
    "ticket_event": TicketEventMessage,
    "board": BoardState,
    "counter_state": CounterStateMessage,
    "queues": QueuesState,
    "status": DeviceStatus,
    "dossier_event": DossierEventMessage,
    "late_dossiers": LateDossiersState,
    "login_locks": LoginLocksState,
    "view.dossier_public": DossierPublic,
    "view.dossier_full": DossierFull,
    "view.procedure": ProcedureView,
}


def all_schemas() -> dict[str, str]:
    """Return file name → schema text for every command and every other message."""
    models: dict[str, type[BaseModel]] = {f"cmd.{k}": v for k, v in COMMAND_TYPES.items()}
    models.update(OTHER_MESSAGES)
    return {
        f"{name}.json": json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n"
        for name, model in sorted(models.items())
    }


def main(argv: list[str]) -> int:
    """Write the schemas into the directory given."""
    if len(argv) != 1:
        print("usage: python -m shared.messaging.schemas DIR", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name, text in all_schemas().items():
        (out / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
