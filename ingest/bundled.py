"""Data shipped inside the package, found through ``importlib.resources``.

``ingest/data/regions`` (national division codes) and ``ingest/data/public`` (the listed-company
excerpt) travel in the wheel as package data, so an installed ``indmap`` finds them from any
working directory, exactly as a source checkout does. Each folder keeps its ``SOURCES.md``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def bundled_dir(name: str) -> Path:
    """The folder ``ingest/data/NAME`` of the installed (or checked-out) package.

    >>> (bundled_dir("regions") / "SOURCES.md").is_file()
    True
    """
    path = Path(str(files("ingest").joinpath("data", name)))
    if not path.is_dir():
        raise FileNotFoundError(f"bundled data folder missing from the installed package: {path} (reinstall indmap)")
    return path
