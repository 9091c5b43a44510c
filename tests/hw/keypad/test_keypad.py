"""A serial keypad through pyserial's loop:// port: key names in, counter actions out."""

from __future__ import annotations

import queue

import pytest

from hw.keypad import DEFAULT_KEYMAP, KeyMap, SerialKeypad


def test_key_names_map_to_actions_without_case_or_spaces() -> None:
    keymap = KeyMap()
    assert keymap.action_for("F1") == "call_next"
    assert keymap.action_for(" f9 ") == "finish"
    assert keymap.action_for("Num++") == "call_next"
    assert keymap.action_for("X") is None
    assert keymap.keys_for("call_next") == ["F1", "Num++"]


def test_a_table_naming_an_unknown_action_is_refused() -> None:
    with pytest.raises(ValueError, match="fly"):
        KeyMap({**DEFAULT_KEYMAP, "F1": "fly"})


def test_lines_split_across_reads_and_garbage_are_handled() -> None:
    keypad = SerialKeypad("loop://", lambda action: None)
    buffer = bytearray()
    assert keypad.feed(buffer, b"F") == []
    assert keypad.feed(buffer, b"1\r\nF9\n\n") == ["call_next", "finish"]
    assert keypad.feed(buffer, b"\xff" * 100 + b"\r\nNOPE\r\nF2\r") == ["recall"]


def test_keys_sent_on_a_loop_port_arrive_as_actions_in_order() -> None:
    received: queue.Queue[str] = queue.Queue()
    keypad = SerialKeypad("loop://", received.put, keymap=KeyMap({"1": "call_next", "9": "finish"}))
    keypad.start()
    try:
        assert keypad.wait_open(5)
        keypad.write(b"1\r\n9\r\n5\r\n1\r\n")
        got = [received.get(timeout=5) for _ in range(3)]
        assert got == ["call_next", "finish", "call_next"]
    finally:
        keypad.stop()
