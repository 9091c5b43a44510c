"""Site configurations for tests: the shipped demo site, and files pointing at test services."""

from __future__ import annotations

from pathlib import Path

from shared.config.site import SiteConfig, load_site_config
from shared.messaging.paho_bus import BrokerAddress

ROOT = Path(__file__).resolve().parents[2]
DEMO_CONFIG = ROOT / "config" / "demo-site.toml"


def demo_config() -> SiteConfig:
    return load_site_config(DEMO_CONFIG)


def write_site_file(
    directory: Path, broker: BrokerAddress, database_url: str, extra: str = ""
) -> Path:
    """Write a copy of the demo site that uses the given broker and database."""
    directory.mkdir(parents=True, exist_ok=True)
    password_file = directory / "broker-password"
    password_file.write_text(broker.password)
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    text = text.replace('data_dir = "var/demo"', f'data_dir = "{directory / "data"}"')
    text += (
        f'\n[broker]\nhost = "{broker.host}"\nport = {broker.port}\n'
        f'username = "{broker.username}"\npassword_file = "{password_file}"\n'
        f'\n[database]\nurl = "{database_url}"\n{extra}'
    )
    path = directory / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def demo_site_file(folder: Path) -> Path:
    """The demo site file with its data in `folder/data` and no catalogue loaded at start."""
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    text = text.replace('data_dir = "var/demo"', f'data_dir = "{folder / "data"}"')
    text = text.replace('catalogue = "demo-catalogue.csv"', 'catalogue = ""')
    path = folder / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path
