"""The rules engine for dossiers: receipt, hand-overs, pauses, refusals, results, apologies."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, time
from typing import Any

from sqlalchemy.orm import Session

from server.dossier_lookup import Asker, DossierFinder
from server.dossier_projection import ViewContext, full_view, late_view, procedure_view, public_view
from server.index_entry import IndexSettings, index_entry
from server.outcome import DossierEvent, Outcome
from server.result_transfers import ResultTransfers
from shared.config.notify import NotifyConfig
from shared.config.site import SiteConfig, parse_hhmm
from shared.domain import dossiers as rules
from shared.domain.deadlines import DeadlineRule, WorkingCalendar, snapshot
from shared.domain.dossier_codes import DossierCodePattern, new_token
from shared.domain.dossiers import (
    Channel,
    Citizen,
    Dossier,
    DossierStatus,
    ReceivedDocument,
    masked_citizen,
)
from shared.domain.errors import Forbidden, InvalidInput, NotFound, WrongCounter
from shared.domain.notifications import MessageKind
from shared.domain.personal_data import PERSONAL_FIELDS
from shared.domain.second_factor import LookupPolicy
from shared.domain.site import Site
from shared.messaging import dossier_commands as dc
from shared.messaging.bus import Message
from shared.messaging.commands import Command
from shared.messaging.dossier_views import DossierPublic
from shared.messaging.registry import WEB_USER
from shared.storage import outbox
from shared.storage.dossier_repository import DossierRepository
from shared.storage.notifications import queue_notification
from shared.storage.outbox import OutboxEntry
from shared.storage.personal_data import log_access
from shared.storage.repository import QueueRepository

SEQUENCE_PREFIX = "#HS"
STAFF_COMMANDS = (
    dc.ReceiveDossier,
    dc.HandOver,
    dc.RequestSupplement,
    dc.SupplementReceived,
    dc.RefuseDossier,
    dc.MarkDone,
    dc.MarkReturned,
    dc.TransferResult,
    dc.AcceptResult,
    dc.ReturnHeldResult,
    dc.Reschedule,
    dc.DossierDetail,
    dc.LateDossiers,
)
PUBLIC_COMMANDS = (dc.ListProcedures, dc.LookUpDossier)
HANDLED = (*STAFF_COMMANDS, *PUBLIC_COMMANDS, dc.SyncDossier)


@dataclass(frozen=True)
class DossierSettings:
    """The site's dossier rules: code pattern, calendar, deadline rule, return hour and service."""

    agency_code: str = "000.00.00.H00"
    pattern: DossierCodePattern = field(default_factory=DossierCodePattern)
    calendar: WorkingCalendar = field(default_factory=WorkingCalendar)
    rule: DeadlineRule = field(default_factory=DeadlineRule)
    due_time: time = time(16, 30)
    return_service: str | None = None
    late_check_time: time = time(7, 0)
    external_devices: frozenset[str] = frozenset()
    public_reasons: frozenset[str] = frozenset()
    foreign_patterns: tuple[str, ...] = ()
    # The provincial index: None when this branch does not take part.
    index: IndexSettings | None = None
    lookups: LookupPolicy = field(default_factory=LookupPolicy)
    # Messages to citizens ([notify]): None when the site sends none.
    notify: NotifyConfig | None = None
    # Branches this one may transfer a ready result to (site id → name): the province's rule.
    return_branches: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: SiteConfig) -> DossierSettings:
        """Build the settings from a site file (raises IndexKeyError for an unusable key)."""
        section = config.dossiers
        return cls(
            agency_code=section.agency_code,
            pattern=DossierCodePattern(section.code_pattern),
            calendar=config.calendar.to_calendar(),
            rule=config.calendar.to_rule(config.site.timezone),
            due_time=parse_hhmm(section.due_time),
            return_service=section.return_service,
            late_check_time=parse_hhmm(section.late_check_time),
            external_devices=frozenset(section.external_systems),
            public_reasons=frozenset(section.public_reasons),
            foreign_patterns=tuple(section.foreign_code_patterns),
            index=IndexSettings.from_config(config),
            lookups=LookupPolicy(
                failures=config.limits.lookup_failures,
                window_seconds=config.limits.lookup_window_seconds,
            ),
            notify=config.notify if config.notify.enabled else None,
            return_branches=dict(config.index.return_branches),
        )


class DossierService:
    """Applies dossier commands inside the server's transaction."""

    def __init__(self, site: Site, settings: DossierSettings) -> None:
        self.site = site
        self.settings = settings
        self.views = ViewContext(
            site, settings.due_time, settings.return_service, settings.public_reasons
        )
        self._counters = {c.id for c in site.counters}
        self.finder = DossierFinder(
            settings.pattern.regex(), settings.foreign_patterns, settings.index, settings.lookups
        )
        self.transfers = ResultTransfers(self.views, settings.index, settings.return_branches)

    def handles(self, command: Command) -> bool:
        """Tell whether the command is a dossier command."""
        return isinstance(command, HANDLED)

    def execute(
        self, queue: QueueRepository, device_id: str, command: Command, at: datetime
    ) -> Outcome:
        """Apply a dossier command; raise DomainError when it is refused."""
        session = queue.session
        repo = DossierRepository(session, self.site.id)
        if isinstance(command, dc.ListProcedures):
            return self._procedures(session, command)
        if isinstance(command, dc.LookUpDossier):
            asker = Asker(
                device_id,
                self._trusted(queue, device_id),
                command.phone_digits,
                links_only=device_id == WEB_USER,  # one device for every visitor's phone
            )
            dossier = self.finder.find(repo, command.text, asker, at)
            return Outcome(result={"dossier": self._json(public_view(dossier, self.views, at))})
        if isinstance(command, dc.SyncDossier):
            if device_id not in self.settings.external_devices:
                raise Forbidden(f"Thiết bị {device_id!r} không được đồng bộ hồ sơ.")
            return self._sync(session, repo, device_id, command, at)
        officer = self._officer(queue, device_id)
        if isinstance(command, dc.ReceiveDossier):
            return self._receive(session, queue, repo, device_id, officer, command, at)
        if isinstance(command, dc.LateDossiers):
            views = self.late_list(session, at, command.department)
            return Outcome(result={"dossiers": views}, officer_id=officer)
        if isinstance(command, dc.AcceptResult | dc.ReturnHeldResult):  # another branch's result
            outcome = self.transfers.execute(session, officer, device_id, command, at)
            outcome.officer_id = officer
            return outcome
        assert isinstance(command, dc.DossierAction)
        dossier = self._get(repo, command.code)
        kind = str(type(command).model_fields["type"].default)
        if isinstance(command, dc.DossierDetail):
            if dossier.site_id != self.site.id:  # another branch's citizen: the masked view
                dossier = replace(dossier, citizen=masked_citizen(dossier.citizen))
            self._log_read(session, dossier, at, officer, device_id, kind)
            return self._full(dossier, at, officer)
        self._own(dossier)
        after = self._transition(dossier, officer, command, at)
        stored = repo.save(dossier, after, at)
        self._notify(session, dossier, stored, at)
        if isinstance(command, dc.MarkReturned):
            self._link_current(queue, repo, device_id, stored, "return")
        self._log_read(session, stored, at, officer, device_id, kind)
        outcome = self._full(stored, at, officer)
        outcome.dossier_events.append(self._event(stored, at, kind))
        outcome.index_entries += self._index(session, stored, at)
        return outcome

    # Reading ------------------------------------------------------------------------------

    def _procedures(self, session: Session, command: dc.ListProcedures) -> Outcome:
        from shared.storage.catalogue import CatalogueRepository

        catalogue = CatalogueRepository(session, self.site.id)
        found = catalogue.search(command.query, command.department)
        # One page at a time, so a reply stays bounded however large the catalogue is.
        start = (command.page - 1) * command.limit
        page = found[start : start + command.limit]
        views = [self._json(procedure_view(p, self.views)) for p in page]
        result = {
            "procedures": views,
            "page": command.page,
            "limit": command.limit,
            "total": len(found),
            "more": start + len(page) < len(found),
        }
        return Outcome(result=result)

    def look_up_for_return(
        self, repo: DossierRepository, text: str, device_id: str, at: datetime
    ) -> Dossier:
        """Find the dossier a return ticket names: a QR or token, or a code the device proved."""
        asker = Asker(device_id, device_id in self.settings.external_devices, None, True)
        return self.finder.find(repo, text, asker, at)

    def held_for_return(
        self, session: Session, text: str, device_id: str, at: datetime
    ) -> str | None:
        """The code of another branch's result held here that a return ticket names, if any.

        The device must have found that code with its token or phone digits a moment ago
        (checked by the provincial index); the result must be here and not yet returned.
        """
        code = self.finder.code_in(text)
        if code is None or not self.transfers.may_issue_return(session, code):
            return None
        trusted = device_id in self.settings.external_devices
        if not trusted and not self.finder.guard.has_proved(device_id, code, at.timestamp()):
            return None
        return code

    def _trusted(self, queue: QueueRepository, device_id: str) -> bool:
        """A counter with an officer logged in, or an external system: a bare code is enough."""
        if device_id in self.settings.external_devices:
            return True
        return device_id in self._counters and queue.counter_state(device_id).officer_id is not None

    def _get(self, repo: DossierRepository, code: str) -> Dossier:
        dossier = repo.by_code(code)
        if dossier is None:
            raise NotFound(f"Không có hồ sơ {code}.")
        return dossier

    def _own(self, dossier: Dossier) -> None:
        if dossier.site_id != self.site.id:
            raise Forbidden(
                f"Hồ sơ {dossier.code} do điểm {dossier.site_id} tiếp nhận; chỉ điểm đó cập nhật."
            )

    def _full(self, dossier: Dossier, at: datetime, officer: str | None) -> Outcome:
        view = full_view(dossier, self.views, at)
        return Outcome(result={"dossier": self._json(view)}, officer_id=officer)

    def _log_read(
        self,
        session: Session,
        dossier: Dossier,
        at: datetime,
        officer: str,
        device_id: str,
        purpose: str,
    ) -> None:
        """Write who read the citizen's fields of a dossier (the staff view carries them all)."""
        citizen = dossier.citizen
        shown = [f for f in PERSONAL_FIELDS if getattr(citizen, f)]
        log_access(
            session,
            site_id=self.site.id,
            at=at,
            actor=officer,
            device_id=device_id,
            purpose=purpose,
            fields=shown,
            dossier_code=dossier.code,
        )

    def near_due(
        self, repo: DossierRepository, at: datetime, department: str | None = None
    ) -> list[Dossier]:
        """Open dossiers due within one working day, or overdue, oldest due first."""
        today = self.settings.rule.local(at).date()
        last = self.settings.calendar.next_working_day(today)
        return repo.open_due_by(last, department)

    # Writing ------------------------------------------------------------------------------

    def _officer(self, queue: QueueRepository, device_id: str) -> str:
        if device_id not in self._counters:
            raise WrongCounter(f"Thiết bị {device_id!r} không phải là một quầy.")
        officer = queue.counter_state(device_id).officer_id
        if officer is None:
            raise Forbidden(f"Quầy {device_id} chưa có cán bộ đăng nhập.")
        return officer

    def _new_code(self, queue: QueueRepository, at: datetime) -> str:
        day = self.settings.rule.local(at).date()
        sequence = queue.next_sequence(day, SEQUENCE_PREFIX)
        return self.settings.pattern.format(self.settings.agency_code, day, sequence)

    def _new_token(self, repo: DossierRepository) -> str:
        while True:
            token = new_token()
            if not repo.token_taken(token):
                return token

    def _receive(
        self,
        session: Session,
        queue: QueueRepository,
        repo: DossierRepository,
        device_id: str,
        officer: str,
        command: dc.ReceiveDossier,
        at: datetime,
    ) -> Outcome:
        from shared.storage.catalogue import CatalogueRepository

        procedure = CatalogueRepository(session, self.site.id).get(command.procedure)
        if procedure is None:
            raise NotFound(f"Không có thủ tục {command.procedure} trong danh mục.")
        documents = tuple(
            ReceivedDocument(d.name, d.form, d.quantity) for d in command.documents
        ) or tuple(ReceivedDocument(d.name, d.form, d.quantity) for d in procedure.documents)
        state = queue.counter_state(device_id)
        ticket = None
        if command.link_current_ticket and state.current_ticket_id is not None:
            ticket = queue.get_ticket(state.current_ticket_id)
        dossier = rules.receive(
            code=self._new_code(queue, at),
            token=self._new_token(repo),
            site_id=self.site.id,
            procedure_code=procedure.code,
            procedure_name=procedure.name,
            department=procedure.department,
            channel=Channel(command.channel),
            citizen=_citizen(command.citizen),
            documents=documents,
            sets=command.sets,
            legal_days=procedure.legal_days,
            at=at,
            officer=officer,
            rules=snapshot(self.settings.calendar, self.settings.rule),
            return_place=procedure.return_place,
            fee=procedure.fee,
            counter_id=device_id,
            ticket_number=ticket.number if ticket else None,
        )
        kind = "received"
        if command.refuse_reason is not None:
            dossier = rules.refuse(dossier, at, officer, command.refuse_reason)
            kind = "refuse_dossier"
        stored = repo.add(dossier, at)
        if ticket is not None and ticket.id is not None and stored.id is not None:
            repo.link_ticket(ticket.id, stored.id, "receive")
        self._log_read(session, stored, at, officer, device_id, "receive_dossier")
        outcome = self._full(stored, at, officer)
        outcome.dossier_events.append(self._event(stored, at, kind))
        outcome.index_entries += self._index(session, stored, at)
        return outcome

    def _transition(
        self, dossier: Dossier, officer: str, command: dc.DossierAction, at: datetime
    ) -> Dossier:
        if isinstance(command, dc.HandOver):
            from_unit = command.from_unit or self.views.department_name(dossier.department)
            return rules.handover(
                dossier, at, officer, command.receiver, from_unit, command.to_unit, command.note
            )
        if isinstance(command, dc.RequestSupplement):
            missing = "; ".join(m.name for m in command.missing)
            note = f"{command.reason} — {missing}" if missing else command.reason
            return rules.request_supplement(dossier, at, officer, note[:400])
        if isinstance(command, dc.SupplementReceived):
            return rules.resume_processing(dossier, at, officer, command.note)
        if isinstance(command, dc.RefuseDossier):
            return rules.refuse(dossier, at, officer, command.reason)
        if isinstance(command, dc.MarkDone):
            return rules.mark_done(dossier, at, officer, command.note)
        if isinstance(command, dc.MarkReturned):
            return rules.mark_returned(dossier, at, officer, command.note)
        if isinstance(command, dc.TransferResult):
            return self.transfers.transfer(dossier, officer, command, at)
        if isinstance(command, dc.Reschedule):
            return rules.reschedule(dossier, at, officer, command.reason, command.new_due)
        raise InvalidInput(f"Lệnh {type(command).__name__} chưa được hỗ trợ.")

    def _link_current(
        self,
        queue: QueueRepository,
        repo: DossierRepository,
        device_id: str,
        dossier: Dossier,
        purpose: str,
    ) -> None:
        ticket_id = queue.counter_state(device_id).current_ticket_id
        if ticket_id is not None and dossier.id is not None:
            repo.link_ticket(ticket_id, dossier.id, purpose)

    def _sync(
        self,
        session: Session,
        repo: DossierRepository,
        device_id: str,
        command: dc.SyncDossier,
        at: datetime,
    ) -> Outcome:
        status = DossierStatus(command.status)
        dossier = repo.by_code(command.code)
        created = False
        if dossier is None:
            dossier = self._external_dossier(session, repo, device_id, command)
            created = True
        else:
            self._own(dossier)
            if command.at <= dossier.steps[-1].at:
                # Already applied, or older than what is known: re-sending changes nothing.
                result = {"code": dossier.code, "status": int(dossier.status), "created": False}
                return Outcome(result=result, officer_id=device_id)
        after = rules.sync_status(dossier, status, command.at, device_id, command.note)
        stored = dossier if after is dossier else repo.save(dossier, after, at)
        if after is not dossier:
            self._notify(session, dossier, stored, at)
        outcome = Outcome(
            result={"code": stored.code, "status": int(stored.status), "created": created},
            officer_id=device_id,
        )
        if created or after is not dossier:
            outcome.dossier_events.append(self._event(stored, at, "synced"))
            outcome.index_entries += self._index(session, stored, at)
        return outcome

    def _external_dossier(
        self, session: Session, repo: DossierRepository, device_id: str, command: dc.SyncDossier
    ) -> Dossier:
        if command.citizen is None or not command.procedure or command.received_at is None:
            raise InvalidInput(
                f"Hồ sơ {command.code} chưa có trong hệ thống: cần gửi kèm procedure, "
                "citizen và received_at."
            )
        from shared.storage.catalogue import CatalogueRepository

        procedure = CatalogueRepository(session, self.site.id).get(command.procedure)
        if procedure is None:
            raise NotFound(f"Không có thủ tục {command.procedure} trong danh mục.")
        dossier = rules.receive(
            code=command.code,
            token=self._new_token(repo),
            site_id=self.site.id,
            procedure_code=procedure.code,
            procedure_name=procedure.name,
            department=procedure.department,
            channel=Channel(command.channel),
            citizen=_citizen(command.citizen),
            documents=tuple(
                ReceivedDocument(d.name, d.form, d.quantity) for d in procedure.documents
            ),
            sets=1,
            legal_days=procedure.legal_days,
            at=command.received_at,
            officer=device_id,
            rules=snapshot(self.settings.calendar, self.settings.rule),
            return_place=procedure.return_place,
            fee=procedure.fee,
        )
        return repo.add(dossier, command.received_at, source=device_id)

    # Late dossiers ------------------------------------------------------------------------

    def late_check(self, session: Session, at: datetime) -> Outcome:
        """Flag open dossiers due within one working day or overdue, once a day each."""
        repo = DossierRepository(session, self.site.id)
        outcome = Outcome()
        today = self.settings.rule.local(at).date()
        flagged = []
        for dossier in self.near_due(repo, at):
            noticed = dossier.late_notice_at
            if noticed is not None and self.settings.rule.local(noticed).date() == today:
                continue
            stored = repo.save(dossier, replace(dossier, late_notice_at=at), at)
            outcome.dossier_events.append(self._event(stored, at, "late_notice"))
            outcome.index_entries += self._index(session, stored, at)
            flagged.append(stored.code)
        outcome.result = {"flagged": flagged}
        outcome.late_dossiers = True
        return outcome

    def late_list(
        self, session: Session, at: datetime, department: str | None = None
    ) -> list[dict[str, Any]]:
        """The dossiers near or past their due date, for the retained list (no personal data)."""
        repo = DossierRepository(session, self.site.id)
        found = self.near_due(repo, at, department)
        return [self._json(late_view(d, self.views, at)) for d in found]

    # Messages to citizens -----------------------------------------------------------------

    def _notify(self, session: Session, before: Dossier, after: Dossier, at: datetime) -> None:
        """Queue the citizen's message when a result is ready or a late dossier gets a new date.

        The message commits with the change (or not at all); `motcua notify` sends it. One
        message per dossier and kind, whatever happens next (the dedupe key).
        """
        settings = self.settings.notify
        if settings is None:
            return
        values = {"code": after.code, "procedure": after.procedure_name}
        dedupe = ""
        if after.status is DossierStatus.DONE and before.status is not DossierStatus.DONE:
            kind = MessageKind.READY
            values["place"] = after.return_place or "Bộ phận trả kết quả"
            values["due"] = f"{after.due:%d/%m/%Y}"
        elif (
            after.status is DossierStatus.DONE
            and after.result_arrived_at != before.result_arrived_at
        ):
            # The result reached the branch it was transferred to: collect it there.
            kind, dedupe = MessageKind.READY, f":{after.result_site_id}"
            place = after.return_place or "Bộ phận trả kết quả"
            values["place"] = f"{place}, {after.result_site_name}"
            values["due"] = f"{after.due:%d/%m/%Y}"
        elif after.apology is not None and before.apology is None:
            kind = MessageKind.APOLOGY
            values["due"] = f"{after.legal_due:%d/%m/%Y}"
            values["new_due"] = f"{after.apology.new_due:%d/%m/%Y}"
        else:
            return
        citizen = after.citizen
        queued = queue_notification(
            session,
            self.site.id,
            kind,
            params=values,
            dedupe_key=f"dossier:{after.code}:{kind.value}{dedupe}",
            at=at,
            recipient_phone=citizen.phone,
            recipient_email=citizen.email,
            channels=settings.channels_for(kind),
            reference=after.code,
        )
        if queued is not None:
            # The phone and e-mail go to a gateway (Zalo, an SMS provider, a mail server).
            shown = [f for f in ("phone", "email") if getattr(citizen, f)]
            log_access(
                session,
                site_id=self.site.id,
                at=at,
                actor="notify",
                purpose=f"notify_{kind.value}",
                fields=shown,
                dossier_code=after.code,
            )

    # The provincial index -----------------------------------------------------------------

    def _index(self, session: Session, dossier: Dossier, at: datetime) -> list[OutboxEntry]:
        """Write the dossier's new index entry to the outbox (same transaction as the change)."""
        index = self.settings.index
        if index is None or dossier.id is None:
            return []
        view = public_view(dossier, self.views, at)
        entry = index_entry(dossier, view, index, at).model_dump_json()
        return [
            outbox.put(session, self.site.id, dossier.code, dossier.version, entry, at, dossier.id)
        ]

    def apply_handover(self, session: Session, message: Message, at: datetime) -> Outcome:
        """Log what the branch holding one of our results reports (`index/handed`)."""
        applied = self.transfers.apply_notice(DossierRepository(session, self.site.id), message, at)
        if applied is None:
            return Outcome()
        before, stored, kind = applied
        self._notify(session, before, stored, at)
        outcome = Outcome()
        outcome.dossier_events.append(self._event(stored, at, kind))
        outcome.index_entries += self._index(session, stored, at)
        return outcome

    def accept_answered(
        self, queue: QueueRepository, device_id: str, view: DossierPublic, at: datetime
    ) -> Outcome:
        """Finish `accept_result` with the index's view of the other branch's dossier."""
        officer = self._officer(queue, device_id)
        outcome = self.transfers.accept(queue.session, view, officer, at)
        outcome.officer_id = officer
        return outcome

    def reindex(self, session: Session, at: datetime, limit: int = 500) -> list[OutboxEntry]:
        """Write outbox entries for dossiers whose newest version has none; return them.

        Finds dossiers received before the index was turned on and changes written outside
        the queue server (a retention purge, an import of new due dates).
        """
        if self.settings.index is None:
            return []
        repo = DossierRepository(session, self.site.id)
        written: list[OutboxEntry] = []
        for dossier_id in outbox.behind(session, self.site.id, limit):
            dossier = repo.by_id(dossier_id)
            if dossier is not None:
                written += self._index(session, dossier, at)
        return written

    # Helpers ------------------------------------------------------------------------------

    def _event(self, dossier: Dossier, at: datetime, kind: str) -> DossierEvent:
        timeliness = rules.timeliness(dossier, at)
        return DossierEvent(
            kind=kind,
            code=dossier.code,
            status=int(dossier.status),
            department=dossier.department,
            timeliness=timeliness.value,
            at=at,
        )

    @staticmethod
    def _json(view: Any) -> dict[str, Any]:
        result: dict[str, Any] = view.model_dump(mode="json")
        return result


def _citizen(data: dc.CitizenData) -> Citizen:
    return Citizen(data.name.strip(), data.id_number, data.address, data.phone, data.email)
