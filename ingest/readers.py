"""Read a dataset (a folder of CSV files or one XLSX workbook) into raw text tables.

Every cell is read as text, trimmed, empty cells become null and fully empty
rows are skipped. Headers are mapped to the contract's English column names
(English, Chinese, aliases, ``编号/id`` forms; case, spaces and full-width
variants ignored). Each raw table keeps ``_row``, the row number a spreadsheet
user sees (header = row 1).

Nothing here raises on bad input: problems become :class:`~ingest.issues.Issue`s.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import polars as pl

from graph.schema import TABLES, Table
from ingest.csvtext import ROW, csv_rows, decode_csv_bytes, frame_from_columns, text_rows
from ingest.colmap import MappingProfile, TableMapping, finish_table, region_column, region_level
from ingest.issues import ISSUE_CAP, IssueList, issue, phrase
from ingest.safety import ReadLimits, Refused, check_workbook, encoding_rows, file_kind, header_width, read_regular

FILE = "_file"  # only in a table merged from several files (ingest.merge): each row's file

@dataclass
class RawTable:
    """One table as read: text columns named in English plus ``_row``."""

    table: str
    file: str  # label used in issues: "segments.csv" or "demo.xlsx:segments"
    df: pl.DataFrame
    encoding: str | None = None
    missing_columns: set[str] = field(default_factory=set)
    id_from: str | None = None  # the column ``id`` was taken from (a mapping's ``id_from``), named when an id is blank


def norm(text: str) -> str:
    """Normalise a header or table name for lookup: NFKC, lower case, no ``*``, single spaces."""
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    t = t.strip("*").strip()
    return re.sub(r"\s+", " ", t)


def _table_names() -> dict[str, str]:
    out: dict[str, str] = {}
    for t in TABLES.values():
        for spelling in (t.name, t.zh, t.file, f"{t.zh}.csv", t.name.replace("_", " ")):
            out[norm(spelling)] = t.name
    return out


TABLE_NAMES = _table_names()
IGNORED_PREFIXES = ("说明", "readme", "notes", "~$", ".")


def table_for_name(name: str) -> str | None:
    """The dataset table a file stem or sheet name stands for (``企业`` -> ``enterprises``)."""
    n = norm(name)
    if n in TABLE_NAMES:
        return TABLE_NAMES[n]
    if n.endswith(".csv") and n[:-4] in TABLE_NAMES:
        return TABLE_NAMES[n[:-4]]
    return None


def _ignored(name: str) -> bool:
    return norm(name).startswith(IGNORED_PREFIXES)


def column_lookup(table: Table) -> dict[str, str]:
    """Normalised header spelling -> English column name: the name, its Chinese name and ``Column.aliases``."""
    out: dict[str, str] = {}
    for c in table.columns:
        spellings = (c.name, c.name.replace("_", " "), c.zh, *c.aliases)
        for s in spellings:
            out.setdefault(norm(s), c.name)
    return out


_SPLIT = re.compile(r"[/|()\[\]【】<>《》\s]+")


def match_header(table: Table, header: str, lookup: dict[str, str] | None = None) -> str | None:
    """English column name for a header cell, or None.

    >>> t = TABLES["segments"]
    >>> [match_header(t, h) for h in ["编号/id", "编号(ID)", " Chain_ID ", "环节位置（stage）", "关键环节*", "其他"]]
    ['id', 'id', 'chain_id', 'stage', 'key', None]
    >>> match_header(TABLES["enterprises"], "营业收入（万元）")
    'revenue'
    """
    lookup = lookup if lookup is not None else column_lookup(table)
    n = norm(header)
    if not n:
        return None
    if n in lookup:
        return lookup[n]
    hits = {lookup[p.strip("*")] for p in _SPLIT.split(n) if p.strip("*") in lookup}
    return hits.pop() if len(hits) == 1 else None


# ---------------------------------------------------------------- cells -> frame


def _build(
    tname: str,
    file: str,
    grid: pl.DataFrame,
    first_row: int,
    issues: IssueList,
    encoding: str | None,
    limits: ReadLimits = ReadLimits(),
    tmap: TableMapping | None = None,
) -> RawTable:
    """Turn a text grid from :func:`text_rows` (header in its first row) into a :class:`RawTable`.

    ``first_row`` is the spreadsheet row number of the grid's first line (an empty grid's header row);
    ``tmap`` a column mapping (:mod:`ingest.colmap`) applied before the contract's own header spellings.
    """
    table = TABLES[tname]
    cells = [c for c in grid.columns if c != ROW]
    if grid.height == 0:
        header: list[str | None] = []
        body = grid
        header_row = first_row
    else:
        header = list(grid.row(0))[1:]
        header_row = int(grid[ROW][0])
        body = grid.slice(1)
    chosen, regions = _choose_columns(table, cells, header, body, file, header_row, issues, tmap)
    # Series, not ``select``: polars' select copied every text cell of a frame read in pieces (+250 MB at 1M)
    col = body.get_column
    df = pl.DataFrame([col(ROW), *(col(g).alias(name) for name, (g, _) in chosen.items()), *(col(g).alias(r) for r, g in regions)])
    id_from = None
    if tmap is not None:
        id_from = tmap.id_from if tmap.id_from and "id" not in df.columns and tmap.id_from in df.columns else None
        df = finish_table(table, df, tmap, file, issues, ROW)
    missing = set()
    if not chosen and not regions and header and any(h is not None for h in header) and (tmap is None or not tmap.defaults):
        first = next(h for h in header if h is not None)
        issues.add(issue("no_header", file=file, row=header_row, value=first, table=table.name, table_zh=table.zh))
        missing = {c.name for c in table.columns if c.required}
    else:
        for c in table.columns:
            if c.required and c.name not in df.columns:
                missing.add(c.name)
                issues.add(issue("missing_column", file=file, row=header_row, column=c.name, column_zh=c.zh, template="missing_mapped_column" if tmap else None))
    df = _long_cells(table, df, file, issues, limits.max_cell_chars)
    return RawTable(tname, file, df, encoding, missing, id_from)


def _choose_columns(table: Table, cells: list[str], header: list, body: pl.DataFrame, file: str, header_row: int, issues: IssueList, tmap: TableMapping | None):
    """English column -> (grid column, header text), and the region-name columns of a mapping; header issues recorded."""
    lookup = column_lookup(table)
    chosen: dict[str, tuple[str, str]] = {}  # english -> (grid column, header text)
    regions: list[tuple[str, str]] = []  # (temporary name, grid column): names resolved to region_code
    unknown: list[str] = []
    for gcol, h in zip(cells, header):
        if h is None:
            if body.get_column(gcol).is_not_null().any():
                unknown.append(phrase("blank_header"))
            continue
        mapped = tmap is not None and tmap.has(h)
        name = tmap.target(h) if mapped else match_header(table, h, lookup)
        if mapped and name is None:
            continue  # the mapping says: not ours
        if mapped and name == "region_code":
            regions.append((region_column(len(regions), region_level(h)), gcol))
        elif name is None:
            unknown.append(h)
        elif name in chosen:
            col = table.column(name)
            issues.add(issue("duplicate_column", file=file, row=header_row, column=name, column_zh=col.zh, value=f"{chosen[name][1]}、{h}"))
        else:
            chosen[name] = (gcol, h)
    if chosen or regions or tmap is not None:
        allowed = "、".join(f"{c.zh}（{c.name}）" for c in table.columns)
        for h in unknown:
            issues.add(issue("unknown_column", file=file, row=header_row, value=h, allowed=allowed))
    return chosen, regions


def _long_cells(table: Table, df: pl.DataFrame, file: str, issues: IssueList, cap: int) -> pl.DataFrame:
    """Cells longer than ``cap`` characters: an error naming the cell (its start only), the cell emptied."""
    for name in [c for c in df.columns if c != ROW]:
        col_s = df.get_column(name)
        if not (col_s.str.len_bytes() > cap).any():  # characters <= bytes: the cheap test first
            continue
        long = col_s.str.len_chars() > cap
        for row, value in df.filter(long).select(ROW, name).head(issues.room(file, name, "cell_too_long")).iter_rows():
            col = table.column(name)
            issues.add(issue("cell_too_long", file=file, row=row, column=name, column_zh=col.zh, value=value[:20] + "…", n=len(value), limit=cap))
        df = df.with_columns(pl.when(long).then(None).otherwise(pl.col(name)).alias(name))
    return df


# ---------------------------------------------------------------- CSV


def _refused(issues: IssueList, file: str, exc: Refused) -> None:
    fields = dict(exc.fields)
    if exc.code == "refused_file":
        fields["kind"] = phrase(f"kind_{fields['kind']}")
    issues.add(issue(exc.code, file=file, **fields))


def _mixed_encoding(data: bytes, file: str, issues: IssueList) -> bool:
    """Rows in another encoding than the rest of the file: errors (UTF-8 file) or warnings (GB18030 file)."""
    main, odd = encoding_rows(data)
    for row in odd[: ISSUE_CAP]:
        issues.add(issue("mixed_encoding" if main == "utf-8" else "utf8_row_in_gbk", file=file, row=row))
    return main == "utf-8" and bool(odd)


def read_csv_table(path: Path, tname: str, issues: IssueList, limits: ReadLimits = ReadLimits(), tmap: TableMapping | None = None, file: str | None = None) -> RawTable | None:
    """One CSV file as table ``tname`` (``file`` is the name issues carry, default the file's name)."""
    file = file or path.name
    try:
        data = read_regular(path, limits.max_file_bytes)
    except Refused as exc:
        _refused(issues, file, exc)
        return None
    except OSError as exc:
        issues.add(issue("bad_csv", file=file, detail=exc.strerror or type(exc).__name__))
        return None
    decoded = decode_csv_bytes(data)
    if (decoded is None or decoded[1] == "gb18030") and b"\x00" not in data and _mixed_encoding(data, file, issues):
        return None
    if decoded is None:
        issues.add(issue("bad_encoding", file=file, tried=phrase("encodings_tried")))
        return None
    body, encoding = decoded
    width = header_width(body)
    if width > limits.max_columns:
        issues.add(issue("too_many_columns", file=file, n=width, limit=limits.max_columns))
        return None
    del data, decoded  # ``body`` is the text now (the same bytes for a UTF-8 file)
    csv.field_size_limit(1 << 30)
    try:
        grid, first_row, other_sep = csv_rows(body, limits.max_columns)
    except Exception as exc:  # noqa: BLE001 - any parser failure is reported, never raised
        issues.add(issue("bad_csv", file=file, detail=str(exc)[:200]))
        return None
    del body
    if other_sep:
        issues.add(issue("bad_csv", file=file, detail=phrase("not_comma")))
        return None
    return _build(tname, file, grid, first_row, issues, encoding, limits, tmap)


# ---------------------------------------------------------------- XLSX


def cell_text(v: object) -> str | None:
    """An Excel cell value as the text the user typed.

    >>> [cell_text(v) for v in [123.0, 0.35, True, dt.date(2024, 5, 1), dt.datetime(2024, 5, 1), "00123", ""]]
    ['123', '0.35', 'true', '2024-05-01', '2024-05-01', '00123', None]
    """
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e21:
            return str(int(v))
        return format(v, ".15g")
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime):
        if v.time() == dt.time(0):
            return v.date().isoformat()
        return v.isoformat(sep=" ")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def read_xlsx(
    path: Path,
    issues: IssueList,
    limits: ReadLimits = ReadLimits(),
    mapping: MappingProfile | None = None,
    sheets: dict[str, str] | None = None,
    book: str | None = None,
    only: list[str] | None = None,
) -> dict[str, RawTable]:
    """The sheets of a workbook that are dataset tables (by name, by ``mapping.files`` or by ``sheets``: sheet -> table).

    ``only`` reads just these sheets (an upload picks its sheets one by one).
    """
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    book = book or path.name
    try:
        check_workbook(path, limits)
    except Refused as exc:
        _refused(issues, book, exc)
        return {}
    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
        hidden = {m.name for m in wb.sheets_metadata if m.visible != SheetVisibleEnum.Visible}
    except Exception as exc:  # noqa: BLE001 - not a workbook: reported, never raised
        issues.add(issue("bad_xlsx", file=book, detail=str(exc)[:200] or type(exc).__name__))
        return {}
    if only is not None:
        names = [n for n in names if n in only]
    for sheet in names:
        if sheet in hidden:
            issues.add(issue("hidden_sheet", file=book, value=sheet))
    out: dict[str, RawTable] = {}
    allowed = "、".join(f"{t.name}（{t.zh}）" for t in TABLES.values())
    for sheet in names:
        tname = (sheets or {}).get(sheet) or table_for_name(sheet) or (mapping.table_for_file(sheet) if mapping else None)
        if tname is None:
            if not _ignored(sheet):
                issues.add(issue("unknown_sheet", file=book, value=sheet, allowed=allowed))
            continue
        file = f"{book}:{sheet}"
        if tname in out:
            issues.add(issue("duplicate_table", file=book, table=tname, value=f"{out[tname].file}、{file}"))
            continue
        try:
            rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        except Exception as exc:  # noqa: BLE001
            issues.add(issue("bad_xlsx", file=file, detail=str(exc)[:200] or type(exc).__name__))
            continue
        width = max((len(r) for r in rows), default=0)
        columns = [[(r[i] if i < len(r) else None) for r in rows] for i in range(width)]
        columns = [[(v if type(v) is str and v else cell_text(v)) for v in col] for col in columns]
        tmap = mapping.for_table(tname) if mapping else None
        out[tname] = _build(tname, file, text_rows(frame_from_columns(columns), 1), 1, issues, None, limits, tmap)
    return out


# ---------------------------------------------------------------- dataset


def list_csv_folder(folder: Path, issues_of: Callable[[int], IssueList], mapping: MappingProfile | None = None) -> Iterator[tuple[int, Path, str]]:
    """The CSV files of ``folder`` to read, in name order: ``(position, path, table)``, one at a time.

    Files refused, unknown or not regular are reported into ``issues_of(position)`` and left out.
    """
    allowed = "、".join(t.file for t in TABLES.values())
    for i, path in enumerate(sorted(folder.iterdir())):
        if path.suffix.lower() != ".csv" or _ignored(path.name):
            continue
        kind = file_kind(path)
        if kind:  # a link (regions.csv -> /etc/shadow) or a FIFO/device: refused, nothing of it read or shown
            _refused(issues_of(i), path.name, Refused("refused_file", kind=kind))
            continue
        if not path.is_file():
            continue
        tname = table_for_name(path.stem) or (mapping.table_for_file(path.name) if mapping else None)
        if tname is None:
            issues_of(i).add(issue("unknown_file", file=path.name, allowed=allowed))
            continue
        yield i, path, tname


def read_csv_folder(folder: Path, issues: IssueList, limits: ReadLimits = ReadLimits(), mapping: MappingProfile | None = None) -> dict[str, RawTable]:
    out: dict[str, RawTable] = {}
    for _, path, tname in list_csv_folder(folder, lambda _: issues, mapping):
        if tname in out:
            issues.add(issue("duplicate_table", file=path.name, table=tname, value=f"{out[tname].file}、{path.name}"))
            continue
        raw = read_csv_table(path, tname, issues, limits, mapping.for_table(tname) if mapping else None)
        if raw is not None:
            out[tname] = raw
        else:
            issues.unreadable_tables.add(tname)
    return out


def read_dataset(
    path: str | Path, issues: IssueList, limits: ReadLimits = ReadLimits(), mapping: MappingProfile | None = None
) -> tuple[dict[str, RawTable], str | None]:
    """Raw tables of a dataset and its format (``"csv"``, ``"xlsx"`` or None if unreadable); ``mapping`` maps foreign headers."""
    p = Path(path)
    if p.is_dir():
        return read_csv_folder(p, issues, limits, mapping), "csv"
    if p.is_file() and p.suffix.lower() == ".csv":
        issues.add(issue("bad_xlsx", file=p.name, detail=phrase("single_csv")))
        return {}, "xlsx"
    if p.is_file():
        return read_xlsx(p, issues, limits, mapping), "xlsx"
    issues.add(issue("missing_dataset", file=str(p), value=str(p)))
    return {}, None

