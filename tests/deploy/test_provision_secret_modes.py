"""Re-running `motcua provision` tightens every secret file it keeps, however it was loosened."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from admin import provision as p
from server.accounts import credential_path
from tests.helpers.sites import demo_config

needs_mosquitto_passwd = pytest.mark.skipif(
    p.shutil.which("mosquitto_passwd") is None, reason="mosquitto is not installed"
)
NAMES = ["localhost", "127.0.0.1"]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def provision_all(out: Path) -> None:
    accounts, _ = p.provision(demo_config(), out)
    p.provision_tls(demo_config(), out, [a.user for a in accounts], NAMES)


@needs_mosquitto_passwd
def test_a_rerun_tightens_a_loosened_ca_key_and_every_other_secret(tmp_path: Path) -> None:
    """The audit: after `chmod 644 tls/ca.key`, a second provision left it world-readable."""
    provision_all(tmp_path)
    tls = tmp_path / "tls"
    secrets = {
        tls / "ca.key": 0o600,
        tls / "clients" / "kiosk-1.key": 0o600,
        tls / "server.key": 0o640,
        credential_path(tmp_path, "q01"): 0o600,
        tmp_path / "passwd": 0o640,
    }
    for path in secrets:
        path.chmod(0o666)
    (tls / "clients").chmod(0o755)
    (tmp_path / "credentials").chmod(0o755)
    provision_all(tmp_path)
    assert {path.name: mode(path) for path in secrets} == {
        path.name: wanted for path, wanted in secrets.items()
    }
    assert mode(tls / "clients") == 0o700 and mode(tmp_path / "credentials") == 0o700


@needs_mosquitto_passwd
def test_a_rerun_without_tls_still_tightens_the_kept_keys(tmp_path: Path) -> None:
    provision_all(tmp_path)
    (tmp_path / "tls" / "ca.key").chmod(0o644)
    p.provision(demo_config(), tmp_path)
    assert mode(tmp_path / "tls" / "ca.key") == 0o600
