"""Camera scanning: frames from OpenCV (or any FrameSource) decoded in a worker thread; the same
code within the repeat window is reported once; a preview with outlines is kept for the UI."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol, Unpack

import cv2
import numpy as np

from hw.scanner.base import ThreadedScanner, ThreadOptions
from hw.scanner.decoders import Decoded, Decoder, Frame


class FrameSource(Protocol):
    """Where frames come from: a camera, a video file, or a test's generator."""

    def open(self) -> None:
        """Open the device; raise when it is not there."""
        ...

    def read(self) -> Frame | None:
        """Return the next frame, or None when the device failed (unplugged)."""
        ...

    def close(self) -> None:
        """Release the device."""
        ...


class OpenCvFrameSource:
    """A webcam (index or /dev/videoN) or stream URL read through cv2.VideoCapture."""

    def __init__(self, camera: int | str = 0, width: int = 1280, height: int = 720) -> None:
        self.camera = int(camera) if isinstance(camera, str) and camera.isdigit() else camera
        self.width = width
        self.height = height
        self._capture: cv2.VideoCapture | None = None

    def open(self) -> None:
        """Open the camera at the requested resolution."""
        capture = cv2.VideoCapture(self.camera)
        if not capture.isOpened():
            capture.release()
            raise ConnectionError(f"camera {self.camera!r} cannot be opened")
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # decode the newest frame, not a stale one
        self._capture = capture

    def read(self) -> Frame | None:
        """Return the next frame, or None when the camera stopped delivering."""
        if self._capture is None:
            return None
        ok, frame = self._capture.read()
        return np.asarray(frame, dtype=np.uint8) if ok else None

    def close(self) -> None:
        """Release the camera."""
        if self._capture is not None:
            self._capture.release()
            self._capture = None


def draw_outlines(frame: Frame, found: Sequence[Decoded]) -> Frame:
    """Return a BGR copy of frame with each code's outline drawn in green."""
    preview = cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR) if frame.ndim == 2 else frame.copy()
    for code in found:
        points = np.array(code.outline, dtype=np.int32).reshape(-1, 1, 2)
        cv2.polylines(preview, [points], isClosed=True, color=(0, 200, 0), thickness=3)
    return np.asarray(preview, dtype=np.uint8)


class CameraScanner(ThreadedScanner):
    """Decode every frame of a FrameSource in the worker thread and report codes once."""

    def __init__(
        self,
        scanner_id: str,
        source: FrameSource,
        decoder: Decoder,
        **kwargs: Unpack[ThreadOptions],
    ) -> None:
        kwargs.setdefault("parse_aim", False)  # decoders give the symbology themselves
        super().__init__(scanner_id, **kwargs)
        self.source = source
        self.decoder = decoder
        self.frames = 0
        self._preview_lock = threading.Lock()
        self._last_frame: Frame | None = None
        self._last_found: list[Decoded] = []

    def latest_preview(self) -> Frame | None:
        """Return the newest frame (BGR) with detected outlines drawn, or None before any."""
        with self._preview_lock:
            frame, found = self._last_frame, list(self._last_found)
        return None if frame is None else draw_outlines(frame, found)

    def _connect(self) -> None:
        self.source.open()

    def _serve(self) -> None:
        while not self.stopping:
            frame = self.source.read()
            if frame is None:
                raise ConnectionError("camera delivered no frame")
            self.process(frame)

    def process(self, frame: Frame) -> list[Decoded]:
        """Decode one frame, keep it for the preview, deliver its codes; return what was found."""
        found = self.decoder.decode(frame)
        self.frames += 1
        with self._preview_lock:
            self._last_frame, self._last_found = frame, found
        for code in found:
            self.deliver_text(code.text, code.symbology)
        return found

    def _disconnect(self) -> None:
        self.source.close()
