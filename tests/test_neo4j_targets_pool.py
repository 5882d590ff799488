"""``indmap targets`` on Neo4j without the local side read whole (graph/stores/neo4j_scoped.py).

``read_scoped_view(local=False)`` leaves out the local enterprises, their segment links and
supply links; :func:`add_pool` then reads the pool's supply links with local enterprises and
those enterprises. Pure tests build that view in polars from a full one (what the Cypher reads,
computed independently) and compare the ranking in every settings variant and scope; the
``neo4j`` tests read it from a real server (also from a database without the stored figures and
across a rewrite) and check that the CLI never reads the whole local side.
"""

from __future__ import annotations

import polars as pl
import pytest

from graph import analysis as A
from graph.analysis.presence import segment_closure, segment_presence
from graph.settings import AnalysisSettings
from graph.stores import load_view
from graph.stores.neo4j_scoped import LOCALS_WITH_POOL, pool_view
from graph.view import GraphView
from tests.test_neo4j_scoped import VARIANTS, _dump, _gap_segments, _scopes, blank_some_local, scope_down

TARGET_KWARGS = ({}, {"gates": False, "top": 5}, {"listed_only": True}, {"province": "江苏省", "min_revenue": 1000.0})


def pool_only(full: GraphView) -> GraphView:
    """What read_scoped_view(candidates=False, local=False) reads, computed in polars."""
    scoped = scope_down(full)
    tables = {**scoped.tables, **{name: scoped.tables[name].clear() for name in ("enterprises", "enterprise_segments", "supply_links")}}
    aggregates = {k: v for k, v in scoped.aggregates.items() if k != "candidate_counts"} | {LOCALS_WITH_POOL: True}
    return GraphView(tables, full.meta, aggregates=aggregates)


def with_pool_ties(full: GraphView, lean: GraphView, segment_id: str) -> GraphView:
    """What add_pool reads for ``segment_id`` on a pool-only view: the pool, its supply links with local enterprises, those enterprises."""
    members = segment_closure(full).filter(pl.col("segment_id") == segment_id).get_column("member_id")
    ent = full.enterprises
    cand = ent.filter((pl.col("local") == False).fill_null(False)).get_column("id")  # noqa: E712
    local = ent.filter(pl.col("local").fill_null(False)).get_column("id")
    links = full.enterprise_segments.filter(pl.col("segment_id").is_in(members.implode()) & pl.col("enterprise_id").is_in(cand.implode()))
    pool = links.get_column("enterprise_id").unique()
    sl = full.supply_links
    ties = sl.filter(
        (pl.col("supplier_id").is_in(pool.implode()) & pl.col("customer_id").is_in(local.implode()))
        | (pl.col("customer_id").is_in(pool.implode()) & pl.col("supplier_id").is_in(local.implode()))
    )
    tied = pl.concat([ties.get_column("supplier_id"), ties.get_column("customer_id")]).unique()
    ents = ent.filter(pl.col("id").is_in(pool.implode()) | pl.col("id").is_in(tied.implode())).sample(fraction=1.0, shuffle=True, seed=7)
    links = links.rename({"enterprise_id": "_src", "segment_id": "_dst"}).sample(fraction=1.0, shuffle=True, seed=3)  # a server returns any order
    ties = ties.rename({"supplier_id": "_src", "customer_id": "_dst"}).sample(fraction=1.0, shuffle=True, seed=5)
    return pool_view(lean, segment_id, links, ents, ties)


def assert_same_targets(full: GraphView, pool_of, variants=VARIANTS) -> None:
    """targets (every variant, every scope, filters) agree between the full view and ``pool_of(segment)``."""
    for s in variants:
        for seg in _gap_segments(full, s):
            pv = pool_of(seg)
            assert pv.aggregates[LOCALS_WITH_POOL] and pv.aggregates["pool_of"] == seg
            for scope in _scopes(full):
                for kw in TARGET_KWARGS:
                    a, b = A.targets(full, s, seg, scope=scope, **kw), A.targets(pv, s, seg, scope=scope, **kw)
                    assert _dump(a) == _dump(b), (seg, scope, kw)


# ------------------------------------------------------------------ pure


def test_targets_on_a_pool_only_view_answer_like_the_full_view(demo_store):
    full = GraphView(blank_some_local(load_view(demo_store).tables))  # blank local: neither local nor a candidate
    lean = pool_only(full)
    assert lean.enterprises.height == 0 and lean.supply_links.height == 0 and lean.has_supply_links()
    assert_same_targets(full, lambda seg: with_pool_ties(full, lean, seg))
    seg = _tied_segment(full)
    tied = with_pool_ties(full, lean, seg)
    assert any(r.factors["ties"] > 0 for r in A.targets(tied, AnalysisSettings(), seg).rows)  # the ties are really read
    n_local = full.enterprises.filter(pl.col("local").fill_null(False)).height
    assert 0 < tied.enterprises.filter(pl.col("local").fill_null(False)).height < n_local
    # without the pool's supply links the answers differ (the check above can fail)
    no_ties = pool_view(lean, seg, *_pool_parts(tied, seg))
    assert _dump(A.targets(no_ties, AnalysisSettings(), seg)) != _dump(A.targets(full, AnalysisSettings(), seg))


def _tied_segment(full: GraphView) -> str:
    """A segment some of whose targets have supply links with local enterprises."""
    segs = full.segments.get_column("id").sort().to_list()
    return next(seg for seg in segs if any(r.factors["ties"] > 0 for r in A.targets(full, AnalysisSettings(), seg, gates=False).rows))


def _pool_parts(view: GraphView, seg: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    links = view.enterprise_segments.rename({"enterprise_id": "_src", "segment_id": "_dst"})
    return links, view.enterprises.filter(~pl.col("local").fill_null(False))


def test_what_counts_every_local_enterprise_refuses_a_pool_only_view(demo_store):
    full = load_view(demo_store)
    lean = pool_only(full)
    seg = _gap_segments(full, AnalysisSettings(), 1)[0]
    tied = with_pool_ties(full, lean, seg)
    s = AnalysisSettings()
    for view in (lean, tied):
        for run in (
            lambda v: A.gaps(GraphView(v.tables, v.meta, aggregates={**v.aggregates, "candidate_counts": scope_down(full).aggregates["candidate_counts"]}), s),
            lambda v: A.park_overlap(v, s),
            lambda v: A.park_concentration(v, s),
            lambda v: A.park_cohesion(v, s),
        ):
            with pytest.raises(ValueError, match="只能用于招商目标排序"):
                run(view)


# ------------------------------------------------------------------ Neo4j


def _write(neo4j_settings, tables, tmp_path):
    from tests.test_neo4j_scoped import _both

    return _both(neo4j_settings, tables, tmp_path)


@pytest.mark.neo4j
def test_neo4j_targets_read_only_the_pools_local_side(neo4j_settings, demo_tables, tmp_path, monkeypatch):
    from graph.stores.neo4j_scoped import add_pool, read_scoped_view
    from tests.test_neo4j_stored_counts import _raw_meta, _set_raw_meta
    from graph.stores import scoped_stored

    tables = blank_some_local(demo_tables)
    emb, neo = _write(neo4j_settings, tables, tmp_path)
    try:
        full = load_view(emb)
        lean = read_scoped_view(neo, candidates=False, local=False)
        assert lean.aggregates[LOCALS_WITH_POOL] and lean.enterprises.height == 0 and lean.supply_links.height == 0
        counted = read_scoped_view(neo, local=False)  # indmap gaps: the stored candidate counts, still no local side
        assert counted.aggregates[LOCALS_WITH_POOL] and counted.enterprises.height == 0 and "candidate_counts" in counted.aggregates
        with pytest.raises(ValueError):
            segment_presence(counted, AnalysisSettings())  # the local side of presence is the server's to count (add_presence)
        expected_lean = pool_only(full)
        for seg in _gap_segments(full, AnalysisSettings()):
            got, want = add_pool(neo, lean, seg), with_pool_ties(full, expected_lean, seg)
            for name in ("enterprises", "enterprise_segments", "supply_links"):
                assert got.tables[name].equals(want.tables[name]), (seg, name)
        assert_same_targets(full, lambda seg: add_pool(neo, lean, seg), VARIANTS[:2])
        # a database without the stored figures (an older indmap): region codes counted on the server
        meta = _raw_meta(neo)
        _set_raw_meta(neo, {k: v for k, v in meta.items() if k != scoped_stored.KEY})
        old = read_scoped_view(neo, candidates=False, local=False)
        assert old.aggregates["enterprise_region_codes"] == lean.aggregates["enterprise_region_codes"]
        assert_same_targets(full, lambda seg: add_pool(neo, old, seg), VARIANTS[:1])
        # a rewrite between the view and the pool: read again, still without the local side
        neo.write(tables)
        seg = _gap_segments(full, AnalysisSettings(), 1)[0]
        again = add_pool(neo, lean, seg)
        assert again.aggregates["generation"] != lean.aggregates["generation"] and again.aggregates[LOCALS_WITH_POOL]
        assert _dump(A.targets(again, AnalysisSettings(), seg)) == _dump(A.targets(full, AnalysisSettings(), seg))
    finally:
        neo.close()
        emb.close()


def refuse_whole_local_side(monkeypatch, command: str) -> None:
    """Make the queries that read the whole local side (its enterprises, segment links, supply links) fail."""
    from graph import queries as Q

    def refused() -> str:
        raise AssertionError(f"{command} read the whole local side")

    for name in ("scoped_local_enterprises", "scoped_local_operates_in", "scoped_local_supplies_to"):
        monkeypatch.setattr(Q, name, refused)


@pytest.mark.neo4j
def test_cli_targets_on_neo4j_never_reads_the_whole_local_side(neo4j_settings, demo_tables, tmp_path, monkeypatch):
    from tests.test_neo4j_scoped import _cli_json

    emb, neo = _write(neo4j_settings, blank_some_local(demo_tables), tmp_path)
    try:
        full = load_view(emb)
        seg = _tied_segment(full)  # some targets have ties: leaving the pool's supply links out fails
        park = _scopes(full)[1]

        refuse_whole_local_side(monkeypatch, "indmap targets")
        for cmd in (["targets", "--segment", seg], ["targets", "--segment", seg, "--scope", park, "--no-gates"]):
            a = _cli_json([*cmd, "--store", str(emb.path), "--format", "json"])
            b = _cli_json([*cmd, "--store", neo.location, "--format", "json"])
            assert a == b, cmd
    finally:
        neo.close()
        emb.close()
