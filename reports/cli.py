"""`motcua report`: the statistics of a period as an XLSX workbook and an HTML report (+ PDF)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError, ProgrammingError

from reports.build import build_report, report_engine
from reports.charts import all_charts
from reports.html import write_html
from reports.pdf import write_pdf
from reports.xlsx import write_xlsx
from shared.cli_text import FAILURE, USAGE, say
from shared.config.site import load_config

DEFAULT_CONFIG = "config/demo-site.toml"


def register(subparsers: Any) -> None:
    """Add the `report` subcommand."""
    parser = subparsers.add_parser(
        "report", help="báo cáo thống kê: bảng tính XLSX và báo cáo HTML có biểu đồ"
    )
    parser.add_argument("--from", dest="first", required=True, help="từ ngày, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", required=True, help="đến ngày, YYYY-MM-DD")
    parser.add_argument("--out", required=True, help="thư mục ghi báo cáo")
    parser.add_argument("--site", help="mã điểm phục vụ (mặc định theo tệp cấu hình)")
    parser.add_argument("--department", help="chỉ một đơn vị (mã đơn vị trong cấu hình)")
    parser.add_argument("--config", default=DEFAULT_CONFIG, help="tệp cấu hình điểm phục vụ")
    parser.add_argument("--database", help="URL cơ sở dữ liệu (mặc định theo tệp cấu hình)")
    parser.add_argument("--no-pdf", action="store_true", help="không tạo PDF")
    parser.set_defaults(handler=run)


class UsageError(ValueError):
    """A command-line value the report cannot use; the message is in the user's language."""


def _error(vi: str, en: str) -> None:
    print(say(f"Lỗi: {vi}", f"Error: {en}"), file=sys.stderr)


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(
            say(
                f"{option} cần dạng YYYY-MM-DD, nhận được {text!r}.",
                f"{option} must be YYYY-MM-DD, got {text!r}.",
            )
        ) from None


def _check_out(out: Path) -> None:
    """Refuse an --out that exists and is not a folder (the report writes several files)."""
    if out.exists() and not out.is_dir():
        raise UsageError(
            say(
                f"--out {out} là một tệp; --out cần một thư mục (báo cáo gồm nhiều tệp).",
                f"--out {out} is a file; --out needs a folder (the report is several files).",
            )
        )


def run(args: argparse.Namespace) -> int:
    """Write the report files and print their paths; 2 on bad input, 1 when it cannot be made."""
    config = load_config(args.config)
    if config is None:
        return USAGE
    out = Path(args.out)
    try:
        first, last = _day(args.first, "--from"), _day(args.last, "--to")
        _check_out(out)
    except UsageError as exc:
        print(say(f"Lỗi: {exc}", f"Error: {exc}"), file=sys.stderr)
        return USAGE
    if last < first:
        _error("--to phải sau hoặc bằng --from.", "--to must not be before --from.")
        return USAGE
    if args.department and args.department not in {d.id for d in config.departments}:
        _error(
            f"không có đơn vị {args.department!r} trong cấu hình.",
            f"no department {args.department!r} in the site file.",
        )
        return USAGE
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        _error(f"không tạo được thư mục {out}: {reason}", f"cannot create {out}: {reason}")
        return FAILURE
    engine = report_engine(args.database or config.database_url())
    started = time.perf_counter()
    try:
        report = build_report(
            engine, config, first, last, datetime.now(UTC), args.site, args.department
        )
    except (OperationalError, ProgrammingError) as exc:
        print(
            say(
                f"Lỗi cơ sở dữ liệu (đã chạy máy chủ hoặc demo-data chưa?): {exc.orig}",
                f"Database error (has the server or demo-data run yet?): {exc.orig}",
            ),
            file=sys.stderr,
        )
        return FAILURE
    finally:
        engine.dispose()
    queried = time.perf_counter() - started
    stem = f"bao-cao-{first:%Y%m%d}-{last:%Y%m%d}" + (
        f"-{args.department}" if args.department else ""
    )
    html_path = out / f"{stem}.html"
    try:
        xlsx = write_xlsx(report, out / f"{stem}.xlsx")
        write_html(report, all_charts(report), html_path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        _error(f"không ghi được báo cáo vào {out}: {reason}", f"cannot write into {out}: {reason}")
        return FAILURE
    pdf_note = (
        "Không tạo PDF (--no-pdf)." if args.no_pdf else write_pdf(html_path, out / f"{stem}.pdf")
    )
    print(f"Số liệu: {queried:.2f} s; tổng cộng {time.perf_counter() - started:.2f} s")
    print(xlsx)
    print(html_path)
    print(pdf_note)
    return 0
