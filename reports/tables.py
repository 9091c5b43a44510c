"""The report as tables: one model shared by the spreadsheet (a sheet each) and the HTML."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from reports.figures import (
    Dimension,
    DossierCounts,
    DossierRow,
    RatingCounts,
    RatingRow,
    Report,
    TicketCounts,
    TimeRow,
    TimeStats,
)

Value = str | int | float | None
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
DIMENSION_TITLES = {
    Dimension.SERVICE: ("Thời gian theo dịch vụ", "Dịch vụ"),
    Dimension.COUNTER: ("Thời gian theo quầy", "Quầy"),
    Dimension.OFFICER: ("Thời gian theo cán bộ", "Cán bộ"),
    Dimension.HOUR: ("Thời gian theo giờ", "Khung giờ"),
    Dimension.PRIORITY: ("Thời gian theo đối tượng", "Đối tượng"),
}
COMPLAINTS_NOTE = (
    "Trung tâm chưa có sổ theo dõi phản ánh, kiến nghị trong hệ thống: tỷ lệ phản ánh được "
    "tính là 0 %. Số lượt đánh giá ở mức thấp nhất được nêu riêng, không đưa vào công thức."
)


class Kind(StrEnum):
    """How a column's values are written."""

    TEXT = "text"
    COUNT = "count"
    MINUTES = "minutes"
    PERCENT = "percent"


@dataclass(frozen=True)
class Column:
    """A column: its Vietnamese heading and the kind of its values."""

    title: str
    kind: Kind = Kind.COUNT


@dataclass(frozen=True)
class Table:
    """A titled table; `sheet` is its spreadsheet tab name (at most 31 characters)."""

    key: str
    sheet: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    note: str = ""
    total: tuple[Value, ...] | None = None


def minutes(seconds: float | None) -> float | None:
    """Return seconds as minutes rounded to a tenth, or None."""
    return None if seconds is None else round(seconds / 60.0, 1)


def _time_cells(stats: TimeStats) -> tuple[Value, ...]:
    return (stats.count, minutes(stats.mean), minutes(stats.median), minutes(stats.p90))


def summary_table(report: Report) -> Table:
    """The key figures of the period in one list."""
    q, d, s = report.queue, report.dossiers.totals, report.satisfaction
    rows: list[tuple[Value, ...]] = [
        ("Số vé đã cấp", q.totals.issued, "vé"),
        ("Số lượt đã phục vụ xong", q.totals.served, "lượt"),
        ("Số vé gọi không đến", q.totals.no_show, "vé"),
        ("Số vé được chuyển dịch vụ/quầy", q.totals.transferred, "vé"),
        ("Số vé ưu tiên", q.totals.priority, "vé"),
        ("Thời gian chờ trung bình", minutes(q.waiting.mean), "phút"),
        ("Thời gian chờ trung vị", minutes(q.waiting.median), "phút"),
        ("Thời gian chờ — 90 % công dân chờ không quá", minutes(q.waiting.p90), "phút"),
        ("Thời gian phục vụ trung bình", minutes(q.service.mean), "phút"),
        ("Số lần dịch vụ hết số trong ngày", len(q.caps), "lần"),
        ("Hồ sơ tiếp nhận", d.received, "hồ sơ"),
        ("Hồ sơ đã giải quyết", d.finished, "hồ sơ"),
        ("Hồ sơ giải quyết quá hạn", d.late, "hồ sơ"),
        ("Hồ sơ đang giải quyết đã quá hạn", d.overdue, "hồ sơ"),
        ("Tiến độ giải quyết (QĐ 766)", _round(d.progress_percent), "%"),
        ("Mức độ hài lòng (QĐ 766)", _round(d.satisfaction_766_percent()), "%"),
        ("Số lượt đánh giá", s.totals.total, "lượt"),
        ("Tỷ lệ đánh giá hài lòng trở lên", _round(s.totals.satisfied_percent), "%"),
    ]
    columns = (
        Column("Chỉ tiêu", Kind.TEXT),
        Column("Giá trị", Kind.TEXT),
        Column("Đơn vị", Kind.TEXT),
    )
    return Table("summary", "Tổng hợp", "Số liệu chính", columns, tuple(rows))


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def tickets_table(report: Report) -> Table:
    """Ticket counts per service, with the total."""
    columns = (
        Column("Dịch vụ", Kind.TEXT),
        Column("Đã cấp"),
        Column("Đã phục vụ"),
        Column("Không đến"),
        Column("Được chuyển"),
        Column("Ưu tiên"),
        Column("Đã hủy"),
        Column("Chưa xong"),
    )

    def cells(label: str, c: TicketCounts) -> tuple[Value, ...]:
        return (label, c.issued, c.served, c.no_show, c.transferred, c.priority, c.voided, c.open)

    rows = tuple(cells(r.label, r.counts) for r in report.queue.by_service)
    return Table(
        "tickets",
        "Vé theo dịch vụ",
        "Số vé theo dịch vụ",
        columns,
        rows,
        note="Vé được chuyển tính theo dịch vụ lúc lấy số. Vé hủy (máy không in, không hiện "
        "được số) không tính là đã cấp nhưng vẫn tính vào giới hạn số trong ngày.",
        total=cells("Tổng cộng", report.queue.totals),
    )


def time_table(report: Report, dimension: Dimension) -> Table:
    """Waiting and service times (minutes) of one dimension, side by side."""
    title, heading = DIMENSION_TITLES[dimension]
    waiting: dict[str, TimeRow] = {r.key: r for r in report.queue.waiting_by[dimension]}
    serving: dict[str, TimeRow] = {r.key: r for r in report.queue.service_by[dimension]}
    keys = list(waiting) + [k for k in serving if k not in waiting]
    if dimension is Dimension.HOUR:
        keys.sort(key=lambda k: int(k) if k.isdigit() else 99)
    rows = []
    for key in keys:
        label = (waiting.get(key) or serving[key]).label
        wait = waiting[key].stats if key in waiting else TimeStats()
        serve = serving[key].stats if key in serving else TimeStats()
        rows.append((label, *_time_cells(wait), *_time_cells(serve)))
    columns = (
        Column(heading, Kind.TEXT),
        Column("Lượt chờ"),
        Column("Chờ TB (phút)", Kind.MINUTES),
        Column("Chờ trung vị", Kind.MINUTES),
        Column("Chờ P90", Kind.MINUTES),
        Column("Lượt phục vụ"),
        Column("Phục vụ TB (phút)", Kind.MINUTES),
        Column("Phục vụ trung vị", Kind.MINUTES),
        Column("Phục vụ P90", Kind.MINUTES),
    )
    notes = {
        Dimension.SERVICE: "Thời gian chờ theo dịch vụ lúc lấy số; thời gian phục vụ theo "
        "dịch vụ đã phục vụ xong.",
        Dimension.COUNTER: "Thời gian chờ theo quầy gọi số lần đầu; thời gian phục vụ theo "
        "quầy phục vụ xong.",
        Dimension.OFFICER: "Cán bộ gọi số lần đầu (chờ) và cán bộ phục vụ xong (phục vụ).",
        Dimension.HOUR: "Thời gian chờ theo giờ lấy số; thời gian phục vụ theo giờ bắt đầu "
        "phục vụ (giờ địa phương).",
        Dimension.PRIORITY: "Vé ưu tiên theo từng đối tượng, so với vé thường.",
    }
    total = (
        "Toàn trung tâm",
        *_time_cells(report.queue.waiting),
        *_time_cells(report.queue.service),
    )
    return Table(
        f"time_{dimension.value}", title, title, columns, tuple(rows), notes[dimension], total
    )


def heat_table(report: Report) -> Table:
    """Tickets issued per weekday and local hour: where the peaks are."""
    hours = sorted({c.hour for c in report.queue.heat})
    counts = {(c.weekday, c.hour): c.tickets for c in report.queue.heat}
    days = sorted({c.weekday for c in report.queue.heat})
    columns = (Column("Thứ", Kind.TEXT), *(Column(f"{h}h") for h in hours), Column("Cộng"))
    rows: list[tuple[Value, ...]] = []
    for day in days:
        cells = [counts.get((day, h), 0) for h in hours]
        rows.append((WEEKDAYS[day], *cells, sum(cells)))
    return Table(
        "heat",
        "Giờ cao điểm",
        "Số vé cấp theo thứ và giờ lấy số",
        columns,
        tuple(rows),
        note="Cộng dồn cả kỳ báo cáo, theo giờ địa phương.",
    )


def days_table(report: Report) -> Table:
    """Tickets and dossiers per day."""
    columns = (
        Column("Ngày", Kind.TEXT),
        Column("Vé đã cấp"),
        Column("Lượt phục vụ xong"),
        Column("Hồ sơ tiếp nhận"),
    )
    rows = tuple(
        (f"{d.day:%d/%m/%Y}", d.tickets_issued, d.tickets_served, d.dossiers_received)
        for d in report.days
    )
    return Table("days", "Theo ngày", "Số liệu theo ngày", columns, rows)


def caps_table(report: Report) -> Table:
    """Days a service ran out of numbers."""
    columns = (
        Column("Ngày", Kind.TEXT),
        Column("Dịch vụ", Kind.TEXT),
        Column("Giới hạn số/ngày"),
        Column("Số đã cấp"),
    )
    rows = tuple((f"{c.day:%d/%m/%Y}", c.label, c.cap, c.issued) for c in report.queue.caps)
    return Table(
        "caps",
        "Hết số",
        "Các ngày dịch vụ hết số",
        columns,
        rows,
        note="Dịch vụ có giới hạn số trong ngày đã cấp hết số: công dân đến sau không lấy được số.",
    )


def _dossier_cells(c: DossierCounts) -> tuple[Value, ...]:
    return (
        c.received,
        c.in_person,
        c.online,
        c.post,
        c.finished,
        c.early,
        c.on_time,
        c.late,
        c.within,
        c.overdue,
        c.paused,
        c.supplements,
        c.refusals,
        c.apologies,
        _round(c.progress_percent),
    )


_DOSSIER_COLUMNS = (
    Column("Tiếp nhận"),
    Column("Trực tiếp"),
    Column("Trực tuyến"),
    Column("Bưu chính"),
    Column("Đã giải quyết"),
    Column("Trước hạn"),
    Column("Đúng hạn"),
    Column("Quá hạn"),
    Column("Đang GQ trong hạn"),
    Column("Đang GQ quá hạn"),
    Column("Chờ công dân"),
    Column("Yêu cầu bổ sung"),
    Column("Từ chối"),
    Column("Xin lỗi"),
    Column("Tiến độ (%)", Kind.PERCENT),
)


def dossier_tables(report: Report) -> tuple[Table, Table]:
    """Dossiers per department and per procedure, with the totals."""
    figures = report.dossiers
    total = _dossier_cells(figures.totals)

    def row(r: DossierRow, *head: Value) -> tuple[Value, ...]:
        return (*head, *_dossier_cells(r.counts))

    departments = Table(
        "dossiers_department",
        "Hồ sơ theo đơn vị",
        "Hồ sơ theo đơn vị",
        (Column("Đơn vị", Kind.TEXT), *_DOSSIER_COLUMNS),
        tuple(row(r, r.label) for r in figures.by_department),
        note="Tiếp nhận: hồ sơ nhận trong kỳ. Đã giải quyết: có kết quả trong kỳ, so với hạn "
        "giải quyết đã trừ thời gian chờ công dân bổ sung. Đang giải quyết: tính đến hết ngày "
        "cuối kỳ.",
        total=("Tổng cộng", *total),
    )
    procedures = Table(
        "dossiers_procedure",
        "Hồ sơ theo thủ tục",
        "Hồ sơ theo thủ tục hành chính",
        (
            Column("Mã thủ tục", Kind.TEXT),
            Column("Tên thủ tục", Kind.TEXT),
            Column("Đơn vị", Kind.TEXT),
            *_DOSSIER_COLUMNS,
        ),
        tuple(
            row(r, r.key, r.label, report_department(report, r.department))
            for r in figures.by_procedure
        ),
        total=("Tổng cộng", "", "", *total),
    )
    return departments, procedures


def report_department(report: Report, department: str) -> str:
    """Return a department's name as the department table shows it."""
    for row in report.dossiers.by_department:
        if row.key == department:
            return row.label
    return department


def index_table(report: Report) -> Table:
    """The QĐ 766 figures with their formulas."""
    d = report.dossiers.totals
    s = report.satisfaction
    rows: tuple[tuple[Value, ...], ...] = (
        (
            "Tiến độ giải quyết",
            _round(d.progress_percent),
            "(trước hạn + đúng hạn) ÷ đã giải quyết × 100 %",
            f"({d.early} + {d.on_time}) ÷ {d.finished}",
        ),
        (
            "Tỷ lệ hồ sơ quá hạn",
            _round(d.late_percent),
            "quá hạn ÷ đã giải quyết × 100 %",
            f"{d.late} ÷ {d.finished}",
        ),
        ("Tỷ lệ phản ánh, kiến nghị", 0.0, "chưa theo dõi trong hệ thống: tính là 0 %", ""),
        (
            "Mức độ hài lòng (QĐ 766)",
            _round(d.satisfaction_766_percent()),
            "100 % − (tỷ lệ quá hạn + tỷ lệ phản ánh)",
            "",
        ),
        (
            "Đánh giá ở mức thấp nhất (tham khảo)",
            s.lowest,
            "số lượt, không đưa vào công thức",
            f"trên {s.totals.total} lượt đánh giá",
        ),
    )
    columns = (
        Column("Chỉ số", Kind.TEXT),
        Column("Giá trị", Kind.TEXT),
        Column("Công thức", Kind.TEXT),
        Column("Số liệu", Kind.TEXT),
    )
    return Table(
        "index766",
        "Chỉ số QĐ 766",
        "Chỉ số phục vụ theo Quyết định 766/QĐ-TTg",
        columns,
        rows,
        note=COMPLAINTS_NOTE,
    )


_RATING_COLUMNS = (
    Column("Lượt đánh giá"),
    Column("Rất hài lòng"),
    Column("Hài lòng"),
    Column("Bình thường"),
    Column("Không hài lòng"),
    Column("Rất không hài lòng"),
    Column("Hài lòng trở lên (%)", Kind.PERCENT),
)


def _rating_cells(c: RatingCounts) -> tuple[Value, ...]:
    return (
        c.total,
        c.very_satisfied,
        c.satisfied,
        c.neutral,
        c.unsatisfied,
        c.very_unsatisfied,
        _round(c.satisfied_percent),
    )


def rating_table(report: Report, key: str, rows: tuple[RatingRow, ...], heading: str) -> Table:
    """Ratings of counters, officers or services."""
    title = f"Hài lòng theo {heading.lower()}"
    return Table(
        f"ratings_{key}",
        title,
        title,
        (Column(heading, Kind.TEXT), *_RATING_COLUMNS),
        tuple((r.label, *_rating_cells(r.counts)) for r in rows),
        note="Thang 3 mức: Không hài lòng / Hài lòng / Rất hài lòng; thang 5 mức thêm "
        "Rất không hài lòng và Bình thường.",
        total=("Tổng cộng", *_rating_cells(report.satisfaction.totals)),
    )


def all_tables(report: Report) -> list[Table]:
    """Every table of the report, in the order the report shows them."""
    departments, procedures = dossier_tables(report)
    s = report.satisfaction
    return [
        summary_table(report),
        tickets_table(report),
        *(time_table(report, d) for d in Dimension),
        heat_table(report),
        days_table(report),
        caps_table(report),
        departments,
        procedures,
        index_table(report),
        rating_table(report, "counter", s.by_counter, "Quầy"),
        rating_table(report, "officer", s.by_officer, "Cán bộ"),
        rating_table(report, "service", s.by_service, "Dịch vụ"),
    ]
