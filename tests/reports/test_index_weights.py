"""QĐ 766 index: the six groups carry their weights, and every figure says how it is computed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from reports.figures import DossierCounts, Report
from reports.index766 import GROUPS, TOTAL_POINTS, group_figures, group_percent, group_points
from reports.outcome_tables import index_table

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
WEIGHTS = {
    "Công khai, minh bạch": 18,
    "Tiến độ giải quyết": 20,
    "Dịch vụ công trực tuyến": 12,
    "Thanh toán trực tuyến": 10,
    "Mức độ hài lòng": 18,
    "Số hóa hồ sơ": 22,
}


def test_the_six_groups_and_their_weights_make_100_points() -> None:
    assert {g.name: g.weight for g in GROUPS} == WEIGHTS
    assert TOTAL_POINTS == 100
    assert all(g.formula for g in GROUPS), "each group says how it is computed (or that it is not)"


def test_points_are_weight_times_figure_and_unmeasured_groups_stay_empty() -> None:
    counts = DossierCounts(received=8, online=2, finished=4, early=1, on_time=2, late=1)
    by_key = {g.key: g for g in GROUPS}
    assert group_percent(by_key["progress"], counts) == pytest.approx(75.0)
    assert group_points(by_key["progress"], counts) == pytest.approx(15.0)
    assert group_points(by_key["satisfaction"], counts) == pytest.approx(18 * 0.75)
    assert group_points(by_key["online"], counts) == pytest.approx(12 * 0.25)
    assert group_figures(by_key["online"], counts) == "2 ÷ 8"
    for key in ("transparency", "payment", "digitisation"):
        assert (
            group_percent(by_key[key], counts) is None and group_figures(by_key[key], counts) == ""
        )
    assert group_points(by_key["progress"], DossierCounts()) is None, "nothing finished: no score"


def test_report_index_table_lists_weights_formulas_and_inputs(
    make_report: Callable[..., Report],
) -> None:
    table = index_table(make_report(*NOVEMBER))
    rows = {row[0]: row for row in table.rows}
    assert {name: rows[name][2] for name in WEIGHTS} == WEIGHTS
    progress = rows["Tiến độ giải quyết"]
    assert progress[1] == pytest.approx(66.7) and progress[3] == pytest.approx(13.3)
    assert progress[5] == "(2 + 2) ÷ 6"
    assert rows["Dịch vụ công trực tuyến"][5] == "2 ÷ 7"
    assert rows["Số hóa hồ sơ"][1] is None and "không đo" in str(rows["Số hóa hồ sơ"][4])
    assert table.note is not None and "số hóa hồ sơ 22" in table.note
    assert "22" not in str(rows["Dịch vụ công trực tuyến"][2]), "online is 12 points, not 22"
