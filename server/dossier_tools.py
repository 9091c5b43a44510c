"""`motcua dossier import | form | late`: external records, printed forms and the late list."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from hw.printer.documents import Document, render_pages
from hw.printer.documents import from_dossier as forms
from hw.printer.profiles import profile_for
from hw.printer.service import page_style
from server.dossier_projection import full_view
from server.dossier_service import DossierService, DossierSettings
from server.main import add_site_arguments, open_site_database
from shared.cli_text import say
from shared.config.printer import PrinterConfig
from shared.config.site import SiteConfig, load_config
from shared.domain.dossiers import TIMELINESS_LABELS, Timeliness
from shared.domain.errors import DomainError
from shared.messaging.dossier_commands import SyncDossier
from shared.runtime import utc_now
from shared.storage.dossier_repository import DossierRepository
from shared.storage.officer_repository import OfficerRepository
from shared.storage.repository import QueueRepository

IMPORT_SOURCE = "import"
FORMS = ("slip", "apology", "control")


def register(actions: Any) -> None:
    """Add the `import`, `form` and `late` actions to `motcua dossier`."""
    imp = actions.add_parser(
        "import", help="nhập hồ sơ và trạng thái từ hệ thống một cửa khác (JSON/CSV)"
    )
    imp.add_argument("file", metavar="FILE", help="tệp .json (danh sách bản ghi) hoặc .csv")
    add_site_arguments(imp)
    imp.set_defaults(handler=run_import)
    form = actions.add_parser("form", help="in lại phiếu của một hồ sơ ra tệp PNG")
    form.add_argument("code", metavar="CODE", help="mã hồ sơ")
    form.add_argument("--form", choices=FORMS, default="slip", help="mẫu phiếu (mặc định: slip)")
    form.add_argument("--out", required=True, help="tệp PNG (nhiều trang: thêm -2, -3…)")
    add_site_arguments(form)
    form.set_defaults(handler=run_form)
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


def run_import(args: argparse.Namespace) -> int:
    """Apply each record like an external system's `sync_dossier`; re-importing changes nothing."""
    opened = _open(args)
    if opened is None:
        return 2
    config, sessions = opened
    try:
        records = read_records(Path(args.file))
    except (csv.Error, ValueError) as exc:
        print(say(f"Lỗi: {args.file}: {exc}", f"Error: {args.file}: {exc}"), file=sys.stderr)
        return 1
    service = _service(config)
    counts = {"created": 0, "updated": 0, "unchanged": 0, "errors": 0}
    for line, record in enumerate(records, start=1):
        try:
            command = SyncDossier.model_validate({"request_id": f"import-{line}", **record})
        except ValidationError as exc:
            problem = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            print(f"bản ghi {line}: {problem}", file=sys.stderr)
            counts["errors"] += 1
            continue
        try:
            with sessions.begin() as session:
                outcome = service.execute(
                    QueueRepository(session, config.site.id), IMPORT_SOURCE, command, utc_now()
                )
        except DomainError as exc:
            print(f"bản ghi {line} ({command.code}): {exc.message}", file=sys.stderr)
            counts["errors"] += 1
            continue
        if outcome.result.get("created"):
            counts["created"] += 1
        elif outcome.dossier_events:
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    print(
        f"Đã nhập {len(records)} bản ghi: {counts['created']} hồ sơ mới, "
        f"{counts['updated']} cập nhật, {counts['unchanged']} không đổi, {counts['errors']} lỗi."
    )
    return 1 if counts["errors"] else 0


def run_form(args: argparse.Namespace) -> int:
    """Render a dossier's slip, apology or control sheet to PNG from the database."""
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
    view = full_view(dossier, service.views, now)
    section = config.dossiers
    context = forms.FormContext(
        agency_name=config.site.name,
        place=section.place or config.site.name,
        officer_name=officer.name if officer else dossier.received_by,
        register_book=section.register_book,
        head_title=section.head_title,
        head_name=section.head_name,
        due_time=service.settings.due_time,
        timezone=config.site.timezone,
    )
    document: Document
    if args.form == "slip":
        document = forms.appointment_slip(view, context, dossier.received_at)
    elif args.form == "apology":
        if view.apology is None:
            print(f"Lỗi: hồ sơ {args.code} chưa hẹn lại ngày trả.", file=sys.stderr)
            return 1
        document = forms.apology(view, context)
    else:
        document = forms.control_sheet(view, context, now)
    printer = PrinterConfig(id="form-png")
    style = page_style(printer, profile_for(printer))
    pages = render_pages(document, style)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for i, page in enumerate(pages, start=1):
        target = out if i == 1 else out.with_name(f"{out.stem}-{i}{out.suffix}")
        page.save(target)
        print(target)
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
