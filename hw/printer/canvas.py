"""A top-to-bottom drawing surface for receipts: wrapped Vietnamese text, rules, QR, 1 bit."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Literal

import numpy
import zxingcpp
from PIL import Image, ImageDraw, ImageFont, ImageOps

from hw.printer.fonts import FontFiles, load_font

Align = Literal["left", "center", "right"]
Run = tuple[str, bool]  # (text, bold)
Draw = Callable[["Canvas"], None]
# Pillow's FreeType faces are shared through a cache and are not safe to draw on concurrently.
RENDER_LOCK = threading.Lock()
_TALLEST = "ẪẴỖỮẤỘÁgjpqy"
# Lines drawn while `record_lines()` is active: lets tests see where text was wrapped.
_LINE_LOG: ContextVar[list[str] | None] = ContextVar("line_log", default=None)
Cell = str | Draw  # a table cell: text, or a drawing of its own (signature boxes)


@contextmanager
def record_lines() -> Iterator[list[str]]:
    """Collect the text of every line drawn inside the block, one string per printed line."""
    lines: list[str] = []
    token = _LINE_LOG.set(lines)
    try:
        yield lines
    finally:
        _LINE_LOG.reset(token)


def clean_text(text: str) -> str:
    """Normalise to NFC and drop control characters (tabs become spaces)."""
    text = unicodedata.normalize("NFC", text.replace("\t", " "))
    return "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")


@dataclass(frozen=True)
class PageStyle:
    """How a document is laid out on one printer: paper, fonts and the site's header/footer."""

    width: int
    dpi: int
    fonts: FontFiles
    threshold: int = 150
    logo: Image.Image | None = None
    logo_text: str = ""
    header_lines: tuple[str, ...] = ()
    footer_lines: tuple[str, ...] = ()
    reprint: bool = False
    margin_dots: int | None = None
    scale: float = 1.0
    sheet: bool = False
    page_height: int = 0  # on sheets: the height one sheet holds between its margins

    def pt(self, size: float) -> int:
        """Scale a size given for 203 dpi to this printer's resolution (times `scale`)."""
        return max(1, round(size * self.dpi / 203 * self.scale))

    @property
    def margin(self) -> int:
        """Left and right blank margin in dots (about 1.5 mm unless set)."""
        return self.pt(12) if self.margin_dots is None else self.margin_dots


@lru_cache(maxsize=64)
def _extent(font: ImageFont.FreeTypeFont) -> tuple[int, int]:
    """Dots above and below the baseline that Vietnamese text can reach in this font."""
    _, top, _, bottom = font.getbbox(_TALLEST, anchor="ls")
    ascent, descent = font.getmetrics()
    return int(max(-top, ascent)) + 1, int(max(bottom, descent))


@dataclass
class Canvas:
    """Draws blocks one under another on a growing greyscale page, then thresholds to 1-bit."""

    style: PageStyle
    y: int = 0
    breaks: list[int] = field(default_factory=list)
    _image: Image.Image = field(init=False)
    _draw: ImageDraw.ImageDraw = field(init=False)

    def __post_init__(self) -> None:
        self._image = Image.new("L", (self.style.width, 1200), 255)
        self._draw = ImageDraw.Draw(self._image)

    @property
    def inner(self) -> int:
        """Usable width between the margins."""
        return self.style.width - 2 * self.style.margin

    def font(self, size: float, bold: bool = False) -> ImageFont.FreeTypeFont:
        """Return the document font at a 203-dpi size, scaled to the printer."""
        files = self.style.fonts
        return load_font(files.bold if bold else files.regular, self.style.pt(size))

    def _reserve(self, height: int) -> None:
        """Grow the page so that `height` more rows fit below y."""
        if self.y + height <= self._image.height:
            return
        grown = Image.new(
            "L", (self.style.width, max(self.y + height, 2 * self._image.height)), 255
        )
        grown.paste(self._image, (0, 0))
        self._image = grown
        self._draw = ImageDraw.Draw(grown)

    def space(self, size: float) -> None:
        """Leave blank rows (a 203-dpi size)."""
        self.y += self.style.pt(size)

    def rule(self, thickness: int = 2, dashed: bool = False, gap: float = 8) -> None:
        """Draw a horizontal line across the usable width."""
        self.space(gap)
        self._reserve(thickness + self.style.pt(gap))
        left, right = self.style.margin, self.style.width - self.style.margin
        if dashed:
            step = self.style.pt(12)
            for x in range(left, right, step):
                self._draw.rectangle(
                    (x, self.y, min(x + step // 2, right), self.y + thickness - 1), 0
                )
        else:
            self._draw.rectangle((left, self.y, right, self.y + thickness - 1), 0)
        self.y += thickness
        self.space(gap)

    def short_rule(self, share: float = 0.3) -> None:
        """Draw a short centred line under a heading, as on official papers."""
        width = max(self.style.pt(40), int(self.inner * share))
        line = max(1, self.style.pt(1.5))
        self._reserve(line + self.style.pt(8))
        left = (self.style.width - width) // 2
        self.space(5)
        self._draw.rectangle((left, self.y, left + width, self.y + line - 1), 0)
        self.y += line
        self.space(5)

    def _wrap(self, runs: Sequence[Run], size: float, width: int) -> list[list[tuple[str, bool]]]:
        """Split runs into lines of (word-with-space, bold) pieces no wider than width."""
        lines: list[list[tuple[str, bool]]] = [[]]
        used = 0.0
        space_w = {b: self.font(size, b).getlength(" ") for b in (False, True)}
        for text, bold in runs:
            font = self.font(size, bold)
            for i, word in enumerate(clean_text(text).split(" ")):
                if i > 0 and lines[-1]:
                    lines[-1].append((" ", bold))
                    used += space_w[bold]
                if not word:
                    continue
                while word:
                    word_w = font.getlength(word)
                    if used + word_w <= width or (not lines[-1] and word_w <= width):
                        lines[-1].append((word, bold))
                        used += word_w
                        break
                    if lines[-1] and word_w <= width:
                        lines.append([])
                        used = 0.0
                        continue
                    # A word wider than the line (a long code): break it by characters.
                    cut = len(word)
                    while cut > 1 and used + font.getlength(word[:cut]) > width:
                        cut -= 1
                    lines[-1].append((word[:cut], bold))
                    lines.append([])
                    used = 0.0
                    word = word[cut:]
        for line in lines:
            while line and line[-1][0] == " ":
                line.pop()
        return [line for line in lines if line] or [[]]

    def runs(
        self, runs: Sequence[Run], size: float = 24, align: Align = "left", indent: float = 0
    ) -> None:
        """Draw mixed regular/bold text, wrapped at word boundaries, one paragraph per newline."""
        pieces: list[list[Run]] = [[]]
        for text, bold in runs:
            for j, part in enumerate(text.split("\n")):
                if j:
                    pieces.append([])
                pieces[-1].append((part, bold))
        indent_px = self.style.pt(indent)
        for paragraph in pieces:
            width = self.inner - indent_px
            for line in self._wrap(paragraph, size, width):
                self._line(line, size, align, indent_px)

    def _line(self, line: list[tuple[str, bool]], size: float, align: Align, indent: int) -> None:
        """Draw one wrapped line and move below it."""
        above, below = _extent(self.font(size, True))
        height = above + below + self.style.pt(size * 0.12)
        self._reserve(height)
        self.breaks.append(self.y)
        log = _LINE_LOG.get()
        if log is not None:
            log.append("".join(text for text, _ in line))
        total = sum(self.font(size, bold).getlength(text) for text, bold in line)
        x = float(self.style.margin + indent)
        if align == "center":
            x = self.style.margin + indent + (self.inner - indent - total) / 2
        elif align == "right":
            x = self.style.width - self.style.margin - total
        baseline = self.y + above
        for text, bold in line:
            font = self.font(size, bold)
            self._draw.text((round(x), baseline), text, font=font, fill=0, anchor="ls")
            x += font.getlength(text)
        self.y += height

    def text(
        self,
        text: str,
        size: float = 24,
        bold: bool = False,
        align: Align = "left",
        indent: float = 0,
    ) -> None:
        """Draw a wrapped paragraph in one weight."""
        self.runs([(text, bold)], size, align, indent)

    def field(self, label: str, value: str, size: float = 24, indent: float = 0) -> None:
        """Draw 'Label: value' with the value in bold, wrapped."""
        self.runs([(f"{label}: ", False), (value or "—", True)], size, "left", indent)

    def heading(self, text: str, size: float = 26, bold: bool = True) -> None:
        """Draw a centred title with its lines balanced (no lone last word)."""
        runs: list[Run] = [(clean_text(text).replace("\n", " "), bold)]
        lines = self._wrap(runs, size, self.inner)
        if len(lines) > 1:
            low, high = self.inner // 3, self.inner
            while low < high:
                middle = (low + high) // 2
                if len(self._wrap(runs, size, middle)) <= len(lines):
                    high = middle
                else:
                    low = middle + 1
            lines = self._wrap(runs, size, low)
        for line in lines:
            self._line(line, size, "center", 0)

    def whole(self, label: str, value: str, size: float = 24, indent: float = 0) -> None:
        """Draw 'Label: value' keeping the value (a dossier code) on one line, shrunk if need be."""
        value = clean_text(value).replace("\n", " ")
        font = self.font(size, True)
        if font.getlength(value) <= self.inner - self.style.pt(indent):
            self.runs([(f"{label}: ", False), ("\u00a0".join(value.split(" ")), True)], size)
            return
        self.text(f"{label}:", size, indent=indent)
        self.fitted(value, size, bold=True, align="left")

    def fitted(self, text: str, size: float, bold: bool = True, align: Align = "center") -> None:
        """Draw one line, shrinking the font until it fits the width (big numbers, headings)."""
        text = clean_text(text).replace("\n", " ")
        while size > 12 and self.font(size, bold).getlength(text) > self.inner:
            size *= 0.92
        self._line([(text, bold)], size, align, 0)

    def big(self, text: str, size: float = 150) -> None:
        """Draw one huge centred line on a 2×2 dot grid, which the printer gets at half size."""
        text = clean_text(text).replace("\n", " ")
        while size > 24 and self.font(size, True).getlength(text) > self.inner:
            size *= 0.95
        font = load_font(self.style.fonts.bold, max(8, self.style.pt(size) // 2))
        _, top, _, bottom = font.getbbox(text, anchor="ls")  # tight: the number has no marks
        above, below = int(1 - top), int(max(bottom, 0)) + 1
        half = Image.new("L", ((self.style.width + 1) // 2, above + below), 255)
        ImageDraw.Draw(half).text((half.width // 2, above), text, font=font, fill=0, anchor="ms")
        limit = self.style.threshold
        half = half.point([0 if v < limit else 255 for v in range(256)])
        self._paste_doubled(half, 0)

    def _paste_doubled(self, half: Image.Image, x: int) -> None:
        """Paste a half-resolution image doubled, on even coordinates."""
        self.y += self.y % 2
        doubled = half.resize((half.width * 2, half.height * 2), Image.Resampling.NEAREST)
        self._reserve(doubled.height)
        self._image.paste(doubled, (x - x % 2, self.y))
        self.y += doubled.height

    def inverse(self, text: str, size: float = 26) -> None:
        """Draw a centred label in white on a black band (e.g. the priority mark)."""
        font = self.font(size, True)
        above, below = _extent(font)
        pad = self.style.pt(6)
        text = clean_text(text)
        width = min(self.inner, round(font.getlength(text)) + 4 * pad)
        height = above + below + 2 * pad
        self._reserve(height)
        left = (self.style.width - width) // 2
        self._draw.rounded_rectangle((left, self.y, left + width, self.y + height), pad, 0)
        self._draw.text(
            (self.style.width // 2, self.y + pad + above), text, font=font, fill=255, anchor="ms"
        )
        self.y += height

    def paste(self, image: Image.Image, x: int | None = None) -> None:
        """Paste an image (a logo), scaled down to the usable width, centred unless x is given."""
        image = ImageOps.exif_transpose(image).convert("L")
        if image.width > self.inner:
            image = image.resize((self.inner, max(1, image.height * self.inner // image.width)))
        self._reserve(image.height)
        left = (self.style.width - image.width) // 2 if x is None else x
        self._image.paste(image, (left, self.y))
        self.y += image.height

    def sub(self, width: int) -> Canvas:
        """Return a blank canvas with no margins, `width` dots wide, in this page's style."""
        return Canvas(replace(self.style, width=width, margin_dots=0, logo=None, reprint=False))

    def columns(
        self, parts: Sequence[tuple[float, Draw]], gap: float = 12, middle: bool = False
    ) -> None:
        """Draw blocks side by side; each part gets its share of the usable width."""
        gap_px = self.style.pt(gap)
        total = sum(share for share, _ in parts)
        free = self.inner - gap_px * (len(parts) - 1)
        blocks = []
        for share, draw in parts:
            sub = self.sub(int(free * share / total))
            draw(sub)
            blocks.append(sub.crop())
        height = max(block.height for block in blocks)
        self._reserve(height)
        x = self.style.margin
        for block, (share, _) in zip(blocks, parts, strict=True):
            top = self.y + ((height - block.height) // 2 if middle else 0)
            self._image.paste(block, (x, top))
            x += int(free * share / total) + gap_px
        self.y += height

    def table_widths(self, shares: Sequence[float]) -> list[int]:
        """Split the usable width (less the rules) into column widths by share."""
        free = self.inner - self.rule_width * (len(shares) + 1)
        widths = [int(free * share / sum(shares)) for share in shares]
        widths[-1] = free - sum(widths[:-1])
        return widths

    @property
    def rule_width(self) -> int:
        """Thickness of a table rule in dots."""
        return max(1, self.style.pt(2))

    def table_row(
        self, widths: Sequence[int], row: Sequence[Cell], size: float = 20, header: bool = False
    ) -> list[Image.Image]:
        """Lay out one row's cells (text, or a drawing) as greyscale images, one per column."""
        pad = self.style.pt(5)
        cells = []
        for width, cell in zip(widths, row, strict=True):
            sub = self.sub(width - 2 * pad)
            sub.space(3)
            if callable(cell):
                cell(sub)
            else:
                sub.text(cell, size, bold=header, align="center" if header else "left")
            cells.append(sub.crop())
        return cells

    def row_height(self, cells: Sequence[Image.Image]) -> int:
        """Height of a laid-out row, its bottom rule included."""
        return max(cell.height for cell in cells) + self.style.pt(5) + self.rule_width

    def table_top(self) -> None:
        """Draw the rule above a table."""
        line = self.rule_width
        self._reserve(line)
        left = self.style.margin
        self._draw.rectangle((left, self.y, left + self.inner - 1, self.y + line - 1), 0)
        self.y += line

    def paste_row(self, widths: Sequence[int], cells: Sequence[Image.Image]) -> None:
        """Draw a laid-out row with its cell rules and the rule below it."""
        pad, line = self.style.pt(5), self.rule_width
        height = self.row_height(cells) - line
        self._reserve(height + line)
        self.breaks.append(self.y)
        x = left = self.style.margin
        self._draw.rectangle((x, self.y, x + line - 1, self.y + height - 1), 0)
        for width, cell in zip(widths, cells, strict=True):
            self._image.paste(cell, (x + line + pad, self.y))
            x += line + width
            self._draw.rectangle((x, self.y, x + line - 1, self.y + height - 1), 0)
        self.y += height
        self._draw.rectangle((left, self.y, left + self.inner - 1, self.y + line - 1), 0)
        self.y += line

    def table(
        self,
        shares: Sequence[float],
        rows: Sequence[Sequence[Cell]],
        size: float = 20,
        header_rows: int = 1,
    ) -> None:
        """Draw a ruled table; the first `header_rows` rows are headers (bold, centred)."""
        widths = self.table_widths(shares)
        self.table_top()
        for index, row in enumerate(rows):
            self.paste_row(widths, self.table_row(widths, row, size, header=index < header_rows))

    def qr(
        self, data: str, module: float = 5, beside: Sequence[Run] = (), size: float = 22
    ) -> None:
        """Draw a QR code; with `beside`, put it on the left and the text to its right."""
        if not beside:
            half = qr_image(data, max(1, self.style.pt(module) // 2))
            self._paste_doubled(half, (self.style.width - 2 * half.width) // 2)
            return
        code = qr_image(data, self.style.pt(module))
        gap = 10
        share = (code.width + 1) / (self.inner - self.style.pt(gap))

        def draw_code(sub: Canvas) -> None:
            sub.paste(code, x=0)

        def draw_text(sub: Canvas) -> None:
            sub.runs(beside, size)

        self.columns([(share, draw_code), (1 - share, draw_text)], gap=gap, middle=True)

    def crop(self) -> Image.Image:
        """Return the greyscale page cut just below the last block."""
        return self._image.crop((0, 0, self.style.width, max(1, self.y)))

    def finish(self, bottom: float = 8) -> Image.Image:
        """Return the page thresholded to 1-bit (black where grey < threshold), no dithering.

        On sheet paper the page stays greyscale (smooth text in a PDF) and keeps, in
        `info["breaks"]`, the rows where it may be cut into sheets.
        """
        self.space(bottom)
        cut = self.crop()
        if self.style.sheet:
            cut.info["breaks"] = [y for y in self.breaks if y < cut.height]
            return cut
        limit = self.style.threshold
        return cut.point([0 if level < limit else 255 for level in range(256)], mode="1")


def qr_image(data: str, module: int, border: int = 2) -> Image.Image:
    """Return a QR code (error correction M, `border` modules of quiet zone) as greyscale."""
    code = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    matrix = numpy.asarray(code.to_image(scale=1, add_quiet_zones=False))
    side = int(matrix.shape[0])
    small = Image.new("L", (side + 2 * border, side + 2 * border), 255)
    small.paste(Image.frombytes("L", (side, side), matrix.tobytes()), (border, border))
    return small.resize((small.width * module, small.height * module), Image.Resampling.NEAREST)
