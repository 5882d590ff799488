"""The scoped analysis view (graph/stores/neo4j_scoped.py) gives the full view's answers.

Pure tests build a scoped view from a full one in polars (what the Cypher reads, computed
independently) and compare every analysis that runs on it; the ``neo4j`` tests read the scoped
view from a real server and compare it with the embedded store, on the demo and on a generated
10,000-enterprise dataset, including scope filters, settings variants and the CLI's JSON.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from graph import analysis as A
from graph.analysis.presence import segment_closure
from graph.settings import AnalysisSettings
from graph.stores import load_view
from graph.stores.neo4j_scoped import pool_view
from graph.view import GraphView
from tests.helpers import norm

# settings variants: defaults, unknown-not-zero knobs (coverage, neutral value), gates off, other weights
VARIANTS = [
    AnalysisSettings(),
    AnalysisSettings.model_validate({"unknown_value": 0.2, "min_coverage": 0.7}),
    AnalysisSettings.model_validate({"gate_high_pollution": False, "gate_high_energy": False, "ties_saturation": 1}),
    AnalysisSettings.model_validate({"target_weights": {"ties": 0.0, "growth": 0.5}, "weak_min_count": 5, "above_scale_revenue": 50000.0}),
]


def _dump(result):
    if isinstance(result, list):
        return [norm(r.model_dump(mode="json")) for r in result]
    return norm(result.model_dump(mode="json"))


def scope_down(full: GraphView) -> GraphView:
    """What read_scoped_view reads, computed in polars from a full view."""
    ent = full.enterprises
    local_ids = ent.filter(pl.col("local").fill_null(False)).get_column("id")
    cand_ids = ent.filter((pl.col("local") == False).fill_null(False)).get_column("id")  # noqa: E712
    es = full.enterprise_segments
    sl = full.supply_links
    tables = dict(full.tables)
    tables["enterprises"] = ent.filter(pl.col("id").is_in(local_ids.implode()))
    tables["enterprise_segments"] = es.filter(pl.col("enterprise_id").is_in(local_ids.implode()))
    tables["supply_links"] = sl.filter(pl.col("supplier_id").is_in(local_ids.implode()) | pl.col("customer_id").is_in(local_ids.implode()))
    counts = (
        es.filter(pl.col("enterprise_id").is_in(cand_ids.implode()))
        .select("enterprise_id", pl.col("segment_id").alias("member_id"))
        .join(segment_closure(full), on="member_id")
        .group_by("segment_id")
        .agg(pl.col("enterprise_id").n_unique().cast(pl.Int64).alias("candidate_count"))
    )
    aggregates = {
        "generation": "g",
        "candidate_counts": counts,
        "enterprise_region_codes": sorted(ent.get_column("region_code").drop_nulls().unique().to_list()),
        "supply_link_count": sl.height,
    }
    return GraphView(tables, full.meta, aggregates=aggregates)


def with_pool(full: GraphView, scoped: GraphView, segment_id: str) -> GraphView:
    """What add_pool reads for ``segment_id``, computed in polars from the full view."""
    members = segment_closure(full).filter(pl.col("segment_id") == segment_id).get_column("member_id")
    cand = full.enterprises.filter((pl.col("local") == False).fill_null(False))  # noqa: E712
    links = full.enterprise_segments.filter(pl.col("segment_id").is_in(members.implode()) & pl.col("enterprise_id").is_in(cand.get_column("id").implode()))
    links = links.rename({"enterprise_id": "_src", "segment_id": "_dst"}).sample(fraction=1.0, shuffle=True, seed=3)  # a server returns any order
    ents = full.enterprises.filter(pl.col("id").is_in(links.get_column("_src").implode()))
    return pool_view(scoped, segment_id, links, ents)


def _gap_segments(view: GraphView, s: AnalysisSettings, n: int = 4) -> list[str]:
    return [r.segment_id for r in A.gaps(view, s).rows if r.candidate_count > 0][:n]


def _scopes(full: GraphView) -> list[str]:
    park = full.enterprises.filter(pl.col("local").fill_null(False) & pl.col("park_id").is_not_null()).get_column("park_id")[0]
    region = full.enterprises.filter(pl.col("local").fill_null(False)).get_column("region_code").drop_nulls()[0]
    return ["city", f"park:{park}", f"region:{region}"]


def assert_same_answers(full: GraphView, scoped: GraphView, pool_of) -> None:
    """gaps, chains, targets (every variant, every scope) and the park reports agree."""
    for s in VARIANTS:
        for scope in _scopes(full):
            assert _dump(A.gaps(full, s, scope=scope)) == _dump(A.gaps(scoped, s, scope=scope)), (scope, s)
            assert _dump(A.chain_summary(full, s, scope=scope)) == _dump(A.chain_summary(scoped, s, scope=scope))
        for seg in _gap_segments(full, s):
            pv = pool_of(seg)
            for kw in ({}, {"scope": _scopes(full)[1]}, {"gates": False, "top": 5}, {"listed_only": True}, {"province": "江苏省", "min_revenue": 1000.0}):
                a, b = A.targets(full, s, seg, **kw), A.targets(pv, s, seg, **kw)
                assert _dump(a) == _dump(b), (seg, kw)
        assert _dump(A.park_overlap(full, s)) == _dump(A.park_overlap(scoped, s))
        assert _dump(A.park_concentration(full, s)) == _dump(A.park_concentration(scoped, s))
        assert _dump(A.park_ranking(full, s)) == _dump(A.park_ranking(scoped, s))
        assert _dump(A.park_cohesion(full, s)) == _dump(A.park_cohesion(scoped, s))


# ------------------------------------------------------------------ pure


def test_scoped_view_answers_like_the_full_view_on_the_demo(demo_store):
    full = load_view(demo_store)
    scoped = scope_down(full)
    assert scoped.scoped and not full.scoped
    assert scoped.enterprises.height < full.enterprises.height
    assert_same_answers(full, scoped, lambda seg: with_pool(full, scoped, seg))


def test_a_pool_has_the_candidates_of_the_segment_and_its_sub_segments(demo_store):
    full = load_view(demo_store)
    scoped = scope_down(full)
    seg = next(s for s in segment_closure(full).group_by("segment_id").len().filter(pl.col("len") > 1).get_column("segment_id").sort())
    res = A.targets(with_pool(full, scoped, seg), AnalysisSettings(), seg, gates=False)
    assert res.pool_size == A.targets(full, AnalysisSettings(), seg, gates=False).pool_size > 0
    # without its pool, a scoped view has no candidates to rank
    assert A.targets(scoped, AnalysisSettings(), seg).pool_size == 0


def blank_some_local(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Every 40th enterprise with ``local`` blank: neither local nor a candidate."""
    ent = tables["enterprises"].with_row_index("_i")
    blanked = ent.with_columns(pl.when(pl.col("_i") % 40 == 7).then(None).otherwise(pl.col("local")).alias("local")).drop("_i")
    return {**tables, "enterprises": blanked}


def test_candidate_counts_subtract_local_and_blank_enterprises(demo_store):
    from graph.stores.neo4j_scoped import candidate_counts

    full = GraphView(blank_some_local(load_view(demo_store).tables))
    assert full.enterprises.get_column("local").null_count() > 0
    scoped = scope_down(full)
    es = full.enterprise_segments.rename({"segment_id": "member_id"})
    per_segment = es.join(segment_closure(full), on="member_id").group_by("segment_id").agg(pl.col("enterprise_id").n_unique().cast(pl.Int64).alias("n"))
    blank_ids = full.enterprises.filter(pl.col("local").is_null()).get_column("id")
    blank = full.enterprise_segments.filter(pl.col("enterprise_id").is_in(blank_ids.implode())).select("enterprise_id", "segment_id")
    assert blank.height > 0
    got = candidate_counts(scoped, per_segment, blank)
    want = A.segment_presence(full, AnalysisSettings()).select("segment_id", "candidate_count")
    assert got.join(want, on="segment_id", how="full", coalesce=True).fill_null(0).filter(pl.col("candidate_count") != pl.col("candidate_count_right")).height == 0
    assert got.get_column("candidate_count").sum() > 0


def test_unknown_region_is_checked_against_every_enterprise(demo_store):
    full = load_view(demo_store)
    scoped = scope_down(full)
    assert scoped.enterprise_region_codes() == full.enterprise_region_codes()
    with pytest.raises(ValueError, match="未知行政区划代码"):
        A.gaps(scoped, AnalysisSettings(), scope="region:999999")


def test_presence_refuses_a_scoped_view_without_candidate_counts(demo_store):
    full = load_view(demo_store)
    scoped = scope_down(full)
    lean = GraphView(scoped.tables, scoped.meta, aggregates={k: v for k, v in scoped.aggregates.items() if k != "candidate_counts"})
    with pytest.raises(ValueError, match="候选企业数"):
        A.gaps(lean, AnalysisSettings())
    seg = _gap_segments(full, AnalysisSettings(), 1)[0]  # targets and the park reports do not need them
    assert _dump(A.targets(full, AnalysisSettings(), seg)) == _dump(A.targets(with_pool(full, lean, seg), AnalysisSettings(), seg))
    assert _dump(A.park_ranking(full, AnalysisSettings())) == _dump(A.park_ranking(lean, AnalysisSettings()))


def test_what_if_refuses_a_scoped_view(demo_store):
    full = load_view(demo_store)
    scoped = scope_down(full)
    seg = _gap_segments(full, AnalysisSettings(), 1)[0]
    ent = A.targets(full, AnalysisSettings(), seg).rows[0].enterprise_id
    with pytest.raises(ValueError, match="完整数据视图"):
        A.gaps(scoped, AnalysisSettings(), extra_local=[(ent, seg)])


def with_companies(full: GraphView, scoped: GraphView, ids: list[str]) -> GraphView:
    """What add_companies reads for ``ids``, computed in polars from the full view."""
    from graph.stores.neo4j_scoped import companies_view

    links = full.enterprise_segments.filter(pl.col("enterprise_id").is_in(ids)).rename({"enterprise_id": "_src", "segment_id": "_dst"})
    links = links.sample(fraction=1.0, shuffle=True, seed=5)
    return companies_view(scoped, links, full.enterprises.filter(pl.col("id").is_in(ids)))


def _landings(full: GraphView) -> list[tuple[str, str]]:
    """Candidates landing in gap segments, one of them with rows in several segments (the count keeps it where a row stays)."""
    s = AnalysisSettings()
    pairs = [(A.targets(full, s, seg).rows[0].enterprise_id, seg) for seg in _gap_segments(full, s, 3)]
    es = full.enterprise_segments.join(full.enterprises.filter((pl.col("local") == False).fill_null(False)).select(pl.col("id").alias("enterprise_id")), on="enterprise_id", how="semi")  # noqa: E712
    multi = es.group_by("enterprise_id").agg(pl.col("segment_id").sort()).filter(pl.col("segment_id").list.len() > 1).sort("enterprise_id")
    if multi.height:
        e, segs = multi.row(0)
        pairs.append((e, segs[0]))
    return pairs


def test_what_if_on_a_scoped_view_with_the_landed_companies_rows(demo_store):
    full = load_view(demo_store)
    scoped = scope_down(full)
    pairs = _landings(full)
    view = with_companies(full, scoped, sorted({e for e, _ in pairs}))
    for s in VARIANTS[:2]:
        for scope in _scopes(full)[:2]:
            assert _dump(A.whatif(view, s, add=pairs, scope=scope)) == _dump(A.whatif(full, s, add=pairs, scope=scope))
        assert _dump(A.gaps(view, s, extra_local=pairs[:1])) == _dump(A.gaps(full, s, extra_local=pairs[:1]))
    assert _dump(A.gaps(view, AnalysisSettings())) == _dump(A.gaps(full, AnalysisSettings()))  # no landing: the server's counts


# ------------------------------------------------------------------ Neo4j


def _both(neo4j_settings, tables, tmp_path):
    from graph.stores.embedded import EmbeddedStore
    from graph.stores.neo4j import Neo4jStore

    emb = EmbeddedStore(tmp_path / "emb.lbug", read_only=False)
    emb.write(tables)
    neo = Neo4jStore.from_settings(neo4j_settings)
    neo.write(tables)
    return emb, neo


def _check_store(emb, neo) -> None:
    from graph.stores.neo4j_scoped import add_companies, add_pool, read_scoped_view

    full = load_view(emb)
    scoped = read_scoped_view(neo)
    assert scoped.scoped and scoped.aggregates["generation"]
    expected = scope_down(full)
    for name in ("enterprises", "enterprise_segments", "supply_links", "segments", "regions", "projects"):
        assert scoped.tables[name].equals(expected.tables[name]), name
    assert_same_answers(full, scoped, lambda seg: add_pool(neo, scoped, seg))
    lean = read_scoped_view(neo, candidates=False)  # what targets and parks read
    assert "candidate_counts" not in lean.aggregates and lean.enterprises.equals(scoped.enterprises)
    seg = _gap_segments(full, AnalysisSettings(), 1)[0]
    assert _dump(A.targets(full, AnalysisSettings(), seg)) == _dump(A.targets(add_pool(neo, lean, seg), AnalysisSettings(), seg))
    pairs = _landings(full)  # what-if: the landed companies' rows read by id
    landed = add_companies(neo, scoped, [e for e, _ in pairs] + ["NO-SUCH-ID"])
    assert _dump(A.whatif(landed, AnalysisSettings(), add=pairs)) == _dump(A.whatif(full, AnalysisSettings(), add=pairs))


@pytest.mark.neo4j
def test_neo4j_scoped_view_on_the_demo(neo4j_settings, demo_tables, tmp_path):
    emb, neo = _both(neo4j_settings, demo_tables, tmp_path)
    try:
        _check_store(emb, neo)
    finally:
        neo.close()
        emb.close()


@pytest.mark.neo4j
def test_neo4j_scoped_view_on_a_generated_10k_dataset(neo4j_settings, tmp_path):
    from bench.generate import generate, write_dataset
    from ingest import load_dataset

    res = load_dataset(write_dataset(generate(10_000, seed=11), tmp_path / "gen"))
    assert res.ok, [str(i) for i in res.errors[:5]]
    emb, neo = _both(neo4j_settings, blank_some_local(res.tables), tmp_path)  # blank local: neither local nor a candidate
    try:
        _check_store(emb, neo)
        _check_cli(emb, neo, tmp_path, capfd=None)
    finally:
        neo.close()
        emb.close()


def _cli_json(argv: list[str]) -> object:
    import contextlib
    import io

    from cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(argv) == 0
    return json.loads(out.getvalue())


def _check_cli(emb, neo, tmp_path, capfd) -> None:
    """The CLI's JSON is the same on both stores, to the last bit (gaps, chains, targets with filters, parks)."""
    full = load_view(emb)
    seg = _gap_segments(full, AnalysisSettings(), 1)[0]
    park = _scopes(full)[1]
    for cmd in (
        ["gaps"],
        ["gaps", "--scope", park, "--set", "weak_min_count=5"],
        ["chains"],
        ["targets", "--segment", seg],
        ["targets", "--segment", seg.lower(), "--top", "0", "--no-gates", "--min-coverage", "0.6", "--scope", park],
        ["parks"],
    ):
        a = _cli_json([*cmd, "--store", str(emb.path), "--format", "json"])
        b = _cli_json([*cmd, "--store", neo.location, "--format", "json"])
        assert a == b, cmd
