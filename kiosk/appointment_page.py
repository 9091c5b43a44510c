"""The check-in screen: scan the booking's QR or the ID card it was made with, or type its code."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout

from kiosk.ticket_pages import Page, side_by_side
from kiosk.viewmodel import KioskViewModel
from kiosk.widgets import Keyboard, WrapButton, label


class AppointmentPage(Page):
    """Ask for the booking: hold its QR or the ID card to the reader, or type its code."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model)
        column = QVBoxLayout(self)
        column.setSpacing(14)
        self.title = label("", "title", centre=True)
        self.hint = label("", "prompt", centre=True)
        self.code = label("", "query")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.message = label("", "panel", centre=True)
        self.keyboard = Keyboard("", "", upper=True)
        self.keyboard.text_changed.connect(model.set_booking_text)
        self.submit = WrapButton("", role="go", on_click=model.submit_booking)
        # Portrait: everything in one column; landscape: the keyboard beside the rest.
        self.split = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.split.setSpacing(24)
        ask = QVBoxLayout()
        ask.setSpacing(14)
        ask.addWidget(self.title)
        ask.addWidget(self.hint)
        ask.addStretch(1)
        ask.addWidget(self.message)
        ask.addWidget(self.code)
        typing = QVBoxLayout()
        typing.setSpacing(14)
        typing.addWidget(self.keyboard)
        typing.addWidget(self.submit)
        typing.addStretch(1)
        self.split.addLayout(ask, 1)
        self.split.addLayout(typing, 0)
        column.addLayout(self.split, 1)

    def refresh(self) -> None:
        """Show what was typed and what the last check-in said."""
        m = self.model
        self.split.setDirection(side_by_side(self.landscape))
        self.split.setStretch(1, 1 if self.landscape else 0)
        self.title.setText(m.t("appointment_title"))
        self.hint.setText(m.t("appointment_hint"))
        self.keyboard.set_labels(m.t("space"), m.t("clear"))
        self.keyboard.set_text(m.booking_text)
        self.code.setText(m.booking_text + "▏")
        self.message.setText(m.booking_message)
        self.message.setVisible(bool(m.booking_message))
        self.submit.set_title(m.t("check_in"))
        self.submit.setEnabled(bool(m.booking_text.strip()) and not m.busy)
