"""Build the LED board driver a config asks for."""

from __future__ import annotations

from collections.abc import Mapping

from hw.ledboard.base import LedBoard
from hw.ledboard.config import LedBoardConfig


def label_addresses(config: LedBoardConfig, counter_labels: Mapping[str, str]) -> dict[str, int]:
    """Turn the config's counter id → address map into label → address (ids not known stay)."""
    return {counter_labels.get(cid, cid): address for cid, address in config.addresses.items()}


def build_led_board(
    config: LedBoardConfig, counter_labels: Mapping[str, str] | None = None
) -> LedBoard:
    """Return the driver (serial or simulator); `counter_labels` maps counter id → label."""
    addresses = label_addresses(config, counter_labels or {})
    if config.driver == "serial":
        from hw.ledboard.serial_board import SerialLedBoard

        return SerialLedBoard(
            config.port,
            baudrate=config.baudrate,
            width=config.width,
            addresses=addresses,
            write_timeout_s=config.write_timeout_s,
        )
    from hw.ledboard.sim import SimLedBoard

    return SimLedBoard(width=config.width, addresses=addresses)
