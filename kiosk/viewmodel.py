"""The kiosk's state and commands: take a number, browse procedures, follow a dossier."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from kiosk import catalogue
from kiosk.connection import ServerHealth
from kiosk.tasks import UiTasks
from kiosk.texts import VIETNAMESE, text
from shared.config.site import SiteConfig
from shared.domain.appointments import normalise_booking_code
from shared.domain.citizen_id import CitizenId, CitizenIdError
from shared.domain.codes import CodeKind, ScannedCode, classify, clean_scan
from shared.domain.ticket_links import parse_link
from shared.dossier_words import result_here
from shared.messaging import commands as cmd
from shared.messaging.appointment_commands import CheckIn
from shared.messaging.appointment_views import CheckInResult
from shared.messaging.bus import Bus
from shared.messaging.client import CommandClient, new_request_id
from shared.messaging.dossier_commands import ListProcedures, LookUpDossier
from shared.messaging.dossier_views import DossierPublic, ProcedureView
from shared.messaging.replies import ErrorCode, Reply, TicketInfo
from shared.messaging.results import ProceduresResult, PublicDossierResult, TicketResult
from shared.messaging.states import QueuesState, ServiceWaiting
from shared.messaging.topics import Topics
from shared.qt.bridge import BusBridge

if TYPE_CHECKING:  # the printer stack (escpos, Pillow) loads after the window is up
    from hw.printer.results import PrintResult
    from hw.scanner.events import ScanEvent
    from kiosk.printing import TicketPrinter

log = logging.getLogger(__name__)

FONT_STEP = 4
# A catalogue of at most this many pages of `list_procedures` (100 procedures each) loads.
MAX_PROCEDURE_PAGES = 50
FONT_STEPS_UP = 4
FONT_STEPS_DOWN = 1
NOTICE_MS = 8000
PROCEDURES_MAX_AGE_S = 600.0


class Screen(StrEnum):
    """The screens of the kiosk."""

    START = "start"
    SERVICES = "services"
    PRIORITY = "priority"
    TICKET = "ticket"
    LOOKUP = "lookup"
    PROCEDURE = "procedure"
    SCAN = "scan"
    PROGRESS = "progress"
    SHARE = "share"
    APPOINTMENT = "appointment"
    ERROR = "error"


class PrintState(StrEnum):
    """Where the paper ticket is."""

    NONE = "none"  # no printer: the screen is the ticket
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


class KioskViewModel(QObject):
    """Everything the kiosk shows and every touch it accepts; views only read and call."""

    changed = Signal()
    # A scan arrives on a scanner's thread: emit this, it is handled on the UI thread.
    scan_arrived = Signal(str)
    # The same for a whole scanner event (ScanEvent), so that an ID card is told from a slip.
    event_arrived = Signal(object)

    def __init__(
        self,
        config: SiteConfig,
        kiosk_id: str = "kiosk-1",
        *,
        idle_seconds: float | None = None,
        printer: TicketPrinter | None = None,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self.kiosk_id = kiosk_id
        self.topics = Topics(config.site.id)
        self.printer = printer
        self._clock = clock
        self._wall_clock = wall_clock or (lambda: datetime.now(UTC))
        self._timezone = ZoneInfo(config.site.timezone)
        self._tasks = UiTasks(parent=self)
        self._client: CommandClient | None = None
        self._issued_at: deque[float] = deque()
        self.default_font_pt = config.kiosk.base_font_pt
        self.health = ServerHealth(f"server-{config.site.id}", self._probe_server, parent=self)
        self.health.changed.connect(self._health_changed)
        self.queues: dict[str, ServiceWaiting] = {}
        # What is shown.
        self.default_language = (config.kiosk.languages or [VIETNAMESE])[0]
        self.language = self.default_language
        self.font_pt = self.default_font_pt
        self.screen = Screen.START
        self.busy = False
        self.notice = ""
        self.department: str | None = None
        self.service_query = ""
        self.service: str | None = None
        self.ticket: TicketInfo | None = None
        self.print_state = PrintState.NONE
        self.print_message = ""
        self.procedures: list[ProcedureView] = []
        self.procedures_state = "empty"  # empty / loading / loaded / failed
        self._procedures_at = 0.0
        self.procedure_query = ""
        self.procedure_department: str | None = None
        self.procedure: ProcedureView | None = None
        self.scan_text = ""
        # A typed dossier code the server will open only with the last 4 digits of the phone
        # number given at receipt: the keyboard now asks for those digits.
        self.code_for_digits: str | None = None
        self._asked = ""  # the text of the last lookup sent
        self.lookup_message = ""
        self._typed = False
        self.dossier: DossierPublic | None = None
        # The priority group a scanned ID card entitles the citizen to: the pre-selected choice
        # for the next ticket. Nothing else of the card is kept.
        self.offered_priority: str | None = None
        # What the citizen may pass on to the counter from their card (name, ID number,
        # address), until the ticket is issued or the kiosk resets; sent only if they agree.
        self.card: cmd.CitizenCard | None = None
        self.chosen_priority: str | None = None
        # "Tôi có lịch hẹn": the booking code typed, what the check-in said, and whether the
        # ticket shown came from a booking checked in after its grace period (a walk-in).
        self.booking_text = ""
        self.booking_message = ""
        self.late_booking = False
        idle = idle_seconds if idle_seconds is not None else config.kiosk.idle_seconds
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(int(idle * 1000))
        self._idle.timeout.connect(self.reset)
        self._notice_timer = QTimer(self)
        self._notice_timer.setSingleShot(True)
        self._notice_timer.setInterval(NOTICE_MS)
        self._notice_timer.timeout.connect(self._clear_notice)
        self.scan_arrived.connect(self.scanned, Qt.ConnectionType.QueuedConnection)
        self.event_arrived.connect(self.scanned_event, Qt.ConnectionType.QueuedConnection)

    # -- wiring ---------------------------------------------------------------------------------

    def attach(self, bus: Bus) -> None:
        """Send commands through the bus and follow queues, server presence and the connection."""
        self._client = CommandClient(bus, self.topics, self.kiosk_id)
        bridge = BusBridge(bus, self)
        bridge.message.connect(self.handle_message, Qt.ConnectionType.QueuedConnection)
        bridge.subscribe(self.topics.queues())
        self.health.watch(bridge, self.topics)

    def stop(self) -> None:
        """Stop timers and background work."""
        self._idle.stop()
        self.health.stop()
        self._notice_timer.stop()
        self._tasks.close()

    # -- what the views read ----------------------------------------------------------------------

    @property
    def available(self) -> bool:
        """Tell whether the kiosk can serve: broker connected and the server answering."""
        return self.health.available

    @property
    def visible_screen(self) -> Screen:
        """The screen to show: the error screen while the system is unavailable."""
        return self.screen if self.available else Screen.ERROR

    def t(self, key: str, **values: object) -> str:
        """Return a phrase in the current language."""
        return text(self.language, key, **values)

    def local_time(self) -> datetime:
        """The time now at the centre (for the clock)."""
        return self._wall_clock().astimezone(self._timezone)

    def departments(self) -> list[catalogue.DepartmentChoice]:
        """The departments to choose from, named in the current language."""
        return catalogue.departments(self.config, self.language)

    def services(self) -> list[catalogue.ServiceChoice]:
        """The services of the chosen department, or those matching the search."""
        return catalogue.services(
            self.config, self.queues, self.department, self.service_query, self.language
        )

    def found_procedures(self) -> list[ProcedureView]:
        """Procedures matching the lookup's query and department."""
        return catalogue.search_procedures(
            self.procedures, self.procedure_query, self.procedure_department
        )

    def department_name(self, department: str | None, fallback: str = "") -> str:
        """Name of a department id in the current language (`fallback` when the site lacks it)."""
        found = next((d for d in self.config.departments if d.id == department), None)
        return catalogue.name_in(found, self.language) if found else fallback

    def service_name(self, code: str | None, fallback: str = "") -> str:
        """Name of a service code in the current language (`fallback`, else the code)."""
        found = next((s for s in self.config.services if s.code == code), None)
        if found is None:
            return fallback or code or ""
        return catalogue.name_in(found, self.language)

    def priority_name(self, priority: str | None) -> str:
        """Name of a priority group in the current language (empty when unknown)."""
        found = next((p for p in self.config.priorities if p.id == priority), None)
        return catalogue.name_in(found, self.language) if found else ""

    # -- activity, idle reset, language and size -------------------------------------------------

    @Slot()
    def touch(self) -> None:
        """Record activity: the idle timer starts again."""
        self._idle.start()

    @Slot()
    def reset(self) -> None:
        """Go back to the start screen and forget everything shown (the next citizen's turn)."""
        self.language = self.default_language
        self.font_pt = self.default_font_pt
        self.screen = Screen.START
        self.department = self.service = None
        self.service_query = self.procedure_query = self.scan_text = ""
        self.ticket = self.procedure = self.dossier = self.code_for_digits = None
        self.procedure_department = None
        self.offered_priority = self.card = self.chosen_priority = None
        self.print_state = PrintState.NONE
        self.print_message = self.lookup_message = self.notice = ""
        self.booking_text = self.booking_message = ""
        self.late_booking = False
        self._idle.stop()
        self.changed.emit()

    def toggle_language(self) -> None:
        """Switch between Vietnamese and the other configured language."""
        others = [lang for lang in self.config.kiosk.languages if lang != self.language]
        self.language = others[0] if others else VIETNAMESE
        self._show()

    def bigger(self) -> None:
        """Make text larger (A+)."""
        self.font_pt = min(
            self.font_pt + FONT_STEP, self.default_font_pt + FONT_STEP * FONT_STEPS_UP
        )
        self._show()

    def smaller(self) -> None:
        """Make text smaller (A−), never below the size set for the site less one step."""
        self.font_pt = max(
            self.font_pt - FONT_STEP, self.default_font_pt - FONT_STEP * FONT_STEPS_DOWN
        )
        self._show()

    def home(self) -> None:
        """Back to the start screen, keeping language and size."""
        self.screen = Screen.START
        self.department = self.service = None
        self.service_query = ""
        self.notice = ""
        self._forget_dossier()
        self._forget_booking()
        self._show()

    def back(self) -> None:
        """One screen back."""
        single = len([s for s in self.config.services if s.department == self.department]) == 1
        came_from_services = (self.department is not None and not single) or self.service_query
        previous = {
            Screen.SERVICES: Screen.START,
            Screen.PRIORITY: Screen.SERVICES if came_from_services else Screen.START,
            Screen.SHARE: Screen.PRIORITY
            if self.config.priorities
            else (Screen.SERVICES if came_from_services else Screen.START),
            Screen.PROCEDURE: Screen.LOOKUP,
            Screen.PROGRESS: Screen.SCAN,
            Screen.APPOINTMENT: Screen.START,
        }
        if self.screen in (Screen.SCAN, Screen.PROGRESS):
            self._forget_dossier()
        self._forget_booking()
        self.screen = previous.get(self.screen, Screen.START)
        self.notice = ""
        self._show()

    def _forget_dossier(self) -> None:
        """Drop the code and the dossier shown: the next citizen must not see them."""
        self.scan_text = self.lookup_message = ""
        self.dossier = self.code_for_digits = None

    def _forget_booking(self) -> None:
        """Drop the booking code typed and what its check-in said."""
        self.booking_text = self.booking_message = ""

    def _at_rest(self) -> bool:
        """Tell whether the kiosk is as the next citizen should find it (nothing to forget)."""
        return (
            self.screen is Screen.START
            and not self.notice
            and self.offered_priority is None
            and self.card is None
            and self.language == self.default_language
            and self.font_pt == self.default_font_pt
        )

    def _show(self, screen: Screen | None = None) -> None:
        if screen is not None:
            self.screen = screen
        # Why not only "on the start screen": a citizen who went home and walked away left an
        # ID card's offer, or English, behind; the idle reset must still forget them.
        if self._at_rest():
            self._idle.stop()
        else:
            self._idle.start()
        self.changed.emit()

    def _say(self, notice: str) -> None:
        self.notice = notice
        self._notice_timer.start()
        self._show()

    @Slot()
    def _clear_notice(self) -> None:
        if self.notice:
            self.notice = ""
            self.changed.emit()

    # -- take a number --------------------------------------------------------------------------

    def choose_department(self, department: str) -> None:
        """Show a department's services (a department with one service goes straight on)."""
        if self.busy:
            return
        codes = [s.code for s in self.config.services if s.department == department]
        self.department = department
        self.service_query = ""
        if len(codes) == 1:
            self.choose_service(codes[0])
            return
        self.notice = ""
        self._show(Screen.SERVICES)

    def search_services(self, query: str) -> None:
        """Show the services whose name matches the query (diacritics and case ignored)."""
        self.service_query = query
        self.department = None
        self._show(Screen.SERVICES)

    def choose_service(self, code: str) -> None:
        """Take a number for a service, after asking for a priority group when the site has any."""
        if self.busy:
            return
        waiting = self.queues.get(code)
        if waiting is not None and not waiting.available:
            self._say(f"{self.service_name(code)}: {waiting.reason or self.t('unavailable')}")
            return
        self.service = code
        if self.config.priorities:
            self.notice = ""
            self._show(Screen.PRIORITY)
        else:
            self._take(code, None)

    def choose_priority(self, priority: str | None) -> None:
        """Take the number for the chosen service, with this priority group (None = none)."""
        if self.service is not None:
            self._take(self.service, priority)

    def _take(self, service: str, priority: str | None) -> None:
        """Issue the ticket, first asking whether to share a scanned card with the counter."""
        if self.card is None:
            self.issue(service, priority)
            return
        self.chosen_priority = priority
        self.notice = ""
        self._show(Screen.SHARE)

    def share_card(self, agree: bool) -> None:
        """Take the number, passing the card's details on to the counter only if agreed."""
        if self.service is not None and not self.busy:
            citizen = self.card if agree else None
            self.issue(self.service, self.chosen_priority, citizen=citizen)

    def issue(
        self,
        service: str,
        priority: str | None = None,
        dossier: str | None = None,
        citizen: cmd.CitizenCard | None = None,
    ) -> None:
        """Ask the server for a ticket; taps while one is on its way are ignored."""
        if self.busy or self._client is None:
            return
        now = self._clock()
        while self._issued_at and now - self._issued_at[0] >= 60.0:
            self._issued_at.popleft()
        if len(self._issued_at) >= self.config.kiosk.tickets_per_minute:
            self._say(self.t("rate_limited"))
            return
        self.busy = True
        self.late_booking = False
        self.notice = self.t("taking")
        self._show()
        command = cmd.IssueTicket(
            request_id=new_request_id(),
            service=service,
            priority=priority,
            dossier=dossier,
            citizen=citizen,
        )
        client, printer = self._client, self.printer

        def issue_and_print() -> tuple[Reply, TicketInfo | None, Future[PrintResult] | None]:
            # Printing starts on this worker as soon as the number arrives, not after the
            # UI thread got round to it: touch-to-paper is what the citizen waits for.
            reply = self._call(client, command)
            if not reply.ok:
                return reply, None, None
            try:
                ticket = reply.result_as(TicketResult).ticket
            except ValidationError:
                log.warning("issue_ticket reply without a valid ticket")
                message = text(self.language, "unavailable")
                return Reply.failure(command.request_id, ErrorCode.INTERNAL, message), None, None
            job = printer.print_ticket(ticket) if printer is not None else None
            return reply, ticket, job

        self._tasks.run(issue_and_print, self._issued)

    def _issued(self, outcome: tuple[Reply, TicketInfo | None, Future[PrintResult] | None]) -> None:
        reply, ticket, job = outcome
        self.health.note_reply(reply)
        self.busy = False
        self.notice = ""
        if not reply.ok or ticket is None:
            self._failed(reply)
            return
        self._issued_at.append(self._clock())
        self.ticket = ticket
        # The card's offer and details were for this ticket only.
        self.offered_priority = self.card = self.chosen_priority = None
        self.print_message = ""
        if job is None:
            self.print_state = PrintState.NONE
        else:
            self.print_state = PrintState.PRINTING
            self._tasks.watch(job, self._printed)
        self._show(Screen.TICKET)

    def _printed(self, result: PrintResult) -> None:
        if self.ticket is None:
            return
        self.print_state = PrintState.PRINTED if result.printed else PrintState.FAILED
        self.print_message = result.message
        self.changed.emit()

    # -- appointments ---------------------------------------------------------------------------

    @property
    def appointments_offered(self) -> bool:
        """Whether the site takes appointments (the start screen offers "Tôi có lịch hẹn")."""
        section = self.config.appointments
        return section.enabled and any(s.slots for s in section.services)

    def open_appointment(self) -> None:
        """Show the check-in screen: scan the booking's QR or the ID card, or type the code."""
        self._forget_booking()
        self._show(Screen.APPOINTMENT)

    def set_booking_text(self, typed: str) -> None:
        """Record the booking code typed on the on-screen keyboard."""
        self.booking_text = typed
        self._show()

    def submit_booking(self) -> None:
        """Check in with the typed booking code."""
        typed = self.booking_text.strip()
        if normalise_booking_code(typed) is None:
            self.booking_message = self.t("booking_code_format")
            self._show()
            return
        self.check_in(code=typed)

    def check_in(self, code: str | None = None, id_number: str | None = None) -> None:
        """Ask the server to turn today's booking into a ticket, then show and print it."""
        if self.busy or self._client is None:
            return
        self.busy = True
        self.booking_message = self.t("checking_in")
        self._show(Screen.APPOINTMENT)
        command = CheckIn(request_id=new_request_id(), code=code, id_number=id_number)
        client, printer = self._client, self.printer

        def check_in_and_print() -> tuple[Reply, TicketInfo | None, Future[PrintResult] | None]:
            reply = self._call(client, command)
            if not reply.ok:
                return reply, None, None
            try:
                ticket = reply.result_as(CheckInResult).ticket
            except ValidationError:
                log.warning("check_in reply without a valid ticket")
                message = text(self.language, "unavailable")
                return Reply.failure(command.request_id, ErrorCode.INTERNAL, message), None, None
            job = printer.print_ticket(ticket) if printer is not None else None
            return reply, ticket, job

        self._tasks.run(check_in_and_print, self._checked_in)

    def _checked_in(
        self, outcome: tuple[Reply, TicketInfo | None, Future[PrintResult] | None]
    ) -> None:
        reply, ticket, _ = outcome
        if reply.ok and ticket is not None:
            self.late_booking = reply.result_as(CheckInResult).walk_in
            self._forget_booking()
            self._issued(outcome)
            return
        self.health.note_reply(reply)
        self.busy = False
        error = reply.error
        if error is not None and error.code is ErrorCode.TIMEOUT:
            self.booking_message = ""  # the health shows the unavailable screen
        else:
            self.booking_message = error.message if error else self.t("unavailable")
        self._show(Screen.APPOINTMENT)

    # -- procedures -----------------------------------------------------------------------------

    def open_lookup(self) -> None:
        """Show the procedure lookup, loading the catalogue when it is missing or old."""
        self.procedure = None
        self._show(Screen.LOOKUP)
        stale = self._clock() - self._procedures_at > PROCEDURES_MAX_AGE_S
        if self.procedures_state != "loading" and (self.procedures_state != "loaded" or stale):
            self.procedures_state = "loading"
            self._load_procedures(1, [])

    def _load_procedures(self, page: int, loaded: list[ProcedureView]) -> None:
        """Ask for one page of the catalogue; the pages add up until the server says no more."""
        command = ListProcedures(request_id=new_request_id(), page=page)
        self._send(command, lambda reply: self._procedures_loaded(reply, page, loaded))

    def _procedures_loaded(self, reply: Reply, page: int, loaded: list[ProcedureView]) -> None:
        try:
            if not reply.ok:
                raise ValueError(reply.error.message if reply.error else "no procedures")
            result = reply.result_as(ProceduresResult)
            loaded = [*loaded, *result.procedures]
        except ValueError as exc:  # pydantic's ValidationError too
            log.warning("procedure catalogue not loaded: %s", exc)
            self.procedures_state = "failed"
        else:
            if result.more and page < MAX_PROCEDURE_PAGES:
                self._load_procedures(page + 1, loaded)
                return
            self.procedures = loaded
            self.procedures_state = "loaded"
            self._procedures_at = self._clock()
        self.changed.emit()

    def set_procedure_query(self, query: str) -> None:
        """Search procedures as the citizen types."""
        self.procedure_query = query
        self._show()

    def set_procedure_department(self, department: str | None) -> None:
        """Browse one department's procedures (None = all)."""
        self.procedure_department = department
        self._show()

    def open_procedure(self, code: str) -> None:
        """Show one procedure's documents, fee, time and return place."""
        self.procedure = next((p for p in self.procedures if p.code == code), None)
        if self.procedure is not None:
            self._show(Screen.PROCEDURE)

    def take_for_procedure(self) -> None:
        """Take a number for the service that receives the shown procedure."""
        if self.procedure is not None and self.procedure.service:
            self.department = self.procedure.department
            self.choose_service(self.procedure.service)

    # -- dossier progress -----------------------------------------------------------------------

    def open_scan(self) -> None:
        """Show the 'scan your slip' screen."""
        self.scan_text = ""
        self.lookup_message = ""
        self._show(Screen.SCAN)

    def set_scan_text(self, typed: str) -> None:
        """Record the code typed on the on-screen keyboard."""
        self.scan_text = typed
        self._show()

    def submit_code(self) -> None:
        """Look up the typed code, or send the phone digits a typed code asked for."""
        if self.code_for_digits is not None:
            self._send_digits(self.code_for_digits, self.scan_text.strip())
        elif self.scan_text.strip():
            self._look_up(self.scan_text, typed=True)

    def _send_digits(self, code: str, digits: str) -> None:
        if self.busy:
            return
        if not (len(digits) == 4 and digits.isascii() and digits.isdigit()):
            self.lookup_message = self.t("phone_digits_format")
            self._show()
            return
        self.busy = True
        self.lookup_message = self.t("looking_up")
        self._show(Screen.SCAN)
        command = LookUpDossier(request_id=new_request_id(), text=code, phone_digits=digits)
        self._send(command, self._found)

    @Slot(str)
    def scanned(self, raw: str) -> None:
        """Look a dossier up from a scan (on any screen)."""
        self._look_up(raw, typed=False)

    @Slot(object)
    def scanned_event(self, event: ScanEvent) -> None:
        """Act on a scanner's event: an ID card offers a priority, anything else is looked up."""
        if event.code.kind is CodeKind.CITIZEN_ID:
            self.card_scanned(event.code)
        else:
            self._look_up(event.text, typed=False)

    def card_scanned(self, code: ScannedCode) -> None:
        """Offer the priority group the card's age entitles to, then the departments.

        The card's text never goes to the server. The kiosk keeps the priority offer and, when
        the site shares cards, the receipt form's fields, for the next ticket only; those go to
        the server with the ticket only if the citizen agrees on the next screen.
        """
        if self.busy:
            return
        citizen = code.citizen
        age = None
        if citizen is not None:
            try:
                age = citizen.age_on(self.local_time().date())
            except CitizenIdError:  # born "tomorrow" by the centre's clock: not readable
                citizen = None
        kept = (Screen.START, Screen.SERVICES, Screen.PRIORITY, Screen.APPOINTMENT)
        if self.screen not in kept:
            self.screen = Screen.START
            self.department = self.service = None
            self.service_query = ""
            self._forget_dossier()
        if citizen is None:
            self.offered_priority = self.card = None
            self._say(self.t("card_unreadable"))
            return
        self.card = self._shareable(citizen)
        self.offered_priority = self.priority_for_age(age)
        if self.screen is Screen.APPOINTMENT:
            self.notice = ""
        elif self.offered_priority is None:
            self._say(self.t("card_read"))
        else:
            self._say(self.t("card_priority", name=self.priority_name(self.offered_priority)))
        if self.screen is Screen.APPOINTMENT and len(citizen.id_number) == 12:
            # The citizen chose "Tôi có lịch hẹn": the ID number goes to the server (which keeps
            # only a keyed hash) to find today's booking made with it; elsewhere it never leaves.
            self.check_in(id_number=citizen.id_number)

    def _shareable(self, citizen: CitizenId) -> cmd.CitizenCard | None:
        """The receipt form's fields of a card, when the site asks to share them and they fit."""
        if not self.config.kiosk.share_card:
            return None
        try:
            return cmd.CitizenCard(
                full_name=citizen.full_name,
                id_number=citizen.id_number,
                address=citizen.address[:300],
            )
        except ValidationError:  # an old 9-digit-only card or a missing name: nothing to share
            return None

    def priority_for_age(self, age: int | None) -> str | None:
        """The priority group (id) offered at this age: the one with the highest `min_age`."""
        if age is None:
            return None
        groups = [p for p in self.config.priorities if p.min_age is not None and p.min_age <= age]
        best = max(groups, key=lambda p: p.min_age or 0, default=None)
        return best.id if best else None

    def _look_up(self, raw: str, typed: bool) -> None:
        if self.busy or not raw.strip():
            return
        code = classify(raw, self.config.dossiers.code_regex())
        if code.kind is CodeKind.CITIZEN_ID:  # an ID card's text never goes to the server
            self.card_scanned(code)
            return
        if code.kind is CodeKind.BOOKING and self.appointments_offered:
            self.check_in(code=clean_scan(raw))
            return
        self.busy = True
        self._typed = typed
        self.dossier = self.code_for_digits = None
        self.lookup_message = self.t("looking_up")
        self._show(Screen.SCAN)
        self._asked = clean_scan(raw)
        self._send(LookUpDossier(request_id=new_request_id(), text=self._asked), self._found)

    def _found(self, reply: Reply) -> None:
        self.busy = False
        if not reply.ok:
            if reply.error is not None and reply.error.code is ErrorCode.SECOND_FACTOR_REQUIRED:
                self.code_for_digits = self.code_for_digits or self._asked
                self.scan_text = ""
            elif self.code_for_digits is not None:
                self.scan_text = ""  # wrong digits: type them again
            self.lookup_message = self._lookup_failure(reply)
            self._show()
            return
        try:
            self.dossier = reply.result_as(PublicDossierResult).dossier
        except ValidationError:
            log.warning("look_up_dossier reply without a valid dossier")
            self.lookup_message = self.t("not_recognised")
            self._show()
            return
        self.lookup_message = ""
        self.code_for_digits = None
        self._show(Screen.PROGRESS)

    def _lookup_failure(self, reply: Reply) -> str:
        """Why the lookup failed, saying 'typed' or 'scanned' as the citizen did."""
        error = reply.error
        if error is None:
            return self.t("not_recognised")
        if error.code is ErrorCode.SECOND_FACTOR_REQUIRED:
            return self.t("phone_digits")
        if error.code is ErrorCode.INVALID_INPUT:
            return self.t("typed_not_a_code" if self._typed else "scanned_not_a_code")
        if error.code is ErrorCode.NOT_FOUND:
            return self.t("digits_not_found" if self.code_for_digits else "dossier_not_found")
        return error.message or self.t("not_recognised")

    def take_return_ticket(self) -> None:
        """Take a ticket for the return counter, linked to the shown dossier."""
        service = self.return_service
        if self.dossier is not None and self.dossier.ready and service:
            self.service = service
            self.issue(service, None, self.dossier.code)

    @property
    def return_service(self) -> str | None:
        """Service of the return counter for the shown dossier (the site's default if unsaid)."""
        if self.dossier is None or not self.held_here:
            return None
        if self.dossier.result_site_id is not None:  # sent between branches: the server decides
            return self.dossier.return_service
        return self.dossier.return_service or self.config.dossiers.return_service or None

    @property
    def ticket_has_page(self) -> bool:
        """Whether the ticket's QR opens its live page on a phone (the site has `[web]`)."""
        return self.ticket is not None and parse_link(self.ticket.qr) is not None

    @property
    def held_here(self) -> bool:
        """Whether the shown dossier's result waits at this site (not at another branch)."""
        return self.dossier is not None and result_here(self.dossier, self.config.site.id)

    # -- messages and server health ------------------------------------------------------------

    @Slot(str, bytes)
    def handle_message(self, topic: str, payload: bytes) -> None:
        """Apply the retained queue figures (a fresh snapshot also says the server works)."""
        if topic != self.topics.queues():
            return
        try:
            state = QueuesState.model_validate_json(payload)
        except ValidationError as exc:
            log.warning("ignored a malformed message on %s: %s", topic, exc.error_count())
            return
        self.queues = {s.service: s for s in state.services}
        self.health.heard()
        self.changed.emit()

    @Slot()
    def _health_changed(self) -> None:
        if not self.available:
            self.busy = False  # the pending command's late answer must not keep the screen stuck
        self.changed.emit()

    @Slot()
    def _probe_server(self) -> None:
        """Ask the server something harmless; its reply (or timeout) goes to the health."""
        probe = ListProcedures(request_id=new_request_id(), limit=1)
        self._send(probe, lambda _: None, attempts=1)

    def _failed(self, reply: Reply) -> None:
        error = reply.error
        if error is not None and error.code is ErrorCode.TIMEOUT:
            return  # the health shows the unavailable screen
        self._say(error.message if error else self.t("unavailable"))

    def _send(self, command: cmd.Command, done: Callable[[Reply], None], attempts: int = 3) -> None:
        client = self._client
        if client is None:
            return

        def noted(reply: Reply) -> None:
            self.health.note_reply(reply)
            done(reply)

        self._tasks.run(lambda: self._call(client, command, attempts), noted)

    def _call(self, client: CommandClient | None, command: cmd.Command, attempts: int = 3) -> Reply:
        """Send a command on a worker thread; never raise (a bad reply must not stick the UI)."""
        message = text(self.language, "unavailable")
        if client is None:
            return Reply.failure(command.request_id, ErrorCode.INTERNAL, message)
        try:
            return client.send(command, attempts=attempts)
        except Exception as exc:
            log.warning("command %s failed: %s", type(command).__name__, exc)
            return Reply.failure(command.request_id, ErrorCode.INTERNAL, message)
