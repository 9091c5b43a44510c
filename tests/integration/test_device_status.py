"""A printer running out of paper shows on its retained status topic, for supervisors."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest

from admin.devices import publish_printer_statuses
from hw.printer.fake_network import FakeNetworkPrinter
from hw.printer.service import ReceiptPrinter
from hw.printer.status import PaperLevel
from shared.config.printer import PrinterConfig
from shared.messaging.bus import Message
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics

pytestmark = pytest.mark.integration


def test_paper_out_and_offline_reach_the_status_topic(
    bus_factory: Callable[..., PahoBus], topics: Topics
) -> None:
    with FakeNetworkPrinter() as fake:
        printer = ReceiptPrinter(
            PrinterConfig(
                id="status-test-printer",  # not a kiosk's: other tests leave theirs retained
                driver="network",
                host=fake.host,
                port=fake.port,
                timeout_s=0.5,
            )
        )
        monitor = bus_factory("devices-test", "devices")
        supervisor = bus_factory("supervisor-1", "supervisor")
        seen: list[dict[str, object]] = []
        arrived = threading.Event()

        def on_status(message: Message) -> None:
            seen.append(json.loads(message.payload))
            arrived.set()

        supervisor.subscribe(topics.status("status-test-printer"), on_status)
        try:
            fake.paper = PaperLevel.OUT
            publish_printer_statuses(monitor, topics, [printer])
            assert arrived.wait(5)
            latest = seen[-1]
            assert latest["role"] == "printer" and latest["state"] == "online"
            detail = latest["detail"]
            assert isinstance(detail, dict)
            assert detail["paper"] == "out" and detail["can_print"] is False
            fake.silent = True
            arrived.clear()
            publish_printer_statuses(monitor, topics, [printer])
            assert arrived.wait(5)
            assert seen[-1]["state"] == "offline"
        finally:
            printer.close()
