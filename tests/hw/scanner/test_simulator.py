from __future__ import annotations

import socket
from pathlib import Path

import pytest

from hw.scanner.events import ConnectionState, Symbology
from hw.scanner.framing import Framing
from hw.scanner.simulator import SimScanner, parse_script
from shared.domain.codes import CodeKind

from .conftest import Collector

RESOURCES = Path(__file__).parents[2] / "resources" / "scanner"
FAST = {"reconnect_min_s": 0.01, "reconnect_max_s": 0.05}


@pytest.mark.parametrize("framing", [Framing.AUTO, Framing.CR, Framing.STX_ETX])
def test_script_with_faults_yields_each_good_scan_once(
    collector: Collector, framing: Framing
) -> None:
    scanner = SimScanner(
        "sim",
        script=RESOURCES / "demo.scan",
        interval_s=0,
        framing=framing,
        repeat_window_s=60,
        **FAST,  # type: ignore[arg-type]
    )
    collector.attach(scanner)
    with scanner:
        slip, garbage, ticket, token = collector.take(4)
        assert collector.nothing_more(0.1)
    assert slip.symbology is Symbology.QR and slip.code.kind is CodeKind.DOSSIER
    assert garbage.message == "Không nhận ra mã"
    assert ticket.code.number == "A012"  # sent twice, reported once; A013 cut by the unplug
    assert token.symbology is Symbology.CODE128 and token.code.kind is CodeKind.LOOKUP_TOKEN
    assert collector.states.count(ConnectionState.CONNECTED) == 2


def test_random_faults_are_reproducible_with_a_seed(collector: Collector) -> None:
    script = "\n".join(f"MCT1:hcc-demo:20261123:A{n:03d}" for n in range(40))
    runs = []
    for _ in range(2):
        scanner = SimScanner(
            "sim",
            script_text=script,
            interval_s=0,
            garbage_rate=0.2,
            duplicate_rate=0.2,
            disconnect_rate=0.1,
            seed=42,
            repeat_window_s=0,
            **FAST,  # type: ignore[arg-type]
        )
        seen: list[str] = []
        scanner.add_scan_listener(lambda event: seen.append(event.message))  # noqa: B023
        scanner.add_state_listener(collector.on_state)
        with scanner:
            collector.wait_state(ConnectionState.CONNECTED, occurrences=3)
            while scanner.sent < 40:
                scanner.wait(0.01)
        runs.append(seen)
    assert runs[0] == runs[1]
    assert "Không nhận ra mã" in runs[0] and runs[0].count("vé") != 40


def test_person_types_scans_into_the_loopback_port(collector: Collector) -> None:
    scanner = SimScanner("sim", listen_port=0, repeat_window_s=0, **FAST)  # type: ignore[arg-type]
    collector.attach(scanner)
    with scanner:
        address = scanner.address
        assert address is not None and address[0] == "127.0.0.1"
        with socket.create_connection(address, timeout=5) as conn:
            conn.sendall(b"MCD1:000.00.17.H12-250701-0001:K7M2Q9XD\r\nnot a code\n")
            slip, other = collector.take(2)
    assert slip.code.kind is CodeKind.DOSSIER and not other.recognised


def test_script_errors_name_the_line() -> None:
    with pytest.raises(ValueError, match="line 2"):
        parse_script("K7M2Q9XD\n@explode\n")
