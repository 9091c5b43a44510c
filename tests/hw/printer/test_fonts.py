"""Any Vietnamese text renders with real glyphs: coverage checked with QRawFont (Qt offscreen).

QRawFont.supportsCharacter must get a code point (ord): given a str, PySide6 answers False for
every non-ASCII letter.
"""

from __future__ import annotations

import os
import unicodedata
from datetime import datetime

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

from hw.printer.canvas import clean_text
from hw.printer.documents import TicketData
from hw.printer.fonts import find_fonts, load_font
from hw.printer.service import ReceiptPrinter

_BASE = "aăâeêioôơuưy"
_TONES = "\u0300\u0301\u0303\u0309\u0323"  # huyền, sắc, ngã, hỏi, nặng
VOWELS = sorted(
    {unicodedata.normalize("NFC", v + t) for v in _BASE for t in ("", *_TONES)}
    | {unicodedata.normalize("NFC", v.upper() + t) for v in _BASE for t in ("", *_TONES)}
)
LETTERS = VOWELS + list("bcdđghklmnpqrstvxBCDĐGHKLMNPQRSTVX0123456789 .,:;-–/()%")
vietnamese = st.text(alphabet=LETTERS, min_size=1, max_size=60)


def test_the_alphabet_has_every_toned_vowel_in_both_cases() -> None:
    assert len(VOWELS) == 12 * 6 * 2
    assert all(len(v) == 1 for v in VOWELS)  # every one is precomposed in NFC


@pytest.mark.parametrize("bold", [False, True])
def test_font_covers_every_vietnamese_letter(qapp: object, bold: bool) -> None:
    from PySide6.QtGui import QRawFont

    files = find_fonts()
    raw = QRawFont(str(files.bold if bold else files.regular), 24)
    assert raw.isValid()
    missing = [ch for ch in LETTERS if not raw.supportsCharacter(ord(ch))]
    assert missing == []


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=vietnamese)
def test_any_vietnamese_text_is_covered_and_renders(
    qapp: object, sim_printer: ReceiptPrinter, text: str
) -> None:
    from PySide6.QtGui import QRawFont

    files = find_fonts()
    raw = QRawFont(str(files.regular), 24)
    assert all(raw.supportsCharacter(ord(ch)) for ch in clean_text(text))
    ticket = TicketData(
        site_id="hcc",
        centre_name=text,
        number="A001",
        service_name=text,
        department_name=text,
        counters=("1",),
        issued_at=datetime(2025, 7, 1, 8, 0),
        people_ahead=1,
    )
    (page,) = sim_printer.render(ticket)
    assert page.width == 576


@given(text=vietnamese)
def test_decomposed_input_is_printed_as_nfc(text: str) -> None:
    decomposed = unicodedata.normalize("NFD", text)
    assert clean_text(decomposed) == unicodedata.normalize("NFC", text)


def test_letters_do_not_render_as_the_missing_glyph_box() -> None:
    font = load_font(find_fonts().regular, 32)

    def glyph(ch: str) -> Image.Image:
        mask = font.getmask(ch)
        return Image.frombytes("L", mask.size, bytes(mask))

    tofu = glyph("\ue000")  # private use: no glyph in DejaVu or Noto, so the .notdef box
    for ch in [*VOWELS, "đ", "Đ"]:
        drawn = glyph(ch)
        assert drawn.size != tofu.size or ImageChops.difference(drawn, tofu).getbbox(), ch
