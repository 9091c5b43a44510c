"""Charts of the report as PNG bytes (matplotlib, Agg backend, a Vietnamese-complete font)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from reports.figures import Dimension, Report
from reports.table_model import minutes
from reports.tables import WEEKDAYS
from shared.domain.dossiers import CHANNEL_LABELS, TIMELINESS_LABELS, Channel, Timeliness

_STYLE: Any = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
}
BLUE, GREEN, AMBER, RED, GREY = "#2f6db3", "#3a9d5d", "#e0a526", "#c8453c", "#9aa5b1"
LEVEL_COLOURS = ("#1f7a3f", "#6cbf84", "#c9d1d9", "#f0a35e", "#c8453c")


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def _short(text: str, width: int = 34) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _daily_chart(report: Report) -> bytes | None:
    """Tickets issued and dossiers received per day (periods of two days or more)."""
    days = report.days
    if len(days) < 2 or not any(d.tickets_issued or d.dossiers_received for d in days):
        return None
    figure = Figure(figsize=(9, 3.2))
    axis = figure.subplots()
    x: Any = [d.day for d in days]
    axis.bar(x, [d.tickets_issued for d in days], color=BLUE, label="Vé đã cấp", width=0.8)
    axis.plot(x, [d.dossiers_received for d in days], color=AMBER, label="Hồ sơ tiếp nhận", lw=1.6)
    axis.set_title("Số vé cấp và hồ sơ tiếp nhận theo ngày", pad=24)
    # Above the plot, under the title: inside it would cover the first bars.
    axis.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    figure.autofmt_xdate()
    return _png(figure)


def _heat_chart(report: Report) -> bytes | None:
    """Tickets issued per weekday and local hour, as a heat map."""
    cells = report.queue.heat
    if not cells:
        return None
    hours = list(range(min(c.hour for c in cells), max(c.hour for c in cells) + 1))
    days = sorted({c.weekday for c in cells})
    grid = [[0] * len(hours) for _ in days]
    for c in cells:
        grid[days.index(c.weekday)][hours.index(c.hour)] = c.tickets
    figure = Figure(figsize=(9, 0.5 * len(days) + 1.4))
    axis = figure.subplots()
    image = axis.imshow(grid, aspect="auto", cmap="YlOrRd")
    axis.set_xticks(range(len(hours)), [f"{h}h" for h in hours])
    axis.set_yticks(range(len(days)), [WEEKDAYS[d] for d in days])
    peak = max(max(row) for row in grid) or 1
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value:
                colour = "white" if value > 0.6 * peak else "black"
                axis.text(j, i, f"{value:,}".replace(",", "."), ha="center", va="center",
                          fontsize=7, color=colour)  # fmt: skip
    axis.set_title("Giờ cao điểm: số vé cấp theo thứ và giờ lấy số")
    figure.colorbar(image, ax=axis, fraction=0.025, pad=0.01)
    return _png(figure)


def _waiting_chart(report: Report) -> bytes | None:
    """Median and 90th-percentile waiting time per service, in minutes."""
    rows = [r for r in report.queue.waiting_by[Dimension.SERVICE] if r.stats.count]
    if not rows:
        return None
    rows.sort(key=lambda r: r.stats.p90 or 0)
    labels = [_short(r.label) for r in rows]
    figure = Figure(figsize=(9, 0.32 * len(rows) + 1.3))
    axis = figure.subplots()
    axis.barh(labels, [minutes(r.stats.p90) or 0 for r in rows], color=AMBER, label="90 % chờ ≤")
    axis.barh(labels, [minutes(r.stats.median) or 0 for r in rows], color=BLUE, label="Trung vị")
    axis.set_xlabel("phút")
    axis.set_title("Thời gian chờ theo dịch vụ")
    axis.legend(loc="lower right", frameon=False)
    return _png(figure)


def _stacked(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[float]]],
    xlabel: str,
) -> bytes:
    figure = Figure(figsize=(9, 0.34 * len(labels) + 1.5))
    axis = figure.subplots()
    left = [0.0] * len(labels)
    short = [_short(label) for label in labels]
    for name, colour, values in series:
        axis.barh(short, values, left=left, color=colour, label=name)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axis.invert_yaxis()
    axis.set_xlabel(xlabel)
    axis.set_title(title, pad=24)
    axis.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series), frameon=False)
    return _png(figure)


def _timeliness_chart(report: Report) -> bytes | None:
    """Dossiers finished early, on time and late per department."""
    rows = [r for r in report.dossiers.by_department if r.counts.finished]
    if not rows:
        return None
    return _stacked(
        "Hồ sơ đã giải quyết theo đơn vị",
        [r.label for r in rows],
        [
            (TIMELINESS_LABELS[Timeliness.EARLY], GREEN, [r.counts.early for r in rows]),
            (TIMELINESS_LABELS[Timeliness.ON_TIME], BLUE, [r.counts.on_time for r in rows]),
            (TIMELINESS_LABELS[Timeliness.LATE], RED, [r.counts.late for r in rows]),
        ],
        "hồ sơ",
    )


def _channel_chart(report: Report) -> bytes | None:
    """Dossiers received per channel."""
    t = report.dossiers.totals
    received = {Channel.IN_PERSON: t.in_person, Channel.ONLINE: t.online, Channel.POST: t.post}
    values = [(CHANNEL_LABELS[channel], n) for channel, n in received.items() if n]
    if not values:
        return None
    figure = Figure(figsize=(4.6, 3.2))
    axis = figure.subplots()
    axis.pie(
        [n for _, n in values],
        labels=[name for name, _ in values],
        colors=[BLUE, GREEN, AMBER][: len(values)],
        autopct=lambda p: f"{p:.1f} %".replace(".", ","),
        startangle=90,
        wedgeprops={"linewidth": 1, "edgecolor": "white"},
    )
    axis.set_title("Hồ sơ tiếp nhận theo kênh")
    return _png(figure)


def _satisfaction_chart(report: Report) -> bytes | None:
    """Share of each rating level per counter."""
    rows = [r for r in report.satisfaction.by_counter if r.counts.total]
    if not rows:
        return None

    def share(values: Sequence[int]) -> list[float]:
        return [100.0 * v / r.counts.total for v, r in zip(values, rows, strict=True)]

    levels = (
        ("Rất hài lòng", [r.counts.very_satisfied for r in rows]),
        ("Hài lòng", [r.counts.satisfied for r in rows]),
        ("Bình thường", [r.counts.neutral for r in rows]),
        ("Không hài lòng", [r.counts.unsatisfied for r in rows]),
        ("Rất không hài lòng", [r.counts.very_unsatisfied for r in rows]),
    )
    series = [
        (name, colour, share(values))
        for (name, values), colour in zip(levels, LEVEL_COLOURS, strict=True)
        if any(values)
    ]
    return _stacked("Mức độ hài lòng theo quầy", [r.label for r in rows], series, "% lượt đánh giá")


def all_charts(report: Report) -> dict[str, bytes]:
    """Every chart that has data, by name."""
    makers = {
        "daily": _daily_chart,
        "heat": _heat_chart,
        "waiting": _waiting_chart,
        "timeliness": _timeliness_chart,
        "channels": _channel_chart,
        "satisfaction": _satisfaction_chart,
    }
    with matplotlib.rc_context(_STYLE):
        charts = {name: make(report) for name, make in makers.items()}
    return {name: png for name, png in charts.items() if png is not None}
