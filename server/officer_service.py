"""Officers at counters: start a shift (after the login check), log out, ratings, figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from server.outcome import Outcome
from shared.domain import counters as counter_rules
from shared.domain.counters import CounterState
from shared.domain.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from shared.domain.numbering import parse_number
from shared.domain.site import Counter, Site
from shared.domain.tickets import PeriodKind, TicketState
from shared.messaging import dossier_commands as dc
from shared.messaging.commands import Command
from shared.storage.dossier_repository import DossierRepository
from shared.storage.officer_repository import Officer, OfficerRepository
from shared.storage.repository import QueueRepository

HANDLED = (dc.OfficerLogin, dc.OfficerLogout, dc.RateService, dc.CounterSummary)
BAD_LOGIN = "Sai mã cán bộ hoặc mật khẩu."


def officer_info(officer: Officer) -> dict[str, Any]:
    """What a console shows of the logged-in officer."""
    return {
        "id": officer.officer_id,
        "name": officer.name,
        "title": officer.title,
        "role": officer.role,
    }


class OfficerService:
    """Applies officer commands of a counter inside the server's transaction."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def handles(self, command: Command) -> bool:
        """Tell whether the command is an officer command."""
        return isinstance(command, HANDLED)

    def execute(
        self, queue: QueueRepository, counter: Counter, command: Command, day: date, at: datetime
    ) -> Outcome:
        """Apply an officer command of a counter; raise DomainError when refused."""
        if isinstance(command, dc.OfficerLogin):
            # The password is checked beside the writer first (server.logins), then `login`.
            raise InvalidInput("Đăng nhập phải qua bước kiểm tra mật khẩu.")
        officers = OfficerRepository(queue.session, self.site.id)
        state = queue.counter_state(counter.id, lock=True)
        if isinstance(command, dc.OfficerLogout):
            return self._logout(queue, officers, counter, state, command.reason, at)
        if state.officer_id is None:
            raise Forbidden(f"Quầy {counter.label} chưa có cán bộ đăng nhập.")
        if isinstance(command, dc.RateService):
            return self._rate(queue, officers, counter, state, command, day, at)
        assert isinstance(command, dc.CounterSummary)
        return self._summary(queue, counter, state, day)

    def login(
        self, queue: QueueRepository, counter: Counter, officer: Officer, at: datetime
    ) -> Outcome:
        """Start the shift of an officer whose password was checked; raise when not allowed."""
        officers = OfficerRepository(queue.session, self.site.id)
        state = queue.counter_state(counter.id, lock=True)
        if not officer.serves(counter.id):
            raise Forbidden(
                f"Cán bộ {officer.name} không được phân công làm việc tại quầy {counter.label}."
            )
        # Logging in again (after a lock or a console restart) keeps the shift going.
        if state.officer_id != officer.officer_id:
            state = self._hand_counter_to(queue, officers, counter, state, officer, at)
        return Outcome(
            result={
                "officer": officer_info(officer),
                "counter": {"id": counter.id, "status": state.status.value},
            },
            counters={counter.id},
            zones={counter.zone},
            queues=True,
            officer_id=officer.officer_id,
        )

    def _hand_counter_to(
        self,
        queue: QueueRepository,
        officers: OfficerRepository,
        counter: Counter,
        state: CounterState,
        officer: Officer,
        at: datetime,
    ) -> CounterState:
        """Close the counter for whoever had it and open it for `officer`, logging the shift."""
        if state.current_ticket_id is not None:
            raise InvalidTransition(
                f"Quầy {counter.label} đang phục vụ một số của cán bộ khác: hãy kết thúc trước."
            )
        if state.status.value != "closed":
            state = counter_rules.close_counter(state)
        state = counter_rules.open_counter(state, officer.officer_id)
        officers.start_session(officer.officer_id, counter.id, at)
        queue.save_counter_state(state, at)
        return state

    def _logout(
        self,
        queue: QueueRepository,
        officers: OfficerRepository,
        counter: Counter,
        state: CounterState,
        reason: str,
        at: datetime,
    ) -> Outcome:
        officer = state.officer_id
        if state.status.value != "closed":
            state = counter_rules.close_counter(state)
        state = replace(state, officer_id=None)
        queue.save_counter_state(state, at)
        officers.end_sessions(counter.id, at, reason or "logout")
        return Outcome(
            result={"counter": {"id": counter.id, "status": state.status.value}},
            counters={counter.id},
            zones={counter.zone},
            queues=True,
            officer_id=officer,
        )

    def _rate(
        self,
        queue: QueueRepository,
        officers: OfficerRepository,
        counter: Counter,
        state: CounterState,
        command: dc.RateService,
        day: date,
        at: datetime,
    ) -> Outcome:
        if command.score > command.scale:
            raise Forbidden(f"Mức đánh giá {command.score} vượt thang {command.scale}.")
        ticket = queue.find_ticket(day, parse_number(command.number))
        if ticket is None or ticket.id is None:
            raise NotFound(f"Không có số {command.number} trong ngày hôm nay.")
        served_here = any(
            p.kind in (PeriodKind.CALLED, PeriodKind.SERVING) and p.counter_id == counter.id
            for p in ticket.periods
        )
        if ticket.state is not TicketState.DONE or not served_here:
            raise InvalidTransition(
                f"Số {ticket.number} chưa được phục vụ xong tại quầy {counter.label}."
            )
        dossiers = DossierRepository(queue.session, self.site.id).dossiers_of_ticket(ticket.id)
        stored = officers.add_rating(
            ticket_id=ticket.id,
            service_day=day,
            service_code=ticket.service_code,
            counter_id=counter.id,
            officer_id=state.officer_id,
            dossier_code=dossiers[0] if dossiers else None,
            score=command.score,
            scale=command.scale,
            at=at,
        )
        return Outcome(
            result={"rated": ticket.number, "duplicate": not stored}, officer_id=state.officer_id
        )

    def _summary(
        self, queue: QueueRepository, counter: Counter, state: CounterState, day: date
    ) -> Outcome:
        served = queue.served_count(day, counter.id)
        seconds = queue.counter_service_seconds(day, counter.id)
        waiting = queue.waiting_summary(day)
        services = []
        for code in counter.services:
            count, priority, oldest = waiting.get(code, (0, 0, None))
            services.append(
                {
                    "service": code,
                    "waiting": count,
                    "priority_waiting": priority,
                    "oldest_issued_at": oldest.isoformat() if oldest else None,
                }
            )
        summary = {
            "served": served,
            "average_service_seconds": round(seconds / served, 1) if served else 0.0,
            "waiting": services,
        }
        return Outcome(result={"summary": summary}, officer_id=state.officer_id)
