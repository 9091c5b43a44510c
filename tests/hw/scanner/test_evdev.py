from __future__ import annotations

import os
from pathlib import Path

from hw.scanner.evdev import (
    EV_KEY,
    INPUT_EVENT,
    KEY_KPENTER,
    EvdevScanner,
    KeyDecoder,
    encode_key_events,
)
from hw.scanner.events import ConnectionState
from shared.domain.codes import CodeKind

from .conftest import Collector

SLIP = "MCD1:000.00.17.H12-250701-0001:K7M2Q9XD"


def test_input_events_become_text_with_shift_and_partial_structs() -> None:
    data = INPUT_EVENT.pack(1, 2, 4, 4, 458792)  # EV_MSC scan code: ignored
    data += encode_key_events(SLIP)
    decoder = KeyDecoder()
    lines = [line for i in range(0, len(data), 10) for line in decoder.feed(data[i : i + 10])]
    assert lines == [SLIP]


def test_keypad_enter_and_autorepeat() -> None:
    data = encode_key_events("K7M2Q9XD", terminator=KEY_KPENTER)
    data = INPUT_EVENT.pack(0, 0, EV_KEY, 30, 2) + data  # auto-repeat of 'a': no character
    assert KeyDecoder().feed(data) == ["K7M2Q9XD"]


def test_evdev_device_file_is_read_and_reopened(tmp_path: Path, collector: Collector) -> None:
    """A FIFO stands in for /dev/input/eventN; closing the writer is the unplug."""
    device = tmp_path / "event7"
    os.mkfifo(device)
    writer = os.open(device, os.O_RDWR)  # keeps the FIFO open so the reader sees no EOF
    scanner = EvdevScanner(
        "evdev", str(device), reconnect_min_s=0.01, reconnect_max_s=0.05, repeat_window_s=0
    )
    collector.attach(scanner)
    with scanner:
        collector.wait_state(ConnectionState.CONNECTED)
        os.write(writer, encode_key_events(SLIP))
        (event,) = collector.take(1)
        assert event.code.kind is CodeKind.DOSSIER
        os.write(writer, encode_key_events("K7M2", terminator=0)[: INPUT_EVENT.size * 3])
        os.close(writer)  # unplugged mid-scan
        collector.wait_state(ConnectionState.DISCONNECTED)
        writer = os.open(device, os.O_RDWR)
        collector.wait_state(ConnectionState.CONNECTED, occurrences=2)
        os.write(writer, encode_key_events("MCT1:hcc-demo:20261123:A012"))
        (event,) = collector.take(1)
    os.close(writer)
    assert event.code.number == "A012"
