"""Cut a serial byte stream into scans: CR, LF, CRLF, TAB or STX…ETX framing."""

from __future__ import annotations

from enum import StrEnum

STX = 0x02
ETX = 0x03
MAX_FRAME_BYTES = 1024


class Framing(StrEnum):
    """How a reader ends (or wraps) each scan."""

    AUTO = "auto"
    CR = "cr"
    LF = "lf"
    CRLF = "crlf"
    TAB = "tab"
    STX_ETX = "stx_etx"


_TERMINATORS: dict[Framing, bytes] = {
    Framing.AUTO: b"\r\n\t\x03",
    Framing.CR: b"\r",
    Framing.LF: b"\n",
    Framing.CRLF: b"\n",
    Framing.TAB: b"\t",
}


class Framer:
    """Collect bytes across reads and return complete frames; partial frames wait for more."""

    def __init__(self, framing: Framing = Framing.AUTO, max_frame: int = MAX_FRAME_BYTES) -> None:
        self.framing = framing
        self.max_frame = max_frame
        self.dropped = 0
        self._buffer = bytearray()
        self._inside = False  # STX seen (stx_etx framing only)
        self._overflow = False

    def reset(self) -> None:
        """Forget a partial frame (after a disconnect the rest of it never comes)."""
        self._buffer.clear()
        self._inside = False
        self._overflow = False

    def feed(self, data: bytes) -> list[bytes]:
        """Add received bytes; return the frames they complete, without framing bytes."""
        if self.framing is Framing.STX_ETX:
            return self._feed_stx_etx(data)
        frames: list[bytes] = []
        ends = _TERMINATORS[self.framing]
        for byte in data:
            if byte in ends:
                frame = bytes(self._buffer)
                if self.framing is Framing.CRLF:
                    frame = frame.removesuffix(b"\r")
                self._finish(frame, frames)
            elif byte == STX and self.framing is Framing.AUTO:
                self._buffer.clear()  # a start marker: whatever came before was noise
                self._overflow = False
            else:
                self._append(byte)
        return frames

    def _feed_stx_etx(self, data: bytes) -> list[bytes]:
        frames: list[bytes] = []
        for byte in data:
            if byte == STX:
                self._buffer.clear()
                self._inside, self._overflow = True, False
            elif byte == ETX and self._inside:
                self._inside = False
                self._finish(bytes(self._buffer), frames)
            elif self._inside:
                self._append(byte)
        return frames

    def _append(self, byte: int) -> None:
        if len(self._buffer) >= self.max_frame:
            # Why: a reader spewing bytes without a terminator must not grow memory forever.
            self._buffer.clear()
            self._overflow = True
        if not self._overflow:
            self._buffer.append(byte)

    def _finish(self, frame: bytes, frames: list[bytes]) -> None:
        if self._overflow:
            self.dropped += 1
        elif frame:
            frames.append(frame)
        self._buffer.clear()
        self._overflow = False


def frame_bytes(text: str, framing: Framing) -> bytes:
    """Return text framed the way a reader configured with `framing` would send it."""
    body = text.encode("utf-8")
    if framing is Framing.STX_ETX:
        return b"\x02" + body + b"\x03"
    suffix = {Framing.CR: b"\r", Framing.LF: b"\n", Framing.TAB: b"\t"}.get(framing, b"\r\n")
    return body + suffix
