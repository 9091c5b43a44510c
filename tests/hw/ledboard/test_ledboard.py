"""LED boards: frames over real pyserial loop:// ports, checksum, padding, faults, config."""

from __future__ import annotations

import logging

import pytest
import serial
from pydantic import ValidationError

from hw.ledboard import (
    Frame,
    LedBoardConfig,
    SerialLedBoard,
    SimLedBoard,
    build_led_board,
    checksum,
    decode_frames,
    encode_frame,
)


class LoopPorts:
    """Hands the driver real loop:// ports; what the driver writes is read back from them."""

    def __init__(self) -> None:
        self.opened: list[serial.SerialBase] = []

    def __call__(self) -> serial.SerialBase:
        port = serial.serial_for_url("loop://", timeout=0.05, write_timeout=0.5)
        self.opened.append(port)
        return port

    def frames(self) -> list[Frame]:
        port = self.opened[-1]
        return decode_frames(port.read(port.in_waiting))


def test_frame_layout_is_stx_address_padded_text_etx_xor() -> None:
    frame = encode_frame(5, "A12", 4)
    assert frame[:1] == b"\x02"
    assert frame[1:-1] == b"05 A12\x03"
    expected = 0
    for byte in b"05 A12\x03":
        expected ^= byte
    assert frame[-1] == expected == checksum(b"05 A12\x03")


def test_frame_matches_the_example_in_the_vendor_document() -> None:
    assert encode_frame(5, "A12", 4) == bytes.fromhex("02 30 35 20 41 31 32 03 64")


def test_text_is_right_aligned_cut_to_width_and_blank_is_spaces() -> None:
    assert decode_frames(encode_frame(1, "7", 4)) == [Frame(1, "   7")]
    assert decode_frames(encode_frame(1, "A1023", 4)) == [Frame(1, "1023")]
    assert decode_frames(encode_frame(12, "", 3)) == [Frame(12, "   ")]
    assert decode_frames(encode_frame(1, "Đ1", 3))[0].text == " ?1"
    with pytest.raises(ValueError):
        encode_frame(100, "1", 4)


def test_decoder_skips_garbage_and_bad_checksums() -> None:
    good = encode_frame(3, "B7", 4)
    bad = bytearray(encode_frame(4, "C8", 4))
    bad[-1] ^= 0xFF
    data = b"\x00noise" + bytes(bad) + b"\x02\x03" + good + b"\x02tail"
    assert decode_frames(data) == [Frame(3, "  B7")]


def test_show_and_blank_send_one_frame_each_over_a_serial_port() -> None:
    ports = LoopPorts()
    board = SerialLedBoard("loop://", width=4, addresses={"Tư pháp": 21}, opener=ports)
    try:
        board.show("5", "A012")
        assert ports.frames() == [Frame(5, "A012")]
        board.show("Tư pháp", "B7")
        board.blank("5")
        assert ports.frames() == [Frame(21, "  B7"), Frame(5, "    ")]
    finally:
        board.close()
    assert not ports.opened[-1].is_open


def test_a_counter_without_address_is_skipped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ports = LoopPorts()
    board = SerialLedBoard("loop://", opener=ports)
    with caplog.at_level(logging.WARNING):
        board.show("Tiếp nhận", "A1")
        board.show("Tiếp nhận", "A2")
    assert ports.opened == []
    assert sum("no address" in r.message for r in caplog.records) == 1
    board.close()


def test_a_closed_port_is_reopened_and_every_board_repainted() -> None:
    ports = LoopPorts()
    board = SerialLedBoard("loop://", opener=ports)
    board.show("1", "A001")
    board.show("2", "B002")
    ports.opened[-1].close()  # the USB-RS485 adapter was unplugged
    board.show("1", "A003")  # must not raise
    assert len(ports.opened) == 2
    assert board.faults == 1
    assert sorted(ports.frames(), key=lambda f: f.address) == [
        Frame(1, "A003"),
        Frame(2, "B002"),
    ]
    board.close()


def test_simulator_write_timeout_and_disconnect_are_survived() -> None:
    board = SimLedBoard(width=4)
    board.show("1", "A001")
    board.line.inject("timeout")
    board.show("1", "A002")  # fails, reopens, resends
    board.line.inject("disconnect")
    board.show("2", "B001")
    board.line.inject("timeout")
    board.line.inject("timeout")  # the first write after reopening fails as well
    board.show("2", "B002")
    assert board.faults == 4
    assert board.line.opens == 5
    assert board.line.displayed == {1: "A002", 2: "B002"}
    board.close()


def test_simulator_offline_adapter_drops_updates_until_it_returns() -> None:
    board = SimLedBoard()
    board.line.offline = 4  # each update tries to open twice
    board.show("1", "A001")
    board.show("2", "B001")
    assert board.frames == []
    board.show("3", "C001")  # the adapter is back: everything shown is painted
    assert board.line.displayed == {1: "A001", 2: "B001", 3: "C001"}
    assert board.line.opens == 1
    with pytest.raises(ValueError):
        board.line.inject("fire")
    board.close()


def test_config_builds_drivers_and_maps_counter_ids_to_labels() -> None:
    sim = build_led_board(LedBoardConfig(addresses={"quay-5": 42}), {"quay-5": "5"})
    assert isinstance(sim, SimLedBoard)
    sim.show("5", "A1")
    assert sim.frames == [Frame(42, "  A1")]
    sim.close()
    serial_board = build_led_board(
        LedBoardConfig(driver="serial", port="loop://", baudrate=19200, width=3)
    )
    assert isinstance(serial_board, SerialLedBoard)
    assert (serial_board.baudrate, serial_board.width) == (19200, 3)
    serial_board.show("7", "9")
    serial_board.close()


def test_config_rejects_unknown_keys_bad_addresses_and_serial_without_port() -> None:
    with pytest.raises(ValidationError):
        LedBoardConfig.model_validate({"driver": "sim", "colour": "red"})
    with pytest.raises(ValidationError):
        LedBoardConfig(addresses={"quay-1": 100})
    with pytest.raises(ValidationError, match="port is required"):
        LedBoardConfig(driver="serial")
    assert all(f.description for f in LedBoardConfig.model_fields.values())
