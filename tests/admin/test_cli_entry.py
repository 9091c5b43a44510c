"""The `motcua` entry point: one line per command, clear usage errors, the user's language."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from admin.cli import COMMANDS, main
from shared.cli_text import say
from tests.helpers.sites import DEMO_CONFIG, ROOT, demo_site_file


@pytest.fixture(autouse=True)
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in a neutral locale (Vietnamese messages) on an 80-column terminal."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "80")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `motcua ARGS`, whether it returns or exits, and return its status and output."""
    try:
        status = main(list(args))
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def command_lines(text: str) -> dict[str, str]:
    """The help's command list: name → its one line of help."""
    found = {}
    for line in text.splitlines():
        name, _, rest = line.strip().partition(" ")
        if line.startswith("    ") and name in COMMANDS and rest.strip():
            found[name] = rest.strip()
    return found


def test_help_lists_every_command_on_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--help")
    assert status == 0, err
    assert "Traceback" not in err
    listed = command_lines(out)
    assert set(listed) == set(COMMANDS)
    assert listed["restore"] == COMMANDS["restore"].vi
    assert listed["check-config"] == "kiểm tra tệp cấu hình điểm phục vụ"


def test_bare_motcua_lists_the_commands_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys)
    assert status == 2
    assert set(command_lines(out + err)) == set(COMMANDS)


def test_an_unknown_command_says_so_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "foo")
    assert status == 2
    assert out == ""
    assert err.strip() == "motcua: không có lệnh 'foo'. Xem: motcua --help"


def test_a_near_miss_suggests_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "bakup")
    assert status == 2
    assert "không có lệnh 'bakup'" in err and "backup" in err


def test_english_locale_gets_english_messages(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    status, out, err = run(capsys, "foo")
    assert status == 2
    assert err.strip() == "motcua: no command 'foo'. See: motcua --help"
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert command_lines(out)["restore"] == COMMANDS["restore"].en


def test_lc_all_outranks_lang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert say("xin chào", "hello") == "hello"
    monkeypatch.setenv("LC_ALL", "vi_VN.UTF-8")
    assert say("xin chào", "hello") == "xin chào"
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    monkeypatch.setenv("LC_MESSAGES", "vi_VN.UTF-8")
    assert say("xin chào", "hello") == "hello"


def test_a_usage_error_inside_a_command_exits_2_in_vietnamese(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = run(capsys, "backup", "--config", str(DEMO_CONFIG))
    assert status == 2
    assert "thiếu tham số bắt buộc: --out" in err
    status, _, err = run(capsys, "dossier", "nope")
    assert status == 2
    assert "không có lựa chọn 'nope'" in err


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_is_registered_by_its_module(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    module = importlib.import_module(COMMANDS[name].module)
    assert callable(module.register)
    status, out, err = run(capsys, name, "--help")
    assert status == 0, err
    assert out.startswith(f"cách dùng: motcua {name}")


def _modules_loaded_by(*args: str) -> set[str]:
    code = (
        "import sys\n"
        "from admin.cli import main\n"
        "try:\n"
        f"    main({list(args)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(','.join(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    return set(done.stderr.strip().splitlines()[-1].split(","))


def test_help_and_check_config_load_neither_qt_nor_the_database() -> None:
    for args in (("--help",), ("check-config", str(DEMO_CONFIG))):
        loaded = _modules_loaded_by(*args)
        assert "admin.cli" in loaded
        assert not {"PySide6", "sqlalchemy"} & loaded, args


def test_the_module_reports_unknown_commands_without_a_traceback() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "admin.cli", "foo"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""},
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "không có lệnh 'foo'" in done.stderr


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    """The demo site with its data folder in the test's folder."""
    return demo_site_file(tmp_path)


USAGE_ERRORS = [
    ("backup", "--config", "{site}"),
    (
        "report",
        "--from",
        "2026-13-01",
        "--to",
        "2026-12-01",
        "--out",
        "{tmp}",
        "--config",
        "{site}",
    ),
    ("dossier", "due", "--received", "hôm nay", "--days", "1"),
    ("officer", "add", "cb09", "--name", "A", "--counters", "q99", "--config", "{site}"),
    ("status", "--every", "0", "--config", "{site}"),
    ("hw", "decode"),
    ("check-config",),
    ("officer", "list", "--config", "{tmp}/absent.toml"),
]
FAILURES = [
    ("restore", "{tmp}/absent.db", "--config", "{site}"),
    ("backup", "--out", "{tmp}/copy.db", "--config", "{site}"),
    ("dossier", "import", "{tmp}/absent.json", "--config", "{site}"),
    ("hw", "decode", "{tmp}/absent.png"),
    ("check-config", "{tmp}/absent.toml"),
    ("officer", "list", "--database-url", "postgresql+psycopg://x@127.0.0.1:1/x"),
]


def _filled(args: tuple[str, ...], tmp: Path, site: Path) -> list[str]:
    return [a.format(tmp=tmp, site=site) for a in args]


@pytest.mark.parametrize("args", USAGE_ERRORS, ids=" ".join)
def test_usage_errors_exit_2(
    args: tuple[str, ...], tmp_path: Path, site_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, *_filled(args, tmp_path, site_file))
    assert status == 2, err
    assert err and "Traceback" not in err


@pytest.mark.parametrize("args", FAILURES, ids=" ".join)
def test_failures_exit_1(
    args: tuple[str, ...], tmp_path: Path, site_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, *_filled(args, tmp_path, site_file))
    assert status == 1, err
    assert err and "Traceback" not in err
