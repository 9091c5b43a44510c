"""Process wiring every Motcua process shares: logging, broker address, bus, clean stop."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from shared.config.site import SiteConfig
from shared.messaging.codec import encode
from shared.messaging.paho_bus import BrokerAddress, LastWill, PahoBus
from shared.messaging.states import DeviceStatus
from shared.messaging.topics import Topics

LOCAL_BROKER_FILE = "local-broker.json"


def setup_logging(level: str = "INFO") -> None:
    """Log to stderr with timestamps."""
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def utc_now() -> datetime:
    """Return the current time, aware, in UTC."""
    return datetime.now(UTC)


def write_local_broker(data_dir: Path, address: BrokerAddress) -> Path:
    """Leave the embedded broker's address and kept local password for local processes (0600)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCAL_BROKER_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(
            {
                "host": address.host,
                "port": address.port,
                "username": address.username,
                "password": address.password,
            },
            handle,
        )
    return path


def broker_address(config: SiteConfig) -> BrokerAddress:
    """Return the configured broker, or the embedded one a local server left in the data dir."""
    broker = config.broker
    if broker.host:
        password = ""
        if broker.password_file:
            password = Path(broker.password_file).read_text(encoding="utf-8").strip()
        return BrokerAddress(
            broker.host, broker.port, broker.username, password, broker.tls_ca_file
        )
    local = config.data_path() / LOCAL_BROKER_FILE
    if not local.exists():
        raise FileNotFoundError(
            f"no broker configured and no local server running ({local} missing): "
            "start `motcua server` first or set [broker] host"
        )
    data = json.loads(local.read_text(encoding="utf-8"))
    address = BrokerAddress(data["host"], int(data["port"]), data["username"], data["password"])
    if broker.username:
        # A device on the server's machine logs in to the embedded broker with its own account.
        secret = broker.password_file or str(local_credential(config, broker.username))
        password = Path(secret).read_text(encoding="utf-8").strip()
        return replace(address, username=broker.username, password=password)
    return address


def local_credential(config: SiteConfig, user: str) -> Path:
    """Where the embedded broker keeps one device account's password (mode 0600)."""
    return config.data_path() / "broker" / "credentials" / f"{user}.password"


def device_status(
    client_id: str, role: str, online: bool, detail: dict[str, Any], at: datetime | None = None
) -> DeviceStatus:
    """Describe a device's health as a retained status: online or offline, and its details."""
    return DeviceStatus(
        client_id=client_id,
        role=role,
        state="online" if online else "offline",
        detail=detail,
        at=at or utc_now(),
    )


def connect_bus(
    address: BrokerAddress, site_id: str, client_id: str, role: str, persistent: bool = False
) -> PahoBus:
    """Connect a process to the broker with its reply topic and an online/offline last will."""
    topics = Topics(site_id)

    def status(state: str) -> bytes:
        return encode(DeviceStatus(client_id=client_id, role=role, state=state, at=utc_now()))

    will = LastWill(topics.status(client_id), status("offline"), status("online"))
    return PahoBus(
        address,
        client_id,
        reply_topic=topics.reply(client_id),
        will=will,
        persistent_session=persistent,
    )


def stop_event() -> threading.Event:
    """Return an event set by SIGTERM or SIGINT, for a clean stop."""
    stop = threading.Event()

    def _handler(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _handler)
    signal.signal(signal.SIGINT, _handler)
    return stop
