"""Every message round-trips; anything that is not a valid command is refused with a typed error."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from shared.messaging import commands as c
from shared.messaging.bus import topic_matches
from shared.messaging.codec import MAX_PAYLOAD_BYTES, ProtocolError, decode_command, encode
from shared.messaging.replies import ErrorCode, Reply, TicketInfo
from shared.messaging.states import (
    BoardCall,
    BoardCounter,
    BoardState,
    CounterStateMessage,
    DeviceStatus,
    QueuesState,
    ServiceWaiting,
    TicketEventMessage,
)
from shared.messaging.topics import Topics

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SAMPLES: list[c.Command] = [
    c.IssueTicket(request_id="r1", service="ho-tich", priority="elderly"),
    c.VoidTicket(request_id="r2", number="A001", reason="máy in hết giấy"),
    c.TicketStatus(request_id="r3", number="A001"),
    c.TicketCitizen(request_id="r3c", number="A001"),
    c.OpenCounter(request_id="r4", officer_id="cb01"),
    c.CloseCounter(request_id="r5"),
    c.PauseCounter(request_id="r6", reason="họp"),
    c.UnpauseCounter(request_id="r7"),
    c.CallNext(request_id="r8"),
    c.CallNumber(request_id="r9", number="B017"),
    c.Recall(request_id="r10"),
    c.StartServing(request_id="r11"),
    c.Finish(request_id="r12"),
    c.NoShow(request_id="r13"),
    c.Transfer(request_id="r14", to_service="chung-thuc", to_counter="q02", front=True, note="x"),
    c.Hold(request_id="r15", reason="đi photo"),
    c.Resume(request_id="r16", number="A001"),
]


def test_every_command_type_has_a_sample() -> None:
    assert {type(s) for s in SAMPLES} == set(c.COMMAND_TYPES.values())


@pytest.mark.parametrize("command", SAMPLES, ids=lambda s: type(s).__name__)
def test_command_round_trips(command: c.Command) -> None:
    verb = type(command).model_fields["type"].default
    assert decode_command(encode(command), verb) == command


def test_states_and_replies_round_trip() -> None:
    info = TicketInfo(
        number="A001",
        service="ho-tich",
        service_name="Hộ tịch",
        state="waiting",
        issued_at=NOW,
        service_day="2026-11-23",
    )
    messages = [
        Reply.success("r1", {"ticket": info.model_dump(mode="json")}),
        Reply.failure("r2", ErrorCode.QUEUE_EMPTY, "Không có công dân nào đang chờ."),
        TicketEventMessage(kind="called", number="A001", service="ho-tich", at=NOW),
        BoardState(
            zone="z",
            zone_name="Tầng 1",
            site_name="HCC",
            counters=[BoardCounter(counter="q01", label="1", number="A001", status="open")],
            recent_calls=[BoardCall(number="A001", counter="q01", label="1", at=NOW)],
            updated_at=NOW,
        ),
        QueuesState(services=[ServiceWaiting(service="s", name="S", waiting=2)], updated_at=NOW),
        CounterStateMessage(counter="q01", label="1", status="open", current=info, updated_at=NOW),
        DeviceStatus(client_id="kiosk-1", role="kiosk", state="online", detail={"paper": "ok"}),
    ]
    for message in messages:
        assert type(message).model_validate_json(encode(message)) == message


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        (b"{not json", ErrorCode.MALFORMED),
        (b"\xff\xfe", ErrorCode.MALFORMED),
        (b"[1, 2]", ErrorCode.MALFORMED),
        (b'{"type": "launch_rocket", "request_id": "x"}', ErrorCode.UNKNOWN_TYPE),
        (b'{"request_id": "x"}', ErrorCode.UNKNOWN_TYPE),
        (b'{"type": "call_next", "request_id": "x", "v": 9}', ErrorCode.UNSUPPORTED_VERSION),
        (b'{"type": "call_next"}', ErrorCode.INVALID_MESSAGE),
        (b'{"type": "call_next", "request_id": "x", "extra": 1}', ErrorCode.INVALID_MESSAGE),
        (b'{"type": "call_number", "request_id": "x", "number": 5}', ErrorCode.INVALID_MESSAGE),
        (b'{"type": "call_number", "request_id": "x", "number": "A-1"}', ErrorCode.INVALID_MESSAGE),
        (
            b'{"type": "issue_ticket", "request_id": "x", "service": "A B"}',
            ErrorCode.INVALID_MESSAGE,
        ),
        (b'{"type": "recall", "request_id": "bad id with spaces"}', ErrorCode.INVALID_MESSAGE),
    ],
)
def test_bad_payloads_get_typed_errors(payload: bytes, code: ErrorCode) -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_command(payload)
    assert caught.value.code is code
    assert caught.value.message


def test_oversized_payload_is_refused_before_parsing() -> None:
    payload = json.dumps({"type": "recall", "request_id": "x", "pad": "x" * MAX_PAYLOAD_BYTES})
    with pytest.raises(ProtocolError) as caught:
        decode_command(payload.encode())
    assert caught.value.code is ErrorCode.PAYLOAD_TOO_LARGE


def test_command_on_the_wrong_topic_is_refused_and_keeps_its_request_id() -> None:
    with pytest.raises(ProtocolError) as caught:
        decode_command(encode(c.CallNext(request_id="abc")), "issue_ticket")
    assert caught.value.code is ErrorCode.WRONG_TOPIC
    assert caught.value.request_id == "abc"


def test_topics_are_built_and_parsed_in_one_place() -> None:
    topics = Topics("hcc-demo")
    topic = topics.command("call_next", "q05")
    assert topic == "motcua/v1/hcc-demo/cmd/call_next/q05"
    parsed = topics.parse_command(topic)
    assert parsed is not None and (parsed.verb, parsed.device) == ("call_next", "q05")
    assert topic_matches(topics.commands(), topic)
    assert topics.parse_command("motcua/v1/hcc-demo/cmd/call_next") is None
    assert topics.parse_command("motcua/v1/other/cmd/call_next/q05") is None
    assert topic_matches("a/#", "a/b/c") and not topic_matches("a/+", "a/b/c")
