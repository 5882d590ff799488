"""The in-memory view that the analysis runs on.

A :class:`GraphView` holds the dataset's tables as polars DataFrames with the
contract's column names and types (one table per dataset file), and builds,
on demand, a small networkx graph of segments only (``SUPPLIES`` edges;
``PART_OF`` kept apart). Enterprises never become networkx nodes: everything
per enterprise stays vectorised in polars.

Both stores read back into exactly these tables, so every analysis result is
the same whichever store holds the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import networkx as nx
import polars as pl

from graph.schema import ENUMS, TABLES

POLARS_TYPES: dict[str, pl.DataType] = {
    "str": pl.Utf8,
    "enum": pl.Utf8,
    "float": pl.Float64,
    "share": pl.Float64,
    "int": pl.Int64,
    "bool": pl.Boolean,
    "date": pl.Date,
    "list": pl.List(pl.Utf8),
}


def table_schema(table: str) -> dict[str, pl.DataType]:
    """The polars schema of a dataset table, in contract column order."""
    return {c.name: POLARS_TYPES[c.type] for c in TABLES[table].columns}


def empty_table(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=table_schema(table))


def conform(table: str, df: pl.DataFrame | None) -> pl.DataFrame:
    """Return ``df`` with exactly the contract columns of ``table``, typed.

    Missing optional columns are added as nulls; extra columns are dropped.
    """
    schema = table_schema(table)
    if df is None:
        return empty_table(table)
    cols = []
    for name, dtype in schema.items():
        if name in df.columns:
            # a column already typed is kept as it is: a cast of a list column to its own type copies it into one
            # chunk, and a frame whose columns are chunked apart is copied whole (every column) by its next select
            s = df.get_column(name)
            cols.append((s if s.dtype == dtype else s.cast(dtype, strict=False)).alias(name))
        else:
            cols.append(pl.lit(None, dtype=dtype).alias(name))
    if not cols:
        return empty_table(table)
    return df.select(cols) if df.width else pl.DataFrame(schema=schema)


@dataclass
class GraphView:
    """Typed tables of one dataset plus lazily built segment graphs.

    Parameters
    ----------
    tables : dict of str to polars.DataFrame
        Keyed by dataset table name (``industries``, ``chains``, ``segments``,
        ``segment_links``, ``enterprises``, ``enterprise_segments``,
        ``supply_links``, ``regions``, ``parks``, ``park_stats``,
        ``projects``). Missing tables become empty ones.
    meta : dict
        Free-form provenance (dataset path, ingest time, demo flag, ...).
    indexes : dict of str to polars.Series
        Derived columns computed once per generation and persisted with the view
        (:mod:`graph.stores.viewfile`), e.g. ``es_eidx``: the enterprise row of each
        ``enterprise_segments`` row. The analysis uses them when present and builds
        them otherwise.
    aggregates : dict
        Figures a server computed for a *scoped* view (:mod:`graph.stores.neo4j_scoped`): such a
        view holds every small table but only the local enterprises (``local = true``), their
        ``enterprise_segments`` rows and the ``supply_links`` touching them; the figures that need
        the other enterprises come precomputed: ``candidate_counts`` (segment_id,
        candidate_count), ``enterprise_region_codes`` and ``supply_link_count``. Empty for a
        full view. A segment's target pool is added to a scoped view with its rows (``pool_of``).

    Examples
    --------
    >>> import polars as pl
    >>> v = GraphView({"segments": pl.DataFrame({"id": ["a", "b"], "chain_id": ["c", "c"],
    ...     "name": ["A", "B"], "stage": ["upstream", "downstream"]}),
    ...     "segment_links": pl.DataFrame({"from_id": ["a"], "to_id": ["b"]})})
    >>> sorted(v.supplies_graph.edges())
    [('a', 'b')]
    """

    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    indexes: dict[str, pl.Series] = field(default_factory=dict)
    aggregates: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.tables = {name: conform(name, self.tables.get(name)) for name in TABLES}

    def __getattr__(self, name: str) -> pl.DataFrame:
        # view.enterprises, view.segments, ... (only for table names)
        tables = self.__dict__.get("tables")
        if tables is not None and name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def is_empty(self) -> bool:
        return self.tables["segments"].height == 0 and self.tables["enterprises"].height == 0

    @property
    def scoped(self) -> bool:
        """True for a scoped view (only the local enterprises, the rest as aggregates)."""
        return bool(self.aggregates)

    def has_supply_links(self) -> bool:
        """Whether the dataset has any supply link (a scoped view holds only those touching a local enterprise)."""
        if "supply_link_count" in self.aggregates:
            return int(self.aggregates["supply_link_count"]) > 0
        return self.tables["supply_links"].height > 0

    def enterprise_region_codes(self) -> set[str]:
        """The region codes enterprises are registered in (every enterprise, also in a scoped view)."""
        if "enterprise_region_codes" in self.aggregates:
            return set(self.aggregates["enterprise_region_codes"])
        return set(self.tables["enterprises"].get_column("region_code").drop_nulls().unique().to_list())

    @cached_property
    def supplies_graph(self) -> nx.DiGraph:
        """Segments as nodes (with their row as attributes), ``SUPPLIES`` as edges."""
        g = nx.DiGraph()
        for row in self.tables["segments"].iter_rows(named=True):
            g.add_node(row["id"], **row)
        links = self.tables["segment_links"]
        g.add_edges_from(zip(links.get_column("from_id").to_list(), links.get_column("to_id").to_list()))
        return g

    @cached_property
    def part_of_graph(self) -> nx.DiGraph:
        """Edges child -> parent (``PART_OF``)."""
        g = nx.DiGraph()
        seg = self.tables["segments"]
        g.add_nodes_from(seg.get_column("id").to_list())
        sub = seg.filter(pl.col("parent_id").is_not_null())
        g.add_edges_from(zip(sub.get_column("id").to_list(), sub.get_column("parent_id").to_list()))
        return g

    def chain_order(self) -> list[str]:
        """Chain ids ordered by their industry's category (leading, emerging, specialty, as in the
        schema), then id; a chain of an unknown category last.

        >>> v = GraphView({"industries": pl.DataFrame({"id": ["A", "B"], "name": ["a", "b"], "category": ["specialty", "leading"]}),
        ...     "chains": pl.DataFrame({"id": ["C1", "C2"], "name": ["x", "y"], "industry_id": ["A", "B"]})})
        >>> v.chain_order()
        ['C2', 'C1']
        """
        order = {c: i for i, c in enumerate(ENUMS["category"])}
        ch = self.chains.join(self.industries.select(pl.col("id").alias("industry_id"), "category"), on="industry_id", how="left")
        rows = sorted(ch.iter_rows(named=True), key=lambda r: (order.get(r["category"], len(order)), r["id"]))
        return [r["id"] for r in rows]
