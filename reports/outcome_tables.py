"""The dossier, QĐ 766 index and satisfaction tables of a report."""

from __future__ import annotations

from reports.figures import DossierCounts, DossierRow, RatingCounts, RatingRow, Report
from reports.index766 import GROUPS, TOTAL_POINTS, group_figures, group_percent, group_points
from reports.table_model import Column, Kind, Table, Value, round1
from shared.domain.dossiers import CHANNEL_LABELS, TIMELINESS_LABELS, Channel, Timeliness

INDEX_NOTE = (
    f"QĐ 766/QĐ-TTg chấm {TOTAL_POINTS} điểm trong sáu nhóm: "
    + "; ".join(f"{g.name.lower()} {g.weight}" for g in GROUPS)
    + ". Điểm quy đổi = trọng số × giá trị, chỉ để tham khảo: điểm chính thức do "
    "cơ quan có thẩm quyền chấm theo các tiêu chí chi tiết của Quyết định; nhóm để trống là "
    "nhóm hệ thống không đo được."
)
COMPLAINTS_NOTE = (
    "Trung tâm chưa có sổ theo dõi phản ánh, kiến nghị trong hệ thống: tỷ lệ phản ánh được "
    "tính là 0 %. Số lượt đánh giá ở mức thấp nhất được nêu riêng, không đưa vào công thức."
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
        round1(c.progress_percent),
    )


_DOSSIER_COLUMNS = (
    Column("Tiếp nhận"),
    *(Column(CHANNEL_LABELS[channel]) for channel in Channel),
    Column("Đã giải quyết"),
    *(
        Column(TIMELINESS_LABELS[t])
        for t in (Timeliness.EARLY, Timeliness.ON_TIME, Timeliness.LATE)
    ),
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
    """The six QĐ 766 groups with their weights, how each figure is computed, and its inputs."""
    d = report.dossiers.totals
    s = report.satisfaction
    groups: list[tuple[Value, ...]] = [
        (
            g.name,
            round1(group_percent(g, d)),
            g.weight,
            round1(group_points(g, d)),
            g.formula,
            group_figures(g, d),
        )
        for g in GROUPS
    ]
    extra: tuple[tuple[Value, ...], ...] = (
        (
            "Tỷ lệ hồ sơ quá hạn",
            round1(d.late_percent),
            "",
            "",
            "quá hạn ÷ đã giải quyết × 100 %",
            f"{d.late} ÷ {d.finished}",
        ),
        ("Tỷ lệ phản ánh, kiến nghị", 0.0, "", "", "chưa theo dõi trong hệ thống: tính là 0 %", ""),
        (
            "Đánh giá ở mức thấp nhất (tham khảo)",
            s.lowest,
            "",
            "",
            "số lượt, không đưa vào công thức",
            f"trên {s.totals.total} lượt đánh giá",
        ),
    )
    columns = (
        Column("Chỉ số", Kind.TEXT),
        Column("Giá trị (%)", Kind.TEXT),
        Column("Trọng số (điểm)", Kind.TEXT),
        Column("Điểm quy đổi", Kind.TEXT),
        Column("Cách tính", Kind.TEXT),
        Column("Số liệu", Kind.TEXT),
    )
    return Table(
        "index766",
        "Chỉ số QĐ 766",
        "Chỉ số phục vụ theo Quyết định 766/QĐ-TTg",
        columns,
        (*groups, *extra),
        note=f"{INDEX_NOTE} {COMPLAINTS_NOTE}",
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
        round1(c.satisfied_percent),
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
