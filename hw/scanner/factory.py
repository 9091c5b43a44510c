"""Build a scanner source from its config entry (`driver = "sim" | "serial" | …`)."""

from __future__ import annotations

from collections.abc import Sequence

from hw.scanner.base import Clock, PipelineOptions, ScannerBase, ThreadOptions
from hw.scanner.framing import Framing
from shared.config.scanner import ScannerConfig
from shared.domain.codes import DEFAULT_DOSSIER_PATTERN

DEMO_SCRIPT = """\
# Built-in demo: a slip, a ticket, a bare lookup token, then garbage.
]Q1MCD1:000.00.17.H12-250701-0001:K7M2Q9XD
MCT1:hcc-demo:20261123:A012
K7M2Q9XD
@garbage 12
"""


def build_scanner(
    config: ScannerConfig,
    *,
    dossier_pattern: str = DEFAULT_DOSSIER_PATTERN,
    foreign_patterns: Sequence[str] = (),
    clock: Clock | None = None,
) -> ScannerBase:
    """Return the source config describes (not started). Qt and OpenCV load only if needed.

    `foreign_patterns`: the site's `[dossiers] foreign_code_patterns` (other systems' codes).
    """
    common = PipelineOptions(
        repeat_window_s=config.repeat_window_s,
        parse_aim=config.aim_prefix,
        dossier_pattern=dossier_pattern,
        foreign_patterns=tuple(foreign_patterns),
    )
    if clock is not None:
        common["clock"] = clock
    threaded = ThreadOptions(
        **common,
        reconnect_min_s=config.reconnect_min_s,
        reconnect_max_s=config.reconnect_max_s,
    )
    framing = Framing(config.framing)
    if config.driver == "serial":
        from hw.scanner.serial_port import SerialScanner

        return SerialScanner(
            config.id,
            config.port,
            baudrate=config.baudrate,
            parity=config.parity,
            stopbits=config.stopbits,
            framing=framing,
            **threaded,
        )
    if config.driver == "evdev":
        from hw.scanner.evdev import EvdevScanner

        return EvdevScanner(config.id, config.device, grab=config.grab, **threaded)
    if config.driver == "wedge":
        from hw.scanner.wedge import WedgeScanner

        return WedgeScanner(
            config.id,
            min_keys=config.wedge_min_keys,
            max_gap_ms=config.wedge_max_gap_ms,
            **common,
        )
    if config.driver == "camera":
        from hw.scanner.camera import CameraScanner, OpenCvFrameSource
        from hw.scanner.decoders import make_decoder

        source = OpenCvFrameSource(config.camera, config.width, config.height)
        decoder = make_decoder(config.decoder, config.formats)
        return CameraScanner(config.id, source, decoder, **threaded)
    from hw.scanner.simulator import SimScanner

    return SimScanner(
        config.id,
        script=config.script or None,
        interval_s=config.interval_s,
        loop=config.loop,
        listen_port=config.listen_port,
        garbage_rate=config.garbage_rate,
        duplicate_rate=config.duplicate_rate,
        disconnect_rate=config.disconnect_rate,
        seed=config.seed,
        framing=framing,
        **threaded,
    )
