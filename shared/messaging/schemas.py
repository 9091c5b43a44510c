"""JSON Schemas of every message and the AsyncAPI document, from the models, for integrators.

python -m shared.messaging.schemas docs/schemas [docs/asyncapi.json]

The AsyncAPI document goes beside the schema folder unless a file is named.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from shared.messaging.asyncapi import asyncapi_document
from shared.messaging.dossier_views import DossierFull, DossierPublic, ProcedureView
from shared.messaging.index import IndexAck, IndexAnswer, IndexEntry, IndexLookup, ResultHandover
from shared.messaging.registry import COMMAND_TYPES
from shared.messaging.replies import Reply
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

OTHER_MESSAGES: dict[str, type[BaseModel]] = {
    "reply": Reply,
    "ticket_event": TicketEventMessage,
    "board": BoardState,
    "counter_state": CounterStateMessage,
    "queues": QueuesState,
    "lines": LinesState,
    "status": DeviceStatus,
    "dossier_event": DossierEventMessage,
    "late_dossiers": LateDossiersState,
    "login_locks": LoginLocksState,
    "view.dossier_public": DossierPublic,
    "view.dossier_full": DossierFull,
    "view.procedure": ProcedureView,
    "index.entry": IndexEntry,
    "index.ack": IndexAck,
    "index.lookup": IndexLookup,
    "index.answer": IndexAnswer,
    "index.handover": ResultHandover,
}
ASYNCAPI_FILE = "asyncapi.json"


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def all_schemas() -> dict[str, str]:
    """Return file name → schema text for every command, every result and every other message."""
    models: dict[str, type[BaseModel]] = {f"cmd.{k}": v for k, v in COMMAND_TYPES.items()}
    models.update({f"result.{k}": v for k, v in RESULT_TYPES.items()})
    models.update(OTHER_MESSAGES)
    return {
        f"{name}.json": _json(model.model_json_schema()) for name, model in sorted(models.items())
    }


def asyncapi_text() -> str:
    """Return the AsyncAPI document as the JSON text docs/asyncapi.json holds."""
    return _json(asyncapi_document())


def main(argv: list[str]) -> int:
    """Write the schemas into the directory given, and the AsyncAPI document."""
    if len(argv) not in (1, 2):
        print("usage: python -m shared.messaging.schemas DIR [ASYNCAPI_FILE]", file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for name, text in all_schemas().items():
        (out / name).write_text(text, encoding="utf-8")
    document = Path(argv[1]) if len(argv) == 2 else out.parent / ASYNCAPI_FILE
    document.write_text(asyncapi_text(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
