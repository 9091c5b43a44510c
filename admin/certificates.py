"""A private certificate authority for a site's broker: CA, server and per-device certificates."""

from __future__ import annotations

import ipaddress
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

TLS_DIR = "tls"
CA_CERT = "ca.crt"
CA_KEY = "ca.key"
SERVER_CERT = "server.crt"
SERVER_KEY = "server.key"
CLIENTS_DIR = "clients"
CA_DAYS = 3650
# Browsers and many TLS stacks refuse leaf certificates valid for longer than 825 days.
LEAF_DAYS = 825


@dataclass(frozen=True)
class TlsFiles:
    """Where the generated CA, server and client certificates are, and which were made now."""

    directory: Path
    made: tuple[str, ...]

    @property
    def ca_cert(self) -> Path:
        """The CA certificate every client verifies the broker with (public)."""
        return self.directory / CA_CERT

    @property
    def server_cert(self) -> Path:
        """The broker's certificate."""
        return self.directory / SERVER_CERT

    @property
    def server_key(self) -> Path:
        """The broker's private key."""
        return self.directory / SERVER_KEY

    def client_cert(self, user: str) -> Path:
        """One device's client certificate."""
        return self.directory / CLIENTS_DIR / f"{user}.crt"

    def client_key(self, user: str) -> Path:
        """One device's private key."""
        return self.directory / CLIENTS_DIR / f"{user}.key"


def default_server_names() -> list[str]:
    """Names the broker certificate covers when none are given: this host and loopback."""
    names = ["localhost", "127.0.0.1", socket.gethostname(), socket.getfqdn()]
    return list(dict.fromkeys(n for n in names if n))


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey, mode: int) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    path.chmod(mode)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.chmod(0o644)


def _load_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError(f"{path}: expected an EC private key")
    return key


def _name(common_name: str, site: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Motcua {site}"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, public: object, days: int
) -> x509.CertificateBuilder:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)  # type: ignore[arg-type]
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
    )


def _alt_names(names: list[str]) -> x509.SubjectAlternativeName:
    entries: list[x509.GeneralName] = []
    for name in names:
        try:
            entries.append(x509.IPAddress(ipaddress.ip_address(name)))
        except ValueError:
            entries.append(x509.DNSName(name))
    return x509.SubjectAlternativeName(entries)


def server_names(cert_path: Path) -> list[str]:
    """The DNS names and IP addresses an existing certificate covers."""
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    alt = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    dns = alt.get_values_for_type(x509.DNSName)
    ips = [str(ip) for ip in alt.get_values_for_type(x509.IPAddress)]
    return [*dns, *ips]


class CertificateAuthority:
    """A site's private CA: kept on the provisioning machine, signs the broker and devices."""

    def __init__(self, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate) -> None:
        self.key = key
        self.cert = cert

    @classmethod
    def create(cls, site: str) -> CertificateAuthority:
        """Make a new CA for a site."""
        key = ec.generate_private_key(ec.SECP256R1())
        name = _name(f"Motcua CA {site}", site)
        cert = (
            _builder(name, name, key.public_key(), CA_DAYS)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
            .sign(key, hashes.SHA256())
        )
        return cls(key, cert)

    @classmethod
    def load(cls, directory: Path) -> CertificateAuthority:
        """Load the CA written by an earlier run."""
        cert = x509.load_pem_x509_certificate((directory / CA_CERT).read_bytes())
        return cls(_load_key(directory / CA_KEY), cert)

    def save(self, directory: Path) -> None:
        """Write the CA certificate (public) and its key (0600)."""
        _write_key(directory / CA_KEY, self.key, 0o600)
        _write_cert(directory / CA_CERT, self.cert)

    def issue(
        self, common_name: str, site: str, names: list[str], server: bool
    ) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
        """Make a key and a certificate for the broker (`server`) or a device."""
        key = ec.generate_private_key(ec.SECP256R1())
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (
            _builder(_name(common_name, site), self.cert.subject, key.public_key(), LEAF_DAYS)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), False
            )
        )
        if names:
            builder = builder.add_extension(_alt_names(names), critical=False)
        return key, builder.sign(self.key, hashes.SHA256())


def _signed_by(cert_path: Path, ca: CertificateAuthority) -> bool:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    try:
        cert.verify_directly_issued_by(ca.cert)
    except Exception:  # wrong issuer, bad signature or another key type: not ours
        return False
    return True


def write_tls(
    out: Path, site: str, users: list[str], names: list[str], rotate: bool = False
) -> TlsFiles:
    """Make (or keep) the CA, the broker's certificate and one client certificate per user.

    Existing files are kept unless `rotate`; the broker certificate is renewed when the names
    it must cover changed, and any certificate the current CA did not sign is replaced.
    """
    directory = out / TLS_DIR
    clients = directory / CLIENTS_DIR
    clients.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    clients.chmod(0o700)
    made: list[str] = []
    if rotate or not (directory / CA_KEY).exists() or not (directory / CA_CERT).exists():
        ca = CertificateAuthority.create(site)
        ca.save(directory)
        made.append("ca")
    else:
        ca = CertificateAuthority.load(directory)
    files = TlsFiles(directory, ())
    server_ok = (
        files.server_cert.exists()
        and files.server_key.exists()
        and _signed_by(files.server_cert, ca)
        and sorted(server_names(files.server_cert)) == sorted(names)
    )
    if rotate or not server_ok:
        key, cert = ca.issue(names[0] if names else "motcua-broker", site, names, server=True)
        # The broker (user mosquitto, group of the key) must read its key: 0640, not 0600.
        _write_key(files.server_key, key, 0o640)
        _write_cert(files.server_cert, cert)
        made.append("server")
    for user in users:
        cert_path, key_path = files.client_cert(user), files.client_key(user)
        if not rotate and cert_path.exists() and key_path.exists() and _signed_by(cert_path, ca):
            continue
        key, cert = ca.issue(user, site, [], server=False)
        _write_key(key_path, key, 0o600)
        _write_cert(cert_path, cert)
        made.append(user)
    return TlsFiles(directory, tuple(made))
