"""Personal data in the database: the access log, ID hashes, purges and a subject's requests.

Every function changes state only inside the caller's session; the caller decides whether it
is the server's transaction or a tool run while the server is stopped (the one-writer rule).
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, delete, func, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from shared.domain.dossiers import STATUS_LABELS, Dossier, DossierStatus
from shared.domain.personal_data import (
    CONTACT_FIELDS,
    KEY_BYTES,
    DataClass,
    Retention,
    id_number_hash,
    normalise_id_number,
    redact,
)
from shared.storage import notifications
from shared.storage.dossier_repository import DossierRepository
from shared.storage.dossier_tables import DossierRow, RatingRow, TicketDossierRow
from shared.storage.tables import Base, CommandLogRow, TicketRow, UtcDateTime

# Verbs whose logged payload or reply can hold a citizen's details (full dossier views).
DOSSIER_VERBS = (
    "receive_dossier",
    "hand_over",
    "request_supplement",
    "supplement_received",
    "refuse_dossier",
    "mark_done",
    "mark_returned",
    "transfer_result",
    "reschedule",
    "dossier_detail",
    "sync_dossier",
)
ENDED = (
    int(DossierStatus.NOT_RECEIVED),
    int(DossierStatus.WITHDRAWN),
    int(DossierStatus.STOPPED),
    int(DossierStatus.RETURNED),
)
_BATCH = 500
PRIVATE = 0o600


class PersonalDataAccessRow(Base):
    """One read of a citizen's personal fields: who, from which device, what, when and why."""

    __tablename__ = "personal_data_access"
    __table_args__ = (
        Index("ix_personal_data_access_time", "site_id", "at"),
        Index("ix_personal_data_access_dossier", "dossier_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    device_id: Mapped[str] = mapped_column(String(64), default="")
    purpose: Mapped[str] = mapped_column(String(40))
    dossier_code: Mapped[str | None] = mapped_column(String(60))
    fields: Mapped[str] = mapped_column(String(200), default="")


class DossierPrivacyRow(Base):
    """A dossier's keyed ID hash (for a subject's requests) and when its contact data went."""

    __tablename__ = "dossier_privacy"
    __table_args__ = (Index("ix_dossier_privacy_hash", "id_hash"),)

    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossiers.id", ondelete="CASCADE"), primary_key=True
    )
    id_hash: Mapped[str] = mapped_column(String(64), default="")
    contact_removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def site_key(path: Path) -> bytes:
    """Read the site's hashing key, creating it owner-only (0600) with 32 random bytes if absent."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(descriptor, "wb") as out:
            out.write(secrets.token_bytes(KEY_BYTES))
    return path.read_bytes()


def log_access(
    session: Session,
    *,
    site_id: str,
    at: datetime,
    actor: str,
    purpose: str,
    fields: Iterable[str],
    dossier_code: str | None = None,
    device_id: str = "",
) -> None:
    """Append one row to the personal-data access log."""
    session.add(
        PersonalDataAccessRow(
            site_id=site_id,
            at=at,
            actor=actor[:64],
            device_id=device_id[:64],
            purpose=purpose[:40],
            dossier_code=dossier_code,
            fields=",".join(fields)[:200],
        )
    )


def access_log(
    session: Session, site_id: str, dossier_codes: Sequence[str] | None = None
) -> list[PersonalDataAccessRow]:
    """Return the access log of a site (or of some dossiers), oldest first."""
    query = select(PersonalDataAccessRow).where(PersonalDataAccessRow.site_id == site_id)
    if dossier_codes is not None:
        query = query.where(PersonalDataAccessRow.dossier_code.in_(dossier_codes))
    return list(session.scalars(query.order_by(PersonalDataAccessRow.id)))


def backfill_id_hashes(session: Session, site_id: str, key: bytes) -> int:
    """Hash the ID number of every dossier not hashed yet; return how many were hashed."""
    rows = session.execute(
        select(DossierRow.id, DossierRow.citizen_id_number, DossierPrivacyRow.dossier_id)
        .outerjoin(DossierPrivacyRow, DossierPrivacyRow.dossier_id == DossierRow.id)
        .where(
            DossierRow.site_id == site_id,
            DossierRow.citizen_id_number != "",
            or_(DossierPrivacyRow.dossier_id.is_(None), DossierPrivacyRow.id_hash == ""),
        )
    ).all()
    for dossier_id, id_number, known in rows:
        digest = id_number_hash(id_number, key)
        if known is None:
            session.add(DossierPrivacyRow(dossier_id=dossier_id, id_hash=digest))
        else:
            session.execute(
                update(DossierPrivacyRow)
                .where(DossierPrivacyRow.dossier_id == dossier_id)
                .values(id_hash=digest)
            )
    session.flush()
    return len(rows)


def _privacy(session: Session, dossier_id: int) -> DossierPrivacyRow:
    row = session.get(DossierPrivacyRow, dossier_id)
    if row is None:
        row = DossierPrivacyRow(dossier_id=dossier_id, id_hash="")
        session.add(row)
    return row


def _clear_contact(session: Session, dossier_ids: Sequence[int]) -> None:
    blank: dict[str, Any] = dict.fromkeys(CONTACT_FIELDS, "")
    session.execute(
        update(DossierRow)
        .where(DossierRow.id.in_(dossier_ids))
        .values(version=DossierRow.version + 1, **blank)
        .execution_options(synchronize_session=False)
    )


def _has_contact() -> Any:
    return or_(*(getattr(DossierRow, name) != "" for name in CONTACT_FIELDS))


# Purge -------------------------------------------------------------------------------------


def _purge_contacts(
    session: Session, site_id: str, cutoff: datetime, now: datetime, key: bytes, apply: bool
) -> int:
    ended_before = or_(
        (DossierRow.status == int(DossierStatus.RETURNED)) & (DossierRow.returned_at < cutoff),
        (DossierRow.status != int(DossierStatus.RETURNED)) & (DossierRow.updated_at < cutoff),
    )
    ids = list(
        session.scalars(
            select(DossierRow.id).where(
                DossierRow.site_id == site_id,
                DossierRow.status.in_(ENDED),
                ended_before,
                _has_contact(),
            )
        )
    )
    if apply and ids:
        backfill_id_hashes(session, site_id, key)  # the subject can still be found afterwards
        _clear_contact(session, ids)
        for dossier_id in ids:
            _privacy(session, dossier_id).contact_removed_at = now
    return len(ids)


def _purge_ticket_links(session: Session, site_id: str, cutoff: datetime, apply: bool) -> int:
    old_tickets = select(TicketRow.id).where(
        TicketRow.site_id == site_id, TicketRow.issued_at < cutoff
    )
    links = TicketDossierRow.ticket_id.in_(old_tickets)
    count = len(session.scalars(select(TicketDossierRow.ticket_id).where(links)).all())
    if apply and count:
        session.execute(delete(TicketDossierRow).where(links))
    return count


def _purge_rating_links(session: Session, site_id: str, cutoff: datetime, apply: bool) -> int:
    where = (
        RatingRow.site_id == site_id,
        RatingRow.rated_at < cutoff,
        or_(RatingRow.ticket_id.is_not(None), RatingRow.dossier_code.is_not(None)),
    )
    count = len(session.scalars(select(RatingRow.id).where(*where)).all())
    if apply and count:
        session.execute(update(RatingRow).where(*where).values(ticket_id=None, dossier_code=None))
    return count


def _redacted_json(text: str) -> str:
    try:
        data = json.loads(text)
    except ValueError:
        return text
    clean = redact(data)
    if clean == data:
        return text
    return json.dumps(clean, ensure_ascii=False, separators=(",", ":"))


def _scrub_log(session: Session, condition: Any, apply: bool) -> int:
    """Redact personal keys in the logged payloads and replies matching `condition`."""
    changed = 0
    last = 0
    while True:
        rows = session.execute(
            select(CommandLogRow.id, CommandLogRow.payload, CommandLogRow.reply)
            .where(condition, CommandLogRow.id > last)
            .order_by(CommandLogRow.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return changed
        for row_id, payload, reply in rows:
            clean_payload, clean_reply = _redacted_json(payload), _redacted_json(reply)
            if (clean_payload, clean_reply) != (payload, reply):
                changed += 1
                if apply:
                    session.execute(
                        update(CommandLogRow)
                        .where(CommandLogRow.id == row_id)
                        .values(payload=clean_payload, reply=clean_reply)
                    )
        last = rows[-1][0]


def _purge_access_log(session: Session, site_id: str, cutoff: datetime, apply: bool) -> int:
    where = (PersonalDataAccessRow.site_id == site_id, PersonalDataAccessRow.at < cutoff)
    count = len(session.scalars(select(PersonalDataAccessRow.id).where(*where)).all())
    if apply and count:
        session.execute(delete(PersonalDataAccessRow).where(*where))
    return count


def purge(
    session: Session,
    site_id: str,
    retention: Retention,
    now: datetime,
    key: bytes,
    apply: bool = True,
) -> dict[DataClass, int]:
    """Remove or anonymise what is past its retention period; return the count per class.

    With `apply=False` nothing changes and the counts say what a real run would touch.
    """
    counts: dict[DataClass, int] = {}
    for data_class in DataClass:
        cutoff = retention.cutoff(data_class, now)
        if cutoff is None:
            counts[data_class] = 0
        elif data_class is DataClass.DOSSIER_CONTACT:
            counts[data_class] = _purge_contacts(session, site_id, cutoff, now, key, apply)
        elif data_class is DataClass.TICKET_LINKS:
            counts[data_class] = _purge_ticket_links(session, site_id, cutoff, apply)
        elif data_class is DataClass.RATING_LINKS:
            counts[data_class] = _purge_rating_links(session, site_id, cutoff, apply)
        elif data_class is DataClass.AUDIT_PAYLOADS:
            condition = (
                (CommandLogRow.site_id == site_id)
                & CommandLogRow.verb.in_(DOSSIER_VERBS)
                & (CommandLogRow.received_at < cutoff)
            )
            counts[data_class] = _scrub_log(session, condition, apply)
        elif data_class is DataClass.NOTIFICATIONS:
            counts[data_class] = notifications.purge_recipients(
                session, site_id, cutoff, now, apply
            )
        else:
            counts[data_class] = _purge_access_log(session, site_id, cutoff, apply)
    session.flush()
    return counts


# A subject's requests ----------------------------------------------------------------------


def subject_dossier_ids(session: Session, site_id: str, key: bytes, id_number: str) -> list[int]:
    """Return the ids of this site's dossiers whose citizen has this ID number, oldest first.

    A dossier matches by its stored keyed hash, or by its raw ID number while that is kept.
    """
    digest = id_number_hash(id_number, key)
    return list(
        session.scalars(
            select(DossierRow.id)
            .outerjoin(DossierPrivacyRow, DossierPrivacyRow.dossier_id == DossierRow.id)
            .where(
                DossierRow.site_id == site_id,
                or_(
                    DossierPrivacyRow.id_hash == digest,
                    func.upper(DossierRow.citizen_id_number) == normalise_id_number(id_number),
                ),
            )
            .order_by(DossierRow.id)
        )
    )


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _dossier_json(dossier: Dossier, privacy: DossierPrivacyRow | None) -> dict[str, Any]:
    citizen = dossier.citizen
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure_code,
        "procedure_name": dossier.procedure_name,
        "department": dossier.department,
        "channel": int(dossier.channel),
        "status": int(dossier.status),
        "status_label": STATUS_LABELS[dossier.status],
        "received_at": _iso(dossier.received_at),
        "received_by": dossier.received_by,
        "legal_due": dossier.legal_due.isoformat(),
        "due": dossier.due.isoformat(),
        "finished_at": _iso(dossier.finished_at),
        "returned_at": _iso(dossier.returned_at),
        "citizen": {
            "name": citizen.name,
            "id_number": citizen.id_number,
            "address": citizen.address,
            "phone": citizen.phone,
            "email": citizen.email,
        },
        "contact_removed_at": _iso(privacy.contact_removed_at) if privacy else None,
        "erased_at": _iso(privacy.erased_at) if privacy else None,
        "documents": [
            {"name": d.name, "form": d.form, "quantity": d.quantity} for d in dossier.documents
        ],
        "steps": [
            {
                "kind": s.kind.value,
                "at": _iso(s.at),
                "status": int(s.status),
                "actor": s.actor,
                "from_unit": s.from_unit,
                "to_unit": s.to_unit,
                "receiver": s.receiver,
                "note": s.note,
            }
            for s in dossier.steps
        ],
        "apology": None
        if dossier.apology is None
        else {
            "at": _iso(dossier.apology.at),
            "reason": dossier.apology.reason,
            "new_due": dossier.apology.new_due.isoformat(),
        },
    }


def _codes(session: Session, ids: Sequence[int]) -> list[str]:
    return list(
        session.scalars(
            select(DossierRow.code).where(DossierRow.id.in_(ids)).order_by(DossierRow.id)
        )
    )


def export_subject(
    session: Session, site_id: str, key: bytes, id_number: str, at: datetime, actor: str
) -> dict[str, Any]:
    """Return everything this site holds on the person with this ID number; log the read."""
    ids = subject_dossier_ids(session, site_id, key, id_number)
    codes = _codes(session, ids)
    repo = DossierRepository(session, site_id)
    dossiers = []
    for code in codes:
        dossier = repo.by_code(code)
        assert dossier is not None and dossier.id is not None
        dossiers.append(_dossier_json(dossier, session.get(DossierPrivacyRow, dossier.id)))
    tickets = session.execute(
        select(TicketRow, DossierRow.code)
        .join(TicketDossierRow, TicketDossierRow.ticket_id == TicketRow.id)
        .join(DossierRow, DossierRow.id == TicketDossierRow.dossier_id)
        .where(TicketDossierRow.dossier_id.in_(ids))
        .order_by(TicketRow.id)
    ).all()
    ticket_ids = [t.id for t, _ in tickets]
    ratings = session.scalars(
        select(RatingRow)
        .where(or_(RatingRow.dossier_code.in_(codes), RatingRow.ticket_id.in_(ticket_ids)))
        .order_by(RatingRow.id)
    ).all()
    reads = access_log(session, site_id, codes)
    for code in codes:
        log_access(
            session,
            site_id=site_id,
            at=at,
            actor=actor,
            purpose="subject_export",
            fields=("name", "id_number", "address", "phone", "email"),
            dossier_code=code,
        )
    session.flush()
    return {
        "site_id": site_id,
        "generated_at": at.isoformat(),
        "id_number": id_number,
        "dossiers": dossiers,
        "tickets": [
            {
                "number": t.number,
                "service_day": t.service_day.isoformat(),
                "service_code": t.service_code,
                "priority": t.priority,
                "issued_at": _iso(t.issued_at),
                "dossier_code": code,
            }
            for t, code in tickets
        ],
        "ratings": [
            {
                "rated_at": _iso(r.rated_at),
                "score": r.score,
                "scale": r.scale,
                "service_code": r.service_code,
                "counter_id": r.counter_id,
                "dossier_code": r.dossier_code,
            }
            for r in ratings
        ],
        "notifications": [
            {
                "kind": m.kind,
                "dossier_code": m.reference,
                "channel": m.channel,
                "state": m.state,
                "phone": m.phone,
                "email": m.email,
                "created_at": _iso(m.created_at),
                "sent_at": _iso(m.sent_at),
            }
            for m in notifications.about(session, site_id, codes)
        ],
        "access_log": [
            {
                "at": _iso(r.at),
                "actor": r.actor,
                "device_id": r.device_id,
                "purpose": r.purpose,
                "dossier_code": r.dossier_code,
                "fields": r.fields.split(",") if r.fields else [],
            }
            for r in reads
        ],
    }


def erase_subject(
    session: Session, site_id: str, key: bytes, id_number: str, at: datetime, actor: str
) -> dict[str, int]:
    """Erase what a state body may erase of this person; keep the dossier records and codes.

    Phone, e-mail, address and the raw ID number go from the dossiers (the keyed hash stays, so
    a later request still finds them); ticket and rating links go; the audit log loses the
    citizen's details. Names, codes, steps and the access log stay: the centre must keep them.
    """
    ids = subject_dossier_ids(session, site_id, key, id_number)
    backfill_id_hashes(session, site_id, key)  # the hash stays when the raw number goes
    codes = _codes(session, ids)
    counts = {
        "dossiers": len(ids),
        "ticket_links": 0,
        "ratings": 0,
        "audit_rows": 0,
        "notifications": 0,
    }
    if not ids:
        return counts
    raw_numbers = set(
        session.scalars(
            select(DossierRow.citizen_id_number).where(
                DossierRow.id.in_(ids), DossierRow.citizen_id_number != ""
            )
        )
    )
    ticket_ids = list(
        session.scalars(
            select(TicketDossierRow.ticket_id).where(TicketDossierRow.dossier_id.in_(ids))
        )
    )
    rated = or_(RatingRow.dossier_code.in_(codes), RatingRow.ticket_id.in_(ticket_ids))
    counts["ratings"] = len(session.scalars(select(RatingRow.id).where(rated)).all())
    session.execute(update(RatingRow).where(rated).values(ticket_id=None, dossier_code=None))
    counts["ticket_links"] = len(ticket_ids)
    session.execute(delete(TicketDossierRow).where(TicketDossierRow.dossier_id.in_(ids)))
    mentions = [CommandLogRow.payload.contains(n) for n in raw_numbers]
    mentions += [CommandLogRow.reply.contains(c) for c in codes]
    mentions += [CommandLogRow.payload.contains(c) for c in codes]
    condition = (CommandLogRow.site_id == site_id) & CommandLogRow.verb.in_(DOSSIER_VERBS)
    counts["audit_rows"] = _scrub_log(session, condition & or_(*mentions), apply=True)
    _clear_contact(session, ids)
    counts["notifications"] = notifications.erase_for(session, site_id, codes, at)
    for dossier_id, code in zip(ids, codes, strict=True):
        _privacy(session, dossier_id).erased_at = at
        log_access(
            session,
            site_id=site_id,
            at=at,
            actor=actor,
            purpose="subject_erase",
            fields=CONTACT_FIELDS,
            dossier_code=code,
        )
    session.flush()
    return counts
