"""An upload of some tables merged with the current dataset, before the whole is validated.

Per uploaded table one of two modes:

* ``replace`` (替换): the uploaded file is the whole table;
* ``merge`` (合并, the default when the current dataset has the table): rows are matched on the table's key
  (``id``; ``enterprise_id`` + ``segment_id``; ``park_id`` + ``period``; …, compared as validation compares
  them: NFKC, zero-width characters removed, periods and region codes in their canonical form). A matched row
  takes the uploaded file's non-empty cells and keeps the current value everywhere else (an empty cell, a
  column the file does not have); an unmatched uploaded row is added; current rows the file does not name stay.

Tables not uploaded are kept as they are. Every row keeps where it came from (``_file``, ``_row``: the
uploaded file and its row, or ``现有数据/<table>.csv`` and the row in the kept version), so a validation
error names the right file and row.
"""

from __future__ import annotations

import polars as pl

from graph.schema import TABLES
from ingest.columns import parse_column
from ingest.readers import FILE, ROW, RawTable

MODES = ("merge", "replace")
KEY = "__key"
KEPT_PREFIX = "现有数据/"


def _with_file(raw: RawTable) -> pl.DataFrame:
    df = raw.df
    return df if FILE in df.columns else df.with_columns(pl.lit(raw.file, dtype=pl.Utf8).alias(FILE))


def _key(table: str, df: pl.DataFrame) -> pl.Series | None:
    """The key of each row as validation will compare it, or None when the file lacks a key column."""
    t = TABLES[table]
    cols = [k for k in t.key if k]
    if not cols or any(c not in df.columns for c in cols):
        return None
    parts = []
    for c in cols:
        s = df.get_column(c).str.normalize("NFKC").str.replace_all("[\u200b\u200c\u200d\u2060\ufeff\u00ad]", "").str.strip_chars()
        value, err = parse_column(table, t.column(c), s)
        text = value.cast(pl.Utf8) if value.dtype != pl.Utf8 else value
        f = pl.DataFrame({"v": text, "e": err, "s": s})
        parts.append(f.select(pl.when(pl.col("e").is_null() & pl.col("v").is_not_null()).then(pl.col("v")).otherwise(pl.col("s")).alias(c)).to_series())
    return pl.DataFrame(parts).select(pl.concat_str([pl.col(c) for c in cols], separator="\u241f").alias(KEY)).to_series()


def upsert(table: str, current: RawTable, upload: RawTable) -> RawTable:
    """``upload`` merged into ``current`` (see the module doc); the result carries ``_file`` per row."""
    cur, up = _with_file(current), _with_file(upload)
    k_cur, k_up = _key(table, cur), _key(table, up)
    if k_cur is None or k_up is None:  # a key column is missing: validation says so; nothing to match on
        return RawTable(table, upload.file, pl.concat([cur, up], how="diagonal_relaxed"), upload.encoding, upload.missing_columns, upload.id_from)
    cur, up = cur.with_columns(k_cur.alias(KEY)), up.with_columns(k_up.alias(KEY))
    data_cols = [c for c in up.columns if c not in (ROW, FILE, KEY)]
    matched_keys = up.filter(pl.col(KEY).is_not_null()).select(KEY).unique()
    base = cur.join(matched_keys, on=KEY, how="semi")
    keep = cur.join(matched_keys, on=KEY, how="anti")
    suffix = "__cur"
    merged = up.join(base.drop(ROW, FILE).unique(KEY, keep="first"), on=KEY, how="left", suffix=suffix, nulls_equal=False)
    # columns only the current table has come through the join under their own names
    merged = merged.with_columns([pl.coalesce(pl.col(c), pl.col(c + suffix)).alias(c) for c in data_cols if c + suffix in merged.columns])
    merged = merged.select([c for c in merged.columns if not c.endswith(suffix)])
    out = pl.concat([keep, merged], how="diagonal_relaxed").drop(KEY)
    return RawTable(table, upload.file, out, upload.encoding, set(), upload.id_from)


def merge_tables(current: dict[str, RawTable], upload: dict[str, RawTable], modes: dict[str, str] | None = None) -> dict[str, RawTable]:
    """The tables of the new dataset: uploaded ones replaced or merged (``modes``, default ``merge``), the rest kept."""
    modes = modes or {}
    out: dict[str, RawTable] = {}
    for name in TABLES:
        if name in upload and name in current and modes.get(name, "merge") == "merge":
            out[name] = upsert(name, current[name], upload[name])
        elif name in upload:
            out[name] = upload[name]
        elif name in current:
            out[name] = current[name]
    return out


def relabel(raws: dict[str, RawTable], prefix: str = KEPT_PREFIX) -> dict[str, RawTable]:
    """Tables of the kept dataset, their file names prefixed (``现有数据/enterprises.csv``) for messages."""
    return {n: RawTable(r.table, prefix + r.file, r.df, r.encoding, r.missing_columns, r.id_from) for n, r in raws.items()}


def raw_text(raw: RawTable) -> pl.DataFrame:
    """A table's text as it will be kept in a version folder: contract columns only, in contract order."""
    cols = [c for c in TABLES[raw.table].column_names if c in raw.df.columns]
    return raw.df.select(cols)
