"""ID card details shared at the kiosk: kept with the ticket, read once by the serving counter."""

from __future__ import annotations

from datetime import datetime

from server.outcome import Outcome
from shared.domain.citizen_id import CardDetails
from shared.domain.errors import Forbidden, NotFound
from shared.domain.site import Counter
from shared.domain.tickets import Ticket, TicketState
from shared.messaging import commands as cmd
from shared.storage.personal_data import log_access
from shared.storage.repository import QueueRepository

# A ticket in one of these states has ended: its card details are deleted.
ENDED = (TicketState.DONE, TicketState.NO_SHOW, TicketState.VOIDED)
CARD_FIELDS = ("full_name", "id_number", "address")
SERVED = (TicketState.CALLED, TicketState.SERVING)


def card_details(card: cmd.CitizenCard) -> CardDetails:
    """The domain value of a card sent by a kiosk."""
    return CardDetails(card.full_name, card.id_number, card.address)


def keep_card(repo: QueueRepository, ticket: Ticket, card: cmd.CitizenCard, at: datetime) -> None:
    """Keep the card details a citizen shared with a new ticket."""
    repo.attach_card(ticket, card_details(card), at)


def forget_card_if_ended(repo: QueueRepository, ticket: Ticket) -> None:
    """Delete a ticket's card details once it has ended (served, no-show or voided)."""
    if ticket.id is not None and ticket.state in ENDED and repo.has_card(ticket.id):
        repo.forget_card(ticket.id)


def read_card(
    repo: QueueRepository, site_id: str, counter: Counter, number: str, at: datetime
) -> Outcome:
    """Give the serving counter the card details of its current ticket; log the read."""
    state = repo.counter_state(counter.id)
    current = None
    if state.current_ticket_id is not None:
        current = repo.get_ticket(state.current_ticket_id)
    if state.officer_id is None or current is None or current.number != number:
        raise Forbidden(f"Chỉ quầy đang phục vụ số {number} mới xem được thông tin thẻ.")
    if current.state not in SERVED or current.id is None:
        raise Forbidden(f"Số {number} không còn được phục vụ tại quầy này.")
    card = repo.card(current.id)
    if card is None:
        raise NotFound(f"Công dân số {number} không chia sẻ thông tin thẻ căn cước.")
    log_access(
        repo.session,
        site_id=site_id,
        at=at,
        actor=state.officer_id,
        device_id=counter.id,
        purpose=f"receive_form ticket {number}",
        fields=CARD_FIELDS,
    )
    citizen = {"full_name": card.full_name, "id_number": card.id_number, "address": card.address}
    return Outcome(result={"number": number, "citizen": citizen}, officer_id=state.officer_id)
