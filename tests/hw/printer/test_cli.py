"""`motcua hw render | printers | print-test` from the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from admin.cli import main
from hw.printer.cli import load_printer_configs
from hw.printer.fake_network import FakeNetworkPrinter
from hw.printer.raster import decode


def test_render_writes_the_decoded_png_and_the_bytes(tmp_path: Path) -> None:
    png, raw = tmp_path / "t.png", tmp_path / "t.bin"
    assert main(["hw", "render", "ticket", "--out", str(png), "--escpos", str(raw)]) == 0
    image = Image.open(png)
    assert image.width == 576
    decoded = decode(raw.read_bytes(), 576).preview()
    assert decoded.size == image.size


def test_render_slip_for_a_58mm_printer(tmp_path: Path) -> None:
    png = tmp_path / "s.png"
    assert main(["hw", "render", "slip", "--profile", "58mm", "--out", str(png)]) == 0
    assert Image.open(png).width == 384


def test_print_test_on_the_default_simulator(tmp_path: Path) -> None:
    png = tmp_path / "job.png"
    assert main(["hw", "print-test", "--document", "apology", "--out", str(png)]) == 0
    assert png.read_bytes().startswith(b"\x89PNG")


def test_printers_lists_status_from_a_config_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeNetworkPrinter() as fake:
        config = tmp_path / "site.toml"
        config.write_text(
            "[[printers]]\n"
            'id = "quay-1"\n'
            'driver = "network"\n'
            'host = "127.0.0.1"\n'
            f"port = {fake.port}\n"
            "timeout_s = 0.5\n"
            "[[printers]]\n"
            'id = "kiosk-sim"\n'
            'sim_faults = ["paper_near_end"]\n',
            encoding="utf-8",
        )
        assert main(["hw", "printers", "--config", str(config), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert [(p["printer_id"], p["state"]) for p in payload] == [
        ("quay-1", "ok"),
        ("kiosk-sim", "paper_near_end"),
    ]


def test_print_test_reports_paper_out_with_exit_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "site.toml"
    config.write_text('[[printers]]\nid = "k1"\nsim_faults = ["paper_out"]\n', encoding="utf-8")
    assert main(["hw", "print-test", "--config", str(config), "--printer", "k1"]) == 1
    assert "hết giấy" in capsys.readouterr().out


def test_a_bad_config_names_the_key_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "site.toml"
    config.write_text('[[printers]]\nid = "p1"\ncolour = 1\n', encoding="utf-8")
    assert main(["hw", "printers", "--config", str(config)]) == 2
    assert "printers.0.colour" in capsys.readouterr().err
    config.write_text('[[printers]]\nid = "p1"\ndriver = "network"\n', encoding="utf-8")
    assert main(["hw", "printers", "--config", str(config)]) == 2
    assert "needs host" in capsys.readouterr().err


def test_no_config_means_one_simulated_80mm_printer() -> None:
    (only,) = load_printer_configs(None)
    assert (only.driver, only.profile) == ("sim", "80mm")
