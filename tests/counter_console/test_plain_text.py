"""Data shown on the console is text, never markup (issue 21, item 5).

An officer's name, a pause reason, a procedure or a citizen's name comes from people or files
outside the console. Shown as rich text, `<p style="font-size:40pt">HỦY</p>` would restyle the
officer's screen and `<img src=…>` would make Qt load a file; shown as plain text it is just
the characters typed.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy.orm import Session, sessionmaker

from counter_console import app
from counter_console.actions import Action
from counter_console.screenshot import demo_procedure, demo_window
from counter_console.window import ConsoleWindow
from shared.config.site import SiteConfig
from shared.messaging.dossier_commands import CitizenData
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.counter_console.conftest import DEMO_PIN, ConsoleFactory
from tests.helpers.clock import FakeClock

ATTACK = '<p style="color:#ff0000;font-size:40pt">HỦY</p><img src="file:///etc/hostname">'
# Labels allowed to render rich text: only the app's own fixed strings may ever be listed here.
RICH_TEXT_ALLOWED: frozenset[str] = frozenset()


def _red_pixels(widget: QWidget) -> int:
    """Count pure red pixels: the colour the attack asks for and no console text uses."""
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if (c := image.pixelColor(x, y)).red() > 240 and c.green() < 40 and c.blue() < 40
    )


def _showing_attack(root: QWidget) -> list[QLabel]:
    return [w for w in root.findChildren(QLabel) if "HỦY</p>" in w.text() and w.isVisible()]


def _assert_literal(labels: list[QLabel]) -> None:
    for widget in labels:
        assert widget.textFormat() == Qt.TextFormat.PlainText, widget.text()
        assert ATTACK in widget.text()
        assert _red_pixels(widget) == 0, f"{widget.text()!r} was rendered as markup"


def test_an_officer_name_and_a_pause_reason_with_markup_show_as_typed(
    qtbot: QtBot,
    console_factory: ConsoleFactory,
    sessions: sessionmaker[Session],
    clock: FakeClock,
) -> None:
    """Through the real server: the name from the officer list, the reason from the counter."""
    with sessions.begin() as session:
        OfficerRepository(session, "hcc-demo").upsert(
            "cb05", ATTACK, ("q05",), hash_password(DEMO_PIN), clock()
        )
    console = console_factory("q05", open_as=None)
    window = console.window
    page = window.login_page
    qtbot.keyClicks(page.officer_id, "cb05")
    qtbot.keyClicks(page.password, DEMO_PIN)
    qtbot.keyClick(page.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: console.model.officer is not None, timeout=10_000)
    qtbot.waitUntil(
        lambda: console.model.state is not None and console.model.state.status == "open"
    )
    assert window.officer.text().startswith(ATTACK)
    _assert_literal([window.officer])

    window.trigger(Action.PAUSE)
    prompt = window.serving_page.prompt
    prompt.text.setText(ATTACK)
    qtbot.keyClick(prompt.text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: console.model.paused and not console.model.busy, timeout=10_000)
    assert console.model.state is not None and console.model.state.pause_reason == ATTACK
    assert window.serving_page.state.text() == f"Lý do: {ATTACK}"
    _assert_literal(_showing_attack(window))
    tip = window.serving_page.buttons[Action.CALL_NEXT].toolTip()
    assert html.escape(ATTACK, quote=False) in tip and "<img" not in tip  # tooltips render HTML

    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # lock: name shown
    assert window.pages.currentWidget() is page
    assert ATTACK in page.hint.text()
    _assert_literal(_showing_attack(window))


def test_catalogue_citizen_and_server_texts_with_markup_show_as_typed(
    qapp: QApplication, site_config: SiteConfig
) -> None:
    """A procedure from the catalogue, a citizen's name and a server message, each on screen."""
    with demo_window(site_config, "q07", "dossier") as window:
        assert isinstance(window, ConsoleWindow)
        receive = window.extra_pages[Action.DOSSIER]
        desk = receive.desk  # type: ignore[attr-defined]
        procedure = demo_procedure().model_copy(
            update={"code": "9.999999", "name": ATTACK, "fee": ATTACK, "return_place": ATTACK}
        )
        desk.procedures = [procedure]
        assert desk.dossier is not None
        citizen = CitizenData(name=ATTACK, address=ATTACK)
        desk.dossier = desk.dossier.model_copy(update={"citizen": citizen})
        desk.changed.emit()
        receive.procedures.setCurrentRow(0)  # type: ignore[attr-defined]
        window.model.say(ATTACK, error=True)  # a server's refusal is shown as it came
        qapp.processEvents()
        shown_on_receive = _showing_attack(window)
        assert {id(receive.procedure_info), id(receive.dossier), id(window.message)} <= {  # type: ignore[attr-defined]
            id(w) for w in shown_on_receive
        }
        _assert_literal(shown_on_receive)

        desk.say(ATTACK, error=True)
        returning = window.extra_pages[Action.RETURN_DOSSIER]
        window.pages.setCurrentWidget(returning)
        qapp.processEvents()
        assert id(returning.details) in {id(w) for w in _showing_attack(window)}  # type: ignore[attr-defined]
        _assert_literal(_showing_attack(window))

        state = window.model.state
        assert state is not None and state.current is not None
        current = state.current.model_copy(update={"service_name": ATTACK})
        window.model.apply_state(state.model_copy(update={"current": current, "held": [ATTACK]}))
        window.pages.setCurrentWidget(window.serving_page)
        qapp.processEvents()
        assert len(_showing_attack(window.serving_page)) == 2  # the service and the held numbers
        _assert_literal(_showing_attack(window))


def test_every_label_on_every_screen_is_plain_text(
    qapp: QApplication, site_config: SiteConfig
) -> None:
    """Rich text only where allow-listed: a new label showing data cannot slip in as markup."""
    rich = set()
    for screen in app.SCREENS:
        with demo_window(site_config, "q07", screen) as window:
            for widget in window.findChildren(QLabel):
                if widget.textFormat() != Qt.TextFormat.PlainText:
                    name = widget.objectName() or widget.text()[:40]
                    if name not in RICH_TEXT_ALLOWED:
                        rich.add(f"{screen}: {type(widget.parentWidget()).__name__} › {name!r}")
    assert not rich, "labels not plain text:\n" + "\n".join(sorted(rich))
