"""Commands to suggest to people, written so they work as typed in any shell and any directory.

:func:`ingest_command` is the hint an empty store gives (the app's empty page, the CLI's "数据库不存在"):
absolute paths, the store the reader uses (``--store``), and an ``indmap`` that runs — the one on
``PATH`` if it is this installation's, else the script beside this Python, else ``python -m cli``.
"""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # a source checkout (an installed package has no demo beside it)
DEMO = ROOT / "data" / "demo"


def indmap_command() -> str:
    """How to call the ``indmap`` command from any directory: the one on PATH if it is this
    installation's, else the script beside this Python, else ``python -m cli`` from the checkout."""
    here = Path(sys.executable).parent / "indmap"
    on_path = shutil.which("indmap")
    if on_path and here.exists() and Path(on_path).resolve() == here.resolve():
        return "indmap"
    if here.exists():
        return shlex.quote(str(here))
    return f"cd {shlex.quote(str(ROOT))} && {shlex.quote(sys.executable)} -m cli"


def ingest_command(location: str, dataset: str | Path | None = None) -> str:
    """A command that loads ``dataset`` (default: the demo) into the store at ``location``, as typed in any shell.

    Paths are absolute (the reader's working directory need not be the user's), the store is the one
    the reader uses, so the data shows on its next run.

    >>> cmd = ingest_command("/tmp/x y/g.lbug", "/data/city")
    >>> cmd.endswith("ingest /data/city --store '/tmp/x y/g.lbug'")
    True
    """
    ds = Path(dataset) if dataset is not None else DEMO
    store = location if "://" in location else str(Path(location).resolve())
    return f"{indmap_command()} ingest {shlex.quote(str(ds.resolve()))} --store {shlex.quote(store)}"
