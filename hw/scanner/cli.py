"""`motcua hw scan` and `motcua hw decode`: test a reader with one command, decode images."""

from __future__ import annotations

import argparse
import queue
import sys
import time
from pathlib import Path
from typing import Any

from hw.scanner.base import ScannerBase
from hw.scanner.events import STATE_TEXT, ConnectionState, ScanEvent
from shared.cli_text import say
from shared.config.scanner import ScannerConfig, load_scanner_configs
from shared.domain.codes import CodeKind, classify, clean_scan

SIM_PORT = 9555


def register(subparsers: Any) -> None:
    """Add the scanner tools to `motcua hw`."""
    scan = subparsers.add_parser(
        "scan",
        help="đọc mã từ đầu đọc và in ra từng lần quét",
        description="Print each scan as it arrives. NAME is a scanner id from --config, or "
        "sim, sim:SCRIPT, serial:PORT, evdev:DEVICE, camera:INDEX, wedge (this terminal).",
    )
    scan.add_argument("--source", metavar="NAME", help="which reader (default: all / simulator)")
    scan.add_argument("--config", metavar="FILE", type=Path, help="TOML file with [[scanners]]")
    scan.add_argument("--count", type=int, default=0, help="stop after this many scans")
    scan.add_argument("--seconds", type=float, default=0, help="stop after this many seconds")
    scan.set_defaults(handler=run_scan)
    decode = subparsers.add_parser(
        "decode",
        help="giải mã QR/Code128 trong ảnh",
        description="Print 'FILE<TAB>TEXT' per image (nothing after the tab if no code).",
    )
    decode.add_argument("images", nargs="+", metavar="IMAGE", type=Path)
    decode.add_argument("--decoder", choices=("zxing", "pyzbar"), default="zxing")
    decode.set_defaults(handler=run_decode)


def source_configs(source: str | None, config_file: Path | None) -> list[ScannerConfig]:
    """Return the scanner configs to open for --source/--config (simulator by default)."""
    configs = load_scanner_configs(config_file) if config_file else []
    if source is None:
        return configs or [ScannerConfig(id="sim", listen_port=SIM_PORT)]
    chosen = [c for c in configs if c.id == source]
    if chosen:
        return chosen
    driver, _, target = source.partition(":")
    fields: dict[str, dict[str, Any]] = {
        "sim": {"script": target, "listen_port": None if target else SIM_PORT},
        "serial": {"port": target},
        "evdev": {"device": target},
        "camera": {"camera": int(target) if target.isdigit() else target or 0},
        "wedge": {},
    }
    if driver not in fields:
        raise ValueError(f"không có đầu đọc '{source}' (source not found)")
    return [ScannerConfig(id=source, driver=driver, **fields[driver])]


def _open(config: ScannerConfig) -> ScannerBase:
    if config.driver == "wedge":  # no Qt window here: read the terminal the scanner types into
        from hw.scanner.terminal import TerminalWedgeScanner

        return TerminalWedgeScanner(
            config.id, min_keys=config.wedge_min_keys, max_gap_ms=config.wedge_max_gap_ms
        )
    from hw.scanner.factory import DEMO_SCRIPT, build_scanner

    scanner = build_scanner(config)
    if config.driver == "sim" and not config.script:
        from hw.scanner.simulator import SimScanner, parse_script

        assert isinstance(scanner, SimScanner)
        scanner.steps = parse_script(DEMO_SCRIPT)
    return scanner


def format_scan(event: ScanEvent) -> str:
    """Return one printed line for a scan: time, source, symbology, meaning, text."""
    stamp = event.time.astimezone().strftime("%H:%M:%S.%f")[:-3]
    return "\t".join([stamp, event.source, event.symbology or "-", event.message, event.text])


def run_scan(args: argparse.Namespace) -> int:
    """Open the chosen readers and print each scan until Ctrl-C, --count or --seconds."""
    try:
        configs = source_configs(args.source, args.config)
        if not configs:
            raise ValueError(f"{args.config}: không có [[scanners]] nào")
        scanners = [_open(config) for config in configs]
    except ValueError as exc:
        print(f"motcua hw scan: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"motcua hw scan: {exc}", file=sys.stderr)
        return 1
    events: queue.Queue[ScanEvent] = queue.Queue()
    for scanner in scanners:
        scanner.add_scan_listener(events.put)
        scanner.add_state_listener(_state_printer(scanner))
        scanner.start()
        address = getattr(scanner, "address", None)
        if address:
            print(f"{scanner.id}: nhận mã gõ vào cổng {address[0]}:{address[1]}", file=sys.stderr)
    deadline = time.monotonic() + args.seconds if args.seconds else None
    seen = 0
    try:
        while not args.count or seen < args.count:
            if deadline is not None and time.monotonic() >= deadline:
                break
            try:
                event = events.get(timeout=0.1)
            except queue.Empty:
                continue
            print(format_scan(event), flush=True)
            seen += 1
    except KeyboardInterrupt:
        pass
    finally:
        for scanner in scanners:
            scanner.stop()
    return 0


def _state_printer(scanner: ScannerBase) -> Any:
    def show(state: ConnectionState) -> None:
        detail = getattr(scanner, "last_error", "")
        extra = f" ({detail})" if state is ConnectionState.DISCONNECTED and detail else ""
        print(f"{scanner.id}: {STATE_TEXT[state]}{extra}", file=sys.stderr, flush=True)

    return show


def _image_bytes(path: Path) -> bytes:
    """Read an image file, raising ValueError with a message for the user."""
    if path.is_dir():
        raise ValueError(say(f"{path} là một thư mục", f"{path} is a folder"))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ValueError(say(f"không có tệp {path}", f"no file {path}")) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        message = say(f"không đọc được {path}: {reason}", f"cannot read {path}: {reason}")
        raise ValueError(message) from None
    if not data:
        raise ValueError(say(f"{path} là tệp rỗng", f"{path} is empty"))
    return data


def run_decode(args: argparse.Namespace) -> int:
    """Print 'FILE<TAB>TEXT' for each image; exit 1 if an image could not be read."""
    import cv2
    import numpy as np

    from hw.scanner.decoders import make_decoder

    # Our own messages say what went wrong with a file; OpenCV's warnings would only repeat it.
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_ERROR)
    fast = make_decoder(args.decoder)
    plain = make_decoder(args.decoder, prefilter_sigma=0)
    status = 0
    for path in args.images:
        text = ""
        try:
            data = _image_bytes(path)
            loaded = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE)
            if loaded is None:
                raise ValueError(
                    say(f"{path} không phải tệp ảnh đọc được", f"{path} is not a readable image")
                )
        except (ValueError, cv2.error) as exc:
            print(f"motcua hw decode: {exc}", file=sys.stderr)
            status = 1
        else:
            image = np.asarray(loaded, dtype=np.uint8)
            found = fast.decode(image) or plain.decode(image)  # a still may be sharp already
            text = clean_scan(found[0].text) if found else ""
            code = classify(text)
            if code.kind is CodeKind.CITIZEN_ID:
                text = code.text  # the masked number only: never print an ID card's payload
        print(f"{path}\t{text}", flush=True)
    return status
