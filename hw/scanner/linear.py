"""Find barcodes (Code128) at any angle in a camera frame and straighten them for a 1D reader.

Readers such as zxing-cpp scan rows (and columns) of the frame: a bar code tilted more than a
few degrees is crossed by no row from end to end, so it is never read. Here the bars are found
by their gradient structure (many parallel edges, alternating in sign), cut out along their own
axis, upsampled ×2 and smoothed along the bars, and offered to the reader as they are and
sharpened (for defocused frames). Measured with `bench/scan_bench.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

Gray = npt.NDArray[np.uint8]
Floats = npt.NDArray[np.float32]
Point = tuple[float, float]

CELL = 8  # the structure tensor is averaged over cells of 8×8 frame pixels
MIN_COHERENCE = 0.75  # gradients in a cell point (±) the same way: parallel edges
MIN_GRADIENT = 60.0  # RMS gradient (Scharr / 4, half resolution) of a cell with printed bars
MAX_DRIFT = 0.15  # mean gradient² / mean squared gradient: edges alternate, not one border
MIN_CELLS = 25
WINDOW = 3  # cells averaged (a square of WINDOW × WINDOW) before judging one
MIN_LENGTH_PX = 80
MAX_REGIONS = 3
UPSAMPLE = 2.0  # crop pixels per frame pixel along the bars' axis
BAND = 0.6  # share of the region's height cut out (its middle), away from text around it
MAX_CROP_WIDTH = 3200  # upsampled less when a region is longer than half of this
MAX_CROP_HEIGHT = 96
# Unsharp masks tried in turn after the plain crop: (sigma in crop pixels, strength).
SHARPENING: tuple[tuple[float, float], ...] = (
    (1.5, 1.0),
    (1.5, 2.0),
    (1.5, 4.0),
    (3.0, 1.0),
    (3.0, 2.0),
    (3.0, 4.0),
)


@dataclass(frozen=True)
class BarRegion:
    """Where bars were found, in frame pixels.

    `axis` is the unit vector across the bars, `start`‥`end` the extent along it, `low`‥`high`
    the extent across it; `cells` counts the 8×8 cells found.
    """

    axis: Point
    start: float
    end: float
    low: float
    high: float
    cells: int

    @property
    def length(self) -> float:
        """Return the extent along the axis, in frame pixels."""
        return self.end - self.start


@dataclass(frozen=True)
class Straightened:
    """A region cut out with the bars upright; `to_frame` maps its pixels back to the frame."""

    image: Gray
    origin: Point
    step_x: Point  # frame offset of one crop pixel to the right
    step_y: Point  # frame offset of one crop pixel down

    def to_frame(self, x: float, y: float) -> tuple[int, int]:
        """Return the frame pixel of crop pixel (x, y)."""
        return (
            round(self.origin[0] + x * self.step_x[0] + y * self.step_y[0]),
            round(self.origin[1] + x * self.step_x[1] + y * self.step_y[1]),
        )


def _cells(image: npt.NDArray[Any], size: tuple[int, int]) -> Floats:
    return np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA), dtype=np.float32)


def find_bar_regions(gray: Gray, limit: int = MAX_REGIONS) -> list[BarRegion]:
    """Return up to `limit` regions that look like printed bars, the largest first."""
    height, width = gray.shape
    if width < 4 * CELL or height < 4 * CELL:
        return []
    half = cv2.resize(gray, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    # Scharr, not Sobel: near the half image's resolution limit Sobel's gradients lean towards
    # 0° and 90°, turning the estimated axis of a 20° code by up to 4°; Scharr's by 0.3°.
    gx = cv2.Scharr(half, cv2.CV_32F, 1, 0, scale=0.25)
    gy = cv2.Scharr(half, cv2.CV_32F, 0, 1, scale=0.25)
    size = (width // CELL, height // CELL)
    window = (WINDOW, WINDOW)
    jxx = cv2.boxFilter(_cells(cv2.multiply(gx, gx), size), -1, window)
    jyy = cv2.boxFilter(_cells(cv2.multiply(gy, gy), size), -1, window)
    jxy = cv2.boxFilter(_cells(cv2.multiply(gx, gy), size), -1, window)
    mx = cv2.boxFilter(_cells(gx, size), -1, window)
    my = cv2.boxFilter(_cells(gy, size), -1, window)
    energy = jxx + jyy + 1e-3
    coherence = np.sqrt((jxx - jyy) ** 2 + 4 * jxy**2) / energy
    drift = (mx * mx + my * my) / energy
    mask = (coherence > MIN_COHERENCE) & (energy > MIN_GRADIENT**2) & (drift < MAX_DRIFT)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8))
    regions: list[BarRegion] = []
    for label in np.argsort(-stats[1:, cv2.CC_STAT_AREA])[: limit + 2] + 1:
        cells = int(stats[label, cv2.CC_STAT_AREA])
        if cells < MIN_CELLS:
            break
        x0, y0, w, h = (int(v) for v in stats[label, :4])
        ys, xs = np.nonzero(labels[y0 : y0 + h, x0 : x0 + w] == label)
        ys, xs = ys + y0, xs + x0
        # The bars' axis is the dominant gradient direction of the whole region.
        angle = 0.5 * np.arctan2(
            2 * float(jxy[ys, xs].sum()), float(jxx[ys, xs].sum() - jyy[ys, xs].sum())
        )
        ux, uy = float(np.cos(angle)), float(np.sin(angle))
        along = ((xs + 0.5) * ux + (ys + 0.5) * uy) * CELL
        across = ((ys + 0.5) * ux - (xs + 0.5) * uy) * CELL
        region = BarRegion(
            (ux, uy),
            float(along.min()) - CELL / 2,
            float(along.max()) + CELL / 2,
            float(across.min()) - CELL / 2,
            float(across.max()) + CELL / 2,
            cells,
        )
        if region.length >= max(MIN_LENGTH_PX, 1.5 * (region.high - region.low)):
            regions.append(region)
        if len(regions) == limit:
            break
    return regions


def straighten(gray: Gray, region: BarRegion, upsample: float = UPSAMPLE) -> Straightened:
    """Cut a region's middle band out of the frame with its bars upright.

    Quiet zones are included; the band is upsampled along the axis and smoothed along the bars.
    """
    ux, uy = region.axis
    vx, vy = -uy, ux
    margin = max(16.0, 0.06 * region.length)  # the quiet zones have no edges: add them back
    start = region.start - margin
    middle, half = (region.low + region.high) / 2, (region.high - region.low) * BAND / 2
    upsample = min(upsample, MAX_CROP_WIDTH / (region.length + 2 * margin))
    width = int((region.length + 2 * margin) * upsample)
    height = min(MAX_CROP_HEIGHT, max(8, int(2 * half)))
    origin = (start * ux + (middle - height / 2) * vx, start * uy + (middle - height / 2) * vy)
    step_x, step_y = (ux / upsample, uy / upsample), (vx, vy)
    matrix = np.array(
        [[step_x[0], step_y[0], origin[0]], [step_x[1], step_y[1], origin[1]]], np.float32
    )
    crop = cv2.warpAffine(
        gray,
        matrix,
        (width, height),
        flags=cv2.INTER_CUBIC | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_REPLICATE,
    )
    # Averaging a few rows along the bars removes noise and keeps every edge.
    crop = cv2.blur(crop, (1, 9))
    return Straightened(np.asarray(crop, dtype=np.uint8), origin, step_x, step_y)


def sharpened(
    image: Gray, steps: Sequence[tuple[float, float]], along_rows: bool = False
) -> Iterator[Gray]:
    """Yield image as it is, then through each unsharp mask (sigma, strength) of `steps`.

    The masks undo some defocus blur; `along_rows` sharpens along rows only (upright bars).
    """
    yield image
    plain = image.astype(np.float32)
    for sigma, strength in steps:
        smooth = cv2.GaussianBlur(plain, (0, 0), sigmaX=sigma, sigmaY=0.1 if along_rows else sigma)
        yield np.clip(plain + strength * (plain - smooth), 0, 255).astype(np.uint8)


def read_tilted(
    gray: Gray,
    read: Callable[[Gray], list[tuple[str, list[Point]]]],
    limit: int = MAX_REGIONS,
    confirmations: int = 1,
) -> list[tuple[str, tuple[tuple[int, int], ...]]]:
    """Read every bar region, straightened, with `read`; return texts and frame outlines.

    `read` returns text and crop outline per code; one code per region at most is kept. With
    `confirmations` = 2 a text counts only once two versions of the crop gave it: for readers
    whose Code128 check lets a misread through (ZBar read a sharpened, blurred '…H12-250701…'
    as '…UH12-250748…' in the benchmark).
    """
    found: list[tuple[str, tuple[tuple[int, int], ...]]] = []
    for region in find_bar_regions(gray, limit):
        cut = straighten(gray, region)
        votes: dict[str, int] = {}
        for image in sharpened(cut.image, SHARPENING, along_rows=True):
            agreed = None
            for text, outline in read(image):
                votes[text] = votes.get(text, 0) + 1
                if votes[text] >= confirmations:
                    agreed = (text, tuple(cut.to_frame(x, y) for x, y in outline))
            if agreed is not None:
                found.append(agreed)
                break
    return found
