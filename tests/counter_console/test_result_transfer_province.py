"""The return desks of two branches against their real servers and the central index.

Branch A's desk sends a ready result to branch B; B's desk finds A's dossier through the
provincial index, records that the result arrived, and hands it over; A's dossier logs both.
The servers, the index and the bus are those of tests/server/test_result_transfers.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from counter_console.build import form_context
from counter_console.dossier_desk import DossierDeskModel
from counter_console.runner import CommandRunner, Sender
from shared.config.site import SiteConfig
from tests.helpers.clock import FakeClock
from tests.helpers.province import MONDAY
from tests.helpers.province import wait_until as waited
from tests.server.test_result_transfers import B_NAME, TransferProvince, ready_dossier


@pytest.fixture
def province(tmp_path: Path) -> Iterator[TransferProvince]:
    world = TransferProvince(tmp_path, FakeClock(MONDAY))
    yield world
    world.stop()


@pytest.fixture
def desk_for(
    site_config: SiteConfig,
) -> Iterator[Callable[[Sender, str, dict[str, str]], DossierDeskModel]]:
    runners: list[CommandRunner] = []

    def make(sender: Sender, site_id: str, branches: dict[str, str]) -> DossierDeskModel:
        runner = CommandRunner(sender, 5.0)
        runners.append(runner)
        context = form_context(site_config)
        return DossierDeskModel(
            runner, context, None, lambda: "", site_id=site_id, return_branches=branches
        )

    yield make
    for runner in runners:
        runner.close()


def _done(qtbot: QtBot, desk: DossierDeskModel) -> None:
    qtbot.waitUntil(lambda: not desk.busy, timeout=10_000)
    assert not desk.message_is_error, desk.message


def test_a_result_goes_from_desk_a_to_desk_b_and_to_the_citizen(
    qtbot: QtBot, province: TransferProvince, desk_for: Callable[..., DossierDeskModel]
) -> None:
    province.start_central()
    province.start_branch("hcc-a")
    province.start_branch("hcc-b")
    counter_a = province.counter("hcc-a")
    dossier = ready_dossier(counter_a)
    code, qr = dossier["code"], dossier["qr"]
    assert waited(lambda: province.pending("hcc-a") == 0)

    at_a = desk_for(counter_a.client, "hcc-a", {"hcc-b": B_NAME})
    assert at_a.look_up(qr)
    qtbot.waitUntil(lambda: at_a.dossier is not None and not at_a.busy, timeout=10_000)
    assert at_a.can_transfer and at_a.foreign is None
    assert at_a.transfer_result("hcc-b", "Công dân xin nhận tại Quận Hai")
    _done(qtbot, at_a)
    assert at_a.message == f"Đã chuyển kết quả hồ sơ {code} đến {B_NAME}."
    assert at_a.dossier is not None and at_a.dossier.result_site_id == "hcc-b"
    assert not at_a.can_transfer and at_a.mark_returned() is False
    assert waited(lambda: province.pending("hcc-a") == 0)

    at_b = desk_for(province.counter("hcc-b").client, "hcc-b", {})
    assert at_b.look_up(qr)
    qtbot.waitUntil(lambda: at_b.foreign is not None and not at_b.busy, timeout=10_000)
    assert at_b.dossier is None and at_b.foreign is not None
    assert at_b.foreign.site_id == "hcc-a" and at_b.foreign.citizen_masked == "Nguyễn V** A**"
    assert at_b.can_accept and not at_b.can_return_held
    assert at_b.accept_result()
    _done(qtbot, at_b)
    assert at_b.foreign.result_arrived and at_b.can_return_held
    assert at_b.return_held_result()
    _done(qtbot, at_b)
    assert at_b.foreign.status == 10 and not at_b.can_return_held
    assert at_b.message == f"Đã trả kết quả hồ sơ {code}."
    assert waited(lambda: province.dossier_at_a(code).status == 10)
