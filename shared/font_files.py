"""Find a font family's files on this machine: fontconfig first, then the usual folders."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

STANDARD_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/noto",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/truetype",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)


def find_installed(family: str, style: str) -> Path | None:
    """Ask fontconfig for a family; None unless it returns that very family."""
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{file}|%{family}", f"{family}:style={style}"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    path, _, families = out.partition("|")
    if family not in families.split(",") or not path:
        return None
    found = Path(path)
    return found if found.is_file() else None


def in_font_folders(name: str) -> Path | None:
    """Look for a font file by name in the usual font folders."""
    for folder in STANDARD_DIRS:
        candidate = Path(os.path.expanduser(folder)) / name
        if candidate.is_file():
            return candidate
    return None
