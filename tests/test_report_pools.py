"""The reports' batched pools (reports/pools.py, graph.stores.neo4j_scoped.add_pools), without a server.

A view holding the pools of several segments at once (what :func:`~graph.stores.neo4j_scoped.add_pools`
reads, computed here in polars from the full view) must rank each of them exactly as the segment's
own pool and the full view do; :class:`~reports.pools.SegmentPools` cuts the batches by the server's
pool sizes and reads each once when asked in the planned order.
"""

from __future__ import annotations

import polars as pl
import pytest

from graph import analysis as A
from graph.analysis.presence import segment_closure
from graph.settings import AnalysisSettings
from graph.stores import load_view
from graph.stores.neo4j_scoped import pool_view
from reports.chain import TARGET_GAPS, targeted_segments
from reports.pools import SegmentPools, pool_sizes
from tests.test_neo4j_scoped import VARIANTS, _dump, scope_down, with_pool


def with_pools(full, scoped, segment_ids):
    """What add_pools reads for ``segment_ids``, computed in polars from the full view."""
    members = segment_closure(full).filter(pl.col("segment_id").is_in(segment_ids)).get_column("member_id").unique()
    cand = full.enterprises.filter((pl.col("local") == False).fill_null(False))  # noqa: E712
    links = full.enterprise_segments.filter(pl.col("segment_id").is_in(members.implode()) & pl.col("enterprise_id").is_in(cand.get_column("id").implode()))
    links = links.rename({"enterprise_id": "_src", "segment_id": "_dst"}).sample(fraction=1.0, shuffle=True, seed=5)
    ents = full.enterprises.filter(pl.col("id").is_in(links.get_column("_src").implode()))
    return pool_view(scoped, "", links, ents)


def test_one_view_of_many_pools_ranks_each_segment_as_its_own_pool(demo_store):
    full = load_view(demo_store)
    scoped = scope_down(full)
    segs = targeted_segments(full, AnalysisSettings(), full.chain_order())
    assert len(segs) >= 5, "the demo has broken and missing segments to rank"
    union = with_pools(full, scoped, segs)
    assert union.enterprises.height > max(with_pool(full, scoped, s).enterprises.height for s in segs) > scoped.enterprises.height
    park = f"park:{full.parks.get_column('id')[0]}"
    for seg in segs:
        own = with_pool(full, scoped, seg)
        for s, scope in ((VARIANTS[0], "city"), (VARIANTS[1], "city"), (VARIANTS[2], park)):
            got = _dump(A.targets(union, s, seg, scope=scope))
            assert got == _dump(A.targets(own, s, seg, scope=scope)) == _dump(A.targets(full, s, seg, scope=scope)), (seg, scope)


def test_targeted_segments_are_the_broken_and_missing_ones_in_chain_order(demo_store):
    full = load_view(demo_store)
    s = AnalysisSettings()
    got = targeted_segments(full, s, full.chain_order())
    expected = [r.segment_id for cid in full.chain_order() for r in A.gaps(full, s, chain_id=cid).rows if r.label in TARGET_GAPS]
    assert got == expected and len(set(got)) == len(got)
    assert set(got) == {r.segment_id for r in A.gaps(full, s).rows if r.label in TARGET_GAPS}


def test_pool_sizes_cut_the_batches(demo_store):
    scoped = scope_down(load_view(demo_store))
    sizes = pool_sizes(scoped)
    segs = sorted(sizes, key=lambda k: (-sizes[k], k))[:8]
    budget = sizes[segs[0]] + 1  # the biggest pool fits alone, not with the next
    loads: list[list[str]] = []
    pools = SegmentPools(lambda ids: loads.append(list(ids)) or ids, sizes, budget=budget)
    pools.plan(segs)
    for b in pools.batches:
        assert len(b) == 1 or sum(sizes[x] for x in b) <= budget
    assert [x for b in pools.batches for x in b] == segs
    for seg in segs:
        assert seg in pools(seg)
    assert loads == pools.batches  # each batch read once, in order
    pools.plan(segs[:3])  # planned already: no new batch
    assert len(loads) == len(pools.batches)
    assert pool_sizes(load_view(demo_store)) == {}  # a full view: no server counts (the report needs no pools)


@pytest.mark.parametrize("size", [None, 0])
def test_a_segment_of_unknown_size_is_read_alone(size):
    sizes = {"a": 1} if size is None else {"a": 1, "b": size}
    pools = SegmentPools(lambda ids: ids, sizes, budget=10)
    pools.plan(["a", "b", "c"])
    assert pools.batches == ([["a"], ["b"], ["c"]] if size is None else [["a", "b"], ["c"]])
