"""ID cards and other systems' codes through the scanner pipeline: what an event keeps.

ID numbers here are made up (prefix 099 is no province's code).
"""

from __future__ import annotations

import logging

import numpy as np
import pytest
import serial

from hw.scanner.base import ScannerBase
from hw.scanner.camera import CameraScanner
from hw.scanner.decoders import make_decoder
from hw.scanner.events import ConnectionState, Symbology
from hw.scanner.factory import build_scanner
from hw.scanner.serial_port import SerialScanner
from hw.scanner.synthetic import SLIP_QR, qr_symbol, render_slip
from shared.config.scanner import ScannerConfig
from shared.domain.codes import MAX_SCAN_LENGTH, CodeKind

from .conftest import Collector

CARD = "099090000001|099000001|NGUYỄN VĂN MẪU|01011990|Nam|Số 1 đường Thử Nghiệm|15042021"
IGATE = r"H12\.\d{2}-\d{6}-\d{4}"


def test_an_id_card_event_carries_the_fields_and_only_the_masked_number() -> None:
    now = [0.0]
    scanner = ScannerBase("kiosk-1", repeat_window_s=2.0, clock=lambda: now[0])
    event = scanner.deliver_text(f"]Q1{CARD}")
    assert event is not None
    assert event.code.kind is CodeKind.CITIZEN_ID and event.recognised
    assert event.symbology is Symbology.QR and event.message == "thẻ căn cước"
    assert event.text == "********0001" == event.code.text
    assert event.code.citizen is not None and event.code.citizen.full_name == "NGUYỄN VĂN MẪU"
    assert CARD not in repr(event)
    # The repeat filter still recognises the card held in front of the camera …
    now[0] = 1.0
    assert scanner.deliver_text(CARD) is None
    now[0] = 3.5
    assert scanner.deliver_text(CARD) is not None
    # … by a keyed fingerprint: it keeps no ID number.
    assert not any("099090000001" in key for key in scanner._repeats._last_seen)


def test_an_unreadable_card_says_why_and_keeps_no_text() -> None:
    scanner = ScannerBase("kiosk-1", repeat_window_s=0)
    event = scanner.deliver_text(CARD.replace("01011990", "31021990"))
    assert event is not None and not event.recognised
    assert event.text == ""
    assert event.message.startswith("Không đọc được thẻ căn cước: Ngày sinh")


def test_foreign_codes_are_their_own_kind_in_the_pipeline() -> None:
    plain = ScannerBase("kiosk-1", repeat_window_s=0)
    assert plain.deliver_text("H12.22-250701-0001").code.kind is CodeKind.DOSSIER  # type: ignore[union-attr]
    scanner = ScannerBase("kiosk-1", repeat_window_s=0, foreign_patterns=[IGATE])
    event = scanner.deliver_text("H12.22-250701-0001")
    assert event is not None and event.recognised
    assert event.code.kind is CodeKind.FOREIGN_DOSSIER
    assert event.message == "hồ sơ của hệ thống khác"
    assert event.code.dossier_code == "H12.22-250701-0001"


def test_a_serial_reader_sends_a_utf8_card_and_nothing_is_logged(
    collector: Collector, caplog: pytest.LogCaptureFixture
) -> None:
    port = serial.serial_for_url("loop://", timeout=0.05)
    scanner = SerialScanner(
        "desk", "loop://", opener=lambda: port, repeat_window_s=0, foreign_patterns=[IGATE]
    )
    collector.attach(scanner)
    with caplog.at_level(logging.DEBUG), scanner:
        collector.wait_state(ConnectionState.CONNECTED)
        port.write(CARD.encode() + b"\r\nH12.22-250701-0001\r\n")
        card, foreign = collector.take(2)
    assert card.code.citizen is not None and card.code.citizen.address == "Số 1 đường Thử Nghiệm"
    assert foreign.code.kind is CodeKind.FOREIGN_DOSSIER
    assert "099090000001" not in caplog.text and "NGUYỄN" not in caplog.text


def test_the_factory_passes_the_site_foreign_patterns_on() -> None:
    config = ScannerConfig(id="desk", driver="serial", port="loop://")
    assert build_scanner(config).classify("H12.22-250701-0001").kind is CodeKind.DOSSIER
    scanner = build_scanner(config, foreign_patterns=[IGATE])
    assert scanner.classify("H12.22-250701-0001").kind is CodeKind.FOREIGN_DOSSIER


def test_a_camera_reads_an_id_card_qr_into_fields(collector: Collector) -> None:
    rng = np.random.default_rng(21)
    frame = render_slip(qr_symbol(CARD), SLIP_QR["easy"], rng)
    scanner = CameraScanner("kiosk-cam", _NoFrames(), make_decoder("zxing"))
    collector.attach(scanner)
    (found,) = scanner.process(frame)
    (event,) = collector.take(1)
    assert found.symbology is Symbology.QR
    assert event.code.kind is CodeKind.CITIZEN_ID and event.text == "********0001"
    assert event.code.citizen is not None and event.code.citizen.full_name == "NGUYỄN VĂN MẪU"


class _NoFrames:
    def open(self) -> None:
        pass

    def read(self) -> None:
        return None

    def close(self) -> None:
        pass


def test_a_long_card_is_read_but_other_events_stay_within_the_scan_length() -> None:
    address = "Số 123/45 đường Nguyễn Văn Linh, khu phố 4, phường Tân Thuận Tây, " * 3
    long_card = CARD.replace("Số 1 đường Thử Nghiệm", address.strip(" ,"))
    assert len(long_card) > MAX_SCAN_LENGTH
    scanner = ScannerBase("kiosk-1", repeat_window_s=0)
    card = scanner.deliver_text(long_card)
    assert card is not None and card.code.citizen is not None
    other = scanner.deliver_text("x" * 600)
    assert other is not None and other.text == "x" * MAX_SCAN_LENGTH == other.code.text
