"""What the kiosk writes: the clock, names in the citizen's language, lists and places."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk import catalogue
from kiosk.demo_data import demo_procedures, demo_queues
from kiosk.lookup_pages import document_line
from kiosk.texts import clock_text, place_text
from kiosk.viewmodel import KioskViewModel, Screen
from kiosk.window import KioskWindow
from shared.config.site import DepartmentConfig, SiteConfig
from shared.messaging.dossier_commands import DocumentData
from tests.helpers.text_ink import shown_texts


def _window(qtbot: QtBot, model: KioskViewModel) -> KioskWindow:
    window = KioskWindow(model)
    qtbot.addWidget(window)
    window.resize(1080, 1920)
    window.show()
    model.health.set_connected(True)
    model.handle_message(
        model.topics.queues(), demo_queues(model.config).model_dump_json().encode()
    )
    QApplication.processEvents()
    return window


def test_the_clock_says_the_weekday_date_and_time_as_people_write_them() -> None:
    tuesday = datetime(2026, 12, 1, 9, 30)
    assert clock_text("vi", tuesday) == "Thứ Ba, 01/12/2026 09:30"
    assert clock_text("vi", datetime(2026, 12, 6, 14, 5)) == "Chủ Nhật, 06/12/2026 14:05"
    assert clock_text("en", tuesday) == "Tuesday, 01/12/2026 09:30"


def test_the_header_shows_the_centre_its_clock_in_local_time_and_an_emblem(
    qtbot: QtBot, site_config: SiteConfig
) -> None:
    # 02:30 UTC is 09:30 in Hà Nội.
    at = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
    model = KioskViewModel(site_config, wall_clock=lambda: at)
    window = _window(qtbot, model)
    assert window.clock.text() == "Thứ Ba, 01/12/2026 09:30"
    assert window.centre.text() == site_config.site.name
    assert window.emblem.isVisible() and window.emblem.width() > 0
    model.toggle_language()
    assert window.clock.text() == "Tuesday, 01/12/2026 09:30"
    model.stop()


def test_papers_to_bring_are_listed_without_doubled_brackets() -> None:
    shown = document_line(
        "vi", DocumentData(name="Căn cước công dân", form="Bản chính (xuất trình)")
    )
    assert shown == "Căn cước công dân — Bản chính (xuất trình)"
    copies = document_line("vi", DocumentData(name="Giấy khai sinh", form="Bản sao", quantity=2))
    assert copies == "Giấy khai sinh — Bản sao, 2 bản"


def test_a_place_after_tai_does_not_say_tai_twice() -> None:
    assert place_text("Tại quầy Bảo hiểm xã hội (Quầy 16, tầng 2)") == (
        "Quầy Bảo hiểm xã hội (Quầy 16, tầng 2)"
    )
    assert place_text("Quầy trả kết quả số 7") == "Quầy trả kết quả số 7"


def test_the_procedure_screen_writes_its_papers_and_place_cleanly(
    qtbot: QtBot, site_config: SiteConfig
) -> None:
    """No '(Bản chính (xuất trình))', no 'tại: Tại quầy' on the screen itself."""
    model = KioskViewModel(site_config)
    window = _window(qtbot, model)
    procedure = demo_procedures()[0]
    papers = [
        DocumentData(name="Căn cước công dân", form="Bản chính (xuất trình)"),
        *procedure.documents,
    ]
    procedure = procedure.model_copy(
        update={"documents": papers, "return_place": "Tại quầy Bảo hiểm xã hội (Quầy 16)"}
    )
    model.procedures, model.procedures_state = [procedure], "loaded"
    model.open_procedure(procedure.code)
    QApplication.processEvents()
    shown = "\n".join(shown_texts(window))
    assert "Căn cước công dân — Bản chính (xuất trình)" in shown
    assert "((" not in shown and "))" not in shown
    assert "Quầy Bảo hiểm xã hội (Quầy 16)" in shown and "Tại quầy" not in shown
    model.stop()


class _NamedInEnglish(DepartmentConfig):
    """A department as a site file with English names (`name_en`) would give it."""

    name_en: str = ""


def test_names_follow_the_language_where_the_site_gives_them() -> None:
    justice = _NamedInEnglish(id="tu-phap", name="Sở Tư pháp", name_en="Department of Justice")
    assert catalogue.name_in(justice, "en") == "Department of Justice"
    assert catalogue.name_in(justice, "vi") == "Sở Tư pháp"
    unnamed = DepartmentConfig(id="y-te", name="Sở Y tế")
    assert catalogue.name_in(unnamed, "en") == "Sở Y tế"


def test_english_mode_keeps_vietnamese_names_the_site_does_not_translate(
    qtbot: QtBot, site_config: SiteConfig
) -> None:
    model = KioskViewModel(site_config)
    window = _window(qtbot, model)
    model.toggle_language()
    QApplication.processEvents()
    shown = shown_texts(window)
    assert "TAKE A NUMBER" in shown
    first = site_config.departments[0]
    assert catalogue.name_in(first, "en") in shown
    assert model.screen is Screen.START
    model.stop()
