"""What the 企业 and 挂接审核 pages read from a Neo4j store, without reading the whole graph.

* :func:`read_search_index`: a view holding only a few columns of every enterprise (id, name,
  local, stock code, credit code), what :func:`graph.lookup.search_enterprises` and
  :func:`graph.lookup.resolve` match against;
* :func:`add_company`: a scoped view (:mod:`graph.stores.neo4j_scoped`) plus one company whole
  (every property, every segment link), its supply ties in both directions and the other side of
  each tie (id, name, local), read by id: what :func:`graph.analysis.company.company_profile` shows;
* :func:`review_view` and :func:`pending_counts`: one segment's links (the proposed ones, or every
  one) with their companies' names, and the proposed links per segment of a chain, for review.

Every read is generation-checked (:meth:`Neo4jStore._consistent`); nothing here writes.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from graph import queries as Q
from graph.mapping import canonical_order, tables_from_graph
from graph.schema import NODES, RELS
from graph.stores.base import StoreError
from graph.stores.neo4j import READ_RETRIES, Neo4jStore
from graph.stores.neo4j_scoped import _frame, companies_view, read_scoped_view
from graph.view import GraphView, conform

LIKELY = "likely"  # a proposed link's confidence (a blank one counts as proposed, as on the page)
_INDEX_COLUMNS = ("id", "name", "local", "listed_code", "credit_code")
_NAME_COLUMNS = ("id", "name", "local")


def _props(names: tuple[str, ...]) -> list[Any]:
    by_name = {p.name: p for p in NODES["Enterprise"].props}
    return [by_name[n] for n in names]


def read_search_index(store: Neo4jStore) -> GraphView:
    """A view whose ``enterprises`` holds id, name, local, listed_code and credit_code of every enterprise (nothing else).

    One list over Bolt, about a quarter of the enterprises' bytes; the company search and the
    id look-up of the 企业 page run on it exactly as on a full view.
    """
    ents = store._consistent(lambda s: _frame(s, Q.SEARCH_INDEX, _props(_INDEX_COLUMNS)), "读取")
    return GraphView(tables_from_graph({"Enterprise": ents}, {}))


def _read_company(store: Neo4jStore, s: Any, enterprise_id: str) -> tuple[str, pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    links = _frame(s, Q.scoped_operates_in_by_id(), RELS["OPERATES_IN"].props, ends=True, ids=[enterprise_id])
    ents = _frame(s, Q.scoped_enterprises_by_id(), NODES["Enterprise"].props, ids=[enterprise_id])
    ties = _frame(s, Q.company_supplies_to(), RELS["SUPPLIES_TO"].props, ends=True, id=enterprise_id)
    ends = _frame(s, Q.COMPANY_TIE_ENDS, _props(_NAME_COLUMNS), id=enterprise_id)
    return store._generation(s), links, ents, ties, ends


def add_company(store: Neo4jStore, view: GraphView, enterprise_id: str) -> GraphView:
    """``view`` (scoped) plus enterprise ``enterprise_id`` whole, its supply ties and the other side of each.

    The company's rows replace any the view held; its ties (both directions) replace the ones
    the view held; the other side of a tie that the view does not hold is added with its id,
    name and local only (the profile names it; no analysis counts an enterprise without links).
    An unknown id returns ``view`` plus nothing. When a write switched generations since ``view``
    was read, the scoped view is read again first.
    """
    for _ in range(READ_RETRIES):
        generation, links, ents, ties, ends = store._consistent(lambda s: _read_company(store, s, enterprise_id), "读取")
        if generation == view.aggregates.get("generation"):
            return _company_view(view, enterprise_id, links, ents, ties, ends)
        view = read_scoped_view(store, filters="candidate_provinces" in view.aggregates)
    raise StoreError("读取期间数据库被反复更新，请稍后重试。")


def _company_view(view: GraphView, enterprise_id: str, links: pl.DataFrame, ents: pl.DataFrame, ties: pl.DataFrame, ends: pl.DataFrame) -> GraphView:
    out = companies_view(view, links, ents)
    tables = dict(out.tables)
    sl = tables_from_graph({}, {"SUPPLIES_TO": ties})["supply_links"]
    kept = tables["supply_links"].filter((pl.col("supplier_id") != enterprise_id) & (pl.col("customer_id") != enterprise_id))
    tables["supply_links"] = canonical_order("supply_links", pl.concat([kept, sl]))
    held = set(tables["enterprises"].get_column("id").to_list())
    stubs = ends.filter(~pl.col("id").is_in(list(held)))
    if stubs.height:
        tables["enterprises"] = canonical_order("enterprises", pl.concat([tables["enterprises"], conform("enterprises", stubs)]))
    return GraphView(tables, out.meta, aggregates=out.aggregates)


def review_view(store: Neo4jStore, segment_id: str, *, include_confirmed: bool = False) -> GraphView:
    """A view of segment ``segment_id``'s links (the proposed ones; every one with ``include_confirmed``)
    and their companies (id, name, local): :func:`webapp.review.segment_links` lists them as on a full view."""

    def read(s: Any) -> tuple[pl.DataFrame, pl.DataFrame]:
        links = _frame(s, Q.segment_review_links(), RELS["OPERATES_IN"].props, ends=True, segment=segment_id, all=include_confirmed, likely=LIKELY)
        ids = links.get_column("_src").unique().sort().to_list()
        return links, _frame(s, Q.ENTERPRISE_NAMES_BY_ID, _props(_NAME_COLUMNS), ids=ids)

    links, ents = store._consistent(read, "读取")
    return GraphView(tables_from_graph({"Enterprise": ents}, {"OPERATES_IN": links}))


def pending_counts(store: Neo4jStore, chain_id: str) -> dict[str, int]:
    """Segment id -> proposed (待核实) links, for the segments of ``chain_id`` that have any."""
    rows = store._consistent(lambda s: s.run(Q.CHAIN_PENDING_COUNTS, chain=chain_id, likely=LIKELY).single()["rows"], "读取")
    return {sid: int(n) for sid, n in rows}
