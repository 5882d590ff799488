"""Validate raw text tables against graph.schema and turn them into typed polars tables.

Column-wise and vectorised: each column is parsed once (:mod:`ingest.columns`)
into its typed values and an error code per row; Python only touches the
failing rows (at most :data:`~ingest.issues.ISSUE_CAP` per file, column and
code). Cross-table rules (keys, references incl. list references and regions,
parent cycles, parent in another chain, self links, SUPPLIES cycles, stage
date order) run on the parsed tables.
"""

from __future__ import annotations

import re

import networkx as nx
import polars as pl

from graph.schema import REQUIRED_TABLES, TABLES, Table
from graph.view import conform
from ingest.columns import DEFAULT_YEARS, issue_extras, parse_column
from ingest.issues import IssueList, issue, phrase
from ingest.readers import FILE, ROW, RawTable
from ingest.regions import merge_regions

STAGE_DATE_PAIRS = [
    ("signed_on", "started_on"),
    ("started_on", "producing_on"),
    ("signed_on", "producing_on"),
    ("planned_start", "planned_production"),
]


# ---------------------------------------------------------------- helpers


def emit_rows(
    issues: IssueList,
    failing: pl.DataFrame,
    code: str,
    *,
    file: str,
    column: str | None,
    column_zh: str | None,
    value_col: str | None,
    extras=None,
    **fixed,
) -> None:
    """Issues for the rows of ``failing`` (``_row`` + value column); only the first cap are built.

    A ``_file`` column (a table merged from several files, see :mod:`ingest.merge`) names each row's file.
    """
    n = failing.height
    if n == 0:
        return
    if FILE in failing.columns:
        for (f,), part in failing.group_by(FILE, maintain_order=True):
            emit_rows(issues, part.drop(FILE), code, file=f, column=column, column_zh=column_zh, value_col=value_col, extras=extras, **fixed)
        return
    room = issues.room(file, column, code)
    head = failing.head(room)
    for rec in head.iter_rows(named=True):
        value = rec.get(value_col) if value_col else None
        value = None if value is None else str(value)
        more = extras(rec) if extras else {}
        issues.add(issue(code, file=file, row=rec[ROW], column=column, column_zh=column_zh, value=value, **fixed, **more))
    if n > head.height:
        issues.count_more(file, column, code, n - head.height)


INVISIBLE_RE = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"


def visible(text: str) -> str:
    """Text with invisible characters spelled out, for messages: ``NEV\u200b`` -> ``NEV<U+200B>``.

    >>> visible("NEV\u200b")
    'NEV<U+200B>'
    """
    return re.sub(INVISIBLE_RE, lambda m: f"<U+{ord(m.group()):04X}>", text)


def normalise_ids(t: Table, name: str, s: pl.Series, rows: pl.Series, file: str, issues: IssueList) -> pl.Series:
    """Ids and references in NFKC, without zero-width characters: ``ＮＥＶ`` and ``NEV\u200b`` are ``NEV``.

    Each changed cell is a warning (the normalised value is what duplicate and
    reference checks then see).
    """
    col = t.column(name)
    if name not in t.key and col.ref is None:
        return s
    if not (s.str.len_bytes() != s.str.len_chars()).any():  # plain ASCII (cells are trimmed already): nothing to do
        return s
    fixed = s.str.normalize("NFKC").str.replace_all(INVISIBLE_RE, "").str.strip_chars().replace("", None)
    changed = pl.DataFrame({ROW: rows, "v": s, "n": fixed}).filter(pl.col("v").is_not_null() & (pl.col("v") != pl.col("n").fill_null("")))
    if changed.height:
        changed = changed.with_columns(pl.col("v").map_elements(visible, return_dtype=pl.Utf8))
        emit_rows(issues, changed, "id_normalised", file=file, column=name, column_zh=col.zh, value_col="v", extras=lambda rec: {"normalised": rec["n"] or ""})
    return fixed


def _loc(df: pl.DataFrame) -> list[str]:
    """The columns that locate a row: ``_row``, and ``_file`` for a merged table."""
    return [ROW, FILE] if FILE in df.columns else [ROW]


def _parse_table(raw: RawTable, issues: IssueList, years: tuple[int, int]) -> pl.DataFrame:
    """Typed columns + ``_row`` (and ``_file`` for a merged table); column-level issues recorded."""
    if FILE in raw.df.columns:  # rows from several files: each part parsed under its own file name
        parts = []
        for (f,), part in raw.df.group_by(FILE, maintain_order=True):
            sub = RawTable(raw.table, f, part.drop(FILE), raw.encoding, raw.missing_columns, raw.id_from)
            parts.append(_parse_table(sub, issues, years).with_columns(pl.lit(f, dtype=pl.Utf8).alias(FILE)))
        return pl.concat(parts, how="vertical_relaxed") if parts else _parse_table(RawTable(raw.table, raw.file, raw.df.drop(FILE), id_from=raw.id_from), issues, years)
    t = TABLES[raw.table]
    df = raw.df
    rows = df.get_column(ROW)
    out = {ROW: rows}
    for c in t.columns:
        if c.name not in df.columns:
            continue
        s = normalise_ids(t, c.name, df.get_column(c.name), rows, raw.file, issues)
        if c.required:
            src = t.column(raw.id_from) if c.name == "id" and raw.id_from else c  # an id taken from another column: name that one
            emit_rows(
                issues,
                pl.DataFrame({ROW: rows.filter(s.is_null())}),
                "empty_required",
                file=raw.file,
                column=src.name,
                column_zh=src.zh,
                value_col=None,
                template="empty_id_from" if src is not c else None,
            )
        values, err = parse_column(t.name, c, s, years=years)
        out[c.name] = values.alias(c.name)
        if err.null_count() == len(err):
            continue
        bad = pl.DataFrame({ROW: rows, "v": s, "code": err}).filter(pl.col("code").is_not_null())
        for code in sorted(bad.get_column("code").unique().to_list()):
            emit_rows(
                issues,
                bad.filter(pl.col("code") == code),
                code,
                file=raw.file,
                column=c.name,
                column_zh=c.zh,
                value_col="v",
                extras=lambda rec, c=c, code=code: issue_extras(t.name, c, code, rec["v"], years),
            )
    return pl.DataFrame(out)


def _key_text(cols: list[str]) -> pl.Expr:
    return pl.concat_str([pl.col(c).fill_null("") for c in cols], separator=" + ")


def _keys_distinct(df: pl.DataFrame, key: list[str], sub: pl.LazyFrame) -> bool:
    """True when no two rows of ``sub`` can share a key: all their key hashes differ (the usual case).

    Equal keys have equal hashes, so distinct hashes prove there is no duplicate, at a fraction of
    the cost of comparing the keys' text (1M enterprises, 2M links). Only text keys whose parts
    cannot contain the separator of :func:`_key_text` (two different key tuples with one text);
    otherwise, and when some hashes collide, False: the exact check runs.
    """
    if df.height < 10_000 or any(df.schema[k] != pl.Utf8 for k in key):
        return False
    sep = pl.any_horizontal(pl.col(k).str.contains(" + ", literal=True) for k in key[:-1]) if len(key) > 1 else pl.lit(False)
    row = sub.select(
        pl.struct(key).hash().n_unique().alias("distinct"), pl.len().alias("rows"), sep.fill_null(False).any().alias("sep")
    ).collect().row(0)  # fmt: skip
    return row[0] == row[1] and not row[2]


def check_keys(t: Table, df: pl.DataFrame, file: str, issues: IssueList) -> None:
    key = [k for k in t.key if k]
    if not key or any(k not in df.columns for k in key):
        return
    required = [k for k in key if t.column(k).required]
    # the key columns only (filtering the whole table first copied every column)
    sub = df.lazy().select(*_loc(df), *key)
    if required:
        sub = sub.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in required))
    if _keys_distinct(df, key, sub):
        return
    sub = sub.select(*_loc(df), (_key_text(key) if len(key) > 1 else pl.col(key[0])).alias("__k"))
    dup = sub.filter(pl.col("__k").is_duplicated()).collect()
    if dup.height == 0:
        return
    first = dup.group_by("__k").agg(pl.col(ROW).min().alias("__first"))
    later = dup.join(first, on="__k").filter(pl.col(ROW) != pl.col("__first")).sort(ROW)
    cols = [t.column(k) for k in key]
    label = " + ".join(f"{c.name}/{c.zh}" for c in cols)
    emit_rows(
        issues,
        later,
        "duplicate_id",
        file=file,
        column=key[0],
        column_zh=cols[0].zh,
        value_col="__k",
        extras=lambda rec: {"first": rec["__first"], "col": label},
    )


def check_credit_codes(df: pl.DataFrame, file: str, issues: IssueList) -> None:
    """Warn when one credit code is given to enterprises under different ids: one firm counted twice
    (e.g. an upload's list with its own ids merged with the data). Rows with the same id are
    ``duplicate_id`` errors already."""
    if "credit_code" not in df.columns or "id" not in df.columns:
        return
    sub = df.lazy().select(*_loc(df), "id", "credit_code").filter(pl.col("credit_code").is_not_null())
    dup = sub.filter(pl.col("credit_code").is_duplicated()).collect()
    if dup.height == 0:
        return
    dup = dup.unique(["credit_code", "id"], keep="first", maintain_order=True)
    firsts = dup.group_by("credit_code", maintain_order=True).first()
    where = pl.col(FILE) + pl.lit(" ") if FILE in dup.columns else pl.lit("")
    firsts = firsts.select("credit_code", pl.col("id").alias("__first_id"), (where + pl.lit("第") + pl.col(ROW).cast(pl.Utf8) + pl.lit("行")).alias("__first"))
    later = dup.join(firsts, on="credit_code").filter(pl.col("id") != pl.col("__first_id")).sort(ROW)
    emit_rows(
        issues,
        later,
        "duplicate_credit_code",
        file=file,
        column="credit_code",
        column_zh=TABLES["enterprises"].column("credit_code").zh,
        value_col="credit_code",
        extras=lambda rec: {"first": rec["__first"], "first_id": rec["__first_id"], "own_id": rec["id"]},
    )


def _ref_target(name: str, tables: dict[str, pl.DataFrame], regions: pl.DataFrame) -> pl.DataFrame | None:
    if name == "regions":
        return regions
    return tables.get(name)


def _ref_file(name: str, fmt: str | None) -> str:
    return phrase("sheet_ref", name=name) if fmt == "xlsx" else f"{name}.csv"


#: a mistyped reference gets "您是否要找…" among at most this many ids (segments, chains, parks …; not a million firms)
HINT_MAX_IDS = 5_000


def _hinter(target: pl.DataFrame | None, ref_col: str):
    """``value -> "（您是否要找：EV-U04（电池）？）"`` (or "") over the ids of ``target``; None when it is too large."""
    if target is None or ref_col not in target.columns or not 0 < target.height <= HINT_MAX_IDS:
        return None
    from graph.lookup import did_you_mean, suggest_among

    names = target.get_column("name").to_list() if "name" in target.columns else [None] * target.height
    pairs = [(str(i), n) for i, n in zip(target.get_column(ref_col).to_list(), names) if i is not None]

    def hint(value: str) -> str:
        found = suggest_among(pairs, str(value), 3)
        return f"（{did_you_mean(found)}）" if found else ""

    return hint


def check_refs(t: Table, df: pl.DataFrame, file: str, tables, regions, fmt, issues: IssueList) -> None:
    for c in t.columns:
        if c.ref is None or c.name not in df.columns:
            continue
        ref_table, ref_col = c.ref
        target = _ref_target(ref_table, tables, regions)
        ids = (
            target.select(pl.col(ref_col).alias("__v")).drop_nulls()  # anti join: duplicates harmless
            if target is not None and ref_col in target.columns
            else pl.DataFrame({"__v": []}, schema={"__v": pl.Utf8})
        )
        vals = df.lazy().select(*_loc(df), pl.col(c.name).alias("__v"))  # one lazy pass per column
        if c.type == "list":
            vals = vals.explode("__v")
        bad = vals.filter(pl.col("__v").is_not_null()).join(ids.lazy(), on="__v", how="anti").collect().sort(ROW)
        hint = _hinter(target, ref_col) if bad.height and ref_table != "regions" else None
        emit_rows(
            issues,
            bad,
            "unknown_reference",
            file=file,
            column=c.name,
            column_zh=c.zh,
            value_col="__v",
            template="unknown_region" if ref_table == "regions" else None,
            ref_file=_ref_file(ref_table, fmt),
            ref_column=ref_col,
            extras=lambda rec, hint=hint: {"hint": hint(rec["__v"]) if hint else ""},
        )


def check_segments(df: pl.DataFrame, file: str, issues: IssueList) -> None:
    if not {"id", "parent_id", "chain_id"} <= set(df.columns):
        return
    t = TABLES["segments"]
    pcol = t.column("parent_id")
    rows = df.select(*_loc(df), "id", "parent_id", "chain_id").drop_nulls(["id"]).unique("id", keep="first", maintain_order=True)
    # parent in another chain
    parents = rows.select(pl.col("id").alias("parent_id"), pl.col("chain_id").alias("__pchain"))
    other = (
        rows.join(parents, on="parent_id", how="inner")
        .filter(pl.col("chain_id").is_not_null() & pl.col("__pchain").is_not_null() & (pl.col("chain_id") != pl.col("__pchain")))
        .sort(ROW)
    )
    emit_rows(
        issues,
        other,
        "parent_other_chain",
        file=file,
        column="parent_id",
        column_zh=pcol.zh,
        value_col="parent_id",
        extras=lambda rec: {"other_value": rec["__pchain"], "own_value": rec["chain_id"]},
    )
    # parent cycles
    parent = {i: p for i, p in zip(rows["id"], rows["parent_id"]) if p is not None}
    row_of = dict(zip(rows["id"], rows[ROW]))
    file_of = dict(zip(rows["id"], rows[FILE])) if FILE in rows.columns else {}
    state: dict[str, int] = {}
    for start in sorted(parent, key=lambda s: row_of[s]):
        path, node = [], start
        while node in parent and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node in path:
            cyc = path[path.index(node):]
            first = min(cyc, key=lambda s: row_of[s])
            k = cyc.index(first)
            cyc = cyc[k:] + cyc[:k]
            issues.add(
                issue(
                    "parent_cycle",
                    file=file_of.get(first, file),
                    row=row_of[first],
                    column="parent_id",
                    column_zh=pcol.zh,
                    value=parent[first],
                    cycle=" → ".join(cyc + [first]),
                )
            )
        for n in path:
            state[n] = 2


def check_segment_links(df: pl.DataFrame, file: str, issues: IssueList) -> None:
    if not {"from_id", "to_id"} <= set(df.columns):
        return
    self_links = df.filter(pl.col("from_id") == pl.col("to_id")).sort(ROW)
    emit_rows(issues, self_links, "self_link", file=file, column="to_id", column_zh=TABLES["segment_links"].column("to_id").zh, value_col="to_id")
    edges = df.filter(pl.col("from_id").is_not_null() & pl.col("to_id").is_not_null() & (pl.col("from_id") != pl.col("to_id")))
    g = nx.DiGraph()
    g.add_edges_from(zip(edges["from_id"], edges["to_id"]))
    for comp in sorted((sorted(c) for c in nx.strongly_connected_components(g) if len(c) > 1), key=lambda c: c[0]):
        cyc = nx.find_cycle(g.subgraph(comp), source=comp[0])
        names = [u for u, _ in cyc] + [cyc[0][0]]
        issues.add(issue("supplies_cycle", file=file, cycle=" → ".join(names)))


def check_project_dates(df: pl.DataFrame, file: str, issues: IssueList) -> None:
    t = TABLES["projects"]
    order = " ≤ ".join(f"{c}/{t.column(c).zh}" for c in ("signed_on", "started_on", "producing_on"))
    for a, b in STAGE_DATE_PAIRS:
        if a not in df.columns or b not in df.columns:
            continue
        cond = pl.col(b) < pl.col(a)
        if (a, b) == ("signed_on", "producing_on") and "started_on" in df.columns:
            cond = cond & pl.col("started_on").is_null()  # else reported by the two steps
        bad = df.filter(cond).select(*_loc(df), pl.col(a).cast(pl.Utf8).alias("__a"), pl.col(b).cast(pl.Utf8).alias("__b")).sort(ROW)
        ca, cb = t.column(a), t.column(b)
        emit_rows(
            issues,
            bad,
            "stage_dates_order",
            file=file,
            column=b,
            column_zh=cb.zh,
            value_col="__b",
            other_col=f"{a}/{ca.zh}",
            extras=lambda rec: {"other_value": rec["__a"]},
            order=order if a != "planned_start" else f"planned_start/{ca.zh} ≤ planned_production/{cb.zh}",
        )


# ---------------------------------------------------------------- entry point


def validate_tables(
    raws: dict[str, RawTable],
    issues: IssueList,
    fmt: str | None,
    unreadable: set[str] = frozenset(),
    book: str | None = None,
    years: tuple[int, int] = DEFAULT_YEARS,
    release: bool = False,
) -> dict[str, pl.DataFrame]:
    """Parse and check every table; returns typed tables (meaningful only without errors).

    ``unreadable`` names tables whose file exists but could not be read (no
    ``missing_file`` for those); ``book`` is the workbook's file name when
    ``fmt == "xlsx"``; ``release`` empties each raw table's frame once it is
    typed (the text and the typed tables of 1M enterprises are never both held).
    """
    for name in REQUIRED_TABLES:
        if name not in raws and name not in unreadable and fmt is not None:
            t = TABLES[name]
            if fmt == "xlsx":
                issues.add(issue("missing_file", template="missing_sheet", file=book or t.file, table=name, table_zh=t.zh))
            else:
                issues.add(issue("missing_file", file=t.file, table=name, table_zh=t.zh))
    parsed: dict[str, pl.DataFrame] = {}
    for name, raw in raws.items():
        parsed[name] = _parse_table(raw, issues, years)
        if release:
            raw.df = raw.df.clear()
    for name, df in parsed.items():
        check_keys(TABLES[name], df, raws[name].file, issues)
    own_regions = parsed.get("regions")
    regions = merge_regions(conform("regions", own_regions) if own_regions is not None else None)
    for name, df in parsed.items():
        check_refs(TABLES[name], df, raws[name].file, parsed, regions, fmt, issues)
    if "segments" in parsed:
        check_segments(parsed["segments"], raws["segments"].file, issues)
    if "segment_links" in parsed:
        check_segment_links(parsed["segment_links"], raws["segment_links"].file, issues)
    if "projects" in parsed:
        check_project_dates(parsed["projects"], raws["projects"].file, issues)
    if "enterprises" in parsed:
        check_credit_codes(parsed["enterprises"], raws["enterprises"].file, issues)
    tables = {name: conform(name, parsed.pop(name, None)) for name in TABLES}  # each parsed frame goes once conformed
    tables["regions"] = conform("regions", regions)
    return tables

