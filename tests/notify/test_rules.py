"""Templates, masks, retry delays, quiet hours and the [notify] section's checks."""

from __future__ import annotations

import unicodedata
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shared.config.notify import DEFAULT_TEMPLATES, NotifyConfig
from shared.config.site import ConfigError, load_site_config
from shared.domain.notifications import (
    MessageKind,
    QuietHours,
    international_phone,
    mask_email,
    mask_phone,
    render,
    retry_delay,
    template_problems,
    without_diacritics,
)
from tests.helpers.sites import DEMO_CONFIG

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def test_the_ready_template_renders_vietnamese_in_nfc() -> None:
    # The procedure name arrives decomposed (NFD), as some keyboards and files write it.
    procedure = unicodedata.normalize("NFD", "Cấp bản sao trích lục hộ tịch")
    text = render(
        DEFAULT_TEMPLATES[MessageKind.READY].text,
        {
            "code": "000.00.17.H99-261207-0001",
            "procedure": procedure,
            "place": "Quầy trả kết quả, tầng 1",
            "site": "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa",
        },
    )
    assert text == (
        "Hồ sơ 000.00.17.H99-261207-0001 (Cấp bản sao trích lục hộ tịch) đã có kết quả, "
        "mời ông/bà đến Quầy trả kết quả, tầng 1 để nhận. "
        "Trung tâm Phục vụ hành chính công tỉnh Khánh Hòa"
    )
    assert unicodedata.is_normalized("NFC", text)


def test_a_missing_value_leaves_its_place_empty_not_a_brace() -> None:
    assert render("Mời số {number} đến quầy {counter}.", {"number": "A012"}) == (
        "Mời số A012 đến quầy ."
    )


def test_every_default_template_uses_only_known_names() -> None:
    for template in DEFAULT_TEMPLATES.values():
        assert template_problems(template.text) == []
        assert template_problems(template.subject) == []
    assert template_problems("Hồ sơ {ma_ho_so}")[0].startswith("không có tên {ma_ho_so}")
    assert template_problems("{code!r}") == ["{code} không nhận định dạng riêng"]
    assert "cân đối" in template_problems("Hồ sơ {code")[0]


def test_sms_text_without_marks() -> None:
    assert without_diacritics("Hồ sơ đã có kết quả, Đắk Lắk") == "Ho so da co ket qua, Dak Lak"


@pytest.mark.parametrize(
    ("typed", "international", "masked"),
    [
        ("0912345678", "84912345678", "09xx xxx 678"),
        ("+84 912 345 678", "84912345678", "09xx xxx 678"),
        ("84912345678", "84912345678", "09xx xxx 678"),
        ("091.234.5678", "84912345678", "09xx xxx 678"),
        ("12345", None, "xxxxx"),
        ("0012345678", None, "00xx xxx 678"),
    ],
)
def test_phone_numbers_for_gateways_and_for_staff(
    typed: str, international: str | None, masked: str
) -> None:
    assert international_phone(typed) == international
    assert mask_phone(typed) == masked


def test_email_mask_keeps_the_domain_only() -> None:
    assert mask_email("nhung.nguyen@example.vn") == "n***@example.vn"
    assert mask_email("not-an-address") == "***"


def test_retry_delays_double_up_to_the_cap_and_jitter_only_shortens() -> None:
    delays = [retry_delay(n, 30, 600, 0.3, lambda: 0.0) for n in range(1, 8)]
    assert delays == [30, 60, 120, 240, 480, 600, 600]
    assert retry_delay(3, 30, 600, 0.3, lambda: 1.0) == pytest.approx(120 * 0.7)
    assert retry_delay(500, 30, 600, 0.3, lambda: 0.0) == 600


def test_quiet_hours_across_midnight() -> None:
    quiet = QuietHours(time(21, 0), time(7, 0))
    late = datetime(2026, 12, 7, 22, 30, tzinfo=HCM)
    early = datetime(2026, 12, 8, 6, 59, tzinfo=HCM)
    day = datetime(2026, 12, 8, 7, 0, tzinfo=HCM)
    assert quiet.quiet(late) and quiet.quiet(early) and not quiet.quiet(day)
    assert quiet.over_at(late) == datetime(2026, 12, 8, 7, 0, tzinfo=HCM)
    assert quiet.over_at(early) == datetime(2026, 12, 8, 7, 0, tzinfo=HCM)
    assert quiet.over_at(day) == day
    lunch = QuietHours(time(11, 30), time(13, 0))
    assert lunch.over_at(datetime(2026, 12, 8, 12, 0, tzinfo=HCM)).time() == time(13, 0)


def _site_file(tmp_path: Path, notify: str) -> Path:
    path = tmp_path / "site.toml"
    path.write_text(DEMO_CONFIG.read_text(encoding="utf-8") + notify, encoding="utf-8")
    return path


def test_a_template_with_an_unknown_name_is_refused_at_its_key_path(tmp_path: Path) -> None:
    path = _site_file(
        tmp_path,
        '\n[notify]\nenabled = true\n[notify.sms]\nurl = "https://sms.example.vn/send"\n'
        '[notify.templates.ready]\ntext = "Hồ sơ {ma_ho_so} đã có kết quả"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_site_config(path)
    assert any(
        "notify.templates.ready.text" in line and "{ma_ho_so}" in line
        for line in caught.value.errors
    ), caught.value.errors


def test_secrets_are_never_written_in_the_site_file(tmp_path: Path) -> None:
    path = _site_file(
        tmp_path,
        '\n[notify]\nenabled = true\n[notify.smtp]\nhost = "mail.example.vn"\n'
        'from_address = "a@example.vn"\npassword = "bí mật"\n',
    )
    with pytest.raises(ConfigError) as caught:
        load_site_config(path)
    assert any("notify.smtp.password" in line for line in caught.value.errors)


def test_enabled_needs_a_gateway_and_channels_are_checked() -> None:
    with pytest.raises(ValueError, match="ít nhất một kênh"):
        NotifyConfig(enabled=True)
    with pytest.raises(ValueError):
        NotifyConfig.model_validate({"channels": {"ready": ["zns", "zns"]}})
    with pytest.raises(ValueError):
        NotifyConfig.model_validate({"channels": {"ready": ["fax"]}})
    with pytest.raises(ValueError, match="HH:MM-HH:MM"):
        NotifyConfig(quiet_hours="21h-7h")


def test_the_site_may_reword_one_kind_and_keeps_the_others() -> None:
    settings = NotifyConfig.model_validate(
        {"templates": {"ready": {"text": "Hồ sơ {code}: mời nhận kết quả tại {place}."}}}
    )
    assert settings.template(MessageKind.READY).text.startswith("Hồ sơ {code}: mời")
    assert settings.template(MessageKind.APOLOGY) == DEFAULT_TEMPLATES[MessageKind.APOLOGY]
    assert settings.channels_for(MessageKind.TURN) == ["zns", "sms"]
    assert settings.max_age(MessageKind.TURN) == 15 and settings.max_age(MessageKind.READY) == 0
