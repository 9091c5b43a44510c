"""The rating pad facing the citizen: the officer's name, then big faces after each service."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from counter_console.actions import Officer
from counter_console.runner import CommandRunner
from shared.messaging import dossier_commands as d
from shared.messaging.client import new_request_id
from shared.messaging.replies import Reply

THANKS_SECONDS = 4


@dataclass(frozen=True)
class Face:
    """One button of the pad: its score and its words."""

    score: int
    label: str
    colour: str


FACES: dict[int, tuple[Face, ...]] = {
    3: (
        Face(1, "Không hài lòng", "#c62828"),
        Face(2, "Hài lòng", "#f9a825"),
        Face(3, "Rất hài lòng", "#2e7d32"),
    ),
    5: (
        Face(1, "Rất không hài lòng", "#b71c1c"),
        Face(2, "Không hài lòng", "#ef6c00"),
        Face(3, "Bình thường", "#f9a825"),
        Face(4, "Hài lòng", "#7cb342"),
        Face(5, "Rất hài lòng", "#2e7d32"),
    ),
}


class PadMode(StrEnum):
    """What the pad shows."""

    IDLE = "idle"  # nobody signed in: the centre's greeting
    WELCOME = "welcome"  # the officer's name and photo
    ASK = "ask"  # the faces, for the ticket just finished
    THANKS = "thanks"


class RatingViewModel(QObject):
    """Asks for a rating after each finished ticket; an unanswered one times out quietly."""

    changed = Signal()
    # number, score: a rating the server stored.
    rated = Signal(str, int)

    def __init__(
        self,
        runner: CommandRunner,
        counter_label: str,
        *,
        scale: int = 3,
        timeout_seconds: float = 30,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.counter_label = counter_label
        self.scale = scale if scale in FACES else 3
        self.officer: Officer | None = None
        self.mode = PadMode.IDLE
        self.number = ""
        self.chosen = 0
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.setInterval(int(timeout_seconds * 1000))
        self._timeout.timeout.connect(self.give_up)
        self._thanks = QTimer(self)
        self._thanks.setSingleShot(True)
        self._thanks.setInterval(THANKS_SECONDS * 1000)
        self._thanks.timeout.connect(self._back_to_welcome)

    @property
    def faces(self) -> tuple[Face, ...]:
        """Return the faces of the configured scale, worst first."""
        return FACES[self.scale]

    @Slot(object)
    def set_officer(self, officer: Officer | None) -> None:
        """Show who serves at this counter (or the idle greeting when nobody does)."""
        self.officer = officer
        if self.mode is not PadMode.ASK:
            self.mode = PadMode.WELCOME if officer is not None else PadMode.IDLE
        self.changed.emit()

    @Slot(str)
    def ask(self, number: str) -> None:
        """Ask the citizen of `number` to rate the service (a newer finish replaces it)."""
        self.number = number
        self.chosen = 0
        self.mode = PadMode.ASK
        self._thanks.stop()
        self._timeout.start()
        self.changed.emit()

    def choose(self, score: int) -> bool:
        """Store the citizen's choice for the ticket being asked about."""
        if self.mode is not PadMode.ASK or not any(f.score == score for f in self.faces):
            return False
        number = self.number
        self.chosen = score
        self._timeout.stop()
        self.mode = PadMode.THANKS
        self._thanks.start()
        self.changed.emit()
        command = d.RateService(
            request_id=new_request_id(), number=number, score=score, scale=self.scale
        )
        self.runner.submit(command, lambda reply: self._stored(number, score, reply))
        return True

    def _stored(self, number: str, score: int, reply: Reply) -> None:
        if reply.ok:
            self.rated.emit(number, score)

    @Slot()
    def give_up(self) -> None:
        """Drop an unanswered rating quietly."""
        if self.mode is PadMode.ASK:
            self._back_to_welcome()

    @Slot()
    def _back_to_welcome(self) -> None:
        self.mode = PadMode.WELCOME if self.officer is not None else PadMode.IDLE
        self.number = ""
        self.changed.emit()

    def stop(self) -> None:
        """Stop the timers."""
        self._timeout.stop()
        self._thanks.stop()
