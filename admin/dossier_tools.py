"""`motcua dossier import | form | register | late`: records, forms, the register, late list."""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from admin import exchange
from admin.offline import OfflineServer, ServerRunning, offline_sessions
from counter_console.forms import dossier_data
from hw.printer.documents import Document, render_pages, render_sheets
from hw.printer.documents import from_dossier as forms
from hw.printer.documents.paper import save_pdf
from hw.printer.documents.register import write_register_xlsx
from hw.printer.fonts import find_fonts
from hw.printer.profiles import profile_for
from hw.printer.service import page_style
from server.dossier_projection import full_view
from server.dossier_service import DossierService, DossierSettings
from server.main import add_site_arguments, open_site_database
from shared.cli_text import say
from shared.config.printer import PrinterConfig
from shared.config.site import SiteConfig, load_config
from shared.domain.dossiers import TIMELINESS_LABELS, Dossier, DossierStatus, StepKind, Timeliness
from shared.domain.errors import InvalidInput
from shared.domain.form_sets import FormKind, form_set_by_id, parse_form_choice
from shared.messaging.dossier_commands import SyncDossier
from shared.runtime import utc_now
from shared.storage.dossier_repository import DossierRepository
from shared.storage.dossier_tables import DossierRow
from shared.storage.officer_repository import OfficerRepository

IMPORT_SOURCE = "import"
IMPORT_FORMATS = ("motcua", "dvcqg")
FORMS = "01…07 (hoặc form-01…), hoặc tên cũ: slip, supplement, refusal, apology, stop, control"


def register(actions: Any) -> None:
    """Add the `import`, `form` and `late` actions to `motcua dossier`."""
    imp = actions.add_parser(
        "import", help="nhập hồ sơ và trạng thái từ hệ thống một cửa khác (JSON/CSV)"
    )
    imp.add_argument("file", metavar="FILE", help="tệp .json (danh sách bản ghi) hoặc .csv")
    imp.add_argument(
        "--format",
        choices=IMPORT_FORMATS,
        default="motcua",
        help="motcua: bản ghi sync_dossier; dvcqg: bản ghi Cổng DVC quốc gia (docs/exchange.md)",
    )
    add_site_arguments(imp)
    imp.set_defaults(handler=run_import_format)
    export = actions.add_parser(
        "export", help="xuất hồ sơ theo định dạng trao đổi với Cổng DVC quốc gia (JSON)"
    )
    export.add_argument("--format", choices=("dvcqg",), default="dvcqg", help="định dạng tệp")
    export.add_argument(
        "--from", dest="date_from", required=True, help="từ ngày tiếp nhận, YYYY-MM-DD"
    )
    export.add_argument(
        "--to", dest="date_to", required=True, help="đến ngày tiếp nhận, YYYY-MM-DD"
    )
    export.add_argument("--out", required=True, help="tệp JSON sẽ ghi ra")
    add_site_arguments(export)
    export.set_defaults(handler=exchange.run_export)
    form = actions.add_parser("form", help="in lại phiếu của một hồ sơ ra tệp PNG hoặc PDF")
    form.add_argument("code", metavar="CODE", help="mã hồ sơ")
    form.add_argument(
        "--form", default="01", help=f"mẫu, theo bộ biểu mẫu của hồ sơ: {FORMS} (mặc định: 01)"
    )
    form.add_argument(
        "--paper", choices=("80mm", "a4", "a5"), default="80mm", help="khổ giấy (mặc định: 80mm)"
    )
    form.add_argument(
        "--out", required=True, help="tệp PNG (nhiều trang: thêm -2, -3…) hoặc PDF (A4/A5)"
    )
    add_site_arguments(form)
    form.set_defaults(handler=run_form)
    book = actions.add_parser(
        "register", help="xuất Sổ theo dõi hồ sơ của một khoảng thời gian (XLSX hoặc PDF A4)"
    )
    book.add_argument("--from", dest="first", required=True, help="từ ngày nhận, YYYY-MM-DD")
    book.add_argument("--to", dest="last", required=True, help="đến ngày nhận, YYYY-MM-DD")
    book.add_argument("--out", required=True, help="tệp .xlsx hoặc .pdf")
    add_site_arguments(book)
    book.set_defaults(handler=run_register)
    late = actions.add_parser("late", help="liệt kê hồ sơ sắp đến hạn hoặc quá hạn")
    late.add_argument("--department", default=None, help="chỉ một sở/ngành")
    add_site_arguments(late)
    late.set_defaults(handler=run_late)


def _open(args: argparse.Namespace) -> tuple[SiteConfig, sessionmaker[Session]] | None:
    config = load_config(args.config)
    if config is None:
        return None
    return config, open_site_database(config, args.database_url)


def _service(config: SiteConfig) -> DossierService:
    settings = DossierSettings.from_config(config)
    external = settings.external_devices | {IMPORT_SOURCE}
    return DossierService(config.to_domain(), replace(settings, external_devices=external))


class RecordsError(ValueError):
    """A records file that cannot be imported; the message is in the user's language."""


def _json_records(text: str) -> list[dict[str, Any]]:
    """The records of a JSON file: a list of objects, or {"dossiers": [...]}."""
    try:
        data = json.loads(text)
    except RecursionError:
        raise RecordsError(
            say("JSON lồng nhau quá sâu.", "the JSON is nested too deeply.")
        ) from None
    except ValueError as exc:
        raise RecordsError(say(f"JSON không hợp lệ: {exc}.", f"invalid JSON: {exc}.")) from None
    records = data.get("dossiers") if isinstance(data, dict) else data
    if not isinstance(records, list):
        raise RecordsError(
            say(
                'tệp JSON phải là một danh sách bản ghi hồ sơ (hoặc {"dossiers": [...]}).',
                'the JSON file must be a list of dossier records (or {"dossiers": [...]}).',
            )
        )
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise RecordsError(
                say(
                    f"bản ghi {number} không phải một bảng {{...}} (là {type(record).__name__}).",
                    f"record {number} is not an object {{...}} (it is {type(record).__name__}).",
                )
            )
    return records


def read_records(path: Path) -> list[dict[str, Any]]:
    """Read dossier records from JSON (a list, or {"dossiers": [...]}) or CSV (one per row)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RecordsError(say("không tìm thấy tệp.", "file not found.")) from None
    except UnicodeDecodeError:
        raise RecordsError(say("tệp không phải UTF-8.", "the file is not UTF-8.")) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise RecordsError(
            say(f"không đọc được tệp: {reason}.", f"cannot read it: {reason}.")
        ) from None
    if path.suffix.lower() == ".json":
        return _json_records(text)
    rows = list(csv.DictReader(text.splitlines()))
    records = []
    for row in rows:
        record: dict[str, Any] = {k: v for k, v in row.items() if k and v not in (None, "")}
        name = record.pop("citizen_name", None)
        if name:
            record["citizen"] = {"name": name}
        records.append(record)
    return records


def run_import_format(args: argparse.Namespace) -> int:
    """Import records in the chosen format: this system's own, or the national portal's."""
    if args.format == "dvcqg":
        return exchange.run_import(args)
    return run_import(args)


def import_request_id(prefix: str, command: SyncDossier) -> str:
    """A request id made from the record itself: the same record is applied once, ever.

    Re-importing a file then gets the stored replies (nothing changes, nothing is logged
    again), while another file's records never collide with this one's.
    """
    payload = command.model_dump_json(exclude={"request_id"})
    return f"{prefix}-{hashlib.sha256(payload.encode()).hexdigest()[:40]}"


IMPORT_RUNNING = say(
    "dừng máy chủ (systemctl stop motcua-server) rồi nhập lại, hoặc để hệ thống một cửa kia "
    "gửi bản ghi qua máy chủ bằng lệnh sync_dossier ([dossiers] external_systems)",
    "stop it (systemctl stop motcua-server) and import again, or have the other one-stop "
    "system send the records through the server as sync_dossier ([dossiers] external_systems)",
)


def run_import(args: argparse.Namespace) -> int:
    """Apply each record as a `sync_dossier` through the queue server; re-importing changes
    nothing. Refused while the server runs (it is the only writer)."""
    config = load_config(args.config)
    if config is None:
        return 2
    try:
        records = read_records(Path(args.file))
    except (csv.Error, ValueError) as exc:
        print(say(f"Lỗi: {args.file}: {exc}", f"Error: {args.file}: {exc}"), file=sys.stderr)
        return 1
    counts = {"created": 0, "updated": 0, "unchanged": 0, "errors": 0}
    commands = _import_commands(records, counts)  # a bad record is reported before the lock
    if commands:
        try:
            with offline_sessions(config, args.database_url, IMPORT_RUNNING) as sessions:
                server = OfflineServer(config, sessions, IMPORT_SOURCE)
                try:
                    _apply_commands(server, commands, counts)
                finally:
                    server.close()
        except ServerRunning as exc:
            print(exc, file=sys.stderr)
            return 1
    print(
        f"Đã nhập {len(records)} bản ghi: {counts['created']} hồ sơ mới, "
        f"{counts['updated']} cập nhật, {counts['unchanged']} không đổi, {counts['errors']} lỗi."
    )
    return 1 if counts["errors"] else 0


def _import_commands(
    records: list[dict[str, Any]], counts: dict[str, int]
) -> list[tuple[int, SyncDossier]]:
    """The records as `sync_dossier` commands, numbered by line; a bad one is counted."""
    commands = []
    for line, record in enumerate(records, start=1):
        try:
            command = SyncDossier.model_validate({"request_id": IMPORT_SOURCE, **record})
        except ValidationError as exc:
            problem = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            print(f"bản ghi {line}: {problem}", file=sys.stderr)
            counts["errors"] += 1
            continue
        if "request_id" not in record:
            command = command.model_copy(
                update={"request_id": import_request_id(IMPORT_SOURCE, command)}
            )
        commands.append((line, command))
    return commands


def _apply_commands(
    server: OfflineServer, commands: list[tuple[int, SyncDossier]], counts: dict[str, int]
) -> None:
    for line, command in commands:
        reply, events = server.send(command)
        if not reply.ok:
            message = reply.error.message if reply.error else ""
            print(f"bản ghi {line} ({command.code}): {message}", file=sys.stderr)
            counts["errors"] += 1
        elif not events:
            counts["unchanged"] += 1  # already applied (or older than what is known)
        elif reply.result.get("created"):
            counts["created"] += 1
        else:
            counts["updated"] += 1


def _context(config: SiteConfig, service: DossierService, officer: str) -> forms.FormContext:
    section = config.dossiers
    return forms.FormContext(
        agency_name=config.site.name,
        place=section.place or config.site.name,
        officer_name=officer,
        register_book=section.register_book,
        head_title=section.head_title,
        head_name=section.head_name,
        parent_body=section.parent_body,
        due_time=service.settings.due_time,
        timezone=config.site.timezone,
    )


def _form_document(
    kind: FormKind, view: forms.DossierData, context: forms.FormContext, now: datetime
) -> Document:
    """Fill one form from a dossier; InvalidInput when the dossier has nothing for it."""
    code = view.code
    if kind is FormKind.RECEIPT:
        return forms.appointment_slip(view, context, view.received_at)
    if kind is FormKind.APOLOGY:
        if view.apology is None:
            raise InvalidInput(f"hồ sơ {code} chưa hẹn lại ngày trả.")
        return forms.apology(view, context)
    if kind is FormKind.STOP_NOTICE:
        if view.status != DossierStatus.STOPPED:
            raise InvalidInput(f"hồ sơ {code} không ở trạng thái dừng giải quyết.")
        return forms.stop_notice(view, context)
    if kind is FormKind.CONTROL_SHEET:
        return forms.control_sheet(view, context, now)
    if kind is FormKind.REFUSAL:
        refused = next((s for s in view.steps if s.kind == StepKind.REFUSED), None)
        if refused is None:
            raise InvalidInput(f"hồ sơ {code} không bị từ chối.")
        return forms.refusal(view, context, refused.at, refused.note)
    if kind is FormKind.SUPPLEMENT:
        asked = [s for s in view.steps if s.kind == StepKind.SUPPLEMENT_REQUESTED]
        if not asked:
            raise InvalidInput(f"hồ sơ {code} chưa có yêu cầu bổ sung.")
        return forms.supplement_request(view, context, asked[-1].at, asked[-1].note, ())
    raise InvalidInput(
        "Sổ theo dõi hồ sơ lập theo khoảng thời gian: dùng `motcua dossier register`."
    )


def _write_pages(pages: list[Image.Image], out: Path) -> None:
    """Save pages as one PDF, or as PNG files (-2, -3… after the first)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".pdf":
        save_pdf(pages, out)
        print(out)
        return
    for i, page in enumerate(pages, start=1):
        target = out if i == 1 else out.with_name(f"{out.stem}-{i}{out.suffix}")
        page.save(target)
        print(target)


def run_form(args: argparse.Namespace) -> int:
    """Render one form of a dossier (its own form set's numbering) to PNG or PDF."""
    opened = _open(args)
    if opened is None:
        return 2
    config, sessions = opened
    service = _service(config)
    now = utc_now()
    with sessions() as session:
        dossier = DossierRepository(session, config.site.id).by_code(args.code)
        if dossier is None:
            print(f"Lỗi: không có hồ sơ {args.code}.", file=sys.stderr)
            return 1
        officer = OfficerRepository(session, dossier.site_id).get(dossier.received_by)
    view = dossier_data(full_view(dossier, service.views, now))
    context = _context(config, service, officer.name if officer else dossier.received_by)
    try:
        form_set = form_set_by_id(forms.form_set_of(view, context))
        document = _form_document(parse_form_choice(args.form, form_set), view, context, now)
    except InvalidInput as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 1
    if args.paper in ("a4", "a5"):
        pages = render_sheets(document, args.paper, find_fonts())
    else:
        printer = PrinterConfig(id="form-png")
        pages = render_pages(document, page_style(printer, profile_for(printer)))
    _write_pages(pages, Path(args.out))
    return 0


def _day(text: str, what: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f'{what}: cần dạng "YYYY-MM-DD", nhận được {text!r}.') from None


def received_between(
    session: Session, site_id: str, first: date, last: date, timezone: str
) -> list[Dossier]:
    """Return the site's dossiers received between two local dates (inclusive)."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(first, time(0, 0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0, 0), zone)
    codes = session.scalars(
        select(DossierRow.code)
        .where(
            DossierRow.site_id == site_id,
            DossierRow.received_at >= start.astimezone(UTC),
            DossierRow.received_at < end.astimezone(UTC),
        )
        .order_by(DossierRow.received_at, DossierRow.id)
    )
    repo = DossierRepository(session, site_id)  # read through the repository: one shape
    found = [repo.by_code(code) for code in list(codes)]
    return [d for d in found if d is not None and start <= d.received_at < end]


def run_register(args: argparse.Namespace) -> int:
    """Export the register (Mẫu 07) of dossiers received in a period to XLSX or an A4 PDF."""
    try:
        first, last = _day(args.first, "--from"), _day(args.last, "--to")
        if last < first:
            raise InvalidInput("--to phải không trước --from.")
    except InvalidInput as exc:
        print(f"Lỗi: {exc.message}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".pdf"):
        print("Lỗi: --out phải là tệp .xlsx hoặc .pdf.", file=sys.stderr)
        return 2
    opened = _open(args)
    if opened is None:
        return 2
    config, sessions = opened
    service = _service(config)
    now = utc_now()
    with sessions() as session:
        dossiers = received_between(session, config.site.id, first, last, config.site.timezone)
    context = _context(config, service, "")
    departments = {d.id: d.name for d in config.departments}
    rows = forms.register_rows(dossiers, departments, context)
    book = forms.register(rows, context, first, last, now)
    if out.suffix.lower() == ".xlsx":
        write_register_xlsx(book, out)
        print(out)
    else:
        _write_pages(render_sheets(book, "a4", find_fonts()), out)
    print(f"{len(rows)} hồ sơ nhận từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}.", file=sys.stderr)
    return 0


def run_late(args: argparse.Namespace) -> int:
    """Print the dossiers due within one working day or overdue, one per line."""
    opened = _open(args)
    if opened is None:
        return 2
    config, sessions = opened
    service = _service(config)
    now = utc_now()
    with sessions() as session:
        rows = service.late_list(session, now, args.department)
    for row in rows:
        timeliness = TIMELINESS_LABELS[Timeliness(row["timeliness"])]
        print(
            f"{row['code']}\t{row['legal_due']}\t{timeliness}\t"
            f"{row['status_label']}\t{row['procedure_name']}"
        )
    print(f"{len(rows)} hồ sơ sắp đến hạn hoặc quá hạn.", file=sys.stderr)
    return 0
