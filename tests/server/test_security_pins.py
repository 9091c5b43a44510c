"""A PIN must be long enough and not a trivial sequence; each site sets its minimum length."""

from __future__ import annotations

import pytest

from shared.config.site import SiteConfig
from shared.domain.credentials import PinPolicy
from tests.helpers.sites import demo_config

TRIVIAL = ("0000", "1234", "123456", "111111", "654321", "000000", "121212", "123123", "987654")


@pytest.mark.parametrize("pin", TRIVIAL)
def test_trivial_pins_are_refused(pin: str) -> None:
    """The audit: `motcua officer add` accepted 0000."""
    assert PinPolicy().problem(pin) is not None


@pytest.mark.parametrize("pin", ("739154", "582046", "9f3k-Lq2"))
def test_ordinary_pins_are_accepted(pin: str) -> None:
    assert PinPolicy().problem(pin) is None


def test_short_pins_are_refused_with_the_minimum_in_the_message() -> None:
    problem = PinPolicy(min_length=8).problem("739154")
    assert problem is not None and "8" in problem


def test_the_minimum_length_is_set_in_the_site_file() -> None:
    assert demo_config().security.pin_policy().min_length == 6
    data = demo_config().model_dump()
    data["security"] = {"pin_min_length": 8}
    assert SiteConfig.model_validate(data).security.pin_policy().min_length == 8
    data["security"] = {"pin_min_length": 3}
    with pytest.raises(ValueError, match="pin_min_length"):
        SiteConfig.model_validate(data)
