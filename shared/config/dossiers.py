"""The `[dossiers]` section: how dossier codes look, when results are returned, who signs."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain.dossier_codes import DossierCodePattern

MAX_FOREIGN_PATTERNS = 20


# Reasons a kiosk may show anyone who scans the slip: no names, no numbers, no internal notes.
PUBLIC_REASONS = (
    "Hồ sơ cần thêm thời gian thẩm định, xác minh",
    "Đang chờ ý kiến của cơ quan, đơn vị có liên quan",
    "Hồ sơ cần bổ sung, hoàn thiện theo quy định",
    "Thành phần hồ sơ chưa đầy đủ theo quy định",
    "Thủ tục không thuộc thẩm quyền giải quyết của cơ quan",
    "Chờ công dân thực hiện nghĩa vụ tài chính",
    "Sự cố kỹ thuật của hệ thống thông tin",
)


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
    parent_body: str = Field(
        "",
        description="Body above the issuing unit on form headings, e.g. "
        "'Ủy ban nhân dân tỉnh Khánh Hòa'; empty = the unit alone.",
    )
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
    public_reasons: list[str] = Field(
        default_factory=lambda: list(PUBLIC_REASONS),
        description="Reasons written for the citizen (supplement, refusal, delay). A kiosk shows "
        "an officer's reason only when it is one of these; any other text stays for staff.",
    )
    foreign_code_patterns: list[str] = Field(
        default_factory=list,
        max_length=MAX_FOREIGN_PATTERNS,
        description="Regular expressions (Python syntax, matched against the whole scanned "
        "code) of dossier codes printed by the province's other one-stop systems, e.g. "
        "'^000\\.00\\.(?!17\\.)\\d{2}\\.H12-\\d{6}-\\d{4}$'; such a scan is shown as "
        "another system's dossier instead of 'Không nhận ra mã'. A pattern must not match "
        "this site's own codes.",
    )

    def code_regex(self) -> str:
        """Return the regular expression scanners use to recognise this site's dossier codes."""
        return DossierCodePattern(self.code_pattern).regex()

    @field_validator("code_pattern")
    @classmethod
    def _check_pattern(cls, value: str) -> str:
        DossierCodePattern(value)
        return value

    @field_validator("foreign_code_patterns")
    @classmethod
    def _check_foreign_patterns(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            if not pattern or len(pattern) > 200:
                raise ValueError("a pattern must have 1 to 200 characters")
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"{pattern!r} is not a regular expression: {exc}") from None
            if compiled.fullmatch(""):
                raise ValueError(f"{pattern!r} matches an empty scan; it would match anything")
        return patterns

    @model_validator(mode="after")
    def _foreign_is_not_ours(self) -> DossiersConfig:
        # Why: a scan matching a foreign pattern is taken for another system's dossier, so a
        # pattern that also matches this site's own codes would send our own dossiers away.
        ours = DossierCodePattern(self.code_pattern).format(self.agency_code, date(2025, 7, 1), 1)
        for pattern in self.foreign_code_patterns:
            if re.fullmatch(pattern, ours):
                raise ValueError(
                    f"foreign_code_patterns: {pattern!r} also matches this site's own dossier "
                    f"codes (e.g. {ours}); narrow it to the other systems' agency codes, e.g. "
                    f"with (?!{re.escape(self.agency_code)})"
                )
        return self

    @field_validator("due_time", "late_check_time")
    @classmethod
    def _check_time(cls, value: str) -> str:
        hours, _, minutes = value.partition(":")
        if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
            raise ValueError(f"expected HH:MM, got {value!r}")
        return value
