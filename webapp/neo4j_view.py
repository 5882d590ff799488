"""The app's pages on Neo4j: the scoped view, one target pool per segment, the full read only where needed.

On the embedded store every page reads the one persisted view (mapped in milliseconds). On Neo4j
reading every enterprise and link over Bolt into the app's process costs seconds at 100,000
enterprises and memory at province scale, so:

* :func:`webapp.context.setup` reads the *scoped view* (:func:`graph.stores.neo4j_scoped.read_scoped_view`:
  small tables, local enterprises and their links, server-side aggregates), once per store
  version, shared by all sessions. 总览, 产业链图谱, 缺链清单, 招商目标, 园区, 变化与趋势 and 招商线索
  compute every figure from it (the same numbers as on the embedded store).
* 招商目标 and the top ten of 产业链图谱 rank one segment's pool (:func:`pool_view`, one query per
  pool, the last few pools kept); 推演 and 项目跟踪 add the companies they need whole, read by id
  (:func:`whatif_view`, :func:`with_companies`); leads look their companies up by id.
* 企业 searches an index of every enterprise's id, name, codes and local flag (:func:`search_view`,
  once per store version) and builds a profile on the scoped view plus that company whole, its ties
  and their other side (:func:`company_view`), each segment ranked on its pool; 挂接审核 reads one
  segment's links with their companies (:func:`review_view`) and the chain's proposed links per
  segment, counted by the server (:func:`pending_counts`).
* The downloadable reports (产业链招商报告, 全市产业链招商报告, 督查通报) are built on the scoped view plus
  the projects' investors (:func:`report_view`), each segment's targets ranked on its pool, the pools
  of a batch of segments read as one (:func:`report_pools`): the same content as on the embedded
  store, without the whole graph.
* Only a page that does not declare itself scoped gets the whole graph (:func:`full_view`).

Nothing here writes; every read goes through the store's generation-checked helpers.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Callable

import streamlit as st

from graph.stores import Store
from graph.view import GraphView

if TYPE_CHECKING:
    from webapp.context import Ctx


def is_neo4j(store: Store | None) -> bool:
    """Whether ``store`` is a Neo4j store (the scoped view applies).

    Without importing the Neo4j module: no Neo4j store exists in a process that never imported it,
    and importing it (the driver) cost the embedded app's first page 0.3-0.5 s.
    """
    mod = sys.modules.get("graph.stores.neo4j")
    return mod is not None and isinstance(store, mod.Neo4jStore)


@st.cache_resource(show_spinner="正在读取图谱数据（本地企业与汇总）…", max_entries=3)
def scoped_view(location: str, version: str, _store: Store) -> GraphView:
    """The scoped view of store version ``version`` (with candidate counts and the 招商目标 filters' choices), shared by all sessions."""
    from graph.stores.neo4j_scoped import read_scoped_view

    return read_scoped_view(_store, filters=True)


@st.cache_resource(show_spinner="正在读取该环节的候选企业…", max_entries=16)
def _pool_view(location: str, version: str, segment_id: str, _store: Store, _view: GraphView) -> GraphView:
    from graph.stores.neo4j_scoped import add_pool

    return add_pool(_store, _view, segment_id)


def pool_view(c: Ctx, segment_id: str) -> GraphView:
    """The view to rank ``segment_id``'s targets on: the scoped view plus that segment's pool
    (Neo4j), else the page's view."""
    if c.view is None or not c.view.scoped or c.store is None:
        return c.view  # type: ignore[return-value]
    return _pool_view(c.location, c.version, segment_id, c.store, c.view)


def full_view(c: Ctx) -> GraphView | None:
    """The whole graph (every enterprise and link): the page's view, read in full on Neo4j."""
    if c.view is None or not c.view.scoped or c.store is None:
        return c.view
    from webapp.store import load_view

    return load_view(c.location, c.version, c.store)


def report_view(c: Ctx) -> GraphView:
    """The view a report is built on: the page's view, on Neo4j the scoped view plus the projects' investors (read by id)."""
    view = c.view
    if view is None or not view.scoped or c.store is None:
        return view  # type: ignore[return-value]
    return with_companies(c, view.projects.get_column("enterprise_id").drop_nulls().to_list())


@st.cache_resource(show_spinner="正在读取缺口环节的候选企业…", max_entries=2)
def _pools_view(location: str, version: str, segment_ids: tuple, _store: Store, _view: GraphView) -> GraphView:
    from graph.stores.neo4j_scoped import add_pools

    return add_pools(_store, _view, segment_ids)


def report_pools(c: Ctx) -> Callable[[str], GraphView] | None:
    """Segment id -> the view a report ranks that segment's targets on (Neo4j: the scoped view plus the pools of a
    batch of segments, read as one, :class:`reports.pools.SegmentPools`; the last two batches kept, so the Word
    and PDF of one chain's report read once); None elsewhere (the report's own view has every candidate)."""
    if c.view is None or not c.view.scoped or c.store is None:
        return None
    from reports.pools import SegmentPools, pool_sizes

    return SegmentPools(lambda ids: _pools_view(c.location, c.version, tuple(ids), c.store, c.view), pool_sizes(c.view))


def enterprise_count(view: GraphView) -> int:
    """Enterprises in the dataset (every one, also on a scoped view)."""
    if "enterprise_count" in view.aggregates:
        return int(view.aggregates["enterprise_count"])
    return view.enterprises.height


def candidate_filters(view: GraphView) -> tuple[list[str], list[str]]:
    """(provinces, qualifications) of the candidates (``local`` not true), sorted, for 招商目标's filters.

    >>> from graph.analysis._example import tiny_view
    >>> candidate_filters(tiny_view())
    (['广东', '江苏'], ['专精特新小巨人'])
    """
    import polars as pl

    if "candidate_provinces" in view.aggregates:
        quals = [q for q in view.aggregates["candidate_qualifications"] if q.strip() != "无"]
        return list(view.aggregates["candidate_provinces"]), quals
    cand = view.enterprises.filter(~pl.col("local").fill_null(False))
    provinces = sorted(p for p in cand.get_column("province").drop_nulls().unique().to_list() if p)
    quals = sorted({q for lst in cand.get_column("qualifications").drop_nulls().to_list() for q in lst if q and q.strip() != "无"})
    return provinces, quals


def known_enterprise_ids(c: Ctx, ids: list[str]) -> set[str]:
    """Which of ``ids`` are enterprises of the graph (on Neo4j looked up by id: a scoped view holds only the local ones)."""
    return set(enterprise_names(c, ids))


@st.cache_resource(show_spinner="正在读取落地企业的数据…", max_entries=16)
def _companies_view(location: str, version: str, ids: tuple, _store: Store, _view: GraphView) -> GraphView:
    from graph.stores.neo4j_scoped import add_companies

    return add_companies(_store, _view, ids)


def whatif_view(c: Ctx, add: tuple = (), projects: tuple = ()) -> GraphView:
    """The view to run a what-if on: on Neo4j the scoped view plus every row of the companies that
    land (the basket's targets and the projects' investors), read by id; else the page's view."""
    view = c.view
    if view is None or not view.scoped or c.store is None:
        return view  # type: ignore[return-value]
    import polars as pl

    investors = view.projects.filter(pl.col("id").is_in(list(projects))).get_column("enterprise_id").drop_nulls().to_list()
    return with_companies(c, {e for e, _ in add} | set(investors))


def with_companies(c: Ctx, ids) -> GraphView:
    """The page's view holding these enterprises whole (on Neo4j the scoped view plus their rows, read by id)."""
    view = c.view
    ids = tuple(sorted({i for i in ids if i}))
    if view is None or not view.scoped or c.store is None or not ids:
        return view  # type: ignore[return-value]
    return _companies_view(c.location, c.version, ids, c.store, view)


def enterprise_names(c: Ctx, ids) -> dict[str, str]:
    """id -> name of those of ``ids`` that are enterprises of the graph (on Neo4j looked up by id)."""
    import polars as pl

    ids = sorted({i for i in ids if i})
    view = c.view
    if view is None or not ids:
        return {}
    if not view.scoped or c.store is None:
        rows = view.enterprises.filter(pl.col("id").is_in(ids)).select("id", "name").iter_rows()
    else:
        from graph import queries as Q

        found = c.store.query(Q.ENTERPRISES_BY_ID, {"ids": ids}, row_cap=len(ids) + 1).records()  # as `indmap lead` looks them up
        rows = ((r["id"], r["name"]) for r in found)
    return {i: n or i for i, n in rows}


@st.cache_resource(show_spinner="正在读取企业名录（名称与代码）…", max_entries=3)
def _search_index(location: str, version: str, _store: Store) -> GraphView:
    from graph.stores.neo4j_pages import read_search_index

    return read_search_index(_store)


def search_view(c: Ctx) -> GraphView:
    """The view the company search and id look-up run on: the page's view, on Neo4j a few columns of every enterprise."""
    if c.view is None or not c.view.scoped or c.store is None:
        return c.view  # type: ignore[return-value]
    return _search_index(c.location, c.version, c.store)


@st.cache_resource(show_spinner="正在读取该企业的数据…", max_entries=16)
def _company_view(location: str, version: str, enterprise_id: str, _store: Store, _view: GraphView) -> GraphView:
    from graph.stores.neo4j_pages import add_company

    return add_company(_store, _view, enterprise_id)


def company_view(c: Ctx, enterprise_id: str) -> GraphView:
    """The view a company's profile is built on: the page's view, on Neo4j the scoped view plus the company whole,
    its ties and their other side (read by id)."""
    if c.view is None or not c.view.scoped or c.store is None:
        return c.view  # type: ignore[return-value]
    return _company_view(c.location, c.version, enterprise_id, c.store, c.view)


@st.cache_resource(show_spinner="正在读取该环节的挂接…", max_entries=16)
def _review_view(location: str, version: str, segment_id: str, include_confirmed: bool, _store: Store) -> GraphView:
    from graph.stores.neo4j_pages import review_view

    return review_view(_store, segment_id, include_confirmed=include_confirmed)


def review_view(c: Ctx, segment_id: str, include_confirmed: bool) -> GraphView:
    """The view holding a segment's links to review: the page's view, on Neo4j that segment's links and their companies."""
    if c.view is None or not c.view.scoped or c.store is None:
        return c.view  # type: ignore[return-value]
    return _review_view(c.location, c.version, segment_id, include_confirmed, c.store)


@st.cache_data(show_spinner=False, max_entries=32)
def _pending_counts(location: str, version: str, chain_id: str, _store: Store) -> dict[str, int]:
    from graph.stores.neo4j_pages import pending_counts

    return pending_counts(_store, chain_id)


def pending_counts(c: Ctx, chain_id: str) -> dict[str, int]:
    """Segment id -> proposed (待核实) links in a chain (on Neo4j counted by the server)."""
    from webapp.review import pending_counts as counted

    if c.view is None or not c.view.scoped or c.store is None:
        return counted(c.view, chain_id)
    return _pending_counts(c.location, c.version, chain_id, c.store)
