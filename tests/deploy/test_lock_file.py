"""A fresh machine installs what CI tested: every dependency is pinned in requirements.lock."""

from __future__ import annotations

import re
import tomllib

from tests.helpers.sites import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_is_pinned_to_one_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    pinned = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"{line!r} is not pinned to one version"
            pinned[name.lower().replace("_", "-")] = version
    missing = sorted({_name(r) for r in wanted} - set(pinned))
    assert not missing, f"not in requirements.lock: {missing}"


def test_setup_installs_with_the_lock_as_constraints() -> None:
    setup = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert "-c requirements.lock" in setup
