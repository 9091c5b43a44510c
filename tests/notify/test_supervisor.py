"""The supervisor's screen lists the messages that could not be sent, recipients masked."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from datetime import UTC, datetime
from pathlib import Path

from counter_console.actions import Action
from counter_console.screenshot import demo_window
from counter_console.supervisor import Alert, SupervisorModel
from server.accounts import acl_text, notify_account
from shared.domain.notifications import DeliveryState, MessageKind
from shared.messaging.codec import encode
from shared.messaging.topics import Topics
from shared.notification_state import DeadLetter, NotificationsState, notifications_topic
from tests.helpers.sites import demo_config

SITE = "hcc-demo"
AT = datetime(2026, 12, 7, 3, 15, tzinfo=UTC)  # 10:15 in Khánh Hòa


def dead_letters() -> NotificationsState:
    letters = [
        DeadLetter(
            id=41,
            kind=MessageKind.READY,
            kind_label="Hồ sơ có kết quả",
            recipient="09xx xxx 678",
            reference="000.00.17.H99-261207-0004",
            channel="sms",
            error="SMS: HTTP 400",
            at=AT,
        ),
        DeadLetter(
            id=38,
            kind=MessageKind.APOLOGY,
            kind_label="Xin lỗi, hẹn lại ngày trả",
            recipient="n***@example.vn",
            reference="000.00.17.H99-261201-0012",
            channel="zns",
            error="Zalo: không nhận được trả lời: timed out — không rõ tin đã đến chưa: hỏi nhà "
            "cung cấp trước khi gửi lại",
            at=AT,
        ),
    ]
    counts = dict.fromkeys(DeliveryState, 0) | {DeliveryState.DEAD: 2, DeliveryState.SENT: 57}
    return NotificationsState(counts=counts, dead_letters=letters, channels=["zns", "sms"], at=AT)


def test_the_model_keeps_the_dead_letters_and_raises_an_alert(qapp: object) -> None:
    model = SupervisorModel(SITE, now=lambda: AT)
    assert not any("tin nhắn" in a.text for a in model.alerts())
    model.handle_message(notifications_topic(SITE), encode(dead_letters()))
    assert [x.id for x in model.dead_letters] == [41, 38]
    expected = "2 tin nhắn cho công dân không gửi được (xem bảng «Tin nhắn không gửi được»)"
    assert Alert(expected, severe=True) in model.alerts()
    model.handle_message(notifications_topic(SITE), b'{"type": "notifications"}')  # malformed
    assert [x.id for x in model.dead_letters] == [41, 38], "a bad payload changes nothing"


def test_the_page_shows_the_table_only_while_there_are_dead_letters(
    qapp: object, tmp_path: Path
) -> None:
    config = demo_config()
    with demo_window(config, "q07", "supervisor", (1366, 768)) as window:
        page = window.extra_pages[Action.SUPERVISOR]  # type: ignore[attr-defined]
        assert page.messages_box.isVisibleTo(page)  # the demo shows two dead letters
        none = NotificationsState(counts=dict.fromkeys(DeliveryState, 0), at=AT)
        page.model.handle_message(notifications_topic(SITE), encode(none))
        page.refresh()
        assert not page.messages_box.isVisibleTo(page)
        page.model.handle_message(notifications_topic(SITE), encode(dead_letters()))
        page.refresh()
        assert page.messages_box.isVisibleTo(page)
        cells = [
            [page.messages.item(r, c).text() for c in range(page.messages.columnCount())]
            for r in range(page.messages.rowCount())
        ]
        assert cells[0] == [
            "41",
            "10:15 07/12",
            "Hồ sơ có kết quả",
            "09xx xxx 678",
            "000.00.17.H99-261207-0004",
            "SMS: HTTP 400",
        ]
        assert cells[1][3] == "n***@example.vn"
        assert window.grab().save(str(tmp_path / "supervisor.png"), "PNG")


def test_the_sender_account_writes_only_its_status_and_its_state() -> None:
    account = notify_account(Topics(SITE))
    assert account.user == "notify-hcc-demo"
    assert account.write == (
        "motcua/v1/hcc-demo/status/notify-hcc-demo",
        "motcua/v1/hcc-demo/state/notifications",
    )
    assert "topic write motcua/v1/hcc-demo/state/notifications" in acl_text([account])
