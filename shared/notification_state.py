"""The retained state `motcua notify` publishes for supervisors: counts and dead letters.

No full phone number or e-mail address travels here: recipients are masked ("09xx xxx 678").
(The topic and the model belong with the others in shared/messaging/topics.py and states.py;
they sit here until those modules take them.)
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.notifications import DeliveryState, MessageKind
from shared.messaging.topics import Topics


def notifications_topic(site_id: str) -> str:
    """Retained state of the site's messages to citizens: …/state/notifications."""
    return Topics(site_id).notifications()


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1


class DeadLetter(_Message):
    """A message given up on, for a person to check and perhaps send again."""

    id: int = Field(description="Row id, for `motcua notify --resend ID`.")
    kind: MessageKind
    kind_label: str
    recipient: str = Field(description="Masked phone or e-mail ('09xx xxx 678').")
    reference: str = Field(description="Dossier code or ticket number.")
    channel: str = Field(description="Channel tried last (zns, sms, email), or empty.")
    error: str = Field(description="Why it was given up.")
    at: datetime


class NotificationsState(_Message):
    """Retained: how many messages are in each state, and the newest dead letters."""

    type: Literal["notifications"] = "notifications"
    counts: dict[DeliveryState, int]
    dead_letters: list[DeadLetter] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list, description="Gateways configured.")
    at: datetime
