"""The same answers on both stores: tables, saved analyst queries, README examples and every analysis.

Runs against a real Neo4j 5.26 (``scripts/neo4j-server``) and the embedded
LadybugDB store, on the demo and on a generated dataset.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from graph import analysis as A
from graph.queries import SAVED_QUERIES
from graph.settings import AnalysisSettings
from graph.stores import load_view
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
from tests.helpers import norm

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 27)


@pytest.fixture(scope="module")
def neo_demo(neo4j_settings, demo_tables):
    store = Neo4jStore.from_settings(neo4j_settings)
    store.write(demo_tables, meta={"dataset": "data/demo", "demo": True})
    yield store
    store.close()


@pytest.fixture(scope="module")
def views(demo_store, neo_demo):
    return load_view(demo_store), load_view(neo_demo)


def test_tables_identical(demo_store, neo_demo):
    a, b = demo_store.read_tables(), neo_demo.read_tables()
    assert a.keys() == b.keys()
    for name in a:
        assert_frame_equal(a[name], b[name], check_exact=False, rel_tol=1e-12), name


def test_stats_identical(demo_store, neo_demo):
    assert demo_store.stats() == neo_demo.stats()


@pytest.mark.parametrize("q", SAVED_QUERIES, ids=[q.key for q in SAVED_QUERIES])
def test_saved_query_same_on_both(q, demo_store, neo_demo):
    a = demo_store.query(q.cypher, q.params, row_cap=100_000)
    b = neo_demo.query(q.cypher, q.params, row_cap=100_000)
    assert a.columns == b.columns
    assert a.rows, f"saved query {q.key} returns nothing on the demo"
    rows_a, rows_b = norm(a.rows), norm(b.rows)
    if "ORDER BY" not in q.cypher.upper():
        rows_a, rows_b = sorted(map(repr, rows_a)), sorted(map(repr, rows_b))
    assert rows_a == rows_b


def readme_examples() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```cypher\n(.*?)```", text, re.S)


@pytest.mark.parametrize("cypher", readme_examples(), ids=lambda c: c.splitlines()[0][:40])
def test_readme_examples_same_on_both(cypher, demo_store, neo_demo):
    params = {"segment": "NEV-M01"} if "$segment" in cypher else {}
    a = demo_store.query(cypher, params, row_cap=100_000)
    b = neo_demo.query(cypher, params, row_cap=100_000)
    assert a.columns == b.columns
    assert a.rows, "README example returns nothing on the demo"
    assert sorted(map(repr, norm(a.rows))) == sorted(map(repr, norm(b.rows)))


def _dump(result):
    if isinstance(result, list):
        return [norm(r.model_dump(mode="json")) for r in result]
    return norm(result.model_dump(mode="json"))


def test_analysis_identical_on_demo(views):
    ve, vn = views
    s = AnalysisSettings()
    assert _dump(A.gaps(ve, s)) == _dump(A.gaps(vn, s))
    assert _dump(A.chain_summary(ve, s)) == _dump(A.chain_summary(vn, s))
    gap_rows = [r for r in A.gaps(ve, s).rows if r.label != "strong"][:5]
    assert gap_rows
    for r in gap_rows:
        assert _dump(A.targets(ve, s, r.segment_id)) == _dump(A.targets(vn, s, r.segment_id))
    park = ve.parks["id"][0]
    assert _dump(A.gaps(ve, s, scope=f"park:{park}")) == _dump(A.gaps(vn, s, scope=f"park:{park}"))
    assert _dump(A.park_overlap(ve, s)) == _dump(A.park_overlap(vn, s))
    assert _dump(A.park_concentration(ve, s)) == _dump(A.park_concentration(vn, s))
    assert _dump(A.park_ranking(ve, s)) == _dump(A.park_ranking(vn, s))
    assert _dump(A.park_cohesion(ve, s)) == _dump(A.park_cohesion(vn, s))
    other = AnalysisSettings(home_region=ve.parks["region_code"][-1])  # a peer city (or a county) as 本市
    assert _dump(A.park_ranking(ve, other)) == _dump(A.park_ranking(vn, other))
    assert _dump(A.project_report(ve, s, AS_OF)) == _dump(A.project_report(vn, s, AS_OF))
    seg = gap_rows[0].segment_id
    cand = A.targets(ve, s, seg).rows
    if cand:
        add = [(cand[0].enterprise_id, seg)]
        assert _dump(A.whatif(ve, s, add=add)) == _dump(A.whatif(vn, s, add=add))


def test_generated_dataset_identical(tmp_path, neo4j_settings):
    from bench.generate import generate, write_dataset
    from ingest import load_dataset

    folder = write_dataset(generate(3000, seed=7), tmp_path / "gen")
    res = load_dataset(folder)
    assert res.ok, [str(i) for i in res.errors[:5]]
    emb = EmbeddedStore(tmp_path / "gen.lbug", read_only=False)
    emb.write(res.tables)
    neo = Neo4jStore.from_settings(neo4j_settings)
    try:
        neo.write(res.tables)
        assert emb.stats() == neo.stats()
        ve, vn = load_view(emb), load_view(neo)
        s = AnalysisSettings()
        assert _dump(A.gaps(ve, s)) == _dump(A.gaps(vn, s))
        assert _dump(A.chain_summary(ve, s)) == _dump(A.chain_summary(vn, s))
        seg = next(r.segment_id for r in A.gaps(ve, s).rows if r.candidate_count > 0)
        assert _dump(A.targets(ve, s, seg)) == _dump(A.targets(vn, s, seg))
    finally:
        neo.close()
        emb.close()


def test_province_fixture_identical(tmp_path, neo4j_settings):
    """The hand-built province (peer parks, a region known only by its code, blanks) through both stores."""
    from graph.view import conform
    from tests.park_fixture import park_tables

    import polars as pl

    tables = {name: conform(name, df) for name, df in park_tables().items()}
    # a store links every park to its region: add the one the pure fixture knows only by its code
    extra = pl.DataFrame({"code": ["410700", "410703"], "name": ["新乡市", "卫滨区"], "parent_code": ["410000", "410700"]})
    tables["regions"] = pl.concat([tables["regions"], extra])
    emb = EmbeddedStore(tmp_path / "prov.lbug", read_only=False)
    neo = Neo4jStore.from_settings(neo4j_settings)
    try:
        emb.write(tables)
        neo.write(tables)
        ve, vn = load_view(emb), load_view(neo)
        for s in (AnalysisSettings(), AnalysisSettings(home_region="4101")):
            assert _dump(A.park_ranking(ve, s)) == _dump(A.park_ranking(vn, s))
            assert _dump(A.park_cohesion(ve, s)) == _dump(A.park_cohesion(vn, s))
        assert A.park_ranking(ve, AnalysisSettings()).comparison[0].sentence == "十强中本市 2 家，最多的郑州市 4 家"
    finally:
        neo.close()
        emb.close()
