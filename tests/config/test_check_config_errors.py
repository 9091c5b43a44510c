"""`motcua check-config`: every problem of a site file at once, each at a key path named by id."""

from __future__ import annotations

from pathlib import Path

import pytest

from admin.cli import main
from shared.config.site import ConfigError, load_site_config
from tests.helpers.sites import DEMO_CONFIG

BOGUS_COUNTER = '\n[[counters]]\nid = "q99"\nlabel = "99"\nservices = ["bogus"]\nzone = "tang-1"\n'
LOST_COUNTER = '\n[[counters]]\nid = "q98"\nlabel = "98"\nservices = ["ho-tich"]\nzone = "tang-9"\n'
ORPHAN_SERVICE = '\n[[services]]\ncode = "x"\nname = "X"\ndepartment = "nope"\nprefix = "Z"\n'
SECOND_ZONE = '\n[[zones]]\nid = "tang-1"\nname = "again"\n'


@pytest.fixture(autouse=True)
def vietnamese(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in a neutral locale: Vietnamese messages."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def write(tmp_path: Path, *extra: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(DEMO_CONFIG.read_text(encoding="utf-8") + "".join(extra), encoding="utf-8")
    return path


def check(capsys: pytest.CaptureFixture[str], path: Path) -> tuple[int, str, list[str]]:
    status = main(["check-config", str(path)])
    out, err = capsys.readouterr()
    prefix = f"{path}: "
    lines = [line.removeprefix(prefix) for line in err.splitlines() if line.startswith(prefix)]
    return status, out, lines


def test_every_reference_error_is_printed_with_ids(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, ORPHAN_SERVICE, BOGUS_COUNTER, LOST_COUNTER, SECOND_ZONE)
    status, out, lines = check(capsys, path)
    assert status == 1
    assert out == ""
    assert "services[x].department: không có đơn vị 'nope'" in lines
    assert "counters[q99].services: không có dịch vụ 'bogus'" in lines
    assert "counters[q98].zone: không có khu vực 'tang-9'" in lines
    assert "zones[tang-1]: mã 'tang-1' bị trùng (mục #1 và #3)" in lines
    assert len(lines) == 4, lines


def test_field_errors_and_reference_errors_come_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken_service = (
        '\n[[services]]\ncode = "y"\nname = "Y"\ndepartment = "tu-phap"\nprefix = "z1"\n'
        "colour = 1\n"
    )
    unlabelled = '\n[[counters]]\nid = "q97"\nservices = ["ho-tich"]\nzone = "tang-1"\n'
    path = write(tmp_path, broken_service, unlabelled, BOGUS_COUNTER, "\n[broker]\nport = 0\n")
    status, _, lines = check(capsys, path)
    assert status == 1
    assert any(line.startswith("services[y].prefix: không đúng dạng") for line in lines), lines
    assert "services[y].colour: khóa không được hỗ trợ" in lines
    assert "counters[q97].label: thiếu (bắt buộc)" in lines
    assert "counters[q99].services: không có dịch vụ 'bogus'" in lines
    assert "broker.port: phải lớn hơn hoặc bằng 1" in lines
    assert len(lines) == 5, lines


def test_an_item_without_a_usable_id_is_named_by_its_position(tmp_path: Path) -> None:
    path = write(tmp_path, '\n[[zones]]\nname = "no id"\n')
    with pytest.raises(ConfigError) as caught:
        load_site_config(path)
    assert caught.value.errors == ["zones[#3].id: thiếu (bắt buộc)"]


def test_a_valid_file_prints_a_summary_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, lines = check(capsys, DEMO_CONFIG)
    assert status == 0
    assert lines == []
    assert out.startswith("OK: ")
    assert "16 quầy" in out


def test_english_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    path = write(tmp_path, BOGUS_COUNTER, '\n[[zones]]\nname = "no id"\n')
    with pytest.raises(ConfigError) as caught:
        load_site_config(path)
    assert caught.value.errors == [
        "zones[#3].id: Field required",
        "counters[q99].services: unknown service 'bogus'",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (None, "không tìm thấy tệp"),
        (b"[site\n", "không phải TOML hợp lệ"),
        (b"\xff\xfe[site]\n", "không phải văn bản UTF-8"),
    ],
)
def test_unreadable_files_exit_1_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, expected: str
) -> None:
    path = tmp_path / "site.toml"
    if content is not None:
        path.write_bytes(content)
    status, _, lines = check(capsys, path)
    assert status == 1
    assert len(lines) == 1 and lines[0].startswith(expected), lines


def test_a_folder_is_not_a_site_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, lines = check(capsys, tmp_path)
    assert status == 1
    assert lines and lines[0].startswith("không đọc được tệp"), lines


def test_a_branch_on_a_shared_database_must_name_its_own_agency_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    without = "\n".join(line for line in text.splitlines() if not line.startswith("agency_code"))
    path = tmp_path / "site.toml"
    shared = '\n[database]\nurl = "postgresql+psycopg://motcua@db.tinh.example/motcua"\n'
    path.write_text(without + shared, encoding="utf-8")
    status, _, lines = check(capsys, path)
    assert status == 1
    assert any("agency_code" in line and "mã đơn vị riêng" in line for line in lines), lines
    path.write_text(without, encoding="utf-8")  # one branch with its own SQLite: the default does
    assert check(capsys, path)[0] == 0
    path.write_text(text + shared, encoding="utf-8")  # named: fine
    assert check(capsys, path)[0] == 0


def test_return_branches_need_the_index_and_name_other_branches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "index.key"
    key.write_text("k" * 40, encoding="utf-8")
    index = f'\n[index]\nenabled = true\nkey_file = "{key}"\n'
    good = index + 'return_branches = { "hcc-q2" = "Chi nhánh Quận Hai" }\n'
    assert check(capsys, write(tmp_path, good))[0] == 0
    config = load_site_config(write(tmp_path, good))
    assert config.index.return_branches == {"hcc-q2": "Chi nhánh Quận Hai"}
    status, _, lines = check(
        capsys, write(tmp_path, index + 'return_branches = { "hcc-demo" = "X" }\n')
    )
    assert status == 1 and any("chính điểm này" in line for line in lines), lines
    off = '\n[index]\nreturn_branches = { "hcc-q2" = "Chi nhánh Quận Hai" }\n'
    status, _, lines = check(capsys, write(tmp_path, off))
    assert status == 1 and any("return_branches" in line for line in lines), lines
    status, _, lines = check(capsys, write(tmp_path, index + 'return_branches = { "Q 2" = "X" }\n'))
    assert status == 1, lines
