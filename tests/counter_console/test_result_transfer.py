"""Results sent between branches at the return desk, driven through a fake sender.

Branch A sends an own ready result to another branch; branch B, finding A's dossier in the
provincial index, shows it read-only, records the result's arrival and hands it over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_console.actions import Action
from counter_console.build import form_context
from counter_console.demo_data import (
    DEMO_RETURN_BRANCHES,
    demo_dossier,
    demo_ready_dossier,
    demo_transferred_here,
)
from counter_console.dossier_desk import DossierDeskModel
from counter_console.return_view import ReturnPage
from counter_console.runner import CommandRunner
from counter_console.screenshot import demo_window
from counter_console.window import ConsoleWindow
from shared.config.site import SiteConfig
from shared.domain.dossiers import STATUS_LABELS, DossierStatus
from shared.messaging import dossier_commands as d
from shared.messaging.commands import Command
from shared.messaging.dossier_views import DossierFull, DossierPublic
from shared.messaging.replies import ErrorCode, Reply
from shared.messaging.results import DossierResult, PublicDossierResult

Answer = Callable[[Command], Reply]
NINH_HOA = "hcc-ninh-hoa"


class FakeSender:
    """Answers each command type as a test says, and remembers what was sent."""

    def __init__(self) -> None:
        self.sent: list[Command] = []
        self.answers: dict[type[Command], Answer] = {}

    def send(self, command: Command, timeout: float = 2.0, attempts: int = 3) -> Reply:
        """Record the command and answer it (a refusal when the test gave no answer)."""
        self.sent.append(command)
        answer = self.answers.get(type(command))
        if answer is None:
            return Reply.failure(command.request_id, ErrorCode.INTERNAL, "không có trả lời")
        return answer(command)

    def kinds(self) -> list[str]:
        """The verbs sent, in order."""
        return [c.type for c in self.sent]


def full_reply(dossier: DossierFull) -> Answer:
    """Answer with the staff view of a dossier."""
    return lambda c: Reply.success(
        c.request_id, DossierResult(dossier=dossier).model_dump(mode="json")
    )


def public_reply(dossier: DossierPublic) -> Answer:
    """Answer with the public view of a dossier."""
    return lambda c: Reply.success(
        c.request_id, PublicDossierResult(dossier=dossier).model_dump(mode="json")
    )


@pytest.fixture
def sender() -> FakeSender:
    return FakeSender()


@pytest.fixture
def make_desk(
    qtbot: QtBot, site_config: SiteConfig, sender: FakeSender
) -> Iterator[Callable[..., tuple[DossierDeskModel, ReturnPage]]]:
    runners: list[CommandRunner] = []

    def make(branches: dict[str, str] | None = None) -> tuple[DossierDeskModel, ReturnPage]:
        runner = CommandRunner(sender)
        runners.append(runner)
        desk = DossierDeskModel(
            runner,
            form_context(site_config),
            None,
            lambda: "Trần Văn Đức",
            site_id=site_config.site.id,
            return_branches=DEMO_RETURN_BRANCHES if branches is None else branches,
        )
        page = ReturnPage(desk)
        qtbot.addWidget(page)
        page.resize(1300, 700)
        page.show()
        page.activateWindow()
        qtbot.waitActive(page)  # shortcuts (Ctrl+Enter) reach the active window only
        return desk, page

    yield make
    for runner in runners:
        runner.close()


def _settle(qtbot: QtBot, desk: DossierDeskModel) -> None:
    qtbot.waitUntil(lambda: not desk.busy)


def _transferred(dossier: DossierFull, site: str, arrived: bool = False) -> DossierFull:
    return dossier.model_copy(
        update={
            "result_site_id": site,
            "result_site_name": DEMO_RETURN_BRANCHES[site],
            "result_arrived": arrived,
            "return_service": None,
        }
    )


def test_an_own_ready_result_goes_to_the_branch_chosen(
    qtbot: QtBot, site_config: SiteConfig, sender: FakeSender, make_desk: Any
) -> None:
    desk, page = make_desk()
    ready = demo_ready_dossier(site_config)
    desk.dossier = ready
    desk.changed.emit()
    assert page.transfer.isVisible() and page.chooser.isHidden()
    qtbot.mouseClick(page.transfer, Qt.MouseButton.LeftButton)
    assert page.chooser.isVisible()
    names = [page.chooser.branch.itemText(i) for i in range(page.chooser.branch.count())]
    assert names == ["Chi nhánh Cam Ranh", "Chi nhánh Ninh Hòa"]
    page.chooser.branch.setCurrentIndex(1)
    page.chooser.note.setText("Công dân ở Ninh Hòa")
    sender.answers[d.TransferResult] = full_reply(_transferred(ready, NINH_HOA))
    qtbot.mouseClick(page.chooser.ok, Qt.MouseButton.LeftButton)
    _settle(qtbot, desk)

    command = sender.sent[-1]
    assert isinstance(command, d.TransferResult)
    assert (command.code, command.to_site, command.note) == (
        ready.code,
        NINH_HOA,
        "Công dân ở Ninh Hòa",
    )
    assert desk.message == f"Đã chuyển kết quả hồ sơ {ready.code} đến Chi nhánh Ninh Hòa."
    assert not desk.message_is_error
    assert page.chooser.isHidden() and not page.transfer.isVisible()
    assert "Kết quả đã chuyển đến Chi nhánh Ninh Hòa, đang chờ" in page.details.text()
    assert not page.hand_over.isVisible()  # that branch hands it over, not this one


def test_one_enter_in_the_note_sends_one_transfer(
    qtbot: QtBot, site_config: SiteConfig, sender: FakeSender, make_desk: Any
) -> None:
    desk, page = make_desk()
    desk.dossier = demo_ready_dossier(site_config)
    desk.changed.emit()
    qtbot.mouseClick(page.transfer, Qt.MouseButton.LeftButton)
    sent: list[tuple[str, str]] = []
    page.chooser.submitted.connect(lambda site, note: sent.append((site, note)))
    page.chooser.note.setText("Công dân ở Ninh Hòa")
    qtbot.keyClick(page.chooser.note, Qt.Key.Key_Return)
    assert sent == [("hcc-cam-ranh", "Công dân ở Ninh Hòa")]


def test_a_refused_transfer_keeps_the_chooser_open_and_says_why(
    qtbot: QtBot, site_config: SiteConfig, sender: FakeSender, make_desk: Any
) -> None:
    desk, page = make_desk()
    desk.dossier = demo_ready_dossier(site_config)
    desk.changed.emit()
    page.open_chooser()
    sender.answers[d.TransferResult] = lambda c: Reply.failure(
        c.request_id, ErrorCode.INVALID_STATE, "Hồ sơ đã được trả."
    )
    qtbot.keyClick(page.chooser.note, Qt.Key.Key_Return)
    _settle(qtbot, desk)
    assert sender.kinds() == ["transfer_result"]
    assert desk.message == "Hồ sơ đã được trả." and desk.message_is_error
    assert page.chooser.isVisible() and desk.dossier is not None
    assert desk.dossier.result_site_id is None


@pytest.mark.parametrize("case", ["no branches", "not ready", "already sent", "another branch"])
def test_no_transfer_is_offered_or_sent_when_it_may_not_be(
    qtbot: QtBot, site_config: SiteConfig, sender: FakeSender, make_desk: Any, case: str
) -> None:
    desk, page = make_desk({} if case == "no branches" else None)
    dossier = demo_ready_dossier(site_config)
    if case == "not ready":
        dossier = demo_dossier(site_config)
    elif case == "already sent":
        dossier = _transferred(dossier, "hcc-cam-ranh")
    elif case == "another branch":  # a shared database: another branch's dossier
        dossier = dossier.model_copy(update={"site_id": "hcc-cam-ranh"})
    desk.dossier = dossier
    desk.changed.emit()
    assert not desk.can_transfer and not page.transfer.isVisible()
    assert desk.transfer_result("hcc-cam-ranh") is False
    assert desk.message_is_error and sender.sent == []


def test_a_branch_not_in_the_list_is_refused_before_sending(
    site_config: SiteConfig, sender: FakeSender, make_desk: Any
) -> None:
    desk, _ = make_desk()
    desk.dossier = demo_ready_dossier(site_config)
    assert desk.transfer_result("hcc-van-ninh") is False
    assert desk.message == "Chọn chi nhánh nhận kết quả." and sender.sent == []


@pytest.mark.parametrize("arrived", [False, True])
def test_a_sent_result_says_where_it_is_and_is_not_handed_over_here(
    site_config: SiteConfig, sender: FakeSender, make_desk: Any, arrived: bool
) -> None:
    desk, page = make_desk()
    desk.dossier = _transferred(demo_ready_dossier(site_config), "hcc-cam-ranh", arrived)
    desk.changed.emit()
    line = (
        "Kết quả đã chuyển đến Chi nhánh Cam Ranh; chi nhánh đó đã nhận."
        if arrived
        else "Kết quả đã chuyển đến Chi nhánh Cam Ranh, đang chờ chi nhánh đó nhận."
    )
    assert line in page.details.text().splitlines()
    assert not page.hand_over.isVisible() and not page.transfer.isVisible()
    assert desk.mark_returned() is False
    assert "Chi nhánh Cam Ranh" in desk.message and sender.sent == []


def test_another_branchs_result_arrives_and_is_handed_over_read_only(
    qtbot: QtBot, site_config: SiteConfig, sender: FakeSender, make_desk: Any
) -> None:
    desk, page = make_desk()
    coming = demo_transferred_here(site_config, arrived=False)
    held = demo_transferred_here(site_config, arrived=True)
    returned = held.model_copy(
        update={
            "status": DossierStatus.RETURNED,
            "status_label": STATUS_LABELS[DossierStatus.RETURNED],
            "ready": False,
            "return_service": None,
        }
    )
    sender.answers[d.LookUpDossier] = public_reply(coming)
    sender.answers[d.AcceptResult] = public_reply(held)
    sender.answers[d.ReturnHeldResult] = public_reply(returned)

    qtbot.keyClicks(page.scan, coming.code)
    qtbot.keyClick(page.scan, Qt.Key.Key_Return)
    _settle(qtbot, desk)
    assert sender.kinds() == ["look_up_dossier"]  # never dossier_detail: not in this database
    assert desk.dossier is None and desk.foreign == coming
    details = page.details.text()
    assert "Người nộp: Hoàng M** Đ**" in details and "Hoàng Minh Đức" not in details
    assert "Nơi tiếp nhận: Chi nhánh Cam Ranh" in details
    assert "Trạng thái: Đã có kết quả · hẹn trả" in details
    assert page.steps.count() == len(coming.steps) and page.steps.isVisible()
    assert "Chuyển kết quả đến chi nhánh trả kết quả" in page.steps.item(3).text()
    assert page.accept.isVisible() and not page.return_held.isVisible()
    assert not page.hand_over.isVisible() and not page.apologise.isVisible()

    qtbot.mouseClick(page.accept, Qt.MouseButton.LeftButton)
    _settle(qtbot, desk)
    assert sender.kinds()[-1] == "accept_result" and sender.sent[-1].code == coming.code  # type: ignore[attr-defined]
    assert desk.foreign == held
    assert desk.message == f"Đã nhận kết quả hồ sơ {held.code}: sẵn sàng trả cho công dân."
    assert not page.accept.isVisible() and page.return_held.isVisible()
    assert "đang giữ tại chi nhánh này" in page.details.text()

    qtbot.keyClick(page, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(sender.sent) == 3)  # a shortcut clicks its button a bit later
    _settle(qtbot, desk)
    assert sender.kinds() == ["look_up_dossier", "accept_result", "return_held_result"]
    assert desk.foreign == returned
    assert desk.message == f"Đã trả kết quả hồ sơ {held.code}."
    assert not page.accept.isVisible() and not page.return_held.isVisible()
    assert "Trạng thái: Đã trả kết quả" in page.details.text()


@pytest.mark.parametrize(
    ("result_site", "place"),
    [(None, "Chi nhánh Cam Ranh"), (NINH_HOA, "Chi nhánh Ninh Hòa")],
)
def test_another_branchs_dossier_only_says_where_its_result_is_returned(
    qtbot: QtBot,
    site_config: SiteConfig,
    sender: FakeSender,
    make_desk: Any,
    result_site: str | None,
    place: str,
) -> None:
    desk, page = make_desk()
    found = demo_transferred_here(site_config, arrived=False).model_copy(
        update={
            "result_site_id": result_site,
            "result_site_name": DEMO_RETURN_BRANCHES.get(result_site or "", ""),
        }
    )
    sender.answers[d.LookUpDossier] = public_reply(found)
    assert desk.look_up(found.code)
    _settle(qtbot, desk)
    assert f"Kết quả trả tại {place}." in page.details.text().splitlines()
    assert not page.accept.isVisible() and not page.return_held.isVisible()
    assert not page.hand_over.isVisible() and not page.transfer.isVisible()
    assert desk.accept_result() is False and desk.return_held_result() is False
    assert sender.kinds() == ["look_up_dossier"]


def test_an_own_dossier_found_is_still_opened_in_full(
    qtbot: QtBot, site_config: SiteConfig, sender: FakeSender, make_desk: Any
) -> None:
    desk, page = make_desk()
    ready = demo_ready_dossier(site_config)
    desk.foreign = demo_transferred_here(site_config, arrived=True)  # the one looked up before
    sender.answers[d.LookUpDossier] = public_reply(ready)
    sender.answers[d.DossierDetail] = full_reply(ready)
    assert desk.look_up(ready.code)
    qtbot.waitUntil(lambda: desk.dossier is not None and not desk.busy)
    assert sender.kinds() == ["look_up_dossier", "dossier_detail"]
    assert desk.foreign is None and desk.dossier == ready
    assert "Người nộp: Hoàng Minh Đức" in page.details.text()
    assert page.hand_over.isVisible() and page.transfer.isVisible()
    assert not page.steps.isVisible() and not page.accept.isVisible()


@pytest.mark.parametrize(
    ("screen", "shown"),
    [("transfer-result", "chooser"), ("result-coming", "accept"), ("result-held", "return_held")],
)
def test_the_screenshot_screens_show_what_they_are_named_for(
    qapp: object, site_config: SiteConfig, screen: str, shown: str
) -> None:
    with demo_window(site_config, "q01", screen) as window:
        assert isinstance(window, ConsoleWindow)
        page = window.extra_pages[Action.RETURN_DOSSIER]
        assert window.pages.currentWidget() is page
        offered = {
            name
            for name in ("chooser", "accept", "return_held", "hand_over", "transfer")
            if getattr(page, name).isVisible()
        }
        assert shown in offered
        if screen == "transfer-result":
            assert offered == {"chooser", "hand_over", "transfer"}
            assert page.chooser.branch.currentText() == "Chi nhánh Cam Ranh"  # type: ignore[attr-defined]
        else:
            assert offered == {shown}
            assert "Nơi tiếp nhận: Chi nhánh Cam Ranh" in page.details.text()  # type: ignore[attr-defined]
