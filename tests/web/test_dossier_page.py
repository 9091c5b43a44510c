"""A slip's link opens the dossier's progress: the masked public view, nothing more."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session, sessionmaker

from shared.domain.ticket_links import dossier_url
from shared.messaging import dossier_commands as dc
from shared.storage.catalogue import CatalogueRepository
from shared.storage.officer_repository import OfficerRepository, hash_password
from tests.conftest import MONDAY_MORNING
from tests.helpers.procedures import PROCEDURES
from tests.web.conftest import Hall
from tests.web.served import ServedWeb
from tests.web.test_accessibility import common_rules, no_sideways_scroll

pytestmark = pytest.mark.integration
CITIZEN = {
    "name": "Nguyễn Văn An",
    "id_number": "001090000001",
    "phone": "0912345678",
    "address": "12 Lê Lợi, Nha Trang",
    "email": "an@example.vn",
}
OFFICER = "Trần Thị Bình"
PRIVATE = (
    "Nguyễn Văn An",
    "001090000001",
    "0912345678",
    "12 Lê Lợi",
    "an@example.vn",
    OFFICER,
    "Phạm Văn Nhận",
    "ghi chú nội bộ",
)


@pytest.fixture
def dossier_link(hall: Hall, sessions: sessionmaker[Session]) -> str:
    with sessions.begin() as session:
        CatalogueRepository(session, hall.server.site.id).replace_all(PROCEDURES, MONDAY_MORNING)
        OfficerRepository(session, hall.server.site.id).upsert(
            "cb04", OFFICER, ("q04",), hash_password("12345678"), MONDAY_MORNING
        )
    console = hall.counter_with_login("q04", "cb04", "12345678")
    received = console(dc.ReceiveDossier, procedure="2.000200", citizen=CITIZEN)["dossier"]
    code, token = received["code"], received["token"]
    console(
        dc.HandOver,
        code=code,
        to_unit="Phòng Cảnh sát QLHC",
        receiver="Phạm Văn Nhận",
        note="ghi chú nội bộ",
    )
    console(dc.Reschedule, code=code, reason="Chờ xác minh", new_due=date(2026, 12, 14))
    return dossier_url(hall.public_url, code, token)


def test_a_slips_link_shows_the_masked_progress(
    dossier_link: str, web: ServedWeb, page: Any
) -> None:
    response = page.goto(dossier_link)
    assert response.status == 200
    text = page.inner_text("main")
    assert page.get_attribute("html", "lang") == "vi"
    assert "Cấp thẻ căn cước" in text
    assert "Nguyễn V** A**" in text
    assert "Hồ sơ bị chậm so với hẹn" in text
    assert "Hẹn lại ngày 14/12/2026" in text
    assert "Phòng Cảnh sát QLHC" in text
    assert "Quầy trả kết quả, tầng 1" in text
    assert page.locator("ol.steps li").count() >= 3
    common_rules(page, "vi")
    page.set_viewport_size({"width": 320, "height": 700})
    assert no_sideways_scroll(page)
    html = page.content()
    for secret in PRIVATE:
        assert secret not in html, secret
    english = page.goto(dossier_link + "?lang=en")
    assert english.status == 200
    assert page.get_attribute("html", "lang") == "en"
    assert "Running late" in page.inner_text("main")


def test_a_wrong_token_or_code_finds_no_dossier(
    dossier_link: str, web: ServedWeb, page: Any
) -> None:
    wrong = dossier_link[:-8] + "ABCDEFGH"
    for url in (wrong, dossier_link.replace("/d/", "/d/X"), dossier_link + "/more"):
        response = page.goto(url)
        assert response.status == 404, url
    response = page.goto(wrong)
    assert "Không tìm thấy hồ sơ này" in page.inner_text("main")


def test_an_address_guessing_slip_links_is_stopped_before_the_server_counts_it(
    dossier_link: str, web: ServedWeb
) -> None:
    """Guesses from one address stop at the web service; other citizens are not slowed."""
    wrong = dossier_link[:-8] + "ABCDEFGH"
    assert [httpx.get(wrong).status_code for _ in range(5)] == [404] * 5
    stopped = httpx.get(dossier_link)
    assert stopped.status_code == 429 and int(stopped.headers["retry-after"]) >= 1
    elsewhere = httpx.get(dossier_link, headers={"x-forwarded-for": "203.0.113.20"})
    assert elsewhere.status_code == 200 and "Nguyễn V** A**" in elsewhere.text
