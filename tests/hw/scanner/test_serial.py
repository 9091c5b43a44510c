from __future__ import annotations

import os
import tty
from collections.abc import Iterator
from pathlib import Path

import pytest
import serial

from hw.scanner.events import ConnectionState, Symbology
from hw.scanner.framing import Framing
from hw.scanner.serial_port import SerialScanner
from shared.domain.codes import CodeKind

from .conftest import Collector

SLIP = "MCD1:000.00.17.H12-250701-0001:K7M2Q9XD"
FAST = {"reconnect_min_s": 0.01, "reconnect_max_s": 0.05, "repeat_window_s": 0.0}


class LoopPorts:
    """Hands the scanner real loop:// ports; the test writes into the one it is reading."""

    def __init__(self) -> None:
        self.opened: list[serial.SerialBase] = []

    def __call__(self) -> serial.SerialBase:
        port = serial.serial_for_url("loop://", timeout=0.05)
        self.opened.append(port)
        return port

    @property
    def current(self) -> serial.SerialBase:
        return self.opened[-1]


@pytest.fixture
def loop_scanner(collector: Collector) -> Iterator[tuple[SerialScanner, LoopPorts]]:
    ports = LoopPorts()
    scanner = SerialScanner("counter-3", "loop://", opener=ports, **FAST)  # type: ignore[arg-type]
    collector.attach(scanner)
    with scanner:
        collector.wait_state(ConnectionState.CONNECTED)
        yield scanner, ports


@pytest.mark.parametrize(
    ("framing", "wire"),
    [
        (Framing.CR, b"]Q1" + SLIP.encode() + b"\r"),
        (Framing.CRLF, b"]Q1" + SLIP.encode() + b"\r\n"),
        (Framing.STX_ETX, b"\x02]Q1" + SLIP.encode() + b"\x03"),
        (Framing.AUTO, b"]Q1" + SLIP.encode() + b"\t"),
    ],
)
def test_loop_port_delivers_framed_scan_with_aim_symbology(
    collector: Collector, framing: Framing, wire: bytes
) -> None:
    ports = LoopPorts()
    scanner = SerialScanner("s", "loop://", framing=framing, opener=ports, **FAST)  # type: ignore[arg-type]
    collector.attach(scanner)
    with scanner:
        collector.wait_state(ConnectionState.CONNECTED)
        for i in range(0, len(wire), 7):  # arrives in pieces, as over a slow line
            ports.current.write(wire[i : i + 7])
        (event,) = collector.take(1)
    assert event.text == SLIP
    assert event.symbology is Symbology.QR
    assert event.code.kind is CodeKind.DOSSIER
    assert event.source == "s"


def test_garbage_on_the_line_is_a_not_recognised_scan(
    loop_scanner: tuple[SerialScanner, LoopPorts], collector: Collector
) -> None:
    _, ports = loop_scanner
    ports.current.write(b"\xff\x00\x1b[31m\x80garbage\r]C0K7M2Q9XD\r")
    garbage, token = collector.take(2)
    assert not garbage.recognised and garbage.message == "Không nhận ra mã"
    assert token.code.kind is CodeKind.LOOKUP_TOKEN and token.symbology is Symbology.CODE128


def test_unplug_mid_line_then_reconnect_loses_only_the_cut_scan(
    loop_scanner: tuple[SerialScanner, LoopPorts], collector: Collector
) -> None:
    _, ports = loop_scanner
    ports.current.write(b"MCT1:hcc-demo:2026")
    ports.current.close()  # unplugged: the reader thread's next read fails
    collector.wait_state(ConnectionState.DISCONNECTED)
    collector.wait_state(ConnectionState.CONNECTED, occurrences=2)
    ports.current.write(b"1123:A012\rMCT1:hcc-demo:20261123:A013\r")
    assert collector.texts(2) == ["1123:A012", "MCT1:hcc-demo:20261123:A013"]
    assert collector.nothing_more(0.05)


def test_missing_device_is_retried_until_it_appears(collector: Collector) -> None:
    attempts: list[int] = []
    ports = LoopPorts()

    def flaky() -> serial.SerialBase:
        attempts.append(1)
        if len(attempts) < 3:
            raise serial.SerialException("could not open port /dev/ttyACM0")
        return ports()

    scanner = SerialScanner("s", "/dev/ttyACM0", opener=flaky, **FAST)  # type: ignore[arg-type]
    collector.attach(scanner)
    with scanner:
        collector.wait_state(ConnectionState.CONNECTED)
        assert "could not open" in scanner.last_error
    assert collector.states[:2] == [ConnectionState.CONNECTING, ConnectionState.DISCONNECTED]
    assert collector.states[-1] is ConnectionState.STOPPED


def _pty() -> tuple[int, str]:
    master, slave = os.openpty()
    tty.setraw(master)
    name = os.ttyname(slave)
    os.close(slave)
    return master, name


def test_pty_pair_reads_scans_and_survives_replug(collector: Collector, tmp_path: Path) -> None:
    """A by-id style symlink points at a pty; replugging makes a new pty behind the same name."""
    link = tmp_path / "usb-scanner"
    master, name = _pty()
    link.symlink_to(name)
    scanner = SerialScanner("pty", str(link), baudrate=115200, **FAST)  # type: ignore[arg-type]
    collector.attach(scanner)
    master2 = -1
    with scanner:
        collector.wait_state(ConnectionState.CONNECTED)
        os.write(master, b"]Q1" + SLIP.encode() + b"\r\n")
        assert collector.texts(1) == [SLIP]
        os.write(master, b"K7M2")
        os.close(master)  # unplug mid-line
        collector.wait_state(ConnectionState.DISCONNECTED)
        master2, name2 = _pty()
        link.unlink()
        link.symlink_to(name2)
        collector.wait_state(ConnectionState.CONNECTED, occurrences=2)
        os.write(master2, b"MCT1:hcc-demo:20261123:A012\r\n")
        (event,) = collector.take(1)
    os.close(master2)
    assert event.code.kind is CodeKind.TICKET and event.code.number == "A012"
    assert collector.nothing_more(0.05)
