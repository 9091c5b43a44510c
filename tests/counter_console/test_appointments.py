"""The counter sees which citizen came for an appointment, and the appointments still to come."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from pytestqt.qtbot import QtBot

from counter_console.actions import Action
from server.appointment_service import AppointmentService, AppointmentSettings
from server.daemon import QueueServer
from shared.messaging import appointment_commands as ac
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.paho_bus import PahoBus
from shared.messaging.topics import Topics
from tests.counter_console.conftest import ConsoleFactory
from tests.helpers.appointments import KEY, Phones
from tests.helpers.clock import FakeClock
from tests.helpers.sites import demo_config


def _check_in_booking(
    server: QueueServer, bus_factory: Callable[..., PahoBus], clock: FakeClock
) -> str:
    """Book 09:30 on the phone and check in at the kiosk; return the ticket's number."""
    phones = Phones()
    settings = AppointmentSettings.from_config(demo_config(), KEY)
    server.service.appointments = AppointmentService(server.site, settings, sender=phones)
    topics = Topics(server.site.id)
    web = CommandClient(bus_factory("web", "web"), topics, "web")
    slot = clock() + timedelta(minutes=30)
    asked = web.send(
        ac.RequestBooking(
            request_id=new_request_id(), service="ho-tich", slot=slot, phone="0912000001"
        )
    )
    assert asked.ok, asked.error
    ref = str(asked.result["request"])
    confirm = ac.ConfirmBooking(request_id=new_request_id(), request=ref, otp=phones.code(ref))
    code = web.send(confirm).result["booking"]["code"]
    kiosk = CommandClient(bus_factory("kiosk-1", "kiosk"), topics, "kiosk-1")
    checked = kiosk.send(ac.CheckIn(request_id=new_request_id(), code=code))
    assert checked.ok, checked.error
    return str(checked.result["ticket"]["number"])


def test_the_console_says_lich_hen_for_the_appointment_waiting_and_the_one_called(
    qtbot: QtBot,
    console_factory: ConsoleFactory,
    running_server: QueueServer,
    bus_factory: Callable[..., PahoBus],
    clock: FakeClock,
) -> None:
    console = console_factory("q01")
    number = _check_in_booking(running_server, bus_factory, clock)
    model, page = console.model, console.window.serving_page
    qtbot.waitUntil(lambda: bool(model.queues) and model.queues[0].appointments == 1)
    line = model.queues[0]
    assert line.service == "ho-tich" and line.next_appointment_at is not None
    assert page.table.item(0, 3).text() == "09:30 (1)"
    assert not page.table.isColumnHidden(3)
    clock.advance(minutes=26)  # 09:26: its time came (the slot less 5 minutes)
    console.window.trigger(Action.CALL_NEXT)
    qtbot.waitUntil(lambda: model.current is not None and model.current.number == number)
    assert page.priority.text() == "Lịch hẹn 09:30"
    qtbot.waitUntil(lambda: model.queues[0].appointments == 0)
    assert page.table.isColumnHidden(3), "no appointment waits: the column makes room"
