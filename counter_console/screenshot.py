"""`motcua counter --screenshot`: render a console screen with demo data offscreen to a PNG."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtWidgets import QWidget

from counter_console.actions import Action, Officer
from counter_console.demo_data import AT, OfflineSender, demo_counter_state, demo_queues
from shared.config.site import SiteConfig
from shared.domain.dossiers import STATUS_LABELS, DossierStatus, Timeliness
from shared.messaging.dossier_commands import CitizenData, DocumentData
from shared.messaging.dossier_views import DossierFull, LateDossier, ProcedureView
from shared.messaging.states import DeviceStatus


def demo_procedure() -> ProcedureView:
    """A procedure of the demo catalogue."""
    return ProcedureView(
        code="2.000635",
        name="Cấp bản sao trích lục hộ tịch",
        field="Hộ tịch",
        department="tu-phap",
        department_name="Sở Tư pháp",
        legal_days=1,
        processing_time="Trong ngày; sau 15 giờ trả vào ngày làm việc tiếp theo",
        fee="8.000 đồng/bản",
        documents=[
            DocumentData(name="Tờ khai cấp bản sao trích lục hộ tịch"),
            DocumentData(name="Căn cước của người yêu cầu", form="Bản sao"),
            DocumentData(name="Giấy ủy quyền (nếu nộp thay)"),
        ],
        return_place="Quầy trả kết quả, Trung tâm Phục vụ hành chính công",
        service="ho-tich",
    )


def demo_dossier() -> DossierFull:
    """A dossier just received, as the server would return it."""
    return DossierFull(
        site_id="hcc-demo",
        code="000.00.17.H12-261123-0007",
        procedure_code="2.000635",
        procedure_name="Cấp bản sao trích lục hộ tịch",
        citizen_masked="Tr*** T** H***",
        status=2,
        status_label="Đã tiếp nhận",
        channel=1,
        received_at=AT,
        legal_due=date(2026, 11, 24),
        due=date(2026, 11, 24),
        due_at=datetime(2026, 11, 24, 9, 30, tzinfo=AT.tzinfo),
        timeliness="on_time",
        timeliness_label="Trong hạn",
        return_place="Quầy trả kết quả",
        steps=[],
        ready=False,
        token="K7PQ2M",
        qr="MCD1:000.00.17.H12-261123-0007:K7PQ2M",
        citizen=CitizenData(
            name="Trần Thị Hồng", address="12 Lê Lợi, phường Bến Thành", phone="0903 123 456"
        ),
        documents=[DocumentData(name="Tờ khai cấp bản sao trích lục hộ tịch")],
        sets=1,
        legal_days=1,
        fee="8.000 đồng",
        department="tu-phap",
        received_by="cb01",
        counter_id="q01",
        ticket_number="A012",
        rule_version="2025",
    )


@contextmanager
def demo_window(
    config: SiteConfig, counter_id: str, screen: str, size: tuple[int, int] | None = None
) -> Iterator[QWidget]:
    """Show one console screen (or the rating pad) with demo data; close it afterwards."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from counter_console.app import CONSOLE_SIZE, RATING_SIZE
    from counter_console.build import build_console

    app = QApplication.instance() or QApplication([])
    console = build_console(config, counter_id, OfflineSender())
    model = console.model
    model._now = lambda: AT
    model.set_connected(True)
    model.server_online = True
    model.apply_state(demo_counter_state(config, counter_id))
    model.apply_queues(demo_queues(config))
    window = console.window
    window.resize(*(size or CONSOLE_SIZE))
    target: QWidget = window
    number = model.current.number if model.current else ""
    if screen != "login":
        officer = Officer("cb01", "Nguyễn Văn An", "Chuyên viên", "supervisor")
        model.begin_shift(officer)
        model.say(f"Đang phục vụ số {number}.")
    if screen == "lock":
        model.lock()
    elif screen == "transfer":
        window.trigger(Action.TRANSFER)
        prompt = window.serving_page.prompt
        prompt.service.setCurrentIndex(prompt.service.count() - 1)
        prompt.text.setText("Công dân cần nộp thêm lệ phí")
    elif screen == "return":
        desk = console.desk
        desk.dossier = demo_dossier().model_copy(
            update={
                "ready": True,
                "status": DossierStatus.DONE,
                "status_label": STATUS_LABELS[DossierStatus.DONE],
            }
        )
        window.pages.setCurrentWidget(window.extra_pages[Action.RETURN_DOSSIER])
        desk.say("Đã tìm thấy hồ sơ 000.00.17.H12-261123-0007.")
    elif screen == "dossier":
        desk = console.desk
        desk.procedures = [demo_procedure()]
        desk.dossier = demo_dossier()
        page = window.extra_pages[Action.DOSSIER]
        window.pages.setCurrentWidget(page)
        desk.say("Đã tiếp nhận hồ sơ 000.00.17.H12-261123-0007. Đã in phiếu (2 liên).")
        receive = window.extra_pages[Action.DOSSIER]
        receive.procedures.setCurrentRow(0)  # type: ignore[attr-defined]
        for key, value in (
            ("name", "Trần Thị Hồng"),
            ("id_number", "079190001234"),
            ("address", "12 Lê Lợi, phường Bến Thành"),
            ("phone", "0903 123 456"),
        ):
            receive.fields[key].setText(value)  # type: ignore[attr-defined]
        documents = receive.documents  # type: ignore[attr-defined]
        for i in range(2):
            documents.item(i).setCheckState(documents.item(i).checkState().Checked)
    elif screen == "supervisor":
        sup = console.supervisor
        sup._now = lambda: AT + timedelta(minutes=20)
        for i, counter in enumerate(config.counters):
            sup.counters[counter.id] = demo_counter_state(config, counter.id, i)
        sup.services = demo_queues(config).services
        sup.late = [
            LateDossier(
                code="000.00.17.H12-261118-0003",
                procedure_name="Cấp phiếu lý lịch tư pháp",
                department="cong-an",
                status=4,
                status_label=STATUS_LABELS[DossierStatus.PROCESSING],
                legal_due=date(2026, 11, 20),
                due=date(2026, 11, 20),
                timeliness=Timeliness.OVERDUE.value,
                apologised=False,
            ),
            LateDossier(
                code="000.00.17.H12-261119-0011",
                procedure_name="Cấp thẻ căn cước",
                department="cong-an",
                status=4,
                status_label=STATUS_LABELS[DossierStatus.PROCESSING],
                legal_due=date(2026, 11, 24),
                due=date(2026, 11, 24),
                timeliness=Timeliness.DUE_SOON.value,
                apologised=False,
            ),
        ]
        for client, role, state, detail in (
            ("kiosk-1-printer", "printer", "online", {"state": "paper_out"}),
            ("q01-printer", "printer", "online", {"state": "ok"}),
            ("kiosk-1", "kiosk", "online", {}),
            ("display-tang-1", "display", "online", {}),
            ("display-tang-2", "display", "offline", {}),
        ):
            sup.devices[client] = DeviceStatus(
                client_id=client, role=role, state=state, detail=detail, at=AT
            )
        sup.changed.emit()
        window.pages.setCurrentWidget(window.extra_pages[Action.SUPERVISOR])
    elif screen == "rating":
        console.rating.ask(number)
        target = console.rating_window
        target.resize(*(size or RATING_SIZE))
    target.show()
    app.processEvents()
    try:
        yield target
    finally:
        console.close()
        window.deleteLater()
        console.rating_window.deleteLater()
        app.processEvents()


def screenshot(
    config: SiteConfig,
    counter_id: str,
    path: Path,
    screen: str,
    size: tuple[int, int] | None = None,
) -> int:
    """Render one screen of the console (or the rating pad) with demo data to a PNG."""
    with demo_window(config, counter_id, screen, size) as target:
        ok = target.grab().save(str(path), "PNG")
    if not ok:
        print(f"could not write {path}", file=sys.stderr)
        return 1
    print(path)
    return 0
