"""Dataset tables <-> graph node and relationship frames, driven by graph.schema.

Both stores write the frames made here and read back through
:func:`tables_from_graph`, so the tables analysis sees are the same whichever
store holds the graph. Pure functions over polars frames; no I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import polars as pl

from graph.schema import NODES, RELS, TABLES, NodeSpec, RelSpec
from graph.view import conform

SRC, DST = "_src", "_dst"


def region_level(code: pl.Expr) -> pl.Expr:
    """province / city / county / zone from a 6-digit division code."""
    tail2 = code.str.slice(4, 2)
    return (
        pl.when(code.str.len_chars() != 6)
        .then(pl.lit("other"))
        .when(code.str.ends_with("0000"))
        .then(pl.lit("province"))
        .when(tail2 == "00")
        .then(pl.lit("city"))
        .when(tail2.cast(pl.Int32, strict=False).is_between(71, 79))
        .then(pl.lit("zone"))
        .otherwise(pl.lit("county"))
    )


def _source(table: str, tables: Mapping[str, pl.DataFrame], columns: set[str]) -> pl.DataFrame:
    """``tables[table]`` conformed, of which only ``columns`` are used: the others are not read.

    On a memory-mapped table (:class:`graph.stores.viewfile.StagedView`) conforming the whole
    table first made polars touch every column: 1M enterprises, 2 columns needed, ~230 MB paged in.
    """
    df = tables.get(table)
    if df is not None:
        df = df.select([c for c in df.columns if c in columns])
    return conform(table, df)


def node_frame(spec: NodeSpec, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Node properties of ``spec.label``, in schema order, ``id`` first-class."""
    src = _source(spec.table, tables, {p.name for p in spec.props} | {"code", "park_id", "period"})
    if spec.label == "Region":
        df = src.with_columns(pl.col("code").alias("id"), region_level(pl.col("code")).alias("level"))
    elif spec.label == "ParkStat":
        df = src.with_columns((pl.col("park_id") + "|" + pl.col("period")).alias("id"))
    else:
        df = src
    return df.select([p.name for p in spec.props])


def rel_frame(spec: RelSpec, tables: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    """Relationship rows ``_src``, ``_dst`` (node ids) plus properties; null ends dropped."""
    src = _source(spec.table, tables, {spec.src_col, spec.dst_col, "park_id", "period"} | {p.name for p in spec.props})
    if spec.table == "park_stats" and spec.dst_col == "id":
        src = src.with_columns((pl.col("park_id") + "|" + pl.col("period")).alias("id"))
    cols = [pl.col(spec.src_col).alias(SRC), pl.col(spec.dst_col).alias(DST)] + [pl.col(p.name) for p in spec.props]
    df = src.select(cols)
    if spec.explode:
        df = df.explode(DST)
    return df.filter(pl.col(SRC).is_not_null() & pl.col(DST).is_not_null() & (pl.col(DST) != ""))


def graph_frames(tables: Mapping[str, pl.DataFrame]) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """All node frames (by label) and relationship frames (by type) of a dataset."""
    nodes = {label: node_frame(spec, tables) for label, spec in NODES.items()}
    rels = {rtype: rel_frame(spec, tables) for rtype, spec in RELS.items()}
    return nodes, rels


def iter_frames(tables: Mapping[str, pl.DataFrame]) -> Iterator[tuple[str, str, pl.DataFrame]]:
    """``(kind, name, frame)`` for every node label, then every relationship type, made one at a time.

    With a lazily loading ``tables`` (:class:`graph.stores.viewfile.StagedView`) a writer holds
    one frame at a time: memory stays at the size of the largest table, not of the dataset.
    """
    for label, spec in NODES.items():
        yield "node", label, node_frame(spec, tables)
    for rtype, spec in RELS.items():
        yield "rel", rtype, rel_frame(spec, tables)


def iter_frames_then(tables: Mapping[str, pl.DataFrame], more: Callable[[], Mapping[str, pl.DataFrame]]) -> Iterator[tuple[str, str, pl.DataFrame]]:
    """:func:`iter_frames` for tables that come in two parts: first every frame made only of ``tables``,
    then, from what ``more()`` gives (it may wait for the rest, or raise), the frames that need the rest.

    Each part in :func:`iter_frames` order (node labels before relationship types). ``tables`` must hold
    the tables the second part's relationships start or end at (their node labels come first).
    """
    specs = [("node", label, spec) for label, spec in NODES.items()] + [("rel", rtype, spec) for rtype, spec in RELS.items()]
    later = [s for s in specs if s[2].table not in tables]
    for kind, name, spec in specs:
        if spec.table in tables:
            yield kind, name, node_frame(spec, tables) if kind == "node" else rel_frame(spec, tables)  # type: ignore[arg-type]
    if not later:
        return
    tables = more()
    for kind, name, spec in later:
        yield kind, name, node_frame(spec, tables) if kind == "node" else rel_frame(spec, tables)  # type: ignore[arg-type]


# Tables that exist only as relationships; every other table is read from its nodes.
REL_ONLY_TABLES = {"segment_links": "SUPPLIES", "enterprise_segments": "OPERATES_IN", "supply_links": "SUPPLIES_TO"}


def tables_from_graph(nodes: dict[str, pl.DataFrame], rels: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Invert :func:`graph_frames`: node and relationship frames back to dataset tables.

    ``nodes[label]`` holds the label's properties; ``rels[type]`` holds
    ``_src``, ``_dst`` and properties, for the relationship-only tables.
    Rows are sorted by their key so both stores return identical tables.
    """
    out: dict[str, pl.DataFrame] = {}
    for label, spec in NODES.items():
        df = nodes.get(label)
        if df is None:
            continue
        if label == "Region":
            df = df.drop([c for c in ("id", "level") if c in df.columns])
        elif label == "ParkStat":
            df = df.drop("id") if "id" in df.columns else df
        out[spec.table] = conform(spec.table, df)
    for table, rtype in REL_ONLY_TABLES.items():
        spec = RELS[rtype]
        df = rels.get(rtype)
        if df is None:
            continue
        out[table] = conform(table, df.rename({SRC: spec.src_col, DST: spec.dst_col}))
    return {name: canonical_order(name, df) for name, df in out.items()}


def _is_key_sorted(df: pl.DataFrame, key: list[str]) -> bool:
    """True when ``df`` is already in key order (one pass, no sort): the common case for generated and exported data."""
    if df.select(pl.any_horizontal(pl.col(k).is_null() for k in key).any()).item():
        return False  # nulls in a key column: let the sort place them (rare; keys are required)
    first = df.get_column(key[0])
    if not first.is_sorted():
        return False
    if len(key) == 1:
        return True
    same = pl.lit(True)
    ordered = pl.lit(False)
    for k in key:  # lexicographic: row i <= row i+1
        prev = pl.col(k).shift(1)
        ordered = ordered | (same & (pl.col(k) > prev))
        same = same & (pl.col(k) == prev)
    ok = (ordered | same).slice(1)
    return bool(df.select(ok.all()).item())


def canonical_order(table: str, df: pl.DataFrame) -> pl.DataFrame:
    """``df`` sorted by the table's key (nulls last), the order both stores read back in.

    Already-sorted frames are returned as they are (checked in one pass), so a sorted
    dataset pays no sort.

    >>> df = pl.DataFrame({"enterprise_id": ["b", "a", "a"], "segment_id": ["x", "y", "x"]})
    >>> canonical_order("enterprise_segments", df).rows()
    [('a', 'x'), ('a', 'y'), ('b', 'x')]
    """
    key = [k for k in TABLES[table].key if k and k in df.columns]
    if not key or df.height < 2 or _is_key_sorted(df, key):
        return df
    return df.sort(key, nulls_last=True)
