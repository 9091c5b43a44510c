"""Dossiers exchanged with the national public-service portal (Cổng Dịch vụ công quốc gia).

`motcua dossier export --format dvcqg` writes one record per dossier with the fields of the
portal's dossier sync as OpenCPS sends them (service DongBoHoSoMC): MaHoSo, MaTTHC, ChuHoSo,
SoDienThoai, NgayTiepNhan, NgayHenTra, NgayHenTraMoi, TrangThaiHoSo (1–10), NgayKetThucXuLy,
NgayTra, KenhThucHien (1/2/3), DanhSachHoSoBoSung, DanhSachGiayToKetQua; dates are
`yyyyMMddHHmmss` in Asia/Ho_Chi_Minh. `import --format dvcqg` reads them back through the same
path as `motcua dossier import` (the `sync_dossier` command applied by the dossier service),
so export → import into a fresh database → export gives the same file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from admin.offline import OfflineServer, ServerRunning, offline_sessions
from server.dossier_service import DossierSettings
from server.main import open_site_database
from shared.cli_text import FAILURE, USAGE, say
from shared.config.site import SiteConfig, load_config
from shared.domain import dossiers as rules
from shared.domain.dossiers import FINISHED_STATUSES, Dossier, DossierStatus, StepKind
from shared.domain.errors import DomainError
from shared.messaging.dossier_commands import SyncDossier
from shared.runtime import utc_now
from shared.storage.dossier_repository import DossierRepository
from shared.storage.dossier_tables import DossierRow
from shared.storage.personal_data import log_access

SOURCE = "dvcqg"
PORTAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PORTAL_FORMAT = "%Y%m%d%H%M%S"
APOLOGY_REASON = "Hẹn lại theo dữ liệu trao đổi với Cổng Dịch vụ công quốc gia"
ONE_SECOND = timedelta(seconds=1)
IMPORT_RUNNING = say(
    "dừng máy chủ (systemctl stop motcua-server) rồi nhập lại",
    "stop it (systemctl stop motcua-server) and import again",
)


class ExchangeError(ValueError):
    """A portal record that cannot be read; the message is in the user's language."""


def portal_time(at: datetime | None) -> str:
    """Write an instant as the portal does: yyyyMMddHHmmss in Hà Nội time ('' for none)."""
    return "" if at is None else at.astimezone(PORTAL_ZONE).strftime(PORTAL_FORMAT)


def parse_portal_time(text: str) -> datetime | None:
    """Read a portal date (yyyyMMddHHmmss, Hà Nội time) as an aware instant; None when empty."""
    if not text:
        return None
    try:
        return datetime.strptime(text, PORTAL_FORMAT).replace(tzinfo=PORTAL_ZONE)
    except ValueError:
        raise ExchangeError(
            say(
                f"ngày {text!r} không đúng dạng yyyyMMddHHmmss",
                f"date {text!r} is not yyyyMMddHHmmss",
            )
        ) from None


def _day_at(day: date, due_time: time) -> str:
    return portal_time(datetime.combine(day, due_time, PORTAL_ZONE))


def _supplements(dossier: Dossier) -> list[dict[str, str]]:
    """One item per time the centre waited for the citizen's supplement."""
    items = []
    for pause in dossier.pauses:
        if pause.kind is not StepKind.SUPPLEMENT_REQUESTED:
            continue
        step = next(s for s in dossier.steps if s.at == pause.start)
        items.append(
            {
                "NoiDungBoSung": step.note,
                "NgayBoSung": portal_time(pause.start),
                "NgayTiepNhanBoSung": portal_time(pause.end),
            }
        )
    return items


def to_record(dossier: Dossier, due_time: time) -> dict[str, Any]:
    """Return a dossier as one portal sync record."""
    citizen = dossier.citizen
    apology = dossier.apology
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure_code,
        "ChuHoSo": citizen.name,
        "SoDienThoai": citizen.phone,
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": _day_at(dossier.legal_due, due_time),
        "NgayHenTraMoi": _day_at(apology.new_due, due_time) if apology else "",
        "TrangThaiHoSo": int(dossier.status),
        "NgayKetThucXuLy": portal_time(dossier.finished_at),
        "NgayTra": portal_time(dossier.returned_at),
        "KenhThucHien": int(dossier.channel),
        "DanhSachHoSoBoSung": _supplements(dossier),
        "DanhSachGiayToKetQua": [],  # result papers are not recorded by Motcua
    }


def export_records(
    session: Session, config: SiteConfig, first: date, last: date, actor: str, at: datetime
) -> list[dict[str, Any]]:
    """Return the records of this site's dossiers received from `first` to `last` (local days).

    Each record discloses the citizen's name and phone to another system: the read is logged.
    """
    zone = ZoneInfo(config.site.timezone)
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)
    codes = session.scalars(
        select(DossierRow.code)
        .where(
            DossierRow.site_id == config.site.id,
            DossierRow.received_at >= start,
            DossierRow.received_at < end,
        )
        .order_by(DossierRow.received_at, DossierRow.code)
    ).all()
    repo = DossierRepository(session, config.site.id)
    due_time = DossierSettings.from_config(config).due_time
    records = []
    for code in codes:
        dossier = repo.by_code(code)
        assert dossier is not None
        records.append(to_record(dossier, due_time))
        log_access(
            session,
            site_id=config.site.id,
            at=at,
            actor=actor,
            purpose="dvcqg_export",
            fields=("name", "phone"),
            dossier_code=code,
        )
    return records


def _sync(code: str, status: int, at: datetime, note: str = "") -> dict[str, Any]:
    return {"code": code, "status": status, "at": at, "note": note[:400]}


def sync_commands(record: dict[str, Any]) -> tuple[list[dict[str, Any]], date | None]:
    """Turn one portal record into the `sync_dossier` commands that rebuild it, in order.

    Returns the commands and the new due date of an apology (applied before the last status).
    """
    code = str(record.get("MaHoSo", ""))
    received = parse_portal_time(str(record.get("NgayTiepNhan", "")))
    if not code or received is None:
        raise ExchangeError(say("thiếu MaHoSo hoặc NgayTiepNhan", "MaHoSo or NgayTiepNhan missing"))
    citizen = {"name": str(record.get("ChuHoSo", "")), "phone": str(record.get("SoDienThoai", ""))}
    create = {
        **_sync(code, int(DossierStatus.RECEIVED), received),
        "procedure": str(record.get("MaTTHC", "")),
        "citizen": citizen,
        "channel": int(record.get("KenhThucHien", 1)),
        "received_at": received,
    }
    commands = [create]
    for item in record.get("DanhSachHoSoBoSung") or []:
        asked = parse_portal_time(str(item.get("NgayBoSung", "")))
        if asked is None:
            continue
        status = int(DossierStatus.SUPPLEMENT_REQUESTED)
        commands.append(_sync(code, status, asked, str(item.get("NoiDungBoSung", ""))))
        supplied = parse_portal_time(str(item.get("NgayTiepNhanBoSung", "")))
        if supplied is not None:
            commands.append(_sync(code, int(DossierStatus.PROCESSING), supplied))
    new_due = parse_portal_time(str(record.get("NgayHenTraMoi", "")))
    status = DossierStatus(int(record.get("TrangThaiHoSo", 2)))
    last = commands[-1]["at"] + ONE_SECOND * (2 if new_due else 1)
    finished = parse_portal_time(str(record.get("NgayKetThucXuLy", "")))
    returned = parse_portal_time(str(record.get("NgayTra", "")))
    if status in FINISHED_STATUSES:
        commands.append(_sync(code, int(DossierStatus.DONE), finished or returned or last))
        if status is DossierStatus.RETURNED:
            commands.append(_sync(code, int(status), returned or last + ONE_SECOND))
    elif status is not DossierStatus.RECEIVED:
        commands.append(_sync(code, int(status), last))
    return commands, new_due.date() if new_due else None


def _reschedule(sessions: sessionmaker[Session], config: SiteConfig, code: str, due: date) -> None:
    with sessions.begin() as session:
        repo = DossierRepository(session, config.site.id)
        dossier = repo.by_code(code)
        if dossier is None or dossier.apology is not None:
            return
        at = dossier.steps[-1].at + ONE_SECOND
        after = rules.reschedule(dossier, at, SOURCE, APOLOGY_REASON, due)
        repo.save(dossier, after, at)


def import_record(server: OfflineServer, config: SiteConfig, record: Any) -> bool:
    """Apply one portal record; return whether anything changed (re-importing changes nothing).

    Its `sync_dossier` commands go through the queue server (`server`), each recorded in the
    audit log; request ids are made from the commands, so a record is applied once.
    """
    if not isinstance(record, dict):
        raise ExchangeError(say("bản ghi không phải một bảng {...}", "record is not an object"))
    commands, new_due = sync_commands(record)
    changed = False
    for number, fields in enumerate(commands):
        if number == len(commands) - 1 and new_due is not None and number > 0:
            _reschedule(server.sessions, config, fields["code"], new_due)
        command = SyncDossier.model_validate({"request_id": SOURCE, **fields})
        payload = command.model_dump_json(exclude={"request_id"})
        digest = hashlib.sha256(payload.encode()).hexdigest()[:40]
        reply, events = server.send(command.model_copy(update={"request_id": f"{SOURCE}-{digest}"}))
        if not reply.ok:
            raise ExchangeError(reply.error.message if reply.error else command.code)
        changed = changed or bool(events)
    if new_due is not None and len(commands) == 1:
        _reschedule(server.sessions, config, commands[0]["code"], new_due)
    return changed


def run_export(args: argparse.Namespace) -> int:
    """Write the dossiers received in a period as portal records (a JSON list)."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    try:
        first, last = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
    except ValueError as exc:
        print(say(f"Lỗi: ngày không hợp lệ: {exc}", f"Error: bad date: {exc}"), file=sys.stderr)
        return USAGE
    sessions = open_site_database(config, args.database_url)
    with sessions.begin() as session:
        records = export_records(session, config, first, last, f"cli:{SOURCE}", utc_now())
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    out.chmod(0o600)  # names and phone numbers
    print(say(f"Đã ghi {len(records)} hồ sơ vào {out}.", f"Wrote {len(records)} dossiers."))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Read portal records (a JSON list) into the database; print how many changed."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    try:
        records = json.loads(Path(args.file).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as exc:
        print(say(f"Lỗi: {args.file}: {exc}", f"Error: {args.file}: {exc}"), file=sys.stderr)
        return FAILURE
    if not isinstance(records, list):
        print(say("Lỗi: tệp phải là danh sách hồ sơ.", "Error: not a list."), file=sys.stderr)
        return FAILURE
    changed = errors = 0
    try:
        with offline_sessions(config, args.database_url, IMPORT_RUNNING) as sessions:
            server = OfflineServer(config, sessions, SOURCE)
            try:
                for line, record in enumerate(records, start=1):
                    try:
                        changed += import_record(server, config, record)
                    except (ExchangeError, ValidationError, DomainError, ValueError) as exc:
                        message = exc.message if isinstance(exc, DomainError) else str(exc)
                        print(f"bản ghi {line}: {message}", file=sys.stderr)
                        errors += 1
            finally:
                server.close()
    except ServerRunning as exc:
        print(exc, file=sys.stderr)
        return FAILURE
    print(
        f"Đã nhập {len(records)} hồ sơ từ Cổng DVCQG: {changed} thay đổi, "
        f"{len(records) - changed - errors} không đổi, {errors} lỗi."
    )
    return FAILURE if errors else 0
