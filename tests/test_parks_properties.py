"""Property tests of the province-wide park ranking and cohesion on random small provinces (hypothesis)."""

from __future__ import annotations

import random

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.analysis import park_cohesion, park_ranking
from graph.settings import AnalysisSettings
from graph.view import GraphView

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
S = AnalysisSettings()
REGIONS = {"code": ["410000", "410100", "410102", "410300", "410311", "410800"], "name": ["河南省", "郑州市", "中原区", "洛阳市", "洛龙区", "焦作市"], "parent_code": [None, "410000", "410100", "410000", "410300", "410000"]}
PARK_REGIONS = ["410102", "410100", "410311", "410300", "410800", "410703"]  # 410703: a city known only by its code
STAT_SCHEMA = {"park_id": pl.Utf8, "period": pl.Utf8, "revenue": pl.Float64, "fixed_investment": pl.Float64, "tax": pl.Float64, "profit": pl.Float64}
value = st.one_of(st.none(), st.integers(0, 2000).map(float))


@st.composite
def provinces(draw):
    n = draw(st.integers(1, 14))
    parks = [
        {"id": f"P{i:02d}", "name": f"园区{i}", "region_code": draw(st.sampled_from(PARK_REGIONS)), "star": draw(st.one_of(st.none(), st.integers(0, 5))), "area_mu": draw(st.one_of(st.none(), st.integers(0, 5000).map(float)))}
        for i in range(n)
    ]
    stats = []
    for p in parks:
        for period in ("2024", "2025"):
            if draw(st.booleans()) or draw(st.booleans()):
                profit = draw(st.one_of(st.none(), st.integers(-300, 500).map(float)))
                stats.append({"park_id": p["id"], "period": period, "revenue": draw(value), "fixed_investment": draw(value), "tax": draw(value), "profit": profit})
    n_ent = draw(st.integers(0, 10))
    ents = [{"id": f"E{i}", "name": f"企业{i}", "local": True, "park_id": draw(st.sampled_from([None] + [p["id"] for p in parks]))} for i in range(n_ent)]
    ids = [e["id"] for e in ents]
    links = draw(st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=8, unique=True)) if ids else []
    return {
        "regions": pl.DataFrame(REGIONS),
        "parks": pl.DataFrame(parks, schema={"id": pl.Utf8, "name": pl.Utf8, "region_code": pl.Utf8, "star": pl.Int64, "area_mu": pl.Float64}),
        "park_stats": pl.DataFrame(stats, schema=STAT_SCHEMA),
        "enterprises": pl.DataFrame(ents, schema={"id": pl.Utf8, "name": pl.Utf8, "local": pl.Boolean, "park_id": pl.Utf8}),
        "supply_links": pl.DataFrame({"supplier_id": [a for a, _ in links], "customer_id": [b for _, b in links], "product": ["x"] * len(links)}),
    }


def _shuffled(tables: dict[str, pl.DataFrame], seed: int) -> dict[str, pl.DataFrame]:
    rng = random.Random(seed)
    out = {}
    for name, df in tables.items():
        order = list(range(df.height))
        rng.shuffle(order)
        out[name] = df[order] if df.height else df
    return out


@PROPS
@given(provinces())
def test_scores_and_parts_within_0_1(tables):
    r = park_ranking(GraphView(tables), S)
    for row in r.scale + r.speed:
        assert row.score is None or 0.0 <= row.score <= 1.0
        assert all(p is None or 0.0 <= p <= 1.0 for p in row.parts.values())
        assert (row.score is None) == (row.rank is None)
        assert row.missing == [k for k, p in row.parts.items() if p is None]
    for rows in (r.scale, r.speed):
        ranked = [x for x in rows if x.rank is not None]
        assert [x.rank for x in ranked] == list(range(1, len(ranked) + 1))
        assert sum(x.top10 for x in rows) == min(10, len(ranked))
        assert all(round(a.score, 9) >= round(b.score, 9) for a, b in zip(ranked, ranked[1:]))
    assert sum(c.parks for c in r.by_city) == tables["parks"].height
    assert sum(c.top10_scale for c in r.by_city) == sum(x.top10 for x in r.scale)
    assert sum(c.top10_speed for c in r.by_city) == sum(x.top10 for x in r.speed)
    for c in park_cohesion(GraphView(tables), S).rows:
        assert c.cohesion is None or 0.0 <= c.cohesion <= 1.0
        assert c.chain_coverage is None or 0.0 <= c.chain_coverage <= 1.0


@PROPS
@given(provinces(), st.integers(0, 10_000))
def test_results_do_not_depend_on_row_order(tables, seed):
    a, b = GraphView(tables), GraphView(_shuffled(tables, seed))
    assert park_ranking(a, S).model_dump() == park_ranking(b, S).model_dump()
    assert park_cohesion(a, S).model_dump() == park_cohesion(b, S).model_dump()


@PROPS
@given(provinces(), st.sampled_from([0.5, 0.25, 0.1]))
def test_scaling_every_weight_keeps_the_ranking(tables, c):
    base = park_ranking(GraphView(tables), S)
    w = {k: v * c for k, v in S.park_ranking_weights.model_dump().items()}
    scaled = park_ranking(GraphView(tables), AnalysisSettings(park_ranking_weights=w))
    # score = Σ w·part / Σ w: the same scores (to float noise), so the same order up to exact ties
    for x, y in zip(base.scale + base.speed, scaled.scale + scaled.speed):
        assert x.rank == y.rank
        assert (x.score is None and y.score is None) or abs(x.score - y.score) < 1e-9
