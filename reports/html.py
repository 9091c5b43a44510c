"""The readable report: one self-contained, printable Vietnamese HTML page with charts."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

from reports.figures import Report
from reports.table_model import Kind, Table, Value
from reports.tables import all_tables

_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "DejaVu Sans", "Noto Sans", Arial, sans-serif; font-size: 10.5pt;
       color: #1d2733; max-width: 1100px; margin: 0 auto; padding: 16px; line-height: 1.45; }
header { border-bottom: 3px solid #2f6db3; margin-bottom: 14px; }
header .agency { text-transform: uppercase; font-weight: bold; color: #2f6db3; }
h1 { font-size: 19pt; margin: 4px 0; }
h2 { font-size: 14pt; color: #2f6db3; border-bottom: 1px solid #c9d6e8; margin-top: 26px; }
h3 { font-size: 11.5pt; margin: 18px 0 6px; }
.meta { color: #5b6775; margin: 0 0 10px; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0 4px; }
.card { border: 1px solid #c9d6e8; border-radius: 6px; padding: 8px 12px; min-width: 150px;
        flex: 1 1 150px; background: #f5f8fc; }
.card .value { font-size: 17pt; font-weight: bold; color: #1d2733; }
.card .label { font-size: 9pt; color: #5b6775; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 9pt; }
th, td { border: 1px solid #c9d6e8; padding: 3px 6px; vertical-align: top; }
th { background: #dce6f1; text-align: center; }
td.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: bold; background: #f0f3f7; }
tbody tr:nth-child(even) td { background: #fafbfd; }
.note { font-size: 8.5pt; color: #5b6775; margin: 2px 0 10px; }
figure { margin: 10px 0; text-align: center; page-break-inside: avoid; }
figure img { max-width: 100%; }
.pair { display: flex; gap: 12px; align-items: flex-start; }
.empty { color: #5b6775; font-style: italic; }
section, table { page-break-inside: auto; }
tr, h3 { page-break-inside: avoid; page-break-after: auto; }
footer { margin-top: 30px; font-size: 8.5pt; color: #5b6775; border-top: 1px solid #c9d6e8; }
@media print { body { padding: 0; max-width: none; } h2 { page-break-after: avoid; } }
"""


def number(value: Value, kind: Kind = Kind.COUNT) -> str:
    """Write a value the Vietnamese way: 1.234 for counts, 12,5 for decimals, – for none."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    text = f"{value:,.1f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{text} %" if kind is Kind.PERCENT else text


def table_html(table: Table, heading: bool = True) -> str:
    """Render one table with its title and note."""
    parts = [f"<h3>{escape(table.title)}</h3>"] if heading else []
    if not table.rows:
        parts.append('<p class="empty">Không có số liệu trong kỳ.</p>')
        return "\n".join(parts)
    head = "".join(f"<th>{escape(c.title)}</th>" for c in table.columns)
    body = [_row(values, table) for values in table.rows]
    if table.total is not None:
        body.append(_row(table.total, table, "total"))
    parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>")
    if table.note:
        parts.append(f'<p class="note">{escape(table.note)}</p>')
    return "\n".join(parts)


def _row(values: tuple[Value, ...], table: Table, css: str = "") -> str:
    cells = []
    for value, column in zip(values, table.columns, strict=True):
        numeric = isinstance(value, int | float) or (value is None and column.kind != Kind.TEXT)
        klass = ' class="n"' if numeric else ""
        cells.append(f"<td{klass}>{escape(number(value, column.kind))}</td>")
    attribute = f' class="{css}"' if css else ""
    return f"<tr{attribute}>{''.join(cells)}</tr>"


def _image(charts: dict[str, bytes], name: str, alt: str, width: str = "100%") -> str:
    png = charts.get(name)
    if png is None:
        return ""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure style="width:{width}"><img alt="{escape(alt)}" '
        f'src="data:image/png;base64,{data}"></figure>'
    )


def _cards(report: Report) -> str:
    q, d, s = report.queue, report.dossiers.totals, report.satisfaction.totals
    wait = q.waiting.median
    cards = [
        (number(q.totals.served), "lượt công dân được phục vụ"),
        ("–" if wait is None else f"{number(round(wait / 60, 1))} phút", "thời gian chờ trung vị"),
        (number(d.received), "hồ sơ tiếp nhận"),
        (number(_pct(d.progress_percent), Kind.PERCENT), "hồ sơ đúng hạn (QĐ 766)"),
        (number(_pct(s.satisfied_percent), Kind.PERCENT), "đánh giá hài lòng trở lên"),
    ]
    items = "".join(
        f'<div class="card"><div class="value">{escape(v)}</div>'
        f'<div class="label">{escape(label)}</div></div>'
        for v, label in cards
    )
    return f'<div class="cards">{items}</div>'


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def render_html(report: Report, charts: dict[str, bytes], pdf_note: str = "") -> str:
    """Return the whole report as one HTML document (charts embedded as base64 PNG)."""
    t = {table.key: table for table in all_tables(report)}
    scope = report.site_name + (f" — {report.department_name}" if report.department_name else "")
    period = f"Từ ngày {report.first_day:%d/%m/%Y} đến ngày {report.last_day:%d/%m/%Y}"
    generated = report.generated_at.astimezone().strftime("%H:%M ngày %d/%m/%Y")
    body = [
        f'<header><div class="agency">{escape(scope)}</div>',
        "<h1>Báo cáo thống kê tiếp nhận, giải quyết thủ tục hành chính</h1>",
        f'<p class="meta">{escape(period)} · Lập lúc {escape(generated)} · '
        f"Giờ địa phương ({escape(report.timezone)})</p></header>",
        _cards(report),
        table_html(t["summary"]),
        "<h2>1. Tiếp đón công dân tại quầy (hệ thống xếp hàng)</h2>",
        _image(charts, "daily", "Số vé và hồ sơ theo ngày"),
        table_html(t["tickets"]),
        _image(charts, "waiting", "Thời gian chờ theo dịch vụ"),
        *(
            table_html(t[f"time_{k}"])
            for k in ("service", "counter", "officer", "hour", "priority")
        ),
        _image(charts, "heat", "Giờ cao điểm"),
        table_html(t["heat"]),
        table_html(t["caps"]),
        "<h2>2. Tiếp nhận và giải quyết hồ sơ</h2>",
        '<div class="pair">',
        _image(charts, "channels", "Hồ sơ theo kênh", "40%"),
        _image(charts, "timeliness", "Hồ sơ theo đơn vị", "60%"),
        "</div>",
        table_html(t["dossiers_department"]),
        table_html(t["dossiers_procedure"]),
        "<h2>3. Chỉ số phục vụ (Quyết định 766/QĐ-TTg)</h2>",
        table_html(t["index766"], heading=False),
        "<h2>4. Mức độ hài lòng của công dân</h2>",
        _image(charts, "satisfaction", "Mức độ hài lòng theo quầy"),
        *(table_html(t[f"ratings_{k}"]) for k in ("counter", "officer", "service")),
        "<h2>Cách tính</h2>",
        _definitions(),
        f"<footer>Lập bởi hệ thống Motcua. {escape(pdf_note)}</footer>",
    ]
    title = f"Báo cáo thống kê — {scope} — {period}"
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(part for part in body if part)
        + "\n</body></html>\n"
    )


_DEFINITIONS = (
    ("Thời gian chờ", "từ lúc lấy số đến lần gọi số đầu tiên."),
    (
        "Thời gian phục vụ",
        "từ lần gọi đầu tiên ở quầy phục vụ xong đến lúc kết thúc (kể cả thời gian tạm "
        "chờ công dân bổ sung giấy tờ tại quầy).",
    ),
    (
        "Trung vị, P90",
        "một nửa số công dân chờ không quá trung vị; 90 % chờ không quá P90 (nội suy tuyến "
        "tính giữa hai giá trị liền kề).",
    ),
    (
        "Trước hạn / đúng hạn / quá hạn",
        "so ngày có kết quả (giờ địa phương) với hạn giải quyết theo quy định, đã trừ thời "
        "gian chờ công dân bổ sung hồ sơ; phiếu xin lỗi hẹn lại không làm hồ sơ trễ thành "
        "đúng hạn.",
    ),
    (
        "Điểm QĐ 766",
        "100 điểm trong sáu nhóm (công khai, minh bạch 18; tiến độ giải quyết 20; dịch vụ công "
        "trực tuyến 12; thanh toán trực tuyến 10; mức độ hài lòng 18; số hóa hồ sơ 22); điểm "
        "quy đổi = trọng số × giá trị, chỉ tính cho nhóm hệ thống đo được, để tham khảo.",
    ),
    ("Tiến độ (QĐ 766)", "(trước hạn + đúng hạn) ÷ số hồ sơ đã giải quyết."),
    ("Dịch vụ công trực tuyến (tham khảo)", "hồ sơ nhận trực tuyến ÷ hồ sơ đã tiếp nhận."),
    ("Hài lòng (QĐ 766)", "100 % − (tỷ lệ quá hạn + tỷ lệ phản ánh, kiến nghị; tính là 0 %)."),
    ("Hài lòng trở lên", "lượt đánh giá Hài lòng hoặc Rất hài lòng ÷ tổng lượt đánh giá."),
)


def _definitions() -> str:
    items = "".join(
        f"<li><b>{escape(term)}</b>: {escape(text)}</li>" for term, text in _DEFINITIONS
    )
    return f'<ul class="note">{items}</ul>'


def write_html(report: Report, charts: dict[str, bytes], path: Path, pdf_note: str = "") -> Path:
    """Write the HTML report to `path` and return it."""
    path.write_text(render_html(report, charts, pdf_note), encoding="utf-8")
    return path
