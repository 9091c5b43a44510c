"""`motcua provision --tls`: a private CA whose broker certificate a real Mosquitto serves."""

from __future__ import annotations

import socket
import ssl
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from cryptography import x509
from paho.mqtt.enums import CallbackAPIVersion

from admin import provision as p
from admin.certificates import TlsFiles, server_names
from server.accounts import credential_path, site_accounts
from server.broker import free_port, wait_for_port
from tests.deploy.conftest import broker_config_for_test, start_mosquitto, stop_process
from tests.helpers.sites import demo_config

pytestmark = pytest.mark.integration
needs_mosquitto = pytest.mark.skipif(
    p.shutil.which("mosquitto_passwd") is None, reason="mosquitto is not installed"
)
NAMES = ["localhost", "127.0.0.1"]
TIMEOUT = 10.0


def provision_tls(out: Path, rotate: bool = False) -> TlsFiles:
    accounts, _ = p.provision(demo_config(), out, rotate=rotate)
    return p.provision_tls(demo_config(), out, [a.user for a in accounts], NAMES, rotate)


def fingerprints(tls: TlsFiles) -> dict[str, bytes]:
    paths = [tls.ca_cert, tls.server_cert, tls.client_cert("kiosk-1"), tls.client_key("kiosk-1")]
    return {path.name: path.read_bytes() for path in paths}


class TlsBroker:
    """Mosquitto with the shipped config: the plain and the TLS listener on free ports."""

    def __init__(self, out: Path, settings: dict[str, str] | None = None) -> None:
        self.out = out
        self.port = free_port()
        self.tls_port = free_port()
        text = broker_config_for_test(out, self.port, self.tls_port, settings)
        self.process = start_mosquitto(out, text)
        ready = wait_for_port(self.port, TIMEOUT) and wait_for_port(self.tls_port, TIMEOUT)
        assert ready, (out / "mosquitto.log").read_text()

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory: pytest.TempPathFactory) -> TlsFiles:
    if p.shutil.which("mosquitto_passwd") is None:
        pytest.skip("mosquitto is not installed")
    return provision_tls(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_broker(tls_site: TlsFiles) -> Iterator[TlsBroker]:
    broker = TlsBroker(tls_site.directory.parent)
    yield broker
    broker.stop()


def connect(
    port: int,
    user: str,
    password: str,
    ca: Path | None,
    cert: tuple[Path, Path] | None = None,
) -> int | None:
    """Connect once (MQTT v5) and return the CONNACK reason code, or None without one."""
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=user, protocol=mqtt.MQTTv5)
    client.username_pw_set(user, password)
    if ca is not None:
        certfile, keyfile = (str(cert[0]), str(cert[1])) if cert else (None, None)
        client.tls_set(
            ca_certs=str(ca),
            certfile=certfile,
            keyfile=keyfile,
            tls_version=ssl.PROTOCOL_TLS_CLIENT,
        )
    answered = threading.Event()
    codes: list[int] = []

    def on_connect(*args: object) -> None:
        codes.append(args[3].value)  # type: ignore[attr-defined]
        answered.set()

    client.on_connect = on_connect
    try:
        client.connect("127.0.0.1", port, keepalive=10)
    except (OSError, ssl.SSLError):
        return None
    # Drive the loop in this thread (no background thread to leave behind).
    for _ in range(int(TIMEOUT / 0.05)):
        if answered.is_set() or client.loop(timeout=0.05) != mqtt.MQTT_ERR_SUCCESS:
            break
    if client.is_connected():
        client.disconnect()
    client.loop(timeout=0)
    return codes[0] if codes else None


def password(tls: TlsFiles, user: str) -> str:
    return credential_path(tls.directory.parent, user).read_text(encoding="utf-8").strip()


@needs_mosquitto
def test_the_ca_signs_the_broker_for_its_names_and_a_certificate_per_device(
    tls_site: TlsFiles,
) -> None:
    ca = x509.load_pem_x509_certificate(tls_site.ca_cert.read_bytes())
    server = x509.load_pem_x509_certificate(tls_site.server_cert.read_bytes())
    server.verify_directly_issued_by(ca)
    assert sorted(server_names(tls_site.server_cert)) == sorted(NAMES)
    for counter in demo_config().counters:
        cert = x509.load_pem_x509_certificate(tls_site.client_cert(counter.id).read_bytes())
        cert.verify_directly_issued_by(ca)
        assert counter.id in cert.subject.rfc4514_string()
    for key in (tls_site.directory / "ca.key", tls_site.client_key("kiosk-1")):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(tls_site.server_key.stat().st_mode) == 0o640


@needs_mosquitto
def test_a_re_run_keeps_the_certificates_and_rotate_renews_them(tmp_path: Path) -> None:
    first = fingerprints(provision_tls(tmp_path))
    again = provision_tls(tmp_path)
    assert fingerprints(again) == first and again.made == ()
    rotated = provision_tls(tmp_path, rotate=True)
    assert "ca" in rotated.made
    assert all(fingerprints(rotated)[name] != first[name] for name in first)


@needs_mosquitto
def test_new_broker_names_renew_only_the_broker_certificate(tmp_path: Path) -> None:
    tls = provision_tls(tmp_path)
    first = fingerprints(tls)
    users = [a.user for a in site_accounts(demo_config())]
    renewed = p.provision_tls(demo_config(), tmp_path, users, [*NAMES, "mqtt.hcc.local"])
    assert renewed.made == ("server",)
    assert "mqtt.hcc.local" in server_names(renewed.server_cert)
    after = fingerprints(renewed)
    assert after["server.crt"] != first["server.crt"]
    assert {k: v for k, v in after.items() if k != "server.crt"} == {
        k: v for k, v in first.items() if k != "server.crt"
    }


@needs_mosquitto
def test_mosquitto_serves_tls_verified_against_the_generated_ca(
    tls_site: TlsFiles, tls_broker: TlsBroker
) -> None:
    code = connect(tls_broker.tls_port, "kiosk-1", password(tls_site, "kiosk-1"), tls_site.ca_cert)
    assert code == 0, (tls_site.directory.parent / "mosquitto.log").read_text()


@needs_mosquitto
def test_plain_mqtt_to_the_tls_port_gets_no_connack(
    tls_site: TlsFiles, tls_broker: TlsBroker
) -> None:
    assert connect(tls_broker.tls_port, "kiosk-1", password(tls_site, "kiosk-1"), None) is None


@needs_mosquitto
def test_a_ca_other_than_the_sites_is_refused(
    tls_site: TlsFiles, tls_broker: TlsBroker, tmp_path: Path
) -> None:
    # The client's own trust check must fail: another site's CA did not sign this broker.
    other = provision_tls(tmp_path)
    secret = password(tls_site, "kiosk-1")
    assert connect(tls_broker.tls_port, "kiosk-1", secret, other.ca_cert) is None
    with socket.create_connection(("127.0.0.1", tls_broker.tls_port), timeout=TIMEOUT) as raw:
        context = ssl.create_default_context(cafile=str(tls_site.ca_cert))
        with context.wrap_socket(raw, server_hostname="localhost") as wrapped:
            assert wrapped.version() in ("TLSv1.2", "TLSv1.3")


@needs_mosquitto
def test_with_require_certificate_only_devices_with_their_certificate_connect(
    tls_site: TlsFiles,
) -> None:
    broker = TlsBroker(
        tls_site.directory.parent, {"require_certificate": "require_certificate true"}
    )
    try:
        secret = password(tls_site, "q01")
        pair = (tls_site.client_cert("q01"), tls_site.client_key("q01"))
        assert connect(broker.tls_port, "q01", secret, tls_site.ca_cert, pair) == 0
        assert connect(broker.tls_port, "q01", secret, tls_site.ca_cert) is None
    finally:
        broker.stop()
