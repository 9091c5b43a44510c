"""Retention of citizens' personal data (`[privacy]`), after Luật 91/2025/QH15 and NĐ 356/2025."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.personal_data import Retention


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrivacyConfig(_Model):
    """How long each class of personal data is kept, and where the hashing key lives."""

    ticket_link_days: int = Field(
        90, ge=0, description="Days a ticket stays linked to its dossier (0 = keep)."
    )
    dossier_contact_days: int = Field(
        365,
        ge=0,
        description="Days after a dossier ends (returned, refused, withdrawn, stopped) that the "
        "citizen's phone, e-mail, address and ID number are kept (0 = keep).",
    )
    rating_link_days: int = Field(
        90, ge=0, description="Days a rating stays linked to its ticket and dossier (0 = keep)."
    )
    audit_payload_days: int = Field(
        90,
        ge=0,
        description="Days the audit log keeps the citizen data commands carried (0 = keep).",
    )
    access_log_days: int = Field(
        1825, ge=0, description="Days the personal-data access log is kept (0 = keep)."
    )
    notification_days: int = Field(
        30,
        ge=0,
        description="Days after a message to a citizen was sent (or given up) that its phone "
        "number and e-mail are kept (0 = keep).",
    )
    key_file: str = Field(
        "",
        description="File with the key that hashes ID numbers; empty = privacy.key in the data "
        "directory, created (mode 0600) on first use. Back it up with the database.",
    )

    def retention(self) -> Retention:
        """Return the retention periods as the domain's value."""
        return Retention(
            ticket_link_days=self.ticket_link_days,
            dossier_contact_days=self.dossier_contact_days,
            rating_link_days=self.rating_link_days,
            audit_payload_days=self.audit_payload_days,
            access_log_days=self.access_log_days,
            notification_days=self.notification_days,
        )
