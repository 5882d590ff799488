"""Read and validate a dataset (CSV folder or XLSX workbook) into typed polars tables.

``load_dataset(path)`` is the whole public API: it never raises on bad input,
it returns every issue found (errors and warnings) and, only when there is no
error, one typed polars table per ``graph.schema.TABLES`` name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import polars as pl

from graph.schema import TABLES
from graph.settings import Settings, load_settings
from ingest.issues import Issue, IssueList, issue, report_json
from ingest.readers import list_dataset
from ingest.safety import ReadLimits
from ingest.validate import STREAM_ORDER, TableChecker, missing_tables

# a file with one of these issues was found but not read: no "missing file" on top
UNREADABLE_CODES = frozenset(
    {"bad_encoding", "bad_csv", "bad_xlsx", "refused_file", "file_too_large", "too_many_columns", "mixed_encoding",
     "xlsx_too_large", "xlsx_bomb", "xlsx_too_big_sheet"}
)


def _settings() -> Settings:
    try:
        return load_settings()
    except Exception:  # noqa: BLE001 - a bad settings file must not stop validation: the defaults apply
        return Settings()

__all__ = ["IngestResult", "Issue", "load_dataset", "report_json"]


class TableSink(Protocol):
    """Where :func:`load_dataset` puts each validated table (a store's view writer)."""

    def add(self, table: str, df: pl.DataFrame) -> object: ...

    def staged(self) -> Mapping[str, pl.DataFrame]: ...


@dataclass
class IngestResult:
    """What :func:`load_dataset` returns.

    ``tables`` is None when there is any error; otherwise one typed table per
    ``graph.schema.TABLES`` name (``regions`` = built-in national codes plus the
    dataset's own rows).
    """

    tables: Mapping[str, pl.DataFrame] | None
    issues: list[Issue] = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def load_dataset(path: str | Path, settings: Settings | None = None, stage: TableSink | None = None) -> IngestResult:
    """Read and validate the dataset at ``path``, one table at a time; never raises on bad input.

    Parameters
    ----------
    path : str or Path
        A folder of CSV files (``industries.csv``, ...) or one ``.xlsx`` workbook.
    settings : Settings, optional
        Caps and date bounds (``max_columns``, ``date_min_year``, ...); defaults
        to :func:`graph.settings.load_settings`.
    stage : optional
        Where each validated table goes (``stage.add(name, df)``; ``stage.staged()`` hands
        them back), e.g. a store's view writer (:meth:`graph.stores.embedded.EmbeddedStore.stage`):
        memory then holds one table at a time, not the dataset. Once an error is found no
        further table is staged. Without it the tables are kept in a dict.
    """
    settings = settings or _settings()
    issues = IssueList()
    meta: dict = {"dataset": str(path), "format": None, "files": {}}
    order: list[str] = []
    tables: dict[str, pl.DataFrame] = {}
    try:
        files = list_dataset(path, issues, ReadLimits.from_settings(settings))
        meta["format"] = files.fmt
        order = [i.file for i in issues.items] + list(files.files.values())
        # a file that exists but could not be read was reported already: no "missing file" on top
        reported = {i.file for i in issues.items if i.code in UNREADABLE_CODES}
        unreadable = {name for name, t in TABLES.items() if t.file in reported}
        if files.fmt == "xlsx" and not files.entries and reported:
            unreadable = set(TABLES)
        missing_tables(set(files.entries), unreadable, files.fmt, files.name, issues)
        checker = TableChecker(issues, files.fmt, (settings.date_min_year, settings.date_max_year))
        for name in STREAM_ORDER:
            raw = files.read(name, issues) if name in files.entries else None
            if raw is not None:
                meta["files"][name] = _file_info(raw, files.fmt)
            df = checker.check(name, raw)
            del raw
            if stage is None:
                tables[name] = df
            elif not issues.has_errors:
                stage.add(name, df)
            del df
        meta["files"] = {n: meta["files"][n] for n in files.entries if n in meta["files"]}
    except Exception as exc:  # noqa: BLE001 - a crash on odd input becomes an issue, never an exception
        issues.add(issue("internal_error", file=str(path), detail=f"{type(exc).__name__}: {exc}"[:300]))
    result = issues.finish(order)
    ok = not any(i.severity == "error" for i in result)
    out: Mapping[str, pl.DataFrame] | None = None
    if ok:
        out = stage.staged() if stage is not None else {name: tables[name] for name in TABLES}
    return IngestResult(tables=out, issues=result, meta=meta)


def _file_info(raw, fmt: str | None) -> dict:
    info: dict = {"rows": raw.df.height}
    if fmt == "csv":
        info["encoding"] = raw.encoding
        info["file"] = raw.file
    else:
        info["sheet"] = raw.file.split(":", 1)[1]
    return info
