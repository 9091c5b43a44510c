"""1-bit pages → ESC/POS raster bytes (through python-escpos), and ESC/POS bytes → pages again.

Encoding keeps the bytes small without leaving plain ESC/POS: the page is cut into horizontal
bands; a blank band is a 1-byte-wide raster (exactly one dot row per row on every printer, unlike
feed commands whose motion unit varies by model); an inked band is only as wide as its rightmost
black dot; a band drawn on a 2×2 grid (the big number, a QR code) is sent at half resolution with
GS v 0 mode 3 (double width and height). Decoding is the exact inverse, used by the simulator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from escpos.escpos import Escpos
from PIL import Image, ImageChops

ESC, GS, DLE = 0x1B, 0x1D, 0x10
INIT = b"\x1b@"
MIN_GAP = 6  # blank rows that end an inked band; shorter gaps stay inside it


class DecodeError(ValueError):
    """The bytes are not ESC/POS this decoder understands."""


@dataclass(frozen=True)
class Band:
    """A horizontal strip of a page: first row, height, width in bytes, and half-resolution flag."""

    top: int
    height: int
    width_bytes: int
    half: bool = False


def _ink_rows(page: Image.Image) -> list[int]:
    """Return, for each row, the number of bytes up to its rightmost black dot (0 = blank)."""
    inverted = ImageChops.invert(page.convert("1"))  # black dots become 1 bits, as in ESC/POS
    data = inverted.tobytes()
    stride = (page.width + 7) // 8
    return [len(data[i : i + stride].rstrip(b"\0")) for i in range(0, len(data), stride)]


def _is_half(page: Image.Image, top: int, height: int) -> bool:
    """Tell whether a strip is drawn on a 2×2 grid, so half resolution loses nothing."""
    if top % 2 or height % 2 or page.width % 2:
        return False
    strip = page.crop((0, top, page.width, top + height)).convert("L")
    half = strip.resize((page.width // 2, height // 2), Image.Resampling.NEAREST)
    again = half.resize(strip.size, Image.Resampling.NEAREST)
    return ImageChops.difference(strip, again).getbbox() is None


def plan_bands(page: Image.Image) -> list[Band]:
    """Split a page into inked bands (separated by at least MIN_GAP blank rows) and blank ones."""
    widths = _ink_rows(page)
    inked: list[Band] = []
    row = 0
    while row < len(widths):
        if widths[row] == 0:
            row += 1
            continue
        end, gap = row, 0
        while end < len(widths) and gap < MIN_GAP:
            gap = gap + 1 if widths[end] == 0 else 0
            end += 1
        end -= gap
        inked.append(_maybe_half(page, Band(row, end - row, max(widths[row:end]))))
        row = end
    bands: list[Band] = []
    row = 0
    for band in inked:
        if band.top > row:
            bands.append(Band(row, band.top - row, 1))
        bands.append(band)
        row = band.top + band.height
    if row < len(widths):
        bands.append(Band(row, len(widths) - row, 1))
    return bands


def _maybe_half(page: Image.Image, band: Band) -> Band:
    """Mark an inked band for half resolution when that is lossless (growing it by a blank row)."""
    if band.height < 16:
        return band
    for top, height in ((band.top, band.height), (band.top - 1, band.height + 1)):
        height += height % 2
        if top >= 0 and top + height <= page.height and _is_half(page, top, height):
            return Band(top, height, band.width_bytes, half=True)
    return band


def write_page(printer: Escpos, page: Image.Image, fragment_rows: int = 256) -> None:
    """Send one 1-bit page to a python-escpos printer as GS v 0 raster bands."""
    page = page.convert("1")
    for band in plan_bands(page):
        width = band.width_bytes * 8
        strip = page.crop((0, band.top, min(width, page.width), band.top + band.height))
        if strip.width < width:
            padded = Image.new("1", (width, band.height), 1)
            padded.paste(strip, (0, 0))
            strip = padded
        if band.half:
            strip = strip.resize((width // 2, band.height // 2), Image.Resampling.NEAREST)
            strip = _pad_to_byte(strip)
        printer.image(
            strip,
            high_density_vertical=not band.half,
            high_density_horizontal=not band.half,
            impl="bitImageRaster",
            fragment_height=fragment_rows,
        )


def _pad_to_byte(image: Image.Image) -> Image.Image:
    """Pad an image with white on the right to a multiple of 8 dots."""
    if image.width % 8 == 0:
        return image
    padded = Image.new("1", ((image.width + 7) // 8 * 8, image.height), 1)
    padded.paste(image, (0, 0))
    return padded


@dataclass
class DecodedJob:
    """What a printer would put on paper: one image per cut-off piece, and status requests."""

    width: int
    pages: list[Image.Image] = field(default_factory=list)
    status_requests: list[int] = field(default_factory=list)

    def preview(self, gap: int = 24) -> Image.Image:
        """Stack the pages with a dashed cut line between them, for people to look at."""
        pages = self.pages or [Image.new("1", (self.width, 1), 1)]
        height = sum(p.height for p in pages) + gap * (len(pages) - 1)
        sheet = Image.new("1", (self.width, height), 1)
        y = 0
        for index, page in enumerate(pages):
            sheet.paste(page, (0, y))
            y += page.height
            if index < len(pages) - 1:
                for x in range(0, self.width, 16):
                    sheet.paste(0, (x, y + gap // 2, min(x + 8, self.width), y + gap // 2 + 1))
                y += gap
        return sheet


class _Paper:
    """Accumulates printed rows until a cut."""

    def __init__(self, width: int, line_dots: int) -> None:
        self.width = width
        self.line_dots = line_dots
        self.rows: list[Image.Image] = []
        self.pages: list[Image.Image] = []

    def feed(self, dots: int) -> None:
        if dots > 0:
            self.rows.append(Image.new("1", (self.width, dots), 1))

    def raster(self, mode: int, width_bytes: int, height: int, data: bytes) -> None:
        inverted = Image.frombytes("1", (width_bytes * 8, height), data)
        image = ImageChops.invert(inverted)  # ESC/POS 1 bits are black; Pillow's are white
        sx, sy = (2 if mode & 1 else 1), (2 if mode & 2 else 1)
        if sx > 1 or sy > 1:
            image = image.resize((image.width * sx, image.height * sy), Image.Resampling.NEAREST)
        row = Image.new("1", (self.width, image.height), 1)
        row.paste(image.crop((0, 0, min(image.width, self.width), image.height)), (0, 0))
        self.rows.append(row)

    def cut(self) -> None:
        height = sum(r.height for r in self.rows)
        page = Image.new("1", (self.width, max(1, height)), 1)
        y = 0
        for r in self.rows:
            page.paste(r, (0, y))
            y += r.height
        if height:
            self.pages.append(page)
        self.rows = []


def decode(data: bytes, width: int, line_dots: int = 34) -> DecodedJob:
    """Interpret ESC/POS bytes as a printer would and return the pages it would print."""
    paper = _Paper(width, line_dots)
    job = DecodedJob(width)
    i = 0
    while i < len(data):
        cmd, size = parse_command(data, i)
        if size == 0:
            raise DecodeError(f"truncated command at byte {i}")
        _apply(paper, job, cmd, data[i : i + size])
        i += size
    paper.cut()
    job.pages = paper.pages
    return job


def parse_command(data: bytes, i: int) -> tuple[str, int]:
    """Name the command starting at byte i and its total length; length 0 if incomplete."""
    rest = len(data) - i
    b = data[i]
    if b == 0x0A:
        return "LF", 1
    if b == DLE and rest < 3:
        return "DLE", 0
    if b == DLE and data[i + 1] == 0x04:
        return "DLE EOT", 3
    if b == ESC:
        found = _esc(data, i, rest)
        if found is not None:
            return found
    if b == GS:
        found = _gs(data, i, rest)
        if found is not None:
            return found
    raise DecodeError(f"unknown ESC/POS byte 0x{b:02x} at {i}")


def _esc(data: bytes, i: int, rest: int) -> tuple[str, int] | None:
    """An ESC command: its name and length (0 if incomplete), or None when unknown."""
    if rest < 2:
        return "ESC", 0
    op = data[i + 1]
    if op == ord("@"):
        return "ESC @", 2
    if op in b"JdaE2":
        need = 2 if op == ord("2") else 3
        return (f"ESC {chr(op)}", need) if rest >= need else ("ESC", 0)
    return None


def _gs(data: bytes, i: int, rest: int) -> tuple[str, int] | None:
    """A GS command: its name and length (0 if incomplete), or None when unknown."""
    if rest < 2:
        return "GS", 0
    op = data[i + 1]
    if op == ord("v"):
        if rest < 8:
            return "GS v 0", 0
        width = data[i + 4] | data[i + 5] << 8
        height = data[i + 6] | data[i + 7] << 8
        need = 8 + width * height
        return ("GS v 0", need) if rest >= need else ("GS v 0", 0)
    if op == ord("V"):
        if rest < 3:
            return "GS V", 0
        need = 4 if data[i + 2] in (65, 66, 97, 98, 103, 104) else 3
        return ("GS V", need) if rest >= need else ("GS V", 0)
    return None


def _apply(paper: _Paper, job: DecodedJob, cmd: str, raw: bytes) -> None:
    """Apply one parsed command to the paper."""
    if cmd == "GS v 0":
        mode = raw[3] & 0x03
        paper.raster(mode, raw[4] | raw[5] << 8, raw[6] | raw[7] << 8, raw[8:])
    elif cmd == "ESC J":
        paper.feed(raw[2])
    elif cmd == "ESC d":
        paper.feed(raw[2] * paper.line_dots)
    elif cmd == "LF":
        paper.feed(paper.line_dots)
    elif cmd == "GS V":
        paper.cut()
    elif cmd == "DLE EOT":
        job.status_requests.append(raw[2])
