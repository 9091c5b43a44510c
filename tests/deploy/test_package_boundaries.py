"""Package boundaries: the writer imports no tooling, the device drivers no message models."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers.sites import ROOT


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth (also inside functions and TYPE_CHECKING)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def offenders(package: str, forbidden: str) -> dict[str, list[str]]:
    """The files of `package` that import `forbidden` (or anything under it)."""
    bad: dict[str, list[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        hits = sorted(
            m for m in imported_modules(path) if m == forbidden or m.startswith(f"{forbidden}.")
        )
        if hits:
            bad[str(path.relative_to(ROOT))] = hits
    return bad


def test_the_checker_sees_imports_in_every_form(tmp_path: Path) -> None:
    source = tmp_path / "sample.py"
    source.write_text(
        "import admin.cli\n"
        "from shared.messaging import states\n"
        "def later() -> None:\n"
        "    from admin import demo\n",
        encoding="utf-8",
    )
    assert {"admin.cli", "shared.messaging", "shared.messaging.states", "admin"} <= (
        imported_modules(source)
    )


def test_the_queue_server_imports_nothing_of_the_admin_tools() -> None:
    assert (ROOT / "server" / "main.py").is_file()
    assert offenders("server", "admin") == {}


def test_the_device_drivers_import_no_message_models() -> None:
    assert (ROOT / "hw" / "printer" / "status.py").is_file()
    assert offenders("hw", "shared.messaging") == {}


def test_the_web_pages_hold_no_database_and_no_other_process() -> None:
    """`motcua web` acts only through server commands: no storage, no server, no Qt."""
    assert (ROOT / "web" / "main.py").is_file()
    for forbidden in ("server", "admin", "kiosk", "shared.storage", "sqlalchemy", "PySide6"):
        assert offenders("web", forbidden) == {}, forbidden
