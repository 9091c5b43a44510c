"""The `[index]` section: taking part in the provincial dossier index (see docs/province.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from shared.domain.site import ID_PATTERN

# The shortest key accepted: 32 characters, e.g. `head -c 32 /dev/urandom | base64`.
MIN_KEY_CHARS = 32
SiteId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
BranchName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class IndexKeyError(Exception):
    """The index key file is missing, unreadable or too short."""


class IndexConfig(BaseModel):
    """Whether the branch sends its dossiers to the provincial index and asks it for others."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = Field(
        False,
        description="Send every dossier change to the provincial index (over the bridge to the "
        "central broker) and ask it for dossiers received at other branches.",
    )
    key_file: str = Field(
        "",
        description="File with the province's index key (the same file on every branch; never "
        "on the central index). Tokens and phone digits leave the branch only hashed with it.",
    )
    answer_timeout_seconds: float = Field(
        1.5,
        ge=0.2,
        le=10,
        description="How long a lookup waits for the index before the device is told "
        "`index_unavailable` (keep it under the devices' 2-second wait).",
    )
    resend_seconds: int = Field(
        30, ge=1, le=3600, description="Resend an entry the index has not acknowledged after this."
    )
    in_flight: int = Field(
        200, ge=1, le=1000, description="Most entries sent and not yet acknowledged at a time."
    )

    return_branches: dict[SiteId, BranchName] = Field(
        default_factory=dict,
        description="Branches this one may transfer a ready result to, so the citizen collects "
        "it there (site id → the name citizens are told). Empty: results are returned only "
        "where the dossier was received. Set it only where the province allows returning at "
        "another point.",
    )

    @model_validator(mode="after")
    def _key_when_enabled(self) -> IndexConfig:
        if self.enabled and not self.key_file:
            raise ValueError("key_file is required when the index is enabled")
        if self.return_branches and not self.enabled:
            raise ValueError("return_branches needs the provincial index (enabled = true)")
        return self

    def key(self) -> bytes:
        """Read the index key; raise IndexKeyError with the file named when it is unusable."""
        path = Path(self.key_file)
        try:
            text = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise IndexKeyError(f"[index] key_file {path}: cannot read it ({exc})") from None
        if len(text) < MIN_KEY_CHARS:
            raise IndexKeyError(
                f"[index] key_file {path}: the key needs at least {MIN_KEY_CHARS} characters"
            )
        return text.encode("utf-8")
