"""Start a Qt app of the site as its own process: a window on a screen, offscreen without one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Mapping

# Where `motcua demo` asks each app to put its window (and a console its rating pad).
WINDOW_GEOMETRY = "MOTCUA_WINDOW_GEOMETRY"
PAD_GEOMETRY = "MOTCUA_PAD_GEOMETRY"
_GEOMETRY = re.compile(r"(\d+)x(\d+)\+(-?\d+)\+(-?\d+)")


def has_screen(env: Mapping[str, str] | None = None) -> bool:
    """Tell whether an X11 or Wayland display is available."""
    env = os.environ if env is None else env
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def app_environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return the environment for a Qt app: offscreen rendering when there is no screen."""
    environment = dict(os.environ if env is None else env)
    if not has_screen(environment):
        environment["QT_QPA_PLATFORM"] = "offscreen"
    return environment


def app_command(subcommand: str, config_path: str, *arguments: str) -> list[str]:
    """Return the command line of `motcua SUBCOMMAND --config PATH ARGUMENTS…`."""
    return [sys.executable, "-m", "admin.cli", subcommand, "--config", config_path, *arguments]


def start_app(command: list[str], env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start an app process (stop it with SIGTERM: the apps quit cleanly on it)."""
    return subprocess.Popen(command, env=app_environment(env))


def window_geometry(
    variable: str = WINDOW_GEOMETRY, env: Mapping[str, str] | None = None
) -> tuple[int, int, int, int] | None:
    """Return (x, y, width, height) from 'WIDTHxHEIGHT+X+Y' in the environment, or None."""
    text = (os.environ if env is None else env).get(variable, "").strip()
    match = _GEOMETRY.fullmatch(text)
    if match is None:
        return None
    width, height, x, y = (int(v) for v in match.groups())
    return x, y, width, height
