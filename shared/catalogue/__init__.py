"""The procedure catalogue: reading a centre's CSV or XLSX list of procedures."""

from shared.catalogue.columns import COLUMNS
from shared.catalogue.errors import CatalogueError
from shared.catalogue.reader import read_catalogue

__all__ = ["COLUMNS", "CatalogueError", "read_catalogue"]
