"""`motcua provision`: broker accounts, a Mosquitto password file and ACL for every device."""

from __future__ import annotations

import argparse
import os
import re
import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server import bridge
from server.certificates import TlsFiles, default_server_names, write_tls
from shared.config.site import SiteConfig, load_config
from shared.messaging.registry import (
    COMMAND_TYPES,
    EXTERNAL_USER,
    SECRET_VERBS,
    SUPERVISOR_USER,
    Role,
    verbs_for,
)
from shared.messaging.topics import Topics

DEFAULT_CONFIG = "config/demo-site.toml"
PASSWORD_FILE = "passwd"
ACL_FILE = "acl"
CREDENTIALS_DIR = "credentials"
# What each role may send comes from the command table (shared/messaging/registry.py); the
# server checks the same table and the rest (a logged-in officer, the officer's own counter).
KIOSK_VERBS = verbs_for(Role.KIOSK)
EXTERNAL_VERBS = verbs_for(Role.EXTERNAL)
COUNTER_VERBS = verbs_for(Role.COUNTER)
DISPLAY_EVENTS = ("called", "recalled")
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


class ProvisionError(Exception):
    """The accounts could not be provisioned."""


@dataclass(frozen=True)
class Account:
    """One broker user: its role and the topic filters it may read and write."""

    user: str
    role: str
    read: tuple[str, ...]
    write: tuple[str, ...]


def _account(topics: Topics, user: str, role: str, read: list[str], write: list[str]) -> Account:
    # Every process reads its own replies and writes its own status (also its last will).
    return Account(user, role, (topics.reply(user), *read), (topics.status(user), *write))


def server_account(topics: Topics) -> Account:
    """The queue server: the only writer of replies, events and state."""
    return _account(
        topics,
        f"server-{topics.site}",
        Role.SERVER,
        [topics.commands()],
        [topics.replies(), topics.events(), topics.states()],
    )


def devices_account(topics: Topics, printer_ids: list[str]) -> Account:
    """The device-health publisher: writes the status topic of each configured printer."""
    write = [topics.status(printer_id) for printer_id in printer_ids]
    return _account(topics, f"devices-{topics.site}", Role.DEVICES, [], write)


def supervisor_account(topics: Topics) -> Account:
    """A supervisor: reads everything of the site but login commands (PINs), sends nothing.

    Mosquitto ACLs cannot deny, so the reads are listed instead of `#`: every command verb
    except the secret ones, every reply, event, state and status.
    """
    commands = [topics.command(verb, "+") for verb in COMMAND_TYPES if verb not in SECRET_VERBS]
    read = [*commands, topics.replies(), topics.events(), topics.states(), topics.statuses()]
    return _account(topics, SUPERVISOR_USER, Role.SUPERVISOR, read, [])


def external_account(topics: Topics, user: str = EXTERNAL_USER) -> Account:
    """An external system: pushes dossier statuses, looks up tickets and dossiers, reads events."""
    write = [topics.command(verb, user) for verb in EXTERNAL_VERBS]
    return _account(topics, user, Role.EXTERNAL, [topics.events()], write)


def kiosk_account(topics: Topics, user: str) -> Account:
    """A kiosk: issues, voids and looks up tickets, procedures and dossiers; reads queues."""
    write = [topics.command(verb, user) for verb in KIOSK_VERBS]
    write.append(topics.status(f"{user}-printer"))  # its own printer's paper status
    read = [topics.queues(), topics.status(f"server-{topics.site}")]  # is the server up?
    return _account(topics, user, Role.KIOSK, read, write)


def display_account(topics: Topics, user: str, zone: str) -> Account:
    """A hall display: reads its zone's board and call events, writes nothing else."""
    read = [topics.board(zone), *(topics.event(kind) for kind in DISPLAY_EVENTS)]
    return _account(topics, user, Role.DISPLAY, read, [])


def counter_account(topics: Topics, counter_id: str) -> Account:
    """A counter console: acts only as its own counter (user name = counter id).

    It reads every retained state and device status, for the supervisor view an officer with
    the supervisor role opens there (no state topic carries personal data).
    """
    write = [topics.command(verb, counter_id) for verb in COUNTER_VERBS]
    read = [topics.states(), topics.statuses(), topics.events()]
    return _account(topics, counter_id, Role.COUNTER, read, write)


def site_accounts(config: SiteConfig, kiosks: int = 2) -> list[Account]:
    """Every account of a site: server, tools, kiosks, one display per zone, counters."""
    topics = Topics(config.site.id)
    accounts = [
        server_account(topics),
        devices_account(topics, [p.id for p in config.printers]),
        supervisor_account(topics),
        external_account(topics),
    ]
    # Each external system the site file names (`[dossiers] external_systems`) logs in as itself.
    accounts += [external_account(topics, u) for u in config.dossiers.external_systems]
    accounts += [kiosk_account(topics, f"kiosk-{n}") for n in range(1, kiosks + 1)]
    accounts += [display_account(topics, f"display-{z.id}", z.id) for z in config.zones]
    accounts += [counter_account(topics, c.id) for c in config.counters]
    users = [a.user for a in accounts]
    duplicates = sorted({u for u in users if users.count(u) > 1})
    if duplicates:
        raise ProvisionError(f"user names used twice (rename the counter): {duplicates}")
    return accounts


def acl_text(accounts: list[Account]) -> str:
    """Render the Mosquitto ACL file: one explicit `user` block per account."""
    lines = [
        "# Motcua broker ACL, generated by `motcua provision`: edit the site file, not this.",
        "# No topic lines outside a user block: anonymous clients get nothing.",
    ]
    for account in accounts:
        lines += ["", f"# role: {account.role}", f"user {account.user}"]
        lines += [f"topic read {t}" for t in account.read]
        lines += [f"topic write {t}" for t in account.write]
    return "\n".join(lines) + "\n"


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


def credential_path(out: Path, user: str) -> Path:
    """Return where one account's password is kept (mode 0600)."""
    return out / CREDENTIALS_DIR / f"{user}.password"


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    path.chmod(0o600)


def passwords_for(out: Path, users: list[str], rotate: bool) -> tuple[dict[str, str], list[str]]:
    """Keep existing passwords (unless rotating), make the missing ones; return them, new users."""
    passwords: dict[str, str] = {}
    made: list[str] = []
    for user in users:
        path = credential_path(out, user)
        existing = "" if rotate or not path.exists() else path.read_text("utf-8").strip()
        if existing:
            passwords[user] = existing
        else:
            passwords[user] = secrets.token_urlsafe(24)
            made.append(user)
    return passwords, made


def write_credentials(out: Path, passwords: dict[str, str]) -> None:
    """Write one private credential file per account."""
    directory = out / CREDENTIALS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    for user, password in passwords.items():
        _write_private(credential_path(out, user), password + "\n")


def write_password_file(path: Path, passwords: dict[str, str]) -> None:
    """Write the Mosquitto password file with hashed passwords (via `mosquitto_passwd -U`)."""
    tool = shutil.which("mosquitto_passwd")
    if tool is None:
        raise ProvisionError("mosquitto_passwd not found: install the Debian package 'mosquitto'")
    staging = path.with_name(path.name + ".new")
    _write_private(staging, "".join(f"{u}:{p}\n" for u, p in passwords.items()))
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
    _write_private(path, conf)
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
