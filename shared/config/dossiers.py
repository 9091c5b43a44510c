"""The `[dossiers]` section: how dossier codes look, when results are returned, who signs."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.dossier_codes import DossierCodePattern


class DossiersConfig(BaseModel):
    """Dossier settings of a site."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    agency_code: str = Field(
        "000.00.00.H00",
        min_length=1,
        max_length=30,
        pattern=r"^[A-Za-z0-9.]+$",
        description="Agency code at the start of dossier codes, e.g. '000.00.17.H12'.",
    )
    code_pattern: str = Field(
        "{agency}-{yymmdd}-{seq:04d}",
        description="Dossier code: {agency}, {yymmdd}, {yyyymmdd}, {seq:0Nd} (daily sequence).",
    )
    due_time: str = Field("16:30", description="Local time (HH:MM) results are promised for.")
    return_service: str | None = Field(
        None, description="Queue service of the return counter (kiosk's 'collect result')."
    )
    catalogue: str = Field(
        "", description="Procedure catalogue (CSV or XLSX) loaded at start; empty = none."
    )
    place: str = Field("", description="Place name printed before the date on forms.")
    head_title: str = Field("Giám đốc", description="Title signing the apology slip (Mẫu 04).")
    head_name: str = Field("", description="Name signing the apology slip.")
    register_book: str = Field("01", description="Register book number printed on slips.")
    external_systems: list[str] = Field(
        default_factory=list,
        description="Device ids of external one-stop systems allowed to sync dossiers.",
    )
    late_check_time: str = Field(
        "07:00", description="Local time (HH:MM) of the daily check for dossiers near their due."
    )

    def code_regex(self) -> str:
        """Return the regular expression scanners use to recognise this site's dossier codes."""
        return DossierCodePattern(self.code_pattern).regex()

    @field_validator("code_pattern")
    @classmethod
    def _check_pattern(cls, value: str) -> str:
        DossierCodePattern(value)
        return value

    @field_validator("due_time", "late_check_time")
    @classmethod
    def _check_time(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError(f"expected HH:MM, got {value!r}")
        return value
