"""`motcua hw printers | print-test | render`: list, test and preview receipt printers."""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from shared.config.printer import PrinterConfig
from shared.config.site import format_errors

DOCUMENTS = ("ticket", "slip", "supplement", "refusal", "apology", "stop", "control", "register")
PAPERS = ("80mm", "58mm", "a4", "a5")
DEFAULT_PRINTER = PrinterConfig(id="sim-80mm", name="Máy in mô phỏng 80 mm")
_PRINTERS = TypeAdapter(list[PrinterConfig])


class PrinterConfigError(ValueError):
    """The printer configuration cannot be read; the message names the file and key."""


def load_printer_configs(path: str | None) -> list[PrinterConfig]:
    """Read the `[[printers]]` array of a site TOML file; no file means one simulated printer."""
    # Swap for the site config loader once every site file goes through it.
    if not path:
        return [DEFAULT_PRINTER]
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise PrinterConfigError(f"{path}: {error}") from error
    try:
        configs = _PRINTERS.validate_python(data.get("printers", []))
    except ValidationError as error:
        problems = "; ".join(f"printers.{line}" for line in format_errors(error))
        raise PrinterConfigError(f"{path}: {problems}") from error
    if not configs:
        raise PrinterConfigError(f"{path}: no [[printers]] configured")
    return configs


def _pick(configs: list[PrinterConfig], name: str | None) -> PrinterConfig:
    """Return the printer with this id or name (the first one when none is given)."""
    if not name:
        return configs[0]
    for config in configs:
        if name in (config.id, config.name):
            return config
    known = ", ".join(c.id for c in configs)
    raise PrinterConfigError(f"no printer named {name!r} (configured: {known})")


def run_printers(args: argparse.Namespace) -> int:
    """List the configured printers with their status, queried in parallel."""
    from hw.printer.profiles import profile_for
    from hw.printer.service import ReceiptPrinter

    configs = load_printer_configs(args.config)
    printers = [ReceiptPrinter(config) for config in configs]
    try:
        with ThreadPoolExecutor(max(1, len(printers))) as pool:
            statuses = list(pool.map(lambda p: p.status(), printers))
    finally:
        for printer in printers:
            printer.close()
    if args.json:
        print(json.dumps([s.to_payload() for s in statuses], ensure_ascii=False, indent=2))
        return 0
    for config, status in zip(configs, statuses, strict=True):
        profile = profile_for(config)
        print(
            f"{config.id:<20} {config.driver:<8} {profile.name:<12} {profile.width_dots:>4} dots  "
            f"{status.state.value:<15} {status.message}"
        )
        if status.detail:
            print(f"{'':<20} {status.detail}")
    return 0


def run_print_test(args: argparse.Namespace) -> int:
    """Print a sample document with Vietnamese demo data and report the result."""
    from hw.printer.demo import demo_document
    from hw.printer.service import ReceiptPrinter

    config = _pick(load_printer_configs(args.config), args.printer)
    printer = ReceiptPrinter(config)
    try:
        result = printer.print_document(demo_document(args.document))
        if printer.sim is not None and printer.sim.jobs and args.out:
            Path(args.out).write_bytes(printer.sim.jobs[-1].png)
            print(f"mô phỏng: đã ghi hình bản in vào {args.out}")
    finally:
        printer.close()
    print(f"{config.id}: {result.outcome.value} — {result.message}")
    if result.reason:
        print(f"lý do: {result.reason.value}")
    if result.status is not None:
        print(f"trạng thái: {result.status.state.value} — {result.status.message}")
    return 0 if result.printed else 1


def demo_for(name: str, set_id: str) -> Any:
    """Return the demo document named 'ticket', 'form-06', '06' or an old name ('control')."""
    from dataclasses import replace

    from hw.printer.demo import DEMO_FORMS, demo_document
    from shared.domain.form_sets import form_set_by_id, parse_form_choice

    if name == "ticket":
        return demo_document("ticket")
    form_set = form_set_by_id(set_id)
    document: Any = DEMO_FORMS[parse_form_choice(name, form_set)]()
    return replace(document, form_set=form_set.id)


def _render_sheets(args: argparse.Namespace, document: Any) -> int:
    """Render on A4/A5: a PDF, or the first sheet as PNG."""
    from hw.printer.documents import RegisterData, render_sheets
    from hw.printer.documents.paper import save_pdf
    from hw.printer.fonts import find_fonts

    pages = render_sheets(document, args.paper, find_fonts())
    paper = "A4 ngang" if isinstance(document, RegisterData) else args.paper.upper()
    if args.out:
        out = Path(args.out)
        if out.suffix.lower() == ".pdf":
            save_pdf(pages, out)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            pages[0].save(out)
    print(f"{args.document}: {len(pages)} trang {paper}")
    return 0


def run_render(args: argparse.Namespace) -> int:
    """Render a demo document: on a roll as the printer's bytes decoded back, or on A4/A5."""
    from hw.printer.documents import RegisterData
    from hw.printer.raster import decode
    from hw.printer.service import ReceiptPrinter
    from shared.domain.errors import InvalidInput

    try:
        document = demo_for(args.document, args.form_set)
    except InvalidInput as error:
        print(f"lỗi: {error.message}", file=sys.stderr)
        return 2
    if args.paper in ("a4", "a5") or isinstance(document, RegisterData):
        args.paper = args.paper if args.paper in ("a4", "a5") else "a4"
        return _render_sheets(args, document)
    configs = load_printer_configs(args.config)
    config = _pick(configs, args.printer)
    profile = args.profile or args.paper
    if profile:
        config = config.model_copy(update={"profile": profile})
    printer = ReceiptPrinter(config)
    try:
        data = printer.encode(document)
    finally:
        printer.close()
    if args.escpos:
        Path(args.escpos).write_bytes(data)
    job = decode(data, printer.profile.width_dots, printer.profile.line_dots)
    if args.out:
        job.preview().save(args.out)
    pages = len(job.pages)
    print(f"{args.document}: {len(data)} byte ESC/POS, {pages} trang, rộng {job.width} chấm")
    return 0


def _guard(handler: Any) -> Any:
    """Turn configuration errors into a message and exit status 2."""

    def run(args: argparse.Namespace) -> int:
        from hw.printer.fonts import FontNotFoundError
        from hw.printer.profiles import UnknownProfileError

        try:
            return int(handler(args))
        except (PrinterConfigError, UnknownProfileError, FontNotFoundError) as error:
            print(f"lỗi cấu hình máy in: {error}", file=sys.stderr)
            return 2

    return run


def register(subparsers: Any) -> None:
    """Add the printer tools to `motcua hw`."""
    config_help = "tệp cấu hình (TOML) có mảng [[printers]]; bỏ trống = máy in mô phỏng 80 mm"
    listing = subparsers.add_parser("printers", help="liệt kê máy in và trạng thái")
    listing.add_argument("--config", help=config_help)
    listing.add_argument("--json", action="store_true", help="in trạng thái dạng JSON")
    listing.set_defaults(handler=_guard(run_printers))

    test = subparsers.add_parser("print-test", help="in thử một phiếu mẫu")
    test.add_argument("--config", help=config_help)
    test.add_argument("--printer", help="id hoặc tên máy in (mặc định: máy đầu tiên)")
    test.add_argument("--document", choices=DOCUMENTS, default="ticket", help="loại phiếu")
    test.add_argument("--out", help="máy in mô phỏng: ghi hình bản in ra tệp PNG này")
    test.set_defaults(handler=_guard(run_print_test))

    render = subparsers.add_parser(
        "render", help="xem trước bản in: PNG và byte ESC/POS (giấy cuộn), PDF (A4/A5)"
    )
    render.add_argument(
        "document",
        help="ticket, form-01 … form-07 (mẫu của bộ biểu mẫu), hoặc tên cũ: "
        + ", ".join(DOCUMENTS[1:]),
    )
    render.add_argument(
        "--paper", choices=PAPERS, default="", help="khổ giấy (mặc định: theo máy in, 80 mm)"
    )
    render.add_argument(
        "--set",
        dest="form_set",
        default="tt03-2025",
        help="bộ biểu mẫu: tt03-2025 (mặc định) hoặc tt01-2018",
    )
    render.add_argument("--out", help="tệp PNG (giấy cuộn: giải mã lại từ byte ESC/POS) hoặc PDF")
    render.add_argument("--escpos", help="tệp ghi byte ESC/POS")
    render.add_argument("--config", help=config_help)
    render.add_argument("--printer", help="id hoặc tên máy in (khổ giấy, đầu trang, chân trang)")
    render.add_argument("--profile", help="đổi hồ sơ máy in: 80mm, 58mm, tm-t88, …")
    render.set_defaults(handler=_guard(run_render))
