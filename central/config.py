"""The central index's TOML file: its broker, its database, its limits (docs/province.md)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.cli_text import say
from shared.config.problems import format_errors
from shared.messaging.paho_bus import BrokerAddress
from shared.messaging.topics import ROOT


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CentralConfigError(Exception):
    """A central config file that cannot be read or does not validate (one line per problem)."""

    def __init__(self, path: str, lines: list[str]) -> None:
        super().__init__("\n".join(f"{path}: {line}" for line in lines))
        self.lines = lines


class CentralBroker(_Model):
    """The central broker the index connects to (the branches' bridges end there)."""

    host: str = Field(min_length=1, description="Central broker host.")
    port: int = Field(8883, ge=1, le=65535, description="Central broker port.")
    username: str = Field("central", description="The index's MQTT account.")
    password_file: str = Field("", description="File holding its MQTT password (never inline).")
    tls_ca_file: str = Field("", description="CA certificate; set it to connect with TLS.")
    client_id: str = Field(
        "central-index", description="MQTT client id (a persistent session is kept under it)."
    )

    def address(self) -> BrokerAddress:
        """How to reach and log in to the broker (reads the password file)."""
        password = ""
        if self.password_file:
            password = Path(self.password_file).read_text(encoding="utf-8").strip()
        return BrokerAddress(self.host, self.port, self.username, password, self.tls_ca_file)


class CentralDatabase(_Model):
    """The index's database: PostgreSQL in production (SQLite works for a trial)."""

    url: str = Field(min_length=1, description="SQLAlchemy URL, e.g. postgresql+psycopg://…")
    pool_size: int = Field(
        2, ge=1, le=20, description="Connections held open, whatever the number of branches."
    )


class CentralIndexSettings(_Model):
    """Where the branches' topics are, batch size, guessing limits, resending result notices."""

    prefixes: list[str] = Field(
        default_factory=lambda: [f"{ROOT}/+"],
        min_length=1,
        description="Topic prefixes of the branches on the central broker, each ending in the "
        "site id (a level or +): the usual motcua/v1/+, and e.g. tinh/hcm/motcua/v1/+ for "
        "branches bridged with --bridge-prefix.",
    )
    max_batch: int = Field(
        200, ge=1, le=5000, description="Entries stored in one transaction at most."
    )
    lookup_failures: int = Field(
        10,
        ge=1,
        le=1000,
        description="Failed lookups one device (a branch's kiosk) may make per window.",
    )
    lookup_window_seconds: int = Field(
        600, ge=10, le=86_400, description="The window failed lookups are counted in."
    )
    handover_resend_seconds: int = Field(
        60,
        ge=5,
        le=3600,
        description="A result notice the dossier's own branch has not applied yet is sent to it "
        "again after this long (and once whenever the index starts).",
    )


class CentralConfig(_Model):
    """A whole central index file."""

    broker: CentralBroker
    database: CentralDatabase
    index: CentralIndexSettings = Field(default_factory=lambda: CentralIndexSettings())


def load_central_config(path: str | Path) -> CentralConfig:
    """Read and validate the file; raise CentralConfigError naming every problem."""
    source = Path(path)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CentralConfigError(str(path), [say("không tìm thấy tệp", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CentralConfigError(
            str(path), [say(f"không đọc được tệp: {exc}", f"cannot read the file: {exc}")]
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise CentralConfigError(
            str(path), [say(f"không phải TOML hợp lệ: {exc}", f"not valid TOML: {exc}")]
        ) from None
    try:
        return CentralConfig.model_validate(data)
    except ValidationError as exc:
        raise CentralConfigError(str(path), format_errors(exc, data)) from None
