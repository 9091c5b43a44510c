"""Status parsing: every DLE EOT reply an Epson-compatible printer gives."""

from __future__ import annotations

import json

import pytest

from hw.printer.status import (
    PaperLevel,
    PrinterState,
    parse_status,
    status_byte,
)


@pytest.mark.parametrize(
    ("replies", "state", "paper", "cover", "online"),
    [
        ({1: 0x12, 4: 0x12}, PrinterState.OK, PaperLevel.OK, None, True),
        ({1: 0x12, 4: 0x1E}, PrinterState.PAPER_NEAR_END, PaperLevel.NEAR_END, None, True),
        ({1: 0x1A, 2: 0x32, 4: 0x72}, PrinterState.PAPER_OUT, PaperLevel.OUT, False, False),
        ({1: 0x1A, 2: 0x32, 4: 0x7E}, PrinterState.PAPER_OUT, PaperLevel.OUT, False, False),
        ({1: 0x1A, 2: 0x16, 4: 0x12}, PrinterState.COVER_OPEN, PaperLevel.OK, True, False),
        ({1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12}, PrinterState.ERROR, PaperLevel.OK, False, False),
        ({1: 0x1A, 2: 0x12, 3: 0x32, 4: 0x12}, PrinterState.ERROR, PaperLevel.OK, False, False),
        ({1: 0x1A, 2: 0x12, 3: 0x52, 4: 0x12}, PrinterState.ERROR, PaperLevel.OK, False, False),
        ({1: 0x1A, 2: 0x1A, 4: 0x12}, PrinterState.OFFLINE, PaperLevel.OK, False, False),
        ({1: 0x1A, 2: 0x32}, PrinterState.PAPER_OUT, PaperLevel.OUT, False, False),
    ],
)
def test_dle_eot_replies_map_to_states(
    replies: dict[int, int],
    state: PrinterState,
    paper: PaperLevel,
    cover: bool | None,
    online: bool,
) -> None:
    status = parse_status("p", replies)
    assert (status.state, status.paper, status.cover_open, status.online) == (
        state,
        paper,
        cover,
        online,
    )


def test_a_byte_without_the_fixed_bits_is_unknown_not_a_crash() -> None:
    status = parse_status("p", {1: 0xFF, 4: 0x12})
    assert status.state is PrinterState.UNKNOWN
    assert status.can_print  # better to try than to leave the citizen without a ticket


def test_no_replies_is_unknown() -> None:
    assert parse_status("p", {}).state is PrinterState.UNKNOWN


@pytest.mark.parametrize("paper", list(PaperLevel))
def test_simulator_replies_parse_back(paper: PaperLevel) -> None:
    replies = {n: status_byte(n, paper=paper) for n in (1, 2, 3, 4)}
    expected = paper if paper is not PaperLevel.UNKNOWN else PaperLevel.OK
    assert parse_status("p", replies).paper is expected


def test_status_payload_is_plain_json() -> None:
    status = parse_status("kiosk-1", {1: 0x12, 4: 0x1E})
    payload = status.to_payload()
    assert json.loads(json.dumps(payload)) == payload
    assert payload["state"] == "paper_near_end"
    assert payload["message"] == "Máy in sắp hết giấy, cần thay cuộn giấy mới"
    assert payload["can_print"] is True
