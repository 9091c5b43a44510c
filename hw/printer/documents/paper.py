"""Forms on A4/A5 sheets: the receipt layout drawn at sheet size, cut into pages, saved as PDF."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from hw.printer.canvas import PageStyle
from hw.printer.fonts import FontFiles

MM_PER_INCH = 25.4
SHEET_DPI = 150


@dataclass(frozen=True)
class Paper:
    """A sheet size and its margins, in millimetres."""

    name: str
    width_mm: float
    height_mm: float
    margin_mm: float = 15
    top_mm: float = 12
    scale: float = 1.35  # receipt sizes × scale: body text about 11 pt on A4, 9.5 pt on A5

    def dots(self, mm: float, dpi: int = SHEET_DPI) -> int:
        """Convert millimetres to dots at a resolution."""
        return round(mm * dpi / MM_PER_INCH)


PAPERS = {
    "a4": Paper("A4", 210, 297, 20),
    "a5": Paper("A5", 148, 210, 10, 8, 1.12),
    "a4-landscape": Paper("A4 ngang", 297, 210, 12, 10, 1.2),
}
SHEET_PAPERS = ("a4", "a5")


def sheet_style(paper: Paper, fonts: FontFiles, base: PageStyle | None = None) -> PageStyle:
    """Return the page style of a sheet: full width between the margins, greyscale, scaled."""
    width = paper.dots(paper.width_mm)
    margin = paper.dots(paper.margin_mm)
    height = paper.dots(paper.height_mm) - 2 * paper.dots(paper.top_mm)
    style = base or PageStyle(width=width, dpi=SHEET_DPI, fonts=fonts)
    return replace(
        style,
        width=width,
        dpi=SHEET_DPI,
        fonts=fonts,
        margin_dots=margin,
        scale=paper.scale,
        sheet=True,
        page_height=height,
        threshold=150,
    )


def _cut(image: Image.Image, height: int) -> list[Image.Image]:
    """Cut a tall page at the allowed rows (line and table-row tops) into pieces ≤ height."""
    breaks = sorted(set(image.info.get("breaks", [])))
    pieces, top = [], 0
    while image.height - top > height:
        allowed = [y for y in breaks if top < y <= top + height]
        cut = allowed[-1] if allowed and allowed[-1] > top + height // 3 else top + height
        pieces.append(image.crop((0, top, image.width, cut)))
        top = cut
    pieces.append(image.crop((0, top, image.width, image.height)))
    return pieces


def sheets(pages: list[Image.Image], paper: Paper) -> list[Image.Image]:
    """Place rendered pages on whole sheets (white, with the top margin), cutting tall ones."""
    width, height = paper.dots(paper.width_mm), paper.dots(paper.height_mm)
    top = paper.dots(paper.top_mm)
    out = []
    for page in pages:
        for piece in _cut(page, height - 2 * top):
            sheet = Image.new("L", (width, height), 255)
            sheet.paste(piece.convert("L"), (0, top))
            out.append(sheet)
    return out


def save_pdf(images: list[Image.Image], path: Path) -> Path:
    """Write sheet images as one multi-page PDF at the sheet resolution."""
    path.parent.mkdir(parents=True, exist_ok=True)
    first, *rest = [image.convert("L") for image in images]
    first.save(path, "PDF", resolution=float(SHEET_DPI), save_all=True, append_images=rest)
    return path
