"""`motcua central`: its config file (the shipped example validates) and its command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from admin.cli import main
from central.config import CentralConfigError, load_central_config
from tests.helpers.sites import ROOT


def test_the_shipped_example_validates() -> None:
    config = load_central_config(ROOT / "config" / "central-example.toml")
    assert config.broker.username == "central" and config.database.pool_size == 2
    assert config.index.prefixes == ["motcua/v1/+"]


def test_a_wrong_key_is_named_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "central.toml"
    path.write_text('[broker]\nhost = "h"\n[database]\nurl = "sqlite://"\n[index]\nmax_bach = 3\n')
    with pytest.raises(CentralConfigError) as caught:
        load_central_config(path)
    assert any("index.max_bach" in line for line in caught.value.lines)


def test_the_command_refuses_a_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["central", "--config", str(tmp_path / "absent.toml")]) == 2
    assert "absent.toml" in capsys.readouterr().err


def test_result_notices_are_resent_every_minute_unless_told_otherwise(tmp_path: Path) -> None:
    example = load_central_config(ROOT / "config" / "central-example.toml")
    assert example.index.handover_resend_seconds == 60
    path = tmp_path / "central.toml"
    head = '[broker]\nhost = "h"\n[database]\nurl = "sqlite://"\n[index]\n'
    path.write_text(head + "handover_resend_seconds = 120\n")
    assert load_central_config(path).index.handover_resend_seconds == 120
    path.write_text(head + "handover_resend_seconds = 1\n")
    with pytest.raises(CentralConfigError) as caught:
        load_central_config(path)
    assert any("index.handover_resend_seconds" in line for line in caught.value.lines)
