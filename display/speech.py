"""Vietnamese call wording: ticket numbers and counter labels read character by character."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

DEFAULT_TEMPLATE = "Xin mời công dân có số thứ tự {number}, đến quầy số {counter}"

DIGIT_NAMES: dict[str, str] = {
    "0": "không",
    "1": "một",
    "2": "hai",
    "3": "ba",
    "4": "bốn",
    "5": "năm",
    "6": "sáu",
    "7": "bảy",
    "8": "tám",
    "9": "chín",
}

# How a Vietnamese speaker names each letter when reading a code aloud (the school alphabet,
# with the usual names for the foreign letters F, J, W, Z).
LETTER_NAMES: dict[str, str] = {
    "A": "a",
    "Ă": "á",
    "Â": "ớ",
    "B": "bê",
    "C": "xê",
    "D": "dê",
    "Đ": "đê",
    "E": "e",
    "Ê": "ê",
    "F": "ép",
    "G": "giê",
    "H": "hát",
    "I": "i",
    "J": "gi",
    "K": "ca",
    "L": "e lờ",
    "M": "em mờ",
    "N": "en nờ",
    "O": "o",
    "Ô": "ô",
    "Ơ": "ơ",
    "P": "pê",
    "Q": "quy",
    "R": "e rờ",
    "S": "ét xì",
    "T": "tê",
    "U": "u",
    "Ư": "ư",
    "V": "vê",
    "W": "vê kép",
    "X": "ích xì",
    "Y": "i dài",
    "Z": "dét",
}


def characters(code: str) -> list[str]:
    """Split a number or label into the characters read one by one (upper case, no separators)."""
    text = unicodedata.normalize("NFC", code).strip().upper()
    return [ch for ch in text if ch.isalnum()]


def spell(code: str, letter_names: bool = False) -> str:
    """Read a code character by character: "A012" → "A, không, một, hai".

    With `letter_names`, letters become their Vietnamese names ("B" → "bê") so that a speech
    engine does not guess; digits always become words, so "012" is never read as "mười hai".
    """
    words = []
    for ch in characters(code):
        if ch in DIGIT_NAMES:
            words.append(DIGIT_NAMES[ch])
        elif letter_names:
            words.append(LETTER_NAMES.get(ch, ch.lower()))
        else:
            words.append(ch)
    return ", ".join(words)


@dataclass(frozen=True)
class Announcement:
    """One call to read out: the ticket, the counter, and the wording to show and to speak."""

    number: str
    counter_label: str
    kind: str
    text: str
    speech: str


def make_announcement(
    number: str, counter_label: str, kind: str = "called", template: str = DEFAULT_TEMPLATE
) -> Announcement:
    """Fill the call template for a ticket; `speech` spells letters by name for the TTS engine."""
    text = template.format(number=spell(number), counter=spell(counter_label))
    speech = template.format(
        number=spell(number, letter_names=True), counter=spell(counter_label, letter_names=True)
    )
    return Announcement(number, counter_label, kind, text, speech)


def check_template(template: str) -> str:
    """Return the template when it formats with {number} and {counter}; raise ValueError if not."""
    try:
        template.format(number="1", counter="1")
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            f"voice template must use only {{number}} and {{counter}}: {exc}"
        ) from None
    return template
