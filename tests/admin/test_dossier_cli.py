"""`motcua dossier due`: the due date on the first line, explanations after, exit 2 on bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from admin.cli import main
from tests.helpers.sites import DEMO_CONFIG


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    code = main(["dossier", "due", *args])
    out = capsys.readouterr()
    return code, out.out.splitlines(), out.err


def test_first_line_is_the_due_date_after_tet(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, "--received", "2026-02-13 10:00", "--days", "3")
    assert code == 0
    assert lines[0] == "2026-02-25"
    assert "2026-02-17: Tết Nguyên Đán" in lines


def test_same_day_after_cutoff_before_30_april(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(capsys, "--received", "2026-04-29 15:30", "--days", "0")
    assert code == 0
    assert lines[0] == "2026-05-04"


def test_paused_time_moves_the_due_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, lines, _ = run(
        capsys,
        *("--received", "2026-03-02 09:00", "--days", "3"),
        *("--paused", "2026-03-03 10:00/2026-03-04 09:00"),
    )
    assert code == 0
    assert lines[0] == "2026-03-09"


def test_site_calendar_make_up_saturday(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("--received", "2026-08-21 09:00", "--days", "1")
    code, lines, _ = run(capsys, *args, "--config", str(DEMO_CONFIG))
    assert code == 0
    assert lines[0] == "2026-08-22"
    _, lines, _ = run(capsys, *args)
    assert lines[0] == "2026-08-24"


@pytest.mark.parametrize(
    "args",
    [
        ("--received", "13/02/2026", "--days", "1"),
        ("--received", "2026-02-13 10:00", "--days", "-1"),
        ("--received", "2026-02-13 10:00", "--days", "1", "--paused", "2026-02-13 11:00"),
    ],
)
def test_bad_input_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    code, lines, err = run(capsys, *args)
    assert code == 2
    assert lines == []
    assert err.startswith("Lỗi: ")


def test_bad_config_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    text = DEMO_CONFIG.read_text(encoding="utf-8").replace('cutoff = "15:00"', 'cutoff = "3pm"')
    path.write_text(text, encoding="utf-8")
    code, _, err = run(
        capsys, "--received", "2026-02-13 10:00", "--days", "1", "--config", str(path)
    )
    assert code == 2
    assert "calendar.cutoff" in err


def test_piping_into_head_stops_quietly() -> None:
    import subprocess
    import sys

    done = subprocess.run(
        f"'{sys.executable}' -m admin.cli dossier due --received '2026-02-13 16:20' --days 2"
        " | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.strip() == "2026-02-25"
    assert "Traceback" not in done.stderr
