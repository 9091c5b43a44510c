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


# Slips as a kiosk camera sees them ----------------------------------------------------------
# A code printed on a paper slip among lines of text, held up to a 720p webcam: supersampled
# print with ink spread, the paper tilted and not quite facing the camera, defocus and motion
# blur, uneven light, a soft highlight, sensor noise and MJPEG compression.


@dataclass(frozen=True)
class Condition:
    """How a slip is seen by the camera; each range is sampled uniformly.

    Sizes are frame pixels per module (narrowest bar, or QR module); the defocus blur is
    given in modules, so 'blurred' loses the same detail at every distance.
    """

    name: str
    module_px: tuple[float, float]
    tilt_deg: float  # in-plane rotation, up to ± this
    turn_deg: float  # the slip turned away from the camera (yaw and pitch), up to ± this
    blur_modules: tuple[float, float]  # defocus blur sigma, in modules
    motion_px: tuple[float, float]  # length of a motion-blur streak, in pixels; < 1 = none
    noise_sigma: tuple[float, float]
    contrast: tuple[float, float]  # ink-to-paper span, 0‥1
    shading: float  # strength of an uneven-light gradient, 0‥1
    glare: float  # chance of a soft highlight on the slip
    jpeg_quality: tuple[int, int]  # webcams send MJPEG


_EASY = Condition(
    name="easy",
    module_px=(1.6, 2.6),
    tilt_deg=5,
    turn_deg=10,
    blur_modules=(0.15, 0.3),
    motion_px=(0, 0),
    noise_sigma=(2, 4),
    contrast=(0.6, 0.85),
    shading=0.2,
    glare=0.0,
    jpeg_quality=(85, 95),
)
# Code128 of another system's slip: a 720p webcam with a 65° lens sees 1 mm as ~1000/Z px at a
# distance of Z mm, so a 0.33 mm bar is 1.6–2.6 px when the slip is held 13–20 cm away (the
# 25-character dossier code, 308 modules, then spans 490–800 px); further away the bars of a
# code this long shrink below 1.5 px.
SLIP_CODE128: dict[str, Condition] = {
    "easy": _EASY,
    "tilted": replace(_EASY, name="tilted", tilt_deg=20, turn_deg=20, shading=0.3, glare=0.2),
    "blurred": replace(
        _EASY,
        name="blurred",
        module_px=(1.8, 2.8),
        blur_modules=(0.4, 0.55),
        motion_px=(0, 2),
        glare=0.2,
    ),
}
# Our own slip's QR (37 modules of 5 dots at 203 dpi, 0.63 mm): 3.5–5.5 px at 11–18 cm.
SLIP_QR: dict[str, Condition] = {
    name: replace(condition, module_px=(3.5, 5.5)) for name, condition in SLIP_CODE128.items()
}
_SUPERSAMPLE = 8  # paper pixels per module while printing


def _text_line(paper: Frame, rng: np.random.Generator, x: int, y: int, width: int, px: int) -> None:
    """Print a line of random words, `px` paper pixels high, from (x, y) (baseline)."""
    font = cv2.FONT_HERSHEY_SIMPLEX
    scale = px / 22
    letters = "abcdeghiklmnopqrstuvxyABCDEGHIKLMNOPQRSTUVXY0123456789"
    while True:
        word = "".join(rng.choice(list(letters), size=int(rng.integers(2, 8))))
        (w, _), _ = cv2.getTextSize(word, font, scale, max(1, px // 10))
        if x + w > width:
            return
        cv2.putText(paper, word, (x, y), font, scale, 0, max(1, px // 10), cv2.LINE_AA)
        x += w + px // 2


def _printed_slip(
    symbol: Frame, caption: str, rng: np.random.Generator
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Return the slip (0 = ink, 1 = paper) at 8 px per module, and the symbol's corners in it."""
    k = _SUPERSAMPLE
    sh, sw = symbol.shape
    sharp = np.repeat(np.repeat(symbol.astype(np.float32) / 255, k, axis=0), k, axis=1)
    # Ink spread: toner and inkjet widen (or thin) every bar by up to ~0.15 module.
    spread = cv2.GaussianBlur(sharp, (0, 0), 0.3 * k)
    big = np.where(spread > rng.uniform(0.4, 0.65), 255, 0).astype(np.uint8)
    text_px = max(sh * k // 5, 5 * k) if sh < sw // 2 else 6 * k  # 1D: ~caption height
    margin_x, top = 6 * k, 3 * text_px
    bottom = 4 * text_px if caption else 2 * text_px
    paper = np.full((top + sh * k + bottom, sw * k + 2 * margin_x), 255, np.uint8)
    for line in range(2):
        _text_line(paper, rng, margin_x, int(text_px * (1.2 + 1.4 * line)), paper.shape[1], text_px)
    paper[top : top + sh * k, margin_x : margin_x + sw * k] = big
    below = top + sh * k
    if caption:
        font, scale = cv2.FONT_HERSHEY_SIMPLEX, text_px / 22
        (w, _), _ = cv2.getTextSize(caption, font, scale, max(1, text_px // 10))
        x = max(0, (paper.shape[1] - w) // 2)
        cv2.putText(
            paper,
            caption,
            (x, below + int(1.4 * text_px)),
            font,
            scale,
            0,
            max(1, text_px // 10),
            cv2.LINE_AA,
        )
        below += int(1.6 * text_px)
    _text_line(paper, rng, margin_x, below + int(1.4 * text_px), paper.shape[1], text_px)
    corners = np.array(
        [
            [margin_x, top],
            [margin_x + sw * k, top],
            [margin_x + sw * k, top + sh * k],
            [margin_x, top + sh * k],
        ],
        dtype=np.float32,
    )
    return np.asarray(paper, dtype=np.float32) / np.float32(255), corners


def _rotation(roll: float, yaw: float, pitch: float) -> npt.NDArray[np.float64]:
    """Return the 3-D rotation turning the paper by roll (in its plane), then yaw and pitch."""
    c, s = np.cos([roll, yaw, pitch]), np.sin([roll, yaw, pitch])
    in_plane = np.array([[c[0], -s[0], 0], [s[0], c[0], 0], [0, 0, 1]])
    about_y = np.array([[c[1], 0, s[1]], [0, 1, 0], [-s[1], 0, c[1]]])
    about_x = np.array([[1, 0, 0], [0, c[2], -s[2]], [0, s[2], c[2]]])
    return np.asarray(about_x @ about_y @ in_plane, dtype=np.float64)


def render_slip(
    symbol: Frame,
    condition: Condition,
    rng: np.random.Generator,
    caption: str = "",
    size: tuple[int, int] = (1280, 720),
) -> Frame:
    """Return a BGR frame of a slip carrying symbol (and its caption) as a webcam sees it."""
    width, height = size
    scene = _background(rng, width, height)
    paper, corners = _printed_slip(symbol, caption, rng)
    module = float(rng.uniform(*condition.module_px))
    factor = module / _SUPERSAMPLE
    # Print → paper at about the frame's scale (area averaging = the lens and sensor).
    small = cv2.resize(
        paper,
        (max(1, round(paper.shape[1] * factor)), max(1, round(paper.shape[0] * factor))),
        interpolation=cv2.INTER_AREA,
    )
    fy, fx = small.shape[0] / paper.shape[0], small.shape[1] / paper.shape[1]
    code = corners * [fx, fy]
    ph, pw = small.shape
    slip = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], dtype=np.float64)
    # Pose: turned in the paper's plane (tilt) and away from the camera (yaw, pitch), seen
    # through a pinhole webcam (focal length ~1000 px: a 65° lens at 1280 px).
    roll, yaw, pitch = np.deg2rad(
        [
            rng.uniform(-condition.tilt_deg, condition.tilt_deg),
            rng.uniform(-condition.turn_deg, condition.turn_deg),
            rng.uniform(-condition.turn_deg, condition.turn_deg),
        ]
    )
    focal, pose = 1000.0, _rotation(roll, yaw, pitch)
    centre = code.mean(axis=0)

    def project(points: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        seen = np.column_stack([points - centre, np.zeros(len(points))]) @ pose.T
        return np.asarray(seen[:, :2] * focal / (seen[:, 2:] + focal), dtype=np.float64)

    projected, code_seen = project(slip), project(code.astype(np.float64))
    # Place the slip so that the code (not the whole slip) lies inside the frame.
    low, high = code_seen.min(axis=0) - 12, code_seen.max(axis=0) + 12
    cx = rng.uniform(-low[0], max(-low[0] + 1, width - high[0]))
    cy = rng.uniform(-low[1], max(-low[1] + 1, height - high[1]))
    target = projected + np.array([cx, cy])
    matrix = cv2.getPerspectiveTransform(slip.astype(np.float32), target.astype(np.float32))
    span = float(rng.uniform(*condition.contrast))
    white = float(rng.uniform(0.8, 1.0)) * 255
    printed = white - (1 - small) * span * white
    warped = cv2.warpPerspective(printed, matrix, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones_like(printed), matrix, size, flags=cv2.INTER_LINEAR)
    frame = np.asarray(scene * (1 - mask) + warped * mask, dtype=np.float32)
    # Light: a gradient in a random direction, and sometimes a soft highlight.
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    direction = rng.uniform(0, 2 * np.pi)
    ramp = (xs * np.cos(direction) + ys * np.sin(direction)) / np.hypot(width, height)
    frame *= 1 - condition.shading * (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1e-6)
    if rng.random() < condition.glare:
        gx, gy = rng.uniform(0, width), rng.uniform(0, height)
        radius = rng.uniform(60, 200)
        frame += np.float32(rng.uniform(20, 50)) * np.exp(
            -((xs - gx) ** 2 + (ys - gy) ** 2) / np.float32(radius**2)
        )
    sigma = module * float(rng.uniform(*condition.blur_modules))
    frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), sigma), dtype=np.float32)
    streak = float(rng.uniform(*condition.motion_px))
    if streak >= 1:  # a straight streak `streak` pixels long, in a random direction
        size_k = 2 * int(np.ceil(streak / 2)) + 1
        offsets = np.abs(np.arange(size_k, dtype=np.float32) - size_k // 2)
        line = np.zeros((size_k, size_k), np.float32)
        line[size_k // 2, :] = np.clip(streak / 2 + 0.5 - offsets, 0, 1)
        centre_k = (size_k / 2 - 0.5, size_k / 2 - 0.5)
        turn = cv2.getRotationMatrix2D(centre_k, float(rng.uniform(0, 180)), 1)
        kernel = np.asarray(cv2.warpAffine(line, turn, (size_k, size_k)), dtype=np.float32)
        kernel /= np.float32(max(float(kernel.sum()), 1e-6))
        frame = np.asarray(cv2.filter2D(frame, -1, kernel), dtype=np.float32)
    frame += rng.normal(0, float(rng.uniform(*condition.noise_sigma)), size=frame.shape).astype(
        np.float32
    )
    gray = np.clip(frame, 0, 255).astype(np.uint8)
    quality = int(rng.integers(condition.jpeg_quality[0], condition.jpeg_quality[1] + 1))
    ok, buffer = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if ok:
        gray = np.asarray(cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE), dtype=np.uint8)
    return np.asarray(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def blank_slip_symbol(rng: np.random.Generator, kind: str = "paper") -> Frame:
    """Return what an empty frame shows instead of a code: plain paper, or stripes.

    The stripes are no barcode (like a grille or a keyboard edge): a decoder must report
    nothing for either.
    """
    if kind == "stripes":
        widths = rng.integers(1, 5, size=120)
        row = np.repeat(np.arange(len(widths)) % 2 == 0, widths)
        row = np.concatenate([np.zeros(10, bool), row, np.zeros(10, bool)])
        return np.repeat(np.where(row, 0, 255).astype(np.uint8)[None, :], 40, axis=0)
    return np.full((40, 308), 255, np.uint8)
