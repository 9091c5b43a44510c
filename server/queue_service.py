"""The single writer's rules engine: each command is applied in one database transaction."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from server.appointment_service import AppointmentService, AppointmentSettings
from server.card_service import forget_card_if_ended, keep_card, read_card
from server.dossier_service import DossierService, DossierSettings
from server.officer_service import OfficerService
from server.outcome import Outcome
from server.projections import ticket_info
from server.queue_messages import QueueMessages
from server.service_times import ServiceTimes
from shared.domain import counters as counter_rules
from shared.domain import tickets as rules
from shared.domain.availability import check_can_issue
from shared.domain.counters import CounterState
from shared.domain.dossiers import DossierStatus
from shared.domain.errors import (
    Forbidden,
    InvalidInput,
    InvalidTransition,
    NotFound,
    QueueEmpty,
    WrongCounter,
)
from shared.domain.numbering import format_number, parse_number, service_day
from shared.domain.policy import (
    QueueEntry,
    choose_next,
    eligible,
    next_appointment,
    queue_entry,
)
from shared.domain.site import Counter, Site
from shared.domain.ticket_facts import ticket_fact
from shared.domain.ticket_links import TicketLinks
from shared.domain.tickets import Ticket, TicketEvent, TicketEventKind, TicketState
from shared.messaging import commands as cmd
from shared.messaging.registry import WEB_USER
from shared.storage import held_results
from shared.storage.dossier_repository import DossierRepository
from shared.storage.officer_repository import Officer, OfficerRepository
from shared.storage.repository import QueueRepository

Clock = Callable[[], datetime]
COUNTER_COMMANDS = (
    cmd.OpenCounter,
    cmd.CloseCounter,
    cmd.PauseCounter,
    cmd.UnpauseCounter,
    cmd.CallNext,
    cmd.CallNumber,
    cmd.Recall,
    cmd.StartServing,
    cmd.Finish,
    cmd.NoShow,
    cmd.Transfer,
    cmd.Hold,
    cmd.Resume,
)


class QueueService:
    """Applies queue commands for one site; only this class changes queue state."""

    def __init__(
        self,
        site: Site,
        sessions: sessionmaker[Session],
        clock: Clock,
        settings: DossierSettings | None = None,
    ) -> None:
        self.site = site
        self.sessions = sessions
        self.clock = clock
        self.service_times = ServiceTimes(site.rules.estimate_sample)
        self.dossiers = DossierService(site, settings or DossierSettings())
        self.officers = OfficerService(site)
        # Ticket QR codes are links to the citizen's page where the site has `[web] public_url`.
        self.links: TicketLinks | None = None
        # Appointments and remote tickets (`[appointments]`); none are taken until configured.
        self._appointments = self._sharing_guard(AppointmentService(site, AppointmentSettings()))
        # "Ahead" and "turn" messages to tickets taken from a phone (the bookings' `[notify]`).
        self.messages = QueueMessages(site, lambda: self.appointments.settings.notify)

    @property
    def appointments(self) -> AppointmentService:
        """Bookings, check-ins and remote tickets."""
        return self._appointments

    @appointments.setter
    def appointments(self, service: AppointmentService) -> None:
        self._appointments = self._sharing_guard(service)

    def _sharing_guard(self, service: AppointmentService) -> AppointmentService:
        # A kiosk's wrong guesses count once, whether dossier codes or booking codes.
        service.desk.guard = self.dossiers.finder.guard
        return service

    def today(self, at: datetime | None = None) -> date:
        """Return the current service day."""
        return service_day(at or self.clock(), self.site.rules.timezone, self.site.rules.day_reset)

    def execute(
        self, repo: QueueRepository, device_id: str, command: cmd.Command, at: datetime
    ) -> Outcome:
        """Apply a command inside the caller's transaction; raise DomainError when refused."""
        if isinstance(command, cmd.IssueTicket):
            return self._issue(repo, device_id, command, at)
        if isinstance(command, cmd.VoidTicket):
            return self._void(repo, device_id, command, at)
        if isinstance(command, cmd.TicketStatus):
            ticket = self._find(repo, command.number, at)
            self._check_link(device_id, ticket, command.token)
            return Outcome(result={"ticket": self._info(repo, ticket, at)})
        if isinstance(command, COUNTER_COMMANDS):
            counter = self._counter(device_id)
            return self._counter_command(repo, counter, command, at)
        if isinstance(command, cmd.TicketCitizen):
            counter = self._counter(device_id)
            return read_card(repo, self.site.id, counter, parse_number(command.number), at)
        if self.appointments.handles(command):
            return self.appointments.execute(repo, device_id, command, at, self)
        if self.dossiers.handles(command):
            return self.dossiers.execute(repo, device_id, command, at)
        if self.officers.handles(command):
            counter = self._counter(device_id)
            outcome = self.officers.execute(repo, counter, command, self.today(at), at)
            return outcome
        raise InvalidInput(f"Lệnh {type(command).__name__} chưa được hỗ trợ.")

    def login(
        self, repo: QueueRepository, device_id: str, officer: Officer, at: datetime
    ) -> Outcome:
        """Open the device's counter for an officer whose password matched."""
        counter = self._counter(device_id)
        return self.officers.login(repo, counter, officer, at)

    # Tickets -----------------------------------------------------------------------------

    def _issue(
        self, repo: QueueRepository, device_id: str, command: cmd.IssueTicket, at: datetime
    ) -> Outcome:
        service = self.site.service(command.service)
        if command.priority is not None:
            self.site.priority(command.priority)
        day = self.today(at)
        check_can_issue(service, at, self.site.rules.timezone, repo.issued_count(day, service.code))
        outcome = Outcome(queues=True)
        ticket = self.new_ticket(repo, service.code, device_id, at, outcome, command.priority)
        if command.citizen is not None:
            keep_card(repo, ticket, command.citizen, at)
        if command.dossier is not None:
            self._link_return(repo, ticket, command.dossier, at)
        outcome.result = {"ticket": self._info(repo, ticket, at)}
        return outcome

    def new_ticket(
        self,
        repo: QueueRepository,
        service_code: str,
        device_id: str,
        at: datetime,
        outcome: Outcome,
        priority: str | None = None,
        appointment_at: datetime | None = None,
    ) -> Ticket:
        """Number and store a new waiting ticket (the caller checked that it may be issued)."""
        service = self.site.service(service_code)
        day = self.today(at)
        sequence = repo.next_sequence(day, service.prefix)
        number = format_number(service.prefix, sequence, self.site.rules.number_width)
        ticket, event = rules.issue(
            number, service.code, day, at, priority, device_id, appointment_at
        )
        ticket = repo.add_ticket(ticket, service.prefix, sequence)
        outcome.events.append(replace(event, ticket=ticket))
        outcome.queues = True
        return ticket

    def withdraw(
        self, repo: QueueRepository, ticket: Ticket, at: datetime, reason: str, outcome: Outcome
    ) -> Ticket:
        """Void a ticket never called (a remote ticket or a booking cancelled from the phone)."""
        outcome.queues = True
        return self._apply(repo, ticket, rules.void(ticket, at, reason), outcome)

    def ticket_view(self, repo: QueueRepository, ticket: Ticket, at: datetime) -> dict[str, Any]:
        """A ticket as replies show it (the `ticket` object)."""
        return self._info(repo, ticket, at)

    def _link_return(self, repo: QueueRepository, ticket: Ticket, text: str, at: datetime) -> None:
        session, site_id = repo.session, self.site.id
        held = self.dossiers.held_for_return(session, text, ticket.issued_by, at)
        if held is not None:  # another branch's result, transferred here and kept here
            code, number = held, ticket.number
            repo.after_write(lambda s: held_results.note_ticket(s, site_id, code, number))
            return
        dossiers = DossierRepository(session, site_id)
        # Not held here: the provincial index is asked (RemoteLookup) and answers the kiosk
        # with the branch where the result waits; no return ticket is issued here for it.
        dossier = self.dossiers.look_up_for_return(dossiers, text, ticket.issued_by, at)
        if dossier.status is not DossierStatus.DONE:
            raise InvalidTransition(f"Hồ sơ {dossier.code} chưa có kết quả để trả.")
        if dossier.result_site_id is not None:  # transferred: returned at that branch only
            raise InvalidTransition(
                f"Kết quả hồ sơ {dossier.code} đã chuyển đến {dossier.result_site_name}, "
                "vui lòng nhận kết quả tại đó."
            )
        if dossier.site_id != site_id:  # the result waits where the dossier was received
            raise InvalidTransition(
                f"Kết quả hồ sơ {dossier.code} được trả tại điểm đã tiếp nhận hồ sơ "
                f"({dossier.site_id}), không trả tại đây."
            )
        ticket_id, dossier_id = ticket.id, dossier.id
        if ticket_id is not None and dossier_id is not None:

            def link(session: Session) -> None:
                DossierRepository(session, site_id).link_ticket(ticket_id, dossier_id, "return")

            repo.after_write(link)

    def _void(
        self, repo: QueueRepository, device_id: str, command: cmd.VoidTicket, at: datetime
    ) -> Outcome:
        ticket = self._find(repo, command.number, at)
        if ticket.issued_by != device_id:
            raise WrongCounter(f"Chỉ thiết bị đã cấp số {ticket.number} mới được hủy số này.")
        outcome = Outcome(queues=True)
        voided = self._apply(repo, ticket, rules.void(ticket, at, command.reason), outcome)
        outcome.result = {"ticket": self._info(repo, voided, at)}
        return outcome

    def _find(self, repo: QueueRepository, number: str, at: datetime) -> Ticket:
        ticket = repo.find_ticket(self.today(at), parse_number(number))
        if ticket is None:
            raise NotFound(f"Không có số {number} trong ngày hôm nay.")
        return ticket

    def _check_link(self, device_id: str, ticket: Ticket, token: str | None) -> None:
        """The web service names a ticket only with its link's token (no counting numbers)."""
        if token is None and device_id != WEB_USER:
            return
        links, day = self.links, ticket.service_day
        if (
            token is None
            or links is None
            or not links.token_ok(self.site.id, day, ticket.number, token)
        ):
            raise NotFound(f"Không có số {ticket.number} trong ngày hôm nay.")

    def _info(self, repo: QueueRepository, ticket: Ticket, at: datetime) -> dict[str, Any]:
        links = self.links
        qr = links.ticket(self.site.id, ticket.service_day, ticket.number) if links else None
        info = ticket_info(self.site, repo, self.service_times, ticket, at, qr)
        return info.model_dump(mode="json")

    # Counters ----------------------------------------------------------------------------

    def _counter(self, device_id: str) -> Counter:
        try:
            return self.site.counter(device_id)
        except NotFound:
            raise WrongCounter(f"Thiết bị {device_id!r} không phải là một quầy.") from None

    def _counter_command(
        self, repo: QueueRepository, counter: Counter, command: cmd.Command, at: datetime
    ) -> Outcome:
        state = repo.counter_state(counter.id, lock=True)
        outcome = Outcome(counters={counter.id}, zones={counter.zone})
        if isinstance(command, cmd.OpenCounter):
            self._require_login(repo, state, command.officer_id)
            state = counter_rules.open_counter(state, command.officer_id)
            outcome.queues = True
        elif isinstance(command, cmd.CloseCounter):
            state = counter_rules.close_counter(state)
            outcome.queues = True
        elif isinstance(command, cmd.PauseCounter):
            state = counter_rules.pause_counter(state, command.reason)
            outcome.queues = True
        elif isinstance(command, cmd.UnpauseCounter):
            state = counter_rules.unpause_counter(state)
            outcome.queues = True
        elif isinstance(command, cmd.CallNext | cmd.CallNumber):
            state = self._call(repo, counter, state, command, at, outcome)
        elif isinstance(command, cmd.Resume):
            state = self._resume(repo, counter, state, command.number, at, outcome)
        else:
            state = self._act_on_current(repo, counter, state, command, at, outcome)
        repo.save_counter_state(state, at)
        outcome.officer_id = state.officer_id
        outcome.result.setdefault("counter", {"id": counter.id, "status": state.status.value})
        return outcome

    def _require_login(self, repo: QueueRepository, state: CounterState, officer_id: str) -> None:
        """Where officer accounts exist, a counter opens only for the officer logged in there."""
        if state.officer_id == officer_id:
            return
        if OfficerRepository(repo.session, self.site.id).has_accounts():
            raise Forbidden("Hãy đăng nhập bằng mã cán bộ và mật khẩu để mở quầy.")

    def _current(self, repo: QueueRepository, state: CounterState) -> Ticket:
        if state.current_ticket_id is None:
            raise InvalidTransition(f"Quầy {state.counter_id} chưa gọi số nào.")
        return repo.get_ticket(state.current_ticket_id)

    def _apply(
        self,
        repo: QueueRepository,
        before: Ticket,
        change: tuple[Ticket, TicketEvent],
        outcome: Outcome,
    ) -> Ticket:
        after, event = change
        repo.save(before, after)
        forget_card_if_ended(repo, after)
        fact = ticket_fact(after)
        if fact is not None and after.id is not None:
            repo.add_fact(after.id, fact)
        outcome.events.append(event)
        self.messages.called(repo, after, event)
        if event.kind is TicketEventKind.FINISHED:
            seconds = rules.service_seconds(after)
            self.service_times.record(after.service_code, seconds, repo.recent_service_seconds)
        return after

    def _finish_current(
        self,
        repo: QueueRepository,
        counter: Counter,
        state: CounterState,
        at: datetime,
        out: Outcome,
    ) -> CounterState:
        if state.current_ticket_id is None:
            return state
        current = repo.get_ticket(state.current_ticket_id)
        if current.state in (TicketState.CALLED, TicketState.SERVING):
            done = self._apply(repo, current, rules.finish(current, counter.id, at), out)
            out.result["finished"] = done.number
        return replace(state, current_ticket_id=None)

    def _call(
        self,
        repo: QueueRepository,
        counter: Counter,
        state: CounterState,
        command: cmd.CallNext | cmd.CallNumber,
        at: datetime,
        out: Outcome,
    ) -> CounterState:
        state.require_calling()
        day = self.today(at)
        chosen = None
        if isinstance(command, cmd.CallNumber):  # checked before the current one is finished
            chosen = self._callable(repo, counter, command.number, at)
        state = self._finish_current(repo, counter, state, at, out)
        if chosen is not None:
            ticket = chosen
            streak = state.priority_streak
        else:
            waiting = repo.waiting_for_counter(day, counter.id, counter.services)
            choice = choose_next(
                counter.id,
                counter.services,
                waiting,
                state.priority_streak,
                self.site.rules.priority_ratio,
                at,
                self.site.rules.appointment_margin,
            )
            if choice is None:
                if "finished" in out.result:
                    out.result["ticket"] = None
                    out.queues = True
                    return state
                raise QueueEmpty(self._nobody_waits(counter, waiting))
            ticket = repo.get_ticket(choice.entry.ticket_id)
            streak = choice.priority_streak
        called = self._apply(
            repo, ticket, rules.call(ticket, counter.id, state.officer_id, at), out
        )
        out.queues = True
        out.result["ticket"] = self._info(repo, called, at)
        return replace(state, current_ticket_id=called.id, priority_streak=streak)

    def _nobody_waits(self, counter: Counter, waiting: list[QueueEntry]) -> str:
        """Why call_next found nobody: nobody waits, or only appointments whose time is to come."""
        booked = next_appointment(counter.id, counter.services, waiting)
        if booked is None or booked.appointment_at is None:
            return "Không có công dân nào đang chờ tại quầy này."
        zone = ZoneInfo(self.site.rules.timezone)
        slot = f"{booked.appointment_at.astimezone(zone):%H:%M}"
        return (
            f"Chưa có ai đến lượt: số {booked.number} có lịch hẹn lúc {slot}, được gọi từ "
            f"{self.site.rules.appointment_margin_minutes} phút trước giờ hẹn (hoặc gọi theo số)."
        )

    def _callable(
        self, repo: QueueRepository, counter: Counter, number: str, at: datetime
    ) -> Ticket:
        """The waiting ticket a counter asks for by number, if it may call it."""
        ticket = self._find(repo, number, at)
        if ticket.state is not TicketState.WAITING or ticket.id is None:
            raise InvalidTransition(f"Số {ticket.number} không còn chờ gọi.")
        if not eligible(counter.id, counter.services, queue_entry(ticket)):
            raise WrongCounter(f"Quầy {counter.label} không phục vụ số {ticket.number}.")
        return ticket

    def _resume(
        self,
        repo: QueueRepository,
        counter: Counter,
        state: CounterState,
        number: str,
        at: datetime,
        out: Outcome,
    ) -> CounterState:
        state.require_calling()
        if state.current_ticket_id is not None:
            raise InvalidTransition(f"Quầy {counter.label} đang phục vụ một số khác.")
        ticket = self._find(repo, number, at)
        resumed = self._apply(
            repo, ticket, rules.resume(ticket, counter.id, state.officer_id, at), out
        )
        out.result["ticket"] = self._info(repo, resumed, at)
        return replace(state, current_ticket_id=resumed.id)

    def _act_on_current(
        self,
        repo: QueueRepository,
        counter: Counter,
        state: CounterState,
        command: cmd.Command,
        at: datetime,
        out: Outcome,
    ) -> CounterState:
        ticket = self._current(repo, state)
        change: tuple[Ticket, TicketEvent]
        if isinstance(command, cmd.Recall):
            change = rules.recall(ticket, counter.id, at, self.site.rules.max_recalls)
        elif isinstance(command, cmd.StartServing):
            change = rules.start_serving(ticket, counter.id, at)
        elif isinstance(command, cmd.Finish):
            change = rules.finish(ticket, counter.id, at)
        elif isinstance(command, cmd.NoShow):
            change = rules.no_show(ticket, counter.id, at)
        elif isinstance(command, cmd.Hold):
            change = rules.hold(ticket, counter.id, at, command.reason)
        elif isinstance(command, cmd.Transfer):
            change = self._transfer(ticket, counter, command, at)
            out.queues = True
        else:
            raise InvalidInput(f"Lệnh {type(command).__name__} chưa được hỗ trợ.")
        after = self._apply(repo, ticket, change, out)
        out.result["ticket"] = self._info(repo, after, at)
        if after.state in (TicketState.CALLED, TicketState.SERVING):
            return state
        if after.state is TicketState.NO_SHOW:
            out.queues = True
        return replace(state, current_ticket_id=None)

    def _transfer(
        self, ticket: Ticket, counter: Counter, command: cmd.Transfer, at: datetime
    ) -> tuple[Ticket, TicketEvent]:
        to_service = command.to_service or ticket.service_code
        self.site.service(to_service)
        if command.to_counter is not None:
            self.site.counter(command.to_counter)
        elif not self.site.counters_serving(to_service):
            raise InvalidInput(f"Không có quầy nào phục vụ dịch vụ {to_service!r}.")
        return rules.transfer(
            ticket, counter.id, at, to_service, command.to_counter, command.front, command.note
        )

    # Day rollover ------------------------------------------------------------------------

    def rollover(self, repo: QueueRepository, at: datetime) -> Outcome:
        """Start a new service day: close yesterday's open tickets and reset the counters."""
        today = self.today(at)
        if repo.service_day() == today:
            return Outcome()
        outcome = Outcome(queues=True, zones={z.id for z in self.site.zones})
        for ticket in repo.open_tickets_before(today):
            self._apply(repo, ticket, rules.expire(ticket, at), outcome)
        for counter_id, state in repo.counter_states().items():
            if state.current_ticket_id is not None or state.status.value != "closed":
                repo.save_counter_state(CounterState(counter_id), at)
                outcome.counters.add(counter_id)
        repo.forget_cards_before(today)
        repo.set_service_day(today)
        outcome.result = {"service_day": today.isoformat(), "expired": len(outcome.events)}
        return outcome
