"""The progress screen of a result transferred between branches: where to collect it, and when.

The kiosk of the branch that sent it sends the citizen on; the kiosk of the branch it was sent
to says plainly it is on its way until it arrives, then that it is collected here.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from counter_console.demo_data import DEMO_RETURN_BRANCHES, demo_transferred_here
from kiosk.demo_data import demo_dossier, demo_queues
from kiosk.screenshot import demo_window, settle
from kiosk.viewmodel import KioskViewModel, Screen
from kiosk.window import KioskWindow
from shared.config.site import SiteConfig
from shared.dossier_words import result_coming, result_here
from shared.messaging.dossier_views import DossierPublic
from tests.helpers.text_ink import shown_texts
from tests.kiosk.test_layout import layout_problems

TAKE = "LẤY SỐ NHẬN KẾT QUẢ"


def _sent_from_here(config: SiteConfig, to: str = "hcc-cam-ranh") -> DossierPublic:
    """This site's ready dossier whose result went to another branch."""
    return demo_dossier(config, ready=True).model_copy(
        update={
            "result_site_id": to,
            "result_site_name": DEMO_RETURN_BRANCHES[to],
            "return_service": None,
        }
    )


@pytest.fixture
def kiosk(qtbot: QtBot, site_config: SiteConfig) -> Iterator[KioskWindow]:
    model = KioskViewModel(site_config)
    window = KioskWindow(model)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    model.health.set_connected(True)
    model.handle_message(model.topics.queues(), demo_queues(site_config).model_dump_json().encode())
    yield window
    model.stop()


def _shown(window: KioskWindow, dossier: DossierPublic) -> str:
    model = window.model
    model.dossier = dossier
    model.screen = Screen.PROGRESS
    model.changed.emit()
    QApplication.processEvents()
    return " ".join(shown_texts(window))


def test_where_the_result_is_decides_here_and_coming(site_config: SiteConfig) -> None:
    here = site_config.site.id
    own = demo_dossier(site_config, ready=True)
    sent = _sent_from_here(site_config)
    coming = demo_transferred_here(site_config, arrived=False)
    held = demo_transferred_here(site_config, arrived=True)
    assert result_here(own, here) and not result_coming(own, here)
    assert not result_here(sent, here) and not result_coming(sent, here)
    assert result_here(coming, here) and result_coming(coming, here)
    assert result_here(held, here) and not result_coming(held, here)
    assert not result_here(held, "hcc-cam-ranh")  # the sender no longer holds it


def test_the_branch_that_sent_the_result_sends_the_citizen_there(
    kiosk: KioskWindow, site_config: SiteConfig
) -> None:
    shown = _shown(kiosk, _sent_from_here(site_config))
    assert "Kết quả của hồ sơ này đã được chuyển đến Chi nhánh Cam Ranh" in shown
    assert "Nhận kết quả tại" not in shown and TAKE not in shown


def test_a_third_branch_names_the_branch_the_result_went_to(
    kiosk: KioskWindow, site_config: SiteConfig
) -> None:
    sent = demo_transferred_here(site_config, arrived=True).model_copy(
        update={"result_site_id": "hcc-ninh-hoa", "result_site_name": "Chi nhánh Ninh Hòa"}
    )
    shown = _shown(kiosk, sent)
    assert "đã được chuyển đến Chi nhánh Ninh Hòa" in shown
    assert "Chi nhánh Cam Ranh" not in shown and TAKE not in shown


def test_a_result_on_its_way_here_is_not_ready_to_collect_yet(
    kiosk: KioskWindow, site_config: SiteConfig
) -> None:
    coming = demo_transferred_here(site_config, arrived=False)
    shown = _shown(kiosk, coming)
    assert "Kết quả đang được chuyển đến đây" in shown
    assert "đang được chuyển từ Chi nhánh Cam Ranh đến đây nên chưa nhận được" in shown
    assert "mời bạn nhận" not in shown and TAKE not in shown
    kiosk.model.toggle_language()
    shown = _shown(kiosk, coming)
    assert "Your result is on its way here" in shown
    assert "being sent here from Chi nhánh Cam Ranh and cannot be collected yet" in shown


def test_a_result_arrived_here_is_collected_here(
    kiosk: KioskWindow, site_config: SiteConfig
) -> None:
    held = demo_transferred_here(site_config, arrived=True)
    shown = _shown(kiosk, held)
    assert f"Nhận kết quả tại: {site_config.site.name}" in shown
    assert "nộp tại điểm" not in shown and "chưa nhận được" not in shown
    assert "Đã có kết quả — mời bạn nhận" in shown
    # The ticket to collect it is offered with the return service the server named.
    assert held.return_service is not None
    assert kiosk.model.return_service == held.return_service and TAKE in shown
    withheld = held.model_copy(update={"return_service": None})
    assert TAKE not in _shown(kiosk, withheld) and kiosk.model.return_service is None


@pytest.mark.parametrize("orientation", ["portrait", "landscape"])
@pytest.mark.parametrize("arrived", [False, True])
def test_a_transferred_result_fits_at_the_largest_text(
    qapp: QApplication, site_config: SiteConfig, orientation: str, arrived: bool
) -> None:
    with demo_window(site_config, "progress-ready", orientation, "largest") as window:
        window.model.dossier = demo_transferred_here(site_config, arrived=arrived)
        window.model.changed.emit()
        settle(qapp)
        window.refresh()
        settle(qapp)
        assert "chuyển" in " ".join(shown_texts(window)) or arrived  # the page is the one meant
        problems = layout_problems(window)
    assert not problems, "\n".join(problems)
