"""The scoped analysis view of a Neo4j store: the analysis pushed down into Cypher.

Reading every enterprise and link over Bolt into one process (:meth:`Neo4jStore.read_tables`)
costs seconds at 100,000 enterprises and defeats the server at national scale. Gaps, chain
completeness, one segment's targets and the park reports need far less:

* every small table (industries, chains, segments, segment links, regions, parks, park
  statistics, projects) as it is;
* the local enterprises (``local = true``, about 5 % of the rows), their
  ``enterprise_segments`` rows and the ``supply_links`` with a local enterprise at either end
  (the ``ties`` of a candidate and the links inside a park are all of this kind);
* per-segment aggregates over the other enterprises: the distinct candidates of each segment and
  its sub-segments (``candidate_counts``), the region codes enterprises are registered in (a region
  scope may name one), the number of supply links (whether ``ties`` is known at all), the number
  of enterprises and the provinces and qualifications of the candidates (the app's 总览 count and
  招商目标 filters). The writer stores those that scan the enterprises in the meta node with the
  generation (:mod:`graph.stores.scoped_stored`); the server counts them only for a graph
  written without them (an older indmap), and the supply links and enterprises always come from
  its count store.

:func:`read_scoped_view` returns that :class:`~graph.view.GraphView` (its ``aggregates`` set);
:func:`add_pool` adds one segment's target pool (its candidates with their factor inputs and
their ``enterprise_segments`` rows in the segment and its sub-segments), fetched by one query
for that pool, so :func:`graph.analysis.targets` ranks exactly as on the full view. ``indmap
targets`` reads even less: ``read_scoped_view(local=False)`` leaves out the local side too (at
national scale ≈ 500,000 local enterprises, their segment links and every supply link touching
them: most of the read), and :func:`add_pool` then reads the one part the ranking uses -- the
pool's supply links with local enterprises (walked from the pool's side) and those enterprises.
``indmap gaps`` and ``chains`` leave out the local side and the projects as well, and
:func:`add_presence` has the server count the local side of presence: one row per segment
(:mod:`graph.queries.presence`). Every answer equals the full view's (``tests/test_neo4j_scoped.py``,
``tests/test_neo4j_targets_pool.py``, ``tests/test_neo4j_gaps_presence.py``); :func:`add_companies` adds
companies whole, read by id (what-if), and :mod:`graph.stores.neo4j_pages` what the 企业 and 挂接审核
pages read; the reports build on it too (:mod:`webapp.report_buttons`, ``indmap report``).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Iterable

import polars as pl
from graph.stores.neo4j_driver import neo4j  # first: the driver without pandas (see there)
from neo4j import READ_ACCESS

from graph import queries as Q
from graph.mapping import canonical_order, tables_from_graph
from graph.schema import NODES, RELS
from graph.stores.base import StoreError
from graph.stores.neo4j import POLARS_BY_PROP_TYPE, READ_RETRIES, Neo4jStore
from graph.stores.neo4j_values import native
from graph.stores.scoped_stored import read_stored
from graph.view import GraphView, conform

SMALL_LABELS = tuple(label for label in NODES if label != "Enterprise")
#: aggregate of a view read with ``local=False``: its local enterprises come with a pool, only those tied to it
LOCALS_WITH_POOL = "locals_with_pool"
#: aggregate of a view read with ``projects=False`` (``indmap gaps``, ``chains``): its projects table is empty, not read
WITHOUT_PROJECTS = "without_projects"


def _frame(s: Any, cypher: str, props: Iterable, *, ends: bool = False, **params: Any) -> pl.DataFrame:
    """The ``rows`` list of ``cypher`` (run with ``params``) as a frame typed by the schema properties.

    Built column by column; only temporal columns go through :func:`native` (the driver returns
    strings, numbers, booleans and string lists as Python values already).
    """
    props = list(props)
    schema: dict[str, pl.DataType] = {"_src": pl.Utf8, "_dst": pl.Utf8} if ends else {}
    schema |= {p.name: POLARS_BY_PROP_TYPE[p.type] for p in props}
    temporal = {p.name for p in props if p.type in ("DATE", "TIMESTAMP")}
    rec = s.run(cypher, **params).single()
    rows = rec["rows"] if rec else []
    columns = list(zip(*rows)) if rows else [()] * len(schema)
    data = {name: [native(v) for v in col] if name in temporal else list(col) for (name, col) in zip(schema, columns)}
    return pl.DataFrame(data, schema=schema)


def closure_param(view: GraphView) -> list[dict[str, Any]]:
    """``$closure`` of :data:`graph.queries.SCOPED_ENTERPRISES_PER_SEGMENT`: each segment with its members (itself and its sub-segments).

    >>> from graph.analysis._example import tiny_view
    >>> [c for c in closure_param(tiny_view()) if c["segment"] == "S1"]
    [{'segment': 'S1', 'members': ['S1', 'S1a']}]
    """
    from graph.analysis.presence import segment_closure

    grouped = segment_closure(view).group_by("segment_id").agg(pl.col("member_id").unique().sort()).sort("segment_id")
    return [{"segment": s, "members": m} for s, m in grouped.iter_rows()]


def _aggregates(store: Neo4jStore, closure: list[dict[str, Any]] | None, filters: bool = False) -> tuple[str, dict[str, Any], str]:
    """(generation before, the server's figures over every enterprise, generation after), in a session of its own.

    With a ``closure``: the distinct enterprises per segment (``_per_segment``) and the links of
    enterprises whose ``local`` is blank (``_blank_links``), from which :func:`candidate_counts`
    takes the candidates; None leaves them out. ``filters``: also the provinces and
    qualifications of the candidates (the app's 招商目标 filters; two scans of every enterprise,
    which the CLI does not pay). A graph written by this indmap carries all of these but the two
    count-store figures in its meta node (:mod:`graph.stores.scoped_stored`): then ``candidate_counts``
    comes ready and nothing scans the enterprises; a graph without them is counted as above.
    """
    with store._session(READ_ACCESS) as s:
        before = store._generation(s)
        rec = s.run(Q.NEO4J_READ_META, meta_id=Q.META_ID).single()
        stored = read_stored(rec["json"] if rec else None, before)
        aggregates: dict[str, Any] = {  # the count store's figures: always asked for
            "supply_link_count": int(s.run(Q.count_rels("SUPPLIES_TO")).single()["n"]),
            "enterprise_count": int(s.run(Q.count_nodes("Enterprise")).single()["n"]),
        }
        if stored is not None:  # computed when the graph was written (graph.stores.scoped_stored)
            return before, aggregates | _from_stored(stored, closure is not None, filters), store._generation(s)
        aggregates["enterprise_region_codes"] = sorted(s.run(Q.SCOPED_ENTERPRISE_REGION_CODES).single()["codes"])
        if filters:
            aggregates["candidate_provinces"] = sorted(p for p in s.run(Q.SCOPED_CANDIDATE_PROVINCES).single()["values"] if p)
            aggregates["candidate_qualifications"] = sorted(q for q in s.run(Q.SCOPED_CANDIDATE_QUALIFICATIONS).single()["values"] if q)
        if closure is not None:
            aggregates["_per_segment"] = enterprises_per_segment(s, closure)
            total = aggregates["enterprise_count"]
            flagged = int(s.run(Q.SCOPED_COUNT_NOT_LOCAL).single()["n"]) + int(s.run(Q.SCOPED_COUNT_LOCAL).single()["n"])
            blank = s.run(Q.SCOPED_BLANK_LOCAL_LINKS).single()["rows"] if total > flagged else []
            aggregates["_blank_links"] = pl.DataFrame(blank, schema={"enterprise_id": pl.Utf8, "segment_id": pl.Utf8}, orient="row")
        return before, aggregates, store._generation(s)


def _from_stored(stored: dict[str, Any], candidates: bool, filters: bool) -> dict[str, Any]:
    """The aggregates taken from the figures stored at write time (all but the count store's two)."""
    aggregates: dict[str, Any] = {"enterprise_region_codes": stored["enterprise_region_codes"]}
    if filters:
        aggregates |= {k: stored[k] for k in ("candidate_provinces", "candidate_qualifications")}
    if candidates:
        aggregates["candidate_counts"] = stored["candidate_counts"]
    return aggregates


def enterprises_per_segment(s: Any, closure: list[dict[str, Any]]) -> pl.DataFrame:
    """``segment_id``, ``n``: the distinct enterprises in each segment and its sub-segments, counted by the server.

    A segment without sub-segments is counted from its degree (``COUNT {}`` on the node's
    relationship counts: an enterprise has at most one ``OPERATES_IN`` per segment, the key of
    ``enterprise_segments``); only segments with sub-segments walk their members' links.
    """
    leaves = [c["segment"] for c in closure if c["members"] == [c["segment"]]]
    parents = [c for c in closure if c["members"] != [c["segment"]]]
    rows = s.run(Q.SCOPED_LEAF_SEGMENT_DEGREES, ids=leaves).single()["rows"] if leaves else []
    if parents:
        rows += s.run(Q.SCOPED_ENTERPRISES_PER_SEGMENT, closure=parents).single()["rows"]
    return pl.DataFrame(rows, schema={"segment_id": pl.Utf8, "n": pl.Int64}, orient="row")


def candidate_counts(view: GraphView, per_segment: pl.DataFrame, blank_links: pl.DataFrame) -> pl.DataFrame:
    """Candidates per segment: the distinct enterprises there minus the distinct non-candidates there.

    Candidates and non-candidates (``local`` true or blank) split the enterprises, so the two
    distinct counts add up; the non-candidates' links are the local ones ``view`` holds plus
    ``blank_links``.

    >>> from graph.analysis._example import tiny_view
    >>> v = tiny_view()
    >>> per = pl.DataFrame({"segment_id": ["S1", "S2", "S3"], "n": [1, 2, 1]})  # L1 (in S1a), X1 and X2, L2
    >>> none = pl.DataFrame(schema={"enterprise_id": pl.Utf8, "segment_id": pl.Utf8})
    >>> candidate_counts(v, per, none).sort("segment_id").rows()
    [('S1', 0), ('S2', 2), ('S3', 0)]
    """
    from graph.analysis.presence import segment_closure

    local = view.enterprises.filter(pl.col("local").fill_null(False)).select(pl.col("id").alias("enterprise_id"))
    non = pl.concat([view.enterprise_segments.join(local, on="enterprise_id", how="semi").select("enterprise_id", "segment_id"), blank_links])
    non_counts = (
        non.rename({"segment_id": "member_id"})
        .join(segment_closure(view), on="member_id", how="inner")
        .group_by("segment_id")
        .agg(pl.col("enterprise_id").n_unique().cast(pl.Int64).alias("_non"))
    )
    return per_segment.join(non_counts, on="segment_id", how="left").select(
        "segment_id", (pl.col("n") - pl.col("_non").fill_null(0)).cast(pl.Int64).alias("candidate_count")
    )


def _read_scoped(
    store: Neo4jStore, workers: ThreadPoolExecutor, candidates: bool, filters: bool = False, local: bool = True, projects: bool = True
) -> tuple[dict[str, pl.DataFrame], dict[str, Any]] | None:
    """Tables and aggregates of the scoped view, or None when a write switched generations meanwhile.

    The aggregates run in a second session while this one reads the tables; both must see one
    generation. ``local=False`` leaves out the local enterprises and their links, ``projects=False``
    the projects (see :func:`read_scoped_view`).
    """
    with store._session(READ_ACCESS) as s:
        generation = store._generation(s)
        if not local and candidates and not _counts_stored(s, generation):
            local = True  # an older graph: its candidates are counted from the local side (see read_scoped_view)
        nodes = {"Segment": _frame(s, Q.scoped_nodes("Segment"), NODES["Segment"].props)}
        closure = closure_param(GraphView(tables_from_graph(nodes, {})))
        pending = workers.submit(_aggregates, store, closure if candidates else None, filters)
        labels = [label for label in SMALL_LABELS if label != "Segment" and (projects or label != "Project")]
        nodes |= {label: _frame(s, Q.scoped_nodes(label), NODES[label].props) for label in labels}
        rels = {"SUPPLIES": _frame(s, Q.scoped_rels("SUPPLIES"), RELS["SUPPLIES"].props, ends=True)}
        if local:
            nodes["Enterprise"] = _frame(s, Q.scoped_local_enterprises(), NODES["Enterprise"].props)
            rels["OPERATES_IN"] = _frame(s, Q.scoped_local_operates_in(), RELS["OPERATES_IN"].props, ends=True)
            rels["SUPPLIES_TO"] = _frame(s, Q.scoped_local_supplies_to(), RELS["SUPPLIES_TO"].props, ends=True)
        after = store._generation(s)
    before_agg, aggregates, after_agg = pending.result()
    if not generation == after == before_agg == after_agg:
        return None
    tables = tables_from_graph(nodes, rels)
    if candidates and "candidate_counts" not in aggregates:
        per_segment, blank = aggregates.pop("_per_segment"), aggregates.pop("_blank_links")
        aggregates["candidate_counts"] = candidate_counts(GraphView(tables), per_segment, blank)
    if not local:
        aggregates[LOCALS_WITH_POOL] = True
    if not projects:
        aggregates[WITHOUT_PROJECTS] = True
    return tables, {"generation": generation, **aggregates}


def _counts_stored(s: Any, generation: str) -> bool:
    """Whether the live graph carries its candidate counts from the write (:mod:`graph.stores.scoped_stored`)."""
    rec = s.run(Q.NEO4J_READ_META, meta_id=Q.META_ID).single()
    return read_stored(rec["json"] if rec else None, generation) is not None


def read_scoped_view(store: Neo4jStore, *, candidates: bool = True, filters: bool = False, local: bool = True, projects: bool = True) -> GraphView:
    """The scoped view of the store's live generation (see the module docstring).

    Only segment-level rows and the local enterprises cross Bolt; a write that switches
    generations during the read makes it read again. ``candidates=False`` leaves out the
    candidate counts (targets and the park reports do not use them; presence then refuses
    the view rather than count only what it holds). ``filters=True`` (the app) adds the
    candidates' provinces and qualifications. ``local=False`` (``indmap targets``, ``gaps``,
    ``chains``) leaves out the local enterprises, their segment links and supply links too -- about
    5 % of a national graph's enterprises, most of what this read costs there: :func:`add_pool` then
    reads only the local side one pool's ranking uses (the pool's supply links with local
    enterprises and those enterprises) and :func:`add_presence` the local side of presence as one
    row per segment; the view answers nothing else (aggregate ``locals_with_pool``; the park
    reports refuse it, presence without :func:`add_presence` too). With ``candidates``, a graph
    written without stored candidate counts (an older indmap) is read with its local side after
    all: its candidates are counted from it. ``projects=False`` (``gaps``, ``chains``) leaves out the
    projects (aggregate ``without_projects``; tens of thousands of rows at national scale, which
    the gap labels never read).
    """
    try:
        with ThreadPoolExecutor(max_workers=1) as workers:
            for _ in range(READ_RETRIES):
                got = _read_scoped(store, workers, candidates, filters, local, projects)
                if got is not None:
                    return GraphView(got[0], store.read_meta(), aggregates=got[1])
    except StoreError:
        raise
    except Exception as exc:
        raise store._error(exc, "读取") from exc
    raise StoreError("读取期间数据库被反复更新，请稍后重试。")


def _pool_ties(s: Any, links: pl.DataFrame, ties: bool) -> tuple[pl.DataFrame | None, list[str]]:
    """(the pool's supply links with local enterprises or None, the ids of the enterprises to read):
    the pool's candidates, then, with ``ties``, the local enterprises tied to them (never in the pool:
    local = true)."""
    ids = links.get_column("_src").unique().sort().to_list()
    supply = _frame(s, Q.scoped_pool_ties(), RELS["SUPPLIES_TO"].props, ends=True, ids=ids) if ties else None
    if supply is not None:
        ends = pl.concat([supply.get_column("_src"), supply.get_column("_dst")]).unique()
        ids += sorted(set(ends.to_list()) - set(ids))
    return supply, ids


def _read_pool(store: Neo4jStore, s: Any, members: list[str], ties: bool) -> tuple[str, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """(generation, the pool's links, its enterprises, its supply links with local enterprises or None).

    ``ties``: also the pool's ``SUPPLIES_TO`` with local enterprises (walked from the pool's side)
    and those local enterprises, appended to the enterprises.
    """
    links = _frame(s, Q.scoped_pool_links(), RELS["OPERATES_IN"].props, ends=True, members=members)
    supply, ids = _pool_ties(s, links, ties)
    ents = _frame(s, Q.scoped_enterprises_by_id(), NODES["Enterprise"].props, ids=ids)
    return store._generation(s), links, ents, supply


def add_pool(store: Neo4jStore, view: GraphView, segment_id: str) -> GraphView:
    """``view`` (scoped) plus the target pool of ``segment_id``, read by one query for that pool.

    The pool is every candidate (``local = false``) operating in the segment or a sub-segment,
    with all its properties and its ``enterprise_segments`` rows there. On a view read with
    ``local=False`` (aggregate ``locals_with_pool``) also the pool's supply links with local
    enterprises and those enterprises whole: all of the local side the ranking reads (``ties``,
    counted per scope from them). When a write switched generations since ``view`` was read, the
    scoped view is read again first (the same way).
    """
    got, links, ents, supply = _read_pools(store, view, [segment_id])
    return pool_view(got, segment_id, links, ents, supply)


def add_presence(store: Neo4jStore, view: GraphView, scope: Any, threshold: float) -> GraphView:
    """``view`` (scoped, read with ``local=False``) plus the local side of segment presence in ``scope``
    (a :class:`~graph.analysis.scope.Scope` or its text) with the above-scale ``threshold``, counted by
    the server: one row per segment (:data:`graph.queries.SCOPED_LOCAL_PRESENCE`), kept in the aggregate
    :data:`graph.analysis.presence.LOCAL_PRESENCE` that presence, gaps and the chain summary read.

    A view holding the local side (the full scoped view, or one of an older graph) is returned as it
    is: presence counts it there. When a write switched generations since ``view`` was read, the
    scoped view is read again first (the same way).
    """
    from graph.analysis.presence import LOCAL_PRESENCE, PRESENCE_COLUMNS, segment_closure
    from graph.analysis.scope import Scope, scope_filter

    scope = Scope.parse(scope)
    for _ in range(READ_RETRIES):
        if not view.aggregates.get(LOCALS_WITH_POOL):
            return view
        up: dict[str, list[str]] = {}
        for seg, member in segment_closure(view).sort("segment_id", "member_id").iter_rows():
            up.setdefault(member, []).append(seg)
        params = scope_filter(view, scope) | {"up": up, "above": float(threshold)}

        def run(s: Any) -> tuple[str, list]:
            return store._generation(s), s.run(Q.SCOPED_LOCAL_PRESENCE, **params).single()["rows"]

        generation, rows = store._consistent(run, "读取")
        if generation == view.aggregates.get("generation"):
            served = dict(view.aggregates.get(LOCAL_PRESENCE) or {})
            served[(str(scope), float(threshold))] = pl.DataFrame(rows, schema=PRESENCE_COLUMNS, orient="row")
            return GraphView(view.tables, view.meta, aggregates={**view.aggregates, LOCAL_PRESENCE: served})
        view = _read_again(store, view)
    raise StoreError("读取期间数据库被反复更新，请稍后重试。")


def _read_pools(store: Neo4jStore, view: GraphView, segment_ids: list[str], read: Any = None) -> tuple[GraphView, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """(the scoped view of the generation read, the pools' links, enterprises and ties) for ``segment_ids``,
    read by ``read`` (:func:`_read_pool` when None; same arguments).

    When a write switched generations since ``view`` was read, the scoped view is read again first
    (the same way: without the local side when ``view`` was), then the pools."""
    read = read or _read_pool
    from graph.analysis.presence import segment_closure

    ties = bool(view.aggregates.get(LOCALS_WITH_POOL))  # a view without the local side reads the pools' ties
    for _ in range(READ_RETRIES):
        members = segment_closure(view).filter(pl.col("segment_id").is_in(segment_ids)).get_column("member_id").unique().sort().to_list()
        generation, links, ents, supply = store._consistent(lambda s: read(store, s, members, ties), "读取")
        if generation == view.aggregates.get("generation"):
            return view, links, ents, supply
        view = _read_again(store, view)
    raise StoreError("读取期间数据库被反复更新，请稍后重试。")


def _read_again(store: Neo4jStore, view: GraphView) -> GraphView:
    """The scoped view of the live generation, read the way ``view`` was (candidate counts, filters,
    local side, projects): after a write switched generations since ``view`` was read."""
    a = view.aggregates
    return read_scoped_view(
        store,
        candidates="candidate_counts" in a,
        filters="candidate_provinces" in a,
        local=not a.get(LOCALS_WITH_POOL),
        projects=not a.get(WITHOUT_PROJECTS),
    )


def pool_view(view: GraphView, segment_id: str, links: pl.DataFrame, ents: pl.DataFrame, supply: pl.DataFrame | None = None) -> GraphView:
    """A new scoped view with the pool's enterprises and links added (rows in the full view's order);
    ``supply``: the pool's supply links with local enterprises, added to ``supply_links``."""
    pool = tables_from_graph({"Enterprise": ents}, {"OPERATES_IN": links} | ({"SUPPLIES_TO": supply} if supply is not None else {}))
    tables = dict(view.tables)
    for name in ("enterprises", "enterprise_segments", "supply_links"):
        if name in pool:
            tables[name] = canonical_order(name, pl.concat([view.tables[name], conform(name, pool[name])]))
    return GraphView(tables, view.meta, aggregates={**view.aggregates, "pool_of": segment_id})


def _read_companies(store: Neo4jStore, s: Any, ids: list[str]) -> tuple[str, pl.DataFrame, pl.DataFrame]:
    links = _frame(s, Q.scoped_operates_in_by_id(), RELS["OPERATES_IN"].props, ends=True, ids=ids)
    ents = _frame(s, Q.scoped_enterprises_by_id(), NODES["Enterprise"].props, ids=ids)
    return store._generation(s), links, ents


def add_companies(store: Neo4jStore, view: GraphView, enterprise_ids: Iterable[str]) -> GraphView:
    """``view`` (scoped) plus these enterprises with all their properties and every
    ``enterprise_segments`` row (what-if: companies that land), read by two queries by id.

    Ids of enterprises the view already holds whole (the local ones, companies added before) are
    not read again; unknown ids are left out (the analysis names them). The view's ``complete_rows``
    lists the added ids. When a write switched generations since ``view`` was read, the scoped view
    is read again first.
    """
    for _ in range(READ_RETRIES):
        whole = set(view.enterprises.filter(pl.col("local").fill_null(False)).get_column("id").to_list())
        whole |= set(view.aggregates.get("complete_rows", ()))
        ids = sorted(set(enterprise_ids) - whole)
        if not ids:
            return view
        generation, links, ents = store._consistent(lambda s: _read_companies(store, s, ids), "读取")
        if generation == view.aggregates.get("generation"):
            return companies_view(view, links, ents)
        view = read_scoped_view(store, filters="candidate_provinces" in view.aggregates)
    raise StoreError("读取期间数据库被反复更新，请稍后重试。")


def companies_view(view: GraphView, links: pl.DataFrame, ents: pl.DataFrame) -> GraphView:
    """A new scoped view with these enterprises and all their links added (any rows of theirs it held are replaced)."""
    ids = ents.get_column("id").to_list()
    added = tables_from_graph({"Enterprise": ents}, {"OPERATES_IN": links})
    tables = dict(view.tables)
    for name, key in (("enterprises", "id"), ("enterprise_segments", "enterprise_id")):
        kept = view.tables[name].filter(~pl.col(key).is_in(ids))
        tables[name] = canonical_order(name, pl.concat([kept, conform(name, added[name])]))
    complete = sorted(set(view.aggregates.get("complete_rows", ())) | set(ids))
    return GraphView(tables, view.meta, aggregates={**view.aggregates, "complete_rows": complete})


def add_pools(store: Neo4jStore, view: GraphView, segment_ids: Iterable[str]) -> GraphView:
    """``view`` (scoped) plus the target pools of all ``segment_ids``, read as one pool: one query for the
    candidates' ``OPERATES_IN`` into every segment and sub-segment of them, one for those candidates.

    Each segment's targets rank on it exactly as on its own pool (:func:`add_pool`): the ranking reads
    only the rows in the segment and its sub-segments, the enterprises behind them, the ties to local
    enterprises and the projects, which both views hold alike. The reports ask the pools of all their
    broken and missing segments this way, a batch at a time (:class:`reports.pools.SegmentPools`),
    instead of one query per segment. ``aggregates["pools_of"]`` lists the segments. When a write
    switched generations since ``view`` was read, the scoped view is read again first.

    The candidates come with the properties the ranking reads only (:mod:`graph.queries.pools`; the others
    blank), shipped one list per property: the view is for ranking targets, not for showing companies.
    """
    wanted = sorted(set(segment_ids))
    got, links, ents, supply = _read_pools(store, view, wanted, _read_lean_pool)
    pooled = pool_view(got, "", links, ents, supply)
    return GraphView(pooled.tables, pooled.meta, aggregates={**got.aggregates, "pools_of": wanted})


def _columns(s: Any, cypher: str, names: Iterable[str], props: Iterable, **params: Any) -> pl.DataFrame:
    """The one record of ``cypher`` (a list per column, named ``names``) as a frame typed by ``props``
    (the schema properties of those columns; ``_src``/``_dst`` are text). No temporal columns."""
    types = {p.name: POLARS_BY_PROP_TYPE[p.type] for p in props} | {"_src": pl.Utf8, "_dst": pl.Utf8}
    rec = s.run(cypher, **params).single()
    return pl.DataFrame({n: pl.Series(n, rec[n] if rec else [], dtype=types[n]) for n in names})


def _read_lean_pool(store: Neo4jStore, s: Any, members: list[str], ties: bool) -> tuple[str, pl.DataFrame, pl.DataFrame, pl.DataFrame | None]:
    """As :func:`_read_pool`, with only the properties the ranking reads (:mod:`graph.queries.pools`), by column."""
    from graph.queries import pools as QP

    links = _columns(s, Q.SCOPED_POOL_LINK_COLUMNS, ("_src", "_dst", *QP.POOL_LINK_PROPS), RELS["OPERATES_IN"].props, members=members)
    supply, ids = _pool_ties(s, links, ties)
    ents = _columns(s, Q.SCOPED_POOL_ENTERPRISE_COLUMNS, QP.POOL_ENTERPRISE_PROPS, NODES["Enterprise"].props, ids=ids)
    return store._generation(s), links, ents, supply
