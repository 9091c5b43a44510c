"""The typeface of every Qt screen, with a line tall enough for Vietnamese stacked capitals.

Qt lays a line of text out on the font's ascent + descent and clips each widget to its own
rectangle. DejaVu Sans declares an ascent of 0.93 em while its stacked capitals (Ố, Ủ, Ầ, Ỉ)
reach 1.10 em, so any tight label cut their upper marks off ("SỐ" read as "SÔ", "THỦ" as
"THÚ"). Noto Sans, drawn for Vietnamese, keeps its marks within 1.054 em under an ascent of
1.069 em, but grid-fitting still pushes a row of a mark's ink above the line at some sizes.

So the screens use Noto Sans with its line metrics raised by `HEADROOM` (as "Motcua Sans",
built in memory at start-up from the installed files, as the font's OFL licence allows): every
widget, table and message box then has room for every mark, at every size, with no padding of
its own.
"""

from __future__ import annotations

import io
import logging
from functools import cache

from PySide6.QtGui import QFont, QFontDatabase

from shared.font_files import find_installed, in_font_folders

log = logging.getLogger(__name__)

UI_FONT_FAMILY = "Motcua Sans"
SOURCE_FAMILY = "Noto Sans"
SOURCE_FILES = (("Regular", "NotoSans-Regular.ttf"), ("Bold", "NotoSans-Bold.ttf"))
# Extra ascent and descent, in thousandths of an em, above what the source font declares.
HEADROOM = 100
FOOTROOM = 40
# The tallest and deepest Vietnamese letters: stacked capitals above, dots below.
TALL_LETTERS = "ỐỒỔỖẤẦẨẪẮẰẲẴẾỀỂỄỦỈỮỬẸỴẶỘỆ"


def raised_font(data: bytes, family: str = UI_FONT_FAMILY) -> bytes:
    """Return a font file with its line metrics raised and its family renamed."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), lazy=True)
    units = font["head"].unitsPerEm
    up, down = round(units * HEADROOM / 1000), round(units * FOOTROOM / 1000)
    hhea, os2 = font["hhea"], font["OS/2"]
    hhea.ascent += up
    hhea.descent -= down
    os2.sTypoAscender += up
    os2.sTypoDescender -= down
    os2.usWinAscent += up
    os2.usWinDescent += down
    style = font["name"].getDebugName(2) or "Regular"
    for record in list(font["name"].names):
        if record.nameID in (1, 16):
            font["name"].setName(
                family, record.nameID, record.platformID, record.platEncID, record.langID
            )
        elif record.nameID in (4, 6):
            full = f"{family} {style}" if record.nameID == 4 else f"{family}-{style}"
            font["name"].setName(
                full.replace(" ", "") if record.nameID == 6 else full,
                record.nameID,
                record.platformID,
                record.platEncID,
                record.langID,
            )
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@cache
def ensure_ui_font() -> str:
    """Register the screens' font with Qt once (needs a QGuiApplication); return its family."""
    loaded = 0
    for style, file_name in SOURCE_FILES:
        path = find_installed(SOURCE_FAMILY, style) or in_font_folders(file_name)
        if path is None:
            continue
        if QFontDatabase.addApplicationFontFromData(raised_font(path.read_bytes())) >= 0:
            loaded += 1
    if not loaded:
        log.warning(
            "%s is not installed (Debian: fonts-noto-core): Vietnamese capitals may lose "
            "their upper marks",
            SOURCE_FAMILY,
        )
        QFont.insertSubstitutions(UI_FONT_FAMILY, [SOURCE_FAMILY, "DejaVu Sans"])
    return UI_FONT_FAMILY


def font_is_installed() -> bool:
    """Tell whether the screens' font was built from the installed source family."""
    ensure_ui_font()
    return UI_FONT_FAMILY in QFontDatabase.families()


def ui_font(pixel_size: int = 0, bold: bool = False) -> QFont:
    """Return the screens' font, at a pixel size when one is given."""
    font = QFont(ensure_ui_font())
    font.setBold(bold)
    if pixel_size > 0:
        font.setPixelSize(pixel_size)
    return font
