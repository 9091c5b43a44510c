from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np
import pytest
from pydantic import ValidationError

from hw.scanner import cli
from hw.scanner.synthetic import LEVELS, qr_symbol, render_frame
from shared.config.scanner import ScannerConfig, load_scanner_configs

RESOURCES = Path(__file__).parents[2] / "resources" / "scanner"
SLIP = "MCD1:000.00.17.H12-250701-0001:K7M2Q9XD"


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser()
    cli.register(root.add_subparsers(dest="tool", required=True))
    return root


def test_decode_prints_file_tab_text_per_image(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    frame = render_frame(qr_symbol(SLIP), LEVELS["moderate"], np.random.default_rng(1))
    cv2.imwrite(str(tmp_path / "slip.png"), frame)
    cv2.imwrite(str(tmp_path / "blank.jpg"), np.full((100, 100), 255, np.uint8))
    (tmp_path / "broken.png").write_bytes(b"not an image")
    names = [tmp_path / n for n in ("slip.png", "blank.jpg", "broken.png")]
    args = parser().parse_args(["decode", *map(str, names)])
    assert args.handler(args) == 1  # one file could not be read
    out = capsys.readouterr()
    assert out.out.splitlines() == [f"{names[0]}\t{SLIP}", f"{names[1]}\t", f"{names[2]}\t"]
    assert "broken.png" in out.err


def test_scan_prints_scans_from_a_configured_simulator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "site.toml"
    config.write_text(
        f'[[scanners]]\nid = "kiosk-sim"\nscript = "{RESOURCES / "demo.scan"}"\n'
        "interval_s = 0\nreconnect_min_s = 0.01\n",
        encoding="utf-8",
    )
    args = parser().parse_args(["scan", "--config", str(config), "--count", "4"])
    assert args.handler(args) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [line[1:4] for line in lines] == [
        ["kiosk-sim", "qr", "hồ sơ"],
        ["kiosk-sim", "-", "Không nhận ra mã"],
        ["kiosk-sim", "-", "vé"],
        ["kiosk-sim", "code128", "mã tra cứu"],
    ]
    assert lines[0][4] == SLIP


def test_scan_reports_an_unknown_source(capsys: pytest.CaptureFixture[str]) -> None:
    args = parser().parse_args(["scan", "--source", "telepathy"])
    assert args.handler(args) == 2
    assert "telepathy" in capsys.readouterr().err


def test_source_shortcuts_and_example_config() -> None:
    (serial_cfg,) = cli.source_configs("serial:/dev/ttyACM0", None)
    assert (serial_cfg.driver, serial_cfg.port) == ("serial", "/dev/ttyACM0")
    (default,) = cli.source_configs(None, None)
    assert default.driver == "sim" and default.listen_port == cli.SIM_PORT
    configs = load_scanner_configs(RESOURCES / "scanners.toml")
    assert [c.driver for c in configs] == ["sim", "serial", "wedge", "camera"]
    (chosen,) = cli.source_configs("counter-3-serial", RESOURCES / "scanners.toml")
    assert chosen.framing == "crlf"


def test_config_rejects_unknown_keys_and_missing_port() -> None:
    with pytest.raises(ValidationError, match="baud_rate"):
        ScannerConfig(id="x", driver="serial", port="/dev/ttyS0", baud_rate=9600)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="needs 'port'"):
        ScannerConfig(id="x", driver="serial")


def test_every_config_field_is_documented() -> None:
    assert all(field.description for field in ScannerConfig.model_fields.values())
