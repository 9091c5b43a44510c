"""The one-writer guard for tools that change the database, and the server they apply through.

Only the queue server changes queue and dossier state. A tool that writes (`motcua dossier
import`, `import-catalogue`, `officer add|disable`) therefore runs only while the server is
stopped: on SQLite it holds the database's exclusive lock for the whole run (the server keeps
its connections open, so while it runs the lock is refused); on PostgreSQL it refuses when the
site's server answers on its health port. Commands a tool applies (the `sync_dossier` records
of `dossier import`) go through an in-process `QueueServer` on the in-memory bus, so each is
recorded in the audit log (command_log) exactly as one sent over the broker would be.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from admin.backup import BackupError, lock_database
from server.daemon import QueueServer
from server.dossier_service import DossierSettings
from server.main import open_site_database
from shared.cli_text import say
from shared.config.site import SiteConfig
from shared.messaging.bus import Message
from shared.messaging.client import CommandClient
from shared.messaging.commands import Command
from shared.messaging.memory import MemoryBroker, MemoryBus
from shared.messaging.replies import Reply
from shared.messaging.topics import Topics
from shared.runtime import utc_now
from shared.storage.engine import close_database, migrate

STOP_SERVER = say(
    "dừng máy chủ (systemctl stop motcua-server) rồi chạy lại lệnh này",
    "stop it (systemctl stop motcua-server) and run this command again",
)


class ServerRunning(Exception):
    """The queue server has the database: a tool that writes must not run now."""


def running_message(advice: str = STOP_SERVER) -> str:
    """The refusal a writing tool prints: 'Máy chủ đang chạy: <what to do>'."""
    return say(f"Máy chủ đang chạy: {advice}.", f"The queue server is running: {advice}.")


def _server_answers(config: SiteConfig) -> bool:
    port = config.server.health_port
    if port == 0:
        return False
    try:
        with socket.create_connection((config.server.health_host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _sqlite_file(config: SiteConfig, database_url: str) -> Path | None:
    url = make_url(database_url or config.database_url())
    if url.get_backend_name() != "sqlite":
        return None
    return Path(url.database or "")


def server_is_running(config: SiteConfig, database_url: str = "") -> bool:
    """Tell whether the queue server holds the site's database (SQLite: its lock is refused;
    PostgreSQL: the server answers on its health port)."""
    path = _sqlite_file(config, database_url)
    if path is None:
        return _server_answers(config)
    if not path.is_file():
        return False
    try:
        lock_database(path).close()
    except BackupError:
        return True
    return False


@contextmanager
def offline_sessions(
    config: SiteConfig, database_url: str = "", advice: str = STOP_SERVER
) -> Iterator[sessionmaker[Session]]:
    """Open the site's database for a tool that writes; raise ServerRunning while it runs.

    On SQLite the exclusive lock is held until the block ends, so nothing else can open the
    database halfway. A missing SQLite file is created (and migrated) first.
    """
    path = _sqlite_file(config, database_url)
    if path is None:
        if _server_answers(config):
            raise ServerRunning(running_message(advice))
        sessions = open_site_database(config, database_url)
        try:
            yield sessions
        finally:
            close_database(sessions)
        return
    if not path.is_file():
        close_database(open_site_database(config, database_url))
    try:
        connection = lock_database(path)
    except BackupError:
        raise ServerRunning(running_message(advice)) from None
    with closing(connection):
        connection.execute("PRAGMA foreign_keys=ON")
        engine = create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        try:
            migrate(engine)
            yield sessionmaker(engine, expire_on_commit=False)
        finally:
            engine.dispose()


class OfflineServer:
    """A queue server in this process, on the in-memory bus, for one tool's device.

    Commands go through `QueueServer.handle` as they would from the broker: the sender's role
    is checked, each command is applied and recorded in command_log, a retry with the same
    request id gets the stored reply. `device` is added to the site's external systems so it
    may send `sync_dossier`.
    """

    def __init__(self, config: SiteConfig, sessions: sessionmaker[Session], device: str) -> None:
        site = config.to_domain()
        settings = DossierSettings.from_config(config)
        settings = replace(settings, external_devices=settings.external_devices | {device})
        self.sessions = sessions
        self.broker = MemoryBroker()
        topics = Topics(site.id)
        self.server = QueueServer(
            site, sessions, MemoryBus(self.broker, f"server-{site.id}"), utc_now, settings
        )
        self.broker.subscribe(topics.commands(), self.server.handle)
        self._events: list[dict[str, Any]] = []
        self.broker.subscribe(topics.event("dossier"), self._event)
        self.client = CommandClient(MemoryBus(self.broker, device), topics, device)

    def _event(self, message: Message) -> None:
        self._events.append(json.loads(message.payload))

    def send(self, command: Command) -> tuple[Reply, list[dict[str, Any]]]:
        """Apply one command; return its reply and the dossier events it published."""
        self._events.clear()
        reply = self.client.send(command, timeout=30.0, attempts=1)
        return reply, list(self._events)

    def close(self) -> None:
        """Stop the password-check workers (the command worker never started)."""
        self.server.logins.close()
