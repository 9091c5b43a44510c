"""The supervisor's view of the floor: counters, waiting, devices, alerts, late dossiers, and
the messages to citizens that could not be sent (dead letters of `motcua notify`)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError
from PySide6.QtCore import QObject, Qt, Signal, Slot

from counter_console.viewmodel import minutes_text
from shared.domain.counters import CounterStatus
from shared.domain.dossiers import Timeliness
from shared.domain.notifications import DeliveryState
from shared.messaging.dossier_views import LateDossier
from shared.messaging.states import (
    CounterStateMessage,
    DeviceStatus,
    LateDossiersState,
    LoginLock,
    LoginLocksState,
    QueuesState,
    ServiceWaiting,
)
from shared.messaging.topics import Topics
from shared.notification_state import DeadLetter, NotificationsState, notifications_topic
from shared.qt.bridge import BusBridge
from shared.runtime import utc_now

log = logging.getLogger(__name__)
DEVICE_NAMES = {
    "printer": "Máy in",
    "scanner": "Đầu đọc",
    "display": "Màn hình",
    "kiosk": "Ki-ốt",
    "counter": "Quầy",
    "server": "Máy chủ",
    "devices": "Điều khiển thiết bị",
    "notify": "Gửi tin nhắn",
}
PRINTER_PROBLEMS = {
    "paper_out": "hết giấy",
    "paper_near_end": "sắp hết giấy",
    "cover_open": "mở nắp",
    "error": "báo lỗi",
    "offline": "mất kết nối",
}


@dataclass(frozen=True)
class Alert:
    """One thing a supervisor should look at; `severe` ones are shown in red."""

    text: str
    severe: bool = False


class SupervisorModel(QObject):
    """Reads every retained state and status of the site, the late dossiers among them."""

    changed = Signal()

    def __init__(
        self,
        site_id: str,
        *,
        long_wait_minutes: int = 30,
        idle_counter_minutes: int = 15,
        now: Callable[[], datetime] = utc_now,
        timezone: str = "Asia/Ho_Chi_Minh",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.topics = Topics(site_id)
        self.timezone = ZoneInfo(timezone)
        self.long_wait_seconds = long_wait_minutes * 60
        self.idle_counter_seconds = idle_counter_minutes * 60
        self._now = now
        self.counters: dict[str, CounterStateMessage] = {}
        self.services: list[ServiceWaiting] = []
        self.devices: dict[str, DeviceStatus] = {}
        self.late: list[LateDossier] = []
        self.login_locks: list[LoginLock] = []
        self.dead_letters: list[DeadLetter] = []
        self.dead_count = 0
        self.notifications_topic = notifications_topic(site_id)

    def attach(self, bridge: BusBridge) -> None:
        """Subscribe to every state and status topic of the site."""
        bridge.message.connect(self.handle_message, Qt.ConnectionType.QueuedConnection)
        bridge.subscribe(self.topics.counter("+"))
        bridge.subscribe(self.topics.queues())
        bridge.subscribe(self.topics.statuses())
        bridge.subscribe(self.topics.late_dossiers())  # the server republishes it on changes
        bridge.subscribe(self.topics.logins())
        bridge.subscribe(self.notifications_topic)  # retained by `motcua notify`

    @Slot(str, bytes)
    def handle_message(self, topic: str, payload: bytes) -> None:
        """Keep the latest counter states, queue figures, device statuses and late dossiers."""
        try:
            if topic.startswith(self.topics.counter("")):
                state = CounterStateMessage.model_validate_json(payload)
                self.counters[state.counter] = state
            elif topic == self.topics.queues():
                self.services = QueuesState.model_validate_json(payload).services
            elif topic.startswith(self.topics.status("")):
                status = DeviceStatus.model_validate_json(payload)
                self.devices[status.client_id] = status
            elif topic == self.topics.late_dossiers():
                self.late = LateDossiersState.model_validate_json(payload).dossiers
            elif topic == self.topics.logins():
                self.login_locks = LoginLocksState.model_validate_json(payload).locks
            elif topic == self.notifications_topic:
                self.apply_notifications(NotificationsState.model_validate_json(payload))
            else:
                return
        except ValidationError as exc:
            log.warning("ignored a malformed message on %s: %s", topic, exc.error_count())
            return
        self.changed.emit()

    def apply_notifications(self, state: NotificationsState) -> None:
        """Keep the messages to citizens that could not be sent (recipients come masked)."""
        self.dead_letters = list(state.dead_letters)
        self.dead_count = state.counts.get(DeliveryState.DEAD, len(state.dead_letters))

    def device_fault(self, status: DeviceStatus) -> str | None:
        """Return what is wrong with a device in a few words ('hết giấy'), or None."""
        if status.role == "printer":
            return PRINTER_PROBLEMS.get(str(status.detail.get("state", "")))
        watched = ("scanner", "display", "kiosk", "server", "notify")
        if status.state == "offline" and status.role in watched:
            return "mất kết nối"
        return None

    def device_problem(self, status: DeviceStatus) -> str | None:
        """Return what is wrong with a device, naming it, or None when it is healthy."""
        fault = self.device_fault(status)
        if fault is None:
            return None
        return f"{DEVICE_NAMES[status.role]} {status.client_id} {fault}"

    def alerts(self) -> list[Alert]:
        """Return what needs attention: devices, long waits, idle counters, late dossiers."""
        found: list[Alert] = []
        for status in sorted(self.devices.values(), key=lambda s: s.client_id):
            problem = self.device_problem(status)
            if problem:
                found.append(
                    Alert(problem, severe=problem.endswith("hết giấy") or "mất kết nối" in problem)
                )
        for service in self.services:
            if service.waiting and service.oldest_wait_seconds >= self.long_wait_seconds:
                found.append(
                    Alert(
                        f"{service.name}: {service.waiting} người chờ, lâu nhất "
                        f"{minutes_text(service.oldest_wait_seconds)}",
                        severe=True,
                    )
                )
        now = self._now()
        waiting = {s.service for s in self.services if s.waiting}
        for state in sorted(self.counters.values(), key=lambda s: s.counter):
            idle = (now - state.updated_at).total_seconds()
            if (
                state.status is CounterStatus.OPEN
                and state.current is None
                and idle >= self.idle_counter_seconds
            ):
                found.append(
                    Alert(
                        f"Quầy {state.label} mở nhưng không gọi số trong {minutes_text(idle)}"
                        + (" (vẫn có người chờ)" if waiting else "")
                    )
                )
        found.extend(self.login_alerts(now))
        if self.dead_count:
            found.append(
                Alert(
                    f"{self.dead_count} tin nhắn cho công dân không gửi được "
                    "(xem bảng «Tin nhắn không gửi được»)",
                    severe=True,
                )
            )
        overdue = [x for x in self.late if x.timeliness is Timeliness.OVERDUE]
        if self.late:
            found.append(
                Alert(
                    f"{len(self.late)} hồ sơ sắp đến hạn hoặc quá hạn ({len(overdue)} quá hạn)",
                    severe=bool(overdue),
                )
            )
        return found

    def login_alerts(self, now: datetime) -> list[Alert]:
        """Officer ids and devices whose logins must wait after failed attempts (in red)."""
        found = []
        for lock in sorted(self.login_locks, key=lambda x: (x.scope, x.subject)):
            if lock.locked_until is None or lock.locked_until <= now:
                continue
            who = (
                f"Cán bộ {lock.subject}" if lock.scope == "officer" else f"Thiết bị {lock.subject}"
            )
            local = lock.locked_until.astimezone(self.timezone)
            found.append(
                Alert(
                    f"{who} bị khóa đăng nhập đến {local:%H:%M} "
                    f"({lock.failures} lần nhập sai liên tiếp)",
                    severe=True,
                )
            )
        return found
