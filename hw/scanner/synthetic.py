"""Synthetic camera frames for tests, benchmarks and demos: a QR or Code128 on a slip, placed
in a cluttered 1280×720 scene, then rotated, warped, blurred, darkened and noised."""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
import numpy.typing as npt
import qrcode
import zxingcpp

from hw.scanner.decoders import Frame


@dataclass(frozen=True)
class Difficulty:
    """How degraded a generated frame is; each range is sampled uniformly."""

    name: str
    module_px: tuple[float, float]  # size of one QR module / narrowest bar, in frame pixels
    rotation_deg: float  # up to ± this
    perspective: float  # corner jitter, as a fraction of the symbol size
    blur_sigma: tuple[float, float]
    noise_sigma: tuple[float, float]
    contrast: tuple[float, float]  # dark-to-light span of the print, 0‥1
    shading: float  # strength of an uneven-light gradient, 0‥1
    jpeg_quality: int  # 0 = no compression


LEVELS: dict[str, Difficulty] = {
    "easy": Difficulty("easy", (4.0, 6.0), 5, 0.0, (0.0, 0.4), (0, 3), (0.8, 1.0), 0.0, 0),
    "moderate": Difficulty(
        "moderate", (3.5, 5.5), 30, 0.06, (0.5, 1.0), (4, 8), (0.55, 0.85), 0.3, 85
    ),
    "hard": Difficulty("hard", (3.2, 5.0), 180, 0.10, (0.6, 1.0), (5, 9), (0.45, 0.75), 0.4, 75),
}


def qr_symbol(text: str) -> Frame:
    """Return a QR code (error correction M, 4-module quiet zone) at 1 pixel per module."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    matrix = np.array(code.get_matrix(), dtype=bool)
    return np.where(matrix, 0, 255).astype(np.uint8)


def code128_symbol(text: str, height_modules: int = 40) -> Frame:
    """Return a Code128 symbol with quiet zones at 1 pixel per narrowest bar."""
    barcode = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128)
    row = np.array(zxingcpp.write_barcode_to_image(barcode, scale=1), dtype=np.uint8)[:1]
    return np.repeat(row, height_modules, axis=0)


def _background(rng: np.random.Generator, width: int, height: int) -> npt.NDArray[np.float32]:
    coarse = rng.uniform(60, 200, size=(9, 16)).astype(np.float32)
    scene = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    for _ in range(12):  # clutter: boxes and lines a real counter has
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        w, h = int(rng.integers(20, 300)), int(rng.integers(2, 200))
        cv2.rectangle(scene, (x, y), (x + w, y + h), float(rng.uniform(0, 255)), -1)
    return np.asarray(scene, dtype=np.float32)


def render_frame(
    symbol: Frame,
    level: Difficulty,
    rng: np.random.Generator,
    size: tuple[int, int] = (1280, 720),
) -> Frame:
    """Return a BGR frame showing symbol on a slip in a scene, degraded as `level` says."""
    width, height = size
    scene = _background(rng, width, height)
    scale = float(rng.uniform(*level.module_px))
    sh, sw = symbol.shape
    w, h = sw * scale, sh * scale
    half = np.hypot(w, h) / 2
    cx = rng.uniform(half + 10, max(half + 11, width - half - 10))
    cy = rng.uniform(half + 10, max(half + 11, height - half - 10))
    angle = np.deg2rad(rng.uniform(-level.rotation_deg, level.rotation_deg))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    jitter = rng.uniform(-level.perspective, level.perspective, size=(4, 2)) * [w, h]
    target = (corners + jitter) @ rot.T + [cx, cy]
    source = np.array([[0, 0], [sw, 0], [sw, sh], [0, sh]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, target.astype(np.float32))
    span = float(rng.uniform(*level.contrast))
    low = float(rng.uniform(0.0, 1.0 - span)) * 255
    printed = low + symbol.astype(np.float32) / 255 * span * 255
    warped = cv2.warpPerspective(printed, matrix, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones_like(printed), matrix, size, flags=cv2.INTER_LINEAR)
    frame = scene * (1 - mask) + warped * mask
    if level.shading:
        ramp = np.linspace(1 - level.shading, 1.0, width, dtype=np.float32)
        frame *= ramp[None, :] if rng.random() < 0.5 else ramp[None, ::-1]
    sigma = float(rng.uniform(*level.blur_sigma))
    if sigma > 0.05:
        frame = cv2.GaussianBlur(frame, (0, 0), sigma)
    frame += rng.normal(0, float(rng.uniform(*level.noise_sigma)), size=frame.shape)
    gray = np.clip(frame, 0, 255).astype(np.uint8)
    if level.jpeg_quality:
        ok, buffer = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, level.jpeg_quality])
        if ok:
            gray = np.asarray(cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE), dtype=np.uint8)
    return np.asarray(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


# Code128 is wide: a 25-character dossier code has ~300 bar modules, so bars must be thinner
# than QR modules to fit a frame; 1D codes also tolerate less tilt.
CODE128_LEVELS: dict[str, Difficulty] = {
    "easy": replace(LEVELS["easy"], module_px=(2.0, 3.0)),
    "moderate": replace(LEVELS["moderate"], module_px=(2.0, 3.0), rotation_deg=15),
    "hard": replace(LEVELS["hard"], module_px=(1.8, 2.6), rotation_deg=30),
}
