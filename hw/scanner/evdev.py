"""Keyboard-wedge scanners read straight from a Linux input device (/dev/input/eventN).

Parses the kernel's `struct input_event` with `struct`; the device can be grabbed so the
scanner's keystrokes do not also reach the desktop. Every key up to Enter (or Tab) is a scan:
the device is a scanner, no burst detection is needed.
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import stat
import struct
from typing import Unpack

from hw.scanner.base import ThreadedScanner, ThreadOptions

# struct input_event { struct timeval time; __u16 type; __u16 code; __s32 value; }
INPUT_EVENT = struct.Struct("@llHHi")
EV_KEY = 1
EVIOCGRAB = 0x40044590  # _IOW('E', 0x90, int)
KEY_TAB, KEY_ENTER, KEY_KPENTER = 15, 28, 96
SHIFT_KEYS = {42, 54}  # KEY_LEFTSHIFT, KEY_RIGHTSHIFT


def _keymap() -> dict[int, tuple[str, str]]:
    """US layout: key code → (plain, shifted) character."""
    rows = [
        (2, "1234567890-=", "!@#$%^&*()_+"),
        (16, "qwertyuiop[]", "QWERTYUIOP{}"),
        (30, "asdfghjkl;'`", 'ASDFGHJKL:"~'),
        (43, "\\zxcvbnm,./", "|ZXCVBNM<>?"),
    ]
    keys = {
        code + i: (plain, shifted)
        for code, row, up in rows
        for i, (plain, shifted) in enumerate(zip(row, up, strict=True))
    }
    keys[57] = (" ", " ")
    keypad = {
        71: "7",
        72: "8",
        73: "9",
        74: "-",
        75: "4",
        76: "5",
        77: "6",
        78: "+",
        79: "1",
        80: "2",
        81: "3",
        82: "0",
        83: ".",
        55: "*",
        98: "/",
    }
    keys.update({code: (char, char) for code, char in keypad.items()})
    return keys


KEYMAP = _keymap()


def encode_key_events(text: str, terminator: int = KEY_ENTER) -> bytes:
    """Return the input_event bytes a US-layout scanner sends for text (used by tests, sims)."""
    reverse: dict[str, tuple[int, bool]] = {}
    for code, (plain, shifted) in KEYMAP.items():
        reverse.setdefault(plain, (code, False))
        reverse.setdefault(shifted, (code, True))
    out = bytearray()
    for char in text:
        code, shift = reverse[char]
        if shift:
            out += INPUT_EVENT.pack(0, 0, EV_KEY, 42, 1)
        out += INPUT_EVENT.pack(0, 0, EV_KEY, code, 1) + INPUT_EVENT.pack(0, 0, EV_KEY, code, 0)
        if shift:
            out += INPUT_EVENT.pack(0, 0, EV_KEY, 42, 0)
    return bytes(out + INPUT_EVENT.pack(0, 0, EV_KEY, terminator, 1))


class KeyDecoder:
    """Turn a stream of input_event bytes into scanned lines (partial structs kept)."""

    def __init__(self) -> None:
        self._pending = b""
        self._shift = False
        self._chars: list[str] = []

    def reset(self) -> None:
        """Forget a partial line (after the device went away)."""
        self._pending, self._shift, self._chars = b"", False, []

    def feed(self, data: bytes) -> list[str]:
        """Add bytes read from the device; return the lines they complete."""
        data = self._pending + data
        usable = len(data) - len(data) % INPUT_EVENT.size
        self._pending = data[usable:]
        lines: list[str] = []
        for _, _, kind, code, value in INPUT_EVENT.iter_unpack(data[:usable]):
            if kind != EV_KEY:
                continue
            if code in SHIFT_KEYS:
                self._shift = value != 0
            elif value != 1:
                continue  # releases and auto-repeats carry no new character
            elif code in (KEY_ENTER, KEY_KPENTER, KEY_TAB):
                if self._chars:
                    lines.append("".join(self._chars))
                self._chars = []
            elif code in KEYMAP:
                self._chars.append(KEYMAP[code][1 if self._shift else 0])
        return lines


class EvdevScanner(ThreadedScanner):
    """Read a keyboard-wedge scanner from its evdev device file; reopen it after unplug."""

    def __init__(
        self, scanner_id: str, device: str, *, grab: bool = True, **kwargs: Unpack[ThreadOptions]
    ) -> None:
        super().__init__(scanner_id, **kwargs)
        self.device = device
        self.grab = grab
        self.keys = KeyDecoder()
        self._fd: int | None = None

    def _connect(self) -> None:
        fd = os.open(self.device, os.O_RDONLY | os.O_NONBLOCK)
        if self.grab and stat.S_ISCHR(os.fstat(fd).st_mode):
            try:
                fcntl.ioctl(fd, EVIOCGRAB, 1)
            except OSError:
                os.close(fd)
                raise
        self._fd = fd

    def _serve(self) -> None:
        fd = self._fd
        assert fd is not None
        while not self.stopping:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(fd, INPUT_EVENT.size * 64)
            except BlockingIOError:
                continue
            except OSError as exc:
                if exc.errno == errno.EAGAIN:
                    continue
                raise
            if not data:
                raise ConnectionError(f"{self.device}: end of file")
            for line in self.keys.feed(data):
                self.deliver_text(line)

    def _disconnect(self) -> None:
        self.keys.reset()
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # closing also releases the grab
