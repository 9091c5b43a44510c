"""The check-in screen: scan the booking's QR or the ID card it was made with, or type its code."""

from __future__ import annotations

from kiosk.code_entry import CodeEntryPage, Entry
from kiosk.viewmodel import KioskViewModel


class AppointmentPage(CodeEntryPage):
    """Ask for the booking: hold its QR or the ID card to the reader, or type its code."""

    def __init__(self, model: KioskViewModel) -> None:
        super().__init__(model, model.set_booking_text, model.submit_booking)

    def refresh(self) -> None:
        """Show what was typed and what the last check-in said."""
        m = self.model
        self.show_entry(
            Entry(
                title=m.t("appointment_title"),
                hint=m.t("appointment_hint"),
                typed=m.booking_text,
                message=m.booking_message,
                submit=m.t("check_in"),
            )
        )
