"""A real Mosquitto started with the files `motcua provision` generated for the demo site."""

from __future__ import annotations

import getpass
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from server.broker import free_port, wait_for_port
from server.provision import ACL_FILE, PASSWORD_FILE, Account, credential_path, provision
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


def broker_config_for_test(out: Path, port: int) -> str:
    """The shipped production config, with this test's files, port and no persistence."""
    overrides = {
        "listener": f"listener {port} 127.0.0.1",
        "password_file": f"password_file {(out / PASSWORD_FILE).resolve()}",
        "acl_file": f"acl_file {(out / ACL_FILE).resolve()}",
        "persistence": "persistence false",
        "persistence_location": "",
        "autosave_interval": "",
        "log_dest": "log_dest stderr",
    }
    lines = []
    for line in TEMPLATE.read_text(encoding="utf-8").splitlines():
        key = line.split(maxsplit=1)[0] if line.strip() and not line.startswith("#") else ""
        replacement = overrides.get(key, line)
        if replacement:
            lines.append(replacement)
    # As root Mosquitto would drop to `mosquitto`, who cannot read the 0640 files.
    lines.append(f"user {getpass.getuser()}")
    return "\n".join(lines) + "\n"


def _start(out: Path, port: int) -> subprocess.Popen[bytes]:
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    config = out / "mosquitto.conf"
    config.write_text(broker_config_for_test(out, port))
    log = (out / "mosquitto.log").open("ab")
    process = subprocess.Popen([binary, "-c", str(config)], stdout=log, stderr=log)
    log.close()
    return process


@pytest.fixture(scope="module")
def acl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AclBroker]:
    """Provision the demo site and run Mosquitto with its password file and ACL."""
    if shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto is not installed")
    out = tmp_path_factory.mktemp("provisioned")
    accounts, _ = provision(demo_config(), out)
    port = free_port()
    process = _start(out, port)
    try:
        assert wait_for_port(port, 10), (out / "mosquitto.log").read_text()
        yield AclBroker(port, out, accounts)
    finally:
        process.terminate()
        process.wait(timeout=10)


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
