"""The console window: a header, the page in use (sign-in, serving, dossier…), messages."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QFrame, QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from counter_console.actions import Action
from counter_console.login_view import LoginPage
from counter_console.serving_view import ServingPage
from counter_console.style import STYLE_SHEET, label, set_flag
from counter_console.viewmodel import CounterViewModel
from hw.keypad import KeyMap
from shared.qt.fonts import ensure_ui_font

PROMPTED = (Action.CALL_NUMBER, Action.TRANSFER, Action.HOLD)


def key_name(event: QKeyEvent) -> str:
    """Name a key press as the key table does ('F1', 'Ctrl+L', 'Num++')."""
    if event.key() in (Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
        return ""
    sequence = QKeySequence(event.keyCombination())
    return sequence.toString(QKeySequence.SequenceFormat.PortableText)


class ConsoleWindow(QWidget):
    """Thin window over CounterViewModel; every key, keypad key and button goes to `trigger`."""

    def __init__(
        self,
        model: CounterViewModel,
        keymap: KeyMap,
        services: list[tuple[str, str]],
        counters: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        ensure_ui_font()
        self.model = model
        self.keymap = keymap
        self.setObjectName("console")
        self.setWindowTitle(f"Motcua — quầy {model.counter.label}")
        self.setStyleSheet(STYLE_SHEET)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        header = QFrame()
        header.setObjectName("header")
        hbox = QHBoxLayout(header)
        hbox.setContentsMargins(16, 8, 16, 8)
        self.title = label(f"QUẦY {model.counter.label}", 22, bold=True)
        self.subtitle = label(model.counter.name, 15)
        self.officer = label("", 15, bold=True)
        self.officer.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        hbox.addWidget(self.title)
        hbox.addWidget(self.subtitle, 1)
        hbox.addWidget(self.officer)
        root.addWidget(header)
        self.alert = label(size=None, name="alert")
        self.alert.setWordWrap(True)
        root.addWidget(self.alert)
        self.pages = QStackedWidget()
        root.addWidget(self.pages, 1)
        self.message = label(size=None, name="message")
        self.message.setWordWrap(True)
        root.addWidget(self.message)

        self.login_page = LoginPage(model)
        self.serving_page = ServingPage(model, keymap, self.trigger, services, counters)
        self.pages.addWidget(self.login_page)
        self.pages.addWidget(self.serving_page)
        self.extra_pages: dict[Action, QWidget] = {}
        prompt = self.serving_page.prompt
        prompt.submitted.connect(self._prompt_submitted)
        model.changed.connect(self.refresh)
        model.officer_changed.connect(lambda _: self.show_page(Action.SERVING))
        model.locked_changed.connect(lambda _: self.show_page(Action.SERVING))
        self.refresh()
        self.show_page(Action.SERVING)

    def add_page(self, action: Action, page: QWidget) -> None:
        """Add a page opened by an action (dossier desk, return desk, supervisor)."""
        self.extra_pages[action] = page
        self.pages.addWidget(page)

    def show_page(self, action: Action) -> None:
        """Show the page of an action, or the sign-in page while nobody is signed in."""
        if self.model.officer is None or self.model.locked:
            self.pages.setCurrentWidget(self.login_page)
            self.login_page.refresh()
            self.login_page.focus()
            return
        page = self.extra_pages.get(action, self.serving_page)
        self.pages.setCurrentWidget(page)
        focus = getattr(page, "focus", None)
        if callable(focus):
            focus()
        else:
            self.setFocus()

    def trigger(self, action: Action) -> None:
        """Perform an action from a key, the keypad or a button; a refusal says why."""
        m = self.model
        m.note_activity()
        prompt = self.serving_page.prompt
        if action is Action.SERVING:
            if prompt.isVisible():
                prompt.close_prompt()
            self.show_page(Action.SERVING)
            return
        if action is Action.LOCK:
            m.lock()
            return
        reason = m.why_not(action)
        if reason is not None:
            m.say(reason, error=True)
            return
        if action in self.extra_pages:
            self.show_page(action)
            return
        self.show_page(Action.SERVING)
        simple = {
            Action.CALL_NEXT: m.call_next,
            Action.RECALL: m.recall,
            Action.START_SERVING: m.start_serving,
            Action.NO_SHOW: m.no_show,
            Action.FINISH: m.finish,
            Action.RESUME: m.resume,
        }
        if action in simple:
            simple[action]()
        elif action in PROMPTED or (action is Action.PAUSE and not m.paused):
            prompt.open(action)
        elif action is Action.PAUSE:
            m.toggle_pause()

    def _prompt_submitted(self, action: Action) -> None:
        prompt = self.serving_page.prompt
        text = prompt.text.text()
        m = self.model
        if action is Action.CALL_NUMBER:
            sent = m.call_number(text)
        elif action is Action.TRANSFER:
            sent = m.transfer(
                prompt.service.currentData() or None,
                prompt.counter.currentData() or None,
                text,
                prompt.front.isChecked(),
            )
        elif action is Action.HOLD:
            sent = m.hold(text)
        else:
            sent = m.toggle_pause(text)
        if sent:
            prompt.close_prompt()
            self.setFocus()

    def refresh(self) -> None:
        """Show the officer, the connection alert and the last message."""
        m = self.model
        officer = m.officer
        self.officer.setText(f"{officer.name} · {officer.id}" if officer else "Chưa đăng nhập")
        alert = m.connection_text()
        self.alert.setText(alert)
        self.alert.setVisible(bool(alert))
        self.message.setText(m.message or " ")
        set_flag(self.message, "error", m.message_is_error)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Look the key up in the key table (a USB keypad is a keyboard: same table)."""
        name = key_name(event)
        action = self.keymap.action_for(name) if name else None
        if action is None:
            super().keyPressEvent(event)
            return
        event.accept()
        if not event.isAutoRepeat():  # a held key must not call three citizens
            self.trigger(Action(action))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Count any key press or click in the application as activity (idle lock)."""
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            self.model.note_activity()
        return False
