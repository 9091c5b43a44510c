"""`motcua provision`: broker accounts, a Mosquitto password file and ACL for every device."""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from admin import bridge
from admin.certificates import TlsFiles, default_server_names, write_tls
from server.accounts import (
    CREDENTIALS_DIR,
    Account,
    ProvisionError,
    acl_text,
    counter_account,
    credential_path,
    devices_account,
    display_account,
    external_account,
    kiosk_account,
    notify_account,
    passwords_for,
    server_account,
    site_accounts,
    supervisor_account,
    web_account,
    write_credentials,
    write_secret,
)
from shared.cli_text import say
from shared.config.site import SiteConfig, load_config
from shared.messaging.topics import Topics

DEFAULT_CONFIG = "config/demo-site.toml"
PASSWORD_FILE = "passwd"
ACL_FILE = "acl"
# Secret files provision keeps, and the loosest mode each may have (re-tightened on every run).
SECRET_FILES = (
    ("tls/ca.key", 0o600),
    ("tls/clients/*.key", 0o600),
    ("tls/server.key", 0o640),  # the broker (group mosquitto) reads it
    ("credentials/*.password", 0o600),
    ("passwd", 0o640),
    ("conf.d/bridge.conf", 0o640),  # holds the bridge's password
    ("central/*.passwd", 0o640),  # left by older versions, which wrote the central's files here
)
SECRET_DIRS = (("credentials", 0o700), ("tls/clients", 0o700))
_USER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# What `motcua central-broker` issues (token_urlsafe), and nothing a config line would split.
_BRIDGE_PASSWORD = re.compile(r"^[A-Za-z0-9_.~+/=-]{16,256}$")


def role_table() -> str:
    """Render the ACL as the Markdown table docs/deployment.md shows (one row per account kind)."""
    site = Topics("{site}")
    samples = [
        server_account(site),
        devices_account(site, ["{printer}"]),
        supervisor_account(site),
        external_account(site, "{external}"),
        web_account(site),
        notify_account(site),
        kiosk_account(site, "{kiosk}"),
        display_account(site, "{display}", "{zone}"),
        counter_account(site, "{counter}"),
    ]
    strip = f"{site.base}/"

    def cell(filters: tuple[str, ...]) -> str:
        return "<br>".join(f"`{f.removeprefix(strip)}`" for f in filters) or "—"

    lines = ["| role | broker user | reads | writes |", "|---|---|---|---|"]
    for account in samples:
        user = f"`{account.user}`"
        lines.append(f"| {account.role} | {user} | {cell(account.read)} | {cell(account.write)} |")
    return "\n".join(lines) + "\n"


def tighten_secrets(out: Path) -> list[Path]:
    """Take looser permission bits off every secret file provision keeps; return those fixed."""
    fixed: list[Path] = []
    for pattern, loosest in (*SECRET_DIRS, *SECRET_FILES):
        for path in sorted(out.glob(pattern)):
            if path.is_symlink():
                continue
            mode = path.stat().st_mode & 0o777
            if mode & ~loosest:
                path.chmod(mode & loosest)
                fixed.append(path)
    return fixed


def hash_matches(hashed: str, password: str) -> bool:
    """Tell whether a Mosquitto hash (`$7$` PBKDF2-SHA512 or `$6$` SHA512) is of `password`."""
    parts = hashed.split("$")
    secret = password.encode("utf-8")
    try:
        if len(parts) == 5 and parts[1] == "7":
            salt, digest = base64.b64decode(parts[3]), base64.b64decode(parts[4])
            made = hashlib.pbkdf2_hmac("sha512", secret, salt, int(parts[2]), len(digest))
        elif len(parts) == 4 and parts[1] == "6":
            salt, digest = base64.b64decode(parts[2]), base64.b64decode(parts[3])
            made = hashlib.sha512(secret + salt).digest()
        else:
            return False
    except ValueError:  # not base64, or a bad iteration count: not a hash we can check
        return False
    return hmac.compare_digest(made, digest)


def _kept_lines(path: Path, passwords: dict[str, str]) -> dict[str, str]:
    """The lines of an existing password file whose hash still matches the user's password."""
    if not path.exists():
        return {}
    kept: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        user, _, hashed = line.partition(":")
        if user in passwords and hash_matches(hashed, passwords[user]):
            kept[user] = line
    return kept


def _hashed_lines(path: Path, passwords: dict[str, str]) -> dict[str, str]:
    """Hash passwords with `mosquitto_passwd -U` in a private staging file; one line per user."""
    tool = shutil.which("mosquitto_passwd")
    if tool is None:
        raise ProvisionError("mosquitto_passwd not found: install the Debian package 'mosquitto'")
    staging = path.with_name(path.name + ".new")
    write_secret(staging, "".join(f"{u}:{p}\n" for u, p in passwords.items()))
    try:
        done = subprocess.run([tool, "-U", str(staging)], capture_output=True, text=True)
        if done.returncode != 0:
            raise ProvisionError(f"mosquitto_passwd failed: {done.stderr.strip()}")
        lines = staging.read_text(encoding="utf-8").splitlines()
    finally:
        staging.unlink(missing_ok=True)
    return {line.partition(":")[0]: line for line in lines if line}


def write_password_file(path: Path, passwords: dict[str, str]) -> None:
    """Write the Mosquitto password file with hashed passwords (via `mosquitto_passwd -U`).

    A user whose existing line still matches its password keeps that line (hashes are salted:
    hashing again would change them), so a re-run without changes leaves the file as it was.
    """
    kept = _kept_lines(path, passwords)
    fresh = {u: p for u, p in passwords.items() if u not in kept}
    hashed = _hashed_lines(path, fresh) if fresh else {}
    if missing := fresh.keys() - hashed.keys():
        raise ProvisionError(f"mosquitto_passwd left out {sorted(missing)}")
    text = "".join(f"{kept.get(u) or hashed[u]}\n" for u in passwords)
    write_if_changed(path, text, 0o640)


def write_if_changed(path: Path, text: str, mode: int) -> None:
    """Replace a file atomically with `text` (created with `mode`), unless it holds it already."""
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return
    staging = path.with_name(path.name + ".new")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        staging.chmod(mode)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)


@dataclass(frozen=True)
class BridgeOptions:
    """Bridge this branch's broker to a central one (`--bridge-to`)."""

    target: bridge.BridgeTarget
    remote_prefix: str = ""
    cafile: str = ""
    password_file: str = ""  # the bridge password `motcua central-broker` issued


def provision(
    config: SiteConfig, out: Path, kiosks: int = 2, rotate: bool = False
) -> tuple[list[Account], list[str]]:
    """Write password file, ACL and credentials into `out`; return the accounts and new users."""
    accounts = site_accounts(config, kiosks)
    for account in accounts:
        if not _USER.match(account.user):
            raise ProvisionError(f"unusable broker user name {account.user!r}")
    out.mkdir(parents=True, exist_ok=True)
    # The production config includes this folder (bridge.conf goes there): it must exist.
    (out / bridge.CONF_DIR).mkdir(exist_ok=True)
    passwords, made = passwords_for(out, [a.user for a in accounts], rotate)
    write_credentials(out, passwords)
    write_password_file(out / PASSWORD_FILE, passwords)
    write_if_changed(out / ACL_FILE, acl_text(accounts), 0o640)
    tighten_secrets(out)
    return accounts, made


def provision_tls(
    config: SiteConfig, out: Path, users: list[str], names: list[str], rotate: bool = False
) -> TlsFiles:
    """Make or keep the site's CA, the broker certificate and one client certificate per user."""
    files = write_tls(out, config.site.id, users, names or default_server_names(), rotate)
    tighten_secrets(out)  # kept keys too: a loosened ca.key is not left readable
    return files


def bridge_password(out: Path, site: str, password_file: str = "") -> tuple[str, bool]:
    """The bridge password the central broker issued (from `password_file`, else the kept one).

    Return it and whether it differs from the one kept in `credentials/`.
    """
    kept = credential_path(out, bridge.bridge_user(site))
    source = Path(password_file) if password_file else kept
    if not source.is_file():
        raise ProvisionError(
            say(
                "thiếu mật khẩu cầu nối: chạy `motcua central-broker --site "
                f"{site}` trên máy trung tâm, chép tệp credentials/{kept.name} sang đây "
                "rồi dùng --bridge-password-file TỆP",
                f"no bridge password: run `motcua central-broker --site {site}` on the "
                f"central machine, copy its credentials/{kept.name} here and pass "
                "--bridge-password-file FILE",
            )
        )
    password = source.read_text(encoding="utf-8").strip()
    if not _BRIDGE_PASSWORD.match(password):
        raise ProvisionError(
            say(
                f"{source}: không phải mật khẩu cầu nối (một dòng, 16 ký tự trở lên)",
                f"{source}: not a bridge password (one line, 16 characters or more)",
            )
        )
    before = kept.read_text(encoding="utf-8").strip() if kept.is_file() else ""
    return password, password != before


def provision_bridge(config: SiteConfig, out: Path, options: BridgeOptions) -> list[str]:
    """Write conf.d/bridge.conf with the central broker's bridge password; return new users.

    The central broker issues the password (`motcua central-broker`): `--rotate` of the
    branch keeps it, a new one comes with `--bridge-password-file`.
    """
    site = config.site.id
    user = bridge.bridge_user(site)
    password, changed = bridge_password(out, site, options.password_file)
    write_credentials(out, {user: password})
    conf = bridge.bridge_conf(site, options.target, password, options.remote_prefix, options.cafile)
    conf_dir = out / bridge.CONF_DIR
    conf_dir.mkdir(exist_ok=True)
    write_if_changed(conf_dir / bridge.BRIDGE_CONF, conf, 0o640)
    tighten_secrets(out)
    return [user] if changed else []


def register(subparsers: Any) -> None:
    """Add the `provision` subcommand."""
    parser = subparsers.add_parser(
        "provision", help="tạo tài khoản, mật khẩu và ACL của broker cho mọi thiết bị"
    )
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="site TOML file")
    parser.add_argument("--out", required=True, help="directory for passwd, acl, credentials/")
    parser.add_argument("--kiosks", type=int, default=2, help="number of kiosks (kiosk-1 …)")
    parser.add_argument(
        "--rotate", action="store_true", help="cấp mật khẩu và chứng chỉ mới cho mọi tài khoản"
    )
    parser.add_argument(
        "--tls", action="store_true", help="tạo CA riêng, chứng chỉ broker và chứng chỉ thiết bị"
    )
    parser.add_argument(
        "--tls-name",
        action="append",
        default=[],
        metavar="TÊN",
        help="tên DNS hoặc địa chỉ IP của broker trong chứng chỉ (lặp lại được; "
        "mặc định: tên máy này, localhost, 127.0.0.1)",
    )
    parser.add_argument(
        "--bridge-to",
        default="",
        metavar="MÁY:CỔNG",
        help="nối broker của chi nhánh này tới broker trung tâm (tạo conf.d/bridge.conf)",
    )
    parser.add_argument(
        "--bridge-prefix",
        default="",
        metavar="TIỀN_TỐ",
        help="tiền tố chủ đề của chi nhánh trên broker trung tâm (mặc định: giữ nguyên)",
    )
    parser.add_argument(
        "--bridge-cafile",
        default="",
        metavar="TỆP",
        help="CA của broker trung tâm, để cầu nối dùng TLS",
    )
    parser.add_argument(
        "--bridge-password-file",
        default="",
        metavar="TỆP",
        help="mật khẩu cầu nối do `motcua central-broker` cấp (credentials/bridge-{site}"
        ".password của máy trung tâm); lần chạy sau không cần, trừ khi trung tâm cấp mật khẩu mới",
    )
    parser.set_defaults(handler=run)


def bridge_options(args: argparse.Namespace) -> BridgeOptions | None:
    """The bridge the command line asks for, or None; raise ValueError naming a bad option."""
    if not args.bridge_to:
        return None
    try:
        target = bridge.BridgeTarget.parse(args.bridge_to)
    except ValueError:
        raise ValueError("--bridge-to phải có dạng MÁY:CỔNG") from None
    if args.bridge_prefix and not bridge.valid_prefix(args.bridge_prefix):
        raise ValueError(f"--bridge-prefix: {bridge.prefix_rule()}")
    return BridgeOptions(target, args.bridge_prefix, args.bridge_cafile, args.bridge_password_file)


def run(args: argparse.Namespace) -> int:
    """Provision the site's broker accounts and say what was created."""
    config = load_config(args.config)
    if config is None:
        return 2
    if args.kiosks < 0:
        print("motcua provision: --kiosks must be 0 or more", file=sys.stderr)
        return 2
    try:
        options = bridge_options(args)
    except ValueError as exc:
        print(f"motcua provision: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    try:
        accounts, made = provision(config, out, args.kiosks, args.rotate)
        users = [a.user for a in accounts]
        tls = provision_tls(config, out, users, args.tls_name, args.rotate) if args.tls else None
        if options is not None:
            made += provision_bridge(config, out, options)
    except (ProvisionError, OSError) as exc:
        print(f"motcua provision: {exc}", file=sys.stderr)
        return 1
    for account in accounts:
        state = "new password" if account.user in made else "kept"
        print(f"{account.role:<10} {account.user:<24} {state}")
    print(f"wrote {out / PASSWORD_FILE}, {out / ACL_FILE} and {out / CREDENTIALS_DIR}/")
    if tls is not None:
        renewed = ", ".join(tls.made) or "không có (giữ nguyên)"
        print(f"TLS: {tls.directory}/ — tạo mới: {renewed}")
    if options is not None:
        state = "mật khẩu mới" if bridge.bridge_user(config.site.id) in made else "giữ nguyên"
        print(
            f"cầu nối: {out / bridge.CONF_DIR / bridge.BRIDGE_CONF} → "
            f"{options.target.host}:{options.target.port} (mật khẩu cầu nối: {state})"
        )
    return 0
