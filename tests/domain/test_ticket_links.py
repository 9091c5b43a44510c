"""Links printed as QR codes for phones: made and read back, tokens unguessable and checked."""

from __future__ import annotations

from datetime import date

import pytest

from shared.config.web import WebConfig
from shared.domain.codes import CodeKind, classify
from shared.domain.ticket_links import (
    DossierLink,
    TicketLink,
    TicketLinks,
    dossier_url,
    parse_link,
    ticket_token,
)

KEY = bytes(range(32))
DAY = date(2026, 12, 7)
LINKS = TicketLinks("https://hcc.khanhhoa.gov.vn/motcua", KEY)


def test_a_ticket_link_reads_back_and_its_token_checks() -> None:
    url = LINKS.ticket("hcc-demo", DAY, "A012")
    assert url.startswith("https://hcc.khanhhoa.gov.vn/motcua/t/hcc-demo/20261207/A012/")
    link = parse_link(url)
    assert isinstance(link, TicketLink)
    assert (link.site_id, link.service_day, link.number) == ("hcc-demo", DAY, "A012")
    assert LINKS.token_ok("hcc-demo", DAY, "A012", link.token)


@pytest.mark.parametrize("site", ["hcc_q1", "a", "x" * 40])
def test_every_valid_site_id_makes_a_link_that_reads_back(site: str) -> None:
    link = parse_link(LINKS.ticket(site, DAY, "B007"))
    assert isinstance(link, TicketLink) and link.site_id == site
    assert classify(f"MCT1:{site}:20261207:B007").kind is CodeKind.TICKET


def test_tokens_differ_by_ticket_day_site_and_key() -> None:
    token = ticket_token(KEY, "hcc-demo", DAY, "A012")
    others = {
        ticket_token(KEY, "hcc-demo", DAY, "A013"),
        ticket_token(KEY, "hcc-demo", date(2026, 12, 8), "A012"),
        ticket_token(KEY, "hcc-khac", DAY, "A012"),
        ticket_token(bytes(32), "hcc-demo", DAY, "A012"),
    }
    assert token not in others and len(others) == 4
    assert not LINKS.token_ok("hcc-demo", DAY, "A013", token)
    assert "key" not in repr(LINKS) and str(KEY) not in repr(LINKS)


def test_a_slip_link_reads_back_and_kiosks_read_both_kinds() -> None:
    url = dossier_url("https://hcc.example.vn", "000.00.17.H99-261207-0001", "ABCD2345")
    assert parse_link(url) == DossierLink("000.00.17.H99-261207-0001", "ABCD2345")
    slip = classify(url)
    assert slip.kind is CodeKind.DOSSIER and slip.lookup_token == "ABCD2345"
    assert slip.dossier_code == "000.00.17.H99-261207-0001"
    ticket = classify(LINKS.ticket("hcc-demo", DAY, "A012"))
    assert ticket.kind is CodeKind.TICKET and ticket.number == "A012"
    assert classify("MCT1:hcc-demo:20261207:A012").kind is CodeKind.TICKET  # old tickets


@pytest.mark.parametrize(
    "text",
    [
        "https://x.vn/t/hcc-demo/20261207/A012/short",
        "https://x.vn/t/hcc-demo/20261399/A012/" + "a" * 20,
        "https://x.vn/t/hcc-demo/20261207/A012/" + "a" * 20 + "/more",
        "https://x.vn/d/000.00.17.H99-261207-0001/abc",
        "ftp://x.vn/t/hcc-demo/20261207/A012/" + "a" * 20,
        "javascript:alert(1)",
    ],
)
def test_anything_else_is_no_link(text: str) -> None:
    assert parse_link(text) is None


def test_public_url_must_be_a_plain_http_address() -> None:
    assert WebConfig(public_url="https://hcc.example.vn/motcua/").public_url.endswith("/motcua")
    for bad in ("hcc.example.vn", "https://x.vn/?a=1", "javascript:alert(1)"):
        with pytest.raises(ValueError):
            WebConfig(public_url=bad)
