"""Exchange with the national portal: export, import into a fresh database, export: identical."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from admin.cli import main
from admin.exchange import parse_portal_time, portal_time
from server.dossier_service import DossierSettings
from shared.domain.site import Site
from shared.messaging import dossier_commands as dc
from shared.storage.engine import close_database, make_engine, open_database
from shared.storage.personal_data import access_log
from shared.storage.tables import Base
from tests.helpers.clock import FakeClock
from tests.helpers.memory_server import Hall
from tests.helpers.sites import demo_config, demo_site_file
from tests.storage.test_personal_data import MONDAY, OTHER, SUBJECT, ok, seed


def test_portal_dates_are_local_seconds() -> None:
    at = datetime(2026, 12, 7, 2, 0, 5, 700_000, tzinfo=UTC)
    assert portal_time(at) == "20261207090005"
    assert parse_portal_time("20261207090005") == at.replace(microsecond=0)
    assert portal_time(None) == "" and parse_portal_time("") is None


@pytest.fixture
def site_file(tmp_path: Path) -> Path:
    return demo_site_file(tmp_path)


def make_history(hall: Hall, clock: FakeClock) -> list[str]:
    """Dossiers in each shape a portal record carries: returned, rescheduled, refused, waiting."""
    clock.set(MONDAY)
    ok(hall.do("q04", dc.OfficerLogin, officer_id="cb04", password="1234"))

    def receive(citizen: dict[str, str], **extra: object) -> str:
        reply = hall.do("q04", dc.ReceiveDossier, procedure="2.000200", citizen=citizen, **extra)
        return str(ok(reply)["dossier"]["code"])

    returned = receive(SUBJECT)
    rescheduled = receive(OTHER, channel=2)
    refused = receive({"name": "Lê Văn Thí"}, refuse_reason="Thiếu tờ khai", channel=3)
    waiting = receive({"name": "Phạm Thị Nghiệm", "phone": "0900000044"})
    clock.set(MONDAY + timedelta(days=1, hours=1))
    ok(hall.do("q04", dc.RequestSupplement, code=returned, reason="Thiếu ảnh 4x6"))
    ok(hall.do("q04", dc.HandOver, code=waiting, to_unit="Phòng Cảnh sát QLHC"))
    clock.set(MONDAY + timedelta(days=2, hours=3))
    ok(hall.do("q04", dc.SupplementReceived, code=returned))
    ok(hall.do("q04", dc.RequestSupplement, code=waiting, reason="Cần bản sao giấy khai sinh"))
    clock.set(MONDAY + timedelta(days=3))
    ok(hall.do("q04", dc.MarkDone, code=returned))
    clock.set(MONDAY + timedelta(days=4, hours=5))
    ok(hall.do("q04", dc.MarkReturned, code=returned))
    clock.set(MONDAY + timedelta(days=8))
    ok(hall.do("q04", dc.Reschedule, code=rescheduled, reason="Chờ xác minh", new_due="2026-12-21"))
    return [returned, rescheduled, refused, waiting]


def fresh(database_url: str, tmp_path: Path) -> str:
    """Another empty database of the same kind (PostgreSQL: the test database wiped)."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    engine = make_engine(database_url)
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    return database_url


def test_export_import_export_round_trip_is_identical(
    site_file: Path,
    database_url: str,
    demo_site: Site,
    sessions: sessionmaker[Session],
    clock: FakeClock,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(sessions)
    hall = Hall(demo_site, sessions, clock, DossierSettings.from_config(demo_config()))
    codes = make_history(hall, clock)
    sessions.kw["bind"].dispose()  # the server stops
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    period = ["--from", "2026-12-07", "--to", "2026-12-07", "--config", str(site_file)]
    export = ["dossier", "export", "--format", "dvcqg", *period]
    assert main([*export, "--database-url", database_url, "--out", str(first)]) == 0
    records = json.loads(first.read_text(encoding="utf-8"))
    assert [r["MaHoSo"] for r in records] == codes
    done, moved, refused, waiting = records
    assert (done["TrangThaiHoSo"], done["NgayTra"], done["KenhThucHien"]) == (
        10,
        "20261211140000",
        1,
    )
    assert done["DanhSachHoSoBoSung"] == [
        {
            "NoiDungBoSung": "Thiếu ảnh 4x6",
            "NgayBoSung": "20261208100000",
            "NgayTiepNhanBoSung": "20261209120000",
        }
    ]
    assert (done["ChuHoSo"], done["SoDienThoai"]) == (SUBJECT["name"], SUBJECT["phone"])
    assert moved["NgayHenTraMoi"] == "20261221163000" and moved["NgayHenTra"] == "20261216163000"
    assert (refused["TrangThaiHoSo"], refused["KenhThucHien"]) == (3, 3)
    assert (
        waiting["TrangThaiHoSo"] == 5
        and waiting["DanhSachHoSoBoSung"][0]["NgayTiepNhanBoSung"] == ""
    )
    assert "id_number" not in first.read_text(encoding="utf-8"), "only the portal's fields leave"
    with sessions() as session:
        exported = [r for r in access_log(session, demo_site.id) if r.purpose == "dvcqg_export"]
    assert len(exported) == 4 and exported[0].fields == "name,phone"
    sessions.kw["bind"].dispose()

    target = fresh(database_url, tmp_path)
    empty = open_database(target)
    seed(empty)
    close_database(empty)
    command = ["dossier", "import", "--format", "dvcqg", str(first), "--config", str(site_file)]
    assert main([*command, "--database-url", target]) == 0
    assert "4 thay đổi, 0 không đổi, 0 lỗi" in capsys.readouterr().out
    assert main([*command, "--database-url", target]) == 0
    assert "0 thay đổi, 4 không đổi, 0 lỗi" in capsys.readouterr().out, "re-import changes nothing"
    assert main([*export, "--database-url", target, "--out", str(second)]) == 0
    assert json.loads(second.read_text(encoding="utf-8")) == records
    assert second.read_bytes() == first.read_bytes()
