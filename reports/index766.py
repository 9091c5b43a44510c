"""The six groups of the QĐ 766/QĐ-TTg service index, their weights, and what Motcua measures.

QĐ 766/QĐ-TTg (23/6/2022) scores a body's service of citizens on 100 points in six groups. Motcua
measures two of them from its own records (progress, satisfaction), gives a reference figure for
a third (online dossiers), and cannot measure the other three (it keeps no publication record,
no payments, no scanned papers): those rows say so instead of showing a number.
"""

from __future__ import annotations

from dataclasses import dataclass

from reports.figures import DossierCounts


@dataclass(frozen=True)
class IndexGroup:
    """One group of the index: its weight in points and how Motcua computes its figure."""

    key: str
    name: str
    weight: int
    formula: str


GROUPS = (
    IndexGroup(
        "transparency",
        "Công khai, minh bạch",
        18,
        "không đo trong hệ thống (chấm theo việc công khai thủ tục, tiến độ của cơ quan)",
    ),
    IndexGroup(
        "progress",
        "Tiến độ giải quyết",
        20,
        "(trước hạn + đúng hạn) ÷ đã giải quyết × 100 %; hạn đã trừ thời gian chờ công dân",
    ),
    IndexGroup(
        "online",
        "Dịch vụ công trực tuyến",
        12,
        "tham khảo: hồ sơ nhận trực tuyến ÷ hồ sơ đã tiếp nhận × 100 %",
    ),
    IndexGroup(
        "payment",
        "Thanh toán trực tuyến",
        10,
        "không đo trong hệ thống (Motcua không ghi nhận thanh toán)",
    ),
    IndexGroup(
        "satisfaction",
        "Mức độ hài lòng",
        18,
        "100 % − (tỷ lệ quá hạn + tỷ lệ phản ánh, kiến nghị)",
    ),
    IndexGroup(
        "digitisation",
        "Số hóa hồ sơ",
        22,
        "không đo trong hệ thống (Motcua không lưu bản số hóa giấy tờ)",
    ),
)
TOTAL_POINTS = sum(g.weight for g in GROUPS)


def group_percent(group: IndexGroup, counts: DossierCounts) -> float | None:
    """Return a group's figure in % from the dossier counts, or None when not measured."""
    if group.key == "progress":
        return counts.progress_percent
    if group.key == "satisfaction":
        return counts.satisfaction_766_percent()
    if group.key == "online":
        return None if not counts.received else 100.0 * counts.online / counts.received
    return None


def group_points(group: IndexGroup, counts: DossierCounts) -> float | None:
    """Return a group's points as weight × figure (an estimate, not the official score)."""
    percent = group_percent(group, counts)
    return None if percent is None else group.weight * percent / 100.0


def group_figures(group: IndexGroup, counts: DossierCounts) -> str:
    """Return the numbers a group's figure was computed from, e.g. '(3 + 5) ÷ 12'."""
    if group.key == "progress":
        return f"({counts.early} + {counts.on_time}) ÷ {counts.finished}"
    if group.key == "satisfaction":
        return f"quá hạn {counts.late} ÷ {counts.finished}; phản ánh: 0"
    if group.key == "online":
        return f"{counts.online} ÷ {counts.received}"
    return ""
