"""The dossier desk: receive a dossier and print Mẫu 01, ask a supplement, refuse, return."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import replace
from datetime import date, datetime

from pydantic import ValidationError
from PySide6.QtCore import QObject, Signal, Slot

from counter_console.forms import dossier_data
from counter_console.result_places import can_transfer
from counter_console.runner import CommandRunner, OneCommandAtATime
from hw.printer.documents import Document, MissingDocument
from hw.printer.documents.from_dossier import (
    FormContext,
    apology,
    appointment_slip,
    refusal,
    supplement_request,
)
from hw.printer.results import PrintResult
from hw.printer.service import ReceiptPrinter
from shared.domain.dossiers import StepKind
from shared.dossier_words import branch_name, result_coming, result_held, return_branch
from shared.messaging import dossier_commands as d
from shared.messaging.client import new_request_id
from shared.messaging.commands import CitizenCard, TicketCitizen
from shared.messaging.dossier_views import DossierFull, DossierPublic, ProcedureView
from shared.messaging.replies import Reply
from shared.messaging.results import (
    DossierResult,
    ProceduresResult,
    PublicDossierResult,
    TicketCitizenResult,
)
from shared.runtime import utc_now

log = logging.getLogger(__name__)


class DossierDeskModel(QObject):
    """Dossier commands of one counter and the forms they print; results come on the UI thread."""

    changed = Signal()
    _printed = Signal(object)

    def __init__(
        self,
        runner: CommandRunner,
        context: FormContext,
        printer: ReceiptPrinter | None,
        officer_name: Callable[[], str],
        *,
        now: Callable[[], datetime] = utc_now,
        carded_ticket: Callable[[], str | None] = lambda: None,
        site_id: str = "",
        return_branches: Mapping[str, str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        # This branch, and the branches it may transfer ready results to ([index] return_branches).
        self.site_id = site_id
        self.return_branches: dict[str, str] = dict(return_branches or {})
        # The number served now when its citizen shared their ID card at the kiosk, else None.
        self.carded_ticket = carded_ticket
        self.printer = printer
        self.officer_name = officer_name
        # Reasons the kiosk shows the citizen ([dossiers] public_reasons); others stay for staff.
        self.public_reasons: list[str] = []
        self._now = now
        self.procedures: list[ProcedureView] = []
        self.dossier: DossierFull | None = None
        # Another branch's dossier found in the provincial index: shown, never changed here.
        self.foreign: DossierPublic | None = None
        self._commands = OneCommandAtATime(runner, self.changed.emit, self._refuse)
        self.message = ""
        self.message_is_error = False
        self.print_results: list[PrintResult] = []
        self._printed.connect(self._show_print)

    @property
    def busy(self) -> bool:
        """Tell whether a command is waiting for the server's reply."""
        return self._commands.busy

    # -- catalogue ------------------------------------------------------------------------------

    def search(self, query: str = "") -> None:
        """Load the procedures matching a search (diacritics ignored by the server)."""
        command = d.ListProcedures(request_id=new_request_id(), query=query.strip()[:100])
        self._commands.send(command, self._listed)

    def _listed(self, reply: Reply) -> None:
        if self._ok(reply):
            self.procedures = reply.result_as(ProceduresResult).procedures

    def procedure(self, code: str) -> ProcedureView | None:
        """Return a loaded procedure by code."""
        return next((p for p in self.procedures if p.code == code), None)

    # -- receiving ------------------------------------------------------------------------------

    def receive(
        self,
        procedure: str,
        citizen: dict[str, str],
        documents: list[d.DocumentData],
        sets: int = 1,
        refuse_reason: str | None = None,
    ) -> bool:
        """Register the dossier for the counter's current ticket; print the slip in two copies.

        With `refuse_reason` the dossier is refused on the spot: recorded as not received
        (status 3) and the refusal (Mẫu 03) is printed instead of the slip.
        """
        try:
            command = d.ReceiveDossier(
                request_id=new_request_id(),
                procedure=procedure,
                citizen=d.CitizenData.model_validate(citizen),
                documents=documents,
                sets=sets,
                refuse_reason=refuse_reason,
            )
        except ValidationError as exc:
            return self._refuse_input(exc)
        self._commands.send(command, self._received)
        return True

    def _signed(self) -> FormContext:
        """The site's form context signed by the officer logged in now."""
        return replace(self.context, officer_name=self.officer_name())

    def fetch_kiosk_card(self, fill: Callable[[CitizenCard], None]) -> bool:
        """Ask for the card details the current citizen shared at the kiosk, then `fill`."""
        number = self.carded_ticket()
        if number is None:
            return self._refuse("Công dân đang phục vụ không chia sẻ thông tin thẻ ở ki-ốt.")
        command = TicketCitizen(request_id=new_request_id(), number=number)

        def done(reply: Reply) -> None:
            if self._ok(reply):
                fill(reply.result_as(TicketCitizenResult).citizen)
                self.say(
                    "Đã điền họ tên, số CCCD và địa chỉ công dân chia sẻ ở ki-ốt: kiểm tra lại."
                )

        self._commands.send(command, done)
        return True

    def _received(self, reply: Reply) -> None:
        if not self._took_dossier(reply):
            return
        assert self.dossier is not None
        refused = next((s for s in self.dossier.steps if s.kind is StepKind.REFUSED), None)
        if refused is not None:
            self.say("Đã từ chối tiếp nhận. Đang in phiếu (Mẫu 03)…")
            form = refusal(dossier_data(self.dossier), self._signed(), self._now(), refused.note)
            self._print(form)
            return
        slip = appointment_slip(dossier_data(self.dossier), self._signed(), self._now())
        self.say(f"Đã tiếp nhận hồ sơ {self.dossier.code}. Đang in phiếu hẹn…")
        self._print(slip)

    def request_supplement(
        self, reason: str, missing: list[d.MissingDocumentData], contact: str = ""
    ) -> bool:
        """Ask the citizen for missing papers (Mẫu 02); the legal clock stops."""
        if self.dossier is None:
            return self._refuse("Chưa có hồ sơ: tiếp nhận hoặc tra cứu hồ sơ trước.")
        try:
            command = d.RequestSupplement(
                request_id=new_request_id(),
                code=self.dossier.code,
                reason=reason.strip(),
                missing=missing,
                contact=contact,
            )
        except ValidationError as exc:
            return self._refuse_input(exc)

        def done(reply: Reply) -> None:
            if self._took_dossier(reply) and self.dossier is not None:
                papers = tuple(
                    MissingDocument(m.name, m.originals, m.certified_copies, m.copies)
                    for m in missing
                )
                form = supplement_request(
                    dossier_data(self.dossier),
                    replace(self._signed(), contact=contact),
                    self._now(),
                    command.reason,
                    papers,
                )
                self.say("Đã ghi yêu cầu bổ sung. Đang in phiếu (Mẫu 02)…")
                self._print(form)

        self._commands.send(command, done)
        return True

    def refuse(self, reason: str) -> bool:
        """Refuse the dossier with a reason (Mẫu 03)."""
        if self.dossier is None:
            return self._refuse("Chưa có hồ sơ: tiếp nhận hoặc tra cứu hồ sơ trước.")
        try:
            command = d.RefuseDossier(
                request_id=new_request_id(), code=self.dossier.code, reason=reason.strip()
            )
        except ValidationError as exc:
            return self._refuse_input(exc)

        def done(reply: Reply) -> None:
            if self._took_dossier(reply) and self.dossier is not None:
                form = refusal(
                    dossier_data(self.dossier), self._signed(), self._now(), command.reason
                )
                self.say("Đã từ chối tiếp nhận. Đang in phiếu (Mẫu 03)…")
                self._print(form)

        self._commands.send(command, done)
        return True

    # -- returning ------------------------------------------------------------------------------

    def look_up(self, text: str) -> bool:
        """Find the dossier of a scanned slip, a dossier code or a lookup token."""
        text = text.strip()
        if not text:
            return self._refuse("Quét phiếu hẹn hoặc nhập mã hồ sơ.")
        command = d.LookUpDossier(request_id=new_request_id(), text=text[:200])
        self._commands.send(command, self._found)
        return True

    def _found(self, reply: Reply) -> None:
        if not self._ok(reply):
            return
        found = reply.result_as(PublicDossierResult).dossier
        if not self.site_id or found.site_id == self.site_id:
            self.foreign = None
            self.open_dossier(found.code)
            return
        self.show_foreign(found)

    def show_foreign(self, found: DossierPublic) -> None:
        """Keep another branch's dossier, found in the provincial index, to show read-only.

        Its branch's database is not ours to read: no DossierDetail, only its public view.
        """
        self.dossier = None
        self.foreign = found
        branch = branch_name(found)
        self.say(
            f"Đã tìm thấy hồ sơ {found.code} của {branch} trên hệ thống tra cứu hồ sơ toàn tỉnh."
        )

    def open_dossier(self, code: str) -> bool:
        """Load everything about a dossier (staff view)."""
        try:
            command = d.DossierDetail(request_id=new_request_id(), code=code)
        except ValidationError as exc:
            return self._refuse_input(exc)
        self._commands.send(command, self._opened)
        return True

    def _opened(self, reply: Reply) -> None:
        self._took_dossier(reply)

    def reschedule(self, reason: str, new_due: date) -> bool:
        """Apologise and set the one new return date; print the apology slip (Mẫu 04)."""
        if self.dossier is None:
            return self._refuse("Chưa có hồ sơ: quét phiếu hẹn hoặc nhập mã hồ sơ trước.")
        try:
            command = d.Reschedule(
                request_id=new_request_id(),
                code=self.dossier.code,
                reason=reason.strip(),
                new_due=new_due,
            )
        except ValidationError as exc:
            return self._refuse_input(exc)

        def done(reply: Reply) -> None:
            if self._took_dossier(reply) and self.dossier is not None:
                self.say(f"Đã hẹn lại ngày {new_due:%d/%m/%Y}. Đang in phiếu xin lỗi (Mẫu 04)…")
                self._print(apology(dossier_data(self.dossier), self.context))

        self._commands.send(command, done)
        return True

    def mark_returned(self, note: str = "") -> bool:
        """Record that the result was handed to the citizen (linked to the current ticket)."""
        if self.dossier is None:
            return self._refuse("Chưa có hồ sơ: quét phiếu hẹn trước.")
        if self.dossier.result_site_id is not None:
            return self._refuse(
                f"Kết quả hồ sơ {self.dossier.code} đã chuyển đến "
                f"{return_branch(self.dossier)}: chi nhánh đó trả cho công dân."
            )
        command = d.MarkReturned(request_id=new_request_id(), code=self.dossier.code, note=note)

        def done(reply: Reply) -> None:
            if self._took_dossier(reply) and self.dossier is not None:
                self.say(f"Đã trả kết quả hồ sơ {self.dossier.code}.")

        self._commands.send(command, done)
        return True

    # -- results transferred between branches ---------------------------------------------------

    @property
    def can_transfer(self) -> bool:
        """Tell whether the dossier in hand may have its result sent to another branch."""
        return can_transfer(self.dossier, self.site_id, self.return_branches)

    @property
    def can_accept(self) -> bool:
        """Tell whether another branch's result is on its way here, to be marked arrived."""
        return result_coming(self.foreign, self.site_id)

    @property
    def can_return_held(self) -> bool:
        """Tell whether another branch's result is held here, to be handed to the citizen."""
        return result_held(self.foreign, self.site_id)

    def transfer_result(self, to_site: str, note: str = "") -> bool:
        """Send the ready result to another branch, where the citizen will collect it."""
        if self.dossier is None or not self.can_transfer:
            return self._refuse(
                "Không chuyển được kết quả hồ sơ này: chỉ chuyển được kết quả đã có của hồ sơ "
                "do chi nhánh mình tiếp nhận và chưa chuyển đi."
            )
        if to_site not in self.return_branches:
            return self._refuse("Chọn chi nhánh nhận kết quả.")
        try:
            command = d.TransferResult(
                request_id=new_request_id(), code=self.dossier.code, to_site=to_site, note=note
            )
        except ValidationError as exc:
            return self._refuse_input(exc)
        chosen = self.return_branches[to_site]

        def done(reply: Reply) -> None:
            if self._took_dossier(reply) and self.dossier is not None:
                name = self.dossier.result_site_name or chosen
                self.say(f"Đã chuyển kết quả hồ sơ {self.dossier.code} đến {name}.")

        self._commands.send(command, done)
        return True

    def accept_result(self) -> bool:
        """Record that a result another branch transferred here has arrived."""
        if self.foreign is None or not self.can_accept:
            return self._refuse("Chưa có kết quả nào đang chuyển đến chi nhánh này để nhận.")
        command = d.AcceptResult(request_id=new_request_id(), code=self.foreign.code)

        def done(reply: Reply) -> None:
            if self._took_foreign(reply) and self.foreign is not None:
                self.say(f"Đã nhận kết quả hồ sơ {self.foreign.code}: sẵn sàng trả cho công dân.")

        self._commands.send(command, done)
        return True

    def return_held_result(self, note: str = "") -> bool:
        """Record that a result transferred here was handed to the citizen."""
        if self.foreign is None or not self.can_return_held:
            return self._refuse(
                "Chi nhánh chưa nhận kết quả của hồ sơ này nên chưa trả được cho công dân."
            )
        command = d.ReturnHeldResult(request_id=new_request_id(), code=self.foreign.code, note=note)

        def done(reply: Reply) -> None:
            if self._took_foreign(reply) and self.foreign is not None:
                self.say(f"Đã trả kết quả hồ sơ {self.foreign.code}.")

        self._commands.send(command, done)
        return True

    def _took_foreign(self, reply: Reply) -> bool:
        if not self._ok(reply):
            return False
        try:
            self.foreign = reply.result_as(PublicDossierResult).dossier
        except ValidationError:
            log.exception("the server's dossier reply does not match DossierPublic")
            self.say("Máy chủ trả về hồ sơ không đúng định dạng.", error=True)
            return False
        return True

    # -- plumbing -------------------------------------------------------------------------------

    def say(self, text: str, error: bool = False) -> None:
        """Show a message on the desk."""
        self.message = text
        self.message_is_error = error
        self.changed.emit()

    def _refuse(self, text: str) -> bool:
        self.say(text, error=True)
        return False

    def _refuse_input(self, error: ValidationError) -> bool:
        where = ", ".join(".".join(str(p) for p in e["loc"]) for e in error.errors())
        return self._refuse(f"Thông tin chưa hợp lệ: {where}.")

    def _ok(self, reply: Reply) -> bool:
        if reply.ok:
            return True
        self.say(reply.error.message if reply.error else "Máy chủ từ chối lệnh.", error=True)
        return False

    def _took_dossier(self, reply: Reply) -> bool:
        if not self._ok(reply):
            return False
        try:
            self.dossier = reply.result_as(DossierResult).dossier
            self.foreign = None
        except ValidationError:
            log.exception("the server's dossier reply does not match DossierFull")
            self.say("Máy chủ trả về hồ sơ không đúng định dạng.", error=True)
            return False
        return True

    def _print(self, document: Document) -> None:
        if self.printer is None:
            self.say(self.message + " Quầy này chưa có máy in.", error=True)
            return
        future = self.printer.print_async(document)
        future.add_done_callback(self._job_done)

    def _job_done(self, future: Future[PrintResult]) -> None:
        self._printed.emit(future.result())  # from the printer's thread to the UI thread

    @Slot(object)
    def _show_print(self, result: PrintResult) -> None:
        self.print_results.append(result)
        self.say(result.message, error=not result.printed)
