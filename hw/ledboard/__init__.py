"""LED counter number boards (RS-485 / serial): protocol, serial driver, simulator, factory."""

from hw.ledboard.base import LedBoard
from hw.ledboard.config import LedBoardConfig
from hw.ledboard.factory import build_led_board
from hw.ledboard.frame import Frame, checksum, decode_frames, encode_frame
from hw.ledboard.serial_board import SerialLedBoard
from hw.ledboard.sim import SimLedBoard, SimLine

__all__ = [
    "Frame",
    "LedBoard",
    "LedBoardConfig",
    "SerialLedBoard",
    "SimLedBoard",
    "SimLine",
    "build_led_board",
    "checksum",
    "decode_frames",
    "encode_frame",
]
