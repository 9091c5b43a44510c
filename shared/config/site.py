"""The site file: one TOML document describing a centre, validated with clear key-path errors."""

from __future__ import annotations

import os
import re
import sys
import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from shared.cli_text import say
from shared.config.appointments import AppointmentsConfig
from shared.config.calendar import CalendarConfig
from shared.config.counter import CounterConsoleConfig
from shared.config.dossiers import DossiersConfig
from shared.config.index import IndexConfig
from shared.config.kiosk import KioskConfig
from shared.config.notify import NotifyConfig
from shared.config.printer import PrinterConfig
from shared.config.privacy import PrivacyConfig
from shared.config.problems import (
    ReferenceErrors,
    format_errors,
    problem_lines,
    reference_problems,
)
from shared.config.scanner import ScannerConfig
from shared.config.security import LimitsConfig, SecurityConfig
from shared.config.web import WebConfig
from shared.domain import site as domain

__all__ = ["ConfigError", "SiteConfig", "format_errors", "load_config", "load_site_config"]

_ID = domain.ID_PATTERN
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_hhmm(text: str) -> time:
    """Parse a local time written HH:MM."""
    match = _HHMM.match(text)
    if not match:
        raise ValueError(
            say(f"cần dạng HH:MM, nhận được {text!r}", f"expected HH:MM, got {text!r}")
        )
    return time(int(match.group(1)), int(match.group(2)))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteInfo(_Model):
    """The centre itself."""

    id: Annotated[str, Field(pattern=_ID, description="Short id used in MQTT topics.")]
    name: str = Field(description="Full name printed on tickets and shown on screens.")
    timezone: str = Field("Asia/Ho_Chi_Minh", description="IANA time zone of the centre.")
    day_reset: str = Field("00:00", description="Local time (HH:MM) when numbering restarts.")
    address: str = Field("", description="Street address printed on slips.")

    @field_validator("day_reset")
    @classmethod
    def _check_reset(cls, value: str) -> str:
        parse_hhmm(value)
        return value


class QueueSettings(_Model):
    """How tickets are numbered and called."""

    number_width: int = Field(3, ge=1, le=6, description="Digits after the prefix (A001 → 3).")
    max_recalls: int = Field(2, ge=0, le=10, description="Recalls before a ticket is a no-show.")
    priority_ratio: int = Field(
        3, ge=0, description="After this many priority calls in a row, one normal (0 = never)."
    )
    recent_calls: int = Field(8, ge=1, le=30, description="Calls listed on each display board.")
    estimate_sample: int = Field(
        20, ge=1, description="Recent services averaged for waiting estimates."
    )


class DepartmentConfig(_Model):
    """A department (sở, ngành)."""

    id: Annotated[str, Field(pattern=_ID, description="Department id.")]
    name: str = Field(description="Name shown to citizens, e.g. 'Sở Tư pháp'.")
    name_en: str = Field("", description="Name in the kiosk's English mode; empty = `name`.")


class ServiceConfig(_Model):
    """A queue citizens take numbers for."""

    code: Annotated[str, Field(pattern=_ID, description="Service code.")]
    name: str = Field(description="Name on the kiosk button and the ticket.")
    name_en: str = Field("", description="Name in the kiosk's English mode; empty = `name`.")
    department: str = Field(description="Id of the department it belongs to.")
    prefix: Annotated[str, Field(pattern=r"^[A-Z]{1,3}$", description="Number prefix, e.g. 'A'.")]
    daily_cap: int | None = Field(None, ge=1, description="Most tickets a day (none = no cap).")
    windows: list[str] = Field(
        default_factory=list, description="Ticket-taking windows, e.g. ['07:30-11:00']."
    )
    average_minutes: float = Field(
        10.0, gt=0, description="Service time assumed before any service has been measured."
    )

    @field_validator("windows")
    @classmethod
    def _check_windows(cls, value: list[str]) -> list[str]:
        for window in value:
            start, sep, end = window.partition("-")
            if not sep or parse_hhmm(start.strip()) >= parse_hhmm(end.strip()):
                raise ValueError(
                    say(
                        f"khung giờ {window!r} cần dạng 'HH:MM-HH:MM', giờ đầu trước giờ cuối",
                        f"window {window!r} must be 'HH:MM-HH:MM' with start < end",
                    )
                )
        return value


class CounterConfig(_Model):
    """A counter (quầy)."""

    id: Annotated[str, Field(pattern=_ID, description="Counter id, used in MQTT topics.")]
    label: str = Field(description="What the board and the voice call it, e.g. '5'.")
    name: str = Field("", description="Longer name, e.g. 'Quầy 5 — Tư pháp'.")
    services: list[str] = Field(min_length=1, description="Services served, in calling order.")
    zone: str = Field(description="Id of the zone whose board shows this counter.")


class ZoneConfig(_Model):
    """A part of the hall with its own display board."""

    id: Annotated[str, Field(pattern=_ID, description="Zone id.")]
    name: str = Field(description="Zone name, e.g. 'Tầng 1'.")


class PriorityConfig(_Model):
    """A priority category."""

    id: Annotated[str, Field(pattern=_ID, description="Category id, e.g. 'elderly'.")]
    name: str = Field(description="Name on the kiosk, e.g. 'Người cao tuổi'.")
    name_en: str = Field("", description="Name in the kiosk's English mode; empty = `name`.")
    min_age: int | None = Field(
        None,
        ge=0,
        le=150,
        description=(
            "Citizens this old or older are offered this priority when their ID card is "
            "scanned at the kiosk (e.g. 60 for 'elderly', Luật Người cao tuổi); unset = never."
        ),
    )


class BrokerConfig(_Model):
    """Where the MQTT broker is; leave `host` empty to start a private Mosquitto."""

    host: str = Field("", description="Broker host; empty = embedded broker on loopback.")
    port: int = Field(1883, ge=1, le=65535, description="Broker port.")
    username: str = Field("", description="MQTT user name of this process.")
    password_file: str = Field("", description="File holding the MQTT password (never inline).")
    tls_ca_file: str = Field("", description="CA certificate; set it to connect with TLS.")


class ServerConfig(_Model):
    """The queue server's health and metrics endpoint (/healthz, /metrics)."""

    health_host: str = Field(
        "127.0.0.1", description="Address the endpoint listens on; keep it local (loopback)."
    )
    health_port: int = Field(
        9181, ge=0, le=65535, description="Port of /healthz and /metrics; 0 = no endpoint."
    )


class DatabaseConfig(_Model):
    """Where the server keeps its state."""

    url: str = Field(
        "", description="SQLAlchemy URL; empty = SQLite file 'motcua.db' in the data directory."
    )
    sqlite_synchronous: str = Field(
        "normal",
        pattern="^(normal|full)$",
        description="SQLite durability: 'normal' survives a crash, 'full' also a power cut.",
    )


class SiteConfig(_Model):
    """A whole site file."""

    site: SiteInfo
    queue: QueueSettings = Field(default_factory=lambda: QueueSettings())
    departments: list[DepartmentConfig] = Field(min_length=1)
    services: list[ServiceConfig] = Field(min_length=1)
    counters: list[CounterConfig] = Field(min_length=1)
    zones: list[ZoneConfig] = Field(min_length=1)
    priorities: list[PriorityConfig] = Field(default_factory=list)
    broker: BrokerConfig = Field(default_factory=lambda: BrokerConfig())
    database: DatabaseConfig = Field(default_factory=lambda: DatabaseConfig())
    server: ServerConfig = Field(default_factory=lambda: ServerConfig())
    data_dir: str = Field("var", description="Data directory (overridden by MOTCUA_DATA_DIR).")
    printers: list[PrinterConfig] = Field(default_factory=list)
    scanners: list[ScannerConfig] = Field(default_factory=list)
    calendar: CalendarConfig = Field(default_factory=lambda: CalendarConfig())
    dossiers: DossiersConfig = Field(default_factory=lambda: DossiersConfig())
    kiosk: KioskConfig = Field(default_factory=lambda: KioskConfig())
    counter_console: CounterConsoleConfig = Field(default_factory=lambda: CounterConsoleConfig())
    security: SecurityConfig = Field(default_factory=lambda: SecurityConfig())
    limits: LimitsConfig = Field(default_factory=lambda: LimitsConfig())
    privacy: PrivacyConfig = Field(default_factory=lambda: PrivacyConfig())
    web: WebConfig = Field(default_factory=lambda: WebConfig())
    appointments: AppointmentsConfig = Field(default_factory=lambda: AppointmentsConfig())
    notify: NotifyConfig = Field(default_factory=lambda: NotifyConfig())
    index: IndexConfig = Field(default_factory=lambda: IndexConfig())

    def web_key_path(self) -> Path:
        """The file of the key that signs ticket links ([web] key_file, else in the data dir)."""
        return Path(self.web.key_file) if self.web.key_file else self.data_path() / "web.key"

    def privacy_key_path(self) -> Path:
        """The file of the site's ID-hashing key ([privacy] key_file, else in the data dir)."""
        return (
            Path(self.privacy.key_file)
            if self.privacy.key_file
            else self.data_path() / "privacy.key"
        )

    @model_validator(mode="after")
    def _own_agency_code(self) -> SiteConfig:
        # Dossier codes of branches that share a database or the provincial index must differ:
        # the code the file leaves at its default would be the same at every branch.
        shared = self.index.enabled or self.database.url.startswith("postgresql")
        if shared and "agency_code" not in self.dossiers.model_fields_set:
            raise ValueError(
                "[dossiers] agency_code: mỗi điểm (chi nhánh) dùng chung cơ sở dữ liệu hoặc chỉ "
                'mục hồ sơ của tỉnh cần mã đơn vị riêng, ví dụ agency_code = "000.00.17.H12"'
            )
        if self.site.id in self.index.return_branches:
            raise ValueError(
                f"[index] return_branches: {self.site.id!r} là chính điểm này; chỉ liệt kê "
                "các chi nhánh khác có thể nhận kết quả chuyển đến"
            )
        return self

    @model_validator(mode="after")
    def _check_references(self) -> SiteConfig:
        problems = reference_problems(self.model_dump())
        if problems:
            raise ReferenceErrors(problems)
        return self

    def data_path(self) -> Path:
        """Return the data directory, MOTCUA_DATA_DIR first."""
        return Path(os.environ.get("MOTCUA_DATA_DIR") or self.data_dir)

    def database_url(self) -> str:
        """Return the database URL, defaulting to SQLite in the data directory."""
        if self.database.url:
            return self.database.url
        return f"sqlite:///{self.data_path() / 'motcua.db'}"

    def to_domain(self) -> domain.Site:
        """Build the domain's view of the site."""
        return domain.Site(
            id=self.site.id,
            name=self.site.name,
            departments=tuple(domain.Department(d.id, d.name) for d in self.departments),
            services=tuple(_service(s) for s in self.services),
            counters=tuple(
                domain.Counter(
                    c.id, c.name or f"Quầy {c.label}", c.label, tuple(c.services), c.zone
                )
                for c in self.counters
            ),
            zones=tuple(domain.Zone(z.id, z.name) for z in self.zones),
            priorities=tuple(domain.PriorityCategory(p.id, p.name) for p in self.priorities),
            rules=domain.QueueRules(
                timezone=self.site.timezone,
                day_reset=parse_hhmm(self.site.day_reset),
                number_width=self.queue.number_width,
                max_recalls=self.queue.max_recalls,
                priority_ratio=self.queue.priority_ratio,
                recent_calls=self.queue.recent_calls,
                estimate_sample=self.queue.estimate_sample,
                appointment_margin_minutes=self.appointments.call_margin_minutes,
            ),
        )


def _service(s: ServiceConfig) -> domain.Service:
    windows = []
    for window in s.windows:
        start, _, end = window.partition("-")
        windows.append(domain.TimeWindow(parse_hhmm(start.strip()), parse_hhmm(end.strip())))
    return domain.Service(
        code=s.code,
        name=s.name,
        department_id=s.department,
        prefix=s.prefix,
        daily_cap=s.daily_cap,
        windows=tuple(windows),
        default_service_seconds=s.average_minutes * 60,
    )


class ConfigError(Exception):
    """The site file cannot be used; `errors` lists 'key.path: message' lines."""

    def __init__(self, path: str, errors: list[str]) -> None:
        super().__init__(f"{path}: " + "; ".join(errors))
        self.path = path
        self.errors = errors


DEFAULT_CONFIG = "config/demo-site.toml"


def load_config(path: str | Path) -> SiteConfig | None:
    """Load a site file for a command; print its errors (with key paths) and return None."""
    try:
        return load_site_config(path)
    except ConfigError as exc:
        for line in exc.errors:
            print(f"{exc.path}: {line}", file=sys.stderr)
        return None


def load_site_config(path: str | Path) -> SiteConfig:
    """Read and validate a site file, raising ConfigError with every problem found."""
    source = Path(path)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), [say("không tìm thấy tệp", "file not found")]) from None
    except UnicodeDecodeError:
        raise ConfigError(str(path), [say("không phải văn bản UTF-8", "not UTF-8 text")]) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(
            str(path), [say(f"không đọc được tệp: {reason}", f"cannot read the file: {reason}")]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            str(path), [say(f"không phải TOML hợp lệ: {exc}", f"not valid TOML: {exc}")]
        ) from None
    try:
        return SiteConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(str(path), problem_lines(exc, data)) from None
