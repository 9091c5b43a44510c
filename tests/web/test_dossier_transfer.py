"""The dossier page names the branch a result was transferred to as the place to collect it."""

from __future__ import annotations

import pytest

from shared.domain.dossiers import DossierStatus
from shared.messaging.dossier_views import DossierPublic
from tests.helpers.index_entries import view
from web.dossier_page import dossier_page

ZONE = "Asia/Ho_Chi_Minh"


def _ready(status: DossierStatus = DossierStatus.DONE, **changes: object) -> DossierPublic:
    """A dossier received at Chi nhánh hcc-a, done: its result kept at its return counter."""
    return view("000.00.17.H12-261207-0001", status=status, **changes)


def test_a_result_kept_where_received_names_that_branchs_counter() -> None:
    page = dossier_page(_ready(), "vi", ZONE)
    assert page.collect == "Quầy trả kết quả — Chi nhánh hcc-a"


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_result_arrived_at_another_branch_names_only_that_branch(lang: str) -> None:
    sent = _ready(
        result_site_id="hcc-b", result_site_name="Chi nhánh Quận Hai", result_arrived=True
    )
    page = dossier_page(sent, lang, ZONE)
    assert page.collect == "Chi nhánh Quận Hai"  # not the receiving branch's counter


def test_a_result_on_its_way_says_it_cannot_be_collected_yet() -> None:
    sent = _ready(result_site_id="hcc-b", result_site_name="Chi nhánh Quận Hai")
    assert dossier_page(sent, "vi", ZONE).collect == (
        "Chi nhánh Quận Hai (kết quả đang được chuyển đến đó, chưa nhận được ngay)"
    )
    assert dossier_page(sent, "en", ZONE).collect == (
        "Chi nhánh Quận Hai (the result is on its way there and cannot be collected yet)"
    )


def test_a_result_returned_at_the_other_branch_still_names_it_plainly() -> None:
    returned = _ready(
        result_site_id="hcc-b",
        result_site_name="Chi nhánh Quận Hai",
        result_arrived=True,
        status=DossierStatus.RETURNED,
        status_label="Đã trả kết quả",
        ready=False,
    )
    assert dossier_page(returned, "vi", ZONE).collect == "Chi nhánh Quận Hai"


def test_a_branch_without_a_name_is_named_by_its_id() -> None:
    sent = _ready(result_site_id="hcc-b", result_arrived=True)
    assert dossier_page(sent, "vi", ZONE).collect == "hcc-b"
