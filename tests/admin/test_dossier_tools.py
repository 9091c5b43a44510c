"""Dossier tools: forms printed from real data, external import, officer accounts, demo seed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy.orm import Session, sessionmaker

from admin import demo_seed
from admin.cli import main
from counter_console.forms import dossier_data
from hw.printer.documents import from_dossier as forms
from hw.printer.raster import decode
from hw.printer.service import ReceiptPrinter
from server.dossier_service import DossierSettings
from shared.config.printer import PrinterConfig
from shared.domain.procedures import Procedure, RequiredDocument
from shared.messaging import dossier_commands as dc
from shared.messaging.dossier_views import ApologyView, DossierFull
from shared.storage.catalogue import CatalogueRepository
from shared.storage.dossier_repository import DossierRepository
from shared.storage.engine import open_database
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import demo_config, demo_site_file

MONDAY = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
PROCEDURE = Procedure(
    code="2.000200",
    name="Cấp thẻ căn cước",
    field="Căn cước",
    department="cong-an",
    legal_days=7,
    fee="Lần đầu miễn phí",
    documents=(
        RequiredDocument("Tờ khai căn cước", "Bản chính", 1),
        RequiredDocument("Giấy khai sinh", "Bản sao", 1),
    ),
    return_place="Quầy trả kết quả, tầng 1",
    service="can-cuoc",
)


def qr_texts(image: Image.Image) -> list[str]:
    found = zxingcpp.read_barcodes(
        image.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
    )
    return [f.text for f in found]


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    return demo_site_file(tmp_path)


@pytest.fixture
def sessions_for_file(site_file: Path) -> Iterator[sessionmaker[Session]]:
    url = f"sqlite:///{site_file.parent / 'data' / 'motcua.db'}"
    sessions = open_database(url)
    yield sessions
    bind = sessions.kw.get("bind")
    if bind is not None:
        bind.dispose()


def received_dossier(sessions: sessionmaker[Session]) -> dict[str, Any]:
    config = demo_config()
    site = config.to_domain()
    with sessions.begin() as session:
        CatalogueRepository(session, site.id).replace_all([PROCEDURE], MONDAY)
        OfficerRepository(session, site.id).upsert(
            "cb04", "Trần Thị Bình", ("q04",), hash_password("1234"), MONDAY
        )
    hall = Hall(site, sessions, FakeClock(MONDAY), DossierSettings.from_config(config))
    assert hall.do("q04", dc.OfficerLogin, officer_id="cb04", password="1234").ok
    citizen = {"name": "Nguyễn Văn An", "address": "Số 5 Lê Lợi", "phone": "0912345678"}
    reply = hall.do("q04", dc.ReceiveDossier, procedure=PROCEDURE.code, citizen=citizen)
    assert reply.ok, reply.error
    return dict(reply.result["dossier"])


def test_slip_from_a_received_dossier_prints_and_its_qr_reads_back(
    sessions: sessionmaker[Session],
) -> None:
    full = DossierFull.model_validate(received_dossier(sessions))
    view = dossier_data(full)
    context = forms.FormContext("Trung tâm PVHCC tỉnh Khánh Hòa", "Khánh Hòa", "Trần Thị Bình")
    slip = forms.appointment_slip(view, context, view.received_at)
    assert slip.due_at.isoformat().startswith("2026-12-16T16:30:00+07:00")
    assert slip.register_entry == "0001" and len(slip.documents) == 2
    printer = ReceiptPrinter(PrinterConfig(id="sim-1", timeout_s=0.5, print_timeout_s=5))
    try:
        data = printer.encode(slip)
        job = decode(data, printer.profile.width_dots, printer.profile.line_dots)
    finally:
        printer.close()
    assert len(job.pages) == 2  # one copy for the citizen, one kept
    assert qr_texts(job.pages[0]) == [full.qr]


def test_form_command_renders_the_slip_and_the_apology(
    site_file: Path, sessions_for_file: sessionmaker[Session], tmp_path: Path
) -> None:
    view = received_dossier(sessions_for_file)
    out = tmp_path / "slip.png"
    assert (
        main(["dossier", "form", view["code"], "--config", str(site_file), "--out", str(out)]) == 0
    )
    pages = [out, out.with_name("slip-2.png")]
    assert all(p.exists() for p in pages)
    assert qr_texts(Image.open(pages[0])) == [view["qr"]]
    apology = tmp_path / "apology.png"
    args = ["dossier", "form", view["code"], "--config", str(site_file), "--form", "apology"]
    assert main([*args, "--out", str(apology)]) == 1  # not rescheduled yet
    with sessions_for_file.begin() as session:
        repo = DossierRepository(session, "hcc-demo")
        dossier = repo.by_code(view["code"])
        assert dossier is not None
        from shared.domain import dossiers as rules

        later = rules.reschedule(
            dossier,
            MONDAY + timedelta(days=8),
            "cb04",
            "Chờ xác minh",
            dossier.legal_due + timedelta(days=5),
        )
        repo.save(dossier, later, MONDAY + timedelta(days=8))
    assert main([*args, "--out", str(apology)]) == 0
    assert Image.open(apology).height > 400


def test_import_of_external_records_is_idempotent(
    site_file: Path,
    sessions_for_file: sessionmaker[Session],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with sessions_for_file.begin() as session:
        CatalogueRepository(session, "hcc-demo").replace_all([PROCEDURE], MONDAY)
    records = [
        {
            "code": "000.00.17.H99-261201-0042",
            "status": 2,
            "at": "2026-12-01T08:00:00+07:00",
            "procedure": "2.000200",
            "citizen": {"name": "Đỗ Thị Hoa"},
            "received_at": "2026-12-01T08:00:00+07:00",
            "channel": 2,
        },
        {"code": "000.00.17.H99-261201-0042", "status": 4, "at": "2026-12-02T09:00:00+07:00"},
        {"code": "000.00.17.H99-261201-0042", "status": 9, "at": "2026-12-04T10:00:00+07:00"},
    ]
    source = tmp_path / "igate.json"
    source.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    command = ["dossier", "import", str(source), "--config", str(site_file)]
    sessions_for_file.kw["bind"].dispose()  # the server is stopped: the import is its writer
    assert main(command) == 0
    assert "1 hồ sơ mới, 2 cập nhật, 0 không đổi, 0 lỗi" in capsys.readouterr().out
    assert main(command) == 0
    assert "0 hồ sơ mới, 0 cập nhật, 3 không đổi, 0 lỗi" in capsys.readouterr().out
    with sessions_for_file() as session:
        dossier = DossierRepository(session, "hcc-demo").by_code(records[0]["code"])
    assert dossier is not None and int(dossier.status) == 9 and len(dossier.steps) == 3
    csv_file = tmp_path / "bad.csv"
    csv_file.write_text("code,status,at\n000.00.17.H99-261201-0099,12,2026-12-01T08:00:00+07:00\n")
    assert main(["dossier", "import", str(csv_file), "--config", str(site_file)]) == 1
    assert "bản ghi 1: status" in capsys.readouterr().err


def test_officer_accounts_from_the_command_line(
    site_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("582046\n"))
    args = ["officer", "add", "cb05", "--name", "Lê Văn Cường", "--counters", "q05,q06"]
    assert main([*args, "--password-stdin", "--config", str(site_file)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("12\n"))
    assert main([*args, "--password-stdin", "--config", str(site_file)]) == 1
    assert "ít nhất 6 ký tự" in capsys.readouterr().err
    assert main(["officer", "list", "--config", str(site_file)]) == 0
    assert "cb05\tLê Văn Cường\tofficer\tq05,q06\thoạt động" in capsys.readouterr().out
    url = f"sqlite:///{site_file.parent / 'data' / 'motcua.db'}"
    sessions = open_database(url)
    with sessions.begin() as session:
        officers = OfficerRepository(session, "hcc-demo")
        assert officers.verify("cb05", "582046") is not None
        assert officers.verify("cb05", "1234") is None
    sessions.kw["bind"].dispose()  # nothing else has the database open while it writes
    assert main(["officer", "disable", "cb05", "--config", str(site_file)]) == 0
    with sessions.begin() as session:
        assert OfficerRepository(session, "hcc-demo").verify("cb05", "582046") is None
    bind = sessions.kw.get("bind")
    assert bind is not None
    bind.dispose()


def test_demo_seed_creates_officers_and_dossiers_once(
    site_file: Path, sessions_for_file: sessionmaker[Session]
) -> None:
    config = demo_config().model_copy(update={"data_dir": str(site_file.parent / "data")})
    with sessions_for_file.begin() as session:
        CatalogueRepository(session, config.site.id).replace_all([PROCEDURE], MONDAY)
    first = demo_seed.seed_demo(sessions_for_file, config, MONDAY)
    again = demo_seed.seed_demo(sessions_for_file, config, MONDAY)
    assert first.pin == again.pin and len(first.pin) == 6
    assert first.officers == len(config.counters) + 1
    assert len(first.slips) == 5
    assert again.slips == first.slips
    pin_file = Path(config.data_path()) / demo_seed.PIN_FILE
    assert oct(pin_file.stat().st_mode & 0o777) == "0o600"


def test_every_dossier_form_prints_through_the_printer_simulator(
    sessions: sessionmaker[Session],
) -> None:
    from dataclasses import replace as copy

    from hw.printer.documents import MissingDocument

    full = DossierFull.model_validate(received_dossier(sessions))
    view = dossier_data(full)
    context = forms.FormContext("Trung tâm PVHCC tỉnh Khánh Hòa", "Khánh Hòa", "Trần Thị Bình")
    late = full.model_copy(
        update={
            "apology": ApologyView(
                at=MONDAY + timedelta(days=8),
                reason="Chờ xác minh",
                new_due=full.legal_due + timedelta(days=5),
            )
        }
    )
    documents = [
        forms.supplement_request(
            view,
            copy(context, contact="0236 3 888 999"),
            MONDAY,
            "Thiếu ảnh",
            (MissingDocument("Ảnh 4x6", originals=2),),
        ),
        forms.refusal(view, context, MONDAY, "Không thuộc thẩm quyền"),
        forms.apology(dossier_data(late), context),
        forms.control_sheet(view, context, MONDAY),
    ]
    printer = ReceiptPrinter(PrinterConfig(id="sim-forms", timeout_s=0.5, print_timeout_s=5))
    try:
        for document in documents:
            job = decode(
                printer.encode(document), printer.profile.width_dots, printer.profile.line_dots
            )
            assert len(job.pages) == 1, type(document).__name__
            assert job.pages[0].height > 300, type(document).__name__
    finally:
        printer.close()
    apology = documents[2]
    assert isinstance(apology, forms.ApologyData)
    assert apology.original_due_at.date() == view.legal_due
    assert apology.new_due_at.hour == 16 and apology.new_due_at.minute == 30
    with pytest.raises(ValueError):
        forms.apology(view, context)  # no apology recorded yet
