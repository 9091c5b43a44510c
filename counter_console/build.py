"""Put a console together: view-models, runners, windows, wired to a bus or to demo data."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import Qt

from counter_console.actions import Action
from counter_console.dossier_desk import DossierDeskModel
from counter_console.dossier_view import ReceivePage
from counter_console.rating import RatingViewModel
from counter_console.rating_window import RatingWindow
from counter_console.return_view import ReturnPage
from counter_console.runner import CommandRunner, Sender
from counter_console.supervisor import SupervisorModel
from counter_console.supervisor_view import SupervisorPage
from counter_console.viewmodel import CounterInfo, CounterViewModel
from counter_console.window import ConsoleWindow
from hw.keypad import KeyMap
from hw.printer.documents.from_dossier import FormContext
from hw.printer.service import ReceiptPrinter
from hw.scanner.events import ScanEvent
from shared.config.site import SiteConfig, parse_hhmm
from shared.messaging.bus import Bus
from shared.qt.bridge import BusBridge

log = logging.getLogger(__name__)


@dataclass
class Console:
    """One counter's console: its models, windows and the runners sending its commands."""

    model: CounterViewModel
    window: ConsoleWindow
    rating: RatingViewModel
    rating_window: RatingWindow
    desk: DossierDeskModel
    supervisor: SupervisorModel
    printer: ReceiptPrinter | None = None
    runners: list[CommandRunner] = field(default_factory=list)

    def attach(self, bus: Bus) -> None:
        """Feed the counter's and the supervisor's models from the bus, each through its bridge.

        One bridge each: on a shared one a message matching both models' subscriptions would
        reach each model twice.
        """
        self.model.attach(BusBridge(bus, self.model))
        self.supervisor.attach(BusBridge(bus, self.supervisor))

    def scanned(self, event: ScanEvent) -> None:
        """Hand a scan to the dossier page open: the receive form or the return desk.

        On any other page it is dropped (nothing of an ID card is logged).
        """
        page = self.window.pages.currentWidget()
        if isinstance(page, ReceivePage | ReturnPage):
            page.scanned(event.code)
        else:
            log.info("scan from %s ignored: no dossier page open", event.source)

    def close(self) -> None:
        """Stop timers and worker threads."""
        self.model.stop()
        self.rating.stop()
        for runner in self.runners:
            runner.close()
        if self.printer is not None:
            self.printer.close()


def counter_info(config: SiteConfig, counter_id: str) -> CounterInfo:
    """Describe a counter of the site file for its console."""
    counter = next(c for c in config.counters if c.id == counter_id)
    return CounterInfo(
        counter.id, counter.label, counter.name or f"Quầy {counter.label}", tuple(counter.services)
    )


def form_context(config: SiteConfig) -> FormContext:
    """What the site prints on every form."""
    section = config.dossiers
    return FormContext(
        agency_name=config.site.name,
        place=section.place or config.site.name,
        officer_name="",
        register_book=section.register_book,
        head_title=section.head_title,
        head_name=section.head_name,
        parent_body=section.parent_body,
        public_url=config.web.public_url,
        due_time=parse_hhmm(section.due_time),
        timezone=config.site.timezone,
    )


def build_console(
    config: SiteConfig, counter_id: str, sender: Sender, printer: ReceiptPrinter | None = None
) -> Console:
    """Build the console of a counter; commands go through `sender` (a CommandClient)."""
    settings = config.counter_console
    keymap = KeyMap(settings.keys or None)
    runner = CommandRunner(sender, settings.command_timeout_seconds)
    rating_runner = CommandRunner(sender, settings.command_timeout_seconds)
    model = CounterViewModel(
        config.site.id,
        counter_info(config, counter_id),
        runner,
        idle_lock_minutes=settings.idle_lock_minutes,
        timezone=config.site.timezone,
    )
    rating = RatingViewModel(
        rating_runner,
        model.counter.label,
        scale=settings.rating_scale,
        timeout_seconds=settings.rating_timeout_seconds,
    )
    model.ticket_finished.connect(rating.ask, Qt.ConnectionType.QueuedConnection)
    model.officer_changed.connect(rating.set_officer)
    services = [(s.code, s.name) for s in config.services]
    counters = [(c.id, c.label) for c in config.counters if c.id != counter_id]
    window = ConsoleWindow(model, keymap, services, counters)
    desk_runner = CommandRunner(sender, settings.command_timeout_seconds)
    desk = DossierDeskModel(
        desk_runner,
        form_context(config),
        printer,
        lambda: model.officer.name if model.officer else "",
        carded_ticket=model.carded_ticket,
        site_id=config.site.id,
        return_branches=config.index.return_branches,
    )
    model.changed.connect(desk.changed)
    desk.public_reasons = list(config.dossiers.public_reasons)
    window.add_page(Action.DOSSIER, ReceivePage(desk))
    window.add_page(Action.RETURN_DOSSIER, ReturnPage(desk))
    supervisor = SupervisorModel(
        config.site.id,
        long_wait_minutes=settings.long_wait_minutes,
        idle_counter_minutes=settings.idle_counter_minutes,
        timezone=config.site.timezone,
    )
    window.add_page(Action.SUPERVISOR, SupervisorPage(supervisor))
    return Console(
        model,
        window,
        rating,
        RatingWindow(rating),
        desk,
        supervisor,
        printer,
        [runner, rating_runner, desk_runner],
    )
