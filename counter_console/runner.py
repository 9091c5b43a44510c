"""Send commands off the UI thread and hand each reply back on the UI thread."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from PySide6.QtCore import QObject, Signal, Slot

from counter_console.actions import BUSY
from shared.messaging.commands import Command
from shared.messaging.replies import Reply

ReplyHandler = Callable[[Reply], None]


class Sender(Protocol):
    """Anything that sends a command and returns the reply (a CommandClient)."""

    def send(self, command: Command, timeout: float = 2.0, attempts: int = 3) -> Reply:
        """Send a command and wait for its reply."""
        ...


class CommandRunner(QObject):
    """One worker thread sends commands in order; replies come back through a queued Signal."""

    _replied = Signal(object, object)

    def __init__(self, sender: Sender, timeout: float = 2.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sender = sender
        self._timeout = timeout
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="console-commands")
        self._closed = False
        self._replied.connect(self._deliver)

    def submit(self, command: Command, on_reply: ReplyHandler) -> None:
        """Send `command` on the worker; `on_reply(reply)` runs later on the UI thread."""
        if self._closed:
            return

        def work() -> None:
            reply = self._sender.send(command, timeout=self._timeout)
            self._replied.emit(on_reply, reply)

        self._pool.submit(work)

    def send_now(self, command: Command) -> Reply:
        """Send on the calling thread and wait (for tools and tests, never the UI thread)."""
        return self._sender.send(command, timeout=self._timeout)

    @Slot(object, object)
    def _deliver(self, on_reply: ReplyHandler, reply: Reply) -> None:
        if not self._closed:
            on_reply(reply)

    def close(self) -> None:
        """Stop the worker after the command in hand; later replies are dropped."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)


class OneCommandAtATime:
    """A model's commands, one in flight at a time: `busy` until its reply has been handled."""

    def __init__(
        self,
        runner: CommandRunner,
        changed: Callable[[], None],
        refuse: Callable[[str], object],
    ) -> None:
        self.runner = runner
        self.busy = False
        self._changed = changed
        self._refuse = refuse

    def send(self, command: Command, on_reply: ReplyHandler, busy_ok: bool = False) -> None:
        """Send `command` unless one is waiting (`busy_ok` lets it through); the view follows."""
        if self.busy and not busy_ok:
            self._refuse(BUSY)
            return

        def done(reply: Reply) -> None:
            self.busy = False
            on_reply(reply)
            self._changed()

        self.busy = True
        self.runner.submit(command, done)  # on its way before the view repaints
        self._changed()
