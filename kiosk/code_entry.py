"""A screen that asks for a code: hold it to the reader, or type it on the screen keyboard."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout

from kiosk.ticket_pages import Page, side_by_side
from kiosk.viewmodel import KioskViewModel
from kiosk.widgets import Keyboard, WrapButton, label


@dataclass(frozen=True)
class Entry:
    """What a code screen shows now."""

    title: str
    hint: str
    typed: str
    message: str
    submit: str


class CodeEntryPage(Page):
    """Title, hint, the last outcome, what was typed, a notice; the keyboard and its button.

    Portrait: everything in one column; landscape: the keyboard beside the rest.
    """

    def __init__(
        self,
        model: KioskViewModel,
        typed: Callable[[str], None],
        submit: Callable[[], None],
        notice: bool = False,
    ) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(14)
        self.title = label("", "title", centre=True)
        self.hint = label("", "prompt", centre=True)
        self.code = label("", "query")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.message = label("", "panel", centre=True)
        # Where the kiosk may read personal data, it says what for (Luật 91/2025/QH15).
        self.notice = label("", "fine", centre=True)
        self.notice.setVisible(notice)
        self.keyboard = Keyboard("", "", upper=True)
        self.keyboard.text_changed.connect(typed)
        self.submit = WrapButton("", role="go", on_click=submit)
        self.split = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.split.setSpacing(24)
        ask = QVBoxLayout()
        ask.setSpacing(14)
        ask.addWidget(self.title)
        ask.addWidget(self.hint)
        ask.addStretch(1)
        ask.addWidget(self.message)
        ask.addWidget(self.code)
        if notice:
            ask.addWidget(self.notice)
        typing = QVBoxLayout()
        typing.setSpacing(14)
        typing.addWidget(self.keyboard)
        typing.addWidget(self.submit)
        typing.addStretch(1)
        self.split.addLayout(ask, 1)
        self.split.addLayout(typing, 0)
        column.addLayout(self.split, 1)

    def show_entry(self, entry: Entry) -> None:
        """Show a code screen's texts, what was typed and the last outcome."""
        m = self.model
        self.split.setDirection(side_by_side(self.landscape))
        self.split.setStretch(1, 1 if self.landscape else 0)
        self.title.setText(entry.title)
        self.hint.setText(entry.hint)
        self.keyboard.set_labels(m.t("space"), m.t("clear"))
        self.keyboard.set_text(entry.typed)
        self.code.setText(entry.typed + "▏")
        self.message.setText(entry.message)
        self.message.setVisible(bool(entry.message))
        self.submit.set_title(entry.submit)
        self.submit.setEnabled(bool(entry.typed.strip()) and not m.busy)
