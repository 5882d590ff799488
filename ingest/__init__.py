"""Read and validate a dataset (CSV folder or XLSX workbook) into typed polars tables.

``load_dataset(path)`` is the whole public API: it never raises on bad input,
it returns every issue found (errors and warnings) and, only when there is no
error, one typed polars table per ``graph.schema.TABLES`` name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from graph.schema import TABLES
from graph.settings import Settings, load_settings
from ingest.colmap import MappingProfile
from ingest.issues import Issue, IssueList, issue, report_json
from ingest.readers import RawTable, read_dataset
from ingest.safety import ReadLimits
from ingest.validate import validate_tables

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

__all__ = ["IngestResult", "Issue", "load_dataset", "report_json", "validate_raws"]


@dataclass
class IngestResult:
    """What :func:`load_dataset` returns.

    ``tables`` is None when there is any error; otherwise one typed table per
    ``graph.schema.TABLES`` name (``regions`` = built-in national codes plus the
    dataset's own rows).
    """

    tables: dict[str, pl.DataFrame] | None
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


def load_dataset(path: str | Path, settings: Settings | None = None, mapping: MappingProfile | None = None) -> IngestResult:
    """Read and validate the dataset at ``path``; never raises on bad input.

    Parameters
    ----------
    path : str or Path
        A folder of CSV files (``industries.csv``, ...) or one ``.xlsx`` workbook.
    settings : Settings, optional
        Caps and date bounds (``max_columns``, ``date_min_year``, ...); defaults
        to :func:`graph.settings.load_settings`.
    mapping : MappingProfile, optional
        Column mapping of foreign headers (:mod:`ingest.colmap`).
    """
    settings = settings or _settings()
    issues = IssueList()
    try:
        raws, fmt = read_dataset(path, issues, ReadLimits.from_settings(settings), mapping)
    except Exception as exc:  # noqa: BLE001 - a crash on odd input becomes an issue, never an exception
        issues.add(issue("internal_error", file=str(path), detail=f"{type(exc).__name__}: {exc}"[:300]))
        raws, fmt = {}, None
    # nothing else holds these text tables: each is emptied once typed (at 1M it lowers the peak)
    return validate_raws(raws, fmt, issues, settings, dataset=str(path), book=Path(path).name, release=True)


def validate_raws(
    raws: dict[str, RawTable],
    fmt: str | None,
    issues: IssueList,
    settings: Settings,
    *,
    dataset: str,
    book: str | None = None,
    release: bool = False,
) -> IngestResult:
    """Validate tables already read (a dataset, or an upload merged with the current data: :mod:`ingest.upload`).

    ``release``: each raw table's text frame is emptied once it is typed (the caller does not use them after).
    """
    meta: dict = {"dataset": dataset, "format": fmt, "files": {}}
    try:
        for name, raw in raws.items():
            info: dict = {"rows": raw.df.height}
            if fmt == "csv":
                info["encoding"] = raw.encoding
                info["file"] = raw.file
            else:
                info["sheet"] = raw.file.split(":", 1)[-1]
            meta["files"][name] = info
        # a file that exists but could not be read was reported already: no "missing file" on top
        reported = {i.file for i in issues.items if i.code in UNREADABLE_CODES}
        unreadable = {name for name, t in TABLES.items() if t.file in reported} | issues.unreadable_tables
        if fmt == "xlsx" and not raws and reported:
            unreadable = set(TABLES)
        years = (settings.date_min_year, settings.date_max_year)
        tables = validate_tables(raws, issues, fmt, unreadable, book=book, years=years, release=release)
    except Exception as exc:  # noqa: BLE001 - a crash on odd input becomes an issue, never an exception
        issues.add(issue("internal_error", file=dataset, detail=f"{type(exc).__name__}: {exc}"[:300]))
        tables = None
    result = issues.finish()
    ok = not any(i.severity == "error" for i in result)
    return IngestResult(tables=tables if ok else None, issues=result, meta=meta)
