"""Fixtures for printer tests: a simulated printer and a fake network printer on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hw.printer.fake_network import FakeNetworkPrinter
from hw.printer.service import ReceiptPrinter
from shared.config.printer import PrinterConfig


@pytest.fixture
def sim_printer() -> Iterator[ReceiptPrinter]:
    printer = ReceiptPrinter(PrinterConfig(id="sim-1", timeout_s=0.5, print_timeout_s=5))
    yield printer
    printer.close()


@pytest.fixture
def fake_printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as fake:
        yield fake


@pytest.fixture
def network_printer(fake_printer: FakeNetworkPrinter) -> Iterator[ReceiptPrinter]:
    config = PrinterConfig(
        id="net-1",
        driver="network",
        host=fake_printer.host,
        port=fake_printer.port,
        timeout_s=0.3,
        print_timeout_s=5,
    )
    printer = ReceiptPrinter(config)
    yield printer
    printer.close()
