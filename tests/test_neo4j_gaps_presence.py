"""``indmap gaps`` / ``chains`` on Neo4j without the local side read whole (graph/stores/neo4j_scoped.py ``add_presence``).

The view is read with ``local=False`` (no local enterprises, segment links or supply links) and the
server counts the local side of presence per segment (:data:`graph.queries.SCOPED_LOCAL_PRESENCE`):
local count, share-weighted revenue (blank revenue adds 0, blank share counts 1, Σ share capped at 1)
and the above-scale count for the scope and threshold asked. Pure tests build that view in polars
from a full one -- the server's rows computed independently, in plain Python -- and compare gaps and
the chain summary in every label-changing settings variant and scope, on data with blank ``local``,
blank revenue, revenue exactly at the threshold and shares whose sum depends on the order of adding.
The ``neo4j`` tests read it from a real server (also a database without stored figures, and across a
rewrite) and check that the CLI never reads the whole local side and answers like the embedded store.
"""

from __future__ import annotations

from functools import reduce

import polars as pl
import pytest

from graph import analysis as A
from graph.analysis.presence import LOCAL_PRESENCE, PRESENCE_COLUMNS, local_presence, segment_closure, segment_presence
from graph.analysis.scope import Scope, scope_filter
from graph.settings import AnalysisSettings
from graph.stores import load_view
from graph.stores.neo4j_scoped import LOCALS_WITH_POOL, WITHOUT_PROJECTS
from graph.view import GraphView
from tests.test_neo4j_scoped import VARIANTS, _scopes, blank_some_local, scope_down
from tests.test_neo4j_targets_pool import refuse_whole_local_side

# settings that change labels or priority (weak_min_count, above_scale_revenue) besides VARIANTS
GAP_VARIANTS = [
    *VARIANTS,
    AnalysisSettings.model_validate({"above_scale_revenue": 0.0, "weak_min_count": 1}),
    AnalysisSettings.model_validate({"above_scale_revenue": 2041.8, "priority_weights": {"demand": 1.0, "dependents": 0.0}}),
]
ORDERED_SHARES = (0.3, 0.2, 0.1)  # (0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1: the order of adding shows


def _dump(result) -> object:
    """The result as JSON values, floats to the last bit (the stores must agree exactly)."""
    if isinstance(result, list):
        return [r.model_dump(mode="json") for r in result]
    return result.model_dump(mode="json")


def tricky(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The demo with blank ``local`` (every 40th), blank revenue (every 13th local), revenue exactly at
    the default threshold (every 17th local), and one local enterprise in three sub-segments of one
    segment with shares whose sum depends on the order of adding."""
    tables = blank_some_local(tables)
    ent = tables["enterprises"].with_row_index("_i")
    rev = (
        pl.when(pl.col("local").fill_null(False) & (pl.col("_i") % 13 == 3))
        .then(None)
        .when(pl.col("local").fill_null(False) & (pl.col("_i") % 17 == 5))
        .then(2000.0)
        .otherwise(pl.col("revenue"))
    )
    ent = ent.with_columns(rev.alias("revenue")).drop("_i")
    view = GraphView({**tables, "enterprises": ent})
    members = segment_closure(view).filter(pl.col("segment_id") == "BAT-U04", pl.col("member_id") != "BAT-U04").get_column("member_id").sort()[:3]
    who = ent.filter(pl.col("local").fill_null(False) & pl.col("revenue").is_not_null()).get_column("id")[0]
    es = tables["enterprise_segments"]
    rows = pl.DataFrame({"enterprise_id": [who] * 3, "segment_id": members.to_list(), "share": list(ORDERED_SHARES)})
    es = pl.concat([es.join(rows.select("enterprise_id", "segment_id"), on=["enterprise_id", "segment_id"], how="anti"), rows], how="diagonal_relaxed")
    return {**tables, "enterprises": ent, "enterprise_segments": es}


def server_rows(full: GraphView, scope: str, threshold: float) -> list[list]:
    """What SCOPED_LOCAL_PRESENCE returns, computed in plain Python: per segment [id, count, revenue (None when no
    enterprise in it has a known revenue), above].

    Sums add ascending values one after the other from 0.0, as the Cypher's ``reduce`` over sorted lists.
    """
    f = scope_filter(full, Scope.parse(scope))
    ents = {r["id"]: r for r in full.enterprises.iter_rows(named=True)}
    up: dict[str, list[str]] = {}
    for seg, member in segment_closure(full).iter_rows():
        up.setdefault(member, []).append(seg)
    shares: dict[tuple[str, str], list[float]] = {}
    for eid, member, share in full.enterprise_segments.select("enterprise_id", "segment_id", "share").iter_rows():
        e = ents[eid]
        if e["local"] is not True or not (f["city"] or e["park_id"] in f["parks"] or e["region_code"] in f["codes"]):
            continue
        for seg in up.get(member, []):
            shares.setdefault((seg, eid), []).append(1.0 if share is None else share)
    per_seg: dict[str, list[tuple[float | None, float]]] = {}
    for (seg, eid), got in shares.items():
        w = min(1.0, reduce(lambda a, x: a + x, sorted(got), 0.0))
        rev = ents[eid]["revenue"]
        per_seg.setdefault(seg, []).append((rev, (0.0 if rev is None else rev) * w))
    return [
        [
            seg,
            len(vals),
            reduce(lambda a, x: a + x, sorted(p for _, p in vals), 0.0) if any(r is not None for r, _ in vals) else None,  # unknown, not 0
            sum(1 for r, _ in vals if r is not None and r >= threshold),
        ]
        for seg, vals in sorted(per_seg.items())
    ]


def presence_only(full: GraphView, settings_list=GAP_VARIANTS) -> GraphView:
    """What read_scoped_view(local=False) + add_presence (every scope, every threshold) read, computed in polars and Python."""
    scoped = scope_down(full)
    tables = {**scoped.tables, **{name: scoped.tables[name].clear() for name in ("enterprises", "enterprise_segments", "supply_links")}}
    served = {
        (scope, s.above_scale_revenue): pl.DataFrame(server_rows(full, scope, s.above_scale_revenue), schema=PRESENCE_COLUMNS, orient="row")
        for scope in _scopes(full)
        for s in settings_list
    }
    return GraphView(tables, full.meta, aggregates=scoped.aggregates | {LOCALS_WITH_POOL: True, LOCAL_PRESENCE: served})


@pytest.fixture(scope="module")
def tricky_full(demo_tables) -> GraphView:
    return GraphView(tricky(demo_tables))


# ------------------------------------------------------------------ pure


def test_the_tricky_data_has_what_it_claims(tricky_full):
    ent = tricky_full.enterprises
    local = ent.filter(pl.col("local").fill_null(False))
    assert ent.get_column("local").null_count() > 0
    assert local.get_column("revenue").null_count() > 0 and (local.get_column("revenue") == 2000.0).sum() > 0
    assert (0.1 + 0.2) + 0.3 != (0.3 + 0.2) + 0.1
    got = local_presence(tricky_full, AnalysisSettings(), Scope.city())
    assert got.height > 0
    # some segment of some scope has local enterprises but none with a known revenue: unknown, not 0
    assert any(local_presence(tricky_full, AnalysisSettings(), Scope.parse(sc)).get_column("local_revenue").null_count() for sc in _scopes(tricky_full))


def test_the_local_side_equals_the_servers_rows(tricky_full):
    """presence's own local side and the rows the server returns are the same figures, to the bit."""
    for scope in _scopes(tricky_full):
        for s in GAP_VARIANTS:
            mine = local_presence(tricky_full, s, Scope.parse(scope)).sort("segment_id")
            theirs = pl.DataFrame(server_rows(tricky_full, scope, s.above_scale_revenue), schema=PRESENCE_COLUMNS, orient="row")
            assert mine.equals(theirs), (scope, s.above_scale_revenue)


def test_gaps_on_a_presence_only_view_answer_like_the_full_view(tricky_full):
    lean = presence_only(tricky_full)
    assert lean.enterprises.height == 0 and lean.enterprise_segments.height == 0
    for s in GAP_VARIANTS:
        for scope in _scopes(tricky_full):
            assert _dump(A.gaps(tricky_full, s, scope=scope)) == _dump(A.gaps(lean, s, scope=scope)), (scope, s)
            assert _dump(A.chain_summary(tricky_full, s, scope=scope)) == _dump(A.chain_summary(lean, s, scope=scope)), (scope, s)
            for chain in ("BAT", "NEV"):
                if chain in set(tricky_full.chains.get_column("id").to_list()):
                    assert _dump(A.gaps(tricky_full, s, scope=scope, chain_id=chain)) == _dump(A.gaps(lean, s, scope=scope, chain_id=chain))


def test_the_check_can_fail_and_an_unknown_key_is_refused(tricky_full):
    lean = presence_only(tricky_full, [AnalysisSettings()])
    # the figures of another threshold are refused, not used
    with pytest.raises(ValueError, match="没有范围 city、规模以上门槛 0 万元的汇总"):
        segment_presence(lean, AnalysisSettings.model_validate({"above_scale_revenue": 0.0}))
    # what-if needs the local enterprises themselves
    pair = (tricky_full.enterprises.filter(pl.col("local") == False).get_column("id")[0], "BAT-U04")  # noqa: E712
    with pytest.raises(ValueError):
        A.gaps(lean, AnalysisSettings(), extra_local=[pair])
    # figures summed in another order differ in the last bit somewhere: the comparison above can fail
    served = lean.aggregates[LOCAL_PRESENCE][("city", 2000.0)]
    bent = served.with_columns(pl.when(pl.col("segment_id") == "BAT-U04").then(pl.col("local_revenue") * (1 + 2**-50)).otherwise(pl.col("local_revenue")).alias("local_revenue"))
    wrong = GraphView(lean.tables, lean.meta, aggregates=lean.aggregates | {LOCAL_PRESENCE: {("city", 2000.0): bent}})
    assert _dump(A.gaps(wrong, AnalysisSettings())) != _dump(A.gaps(tricky_full, AnalysisSettings()))


def test_an_enterprise_in_three_sub_segments_weighs_its_shares_in_sorted_order(tricky_full):
    who = tricky_full.enterprises.filter(pl.col("local").fill_null(False) & pl.col("revenue").is_not_null()).get_column("id")[0]  # as tricky() chose
    rev = tricky_full.enterprises.filter(pl.col("id") == who).get_column("revenue")[0]
    alone = GraphView(
        {
            **tricky_full.tables,
            "enterprises": tricky_full.enterprises.filter(pl.col("id") == who),
            "enterprise_segments": tricky_full.enterprise_segments.filter(pl.col("enterprise_id") == who, pl.col("share").is_in(list(ORDERED_SHARES))),
        }
    )
    row = local_presence(alone, AnalysisSettings(), Scope.city()).filter(pl.col("segment_id") == "BAT-U04").row(0)
    assert row[1] == 1 and row[2] == rev * ((0.1 + 0.2) + 0.3)


# ------------------------------------------------------------------ Neo4j


def _write(neo4j_settings, tables, tmp_path):
    from tests.test_neo4j_scoped import _both

    return _both(neo4j_settings, tables, tmp_path)


@pytest.mark.neo4j
def test_neo4j_presence_rows_equal_the_full_views(neo4j_settings, demo_tables, tmp_path):
    from graph.stores import scoped_stored
    from graph.stores.neo4j_scoped import add_presence, read_scoped_view
    from tests.test_neo4j_stored_counts import _raw_meta, _set_raw_meta

    tables = tricky(demo_tables)
    emb, neo = _write(neo4j_settings, tables, tmp_path)
    try:
        full = load_view(emb)
        lean = read_scoped_view(neo, local=False, projects=False)  # what indmap gaps / chains read
        assert lean.aggregates[LOCALS_WITH_POOL] and lean.enterprises.height == 0 and lean.enterprise_segments.height == 0
        assert lean.aggregates[WITHOUT_PROJECTS] and lean.projects.height == 0 < full.projects.height
        for scope in _scopes(full):
            for s in GAP_VARIANTS:
                got = add_presence(neo, lean, scope, s.above_scale_revenue)
                served = got.aggregates[LOCAL_PRESENCE][(scope, s.above_scale_revenue)].sort("segment_id")
                assert served.equals(local_presence(full, s, Scope.parse(scope)).sort("segment_id")), (scope, s.above_scale_revenue)
                assert _dump(A.gaps(got, s, scope=scope)) == _dump(A.gaps(full, s, scope=scope)), (scope, s)
                assert _dump(A.chain_summary(got, s, scope=scope)) == _dump(A.chain_summary(full, s, scope=scope))
        # a rewrite between the view and the presence: read again, still without the local side
        neo.write(tables)
        again = add_presence(neo, lean, "city", 2000.0)
        assert again.aggregates["generation"] != lean.aggregates["generation"] and again.aggregates[LOCALS_WITH_POOL]
        assert again.aggregates[WITHOUT_PROJECTS] and again.enterprises.height == 0
        assert _dump(A.gaps(again, AnalysisSettings())) == _dump(A.gaps(full, AnalysisSettings()))
        # a database without the stored figures (an older indmap): read with its local side, presence counted from it
        meta = _raw_meta(neo)
        _set_raw_meta(neo, {k: v for k, v in meta.items() if k != scoped_stored.KEY})
        old = read_scoped_view(neo, local=False)
        assert not old.aggregates.get(LOCALS_WITH_POOL) and old.enterprises.height > 0
        assert add_presence(neo, old, "city", 2000.0) is old
        assert _dump(A.gaps(old, AnalysisSettings())) == _dump(A.gaps(full, AnalysisSettings()))
    finally:
        neo.close()
        emb.close()


@pytest.mark.neo4j
def test_cli_gaps_on_neo4j_never_reads_the_whole_local_side(neo4j_settings, demo_tables, tmp_path, monkeypatch):
    from tests.test_neo4j_scoped import _cli_json

    emb, neo = _write(neo4j_settings, tricky(demo_tables), tmp_path)
    try:
        full = load_view(emb)
        scopes = _scopes(full)

        refuse_whole_local_side(monkeypatch, "indmap gaps")
        for cmd in (
            ["gaps"],
            ["gaps", "--scope", scopes[1], "--set", "weak_min_count=5"],
            ["gaps", "--scope", scopes[2], "--set", "above_scale_revenue=0"],
            ["gaps", "--chain", "BAT", "--set", "above_scale_revenue=2041.8"],
            ["chains"],
            ["chains", "--scope", scopes[2], "--set", "weak_min_count=1"],
        ):
            a = _cli_json([*cmd, "--store", str(emb.path), "--format", "json"])
            b = _cli_json([*cmd, "--store", neo.location, "--format", "json"])
            assert a == b, cmd
    finally:
        neo.close()
        emb.close()
