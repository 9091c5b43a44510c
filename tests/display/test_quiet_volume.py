"""Quiet hours (shown, not spoken) with a fake clock, and the voice-pack volume."""

from __future__ import annotations

import logging
import sys
import wave
from array import array
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from display.announcer import Announcer
from display.app import register
from display.audio import RecordingSink, VoicePackSink, scale_samples, voice_pack_clips
from display.quiet import QuietHours, QuietPeriod
from display.speech import make_announcement
from tests.helpers.clock import FakeClock

# 11:45 in Hà Nội (UTC+7).
LUNCH = datetime(2026, 11, 23, 4, 45, tzinfo=UTC)


def test_quiet_period_parses_and_wraps_past_midnight() -> None:
    lunch = QuietPeriod.parse("11:30-13:00")
    assert lunch.contains(time(11, 30)) and lunch.contains(time(12, 59))
    assert not lunch.contains(time(13, 0)) and not lunch.contains(time(11, 29))
    night = QuietPeriod.parse("22:00-06:00")
    assert night.contains(time(23, 0)) and night.contains(time(5, 59))
    assert not night.contains(time(12, 0))
    assert str(night) == "22:00-06:00"
    for bad in ("11:30", "25:00-26:00", "10:00-10:00", "ab:cd-01:00"):
        with pytest.raises(ValueError):
            QuietPeriod.parse(bad)


def test_quiet_hours_follow_the_site_time_zone() -> None:
    clock = FakeClock(LUNCH)
    quiet = QuietHours([QuietPeriod.parse("11:30-13:00")], "Asia/Ho_Chi_Minh", clock)
    assert quiet.active()
    clock.advance(hours=2)  # 13:45 local
    assert not quiet.active()
    assert not QuietHours([], now=clock).active()


def test_calls_in_quiet_hours_are_logged_not_spoken(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock(LUNCH)
    quiet = QuietHours([QuietPeriod.parse("11:30-13:00")], now=clock)
    sink = RecordingSink()
    announcer = Announcer(sink, repeat=1, pause_seconds=0, quiet=quiet.active)
    announcer.start()
    try:
        with caplog.at_level(logging.INFO, logger="display.announcer"):
            announcer.announce("A001", "1")
        clock.advance(hours=1, minutes=20)  # 13:05 local: quiet hours are over
        announcer.announce("A002", "1")
        assert announcer.wait_idle(10)
    finally:
        announcer.stop()
    assert [a.number for a in announcer.skipped] == ["A001"]
    assert len(sink.spoken()) == 1 and "hai" in sink.spoken()[0]
    assert any("quiet hours" in r.message for r in caplog.records)


def test_quiet_option_is_repeatable_and_checked() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["display", "--quiet", "11:30-13:00", "--quiet", "17:00-07:30"])
    assert [str(p) for p in args.quiet] == ["11:30-13:00", "17:00-07:30"]
    with pytest.raises(SystemExit):
        parser.parse_args(["display", "--quiet", "noon"])


def _pcm(values: list[int]) -> bytes:
    samples = array("h", values)
    if sys.byteorder == "big":
        samples.byteswap()
    return samples.tobytes()


def _write(path: Path, values: list[int]) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(_pcm(values))


def _read(path: Path) -> list[int]:
    with wave.open(str(path)) as clip:
        samples = array("h", clip.readframes(clip.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return list(samples)


def test_samples_are_scaled_and_clipped() -> None:
    assert scale_samples(_pcm([1000, -1000]), 2, 50) == _pcm([500, -500])
    assert scale_samples(_pcm([30000, -30000]), 2, 200) == _pcm([32767, -32768])
    assert scale_samples(bytes([128, 228, 28]), 1, 50) == bytes([128, 178, 78])
    assert scale_samples(b"\x01\x02\x03", 3, 50) == b"\x01\x02\x03"  # 24-bit left alone


def test_voice_pack_volume_scales_the_call_and_the_chime(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    pack.mkdir()
    item = make_announcement("A1", "2")
    for name in [*set(voice_pack_clips(item)), "chime"]:
        _write(pack / f"{name}.wav", [2000, -4000])
    sink = VoicePackSink(pack, tmp_path / "out", play=False, volume=50)
    sink.speak(item)
    assert _read(sink.written[0]) == [1000, -2000] * len(voice_pack_clips(item))
    sink.play_chime()
    assert _read(tmp_path / "out" / "chime.wav") == [1000, -2000]
    assert _read(pack / "chime.wav") == [2000, -4000]  # the pack itself is untouched
    loud = VoicePackSink(pack, tmp_path / "loud", play=False)
    loud.speak(item)
    assert _read(loud.written[0])[:2] == [2000, -4000]
