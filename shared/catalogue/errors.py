"""The catalogue's error: a file that cannot be imported, with every problem found in it."""

from __future__ import annotations


class CatalogueError(Exception):
    """A catalogue file is unusable; `errors` lists 'dòng N, cột X: …' lines in Vietnamese."""

    def __init__(self, path: str, errors: list[str]) -> None:
        super().__init__(f"{path}: " + "\n".join(errors))
        self.path = path
        self.errors = errors
