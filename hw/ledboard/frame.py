"""The LED board wire frame: STX, 2-digit address, padded text, ETX, XOR checksum."""

from __future__ import annotations

from dataclasses import dataclass

STX = 0x02
ETX = 0x03
MAX_ADDRESS = 99


@dataclass(frozen=True)
class Frame:
    """One decoded frame: the board address and the text it shows (padding included)."""

    address: int
    text: str

    @property
    def number(self) -> str:
        """The text without its padding ("" for a blank board)."""
        return self.text.strip()


def checksum(body: bytes) -> int:
    """XOR of every byte of `body` (address, text and ETX)."""
    value = 0
    for byte in body:
        value ^= byte
    return value


def fit_text(text: str, width: int) -> str:
    """Right-align `text` in `width` characters; keep the last `width` when it is longer."""
    # Boards show printable ASCII only; anything else (Vietnamese letters, control bytes) is "?".
    ascii_text = "".join(ch if " " <= ch <= "~" else "?" for ch in text)
    return ascii_text[-width:].rjust(width)


def encode_frame(address: int, text: str, width: int) -> bytes:
    """Build the frame that makes board `address` show `text` (blank: empty text)."""
    if not 0 <= address <= MAX_ADDRESS:
        raise ValueError(f"LED board address {address} is not 00–99")
    body = f"{address:02d}{fit_text(text, width)}".encode("ascii") + bytes([ETX])
    return bytes([STX]) + body + bytes([checksum(body)])


def decode_frames(data: bytes) -> list[Frame]:
    """Decode the well-formed frames in `data`; stray bytes and bad checksums are skipped."""
    frames: list[Frame] = []
    start = data.find(STX)
    while start != -1:
        end = data.find(ETX, start + 1)
        if end == -1 or end + 1 >= len(data):
            break
        body = data[start + 1 : end + 1]
        if checksum(body) == data[end + 1] and len(body) >= 3 and body[:2].isdigit():
            frames.append(Frame(int(body[:2]), body[2:-1].decode("ascii", "replace")))
            start = data.find(STX, end + 2)
        else:
            start = data.find(STX, start + 1)
    return frames
