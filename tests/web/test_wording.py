"""What the pages say: Vietnamese by default, English on request, only the public view."""

from __future__ import annotations

from datetime import UTC, date, datetime

from shared.domain.dossiers import Channel, DossierStatus, StepKind, Timeliness
from shared.messaging.dossier_views import ApologyView, DossierPublic, StepView
from web.dossier_page import dossier_page, place_text
from web.views import Stage, TicketView
from web.wording import TEXTS, language, ticket_words


def test_every_text_is_in_both_languages_and_vietnamese_is_the_default() -> None:
    assert all(set(v) == {"vi", "en"} for v in TEXTS.values())
    assert language(None) == "vi" and language("fr") == "vi" and language("en") == "en"


def test_a_ticket_is_worded_for_each_stage() -> None:
    def words(view: TicketView, lang: str = "vi") -> tuple[str, str, str]:
        said = ticket_words(view, "Hộ tịch", lang)
        return said.headline, said.detail, said.wait

    waiting = TicketView("A012", Stage.WAITING, "ho-tich", 5, 18)
    assert words(waiting) == (
        "Đang chờ đến lượt",
        "Còn 5 người trước bạn",
        "Thời gian chờ dự kiến: khoảng 18 phút",
    )
    assert words(waiting, "en")[1:] == ("5 people ahead of you", "Estimated wait: about 18 minutes")
    assert words(TicketView("A012", Stage.WAITING, "ho-tich", 0, 0))[1:] == (
        "Bạn là người tiếp theo",
        "Sắp đến lượt bạn",
    )
    assert words(TicketView("A012", Stage.WAITING, "ho-tich"))[1] == "Đang cập nhật vị trí của bạn…"
    called = TicketView("A012", Stage.CALLED, "ho-tich", counter_label="7", call="c1")
    assert words(called)[0] == "Mời số A012 đến Quầy 7"
    assert words(called, "en")[0] == "Number A012, please go to counter 7"
    assert ticket_words(called, "Hộ tịch", "vi").as_json()["call"] == "c1"
    assert words(TicketView("A012", Stage.DONE, "ho-tich"))[0] == "Đã phục vụ xong. Cảm ơn bạn!"


def test_the_dossier_page_uses_only_the_public_view() -> None:
    at = datetime(2026, 11, 23, 1, 15, tzinfo=UTC)
    dossier = DossierPublic(
        site_id="hcc-demo",
        code="000.00.17.H99-261123-0001",
        procedure_code="2.000200",
        procedure_name="Cấp thẻ căn cước",
        citizen_masked="Nguyễn V** A**",
        status=DossierStatus.PROCESSING,
        status_label="Đang giải quyết",
        channel=Channel.IN_PERSON,
        received_at=at,
        legal_due=date(2026, 12, 2),
        due=date(2026, 12, 14),
        due_at=at,
        timeliness=Timeliness.OVERDUE,
        timeliness_label="Quá hạn",
        apology=ApologyView(
            at=at, reason="Chờ xác minh.", new_due=date(2026, 12, 14), officer="Trần Thị Bình"
        ),
        return_place="Tại quầy số 7",
        steps=[
            StepView(
                kind=StepKind.RECEIVED,
                label="Tiếp nhận hồ sơ",
                at=at,
                status=DossierStatus.RECEIVED,
                status_label="Đã tiếp nhận",
                unit="Công an tỉnh",
                note="ghi chú nội bộ",
                actor="Trần Thị Bình",
            )
        ],
        ready=False,
    )
    page = dossier_page(dossier, "vi", "Asia/Ho_Chi_Minh")
    assert page.state == "Hồ sơ bị chậm so với hẹn — Quá hạn" and page.tone == "bad"
    assert page.apology == (
        "Chúng tôi xin lỗi vì sự chậm trễ. Lý do: Chờ xác minh. Hẹn lại ngày 14/12/2026."
    )
    assert page.collect == "Quầy số 7" and page.due == "14/12/2026"
    assert page.steps[0].when == "08:15 23/11/2026"  # local time
    assert "Trần Thị Bình" not in repr(page) and "ghi chú" not in repr(page)
    assert place_text("tại Bộ phận một cửa") == "Bộ phận một cửa"
    ready = dossier_page(dossier.model_copy(update={"ready": True}), "en", "Asia/Ho_Chi_Minh")
    assert ready.state == "Your result is ready" and ready.tone == "good"


def test_the_stage_names_are_the_style_sheets() -> None:
    from web.app import STATIC

    css = (STATIC / "app.css").read_text(encoding="utf-8")
    assert ".stage-called" in css and {s.value for s in Stage} >= {"called", "no_show", "ended"}


def test_everything_from_data_is_escaped_in_the_pages() -> None:
    from web.app import Pages, PageSettings

    pages = Pages(PageSettings(site_names={"s": '<b onclick="x()">Trung tâm</b>'}))
    html = pages.render(
        "message.html",
        "vi",
        "s",
        title="</title><script>alert(1)</script>",
        heading="<img src=x onerror=alert(1)>",
        message='"><a href="javascript:alert(1)">',
    )
    assert "<script>alert" not in html and "<img src=x" not in html and "<b onclick" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;b onclick=&#34;x()&#34;&gt;Trung tâm&lt;/b&gt;" in html
    assert 'href="javascript:' not in html
