"""The domain core imports no Qt, MQTT, database, serial or printer library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FORBIDDEN = ["PySide6", "paho", "sqlalchemy", "serial", "escpos", "pydantic", "cv2"]


def test_domain_modules_import_only_the_standard_library_and_holidays() -> None:
    domain = Path(__file__).resolve().parents[2] / "shared" / "domain"
    modules = [f"shared.domain.{p.stem}" for p in domain.glob("*.py") if p.stem != "__init__"]
    assert len(modules) >= 6
    script = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}]\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
