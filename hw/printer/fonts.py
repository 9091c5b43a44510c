"""Find a TrueType font with full Vietnamese coverage and load it at a given pixel size."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from shared.font_files import find_installed, in_font_folders

# Families with every Vietnamese letter precomposed; DejaVu Sans is the documented dependency.
FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("DejaVu Sans", "DejaVuSans.ttf", "DejaVuSans-Bold.ttf"),
    ("Noto Sans", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf"),
)


class FontNotFoundError(RuntimeError):
    """No Vietnamese-complete font could be found on this machine."""


@dataclass(frozen=True)
class FontFiles:
    """The regular and bold font files documents are drawn with."""

    regular: Path
    bold: Path


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
        reg = find_installed(family, "Book") or in_font_folders(regular_name)
        bol = find_installed(family, "Bold") or in_font_folders(bold_name)
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
