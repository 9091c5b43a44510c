"""SQLite WAL checkpoints on a thread of their own, so that no commit waits for the disk.

By default the connection that commits past 1,000 WAL pages copies them into the database and
syncs it, and that command's reply waits tens of milliseconds. The queue server turns that off
on its connections and checkpoints here every second instead; writers go on appending to the
WAL meanwhile (a passive checkpoint never blocks them).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)
EVERY_SECONDS = 1.0


class WalCheckpoints:
    """Checkpoints an SQLite database's WAL in the background; nothing to do on PostgreSQL."""

    def __init__(self, engine: Engine, every: float = EVERY_SECONDS) -> None:
        self.engine = engine
        self.every = every
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def applies(self) -> bool:
        """Whether the engine is an SQLite file (WAL) database."""
        database = self.engine.url.database or ""
        return self.engine.dialect.name == "sqlite" and database not in ("", ":memory:")

    def start(self) -> WalCheckpoints:
        """Turn automatic checkpoints off on new connections and start the thread."""
        if not self.applies:
            return self

        @event.listens_for(self.engine, "connect")
        def _no_auto_checkpoint(dbapi_connection: Any, record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            cursor.close()

        self.engine.dispose()  # connections made before now keep the automatic checkpoint
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread after a last checkpoint."""
        if self._thread is None:
            return
        self._stop.set()
        self._thread.join(timeout=10)
        self._thread = None
        self.checkpoint()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.checkpoint()
            except Exception:
                log.exception("a WAL checkpoint failed; the next one tries again")

    def checkpoint(self) -> tuple[int, int, int]:
        """Copy what the WAL holds into the database now: (busy, WAL pages, pages copied)."""
        connection = self.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
            row = cursor.fetchone()
            cursor.close()
            busy, pages, copied = row if row is not None else (0, 0, 0)
            return int(busy), int(pages), int(copied)
        finally:
            connection.close()
