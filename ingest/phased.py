"""Two-phase validation of a CSV folder, so that a store can start writing before every table is checked.

The tables no other table refers to a row of (:data:`LATE_TABLES`: the links of enterprises to segments
and to each other, the projects, the park figures) are most of the bytes after ``enterprises.csv``.
:meth:`TwoPhase.early` reads, types and checks every other table; when that finds no error, the
store can copy those tables while :meth:`TwoPhase.late` reads and checks the rest in another thread.

Both phases together report exactly what one pass (:func:`ingest.load_dataset`) reports, in the same
order: each step (reading one file, typing one table, its key check, its reference check, ...) adds its
issues to a list of its own, and :meth:`TwoPhase.result` replays them in the order one pass adds them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import polars as pl

from graph.schema import REQUIRED_TABLES, TABLES
from graph.settings import Settings
from graph.view import conform
from ingest import UNREADABLE_CODES, IngestResult
from ingest.colmap import MappingProfile
from ingest.issues import IssueList, issue
from ingest.readers import RawTable, list_csv_folder, read_csv_table
from ingest.regions import merge_regions
from ingest.safety import ReadLimits
from ingest.validate import HINT_MAX_IDS, _parse_table, check_credit_codes, check_keys, check_project_dates, check_refs, check_segment_links, check_segments

#: tables no other table refers to, read and checked in the second phase
LATE_TABLES = ("enterprise_segments", "supply_links", "projects", "park_stats")

# the order one pass adds issues in: read each file, missing files, type, keys, references, the table rules
READ, MISSING, PARSE, KEYS, REFS, RULES, CRASH = range(7)


def replay(src: IssueList, dst: IssueList) -> None:
    """Add what ``src`` collected to ``dst`` as if it had been added there (caps and counts included)."""
    kept: Counter = Counter()
    for item in src.items:
        dst.add(item)
        kept[(item.file, item.column, item.code)] += 1
    for key, n in list(src._counts.items()):
        if n > kept[key]:
            dst.count_more(*key, n - kept[key])
    dst.unreadable_tables |= src.unreadable_tables


class TwoPhase:
    """One CSV folder validated in two phases (:meth:`early`, then :meth:`late`); :meth:`result` as one pass.

    ``None`` from :meth:`plan` when the folder does not suit (two files for one table): then one pass.
    """

    def __init__(self, folder: Path, settings: Settings, mapping: MappingProfile | None = None):
        self.folder, self.mapping = folder, mapping
        self.limits = ReadLimits.from_settings(settings)
        self.years = (settings.date_min_year, settings.date_max_year)
        self.units: dict[tuple[int, ...], IssueList] = {}
        self.files: list[tuple[int, Path, str]] = []
        self.position: dict[str, int] = {}  # table -> its file's position in the folder
        self.meta: dict[str, dict] = {}  # table -> what load_dataset's meta says of its file
        self.raws: dict[str, RawTable] = {}
        self.parsed: dict[str, pl.DataFrame] = {}
        self.targets: dict[str, pl.DataFrame] = {}  # the early tables' referenced columns, for the late checks
        self.regions: pl.DataFrame | None = None

    def unit(self, *key: int) -> IssueList:
        return self.units.setdefault(key, IssueList())

    def plan(self) -> "TwoPhase | None":
        self.files = list(list_csv_folder(self.folder, lambda i: self.unit(READ, i), self.mapping))
        names = [t for _, _, t in self.files]
        if len(set(names)) != len(names):
            return None
        self.position = {t: i for i, _, t in self.files}
        return self

    def errors(self) -> bool:
        return any(i.severity == "error" for u in self.units.values() for i in u.items)

    def _read(self, names: set[str]) -> None:
        for i, path, tname in self.files:
            if tname not in names:
                continue
            issues = self.unit(READ, i)
            raw = read_csv_table(path, tname, issues, self.limits, self.mapping.for_table(tname) if self.mapping else None)
            if raw is None:
                issues.unreadable_tables.add(tname)
                continue
            self.meta[tname] = {"rows": raw.df.height, "encoding": raw.encoding, "file": raw.file}
            self.raws[tname] = raw
            self.parsed[tname] = _parse_table(raw, self.unit(PARSE, i), self.years)
            raw.df = raw.df.clear()  # the text goes once typed

    def _check(self, names: list[str], tables: dict[str, pl.DataFrame]) -> None:
        for name in names:
            check_keys(TABLES[name], self.parsed[name], self.raws[name].file, self.unit(KEYS, self.position[name]))
        for name in names:
            i, file = self.position[name], self.raws[name].file
            check_refs(TABLES[name], self.parsed[name], file, tables, self.regions, "csv", self.unit(REFS, i))
        rules = {"segments": (0, check_segments), "segment_links": (1, check_segment_links), "projects": (2, check_project_dates),
                 "enterprises": (3, check_credit_codes)}  # fmt: skip
        for name in names:
            if name in rules:
                k, fn = rules[name]
                fn(self.parsed[name], self.raws[name].file, self.unit(RULES, k))

    def _target(self, table: str, column: str) -> pl.DataFrame:
        """What the late checks need of an early table: the referenced column, and the names where a
        mistyped reference gets suggestions by name (a small table: :data:`ingest.validate.HINT_MAX_IDS`)."""
        df = self.parsed[table]
        named = "name" in df.columns and column != "name" and df.height <= HINT_MAX_IDS
        return df.select(column, "name") if named else df.select(column)

    def early(self) -> dict[str, pl.DataFrame] | None:
        """Read, type and check every table but the late ones; their conformed tables, or None on any error
        (and when a required table has no file: a missing table is an error one pass reports)."""
        late = set(LATE_TABLES)
        self._read({t for _, _, t in self.files if t not in late})
        own = self.parsed.get("regions")
        self.regions = merge_regions(conform("regions", own) if own is not None else None)
        names = [t for t in self.raws if t not in late]
        self._check(names, self.parsed)
        if self.errors() or any(t not in self.position for t in REQUIRED_TABLES):
            return None
        refs = {c.ref for t in LATE_TABLES for c in TABLES[t].columns if c.ref is not None and c.ref[0] != "regions"}
        self.targets = {t: self._target(t, c) for t, c in refs if t in self.parsed and c in self.parsed[t].columns}
        tables = {name: conform(name, self.parsed.pop(name, None)) for name in TABLES if name not in late}
        tables["regions"] = conform("regions", self.regions)  # the national codes with the dataset's own
        return tables

    def late(self) -> None:
        """Read, type and check the late tables (and, when :meth:`early` found errors, nothing else changes)."""
        late = [t for t in LATE_TABLES if t in self.position]
        self._read(set(late))
        self._check([t for t in late if t in self.raws], {**self.parsed, **self.targets})

    def _missing(self) -> None:
        reported = {i.file for u in self.units.values() for i in u.items if i.code in UNREADABLE_CODES}
        unreadable = {name for name, t in TABLES.items() if t.file in reported}
        unreadable |= {t for u in self.units.values() for t in u.unreadable_tables}
        for name in REQUIRED_TABLES:
            if name not in self.raws and name not in unreadable:
                t = TABLES[name]
                self.unit(MISSING).add(issue("missing_file", file=t.file, table=name, table_zh=t.zh))

    def result(self, dataset: str, early: dict[str, pl.DataFrame] | None) -> IngestResult:
        """Everything both phases found, as :func:`ingest.load_dataset` reports it; the tables (``early`` with
        the late ones) only without errors."""
        self._missing()
        issues = IssueList()
        for key in sorted(self.units):
            replay(self.units[key], issues)
        files = {t: self.meta[t] for _, _, t in self.files if t in self.meta}
        meta = {"dataset": dataset, "format": "csv", "files": files}
        found = issues.finish()
        if any(i.severity == "error" for i in found) or early is None:
            return IngestResult(tables=None, issues=found, meta=meta)
        tables = dict(early)
        for name in LATE_TABLES:
            tables[name] = conform(name, self.parsed.pop(name, None))
        return IngestResult(tables={n: tables[n] for n in TABLES}, issues=found, meta=meta)

    def release(self) -> None:
        """Drop what the checks held (the tables are in the result)."""
        self.raws, self.parsed, self.targets, self.regions = {}, {}, {}, None

    def crashed(self, dataset: str, exc: BaseException) -> None:
        """A crash on odd input becomes an issue (as in one pass), never an exception."""
        self.unit(CRASH).add(issue("internal_error", file=dataset, detail=f"{type(exc).__name__}: {exc}"[:300]))
