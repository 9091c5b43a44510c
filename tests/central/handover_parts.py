"""Pieces the result-transfer tests of the central index share: notices, entries, a recorder."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.second_factor import key_id
from shared.messaging.bus import Bus, Message
from shared.messaging.codec import encode
from shared.messaging.index import IndexAck, IndexEntry, ResultEvent, ResultHandover
from shared.storage.index_tables import CentralHandoverRow
from tests.helpers.index_entries import KEY, entry

NOW = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
CODE = "000.00.17.H97-261207-0001"
OWNER = "hcc-a"
HOLDER = "hcc-b"
# The owner is bridged under a remapped prefix, the holder under the usual one.
OWNER_BASE = f"tinh/hcm/motcua/v1/{OWNER}"
HOLDER_BASE = f"motcua/v1/{HOLDER}"
PREFIXES = ["motcua/v1/+", "tinh/hcm/motcua/v1/+"]


def notice(event: ResultEvent = ResultEvent.ARRIVED, **changes: Any) -> ResultHandover:
    """The holder's notice about CODE, as its branch sends it."""
    fields: dict[str, Any] = {
        "site_id": HOLDER,
        "site_name": f"Chi nhánh {HOLDER}",
        "owner_site_id": OWNER,
        "code": CODE,
        "event": event,
        "officer": "cb07",
        "at": NOW,
        "key_id": key_id(KEY),
    }
    fields.update(changes)
    return ResultHandover.model_validate(fields)


def transferred(version: int, to: str | None = HOLDER, **view_changes: Any) -> IndexEntry:
    """The owner's entry of CODE at `version`, its result transferred to `to`."""
    name = f"Chi nhánh {to}" if to else ""
    return entry(
        CODE, version, site=OWNER, result_site_id=to, result_site_name=name, **view_changes
    )


def message(base: str, kind: str, model: BaseModel) -> Message:
    """What central receives on `{base}/index/{kind}`."""
    return Message(f"{base}/index/{kind}", encode(model))


class Recorder:
    """Every message published on a bus, in order."""

    def __init__(self, bus: Bus) -> None:
        self.messages: list[Message] = []
        self._lock = threading.Lock()
        bus.subscribe("#", self._take)

    def _take(self, message: Message) -> None:
        with self._lock:
            self.messages.append(message)

    def on(self, topic: str) -> list[Message]:
        """The messages published on one topic."""
        with self._lock:
            return [m for m in self.messages if m.topic == topic]

    def acks(self, base: str) -> list[tuple[str, int]]:
        """The (code, version) pairs acknowledged under a branch's prefix."""
        acked = [IndexAck.model_validate_json(m.payload) for m in self.on(f"{base}/index/ack")]
        return [(a.code, a.version) for ack in acked for a in ack.acks]

    def handed(self, base: str) -> list[ResultHandover]:
        """The notices forwarded to a branch under its prefix."""
        topic = f"{base}/index/handed"
        return [ResultHandover.model_validate_json(m.payload) for m in self.on(topic)]

    def clear(self) -> None:
        """Forget what was recorded."""
        with self._lock:
            self.messages.clear()


def handover_rows(sessions: sessionmaker[Session]) -> list[CentralHandoverRow]:
    """The stored notices, by code and version."""
    with sessions() as session:
        query = select(CentralHandoverRow).order_by(
            CentralHandoverRow.code, CentralHandoverRow.version
        )
        return list(session.scalars(query))
