"""Finding bars at any angle, straightening them, and the votes of read_tilted."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from hw.scanner.decoders import Frame, make_decoder
from hw.scanner.linear import Point, find_bar_regions, read_tilted, straighten
from hw.scanner.synthetic import code128_symbol

DOSSIER = "000.00.17.H12-250701-0001"


def turned(angle_deg: float, module: float = 2.5) -> tuple[Frame, tuple[float, float]]:
    """A clean Code128 turned by angle_deg about the middle of a grey 1280×720 frame."""
    symbol = code128_symbol(DOSSIER)
    big = cv2.resize(
        symbol,
        (round(symbol.shape[1] * module), round(symbol.shape[0] * module)),
        interpolation=cv2.INTER_NEAREST,
    )
    frame = np.full((720, 1280), 128, np.uint8)
    h, w = big.shape
    centre = (640.0, 360.0)
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle_deg, 1.0)
    matrix[:, 2] += np.array(centre) - (w / 2, h / 2)
    mask = cv2.warpAffine(np.full_like(big, 255), matrix, (1280, 720))
    paper = cv2.warpAffine(big, matrix, (1280, 720), flags=cv2.INTER_LINEAR)
    frame = np.where(mask > 127, paper, frame).astype(np.uint8)
    return frame, centre


@pytest.mark.parametrize("angle", [0, 12, -20, 35, 90])
def test_bars_are_found_along_their_axis(angle: float) -> None:
    frame, (cx, cy) = turned(angle)
    (region, *_) = find_bar_regions(frame)
    found = math.degrees(math.atan2(region.axis[1], region.axis[0]))
    assert abs((found - angle + 90) % 180 - 90) < 3
    middle = (region.start + region.end) / 2
    along_centre = cx * region.axis[0] + cy * region.axis[1]
    assert abs(middle - along_centre) < 40
    assert 700 < region.length < 900  # 308 modules of 2.5 px


@pytest.mark.parametrize("angle", [0, 25, -40, 90, 180])
def test_a_turned_code_is_read_and_outlined_in_frame_pixels(angle: float) -> None:
    frame, (cx, cy) = turned(angle, module=2.0)  # 616 px long: fits upright in 720 rows
    (found,) = make_decoder("zxing", formats=("code128",)).decode(frame)
    assert found.text == DOSSIER
    xs, ys = zip(*found.outline, strict=True)
    assert abs(sum(xs) / 4 - cx) < 60 and abs(sum(ys) / 4 - cy) < 60


def test_the_straightened_crop_is_upright_and_maps_back() -> None:
    frame, (cx, cy) = turned(30)
    cut = straighten(frame, find_bar_regions(frame)[0])
    height, width = cut.image.shape
    assert width > 2 * 700 and 8 <= height <= 96  # upsampled ×2 along the bars' axis
    columns = cut.image[:, width // 4 : 3 * width // 4].astype(float)
    # Upright bars: every row of the crop shows the same bars.
    assert np.corrcoef(columns[0], columns[-1])[0, 1] > 0.9
    x, y = cut.to_frame(width / 2, height / 2)
    assert abs(x - cx) < 40 and abs(y - cy) < 40


@pytest.mark.parametrize("size", [(720, 1280), (16, 16), (40, 2000)])
def test_nothing_in_plain_or_tiny_frames(size: tuple[int, int]) -> None:
    assert find_bar_regions(np.full(size, 200, np.uint8)) == []


def test_a_reader_must_agree_with_itself_when_asked() -> None:
    frame, _ = turned(10)
    calls: list[int] = []

    def once(image: Frame) -> list[tuple[str, list[Point]]]:
        calls.append(1)
        return [(f"READ{len(calls)}", [(0.0, 0.0)] * 4)]

    def always(image: Frame) -> list[tuple[str, list[Point]]]:
        return [("SAME", [(0.0, 0.0)] * 4)]

    assert [text for text, _ in read_tilted(frame, once)] == ["READ1"]
    calls.clear()
    assert read_tilted(frame, once, confirmations=2) == []  # never the same text twice
    assert [text for text, _ in read_tilted(frame, always, confirmations=2)] == ["SAME"]
