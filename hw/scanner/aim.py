"""AIM symbology identifiers (ISO/IEC 15424): ``]`` + code character + modifier, e.g. ``]Q1``."""

from __future__ import annotations

from hw.scanner.events import Symbology

AIM_CODES: dict[str, Symbology] = {
    "A": Symbology.CODE39,
    "C": Symbology.CODE128,
    "E": Symbology.EAN_UPC,
    "F": Symbology.CODABAR,
    "G": Symbology.CODE93,
    "I": Symbology.ITF,
    "L": Symbology.PDF417,
    "Q": Symbology.QR,
    "U": Symbology.MAXICODE,
    "d": Symbology.DATAMATRIX,
    "e": Symbology.DATABAR,
    "z": Symbology.AZTEC,
    "X": Symbology.OTHER,
}


def split_aim(text: str) -> tuple[Symbology | None, str]:
    """Split a leading AIM identifier off text; return (symbology or None, the rest)."""
    if len(text) >= 3 and text[0] == "]" and text[1] in AIM_CODES and text[2].isalnum():
        return AIM_CODES[text[1]], text[3:]
    return None, text
