"""`motcua central-broker`: one folder for many branches, regenerated, never appended."""

from __future__ import annotations

import argparse
import base64
import hashlib
import shutil
import stat
from pathlib import Path

import pytest
from paho.mqtt.client import topic_matches_sub

from admin import bridge
from admin import central_provision as cp
from admin import provision as p
from admin.central_sites import SITES_FILE, load_registry
from server.accounts import Account, ProvisionError, credential_path
from shared.messaging.registry import Role, verbs_for
from shared.messaging.topics import Topics

SITES = ("hcc-a", "hcc-b", "hcc-c")
REMAPPED = "tinh/hcm/motcua/v1/hcc-b"
needs_mosquitto_passwd = pytest.mark.skipif(
    shutil.which("mosquitto_passwd") is None, reason="mosquitto is not installed"
)


def request(*sites: str, **changes: object) -> cp.CentralRequest:
    return cp.CentralRequest(tuple(cp.SiteRequest(s) for s in sites), **changes)  # type: ignore[arg-type]


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file the command keeps, by path relative to `out`."""
    return {str(f.relative_to(out)): f.read_bytes() for f in sorted(out.rglob("*")) if f.is_file()}


def passwd_lines(out: Path) -> dict[str, str]:
    lines = (out / "passwd").read_text().splitlines()
    users = [line.partition(":")[0] for line in lines]
    assert len(users) == len(set(users)), "a user twice in the password file"
    return {line.partition(":")[0]: line for line in lines}


def by_user(out: Path, registry_request: cp.CentralRequest) -> dict[str, Account]:
    return {a.user: a for a in cp.provision_central(out, registry_request).accounts}


@needs_mosquitto_passwd
def test_provisioning_three_sites_twice_leaves_every_file_byte_identical(tmp_path: Path) -> None:
    result = cp.provision_central(tmp_path, request(*SITES))
    assert sorted(result.made) == sorted(
        ["central", "watcher", "lookup", "web", *map(bridge.bridge_user, SITES)]
    )
    first = snapshot(tmp_path)
    again = cp.provision_central(tmp_path, request(*SITES))
    assert again.made == [] and again.removed == []
    assert snapshot(tmp_path) == first
    # Nothing asked: the files are regenerated from sites.toml, still the same.
    cp.provision_central(tmp_path, cp.CentralRequest())
    assert snapshot(tmp_path) == first
    assert set(passwd_lines(tmp_path)) == {
        "central",
        "watcher",
        "lookup",
        "web",
        *map(bridge.bridge_user, SITES),
    }
    assert not list(tmp_path.glob("*.new"))


@needs_mosquitto_passwd
def test_rotating_one_site_replaces_its_line_and_keeps_the_others(tmp_path: Path) -> None:
    cp.provision_central(tmp_path, request(*SITES))
    before = passwd_lines(tmp_path)
    old = credential_path(tmp_path, "bridge-hcc-b").read_text()
    result = cp.provision_central(tmp_path, cp.CentralRequest(rotate=("hcc-b",)))
    assert result.made == ["bridge-hcc-b"]
    after = passwd_lines(tmp_path)
    assert set(after) == set(before)
    assert after["bridge-hcc-b"] != before["bridge-hcc-b"]
    assert {u: line for u, line in after.items() if u != "bridge-hcc-b"} == {
        u: line for u, line in before.items() if u != "bridge-hcc-b"
    }
    assert credential_path(tmp_path, "bridge-hcc-b").read_text() != old
    assert (tmp_path / "acl").read_text().count("user bridge-hcc-b\n") == 1


@needs_mosquitto_passwd
def test_removing_a_site_drops_its_lines_its_acl_block_and_its_password(tmp_path: Path) -> None:
    cp.provision_central(tmp_path, request(*SITES))
    result = cp.provision_central(tmp_path, cp.CentralRequest(remove=("hcc-c",)))
    assert result.removed == ["hcc-c"]
    assert "bridge-hcc-c" not in passwd_lines(tmp_path)
    assert "hcc-c" not in (tmp_path / "acl").read_text()
    assert not credential_path(tmp_path, "bridge-hcc-c").exists()
    assert load_registry(tmp_path / SITES_FILE).ids() == ["hcc-a", "hcc-b"]
    # Removing it again changes nothing; adding it back gives it a new password.
    assert cp.provision_central(tmp_path, cp.CentralRequest(remove=("hcc-c",))).removed == []
    assert cp.provision_central(tmp_path, request("hcc-c")).made == ["bridge-hcc-c"]


@needs_mosquitto_passwd
def test_the_acl_is_regenerated_from_sites_toml_not_appended(tmp_path: Path) -> None:
    cp.provision_central(tmp_path, request("hcc-a"))
    with (tmp_path / "acl").open("a") as acl:
        acl.write("user intruder\ntopic readwrite #\n")
    sites = tmp_path / SITES_FILE
    sites.write_text(sites.read_text() + '\n[[site]]\nid = "hcc-b"\n')
    cp.provision_central(tmp_path, cp.CentralRequest())
    text = (tmp_path / "acl").read_text()
    assert "intruder" not in text and "user bridge-hcc-b\n" in text
    assert text.count("user bridge-hcc-a\n") == 1


@needs_mosquitto_passwd
def test_the_central_and_watcher_accounts_cover_usual_and_remapped_sites(tmp_path: Path) -> None:
    wanted = (cp.SiteRequest("hcc-a"), cp.SiteRequest("hcc-b", REMAPPED))
    accounts = by_user(tmp_path, cp.CentralRequest(wanted))
    central, watcher = accounts["central"], accounts["watcher"]
    a = Topics("hcc-a")
    remote_b = REMAPPED + "/index/dossier"
    for topic in (
        a.index("dossier"),
        a.index("lookup"),
        remote_b,
        "motcua/v1/hcc-new/index/dossier",
    ):
        assert any(topic_matches_sub(f, topic) for f in central.read), topic
    for topic in (a.index("ack"), a.index("answer"), REMAPPED + "/index/answer"):
        assert any(topic_matches_sub(f, topic) for f in central.write), topic
    assert not any("/cmd/" in f or "#" in f for f in central.write)
    assert watcher.write == ()
    assert any(topic_matches_sub(f, REMAPPED + "/evt/called") for f in watcher.read)
    assert not any(topic_matches_sub(f, a.index("dossier")) for f in watcher.read)
    lookup = accounts["lookup"]
    for topic in (a.command("ticket_status", "central"), REMAPPED + "/cmd/ticket_status/central"):
        assert any(topic_matches_sub(f, topic) for f in lookup.write), topic
    assert not any(topic_matches_sub(f, a.command("call_next", "central")) for f in lookup.write)
    assert any(topic_matches_sub(f, REMAPPED + "/reply/central") for f in lookup.read)
    assert accounts["bridge-hcc-b"].write[0].startswith(REMAPPED + "/")
    assert f'prefix = "{REMAPPED}"' in (tmp_path / SITES_FILE).read_text()
    # `--site hcc-b` without a prefix keeps the one it has.
    again = by_user(tmp_path, request("hcc-b"))
    assert again["bridge-hcc-b"] == accounts["bridge-hcc-b"]


@needs_mosquitto_passwd
def test_contradictions_and_bad_names_are_refused(tmp_path: Path) -> None:
    cp.provision_central(tmp_path, request("hcc-a"))
    before = snapshot(tmp_path)
    refused = [
        request("hcc-b", remove=("hcc-b",)),
        cp.CentralRequest(rotate=("hcc-unknown",)),
        request("Bad Id"),
        cp.CentralRequest((cp.SiteRequest("hcc-b", "tinh/+/x"),)),
        cp.CentralRequest((cp.SiteRequest("hcc-b", Topics("hcc-a").base),)),
    ]
    for bad in refused:
        with pytest.raises(ProvisionError):
            cp.provision_central(tmp_path, bad)
    assert snapshot(tmp_path) == before


@needs_mosquitto_passwd
def test_secret_files_are_private_and_tightened_again(tmp_path: Path) -> None:
    cp.provision_central(tmp_path, request(*SITES))
    secret = credential_path(tmp_path, "bridge-hcc-a")
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "credentials").stat().st_mode) == 0o700
    for path in (secret, tmp_path / "passwd"):
        path.chmod(0o666)
    cp.provision_central(tmp_path, cp.CentralRequest())
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "passwd").stat().st_mode) == 0o640
    hashed = (tmp_path / "passwd").read_text()
    assert secret.read_text().strip() not in hashed


def test_a_mosquitto_hash_is_checked_without_hashing_again() -> None:
    salt = b"0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha512", b"secret", salt, 101, 64)
    seven = f"$7$101${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"
    six_digest = hashlib.sha512(b"secret" + salt).digest()
    six = f"$6${base64.b64encode(salt).decode()}${base64.b64encode(six_digest).decode()}"
    assert p.hash_matches(seven, "secret") and p.hash_matches(six, "secret")
    assert not p.hash_matches(seven, "other") and not p.hash_matches(six, "other")
    assert not p.hash_matches("secret", "secret") and not p.hash_matches("$7$x$y$z", "secret")


def run_cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    cp.register(parser.add_subparsers())
    args = parser.parse_args(["central-broker", *argv])
    code: int = args.handler(args)
    return code


@needs_mosquitto_passwd
def test_the_command_reads_a_sites_file_and_says_what_each_branch_must_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = tmp_path / "province.toml"
    listed.write_text(f'[[site]]\nid = "hcc-a"\n\n[[site]]\nid = "hcc-b"\nprefix = "{REMAPPED}"\n')
    out = tmp_path / "central"
    assert run_cli("--out", str(out), "--sites-file", str(listed), "--site", "hcc-c") == 0
    printed = capsys.readouterr().out
    assert f"--bridge-prefix {REMAPPED}" in printed
    assert str(credential_path(out, "bridge-hcc-c")) in printed
    assert load_registry(out / SITES_FILE).ids() == ["hcc-a", "hcc-b", "hcc-c"]
    assert run_cli("--out", str(out), "--rotate", "hcc-a") == 0
    printed = capsys.readouterr().out
    assert "bridge-hcc-a.password" in printed and "bridge-hcc-b.password" not in printed


def test_the_command_names_the_bad_key_of_a_sites_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = tmp_path / "province.toml"
    listed.write_text('[[site]]\nid = "hcc-a"\nprefx = "x"\n')
    assert run_cli("--out", str(tmp_path / "central"), "--sites-file", str(listed)) == 1
    assert "prefx" in capsys.readouterr().err
    assert not (tmp_path / "central" / "passwd").exists()


@needs_mosquitto_passwd
def test_the_web_account_follows_every_branch_and_sends_only_its_two_commands(
    tmp_path: Path,
) -> None:
    """`motcua web` at the centre (`[web] sites = ["+"]`) reads numbers only, asks two things."""
    wanted = (cp.SiteRequest("hcc-a"), cp.SiteRequest("hcc-b", REMAPPED))
    web = by_user(tmp_path, cp.CentralRequest(wanted))["web"]
    a = Topics("hcc-a")
    for topic in (
        a.lines(),
        a.queues(),
        a.event("called"),
        a.reply("web"),
        REMAPPED + "/reply/web",
    ):
        assert any(topic_matches_sub(f, topic) for f in web.read), topic
    for topic in (a.board("tang-1"), a.counter("q01"), a.index("dossier"), a.reply("central")):
        assert not any(topic_matches_sub(f, topic) for f in web.read), topic
    sent = {f.split("/")[-2] for f in web.write}
    assert sent == set(verbs_for(Role.WEB)) and "issue_ticket" not in sent
    assert all(f.endswith("/web") for f in web.write)
    bridge_b = by_user(tmp_path, cp.CentralRequest())["bridge-hcc-b"]
    assert REMAPPED + "/cmd/look_up_dossier/web" in bridge_b.read
    assert REMAPPED + "/reply/web" in bridge_b.write
