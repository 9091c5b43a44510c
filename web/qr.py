"""A QR code drawn as a small SVG on the server (no image library, no outside service).

The SVG goes inline into the page: one dark path over a white square with a quiet zone of four
modules, so a kiosk's reader finds it on a phone's screen, at any zoom.
"""

from __future__ import annotations

import qrcode
import qrcode.constants
from markupsafe import Markup, escape

QUIET_ZONE = 4


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code's modules, quiet zone included (True = dark)."""
    code = qrcode.QRCode(
        border=QUIET_ZONE, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1
    )
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def _runs(row: list[bool]) -> list[tuple[int, int]]:
    """(start, length) of each stretch of dark modules in a row."""
    runs: list[tuple[int, int]] = []
    start = -1
    for x, dark in enumerate([*row, False]):
        if dark and start < 0:
            start = x
        elif not dark and start >= 0:
            runs.append((start, x - start))
            start = -1
    return runs


def qr_svg(text: str, label: str) -> Markup:
    """An inline SVG image of `text`'s QR code, named `label` for screen readers."""
    matrix = qr_matrix(text)
    size = len(matrix)
    path = "".join(
        f"M{x} {y}h{length}v1h-{length}z"
        for y, row in enumerate(matrix)
        for x, length in _runs(row)
    )
    return Markup(
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" aria-label="{escape(label)}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )
