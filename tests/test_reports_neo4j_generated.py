"""全市产业链招商报告 on Neo4j equals the embedded store's on a generated dataset, its pools read in batches.

A generated dataset (:mod:`bench.generate`, 4,000 enterprises) goes into an embedded store and a real
Neo4j server. The city report built as ``indmap report city`` builds it (:func:`cli.report.report_inputs`:
the scoped view plus the investors, the broken and missing segments' pools read a batch at a time) must
equal the embedded store's report model block by block, with the batch budget cut small so that several
batches are read, each by one pool query. The chain maps are replaced by the text of what they would
draw (the pictures take seconds; their inputs are what the stores could make differ).
"""

from __future__ import annotations

import pytest

from tests.test_reports_neo4j import _count_pool_reads, _untimed

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def stores(neo4j_settings, tmp_path_factory):
    from bench.generate import generate, write_dataset
    from graph.stores.embedded import EmbeddedStore
    from graph.stores.neo4j import Neo4jStore
    from ingest import load_dataset

    tmp = tmp_path_factory.mktemp("reports_generated")
    res = load_dataset(write_dataset(generate(4_000, seed=23), tmp / "gen"))
    assert res.ok, [str(i) for i in res.errors[:5]]
    emb = EmbeddedStore(tmp / "gen.lbug", read_only=False)
    emb.write(res.tables, meta={"dataset": "generated"})
    neo = Neo4jStore.from_settings(neo4j_settings)
    neo.write(res.tables, meta={"dataset": "generated"})
    yield emb, neo
    neo.close()
    emb.close()


def test_city_report_on_neo4j_equals_the_embedded_store_with_pools_in_batches(stores, monkeypatch):
    import reports.chain
    import reports.pools
    from cli.report import report_inputs
    from graph.settings import AnalysisSettings
    from graph.stores import load_view
    from graph.stores.neo4j_scoped import read_scoped_view
    from graph.analysis import chain_summary
    from reports.chain import city_chain_order, city_report, targeted_segments
    from reports.pools import pool_sizes

    monkeypatch.setattr(reports.chain, "chain_map_png", lambda segments, links, **kw: (repr((segments, sorted(links), kw)).encode(), 17.0, 9.0))
    emb, neo = stores
    settings = AnalysisSettings()
    full = load_view(emb)
    expected = city_report(full, settings, font_path="font.ttf", as_of=None)

    scoped = read_scoped_view(neo)
    segments = targeted_segments(scoped, settings, city_chain_order(scoped, chain_summary(scoped, settings)))  # the report's order
    sizes = pool_sizes(scoped)
    assert len(segments) > 20 and sum(sizes[s] for s in segments) > 1_000
    monkeypatch.setattr(reports.pools, "POOL_BATCH_CANDIDATES", sum(sizes[s] for s in segments) // 4)
    reads = _count_pool_reads(monkeypatch)
    view, pools = report_inputs(neo, scoped)
    got = city_report(view, settings, font_path="font.ttf", as_of=None, pools=pools)

    assert 4 <= len(pools.batches) < len(segments) and [s for b in pools.batches for s in b] == segments
    assert len(reads) == len(pools.batches), "one pool query per batch, each batch read once"
    assert (got.title, len(got.blocks)) == (expected.title, len(expected.blocks))
    assert sum(len(getattr(b, "rows", [])) for b in expected.blocks) > 50
    for a, b in zip(got.blocks, expected.blocks):
        assert _untimed(a) == _untimed(b), b


def test_batched_pools_on_a_view_without_the_local_side_rank_as_the_full_view(stores):
    """add_pools on the lean view of ``indmap targets`` (``local=False``) reads the pools' ties too, as add_pool does."""
    from graph.analysis import targets
    from graph.settings import AnalysisSettings
    from graph.stores import load_view
    from graph.stores.neo4j_scoped import add_pools, read_scoped_view
    from reports.chain import targeted_segments
    from tests.test_neo4j_scoped import _dump

    emb, neo = stores
    full, settings = load_view(emb), AnalysisSettings()
    segments = targeted_segments(full, settings, full.chain_order())[:6]
    for view in (read_scoped_view(neo), read_scoped_view(neo, candidates=False, local=False)):
        pooled = add_pools(neo, view, segments)
        assert pooled.aggregates["pools_of"] == sorted(segments)
        for seg in segments:
            assert _dump(targets(pooled, settings, seg)) == _dump(targets(full, settings, seg)), seg
