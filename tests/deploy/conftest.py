"""A real Mosquitto started with the files `motcua provision` generated for the demo site."""

from __future__ import annotations

import getpass
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from admin.provision import provision
from server.accounts import Account, credential_path
from server.broker import free_port, wait_for_port
from shared.messaging.paho_bus import BrokerAddress
from tests.deploy.probe import Probe
from tests.helpers.sites import ROOT, demo_config


@dataclass
class AclBroker:
    """A running Mosquitto that enforces the provisioned passwords and ACL."""

    port: int
    out: Path
    accounts: list[Account]

    def password(self, user: str) -> str:
        """Return a provisioned user's password from its credential file."""
        return credential_path(self.out, user).read_text(encoding="utf-8").strip()

    def address(self, user: str) -> BrokerAddress:
        """How a provisioned user logs in."""
        return BrokerAddress("127.0.0.1", self.port, user, self.password(user))

    def account(self, user: str) -> Account:
        """Return one provisioned account."""
        return next(a for a in self.accounts if a.user == user)


TEMPLATE = ROOT / "config" / "mosquitto" / "motcua.conf"
PRODUCTION_DIR = "/etc/mosquitto/motcua"
TLS_KEYS = {"cafile", "certfile", "keyfile", "tls_version", "require_certificate"}
DROPPED = {"persistence_location", "autosave_interval"}
REPLACED = {"persistence": "persistence false", "log_dest": "log_dest stderr"}


def broker_config_for_test(
    out: Path, port: int, tls_port: int | None = None, settings: dict[str, str] | None = None
) -> str:
    """The shipped production config, with this test's files, ports and no persistence.

    The TLS listener is kept only when `tls_port` is given; `settings` replaces whole lines
    by key (e.g. `require_certificate`).
    """
    replaced = {**REPLACED, **(settings or {})}
    lines = []
    tls_block = False
    for line in TEMPLATE.read_text(encoding="utf-8").splitlines():
        key = line.split(maxsplit=1)[0] if line.strip() and not line.startswith("#") else ""
        if key == "listener":
            tls_block = line.split()[1] == "8883"
            if tls_block and tls_port is None:
                continue
            line = f"listener {tls_port if tls_block else port} 127.0.0.1"
        elif (key in TLS_KEYS and tls_block and tls_port is None) or key in DROPPED:
            continue
        elif key in replaced:
            line = replaced[key]
        lines.append(line.replace(PRODUCTION_DIR, str(out.resolve())))
    # As root Mosquitto would drop to `mosquitto`, who cannot read the 0640 files.
    lines.append(f"user {getpass.getuser()}")
    return "\n".join(lines) + "\n"


def start_mosquitto(
    out: Path, config_text: str, name: str = "mosquitto"
) -> subprocess.Popen[bytes]:
    """Start Mosquitto with a config written into `out`; its log goes to `out/NAME.log`."""
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    config = out / f"{name}.conf"
    config.write_text(config_text)
    log = (out / f"{name}.log").open("ab")
    process = subprocess.Popen([binary, "-c", str(config)], stdout=log, stderr=log)
    log.close()
    return process


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """Terminate a child process and wait for it."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def central_broker_config(out: Path, port: int, passwd: Path, acl: Path) -> str:
    """A central Mosquitto as docs/deployment.md sets it up, on a loopback port, no persistence."""
    lines = [
        "per_listener_settings false",
        "allow_anonymous false",
        f"password_file {passwd}",
        f"acl_file {acl}",
        f"listener {port} 127.0.0.1",
        "persistence false",
        "log_dest stderr",
        # As root Mosquitto would drop to `mosquitto`, who cannot read the test's files.
        f"user {getpass.getuser()}",
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def acl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AclBroker]:
    """Provision the demo site and run Mosquitto with its password file and ACL."""
    if shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto is not installed")
    out = tmp_path_factory.mktemp("provisioned")
    accounts, _ = provision(demo_config(), out)
    port = free_port()
    process = start_mosquitto(out, broker_config_for_test(out, port))
    try:
        assert wait_for_port(port, 10), (out / "mosquitto.log").read_text()
        yield AclBroker(port, out, accounts)
    finally:
        stop_process(process)


@pytest.fixture
def login(acl_broker: AclBroker) -> Iterator[Callable[..., Probe]]:
    """Connect probes as provisioned users (client id = user name); all closed afterwards."""
    made: list[Probe] = []

    def connect(user: str, password: str | None = None, client_id: str | None = None) -> Probe:
        secret = acl_broker.password(user) if password is None else password
        probe = Probe(acl_broker.port, client_id or user, user, secret)
        made.append(probe)
        return probe

    yield connect
    for probe in made:
        probe.close()
