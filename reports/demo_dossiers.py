"""Simulated dossiers: channels, supplement pauses, early, on-time and late results, apologies.

Legal due dates come from the domain's own deadline rules (working days, holidays, the 15:00
rule, supplement pauses removed), so the simulated history obeys what the reports check.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from shared.config.site import SiteConfig
from shared.domain.deadlines import WorkingCalendar, snapshot
from shared.domain.dossier_codes import DossierCodePattern
from shared.domain.dossiers import ClockPause, StepKind, legal_due_date

Row = dict[str, Any]
# (code, name, department, working days) — demo data, not legal references.
PROCEDURES = (
    ("2.000635", "Cấp bản sao trích lục hộ tịch", "tu-phap", 0),
    ("2.000815", "Chứng thực bản sao từ bản chính giấy tờ", "tu-phap", 0),
    ("2.000488", "Cấp phiếu lý lịch tư pháp", "tu-phap", 10),
    ("2.000200", "Cấp thẻ căn cước", "cong-an", 7),
    ("1.002809", "Đổi giấy phép lái xe", "cong-an", 5),
    ("2.001610", "Đăng ký thành lập doanh nghiệp", "tai-chinh", 3),
    ("1.009974", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "xay-dung", 15),
    ("1.004227", "Đăng ký biến động quyền sử dụng đất", "nong-nghiep", 10),
    ("1.003605", "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "y-te", 15),
    ("1.005387", "Giải quyết chế độ người có công", "noi-vu", 12),
    ("2.000190", "Cấp giấy phép kinh doanh rượu", "cong-thuong", 10),
    ("1.002356", "Cấp lại sổ bảo hiểm xã hội", "bhxh", 5),
)
FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Vũ", "Đặng", "Bùi", "Đỗ")
MIDDLE = ("Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Thu")
GIVEN = ("An", "Bình", "Chi", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Phương", "Tâm")


def citizen_name(rng: random.Random) -> str:
    """Return a plausible Vietnamese full name."""
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


@dataclass
class DossierBatch:
    """The rows of simulated dossiers."""

    dossiers: list[Row] = field(default_factory=list)
    steps: list[Row] = field(default_factory=list)
    pauses: list[Row] = field(default_factory=list)


class DossierSimulator:
    """Generates dossiers day after day, up to `now` (later events have not happened yet)."""

    def __init__(
        self,
        config: SiteConfig,
        calendar: WorkingCalendar,
        rng: random.Random,
        offset: int,
        now: datetime,
    ) -> None:
        self.config = config
        self.calendar = calendar
        self.rng = rng
        self.offset = timedelta(minutes=offset)
        self.now = now
        self.rules = snapshot(calendar, config.calendar.to_rule(config.site.timezone))
        self.rules_json = json.dumps(self.rules.to_dict(), ensure_ascii=False, default=str)
        departments = {d.id for d in config.departments}
        self.procedures = [p for p in PROCEDURES if p[2] in departments] or [
            (f"9.{i:06d}", f"Thủ tục của {d.name}", d.id, 5)
            for i, d in enumerate(config.departments)
        ]
        self.pattern = DossierCodePattern(config.dossiers.code_pattern)
        self.next_id = 1

    def _instant(self, day: date, hours: float) -> datetime:
        return datetime.combine(day, time(0), UTC) + timedelta(hours=hours) - self.offset

    def _working(self, day: date, days: int) -> date:
        for _ in range(days):
            day = self.calendar.next_working_day(day)
        return day

    def _due(self, received: datetime, legal_days: int, pauses: tuple[ClockPause, ...]) -> date:
        if pauses:
            return legal_due_date(received, legal_days, self.rules, pauses)
        local = received + self.offset
        return self._due_cached(local.date(), local.hour >= 15, legal_days)

    @lru_cache(maxsize=4096)  # noqa: B019 — one simulator per run
    def _due_cached(self, day: date, late: bool, legal_days: int) -> date:
        received = self._instant(day, 16.0 if late else 9.0)
        return legal_due_date(received, legal_days, self.rules, ())

    def day(self, day: date, count: int, batch: DossierBatch) -> None:
        """Simulate the dossiers received on one working day."""
        for sequence in range(1, count + 1):
            self._dossier(day, sequence, batch)

    def _finish_day(self, day: date, legal_due: date, legal_days: int) -> tuple[date, bool]:
        """When a dossier in progress is finished: early (70 %), on the due day, or late."""
        draw = self.rng.random()
        if draw < 0.70:
            spread = max(0, (legal_due - day).days)
            finish_day = day + timedelta(days=self.rng.randint(0, spread))
            if finish_day >= legal_due and legal_days:
                finish_day = legal_due - timedelta(days=1)
            return max(finish_day, day), False
        if draw < 0.90:
            return legal_due, False
        return self._working(legal_due, self.rng.randint(1, 5)), True

    def _dossier(self, day: date, sequence: int, batch: DossierBatch) -> None:
        rng = self.rng
        dossier_id = self.next_id
        self.next_id += 1
        code, name, department, legal_days = rng.choice(self.procedures)
        channel = rng.choices((1, 2, 3), (55, 40, 5))[0]
        received = self._instant(day, rng.uniform(7.5, 16.5))
        steps: list[tuple[str, datetime, int]] = [
            ("received", received, 2),
            ("handover", received + timedelta(minutes=rng.uniform(20, 120)), 4),
        ]
        status, finished, returned, apology = 4, None, None, None
        pauses: tuple[ClockPause, ...] = ()
        outcome = rng.random()
        if outcome < 0.02:
            steps = [("refused", received + timedelta(minutes=10), 3)]
            status = 3
        elif outcome < 0.14 and legal_days:
            start = self._instant(self._working(day, 1), rng.uniform(8, 16))
            end = self._instant(self._working(day, rng.randint(2, 7)), rng.uniform(8, 16))
            steps.append((StepKind.SUPPLEMENT_REQUESTED.value, start, 5))
            if end <= self.now:
                steps.append((StepKind.SUPPLEMENT_RECEIVED.value, end, 4))
                pauses = (ClockPause(StepKind.SUPPLEMENT_REQUESTED, start, end),)
            else:
                pauses = (ClockPause(StepKind.SUPPLEMENT_REQUESTED, start, None),)
                status = 5
        legal_due = self._due(received, legal_days, tuple(p for p in pauses if p.end))
        due = legal_due
        if status == 4:
            finish_day, late = self._finish_day(day, legal_due, legal_days)
            if late and rng.random() < 0.75:
                notice = self._instant(legal_due - timedelta(days=1), rng.uniform(8, 11))
                if notice > received and notice <= self.now:
                    apology = (notice, finish_day)
                    steps.append(("rescheduled", notice, 4))
                    due = finish_day
            finish = self._instant(finish_day, rng.uniform(8, 16.5))
            finish = max(finish, steps[-1][1] + timedelta(minutes=30))
            if finish <= self.now:
                finished = finish
                status = 9
                steps.append(("done", finish, 9))
                back = finish + timedelta(days=rng.uniform(0.2, 4))
                if back <= self.now and rng.random() < 0.85:
                    returned = back
                    status = 10
                    steps.append(("returned", back, 10))
        steps = sorted((s for s in steps if s[1] <= self.now), key=lambda s: s[1])
        batch.dossiers.append(
            {
                "id": dossier_id,
                "site_id": self.config.site.id,
                "code": self.pattern.format(self.config.dossiers.agency_code, day, sequence),
                "token": f"{rng.getrandbits(60):015X}",
                "procedure_code": code,
                "procedure_name": name,
                "department": department,
                "channel": channel,
                "status": status,
                "citizen_name": citizen_name(rng),
                "legal_days": legal_days,
                "received_at": received,
                "received_by": "cb01",
                "rules": self.rules_json,
                "legal_due": legal_due,
                "due": due,
                "apology_at": apology[0] if apology else None,
                "apology_reason": "Hồ sơ cần xác minh thêm" if apology else "",
                "finished_at": finished,
                "returned_at": returned,
                "updated_at": steps[-1][1],
            }
        )
        for position, (kind, at, step_status) in enumerate(steps):
            batch.steps.append(
                {
                    "dossier_id": dossier_id,
                    "position": position,
                    "kind": kind,
                    "at": at,
                    "status": step_status,
                    "actor": "cb01",
                }
            )
        for position, pause in enumerate(pauses):
            batch.pauses.append(
                {
                    "dossier_id": dossier_id,
                    "position": position,
                    "kind": pause.kind.value,
                    "started_at": pause.start,
                    "ended_at": pause.end,
                }
            )
