"""Results returned at another branch: the transfer, its arrival there, its return, the news back.

Where the province allows it (`[index] return_branches`), the branch that received a dossier
sends its ready result to another branch (a `result_sent` step in the dossier: who, when,
where to). The receiving branch's officer confirms that it arrived and later that it was
handed to the citizen; each is kept in this branch's held-results table and told to the
dossier's own branch through the provincial index (`index/handover` → central →
`index/handed`), where it is logged in the dossier. Only the dossier's own branch changes the
dossier; the other branch changes only what it holds.
"""

from __future__ import annotations

import logging
from datetime import datetime

from pydantic import ValidationError
from sqlalchemy.orm import Session

from server.dossier_lookup import NOT_FOUND
from server.dossier_projection import ViewContext, public_view
from server.index_entry import IndexSettings
from server.index_query import RemoteLookup, RemoteQuery
from server.outcome import Outcome
from shared.domain import dossiers as rules
from shared.domain.dossiers import STATUS_LABELS, Dossier, DossierStatus
from shared.domain.errors import InvalidInput, InvalidTransition
from shared.messaging import dossier_commands as dc
from shared.messaging.bus import Message
from shared.messaging.dossier_views import DossierPublic
from shared.messaging.index import ResultEvent, ResultHandover
from shared.storage import held_results
from shared.storage.dossier_repository import DossierRepository
from shared.storage.held_results import HeldResult
from shared.storage.outbox import OutboxEntry

log = logging.getLogger(__name__)
NO_INDEX = (
    "Chi nhánh này chưa tham gia chỉ mục hồ sơ của tỉnh nên không nhận được kết quả chuyển đến."
)


class ResultTransfers:
    """The transfer rules of one branch, as sender and as the branch a result is sent to."""

    def __init__(
        self,
        views: ViewContext,
        index: IndexSettings | None,
        return_branches: dict[str, str],
    ) -> None:
        self.views = views
        self.site_id = views.site.id
        self.site_name = views.site.name
        self.index = index
        self.return_branches = return_branches

    # The dossier's own branch -----------------------------------------------------------------

    def transfer(
        self, dossier: Dossier, officer: str, command: dc.TransferResult, at: datetime
    ) -> Dossier:
        """Send the ready result to another branch of `return_branches`."""
        name = self.return_branches.get(command.to_site)
        if name is None:
            known = ", ".join(self.return_branches.values()) or "không có chi nhánh nào"
            raise InvalidInput(
                f"Không chuyển được kết quả đến {command.to_site}: chỉ chuyển đến {known}."
            )
        return rules.transfer_result(dossier, at, officer, command.to_site, name, command.note)

    def apply_notice(
        self, repo: DossierRepository, message: Message, at: datetime
    ) -> tuple[Dossier, Dossier, str] | None:
        """Log news from the branch holding one of our results.

        Returns the dossier before and after and the event's kind, or None when there is
        nothing to log (a repeat, a malformed notice, news from a branch it was not sent to).
        """
        try:
            notice = ResultHandover.model_validate_json(message.payload)
        except ValidationError as exc:
            log.warning("ignored a malformed result notice: %s", exc.error_count())
            return None
        dossier = repo.by_code(notice.code)
        if dossier is None or dossier.site_id != self.site_id:
            log.warning("a result notice for %s, not a dossier of this branch", notice.code)
            return None
        actor = f"{notice.officer} ({notice.site_name})"
        try:
            if notice.event is ResultEvent.ARRIVED:
                after = rules.result_arrived(dossier, notice.at, notice.site_id, actor)
            else:
                after = rules.returned_at_branch(dossier, notice.at, notice.site_id, actor)
        except InvalidTransition as exc:
            log.warning("result notice for %s not applied: %s", notice.code, exc.message)
            return None
        if after is dossier:
            return None
        kind = "result_arrived" if notice.event is ResultEvent.ARRIVED else "mark_returned"
        return dossier, repo.save(dossier, after, at), kind

    # The branch a result is sent to ------------------------------------------------------------

    def execute(
        self,
        session: Session,
        officer: str,
        device_id: str,
        command: dc.AcceptResult | dc.ReturnHeldResult,
        at: datetime,
    ) -> Outcome:
        """Record that a transferred result arrived, or that it was handed to the citizen."""
        if self.index is None:
            raise InvalidTransition(NO_INDEX)
        held = held_results.get(session, self.site_id, command.code)
        if isinstance(command, dc.ReturnHeldResult):
            return self._hand_back(session, held, command, officer, device_id, at)
        if held is not None:  # the same arrival again: nothing new
            return self._result(self._merged(DossierPublic.model_validate_json(held.view), held))
        dossier = DossierRepository(session, self.site_id).by_code(command.code)
        if dossier is None:  # held by another branch's database: ask the provincial index
            query = RemoteQuery(command.code, None, None, True, NOT_FOUND, False)
            raise RemoteLookup(query)
        return self.accept(session, public_view(dossier, self.views, at), officer, at)

    def accept(self, session: Session, view: DossierPublic, officer: str, at: datetime) -> Outcome:
        """The result of another branch's dossier (its public view) arrived here."""
        if view.site_id == self.site_id:
            raise InvalidTransition(
                f"Hồ sơ {view.code} do chính chi nhánh này tiếp nhận; không cần nhận chuyển đến."
            )
        if view.result_site_id != self.site_id:
            where = view.result_site_name or view.site_name or view.site_id
            raise InvalidTransition(
                f"Kết quả hồ sơ {view.code} không được chuyển đến chi nhánh này "
                f"(kết quả trả tại {where})."
            )
        if view.status is not DossierStatus.DONE:
            label = STATUS_LABELS[view.status].lower()
            raise InvalidTransition(f"Không nhận được kết quả: hồ sơ {view.code} {label}.")
        notice = self._notice(view.code, view.site_id, ResultEvent.ARRIVED, officer, at)
        stored = view.model_copy(update={"return_service": None})
        owner = (view.site_id, view.site_name)
        held, entry = held_results.arrive(
            session,
            self.site_id,
            view.code,
            owner,
            stored.model_dump_json(),
            officer,
            notice,
            at,
        )
        outcome = self._result(self._merged(view, held))
        outcome.index_entries += _entries(entry)
        return outcome

    def _hand_back(
        self,
        session: Session,
        held: HeldResult | None,
        command: dc.ReturnHeldResult,
        officer: str,
        device_id: str,
        at: datetime,
    ) -> Outcome:
        if held is None:
            own = DossierRepository(session, self.site_id).by_code(command.code)
            if own is not None and own.site_id == self.site_id:
                raise InvalidTransition(
                    f"Hồ sơ {command.code} do chi nhánh này tiếp nhận: dùng “Trả kết quả”."
                )
            raise InvalidTransition(
                f"Chi nhánh này chưa nhận kết quả hồ sơ {command.code}: bấm “Nhận kết quả "
                "chuyển đến” khi kết quả đến nơi."
            )
        notice = self._notice(held.code, held.owner_site_id, ResultEvent.RETURNED, officer, at)
        held, entry = held_results.hand_back(
            session, self.site_id, held.code, officer, device_id, notice, at
        )
        outcome = self._result(self._merged(DossierPublic.model_validate_json(held.view), held))
        outcome.index_entries += _entries(entry)
        return outcome

    def merged(self, session: Session, view: DossierPublic) -> DossierPublic:
        """Another branch's dossier as this branch tells it: with what it holds of the result."""
        if view.result_site_id != self.site_id:
            return view.model_copy(update={"return_service": None})
        return self._merged(view, held_results.get(session, self.site_id, view.code))

    def _merged(self, view: DossierPublic, held: HeldResult | None) -> DossierPublic:
        if held is None:  # on its way here: not to be collected yet
            return view.model_copy(update={"return_service": None})
        if held.returned or view.status is DossierStatus.RETURNED:
            status = DossierStatus.RETURNED
            return view.model_copy(
                update={
                    "status": status,
                    "status_label": STATUS_LABELS[status],
                    "ready": False,
                    "return_service": None,
                    "result_arrived": True,
                }
            )
        return view.model_copy(
            update={"result_arrived": True, "return_service": self.views.return_service}
        )

    def may_issue_return(self, session: Session, code: str) -> bool:
        """Whether this branch holds the result of another branch's dossier, not yet returned."""
        held = held_results.get(session, self.site_id, code)
        return held is not None and not held.returned

    def _notice(self, code: str, owner: str, event: ResultEvent, officer: str, at: datetime) -> str:
        assert self.index is not None
        notice = ResultHandover(
            site_id=self.site_id,
            site_name=self.site_name,
            owner_site_id=owner,
            code=code,
            event=event,
            officer=officer,
            at=at,
            key_id=self.index.key_id,
        )
        return notice.model_dump_json()

    @staticmethod
    def _result(view: DossierPublic) -> Outcome:
        return Outcome(result={"dossier": view.model_dump(mode="json")})


def _entries(entry: OutboxEntry | None) -> list[OutboxEntry]:
    return [] if entry is None else [entry]
