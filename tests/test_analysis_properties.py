"""Property tests of the analysis on random small datasets (hypothesis)."""

from __future__ import annotations

import random

import networkx as nx
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.analysis import chain_summary, gaps, segment_presence, targets
from graph.analysis.gaps import LABELS
from graph.settings import AnalysisSettings
from graph.view import GraphView

PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEAVY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
S = AnalysisSettings()
GRADES = [None, "low", "medium", "high"]


@st.composite
def datasets(draw):
    """Two chains of 1-6 segments, random PART_OF (to earlier segments), random SUPPLIES (cycles allowed),
    0-14 enterprises with integer revenues and shares in quarters (so sums are exact in any order)."""
    segs, chain_of, parent = [], [], []
    for c in ("C1", "C2"):
        n = draw(st.integers(1, 6))
        first = len(segs)
        for i in range(n):
            sid = f"{c}S{i}"
            segs.append(sid)
            chain_of.append(c)
            p = draw(st.one_of(st.none(), st.integers(first, first + i - 1))) if i > 0 else None
            parent.append(segs[p] if p is not None else None)
    links = set()
    for c in ("C1", "C2"):
        mine = [s for s, cc in zip(segs, chain_of) if cc == c]
        for a, b in draw(st.lists(st.tuples(st.sampled_from(mine), st.sampled_from(mine)), max_size=8)):
            if a != b:
                links.add((a, b))
    # a link across chains is ignored by the analysis
    links.add((segs[0], segs[-1]))
    n_ent = draw(st.integers(0, 14))
    ents = []
    es = []
    for i in range(n_ent):
        eid = f"E{i:02d}"
        ents.append(
            {
                "id": eid,
                "name": eid,
                "local": draw(st.booleans()),
                "revenue": draw(st.one_of(st.none(), st.integers(0, 5000).map(float))),
                "patents": draw(st.one_of(st.none(), st.integers(0, 50))),
                "growth": draw(st.one_of(st.none(), st.integers(-4, 8).map(lambda x: x / 4))),
                "pollution": draw(st.sampled_from(GRADES)),
                "energy": draw(st.sampled_from(GRADES)),
            }
        )
        for s in draw(st.lists(st.sampled_from(segs), max_size=3, unique=True)):
            es.append({"enterprise_id": eid, "segment_id": s, "share": draw(st.one_of(st.none(), st.integers(0, 4).map(lambda x: x / 4)))})
    sl = []
    if n_ent >= 2:
        for a, b in draw(st.lists(st.tuples(st.integers(0, n_ent - 1), st.integers(0, n_ent - 1)), max_size=6, unique=True)):
            sl.append({"supplier_id": f"E{a:02d}", "customer_id": f"E{b:02d}", "product": "p"})
    return {
        "industries": pl.DataFrame({"id": ["I1", "I2"], "name": ["甲", "乙"], "category": ["leading", "specialty"]}),
        "chains": pl.DataFrame({"id": ["C1", "C2"], "name": ["链一", "链二"], "industry_id": ["I1", "I2"]}),
        "segments": pl.DataFrame({"id": segs, "chain_id": chain_of, "name": segs, "stage": ["midstream"] * len(segs), "parent_id": parent, "key": [i % 3 == 0 for i in range(len(segs))]}),
        "segment_links": pl.DataFrame({"from_id": [a for a, _ in sorted(links)], "to_id": [b for _, b in sorted(links)]}),
        "enterprises": pl.DataFrame(ents, schema={"id": pl.Utf8, "name": pl.Utf8, "local": pl.Boolean, "revenue": pl.Float64, "patents": pl.Int64, "growth": pl.Float64, "pollution": pl.Utf8, "energy": pl.Utf8}),
        "enterprise_segments": pl.DataFrame(es, schema={"enterprise_id": pl.Utf8, "segment_id": pl.Utf8, "share": pl.Float64}),
        "supply_links": pl.DataFrame(sl, schema={"supplier_id": pl.Utf8, "customer_id": pl.Utf8, "product": pl.Utf8}),
    }


def _shuffled(tables, seed):
    rnd = random.Random(seed)
    out = {}
    for k, df in tables.items():
        idx = list(range(df.height))
        rnd.shuffle(idx)
        out[k] = df[idx] if df.height else df
    return out


@PROPS
@given(datasets())
def test_labels_partition_and_broken_never_present(tables):
    view = GraphView(tables)
    res = gaps(view, S)  # terminates even with SUPPLIES cycles
    ids = [r.segment_id for r in res.rows]
    assert sorted(ids) == sorted(tables["segments"]["id"].to_list())  # every segment exactly once
    for r in res.rows:
        assert r.label in LABELS
        assert (r.label in ("weak", "strong")) == (r.local_count > 0)
        if r.label == "broken":
            assert r.local_count == 0
        if r.label == "strong":
            assert r.priority is None
        else:
            assert 0.0 <= r.priority <= 100.0
            assert all(0.0 <= v <= 1.0 for v in r.factors.values())
    # every SUPPLIES cycle inside a chain is reported once (one warning per strongly connected component)
    g = nx.DiGraph(list(zip(tables["segment_links"]["from_id"], tables["segment_links"]["to_id"])))
    chain_of = dict(zip(tables["segments"]["id"], tables["segments"]["chain_id"]))
    n_cycles = 0
    for c in ("C1", "C2"):
        sub = g.subgraph([s for s, cc in chain_of.items() if cc == c])
        n_cycles += sum(1 for comp in nx.strongly_connected_components(sub) if len(comp) > 1)
    assert len(res.warnings) == n_cycles
    for c in chain_summary(view, S):
        assert sum(c.counts.values()) == c.segment_count
        assert 0.0 <= c.completeness <= 1.0 and 0.0 <= c.completeness_key_weighted <= 1.0


@PROPS
@given(datasets(), st.data())
def test_adding_a_local_enterprise_is_monotone(tables, data):
    view = GraphView(tables)
    segs = tables["segments"]["id"].to_list()
    ents = tables["enterprises"]["id"].to_list()
    if not ents:
        return
    pair = (data.draw(st.sampled_from(ents)), data.draw(st.sampled_from(segs)))
    before = {r["segment_id"]: r for r in segment_presence(view, S).iter_rows(named=True)}
    after = {r["segment_id"]: r for r in segment_presence(view, S, extra_local=[pair]).iter_rows(named=True)}
    for s in segs:
        assert after[s]["local_count"] >= before[s]["local_count"]
        assert not (before[s]["present"] and not after[s]["present"])
        # the known revenue only grows (None: local enterprises, none with a known revenue -- unknown, not 0)
        assert (after[s]["local_revenue"] or 0.0) >= (before[s]["local_revenue"] or 0.0)
        assert after[s]["local_revenue"] is not None or not before[s]["local_revenue"]
    assert after[pair[1]]["present"]
    cb = {c.chain_id: c for c in chain_summary(view, S)}
    ca = {c.chain_id: c for c in chain_summary(view, S, extra_local=[pair])}
    for c in cb:
        assert ca[c].completeness >= cb[c].completeness
        assert ca[c].completeness_key_weighted >= cb[c].completeness_key_weighted


@HEAVY
@given(datasets(), st.integers(0, 10_000))
def test_order_stable_under_row_shuffles(tables, seed):
    a = gaps(GraphView(tables), S)
    b = gaps(GraphView(_shuffled(tables, seed)), S)
    assert [r.model_dump() for r in a.rows] == [r.model_dump() for r in b.rows]
    assert a.warnings == b.warnings
    for seg in tables["segments"]["id"].to_list()[:3]:
        ta = targets(GraphView(tables), S, seg)
        tb = targets(GraphView(_shuffled(tables, seed)), S, seg)
        assert [r.model_dump() for r in ta.rows] == [r.model_dump() for r in tb.rows]


@HEAVY
@given(datasets(), st.sampled_from(["scale", "innovation", "ties", "fit", "growth", "green"]), st.floats(0.0, 2.0))
def test_target_scores_and_one_weight_change(tables, factor, new_weight):
    view = GraphView(tables)
    for seg in tables["segments"]["id"].to_list()[:4]:
        base = targets(view, S, seg, gates=False)
        for r in base.rows:
            assert 0.0 <= r.score <= 100.0 + 1e-9
            assert all(0.0 <= v <= 1.0 for v in r.factors.values())
        w = S.target_weights.model_dump()
        w[factor] = new_weight
        s2 = AnalysisSettings(target_weights=w)
        changed = {r.enterprise_id: r for r in targets(view, s2, seg, gates=False).rows}
        wsum = sum(w.values())
        for r in base.rows:
            c = changed[r.enterprise_id]
            assert c.factors == r.factors  # weights never change factor values
            assert c.score == pytest.approx(100 * sum(w[k] * c.factors[k] for k in w) / wsum if wsum else 0.0)
        # rows with the same value of the re-weighted factor keep their relative order
        rows = [r for r in base.rows if not r.in_pipeline]
        for i, a in enumerate(rows):
            for b in rows[i + 1 :]:
                if a.factors[factor] == b.factors[factor] and a.score > b.score + 1e-9:
                    assert changed[a.enterprise_id].score >= changed[b.enterprise_id].score - 1e-9


@PROPS
@given(datasets())
def test_chain_filter_matches_full_result(tables):
    view = GraphView(tables)
    full = gaps(view, S)
    for c in ("C1", "C2"):
        part = gaps(view, S, chain_id=c)
        assert [r.segment_id for r in part.rows] == [r.segment_id for r in full.rows if r.chain_id == c]
