"""Counter keypads: a key table shared by USB (keyboard) keypads and serial keypads."""

from hw.keypad.keymap import ACTIONS, DEFAULT_KEYMAP, KeyMap
from hw.keypad.serial_keypad import SerialKeypad

__all__ = ["ACTIONS", "DEFAULT_KEYMAP", "KeyMap", "SerialKeypad"]
