"""A camera stand-in for tests: a FrameSource that hands out given frames, then an idle view."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from hw.scanner.decoders import Frame

FRAME_PERIOD_S = 1 / 30  # a webcam's pace, so the scanner's worker does not spin


class FakeCapture:
    """Yields given frames like a camera; None in the list is an unplug, then frames resume.

    Once the frames are used up it keeps returning `idle_frame` (default: plain grey), one per
    frame period, and sets `idle`.
    """

    def __init__(self, frames: Sequence[Frame | None], idle_frame: Frame | None = None) -> None:
        self.frames = list(frames)
        self.opens = 0
        self.idle = threading.Event()
        self._pace = threading.Event()  # never set: waiting on it is a frame period
        grey = np.full((720, 1280, 3), 128, np.uint8)
        self._idle_frame = grey if idle_frame is None else idle_frame

    def open(self) -> None:
        """Count the opening; a fake camera is always there."""
        self.opens += 1

    def read(self) -> Frame | None:
        """Return the next given frame, else the idle view after a frame period."""
        if self.frames:
            return self.frames.pop(0)
        self.idle.set()
        self._pace.wait(FRAME_PERIOD_S)
        return self._idle_frame

    def close(self) -> None:
        """Nothing to release."""
