"""`motcua provision`: accounts per role, ACL text, private credentials, re-runs and rotation."""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

import pytest
from paho.mqtt.client import topic_matches_sub

from admin import provision as p
from server.accounts import Account, acl_text, credential_path, site_accounts
from shared.messaging.registry import COMMAND_TYPES, Role, verbs_for
from shared.messaging.topics import Topics
from tests.helpers.sites import DEMO_CONFIG, demo_config

T = Topics("hcc-demo")
needs_mosquitto_passwd = pytest.mark.skipif(
    p.shutil.which("mosquitto_passwd") is None, reason="mosquitto is not installed"
)


def may_write(account: Account, topic: str) -> bool:
    return any(topic_matches_sub(f, topic) for f in account.write)


def may_read(account: Account, topic: str) -> bool:
    return any(topic_matches_sub(f, topic) for f in account.read)


def accounts() -> dict[str, Account]:
    return {a.user: a for a in site_accounts(demo_config())}


def test_every_device_and_role_of_the_site_gets_an_account() -> None:
    config = demo_config()
    users = accounts()
    expected = {
        "server-hcc-demo",
        "devices-hcc-demo",
        "supervisor",
        "external",
        "web",
        "notify-hcc-demo",
    }
    expected |= {"kiosk-1", "kiosk-2"} | {f"display-{z.id}" for z in config.zones}
    expected |= {c.id for c in config.counters}
    assert set(users) == expected
    assert {users[c.id].role for c in config.counters} == {"counter"}


def test_every_account_writes_its_own_status_and_reads_its_own_replies_only() -> None:
    for user, account in accounts().items():
        assert may_write(account, T.status(user)), user
        assert may_read(account, T.reply(user)), user
        if account.role != "supervisor":
            assert not may_read(account, T.reply("someone-else")), user
        if account.role != "devices":
            assert not may_write(account, T.status("someone-else")), user


def test_the_web_pages_read_numbers_only_and_send_their_own_commands() -> None:
    """The citizens' pages follow lines and events; they send lookups and bookings, no more."""
    web = accounts()["web"]
    assert web.role == "web"
    for topic in (T.lines(), T.queues(), T.event("called"), T.event("issued"), T.reply("web")):
        assert may_read(web, topic), topic
    for topic in (T.board("tang-1"), T.counter("q01"), T.command("issue_ticket", "kiosk-1")):
        assert not may_read(web, topic), topic
    sent = {t.split("/")[4] for t in web.write if "/cmd/" in t}
    assert sent == set(verbs_for(Role.WEB))
    assert {"ticket_status", "look_up_dossier", "request_booking", "cancel_booking"} <= sent
    assert not sent & {"issue_ticket", "check_in", "call_next", "receive_dossier"}
    assert not may_write(web, T.command("ticket_status", "kiosk-1"))
    assert not may_write(web, T.command("call_next", "web"))


def test_a_kiosk_may_request_tickets_and_lookups_but_not_call() -> None:
    kiosk = accounts()["kiosk-1"]
    lookups = {
        "issue_ticket",
        "void_ticket",
        "ticket_status",
        "list_procedures",
        "look_up_dossier",
        "check_in",
    }
    for verb in lookups:
        assert may_write(kiosk, T.command(verb, "kiosk-1"))
        assert not may_write(kiosk, T.command(verb, "kiosk-2"))
    for verb in COMMAND_TYPES.keys() - lookups:
        assert not may_write(kiosk, T.command(verb, "kiosk-1")), verb
    assert may_read(kiosk, T.queues())
    assert not may_read(kiosk, T.commands())


def test_a_counter_acts_only_as_its_own_counter() -> None:
    q01 = accounts()["q01"]
    assert may_write(q01, T.command("call_next", "q01"))
    assert not may_write(q01, T.command("call_next", "q02"))
    assert not may_write(q01, T.command("issue_ticket", "q01"))
    assert not may_write(q01, T.command("sync_dossier", "q01"))
    assert may_write(q01, T.command("receive_dossier", "q01"))
    assert not may_write(q01, T.command("receive_dossier", "q02"))
    assert may_read(q01, T.late_dossiers()) and may_read(q01, T.status("printer-1"))
    assert not may_read(q01, T.reply("q02")) and not may_read(q01, T.commands())


def test_a_display_only_reads_its_board_and_calls() -> None:
    display = accounts()["display-tang-1"]
    assert display.write == (T.status("display-tang-1"),)
    assert may_read(display, T.board("tang-1")) and may_read(display, T.event("called"))
    assert not may_read(display, T.board("tang-2")) and not may_read(display, T.event("issued"))


def test_only_the_server_writes_state_events_and_replies() -> None:
    for user, account in accounts().items():
        writes = [
            T.queues(),
            T.board("tang-1"),
            T.counter("q01"),
            T.event("called"),
            T.reply("q01"),
        ]
        allowed = [may_write(account, topic) for topic in writes]
        assert all(allowed) if account.role == "server" else not any(allowed), user


def test_only_the_server_feeds_the_dossier_index_and_reads_its_answers() -> None:
    for user, account in accounts().items():
        server = account.role == "server"
        assert may_write(account, T.index("dossier")) is server, user
        assert may_write(account, T.index("lookup")) is server, user
        assert may_read(account, T.index("ack")) is server, user
        assert may_read(account, T.index("answer")) is server, user
        assert not may_write(account, T.index("ack")), user


def test_acl_text_has_one_user_block_per_account_and_no_global_rule() -> None:
    text = acl_text(site_accounts(demo_config()))
    body = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert body[0].startswith("user ")
    assert sum(line.startswith("user ") for line in body) == len(accounts())
    assert "user kiosk-1\ntopic read motcua/v1/hcc-demo/reply/kiosk-1\n" in text
    assert "topic write motcua/v1/hcc-demo/cmd/issue_ticket/kiosk-1\n" in text
    assert all(line.split()[0] in {"user", "topic"} for line in body)


@needs_mosquitto_passwd
def test_credentials_are_private_files_and_the_password_file_holds_hashes(tmp_path: Path) -> None:
    out = tmp_path / "broker"
    p.provision(demo_config(), out)
    directory = out / "credentials"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    files = sorted(directory.iterdir())
    assert {f.name for f in files} == {f"{u}.password" for u in accounts()}
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in files)
    assert not list(out.glob("*.json"))
    hashed = (out / "passwd").read_text()
    for user in ("kiosk-1", "q01", "server-hcc-demo"):
        secret = credential_path(out, user).read_text().strip()
        assert len(secret) >= 24 and secret not in hashed
        assert f"\n{user}:$" in "\n" + hashed
    assert not list(out.glob("*.new"))


@needs_mosquitto_passwd
def test_a_rerun_adds_new_devices_and_keeps_existing_secrets(tmp_path: Path) -> None:
    p.provision(demo_config(), tmp_path, kiosks=2)
    before = {u: credential_path(tmp_path, u).read_text() for u in accounts()}
    _, made = p.provision(demo_config(), tmp_path, kiosks=3)
    assert made == ["kiosk-3"]
    assert all(credential_path(tmp_path, u).read_text() == s for u, s in before.items())
    assert "user kiosk-3\n" in (tmp_path / "acl").read_text()
    assert "\nkiosk-3:$" in (tmp_path / "passwd").read_text()


@needs_mosquitto_passwd
def test_rotate_gives_every_account_a_new_password(tmp_path: Path) -> None:
    p.provision(demo_config(), tmp_path)
    before = {u: credential_path(tmp_path, u).read_text() for u in accounts()}
    _, made = p.provision(demo_config(), tmp_path, rotate=True)
    assert sorted(made) == sorted(before)
    assert all(credential_path(tmp_path, u).read_text() != s for u, s in before.items())


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    p.register(parser.add_subparsers())
    args = parser.parse_args(["provision", *argv])
    code: int = args.handler(args)
    return code


@needs_mosquitto_passwd
def test_the_command_reports_each_account(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--config", str(DEMO_CONFIG), "--out", str(tmp_path), "--kiosks", "1") == 0
    printed = capsys.readouterr().out
    assert "kiosk-1" in printed and "kiosk-2" not in printed and "new password" in printed
    assert run_cli("--config", str(DEMO_CONFIG), "--out", str(tmp_path), "--kiosks", "1") == 0
    assert "new password" not in capsys.readouterr().out


def test_the_command_refuses_a_bad_site_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--config", str(tmp_path / "missing.toml"), "--out", str(tmp_path)) == 2
    assert "không tìm thấy tệp" in capsys.readouterr().err
