from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hw.scanner.aim import split_aim
from hw.scanner.base import ScannerBase
from hw.scanner.events import NOT_RECOGNISED, Symbology
from hw.scanner.framing import Framer, Framing, frame_bytes
from shared.domain.codes import MAX_SCAN_LENGTH, CodeKind

SLIP = "MCD1:000.00.17.H12-250701-0001:K7M2Q9XD"


@pytest.mark.parametrize(
    ("framing", "data"),
    [
        (Framing.CR, b"ABC123\rDEF456\r"),
        (Framing.LF, b"ABC123\nDEF456\n"),
        (Framing.CRLF, b"ABC123\r\nDEF456\r\n"),
        (Framing.TAB, b"ABC123\tDEF456\t"),
        (Framing.STX_ETX, b"\x02ABC123\x03noise\x02DEF456\x03"),
        (Framing.AUTO, b"ABC123\r\nDEF456\t"),
        (Framing.AUTO, b"\x02ABC123\x03\x02DEF456\x03"),
    ],
)
def test_each_framing_cuts_two_scans(framing: Framing, data: bytes) -> None:
    assert Framer(framing).feed(data) == [b"ABC123", b"DEF456"]


@pytest.mark.parametrize("framing", list(Framing))
def test_a_scan_split_across_reads_is_joined(framing: Framing) -> None:
    framer = Framer(framing)
    data = frame_bytes(SLIP, framing)
    frames = [frame for i in range(len(data)) for frame in framer.feed(data[i : i + 1])]
    assert frames == [SLIP.encode()]


def test_reset_drops_a_partial_line() -> None:
    framer = Framer(Framing.CR)
    assert framer.feed(b"MCD1:000.00") == []
    framer.reset()
    assert framer.feed(b"K7M2Q9XD\r") == [b"K7M2Q9XD"]


def test_endless_bytes_without_terminator_are_dropped_not_kept() -> None:
    framer = Framer(Framing.CR, max_frame=64)
    assert framer.feed(b"x" * 1000 + b"\rK7M2Q9XD\r") == [b"K7M2Q9XD"]
    assert framer.dropped == 1


@pytest.mark.parametrize(
    ("text", "symbology", "rest"),
    [
        ("]Q1" + SLIP, Symbology.QR, SLIP),
        ("]C0K7M2Q9XD", Symbology.CODE128, "K7M2Q9XD"),
        ("]E04006381333931", Symbology.EAN_UPC, "4006381333931"),
        ("]d2ABC", Symbology.DATAMATRIX, "ABC"),
        ("K7M2Q9XD", None, "K7M2Q9XD"),
        ("]", None, "]"),
    ],
)
def test_aim_prefix_gives_symbology_and_is_stripped(
    text: str, symbology: Symbology | None, rest: str
) -> None:
    assert split_aim(text) == (symbology, rest)


def test_pipeline_classifies_strips_and_reports_garbage_kindly() -> None:
    scanner = ScannerBase("t", repeat_window_s=0)
    event = scanner.deliver_bytes(b"]Q1" + SLIP.encode() + b"\x07")
    assert event is not None
    assert event.symbology is Symbology.QR
    assert event.code.kind is CodeKind.DOSSIER
    assert event.code.lookup_token == "K7M2Q9XD"
    garbage = scanner.deliver_bytes(b"\xff\xfe\x01\x1b[2Jrm -rf")
    assert garbage is not None and not garbage.recognised
    assert garbage.message == NOT_RECOGNISED == "Không nhận ra mã"
    assert scanner.deliver_bytes(b"\x00\x01") is None  # nothing printable: no event


def test_same_code_within_window_is_reported_once() -> None:
    now = [0.0]
    scanner = ScannerBase("t", repeat_window_s=2.0, clock=lambda: now[0])
    assert scanner.deliver_text("K7M2Q9XD") is not None
    now[0] = 1.0
    assert scanner.deliver_text("K7M2Q9XD") is None
    assert scanner.deliver_text("MCT1:hcc-demo:20261123:A012") is not None
    now[0] = 4.0
    assert scanner.deliver_text("K7M2Q9XD") is not None


@given(st.binary(max_size=2000))
def test_any_bytes_give_a_safe_event_or_none(data: bytes) -> None:
    scanner = ScannerBase("t", repeat_window_s=0)
    for frame in Framer(Framing.AUTO).feed(data + b"\r"):
        event = scanner.deliver_bytes(frame)
        if event is not None:
            assert len(event.text) <= MAX_SCAN_LENGTH
            assert event.text.isprintable()
