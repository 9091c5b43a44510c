"""`motcua provision`: broker accounts, a Mosquitto password file and ACL for every device."""

from __future__ import annotations

import argparse
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
    devices_account,
    display_account,
    external_account,
    kiosk_account,
    passwords_for,
    server_account,
    site_accounts,
    supervisor_account,
    write_credentials,
    write_secret,
)
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
    ("central/*.passwd", 0o640),
)
SECRET_DIRS = (("credentials", 0o700), ("tls/clients", 0o700))
_USER = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def role_table() -> str:
    """Render the ACL as the Markdown table docs/deployment.md shows (one row per account kind)."""
    site = Topics("{site}")
    samples = [
        server_account(site),
        devices_account(site, ["{printer}"]),
        supervisor_account(site),
        external_account(site, "{external}"),
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


def write_password_file(path: Path, passwords: dict[str, str]) -> None:
    """Write the Mosquitto password file with hashed passwords (via `mosquitto_passwd -U`)."""
    tool = shutil.which("mosquitto_passwd")
    if tool is None:
        raise ProvisionError("mosquitto_passwd not found: install the Debian package 'mosquitto'")
    staging = path.with_name(path.name + ".new")
    write_secret(staging, "".join(f"{u}:{p}\n" for u, p in passwords.items()))
    try:
        done = subprocess.run([tool, "-U", str(staging)], capture_output=True, text=True)
        if done.returncode != 0:
            raise ProvisionError(f"mosquitto_passwd failed: {done.stderr.strip()}")
        staging.chmod(0o640)
        os.replace(staging, path)
    finally:
        staging.unlink(missing_ok=True)


@dataclass(frozen=True)
class BridgeOptions:
    """Bridge this branch's broker to a central one (`--bridge-to`)."""

    target: bridge.BridgeTarget
    remote_prefix: str = ""
    cafile: str = ""


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
    acl = out / ACL_FILE
    acl.write_text(acl_text(accounts), encoding="utf-8")
    acl.chmod(0o640)
    tighten_secrets(out)
    return accounts, made


def provision_tls(
    config: SiteConfig, out: Path, users: list[str], names: list[str], rotate: bool = False
) -> TlsFiles:
    """Make or keep the site's CA, the broker certificate and one client certificate per user."""
    files = write_tls(out, config.site.id, users, names or default_server_names(), rotate)
    tighten_secrets(out)  # kept keys too: a loosened ca.key is not left readable
    return files


def provision_bridge(
    config: SiteConfig, out: Path, options: BridgeOptions, rotate: bool = False
) -> list[str]:
    """Write conf.d/bridge.conf and the central broker's account files; return new users."""
    site = config.site.id
    user = bridge.bridge_user(site)
    passwords, made = passwords_for(out, [user], rotate)
    write_credentials(out, passwords)
    conf = bridge.bridge_conf(
        site, options.target, passwords[user], options.remote_prefix, options.cafile
    )
    conf_dir = out / bridge.CONF_DIR
    conf_dir.mkdir(exist_ok=True)
    path = conf_dir / bridge.BRIDGE_CONF
    write_secret(path, conf)
    path.chmod(0o640)
    central = out / bridge.CENTRAL_DIR
    central.mkdir(exist_ok=True)
    write_password_file(central / f"{user}.passwd", {user: passwords[user]})
    acl = central / f"{user}.acl"
    acl.write_text(bridge.central_acl(site, options.remote_prefix), encoding="utf-8")
    acl.chmod(0o640)
    tighten_secrets(out)
    return made


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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Provision the site's broker accounts and say what was created."""
    config = load_config(args.config)
    if config is None:
        return 2
    if args.kiosks < 0:
        print("motcua provision: --kiosks must be 0 or more", file=sys.stderr)
        return 2
    options = None
    if args.bridge_to:
        try:
            options = BridgeOptions(
                bridge.BridgeTarget.parse(args.bridge_to), args.bridge_prefix, args.bridge_cafile
            )
        except ValueError:
            print("motcua provision: --bridge-to phải có dạng MÁY:CỔNG", file=sys.stderr)
            return 2
    out = Path(args.out)
    try:
        accounts, made = provision(config, out, args.kiosks, args.rotate)
        users = [a.user for a in accounts]
        tls = provision_tls(config, out, users, args.tls_name, args.rotate) if args.tls else None
        if options is not None:
            made += provision_bridge(config, out, options, args.rotate)
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
        user = bridge.bridge_user(config.site.id)
        print(
            f"cầu nối: {out / bridge.CONF_DIR / bridge.BRIDGE_CONF} → "
            f"{options.target.host}:{options.target.port}; thêm "
            f"{out / bridge.CENTRAL_DIR}/{user}.passwd và .acl vào broker trung tâm"
        )
    return 0
