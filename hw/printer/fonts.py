"""Find a TrueType font with full Vietnamese coverage and load it at a given pixel size."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

# Families with every Vietnamese letter precomposed; DejaVu Sans is the documented dependency.
FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("Noto Sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
)
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


class FontNotFoundError(RuntimeError):
    """No Vietnamese-complete font could be found on this machine."""


@dataclass(frozen=True)
class FontFiles:
    """The regular and bold font files documents are drawn with."""

    regular: Path
    bold: Path


def _fc_match(family: str, style: str) -> Path | None:
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


def _in_standard_dirs(name: str) -> Path | None:
    """Look for a font file by name in the usual font folders."""
    for folder in STANDARD_DIRS:
        candidate = Path(os.path.expanduser(folder)) / name
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=8)
def find_fonts(regular: str = "", bold: str = "") -> FontFiles:
    """Return the font files to use: the configured ones, else DejaVu Sans, else Noto Sans."""
    if regular:
        chosen = FontFiles(Path(regular), Path(bold or regular))
        for path in (chosen.regular, chosen.bold):
            if not path.is_file():
                raise FontNotFoundError(f"configured font file not found: {path}")
        return chosen
    for family, regular_name, bold_name in FAMILIES:
        reg = _fc_match(family, "Book") or _in_standard_dirs(regular_name)
        bol = _fc_match(family, "Bold") or _in_standard_dirs(bold_name)
        if reg is not None and bol is not None and "Bold" in bol.name:
            return FontFiles(reg, bol)
        if reg is not None:
            return FontFiles(reg, reg)
    wanted = ", ".join(family for family, _, _ in FAMILIES)
    raise FontNotFoundError(
        f"no Vietnamese-complete font found ({wanted}); install fonts-dejavu-core "
        "or set font_path in the printer config"
    )


@lru_cache(maxsize=64)
def load_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    """Load a font file at a pixel size (cached; fonts are immutable once loaded)."""
    return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
