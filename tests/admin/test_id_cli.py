"""`motcua id parse`: the fields as JSON, or the reason in Vietnamese and exit 1.

The ID number is made up (prefix 099 is no province's code).
"""

from __future__ import annotations

import argparse
import io
import json

import pytest

from admin import id_cli

CARD = "099090000001|099000001|NGUYỄN VĂN MẪU|01011990|Nam|Số 1 đường Thử Nghiệm|15042021"


@pytest.fixture(autouse=True)
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "vi_VN.UTF-8")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    root = argparse.ArgumentParser(prog="motcua")
    id_cli.register(root.add_subparsers(dest="command", required=True))
    parsed = root.parse_args(["id", "parse", *args])
    code = parsed.handler(parsed)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_prints_every_field_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, CARD, "--today", "2026-03-15")
    assert code == 0 and err == ""
    assert json.loads(out) == {
        "id_number": "099090000001",
        "old_id_number": "099000001",
        "full_name": "NGUYỄN VĂN MẪU",
        "birth_date": "1990-01-01",
        "sex": "Nam",
        "address": "Số 1 đường Thử Nghiệm",
        "issue_date": "2021-04-15",
    }
    assert "NGUYỄN VĂN MẪU" in out  # UTF-8, not \\u escapes


def test_empty_dates_are_null(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "099090000001||||||")
    assert code == 0
    assert json.loads(out)["birth_date"] is None and json.loads(out)["issue_date"] is None


def test_reads_stdin_with_a_dash(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(CARD + "\n"))
    code, out, _ = run(capsys, "-")
    assert code == 0 and json.loads(out)["id_number"] == "099090000001"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("099090000001|099000001|NGUYỄN VĂN MẪU", "ít nhất 7 trường"),
        (CARD.replace("099090000001", "0990900001"), "Số định danh cá nhân phải gồm đúng 12"),
        (CARD.replace("01011990", "30021990"), "Ngày sinh không phải là một ngày có thật"),
        (CARD.replace("01011990", "01012027"), "Ngày sinh ở sau ngày hôm nay"),
    ],
)
def test_bad_text_prints_the_reason_and_exits_1(
    capsys: pytest.CaptureFixture[str], text: str, reason: str
) -> None:
    code, out, err = run(capsys, text, "--today", "2026-03-15")
    assert code == 1 and out == ""
    assert err.startswith("Lỗi: ") and reason in err
    assert "NGUYỄN" not in err


def test_a_bad_today_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        run(capsys, CARD, "--today", "15/03/2026")
    assert caught.value.code == 2
