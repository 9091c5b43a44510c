"""Where a widget paints a text: what the clipped-marks check reads from custom widgets."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect
from PySide6.QtGui import QFont


@dataclass(frozen=True)
class TextBox:
    """One text as a widget paints it: font, rectangle (widget coordinates), flags."""

    font: QFont
    rect: QRect
    flags: int
    text: str
