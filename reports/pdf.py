"""A PDF of the HTML report, when Chromium or LibreOffice is installed (skipped otherwise)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

_CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
_LIBREOFFICE = ("libreoffice", "soffice")


def find_converter() -> tuple[str, str] | None:
    """Return (kind, program) of the first converter on PATH, or None."""
    for name in _CHROMIUM:
        if path := shutil.which(name):
            return "chromium", path
    for name in _LIBREOFFICE:
        if path := shutil.which(name):
            return "libreoffice", path
    return None


def write_pdf(html: Path, pdf: Path, timeout: float = 120) -> str:
    """Convert the HTML file to `pdf`; return a Vietnamese sentence saying what happened."""
    converter = find_converter()
    if converter is None:
        return "Không tạo PDF: máy chưa cài chromium hoặc libreoffice (in trang HTML ra PDF)."
    kind, program = converter
    if kind == "chromium":
        command = [
            program,
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            f"--print-to-pdf={pdf}",
            "--no-pdf-header-footer",
            html.resolve().as_uri(),
        ]
    else:
        command = [
            program,
            "--headless",
            "--convert-to",
            "pdf:writer_web_pdf_Export",
            "--outdir",
            str(pdf.parent),
            str(html),
        ]
    try:
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError) as exc:
        return f"Không tạo được PDF bằng {kind}: {exc}"
    produced = pdf.parent / (html.stem + ".pdf")
    if kind == "libreoffice" and produced != pdf and produced.exists():
        produced.replace(pdf)
    return f"Đã tạo PDF bằng {kind}: {pdf.name}" if pdf.exists() else "Không tạo được PDF."
