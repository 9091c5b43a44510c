"""The `[web] section`: the public pages a citizen opens from a ticket's or slip's QR code."""

from __future__ import annotations

import ipaddress
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.site import ID_PATTERN
from shared.domain.ticket_links import valid_public_url

EVERY_SITE = "+"
_SITE_ID = re.compile(ID_PATTERN)


class WebConfig(BaseModel):
    """Where the citizen's pages are served, the key of ticket links, and `motcua web` itself."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    public_url: str = Field(
        "",
        description="Address citizens' phones reach `motcua web` at (e.g. "
        "https://hcc.khanhhoa.gov.vn/motcua); empty = tickets and slips keep their plain QR "
        "codes, which only the kiosks read.",
    )
    key_file: str = Field(
        "",
        description="File with the key that signs ticket links; empty = web.key in the data "
        "directory, created (mode 0600) by the queue server on first use.",
    )
    listen_host: str = Field(
        "127.0.0.1",
        description="Address `motcua web` listens on (keep it local behind a reverse proxy).",
    )
    listen_port: int = Field(8380, ge=1, le=65535, description="Port `motcua web` listens on.")
    sites: list[str] = Field(
        default_factory=list,
        description="Sites whose tickets this instance shows: empty = this file's site; "
        'several ids on a central broker; ["+"] = every site the broker carries.',
    )
    trusted_proxies: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"],
        description="Addresses or networks (CIDR) of reverse proxies whose X-Forwarded-For "
        "and X-Forwarded-Proto are believed; any other peer is the citizen itself.",
    )
    requests_per_minute: float = Field(
        60.0, gt=0, description="Pages and live connections one address may open per minute."
    )
    request_burst: int = Field(
        30, ge=1, description="Pages and live connections one address may open at once."
    )
    max_live_pages: int = Field(
        20_000, ge=1, description="Live (push) connections this instance keeps at most."
    )
    commands_in_flight: int = Field(
        16, ge=1, le=256, description="Commands to the queue server this instance sends at once."
    )

    @field_validator("public_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if value and not valid_public_url(value):
            raise ValueError("public_url phải là địa chỉ http(s)://máy[/đường-dẫn], không có ?…")
        return value.rstrip("/")

    @field_validator("sites")
    @classmethod
    def _sites(cls, value: list[str]) -> list[str]:
        if EVERY_SITE in value and value != [EVERY_SITE]:
            raise ValueError('"+" (mọi điểm) phải đứng một mình: sites = ["+"]')
        bad = [s for s in value if s != EVERY_SITE and not _SITE_ID.match(s)]
        if bad:
            raise ValueError(f"mã điểm không hợp lệ: {bad}")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} không phải địa chỉ IP hay mạng CIDR") from None
        return value
