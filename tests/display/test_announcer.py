from __future__ import annotations

import threading
import wave
from pathlib import Path

import pytest

from display.announcer import Announcer
from display.audio import EspeakSink, RecordingSink, VoicePackSink, voice_pack_clips, write_chime
from display.speech import make_announcement


def test_calls_are_read_in_order_with_chime_first_never_overlapping() -> None:
    sink = RecordingSink(seconds_per_play=0.005)
    announcer = Announcer(sink, repeat=2, pause_seconds=0)
    announcer.start()
    try:
        callers = [
            threading.Thread(target=announcer.announce, args=(f"A00{i}", "1")) for i in range(5)
        ]
        for caller in callers:
            caller.start()
            caller.join()
        assert announcer.wait_idle(10)
    finally:
        announcer.stop()
    kinds = [p.kind for p in sink.plays]
    assert kinds == ["chime", "speech", "speech"] * 5
    assert [t.split("thứ tự ")[1][:1] for t in sink.spoken()] == ["A"] * 10
    assert [make_announcement(f"A00{i}", "1").text for i in range(5) for _ in range(2)] == (
        sink.spoken()
    )
    assert sink.overlaps == 0
    assert all(a.end < b.start for a, b in zip(sink.plays, sink.plays[1:], strict=False))


def test_a_failing_sink_does_not_stop_later_calls() -> None:
    class Flaky(RecordingSink):
        def speak(self, announcement):  # type: ignore[no-untyped-def]
            if announcement.number == "A001":
                raise OSError("device gone")
            super().speak(announcement)

    sink = Flaky()
    announcer = Announcer(sink, repeat=1)
    announcer.start()
    try:
        announcer.announce("A001", "1")
        announcer.announce("A002", "1")
        assert announcer.wait_idle(10)
    finally:
        announcer.stop()
    assert len(sink.spoken()) == 1


def test_voice_pack_joins_clips_named_per_character(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    item = make_announcement("B10", "5")
    assert voice_pack_clips(item) == ["moi", "b", "1", "0", "den-quay", "5"]
    for name in set(voice_pack_clips(item)):
        write_chime(pack / f"{name}.wav")
    sink = VoicePackSink(pack, tmp_path / "out", play=False)
    sink.speak(item)
    with wave.open(str(pack / "moi.wav")) as clip:
        one = clip.getnframes()
    with wave.open(str(sink.written[0])) as joined:
        assert joined.getnframes() == 6 * one


def test_voice_pack_with_a_missing_clip_reads_nothing(tmp_path: Path) -> None:
    sink = VoicePackSink(tmp_path, tmp_path / "out", play=False)
    sink.speak(make_announcement("A1", "1"))
    assert sink.written == []


def test_espeak_writes_a_wav_file_without_a_sound_device(tmp_path: Path) -> None:
    sink = EspeakSink(tmp_path, play=False)
    if sink._espeak is None:
        pytest.skip("espeak-ng not installed")
    sink.play_chime()
    sink.speak(make_announcement("A012", "5"))
    assert (tmp_path / "chime.wav").exists()
    with wave.open(str(sink.written[0])) as out:
        assert out.getnframes() > 0
