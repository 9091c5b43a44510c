"""The report as tables, a sheet each in the spreadsheet and a section each in the HTML.

The queue tables are here; the dossier, QĐ 766 and satisfaction tables in `outcome_tables`.
"""

from __future__ import annotations

from reports.figures import Dimension, Report, TicketCounts, TimeRow, TimeStats
from reports.outcome_tables import dossier_tables, index_table, rating_table
from reports.table_model import Column, Kind, Table, Value, minutes, round1

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
# Per dimension: the table's title, its first column's heading, and the note under it.
DIMENSION_TITLES = {
    Dimension.SERVICE: (
        "Thời gian theo dịch vụ",
        "Dịch vụ",
        "Thời gian chờ theo dịch vụ lúc lấy số; thời gian phục vụ theo dịch vụ đã phục vụ xong.",
    ),
    Dimension.COUNTER: (
        "Thời gian theo quầy",
        "Quầy",
        "Thời gian chờ theo quầy gọi số lần đầu; thời gian phục vụ theo quầy phục vụ xong.",
    ),
    Dimension.OFFICER: (
        "Thời gian theo cán bộ",
        "Cán bộ",
        "Cán bộ gọi số lần đầu (chờ) và cán bộ phục vụ xong (phục vụ).",
    ),
    Dimension.HOUR: (
        "Thời gian theo giờ",
        "Khung giờ",
        "Thời gian chờ theo giờ lấy số; thời gian phục vụ theo giờ bắt đầu phục vụ (giờ địa "
        "phương).",
    ),
    Dimension.PRIORITY: (
        "Thời gian theo đối tượng",
        "Đối tượng",
        "Vé ưu tiên theo từng đối tượng, so với vé thường.",
    ),
}


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
        ("Tiến độ giải quyết (QĐ 766)", round1(d.progress_percent), "%"),
        ("Mức độ hài lòng (QĐ 766)", round1(d.satisfaction_766_percent()), "%"),
        ("Số lượt đánh giá", s.totals.total, "lượt"),
        ("Tỷ lệ đánh giá hài lòng trở lên", round1(s.totals.satisfied_percent), "%"),
    ]
    columns = (
        Column("Chỉ tiêu", Kind.TEXT),
        Column("Giá trị", Kind.TEXT),
        Column("Đơn vị", Kind.TEXT),
    )
    return Table("summary", "Tổng hợp", "Số liệu chính", columns, tuple(rows))


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
    title, heading, note = DIMENSION_TITLES[dimension]
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
    total = (
        "Toàn trung tâm",
        *_time_cells(report.queue.waiting),
        *_time_cells(report.queue.service),
    )
    return Table(f"time_{dimension.value}", title, title, columns, tuple(rows), note, total)


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
