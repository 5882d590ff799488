"""Analysis on the hand-built fixture: every expected number worked out by hand, factor by factor.

Default settings: weights dependents .25, demand .20, broken .15, key .15,
category .15, supply .10 (Σ = 1); weak × 0.6; supply_saturation 10;
weak_min_count 3; above-scale 2000 万元; key_weight 2.
"""

from __future__ import annotations

import datetime as dt
import math

import polars as pl
import pytest

from graph.analysis import (
    Scope,
    chain_summary,
    gaps,
    park_concentration,
    park_overlap,
    park_ranking,
    project_report,
    segment_presence,
    targets,
    whatif,
)
from graph.settings import AnalysisSettings
from graph.view import GraphView
from tests.analysis_fixture import fixture_tables

S = AnalysisSettings()


@pytest.fixture(scope="module")
def view() -> GraphView:
    return GraphView(fixture_tables())


def by_id(rows, attr="segment_id"):
    return {getattr(r, attr): r for r in rows}


# ------------------------------------------------------------------ presence


def test_presence_counts_revenue_and_sub_segments(view):
    p = {r["segment_id"]: r for r in segment_presence(view, S).iter_rows(named=True)}
    # A1: L1 5000 (no share → ×1) + L2 3000×0.5 + L3 2500 + L11 (no revenue → 0) = 9000;
    # above scale: L1, L2, L3 (full revenue ≥ 2000; L11 unknown) = 3
    assert (p["A1"]["local_count"], p["A1"]["local_revenue"], p["A1"]["above_scale_count"]) == (4, pytest.approx(9000.0), 3)
    # A2 = A2a ∪ A2b: L4 counted once, revenue 800 × min(1, 0.4 + 0.4) = 640
    assert (p["A2"]["local_count"], p["A2"]["local_revenue"], p["A2"]["above_scale_count"]) == (1, pytest.approx(640.0), 0)
    assert p["A2a"]["local_revenue"] == pytest.approx(320.0)
    # candidates: A3 X1..X6; A2 gets X7 from its sub-segment A2a
    assert (p["A3"]["candidate_count"], p["A2"]["candidate_count"], p["A2a"]["candidate_count"]) == (6, 1, 1)
    # A4: L5 12000 + L6 100×0.5 = 12050
    assert p["A4"]["local_revenue"] == pytest.approx(12050.0)
    # B1: L7 4000×1.0 + L8 2000 + L9 (no revenue) = 6000; above: L7, L8 (2000 ≥ 2000)
    assert (p["B1"]["local_count"], p["B1"]["local_revenue"], p["B1"]["above_scale_count"]) == (3, pytest.approx(6000.0), 2)


# ------------------------------------------------------------------ gaps

EXPECTED_CA = {
    # A3 broken: dependents 1/1 (A4 present downstream), demand 12050/12050 (A4 12050 + A5 0),
    # broken 1, key 1, category 1.0, supply 6/10
    # = .25 + .20 + .15 + .15 + .15 + .10×.6 = .96
    "A3": ("broken", 96.0, {"dependents": 1.0, "demand": 1.0, "broken": 1.0, "key": 1.0, "category": 1.0, "supply": 0.6}),
    # A5 missing (present ancestor A1, no descendant): key .15 + category .15 + supply 1/10×.10 = .31
    "A5": ("missing", 31.0, {"dependents": 0.0, "demand": 0.0, "broken": 0.0, "key": 1.0, "category": 1.0, "supply": 0.1}),
    # A2 weak (1 local, none above scale): dependents 1/1 (A4), demand 0 (A3 has no local revenue),
    # category .15, supply 1/10 → .25 + .15 + .01 = .41 × .6 = 24.6
    "A2": ("weak", 24.6, {"dependents": 1.0, "demand": 0.0, "broken": 0.0, "key": 0.0, "category": 1.0, "supply": 0.1}),
    # A2a weak: key .15 + category .15 + supply .01 = .31 × .6 = 18.6
    "A2a": ("weak", 18.6, {"dependents": 0.0, "demand": 0.0, "broken": 0.0, "key": 1.0, "category": 1.0, "supply": 0.1}),
    # A2b weak: category .15 × .6 = 9.0
    "A2b": ("weak", 9.0, {"dependents": 0.0, "demand": 0.0, "broken": 0.0, "key": 0.0, "category": 1.0, "supply": 0.0}),
    # A4 weak (2 locals < 3): category .15 × .6 = 9.0
    "A4": ("weak", 9.0, {"dependents": 0.0, "demand": 0.0, "broken": 0.0, "key": 0.0, "category": 1.0, "supply": 0.0}),
    # A1 strong: 4 locals, 3 above scale
    "A1": ("strong", None, {}),
}

EXPECTED_CB = {
    # cycle B1 → B2 → B3 → B1: B1 is both ancestor and descendant of B2 and B3, so both are broken.
    # B3: dependents 2/2 (B1, B4), demand 6000/6000 (B1), broken, key, category .6, supply 0
    #   = .25 + .20 + .15 + .15 + .15×.6 = .84
    "B3": ("broken", 84.0, {"dependents": 1.0, "demand": 1.0, "broken": 1.0, "key": 1.0, "category": 0.6, "supply": 0.0}),
    # B2: dependents 2/2 (B1, B4), demand 1000/6000 (B3 0 + B4 1000), broken, category .6, supply 1/10
    #   = .25 + .20/6 + .15 + .09 + .01 = .5333…
    "B2": ("broken", 100 * (0.25 + 0.2 / 6 + 0.15 + 0.09 + 0.01), {"dependents": 1.0, "demand": 1 / 6, "broken": 1.0, "key": 0.0, "category": 0.6, "supply": 0.1}),
    # B4 weak (L10, L12; none above scale): category .09 × .6 = 5.4
    "B4": ("weak", 5.4, {"dependents": 0.0, "demand": 0.0, "broken": 0.0, "key": 0.0, "category": 0.6, "supply": 0.0}),
    "B1": ("strong", None, {}),
}


@pytest.mark.parametrize("chain,expected", [("CA", EXPECTED_CA), ("CB", EXPECTED_CB)])
def test_gap_labels_priorities_and_factors(view, chain, expected):
    res = gaps(view, S, chain_id=chain)
    rows = by_id(res.rows)
    assert set(rows) == set(expected)
    for sid, (label, prio, factors) in expected.items():
        r = rows[sid]
        assert r.label == label, sid
        if prio is None:
            assert r.priority is None and r.factors == {}
        else:
            assert r.priority == pytest.approx(prio), sid
            assert r.factors == pytest.approx(factors), sid
            assert len(r.reasons) == 6


def test_gap_order_and_ties(view):
    res = gaps(view, S, chain_id="CA")
    # A2b and A4 tie at 9.0: segment id breaks the tie; strong last
    assert [r.segment_id for r in res.rows] == ["A3", "A5", "A2", "A2a", "A2b", "A4", "A1"]
    allrows = gaps(view, S)
    assert [r.segment_id for r in allrows.rows][:4] == ["A3", "B3", "B2", "A5"]


def test_gap_reasons_text(view):
    r = by_id(gaps(view, S, chain_id="CA").rows)["A3"]
    assert r.factor_reasons == {
        "dependents": "下游1个本地已有环节依赖此环节",
        "demand": "直接下游本地营收1.2亿元",
        "broken": "断链：上下游本地均有企业，中间缺失",
        "key": "关键环节",
        "category": "主导产业（权重1.0）",
        "supply": "外地候选企业6家",
    }
    assert by_id(gaps(view, S, chain_id="CA").rows)["A4"].label_reason == "弱链：本地仅2家企业（少于3家）"


def test_cycle_is_a_warning(view):
    res = gaps(view, S, chain_id="CB")
    assert res.warnings == ["「特色食品产业链」的环节供应关系存在循环：种植 → 加工 → 包装 → 种植（已按传递闭包计算上下游）"]  # names, not ids
    assert gaps(view, S, chain_id="CA").warnings == []


def test_scope_park_and_region(view):
    # park P1: locals L1, L2, L4, L8, L9 → A1 has 2 (weak), A4 none; A3 has present ancestors but no
    # present descendant → missing
    rows = by_id(gaps(view, S, scope="park:P1", chain_id="CA").rows)
    assert (rows["A1"].label, rows["A1"].local_count) == ("weak", 2)
    assert rows["A3"].label == "missing" and rows["A4"].label == "missing"
    # region 370103 (county): L3, L5, L7, L10 registered there (P2 lies there too)
    rows = by_id(gaps(view, S, scope="region:370103").rows)
    assert (rows["A1"].local_count, rows["A4"].local_count, rows["B1"].local_count, rows["B4"].local_count) == (1, 1, 1, 1)
    # the city code covers both counties and all parks: same as the city scope
    city = segment_presence(view, S)
    assert segment_presence(view, S, Scope.parse("region:370100")).equals(city)
    with pytest.raises(ValueError, match="未知园区编号"):
        gaps(view, S, scope="park:NOPE")


def test_settings_carried_and_changed(view):
    res = gaps(view, S)
    assert res.settings == S.model_dump() and res.scope == "city"
    # weak_min_count 2: A4 (2 locals, 1 above scale) becomes strong
    s2 = AnalysisSettings(weak_min_count=2)
    assert by_id(gaps(view, s2, chain_id="CA").rows)["A4"].label == "strong"


# ------------------------------------------------------------------ completeness


def test_chain_summary(view):
    rows = by_id(chain_summary(view, S), "chain_id")
    ca = rows["CA"]
    # leaves A1, A2a, A2b, A3, A4, A5 (A2 has children); present A1, A2a, A2b, A4 → 4/6
    # key-weighted: A1 2, A2a 2, A2b 1, A3 2, A4 1, A5 2 → present 2+2+1+1 = 6 of 10
    assert (ca.leaf_count, ca.present_leaf_count) == (6, 4)
    assert ca.completeness == pytest.approx(4 / 6)
    assert ca.completeness_key_weighted == pytest.approx(0.6)
    assert ca.counts == {"broken": 1, "missing": 1, "weak": 4, "strong": 1}
    assert ca.top_gap == "A3" and ca.category == "leading"
    cb = rows["CB"]
    # leaves B1..B4, present B1, B4 → 2/4; key B3 counts 2 → 2/5
    assert (cb.completeness, cb.completeness_key_weighted) == (pytest.approx(0.5), pytest.approx(0.4))


# ------------------------------------------------------------------ targets

# Pool A3: X1..X6 (6). Gates: X4 pollution high, X5 energy high. Ranked: X1, X2, X3, X6.
# Unknown is not zero: an unknown part takes unknown_value u = 0.5 (default); the dataset has supply links,
# so ties are known for everyone.
# revenue known X1 50000, X2 20000, X6 3000 (X3 unknown): percentile = share of known ≤ own → 1, 2/3, 1/3; X3 u = .5
# patents X1 120, X2 40, X6 10 → 1, 2/3, 1/3; X3 unknown → .5
# qualifications part: X1 高新 .3 + 专精特新 .3 = .6; X2 小巨人 .4 + implied 专精特新 .3 = .7; X6 高新 .3;
#   X3 has no qualifications cell → unknown → .5 (never "none")
# innovation = .5 × patents part + .5 × qualifications part: X3 = .5 × .5 + .5 × .5 = .5
# ties: X1 supplies L5, L6 and buys from L1 → 3/3; X2 supplies L5 → 1/3; X6 buys from L4 → 1/3; X3 only X2 (not local) → 0
# fit = .5 × share part + .5 × confidence part (confirmed 1, likely .5, unknown u):
#   X1 .5×.8 + .5×1 = .9; X2 share unknown .5×.5 + likely .5×.5 = .5; X3 .5×.5 + confidence unknown .5×.5 = .5; X6 .5 + .5 = 1
# growth X1 .30, X2 .10, X6 .05 → 1, 2/3, 1/3; X3 unknown → .5
# green = mean(pollution part, energy part): X1 (low, low) 1; X2 (medium, low) .75; X3 (low, unknown .5) .75; X6 (low, medium) .75
EXPECTED_TARGETS = {
    "X1": {"scale": 1.0, "innovation": 0.8, "ties": 1.0, "fit": 0.9, "growth": 1.0, "green": 1.0},
    "X2": {"scale": 2 / 3, "innovation": 0.5 * 2 / 3 + 0.35, "ties": 1 / 3, "fit": 0.5, "growth": 2 / 3, "green": 0.75},
    "X3": {"scale": 0.5, "innovation": 0.5, "ties": 0.0, "fit": 0.5, "growth": 0.5, "green": 0.75},
    "X6": {"scale": 1 / 3, "innovation": 0.5 / 3 + 0.15, "ties": 1 / 3, "fit": 1.0, "growth": 1 / 3, "green": 0.75},
}
W = {"scale": 0.25, "innovation": 0.20, "ties": 0.20, "fit": 0.15, "growth": 0.10, "green": 0.10}
# coverage = Σ w × (known share of the factor's parts) / Σ w (Σ w = 1):
#   X1, X6: everything known → 1
#   X2: fit has its confidence but not its share → 1 − .15 × ½ = .925
#   X3: scale 0, innovation 0 (neither part), ties 1 (.20), fit ½ (.075), growth 0, green ½ (.05) → .325
EXPECTED_COVERAGE = {"X1": 1.0, "X2": 0.925, "X3": 0.325, "X6": 1.0}


def test_targets_scores_by_hand(view):
    res = targets(view, S, "A3")
    assert (res.pool_size, res.ranked_size) == (6, 4)
    assert res.gate_removed == {"pollution": 1, "energy": 1}
    assert res.filter_removed == {}
    rows = by_id(res.rows, "enterprise_id")
    for eid, f in EXPECTED_TARGETS.items():
        assert rows[eid].factors == pytest.approx(f), eid
        assert rows[eid].score == pytest.approx(100 * sum(W[k] * f[k] for k in W)), eid
        assert rows[eid].coverage == pytest.approx(EXPECTED_COVERAGE[eid]), eid
    # X1 = .25 + .16 + .20 + .135 + .10 + .10 = .945 → 94.5
    assert rows["X1"].score == pytest.approx(94.5)
    # X3 = .25×.5 + .20×.5 + .20×0 + .15×.5 + .10×.5 + .10×.75 = .125 + .10 + 0 + .075 + .05 + .075 = .425 → 42.5
    # (it scored 8.75 when unknown counted as zero)
    assert rows["X3"].score == pytest.approx(42.5)
    # X2 = .25×⅔ + .20×(⅓ + .35) + .20×⅓ + .15×.5 + .10×⅔ + .10×.75 = .58667 → 58.67
    assert rows["X2"].score == pytest.approx(58.6667, abs=1e-3)
    assert rows["X3"].factor_coverage == {"scale": 0.0, "innovation": 0.0, "ties": 1.0, "fit": 0.5, "growth": 0.0, "green": 0.5}
    # X6 is in project PJ1 (signed): flagged, kept after the ranked targets, not ranked
    assert [(r.enterprise_id, r.rank, r.in_pipeline) for r in res.rows] == [("X1", 1, False), ("X2", 2, False), ("X3", 3, False), ("X6", None, True)]
    assert rows["X6"].pipeline_stage == "signed" and rows["X6"].pipeline_projects == ["PJ1"]
    # X2 is only negotiating (PJ2): offered, with the stage noted
    assert rows["X2"].pipeline_stage == "negotiating" and not rows["X2"].in_pipeline


def test_target_reasons(view):
    rows = by_id(targets(view, S, "A3").rows, "enterprise_id")
    assert rows["X1"].factor_reasons["ties"] == "向本地2家企业供货，从本地1家企业采购"
    assert rows["X1"].factor_reasons["scale"] == "营收5.0亿元，本环节3家中排第1"
    assert rows["X2"].factor_reasons["innovation"] == "专利40件，本环节3家中排第2；专精特新小巨人"
    assert rows["X3"].factor_reasons["scale"] == "营收无数据"
    assert rows["X3"].factor_reasons["growth"] == "增长率无数据"
    # unknown is never read as none
    assert rows["X3"].factor_reasons["innovation"] == "专利无数据；高新技术企业/专精特新资质无数据"
    assert rows["X3"].factor_reasons["ties"] == "与本地企业无供应关系"  # the dataset has supply links: known, none
    assert rows["X3"].factor_reasons["fit"] == "本环节业务占比50%（置信度无数据）"
    assert rows["X3"].factor_reasons["green"] == "污染低，能耗等级无数据"
    assert rows["X2"].factor_reasons["fit"] == "业务占比无数据（待核实）"
    assert rows["X6"].reasons[0] == "已在项目库（签约：PJ1），不作为新目标"
    assert not any("无高新技术企业" in r for t in rows.values() for r in t.reasons)


def _view_with(**changes) -> GraphView:
    """The fixture with some tables replaced (``enterprises=fn(df)`` edits a table)."""
    tables = fixture_tables()
    for name, fn in changes.items():
        tables[name] = fn(tables[name])
    return GraphView(tables)


def test_unknown_value_setting(view):
    # unknown_value 0 gives back the old "missing scores 0": X3 = .15 × (.5×.5 + 0) + .10 × (1 + 0)/2 = .0375 + .05 → 8.75
    res = targets(view, AnalysisSettings(unknown_value=0.0), "A3")
    x3 = by_id(res.rows, "enterprise_id")["X3"]
    assert x3.factors == pytest.approx({"scale": 0.0, "innovation": 0.0, "ties": 0.0, "fit": 0.25, "growth": 0.0, "green": 0.5})
    assert x3.score == pytest.approx(8.75)
    assert x3.coverage == pytest.approx(0.325)  # coverage does not depend on the neutral value
    # unknown_value 1: X3 = .25 + .20 + 0 + .15 × (.25 + .5) + .10 + .10 × (1 + 1)/2 = .25 + .2 + .1125 + .1 + .1 → 76.25
    x3 = by_id(targets(view, AnalysisSettings(unknown_value=1.0), "A3").rows, "enterprise_id")["X3"]
    assert x3.score == pytest.approx(76.25)
    with pytest.raises(ValueError):
        AnalysisSettings(unknown_value=1.5)


def test_min_coverage_filter(view):
    # coverages X1 1, X2 .925, X3 .325, X6 1: 0.5 drops X3 only, counted like the other filters
    res = targets(view, AnalysisSettings(min_coverage=0.5), "A3")
    assert res.filter_removed == {"min_coverage": 1}
    assert [r.enterprise_id for r in res.rows] == ["X1", "X2", "X6"]
    # the bound is inclusive: .925 passes .925
    res = targets(view, AnalysisSettings(min_coverage=0.925), "A3")
    assert [r.enterprise_id for r in res.rows] == ["X1", "X2", "X6"]
    # percentiles are taken in the filtered pool: unchanged here, X3 had no revenue
    assert by_id(res.rows, "enterprise_id")["X2"].factors["scale"] == pytest.approx(2 / 3)


def test_ties_unknown_without_supply_links():
    v = _view_with(supply_links=lambda df: df.head(0))
    rows = by_id(targets(v, S, "A3").rows, "enterprise_id")
    # no supply links in the dataset at all: ties unknown for everyone → .5, and not counted in coverage
    for eid, r in rows.items():
        assert r.factors["ties"] == 0.5, eid
        assert r.factor_reasons["ties"] == "供应关系无数据", eid
        assert r.coverage == pytest.approx(EXPECTED_COVERAGE[eid] - 0.20), eid
    # X1 = 94.5 − .20 × 1 + .20 × .5 → 84.5
    assert rows["X1"].score == pytest.approx(84.5)


def test_qualifications_known_none_and_unknown():
    def quals(df):
        q = {"X3": ["无"], "X2": ["上市"]}
        return df.with_columns(
            pl.Series("qualifications", [q.get(i, v) for i, v in zip(df["id"].to_list(), df["qualifications"].to_list())], dtype=pl.List(pl.Utf8))
        )

    rows = by_id(targets(_view_with(enterprises=quals), S, "A3").rows, "enterprise_id")
    # X3 says 无 explicitly: qualifications part known, 0 → innovation = .5 × .5 (patents unknown) + .5 × 0 = .25
    assert rows["X3"].factors["innovation"] == pytest.approx(0.25)
    assert rows["X3"].factor_reasons["innovation"] == "专利无数据；无高新技术企业/专精特新资质"
    assert rows["X3"].factor_coverage["innovation"] == 0.5
    # coverage .325 + .20 × ½ → .425
    assert rows["X3"].coverage == pytest.approx(0.425)
    # X2 lists only 上市: says nothing about 高新/专精特新 → unknown (.5), innovation = .5 × ⅔ + .5 × .5
    assert rows["X2"].factors["innovation"] == pytest.approx(0.5 * 2 / 3 + 0.25)
    assert rows["X2"].factor_reasons["innovation"] == "专利40件，本环节3家中排第2；高新技术企业/专精特新资质无数据"


def test_known_zero_patents_and_revenue_score_zero():
    def zero(df):
        return df.with_columns(
            pl.when(pl.col("id") == "X3").then(0.0).otherwise(pl.col("revenue")).alias("revenue"),
            pl.when(pl.col("id") == "X3").then(0).otherwise(pl.col("patents")).alias("patents"),
        )

    x3 = by_id(targets(_view_with(enterprises=zero), S, "A3").rows, "enterprise_id")["X3"]
    # known 0 is not unknown: scale 0; innovation = .5 × 0 + .5 × .5 (qualifications unknown) = .25
    assert x3.factors["scale"] == 0.0 and x3.factors["innovation"] == pytest.approx(0.25)
    assert x3.factor_reasons["innovation"].startswith("专利0件")
    # coverage .325 + .25 (revenue) + .20 × ½ (patents) → .675
    assert x3.coverage == pytest.approx(0.675)


def test_standing_phrases():
    from graph.analysis.reasons import standing

    # position / known count: a pool under 10 says the place, else the top share (rounded up)
    assert standing(1, 3) == "本环节3家中排第1"
    assert standing(1, 10) == "位于本环节前10%"
    assert standing(3, 40) == "位于本环节前8%"  # 7.5% → 8%
    assert standing(None, 0) == ""


def test_targets_gates_and_filters(view):
    res = targets(view, S, "A3", gates=False)
    assert res.gate_removed == {"pollution": 0, "energy": 0} and res.ranked_size == 6
    res = targets(view, AnalysisSettings(gate_high_energy=False), "A3")
    assert res.gate_removed == {"pollution": 1, "energy": 0}
    # province 江苏 (江苏省 matches): X3 广东 removed
    res = targets(view, S, "A3", province="江苏省")
    assert res.filter_removed == {"province": 1}
    assert {r.enterprise_id for r in res.rows} == {"X1", "X2", "X6"}
    res = targets(view, S, "A3", listed_only=True, min_revenue=10000)
    assert res.filter_removed == {"listed_only": 3, "min_revenue": 0}
    res = targets(view, S, "A3", min_revenue=10000)
    assert res.filter_removed == {"min_revenue": 2}  # X3 (no revenue), X6 (3000)
    res = targets(view, S, "A3", qualifications=["专精特新"])
    assert res.filter_removed == {"qualifications": 2}  # X2 passes as 小巨人
    assert [r.enterprise_id for r in res.rows] == ["X1", "X2"]
    # percentiles are taken in the filtered pool: X2 alone above 10000 with X1 → 1/2
    res = targets(view, S, "A3", min_revenue=10000)
    assert by_id(res.rows, "enterprise_id")["X2"].factors["scale"] == pytest.approx(0.5)


def test_targets_top_and_subsegment_pool(view):
    res = targets(view, S, "A3", top=1)
    assert [(r.enterprise_id, r.rank) for r in res.rows] == [("X1", 1), ("X6", None)]
    # A2's pool includes its sub-segment A2a's candidate X7 (in PJ6, producing → in pipeline)
    res = targets(view, S, "A2")
    assert [(r.enterprise_id, r.in_pipeline, r.pipeline_stage) for r in res.rows] == [("X7", True, "producing")]
    with pytest.raises(ValueError, match="未知环节编号"):
        targets(view, S, "NOPE")


def test_target_weights_change(view):
    # only ties weighted: X1 1 → 100, X2 and X6 1/3, X3 0; X2/X6 tie broken by enterprise id
    s = AnalysisSettings(target_weights={"scale": 0, "innovation": 0, "ties": 1, "fit": 0, "growth": 0, "green": 0})
    res = targets(view, s, "A3")
    assert [(r.enterprise_id, round(r.score, 6)) for r in res.rows] == [("X1", 100.0), ("X2", round(100 / 3, 6)), ("X3", 0.0), ("X6", round(100 / 3, 6))]


# ------------------------------------------------------------------ parks


def test_park_overlap(view):
    res = park_overlap(view, S)
    pairs = {(p.park_a, p.park_b): p for p in res.pairs}
    # P1 by root segment: A1 5000 + 3000×.5 = 6500; A2 640; B1 2000
    # P2: A1 2500; A4 12000; B1 4000; B4 1000
    dot = 6500 * 2500 + 2000 * 4000
    n1 = math.sqrt(6500**2 + 640**2 + 2000**2)
    n2 = math.sqrt(2500**2 + 12000**2 + 4000**2 + 1000**2)
    p12 = pairs[("P1", "P2")]
    assert (p12.basis, p12.similarity, p12.flagged) == ("revenue", pytest.approx(dot / (n1 * n2)), False)
    assert p12.shared_segments == ["A1", "B1"]
    # P3 has no revenue: counts. P3: A1 1, B4 1. P2: A1, A4, B1, B4 one each → 2 / (2 × √2)
    p23 = pairs[("P2", "P3")]
    assert (p23.basis, p23.similarity, p23.flagged) == ("count", pytest.approx(1 / math.sqrt(2)), True)
    # P1 counts: A1 2, A2 1, B1 2 → 2 / (3 × √2)
    assert pairs[("P1", "P3")].similarity == pytest.approx(2 / (3 * math.sqrt(2)))
    assert [(p.park_a, p.park_b) for p in res.pairs] == [("P2", "P3"), ("P1", "P3"), ("P1", "P2")]


def test_park_concentration(view):
    rows = by_id(park_concentration(view, S), "park_id")
    # P1 total 5000 + 3000 + 800 + 2000 = 10800; IA: L1 5000 + L2 3000×.5 + L4 800×.8 = 7140; IB: L8 2000
    p1 = rows["P1"]
    assert (p1.basis, p1.top_industry_id, p1.top_share) == ("revenue", "IA", pytest.approx(7140 / 10800))
    assert p1.focus_share == pytest.approx(2000 / 10800)  # declared focus IB only
    assert p1.flags == ["申报主导产业营收占比19%（低于50%）"] and p1.flagged
    # P2: 19500 total, IA 14500
    assert rows["P2"].top_share == pytest.approx(14500 / 19500) and not rows["P2"].flagged
    # P3 no revenue → counts: L11 IA, L12 IB, L13 no segment → 1/3 each; tie broken by industry id
    p3 = rows["P3"]
    assert (p3.basis, p3.top_industry_id, p3.top_share, p3.flags) == ("count", "IA", pytest.approx(1 / 3), ["主导产业不突出"])


def test_park_ranking(view):
    # the province-wide ranking with peer cities is worked out in test_parks_fixture.py; here all three parks
    # are 本市 (济南, inferred) and only revenue and fixed investment are given (tax and profit add 0, named)
    r = park_ranking(view, S)
    # latest period: 2025 (ends after 2025-H1); previous of the same kind: 2024
    assert (r.period, r.previous_period, r.home_region, r.home_inferred) == ("2025", "2024", "370100", True)
    # scale = .4 × revenue / 150000 + .3 × fixed investment / 25000:
    # P1 .4 × .8 + .3 × 1 = .62; P2 .4 × 1 + .3 × .72 = .616; P3 .4 × 40000 / 150000 (investment missing)
    assert [(x.park_id, x.rank, x.score) for x in r.scale] == [("P1", 1, pytest.approx(0.62)), ("P2", 2, pytest.approx(0.616)), ("P3", 3, pytest.approx(0.4 * 4 / 15))]
    assert r.scale[0].missing == ["tax", "profit"] and r.scale[2].missing == ["fixed_investment", "tax", "profit"]
    # revenue growth P1 (120000 − 100000) / 100000 = .2, P3 (40000 − 50000) / 50000 = −.2 → min–max parts 1 and 0;
    # investment growth P1 .25 only (P3 has no 2025 investment) → part 1. P1 .4 + .3 = .7; P3 0; P2 one period
    assert [(x.park_id, x.rank, x.score) for x in r.speed] == [("P1", 1, pytest.approx(0.7)), ("P3", 2, 0.0), ("P2", None, None)]
    assert r.speed[0].values["revenue"] == pytest.approx(0.2) and r.speed[0].values["fixed_investment"] == pytest.approx(0.25)
    assert r.speed[2].note == "仅一期数据，无法计算增速"
    assert r.comparison[0].sentence == "十强中本市 3 家（数据中没有其他城市的园区）"
    h1 = park_ranking(view, S, period="2025-H1")
    assert h1.previous_period == "2024-H2"
    assert by_id(h1.speed, "park_id")["P1"].note == "缺少上一期（2024-H2）数据，无法计算增速"


# ------------------------------------------------------------------ projects


def test_project_report(view):
    rep = project_report(view, S, as_of=dt.date(2026, 6, 1))
    assert [(f.stage, f.count, f.investment) for f in rep.funnel] == [
        ("lead", 1, 0.0), ("negotiating", 1, 50000.0), ("signed", 1, 30000.0),
        ("started", 1, 80000.0), ("producing", 1, 20000.0), ("dropped", 1, 10000.0),
    ]
    # reached: PJ1 signed, PJ2 negotiating, PJ3 started, PJ4 dropped after signing (signed_on), PJ5 lead, PJ6 producing
    # ≥lead 6, ≥negotiating 5, ≥signed 4, ≥started 2, ≥producing 1
    assert [(c.reached_from, c.reached_to) for c in rep.conversion] == [(6, 5), (5, 4), (4, 2), (2, 1)]
    assert [c.rate for c in rep.conversion] == pytest.approx([5 / 6, 4 / 5, 1 / 2, 1 / 2])
    # stalled: PJ3 started, stage_date 2025-10-01 → 243 days; PJ1 signed 2026-01-10 → 142 days
    assert [(s.project_id, s.days) for s in rep.stalled] == [("PJ3", 243), ("PJ1", 142)]
    # intensity: PJ1 30000/150 = 200 (<300), output 45000/150 = 300 (<400), tax 30 ok;
    # PJ3 800, 600, tax 1500/100 = 15 (<20); PJ6 500, no expected figures; PJ4 dropped: not listed
    inten = by_id(rep.intensity, "project_id")
    assert [x.project_id for x in rep.intensity] == ["PJ1", "PJ3", "PJ6"]
    assert inten["PJ1"].flags == ["投资强度200万元/亩，低于300万元/亩", "亩均产出300万元/亩，低于400万元/亩"]
    assert inten["PJ3"].flags == ["亩均税收15.0万元/亩，低于20万元/亩"]
    assert inten["PJ6"].flags == [] and inten["PJ6"].intensity == pytest.approx(500.0)
    # overdue by owner: 经开区 PJ2 start 120 days, PJ3 production 31 days; 高新区 PJ1 start 92 days
    assert [(o.owner, o.project_id, o.kind, o.days_overdue) for o in rep.overdue] == [
        ("经开区招商局", "PJ2", "start", 120), ("经开区招商局", "PJ3", "production", 31), ("高新区招商局", "PJ1", "start", 92)
    ]
    assert [(f.project_id, f.segment_id, f.label) for f in rep.fills] == [("PJ1", "A3", "broken"), ("PJ2", "A3", "broken"), ("PJ3", "B2", "broken"), ("PJ6", "A2a", "weak")]
    assert by_id(rep.by_chain, "id")["CA"].count == 4


def test_project_report_for_one_park_and_fills_of_gaps_only(view):
    rep = project_report(view, S, as_of=dt.date(2026, 6, 1), park_id="P1")  # PJ1 signed, PJ4 dropped, PJ6 producing
    assert rep.total == 3 and sum(f.count for f in rep.funnel) == 3
    assert [(c.reached_from, c.reached_to) for c in rep.conversion] == [(3, 3), (3, 3), (3, 1), (1, 1)]
    assert [s.project_id for s in rep.stalled] == ["PJ1"] and [o.project_id for o in rep.overdue] == ["PJ1"]
    assert [f.project_id for f in rep.fills] == ["PJ1", "PJ6"]
    assert [g.id for g in rep.by_park] == ["P1"]
    # a live project on a strong segment fills no gap
    strong = next(r.segment_id for r in gaps(view, S).rows if r.label == "strong")
    projects = view.projects.with_columns(pl.when(pl.col("id") == "PJ2").then(pl.lit(strong)).otherwise(pl.col("segment_id")).alias("segment_id"))
    rep2 = project_report(GraphView({**view.tables, "projects": projects}, {}), S, as_of=dt.date(2026, 6, 1))
    assert "PJ2" not in [f.project_id for f in rep2.fills] and len(rep2.fills) == 3


# ------------------------------------------------------------------ what-if


def test_whatif_target_lands(view):
    res = whatif(view, S, add=[("X1", "A3")])
    assert res.changed_segments == ["A3"]
    ch = res.chains[0]
    # leaves present after: A1, A2a, A2b, A3, A4 → 5/6; key-weighted 2+2+1+2+1 = 8 of 10
    assert (ch.completeness_before, ch.completeness_after) == (pytest.approx(4 / 6), pytest.approx(5 / 6))
    assert (ch.completeness_key_weighted_before, ch.completeness_key_weighted_after) == (pytest.approx(0.6), pytest.approx(0.8))
    rows = by_id(res.rows)
    # A3 after: X1 local, revenue 50000×.8 = 40000, above scale → weak (1 < 3).
    # dependents 1/2 (max 2 at A2: A3, A4), demand 12050/40000 (max at A2: A3 40000), key, category,
    # supply 5/10 (X1 no longer a candidate) → (.125 + .06025 + .15 + .15 + .05) × .6 = 32.115
    assert (rows["A3"].label_before, rows["A3"].label_after) == ("broken", "weak")
    assert rows["A3"].priority_after == pytest.approx(0.53525 * 60)
    # A2: dependents 2/2, demand 40000/40000, category, supply .1 → .61 × .6 = 36.6
    assert rows["A2"].priority_after == pytest.approx(36.6) and not rows["A2"].changed
    # the view itself is not changed
    assert by_id(gaps(view, S, chain_id="CA").rows)["A3"].label == "broken"


def test_whatif_project(view):
    res = whatif(view, S, projects=["PJ1"])
    assert res.added == [("X6", "A3")]
    assert by_id(res.rows)["A3"].local_count_after == 1
    with pytest.raises(ValueError, match="未知项目编号"):
        whatif(view, S, projects=["NOPE"])
    res = whatif(view, S, projects=["PJ5"])
    assert res.warnings == ["项目 PJ5 缺少投资企业或补链环节，未计入"] and res.chains == []


def test_target_rows_are_valid_models():
    """targets() builds rows without validation for speed; they must still validate."""
    from graph.analysis.results import TargetRow

    res = targets(GraphView(fixture_tables()), AnalysisSettings(), "A3", gates=False)
    assert res.rows
    for row in res.rows:
        TargetRow.model_validate(row.model_dump())
