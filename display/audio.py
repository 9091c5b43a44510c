"""Where announcements are heard: a recording sink for tests, espeak-ng, and a voice pack."""

from __future__ import annotations

import itertools
import logging
import math
import shutil
import struct
import subprocess
import sys
import threading
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from display.speech import Announcement, characters

log = logging.getLogger(__name__)

SAMPLE_RATE = 22050
MAX_VOLUME = 200
PLAYERS = ("paplay", "aplay")


class AudioSink(Protocol):
    """Plays one sound at a time; each call returns when the sound has finished."""

    def play_chime(self) -> None:
        """Play the attention chime."""
        ...

    def speak(self, announcement: Announcement) -> None:
        """Read one announcement aloud once."""
        ...


@dataclass(frozen=True)
class Play:
    """One sound a RecordingSink played: what, and its start and end in the sink's own order."""

    kind: str
    text: str
    start: int
    end: int


class RecordingSink:
    """An AudioSink that plays nothing and records each play with start/end sequence numbers.

    Sequence numbers come from one counter, so plays that never overlap satisfy
    `plays[i].end < plays[i + 1].start`; `overlaps` counts plays started while one was running.
    """

    def __init__(self, seconds_per_play: float = 0.0) -> None:
        self._lock = threading.Lock()
        self._sequence = itertools.count()
        self._busy = False
        self._pause = threading.Event()
        self.seconds_per_play = seconds_per_play
        self.plays: list[Play] = []
        self.overlaps = 0

    def play_chime(self) -> None:
        """Record a chime."""
        self._play("chime", "")

    def speak(self, announcement: Announcement) -> None:
        """Record the announcement's text."""
        self._play("speech", announcement.text)

    def spoken(self) -> list[str]:
        """Return the texts spoken so far, in order."""
        with self._lock:
            return [p.text for p in self.plays if p.kind == "speech"]

    def _play(self, kind: str, text: str) -> None:
        with self._lock:
            if self._busy:
                self.overlaps += 1
            self._busy = True
            start = next(self._sequence)
        if self.seconds_per_play:
            self._pause.wait(self.seconds_per_play)
        with self._lock:
            self._busy = False
            self.plays.append(Play(kind, text, start, next(self._sequence)))


def find_player() -> list[str] | None:
    """Return the command of an installed WAV player (paplay, aplay), or None."""
    for name in PLAYERS:
        path = shutil.which(name)
        if path:
            return [path, "-q"] if name == "aplay" else [path]
    return None


def write_chime(path: Path, volume: float = 0.6) -> Path:
    """Write a two-tone "ding-dong" chime as a 16-bit mono WAV file."""
    frames = bytearray()
    for frequency, seconds in ((880.0, 0.35), (660.0, 0.55)):
        count = int(SAMPLE_RATE * seconds)
        for i in range(count):
            fade = 1.0 - i / count
            value = volume * fade * math.sin(2 * math.pi * frequency * i / SAMPLE_RATE)
            frames += struct.pack("<h", int(value * 32767))
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(bytes(frames))
    return path


class _FileSink:
    """Common part of the file-writing sinks: numbered WAV files, played when a player exists."""

    keep_files = 50

    def __init__(self, out_dir: Path, play: bool = True) -> None:
        self.out_dir = out_dir
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self._player = find_player() if play else None
        self._count = itertools.count(1)
        self._chime: Path | None = None
        self.written: list[Path] = []

    def play_chime(self) -> None:
        """Play the chime (written once to chime.wav)."""
        if self._chime is None:
            self._chime = write_chime(self.out_dir / "chime.wav")
        self._play(self._chime)

    def _next_path(self) -> Path:
        # Reuse a ring of file names so a display running for months does not fill its disk.
        return self.out_dir / f"call-{next(self._count) % self.keep_files:02d}.wav"

    def _play(self, path: Path) -> None:
        if self._player is None:
            return
        try:
            subprocess.run([*self._player, str(path)], check=False, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("could not play %s: %s", path, exc)


class EspeakSink(_FileSink):
    """Speaks with `espeak-ng -v vi -w file.wav`, then plays the file (or just keeps it)."""

    def __init__(
        self, out_dir: Path, voice: str = "vi", amplitude: int = 100, play: bool = True
    ) -> None:
        super().__init__(out_dir, play)
        self.voice = voice
        self.amplitude = amplitude
        self._espeak = shutil.which("espeak-ng")
        if self._espeak is None:
            log.warning("espeak-ng not found: announcements will be silent")

    def speak(self, announcement: Announcement) -> None:
        """Synthesise the announcement to a WAV file and play it."""
        if self._espeak is None:
            return
        path = self._next_path()
        command = [self._espeak, "-v", self.voice, "-a", str(self.amplitude), "-w", str(path)]
        try:
            subprocess.run([*command, announcement.speech], check=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("espeak-ng failed: %s", exc)
            return
        self.written.append(path)
        self._play(path)


def voice_pack_clips(announcement: Announcement) -> list[str]:
    """Return the clip names (without .wav) a voice pack joins for one announcement."""
    clips = ["moi"]
    clips += [ch.lower() for ch in characters(announcement.number)]
    clips.append("den-quay")
    clips += [ch.lower() for ch in characters(announcement.counter_label)]
    return clips


class VoicePackSink(_FileSink):
    """Joins recorded clips (moi.wav, 0.wav … 9.wav, a.wav …, den-quay.wav) into one call.

    `volume` is a gain in percent, 0–200 like espeak-ng's amplitude (100 = as recorded); it
    applies to the calls and to the chime.
    """

    def __init__(self, pack_dir: Path, out_dir: Path, play: bool = True, volume: int = 100) -> None:
        super().__init__(out_dir, play)
        self.pack_dir = pack_dir
        self.volume = max(0, min(MAX_VOLUME, volume))
        own_chime = pack_dir / "chime.wav"
        if own_chime.exists():
            self._chime = own_chime
            if self.volume != 100:
                try:
                    self._chime = scale_wav(own_chime, out_dir / "chime.wav", self.volume)
                except (OSError, wave.Error) as exc:
                    log.warning("voice pack chime unusable: %s", exc)
        elif self.volume != 100:
            self._chime = write_chime(out_dir / "chime.wav", min(1.0, 0.6 * self.volume / 100))

    def speak(self, announcement: Announcement) -> None:
        """Concatenate the clips of the announcement into one WAV file and play it."""
        paths = [self.pack_dir / f"{name}.wav" for name in voice_pack_clips(announcement)]
        missing = [p.name for p in paths if not p.exists()]
        if missing:
            log.warning("voice pack lacks %s: call %s not read", missing, announcement.number)
            return
        path = self._next_path()
        try:
            join_wavs(paths, path, self.volume)
        except (OSError, wave.Error) as exc:
            log.warning("voice pack clips unusable: %s", exc)
            return
        self.written.append(path)
        self._play(path)


def scale_samples(frames: bytes, sample_width: int, volume: int) -> bytes:
    """Scale PCM frames (8-bit unsigned or 16-bit signed little-endian) by volume percent."""
    if volume == 100:
        return frames
    gain = volume / 100
    if sample_width == 1:
        return bytes(max(0, min(255, round(128 + (b - 128) * gain))) for b in frames)
    if sample_width != 2:
        log.warning("volume not applied: %d-byte samples are not supported", sample_width)
        return frames
    samples = array("h", frames)
    if sys.byteorder == "big":  # WAV is little-endian; array uses the machine's order
        samples.byteswap()
    scaled = array("h", (max(-32768, min(32767, round(v * gain))) for v in samples))
    if sys.byteorder == "big":
        scaled.byteswap()
    return scaled.tobytes()


def scale_wav(source: Path, out: Path, volume: int) -> Path:
    """Write a copy of a WAV file with its samples scaled by volume percent."""
    if out.resolve() == source.resolve():
        raise OSError(f"{out}: would overwrite its own source")
    return join_wavs([source], out, volume)


def join_wavs(paths: list[Path], out: Path, volume: int = 100) -> Path:
    """Concatenate WAV files of one format (channels, width, rate) into `out`, scaled."""
    params = None
    with wave.open(str(out), "wb") as target:
        for path in paths:
            with wave.open(str(path), "rb") as clip:
                shape = (clip.getnchannels(), clip.getsampwidth(), clip.getframerate())
                if params is None:
                    params = shape
                    target.setnchannels(shape[0])
                    target.setsampwidth(shape[1])
                    target.setframerate(shape[2])
                elif shape != params:
                    raise wave.Error(f"{path.name}: format {shape} differs from {params}")
                frames = clip.readframes(clip.getnframes())
                target.writeframes(scale_samples(frames, shape[1], volume))
    return out
