"""Accessibility (WCAG 2.2 AA) and weight of the pages, checked in a real browser and on the CSS."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.helpers.appointments import Phones
from tests.web.booking_steps import SITE, ask_code, book, citizen
from tests.web.conftest import Hall
from tests.web.served import ServedWeb
from web.app import STATIC

pytestmark = pytest.mark.integration
FIRST_LOAD_LIMIT = 100 * 1024
# Text and its background, as the style sheet pairs them (variables of :root).
TEXT_PAIRS = [
    ("ink", "paper"),
    ("ink", "panel"),
    ("muted", "paper"),
    ("muted", "panel"),
    ("accent", "paper"),
    ("accent-ink", "accent"),
    ("called-ink", "called"),
    ("late-ink", "late"),
    ("late", "paper"),
    ("accent", "panel"),
    ("late", "panel"),
]
# Borders that show where a control or a box is (1.4.11: 3:1 against what is beside them).
EDGE_PAIRS = [
    ("line", "paper"),
    ("accent", "paper"),
    ("late", "panel"),
    ("called", "panel"),
    ("late", "paper"),
]


def palette() -> dict[str, str]:
    """The colour variables of the style sheet."""
    css = (STATIC / "app.css").read_text(encoding="utf-8")
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.x) of #rrggbb."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """Contrast ratio of two colours."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_palette_meets_aa_contrast() -> None:
    colours = palette()
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    for text, background in TEXT_PAIRS:
        ratio = contrast(colours[text], colours[background])
        assert ratio >= 4.5, (text, background, round(ratio, 2))
    for edge, background in EDGE_PAIRS:
        assert contrast(colours[edge], colours[background]) >= 3.0, (edge, background)


def common_rules(page: Any, lang: str) -> None:
    """What every page must have: its language, named controls, images with text, no overflow."""
    assert page.get_attribute("html", "lang") == lang
    assert page.title()
    assert page.locator("h1").count() == 1
    assert page.evaluate("[...document.images].every(i => i.hasAttribute('alt'))")
    unnamed = page.evaluate(
        "[...document.querySelectorAll('a, button')].filter(e => !e.textContent.trim()).length"
    )
    assert unnamed == 0
    assert page.get_attribute("meta[name=viewport]", "content").find("user-scalable") < 0


def no_sideways_scroll(page: Any) -> bool:
    """Whether the page fits its width (reflow: nothing to scroll sideways)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_the_ticket_page_is_usable_with_a_screen_reader_and_zoom(
    hall: Hall, web: ServedWeb, page: Any
) -> None:
    hall.issue()
    link = hall.issue()
    sizes: dict[str, int] = {}

    def record(response: Any) -> None:
        if "event-stream" not in response.headers.get("content-type", ""):
            sizes[response.url] = len(response.body())

    page.on("response", record)
    page.goto(link)
    page.wait_for_load_state("load")
    page.wait_for_function("document.getElementById('connection').className === 'connection'")
    page.remove_listener("response", record)
    assert 0 < sum(sizes.values()) <= FIRST_LOAD_LIMIT, sizes
    assert len(sizes) == 3  # the page, its style sheet, its script: nothing from elsewhere
    common_rules(page, "vi")
    status = page.locator("#status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.get_attribute("role") == "status"
    assert page.locator("[role=alert]").count() == 1
    tree = page.locator("body").aria_snapshot()
    assert "heading" in tree and "A002" in tree
    assert 'button "Bật chuông báo khi đến lượt"' in tree
    assert "Còn 1 người trước bạn" in tree
    assert 'link "English"' in tree
    for width in (320, 195):  # WCAG reflow width; a 390-px phone at 200 % zoom
        page.set_viewport_size({"width": width, "height": 700})
        assert no_sideways_scroll(page), width
        assert page.locator("#number").is_visible()
    page.goto(link + "?lang=en")
    common_rules(page, "en")
    assert page.get_attribute("a[hreflang=vi]", "lang") == "vi"


def test_the_message_pages_follow_the_same_rules(hall: Hall, web: ServedWeb, page: Any) -> None:
    for url, lang in ((f"{hall.public_url}/", "vi"), (f"{hall.public_url}/x?lang=en", "en")):
        page.goto(url)
        common_rules(page, lang)
        page.set_viewport_size({"width": 320, "height": 700})
        assert no_sideways_scroll(page)


def test_the_booking_pages_are_small_scriptless_and_usable_with_a_screen_reader(
    hall: Hall, phones: Phones, web: ServedWeb, page: Any
) -> None:
    link = book(hall, phones, headers=citizen("203.0.113.1"))
    phone_page = str(ask_code(hall, phone="0212345678").url)  # (refused: a landline)
    pages = [
        f"{hall.public_url}/book/{SITE}",
        f"{hall.public_url}/book/{SITE}/can-cuoc",
        phone_page,
        link,
        f"{link}/cancel",
        f"{link}/change",
    ]
    for url in pages:
        for lang in ("vi", "en"):
            page.goto(url + ("&" if "?" in url else "?") + f"lang={lang}")
            loaded = page.evaluate(
                "[...performance.getEntriesByType('navigation'),"
                " ...performance.getEntriesByType('resource')]"
                ".map(e => [e.name, e.encodedBodySize])"
            )
            files = [name.split("?")[0].rsplit("/", 1)[-1] for name, _ in loaded[1:]]
            assert files == ["app.css", "book.css"], url  # no script, nothing from elsewhere
            assert 0 < sum(size for _, size in loaded) <= FIRST_LOAD_LIMIT, loaded
            common_rules(page, lang)
            labelled = page.evaluate(
                "[...document.querySelectorAll('input:not([type=hidden])')]"
                ".every(i => i.labels.length === 1)"
            )
            assert labelled, url
            page.set_viewport_size({"width": 320, "height": 700})
            assert no_sideways_scroll(page), url
            page.set_viewport_size({"width": 390, "height": 844})
    page.goto(link)
    tree = page.locator("main").aria_snapshot()
    assert 'img "Mã QR của lịch hẹn' in tree
    assert 'link "Đổi giờ hẹn"' in tree and 'link "Hủy lịch hẹn"' in tree
    page.goto(phone_page)
    page.fill("#phone", "0212345678")
    with page.expect_navigation():
        page.click("button[type=submit]")
    common_rules(page, "vi")
    assert page.title().startswith("Lỗi: Số điện thoại chưa đúng")
    assert page.locator("[role=alert]").count() == 1
    assert page.get_attribute("#phone", "aria-invalid") == "true"
    assert "error" in page.get_attribute("#phone", "aria-describedby")
