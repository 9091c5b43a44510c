"""A site's broker accounts and their ACL, derived from the command table.

The embedded broker the queue server starts gets the same accounts and ACL as a broker set up
with `motcua provision`; passwords are kept in one private file per account.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from shared.config.site import SiteConfig
from shared.messaging.registry import (
    COMMAND_TYPES,
    EXTERNAL_USER,
    SECRET_VERBS,
    SUPERVISOR_USER,
    WEB_USER,
    Role,
    verbs_for,
)
from shared.messaging.topics import INDEX_FROM_CENTRAL, INDEX_TO_CENTRAL, Topics

CREDENTIALS_DIR = "credentials"
# What each role may send comes from the command table (shared/messaging/registry.py); the
# server checks the same table and the rest (a logged-in officer, the officer's own counter).
KIOSK_VERBS = verbs_for(Role.KIOSK)
EXTERNAL_VERBS = verbs_for(Role.EXTERNAL)
COUNTER_VERBS = verbs_for(Role.COUNTER)
WEB_VERBS = verbs_for(Role.WEB)
DISPLAY_EVENTS = ("called", "recalled")


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
    """The queue server: the only writer of replies, events, state and the index feed."""
    # The index topics cross the bridge: dossiers and look-ups out, acks and answers back in.
    index_in = [topics.index(kind) for kind in INDEX_FROM_CENTRAL]
    index_out = [topics.index(kind) for kind in INDEX_TO_CENTRAL]
    return _account(
        topics,
        f"server-{topics.site}",
        Role.SERVER,
        [topics.commands(), *index_in],
        [topics.replies(), topics.events(), topics.states(), *index_out],
    )


def devices_account(topics: Topics, printer_ids: list[str]) -> Account:
    """The device-health publisher: writes the status topic of each configured printer."""
    write = [topics.status(printer_id) for printer_id in printer_ids]
    return _account(topics, f"devices-{topics.site}", Role.DEVICES, [], write)


def notify_account(topics: Topics) -> Account:
    """The sender of messages to citizens (`motcua notify`): its status and the retained
    notifications state (counts, masked dead letters); it sends no command."""
    user = f"notify-{topics.site}"
    return _account(topics, user, Role.NOTIFY, [], [topics.notifications()])


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


def web_account(topics: Topics) -> Account:
    """The citizens' web pages (`motcua web`): follow tickets, look up tickets and dossiers.

    Its instances share the account (each with a client id of its own): they read the waiting
    lines, the queues' figures and the ticket events (numbers only), and send `ticket_status`
    (with a link's token) and `look_up_dossier` as device `web`.
    """
    write = [topics.command(verb, WEB_USER) for verb in WEB_VERBS]
    read = [topics.lines(), topics.queues(), topics.events()]
    return _account(topics, WEB_USER, Role.WEB, read, write)


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
    """Every account of a site: server, tools, web pages, kiosks, one display per zone, counters."""
    topics = Topics(config.site.id)
    accounts = [
        server_account(topics),
        devices_account(topics, [p.id for p in config.printers]),
        supervisor_account(topics),
        external_account(topics),
        web_account(topics),
        notify_account(topics),
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


ACL_HEADER = (
    "# Motcua broker ACL, generated by `motcua provision`: edit the site file, not this.",
    "# No topic lines outside a user block: anonymous clients get nothing.",
)


def acl_text(accounts: list[Account], header: tuple[str, ...] = ACL_HEADER) -> str:
    """Render the Mosquitto ACL file: one explicit `user` block per account."""
    lines = list(header)
    for account in accounts:
        lines += ["", f"# role: {account.role}", f"user {account.user}"]
        lines += [f"topic read {t}" for t in account.read]
        lines += [f"topic write {t}" for t in account.write]
    return "\n".join(lines) + "\n"


def credential_path(out: Path, user: str) -> Path:
    """Return where one account's password is kept (mode 0600)."""
    return out / CREDENTIALS_DIR / f"{user}.password"


def write_secret(path: Path, text: str) -> None:
    """Write a file only its owner may read (mode 0600, also when it was there before)."""
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
        write_secret(credential_path(out, user), password + "\n")
