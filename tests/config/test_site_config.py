"""Site files: the demo validates; every mistake is reported with its key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from admin.cli import main
from shared.config.site import ConfigError, load_site_config
from tests.helpers.sites import DEMO_CONFIG


def test_demo_site_is_a_provincial_centre() -> None:
    config = load_site_config(DEMO_CONFIG)
    assert len(config.departments) >= 10
    assert len(config.services) >= 20
    assert len(config.counters) >= 16
    site = config.to_domain()
    assert all(site.counters_serving(s.code) for s in site.services), "a service nobody serves"
    assert len({s.prefix for s in site.services}) == len(site.services)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(DEMO_CONFIG.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            '\n[[services]]\ncode = "x"\nname = "X"\ndepartment = "nope"\nprefix = "Z"\n',
            "services[x].department: không có đơn vị 'nope'",
        ),
        (
            '\n[[services]]\ncode = "x"\nname = "X"\ndepartment = "tu-phap"\nprefix = "z1"\n',
            "services[x].prefix",
        ),
        (
            '\n[[services]]\ncode = "x"\nname = "X"\ndepartment = "tu-phap"\nprefix = "Z"\n'
            "colour = 1\n",
            "services[x].colour: khóa không được hỗ trợ",
        ),
        (
            '\n[[services]]\ncode = "x"\nname = "X"\ndepartment = "tu-phap"\nprefix = "Z"\n'
            'windows = ["11:00-07:00"]\n',
            "services[x].windows",
        ),
        (
            '\n[[counters]]\nid = "q99"\nlabel = "99"\nservices = ["bogus"]\nzone = "tang-1"\n',
            "counters[q99].services: không có dịch vụ 'bogus'",
        ),
        (
            '\n[[counters]]\nid = "q01"\nlabel = "1"\nservices = ["ho-tich"]\nzone = "tang-1"\n',
            "counters[q01]: mã 'q01' bị trùng (mục #1 và #17)",
        ),
        ("\n[queue]\nmax_recalls = -1\n", "queue"),
    ],
)
def test_errors_name_the_key_path(tmp_path: Path, extra: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_site_config(write(tmp_path, extra))
    assert any(expected in line for line in caught.value.errors), caught.value.errors


def test_check_config_command_prints_errors_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path, '\n[[zones]]\nid = "tang-1"\nname = "again"\n')
    assert main(["check-config", str(bad)]) == 1
    assert "zones[tang-1]: mã 'tang-1' bị trùng (mục #1 và #3)" in capsys.readouterr().err
    assert main(["check-config", str(DEMO_CONFIG)]) == 0
    assert "16 quầy" in capsys.readouterr().out


def test_missing_and_broken_files_are_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="không tìm thấy tệp"):
        load_site_config(tmp_path / "absent.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[site\n")
    with pytest.raises(ConfigError, match="không phải TOML hợp lệ"):
        load_site_config(broken)
