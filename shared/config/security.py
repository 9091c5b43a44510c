"""Site settings against guessing and flooding: PIN rules, login lockouts, per-device limits."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.domain.credentials import LockoutPolicy, PinPolicy


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SecurityConfig(_Model):
    """Officer PINs and what happens after wrong ones (`[security]`)."""

    pin_min_length: int = Field(
        6, ge=4, le=64, description="Shortest PIN or password `motcua officer add` accepts."
    )
    login_free_attempts: int = Field(
        3, ge=1, le=100, description="Wrong PINs in a row for one officer id before any wait."
    )
    login_device_free_attempts: int = Field(
        10, ge=1, le=1000, description="Wrong logins in a row at one device before any wait."
    )
    login_first_wait_seconds: int = Field(
        2, ge=1, le=3600, description="Wait after the first wrong PIN past the free ones; doubles."
    )
    login_max_wait_seconds: int = Field(
        900, ge=1, le=86_400, description="Longest wait (the lockout) between two attempts."
    )
    login_forget_seconds: int = Field(
        86_400, ge=60, description="Failures older than this no longer count."
    )
    login_check_workers: int = Field(
        1, ge=1, le=8, description="Threads checking passwords beside the writer (Argon2)."
    )

    def pin_policy(self) -> PinPolicy:
        """The rule new PINs must pass."""
        return PinPolicy(min_length=self.pin_min_length)

    def lockout_policy(self) -> LockoutPolicy:
        """How failed logins turn into waits."""
        return LockoutPolicy(
            free_attempts=self.login_free_attempts,
            device_free_attempts=self.login_device_free_attempts,
            first_wait_seconds=self.login_first_wait_seconds,
            max_wait_seconds=self.login_max_wait_seconds,
            forget_seconds=self.login_forget_seconds,
        )


class LimitsConfig(_Model):
    """Per-device command rates (`[limits]`); a device over them gets `rate_limited`."""

    enabled: bool = Field(True, description="Turn the per-device limits on or off.")
    commands_per_second: float = Field(
        10.0, gt=0, description="Commands one device may send per second, sustained."
    )
    command_burst: int = Field(60, ge=1, description="Commands one device may send at once.")
    tickets_per_minute: float = Field(
        20.0, gt=0, description="issue_ticket per minute from one kiosk, sustained."
    )
    ticket_burst: int = Field(10, ge=1, description="issue_ticket one kiosk may send at once.")
    logins_per_minute: float = Field(
        10.0, gt=0, description="officer_login per minute from one counter, sustained."
    )
    login_burst: int = Field(5, ge=1, description="officer_login one counter may send at once.")
    exempt_devices: list[str] = Field(
        default_factory=list, description="Device ids never limited (e.g. a trusted bulk sync)."
    )
    lookup_failures: int = Field(
        10,
        ge=1,
        le=1000,
        description="Failed dossier lookups (unknown code or token, wrong phone digits) one "
        "device may make within `lookup_window_seconds` before it must wait.",
    )
    lookup_window_seconds: int = Field(
        600, ge=10, le=86_400, description="The window failed lookups are counted in."
    )
