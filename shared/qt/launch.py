"""Start a Qt app of the site as its own process: a window on a screen, offscreen without one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping


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
    return [sys.executable, "-m", "server.cli", subcommand, "--config", config_path, *arguments]


def start_app(command: list[str], env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start an app process (stop it with SIGTERM: the apps quit cleanly on it)."""
    return subprocess.Popen(command, env=app_environment(env))
