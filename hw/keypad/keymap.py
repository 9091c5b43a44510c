"""Which key does what at a counter: one table for the keyboard, USB keypads and serial keypads."""

from __future__ import annotations

from collections.abc import Mapping

# Every action a key may trigger; the counter console knows how to perform each one.
ACTIONS: tuple[str, ...] = (
    "call_next",
    "recall",
    "start_serving",
    "no_show",
    "call_number",
    "transfer",
    "hold",
    "resume",
    "finish",
    "pause",
    "dossier",
    "return_dossier",
    "serving",
    "supervisor",
    "lock",
)

# Key names follow Qt's (QKeySequence text) so a USB keypad, being a keyboard, needs no driver;
# a serial keypad sends the same names, one per line ("F1\r\n", "Num++\r\n").
DEFAULT_KEYMAP: dict[str, str] = {
    "F1": "call_next",
    "F2": "recall",
    "F3": "start_serving",
    "F4": "no_show",
    "F5": "call_number",
    "F6": "transfer",
    "F7": "hold",
    "F8": "resume",
    "F9": "finish",
    "F10": "pause",
    "F11": "dossier",
    "F12": "return_dossier",
    "Esc": "serving",
    "Ctrl+G": "supervisor",
    "Ctrl+L": "lock",
    # A numeric keypad: big keys for the actions of every citizen.
    "Num++": "call_next",
    "Num+-": "recall",
    "Num+*": "no_show",
    "Num+/": "hold",
    "Num+Enter": "finish",
}


class KeyMap:
    """A validated key → action table."""

    def __init__(self, table: Mapping[str, str] | None = None) -> None:
        entries = dict(DEFAULT_KEYMAP if table is None else table)
        unknown = sorted({a for a in entries.values() if a not in ACTIONS})
        if unknown:
            raise ValueError(f"unknown keypad action(s): {', '.join(unknown)}")
        self._entries = entries
        self._table = {self.normalise(key): action for key, action in entries.items()}

    @staticmethod
    def normalise(key: str) -> str:
        """Compare key names without case or surrounding spaces ("f1 " == "F1")."""
        return key.strip().casefold()

    def action_for(self, key: str) -> str | None:
        """Return the action of a key name, or None when the key does nothing."""
        return self._table.get(self.normalise(key))

    def keys_for(self, action: str) -> list[str]:
        """Return the key names bound to an action, in table order, as the table spells them."""
        return [k for k, a in self._entries.items() if a == action]

    def items(self) -> list[tuple[str, str]]:
        """Return the (key, action) pairs as the table spells them (e.g. 'F1', 'Ctrl+L')."""
        return list(self._entries.items())
