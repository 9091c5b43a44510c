from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from hw.scanner.burst import BurstDetector, Verdict
from hw.scanner.events import ConnectionState, ScanEvent, Symbology
from hw.scanner.wedge import ScanSignals, WedgeScanner, prepare_scan_target
from shared.domain.codes import CodeKind

SLIP = "MCD1:000.00.17.H12-250701-0001:K7M2Q9XD"
SCANNER_GAP = 0.004  # a wedge scanner types a key every few milliseconds
HUMAN_GAP = 0.120  # a quick typist, far slower


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def wedge(
    qtbot: QtBot, clock: FakeClock
) -> Iterator[tuple[WedgeScanner, QLineEdit, list[ScanEvent]]]:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    prepare_scan_target(edit)
    edit.show()
    QTest.qWaitForWindowExposed(edit)
    edit.activateWindow()
    edit.setFocus()
    scanner = WedgeScanner("kiosk-wedge", clock=clock, repeat_window_s=0)
    events: list[ScanEvent] = []
    scanner.add_scan_listener(events.append)
    scanner.start()
    yield scanner, edit, events
    scanner.stop()


def send_key(window: QWindow, key: int, text: str) -> None:
    """Deliver a key press and release to the window, as the platform would."""
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QCoreApplication.sendEvent(
            window, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text)
        )


def type_keys(
    edit: QLineEdit,
    clock: FakeClock,
    text: str,
    gap: float,
    enter: bool = True,
    qtest: bool = False,
) -> None:
    """Type text into edit's window, advancing the fake clock by gap before each key.

    QTest.keyClick is used where asked; elsewhere keys are sent directly because PySide6 6.12's
    QTest key functions drop a reference to None per call (a crash at exit after thousands).
    """
    window = edit.windowHandle()
    for char in text:
        clock.now += gap
        if qtest:
            QTest.keyClick(window, char)  # type: ignore[call-overload]  # str works; stubs lack it
        else:
            send_key(window, ord(char.upper()), char)  # Qt key codes are ASCII for these
    if enter:
        clock.now += gap
        if qtest:
            QTest.keyClick(window, Qt.Key.Key_Return)
        else:
            send_key(window, int(Qt.Key.Key_Return.value), "\r")


def test_scanner_speed_burst_is_swallowed_and_emitted(
    wedge: tuple[WedgeScanner, QLineEdit, list[ScanEvent]], clock: FakeClock
) -> None:
    scanner, edit, events = wedge
    returns: list[bool] = []
    edit.returnPressed.connect(lambda: returns.append(True))
    type_keys(edit, clock, "]Q1" + SLIP, SCANNER_GAP, qtest=True)
    assert [e.text for e in events] == [SLIP]
    assert events[0].symbology is Symbology.QR and events[0].code.kind is CodeKind.DOSSIER
    assert edit.text() == "" and returns == []
    assert scanner.state is ConnectionState.CONNECTED


def test_human_speed_typing_reaches_the_field_untouched(
    wedge: tuple[WedgeScanner, QLineEdit, list[ScanEvent]], clock: FakeClock
) -> None:
    _, edit, events = wedge
    returns: list[bool] = []
    edit.returnPressed.connect(lambda: returns.append(True))
    type_keys(edit, clock, "K7M2Q9XD", HUMAN_GAP, qtest=True)
    assert edit.text() == "K7M2Q9XD" and returns == [True]
    assert events == []


def test_held_keys_come_back_after_an_idle_gap(
    qtbot: QtBot, wedge: tuple[WedgeScanner, QLineEdit, list[ScanEvent]], clock: FakeClock
) -> None:
    _, edit, _ = wedge
    type_keys(edit, clock, "ab", HUMAN_GAP, enter=False)
    assert edit.text() == "a"  # "b" may still start a burst
    clock.now += HUMAN_GAP
    qtbot.waitUntil(lambda: edit.text() == "ab", timeout=2000)  # the idle timer hands it back


def test_short_fast_burst_and_typing_before_a_scan_are_not_lost(
    wedge: tuple[WedgeScanner, QLineEdit, list[ScanEvent]], clock: FakeClock
) -> None:
    _, edit, events = wedge
    type_keys(edit, clock, "abc", SCANNER_GAP)  # too short to be a scan
    assert edit.text() == "abc" and events == []
    edit.clear()
    type_keys(edit, clock, "xy", HUMAN_GAP, enter=False)
    clock.now += HUMAN_GAP
    type_keys(edit, clock, "MCT1:hcc-demo:20261123:A012", SCANNER_GAP)
    assert edit.text() == "xy"
    assert [e.code.number for e in events] == ["A012"]


def test_caps_lock_inverted_scan_is_recovered(
    wedge: tuple[WedgeScanner, QLineEdit, list[ScanEvent]], clock: FakeClock
) -> None:
    _, edit, events = wedge
    type_keys(edit, clock, "MCT1:hcc-demo:20261123:A012".swapcase(), SCANNER_GAP)
    assert events[0].text == "MCT1:hcc-demo:20261123:A012"


def test_thresholds_are_configurable(qtbot: QtBot, clock: FakeClock) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    edit.show()
    QTest.qWaitForWindowExposed(edit)
    edit.setFocus()
    scanner = WedgeScanner("w", min_keys=4, max_gap_ms=80, clock=clock, repeat_window_s=0)
    events: list[ScanEvent] = []
    scanner.add_scan_listener(events.append)
    signals = ScanSignals()
    relayed: list[object] = []
    signals.scanned.connect(relayed.append)
    signals.attach(scanner)
    scanner.start()
    try:
        type_keys(edit, clock, "K7M2", 0.050)
    finally:
        scanner.stop()
    assert [e.text for e in events] == ["K7M2"] and relayed == events


def test_scan_target_has_no_input_method(qtbot: QtBot) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    prepare_scan_target(edit)
    assert not edit.testAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled)
    assert edit.inputMethodHints() & Qt.InputMethodHint.ImhLatinOnly


def test_burst_detector_rules_without_qt() -> None:
    detector: BurstDetector[str] = BurstDetector(min_keys=6, max_gap_s=0.030)
    t = 0.0
    for char in "ABCDEF":
        t += 0.010
        assert detector.key(char, char, t).verdict is Verdict.HOLD
    slow_enter = detector.enter(t + 0.050)
    assert slow_enter.verdict is Verdict.PASS and slow_enter.replay == list("ABCDEF")
    for char in "ABCDEF":
        t += 0.010
        detector.key(char, char, t)
    assert detector.enter(t + 0.010).text == "ABCDEF"
    assert detector.key("a", "a", t + 1).replay == []
    assert detector.key("b", "b", t + 2).replay == ["a"]
    assert detector.other().replay == ["b"]
