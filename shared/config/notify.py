"""The `[notify]` section: messages to citizens (Zalo ZNS, SMS, e-mail) and their templates."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class NotifyConfig(BaseModel):
    """How the site reaches citizens (off unless enabled)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(False, description="Send messages to citizens.")
