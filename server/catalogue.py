"""The procedure catalogue the site file names, loaded by the queue server at every start."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from shared.catalogue import CatalogueError, read_catalogue
from shared.config.site import SiteConfig
from shared.domain.procedures import Procedure
from shared.storage.catalogue import CatalogueRepository, ImportCounts

log = logging.getLogger("motcua.catalogue")


def catalogue_path(config: SiteConfig, config_file: Path) -> Path | None:
    """Return the `[dossiers] catalogue` file, relative to the site file's folder, or None."""
    name = config.dossiers.catalogue.strip()
    if not name:
        return None
    path = Path(name).expanduser()
    return path if path.is_absolute() else Path(config_file).parent / path


def load_catalogue_at_start(
    sessions: sessionmaker[Session], config: SiteConfig, config_file: Path, at: datetime
) -> ImportCounts | None:
    """Import the configured catalogue (idempotent); None when none is configured.

    Raises CatalogueError when the file is missing or has bad rows; nothing is imported then.
    """
    path = catalogue_path(config, config_file)
    if path is None:
        return None
    if not path.is_file():
        raise CatalogueError(
            str(path), ["không tìm thấy tệp danh mục thủ tục khai báo ở [dossiers] catalogue."]
        )
    counts = import_procedures(sessions, config, read_catalogue(path, config), at)
    log.info("procedure catalogue %s: %s", path, counts.summary())
    return counts


def import_procedures(
    sessions: sessionmaker[Session], config: SiteConfig, procedures: list[Procedure], at: datetime
) -> ImportCounts:
    """Replace the site's catalogue with `procedures` in one transaction."""
    with sessions.begin() as session:
        return CatalogueRepository(session, config.site.id).replace_all(procedures, at)
