"""Province-wide park ranking, per-city counts and cohesion on the hand-built province (tests/park_fixture.py).

Default weights: revenue .4, fixed_investment .3, tax .2, profit .1 (Σ = 1); cohesion threshold .2.
Every expected number is worked out beside it.
"""

from __future__ import annotations

import pytest

from graph.analysis import park_cohesion, park_concentration, park_overlap, park_ranking
from graph.analysis.cities import city_of, display_code, home, park_places
from graph.analysis.parks_rank import _sentence
from graph.analysis.results import CityCountRow
from graph.settings import AnalysisSettings
from graph.view import GraphView
from tests.park_fixture import park_tables

S = AnalysisSettings()
approx = pytest.approx


@pytest.fixture(scope="module")
def view() -> GraphView:
    return GraphView(park_tables())


@pytest.fixture(scope="module")
def ranking(view):
    return park_ranking(view, S)


def by_id(rows):
    return {r.park_id: r for r in rows}


# ------------------------------------------------------------------ 本市 and cities


def test_home_is_inferred_from_local_firms(view):
    # local firms by city: E1, E3, E5 (洛龙区 410311), E2, E4 (no region: their parks H1, H2 in 410311) → 洛阳 5;
    # E6 (中原区 410102) → 郑州 1
    h = home(view, S)
    assert (h.code, h.name, h.inferred) == ("410300", "洛阳市", True)
    assert h.note == "本市按本地企业最多的城市推断为洛阳市（区划代码 4103，5 家本地企业）；可在「本市」设置中指定"


def test_cities_of_parks(view):
    places = {r["park_id"]: r for r in park_places(view, S).iter_rows(named=True)}
    assert (places["Z1"]["city_code"], places["Z1"]["city_name"], places["Z1"]["home"]) == ("4101", "郑州市", False)
    assert (places["Z3"]["city_code"], places["H3"]["home"], places["H1"]["home"]) == ("4101", True, True)  # a park on the city code itself
    # 410703 is not in regions: its city comes from the code (410700), without a name
    assert (places["X1"]["city"], places["X1"]["city_code"], places["X1"]["city_name"]) == ("410700", "4107", None)
    assert city_of(view, "410000") is None and display_code("410300") == "4103"


# ------------------------------------------------------------------ scale (十强)

# score = .4 × revenue / 1000 + .3 × fixed investment / 500 + .2 × tax / 100 + .1 × profit / 50 (maxima of 2025: Z1)
SCALE = [
    ("Z1", 1.0),  # .4 + .3 + .2 + .1
    ("Z2", 0.8),  # .32 + .24 + .16 + .08
    ("H1", 0.56),  # .36 + .15 + tax missing (0) + .05
    ("J1", 0.46),  # .2 + .12 + .1 + .04
    ("J2", 0.41),  # .24 + .09 + .08 + a loss counts 0
    ("H2", 0.39),  # .12 + .18 + .06 + .03
    ("Z3", 0.28),  # .16 + .06 + .04 + .02
    ("S1", 0.23),  # .1 + .06 + .05 + .02
    ("X1", 0.14),  # .08 + .03 + .02 + .01
    ("Z4", 0.14),  # the same values as X1: the tie breaks by park id (X1 < Z4)
    ("H3", 0.10),  # .04 + .03 + .02 + .01
    ("J3", 0.078),  # .04 + .024 + .01 + .004
]


def test_scale_scores_and_ranks(ranking):
    assert (ranking.period, ranking.previous_period) == ("2025", "2024")
    got = [(r.park_id, r.rank, r.score) for r in ranking.scale]
    assert got[:-1] == [(p, i + 1, approx(s)) for i, (p, s) in enumerate(SCALE)]
    assert got[-1] == ("S2", None, None) and ranking.scale[-1].note == "无2025期数据"
    top = [r.park_id for r in ranking.scale if r.top10]
    assert top == [p for p, _ in SCALE[:10]]


def test_scale_parts_and_missing_named(ranking):
    rows = by_id(ranking.scale)
    h1 = rows["H1"]
    assert h1.parts == {"revenue": approx(0.9), "fixed_investment": approx(0.5), "tax": None, "profit": approx(0.5)}
    assert (h1.missing, h1.note) == (["tax"], "缺少税收数据（计0）")
    assert rows["J2"].parts["profit"] == 0.0 and rows["J2"].values["profit"] == -10.0
    assert (rows["Z1"].city_code, rows["Z1"].city_name, rows["H1"].home) == ("4101", "郑州市", True)


# ------------------------------------------------------------------ speed (十快)

# growth g = (2025 − 2024) / 2024. Over the 11 parks with both periods: revenue, fixed investment and tax
# growth run from 0 to 1 (part = g); profit growth from −1.5 (J2: (−10 − 20) / 20) to .5 (H2), part =
# (g + 1.5) / 2: .25 → .875, 0 → .75. H3's profit growth is unknown (2024 profit 0), H1's tax growth too.
SPEED = [
    ("H3", 0.9),  # .4 × 1 + .3 × 1 + .2 × 1 + profit missing
    ("Z3", 0.675),  # .4 × 1 + 0 + .2 × 1 + .1 × .75
    ("S1", 0.6125),  # .4 × 1 + .3 × .25 + .2 × .25 + .1 × .875
    ("J2", 0.35),  # .4 × .5 + .3 × .5 + 0 + .1 × 0
    ("Z1", 0.3125),  # .1 + .075 + .05 + .0875
    ("H1", 0.2875),  # .2 + 0 + tax missing + .0875
    ("H2", 0.25),  # 0 + .15 + 0 + .1
    ("J1", 0.1875),  # .1 + 0 + 0 + .0875
    ("J3", 0.075),  # no growth at all: only profit's .75 × .1
    ("Z2", 0.075),  # the same; ties by id: J3, Z2, then Z4 (rank 11, out of 十快)
    ("Z4", 0.075),
]


def test_speed_scores_ranks_and_notes(ranking):
    got = [(r.park_id, r.rank, r.score) for r in ranking.speed]
    assert got[:11] == [(p, i + 1, approx(s)) for i, (p, s) in enumerate(SPEED)]
    rows = by_id(ranking.speed)
    assert [r.park_id for r in ranking.speed if r.top10] == [p for p, _ in SPEED[:10]]
    assert (rows["S2"].rank, rows["S2"].note) == (None, "仅一期数据，无法计算增速")
    assert (rows["X1"].rank, rows["X1"].note) == (None, "仅一期数据，无法计算增速")
    assert rows["H3"].missing == ["profit"] and rows["H3"].note.startswith("无法计算利润总额增速")
    assert rows["J2"].values["profit"] == approx(-1.5) and rows["J2"].parts["profit"] == 0.0
    assert rows["Z1"].parts["profit"] == approx(0.875)


# ------------------------------------------------------------------ per city


def test_by_city_counts(ranking):
    # 十强: 郑州 Z1 Z2 Z3 Z4, 洛阳 H1 H2, 焦作 J1 J2, 商丘 S1, 新乡 X1
    # 十快: 洛阳 H3 H1 H2, 郑州 Z3 Z1 Z2, 焦作 J2 J1 J3, 商丘 S1
    # star ≥ 2: 郑州 Z1 Z2 Z3 Z4, 洛阳 H1 H2, 焦作 J1 J2 (J3 unknown), 商丘 S2, 新乡 X1
    got = [(c.city_code, c.city_name, c.home, c.parks, c.top10_scale, c.top10_speed, c.star2plus) for c in ranking.by_city]
    assert got == [
        ("4101", "郑州市", False, 4, 4, 3, 4),
        ("4103", "洛阳市", True, 3, 2, 3, 2),  # level with 焦作 on every count: 本市 first
        ("4108", "焦作市", False, 3, 2, 3, 2),
        ("4114", "商丘市", False, 2, 1, 1, 1),
        ("4107", None, False, 1, 1, 0, 1),
    ]


def test_home_against_the_best_other_city(ranking):
    scale, speed, stars = ranking.comparison
    assert scale.sentence == "十强中本市 2 家，最多的郑州市 4 家"
    assert scale.short == "本市 2 家 / 最多的郑州市 4 家"
    assert (scale.home_count, scale.best_count, scale.best_city_codes) == (2, 4, ["4101"])
    assert speed.sentence == "十快中本市 3 家，与郑州市、焦作市并列最多"
    assert stars.sentence == "二星级及以上园区中本市 2 家，最多的郑州市 4 家"


def test_home_region_setting_changes_the_city(view):
    s = AnalysisSettings(home_region="4101")  # 郑州 as 本市
    r = park_ranking(view, s)
    assert (r.home_region, r.home_name, r.home_inferred) == ("410100", "郑州市", False)
    assert r.comparison[0].sentence == "十强中本市 4 家，为各市最多（其次洛阳市、焦作市各 2 家）"
    assert {x.park_id for x in r.scale if x.home} == {"Z1", "Z2", "Z3", "Z4"}
    with pytest.raises(ValueError, match="「本市」设置"):
        park_ranking(view, AnalysisSettings(home_region="999900"))


@pytest.mark.parametrize(
    ("n", "others", "sentence"),
    [
        (0, [("郑州市", 3)], "十快中本市 0 家，最多的郑州市 3 家"),
        (2, [("郑州市", 0)], "十快中本市 2 家，其他城市没有"),
        (2, [], "十快中本市 2 家（数据中没有其他城市的园区）"),
        (None, [("郑州市", 3)], "十快中最多的郑州市 3 家（未确定本市，请在「本市」设置中指定）"),
    ],
)
def test_sentence_cases(n, others, sentence):
    rows = [CityCountRow(city_code=str(i), city_name=name, top10_speed=m) for i, (name, m) in enumerate(others)]
    m = max((c.top10_speed for c in rows), default=None)
    best = [c for c in rows if c.top10_speed == m] if m else []
    assert _sentence("十快", n, best, m)[0] == sentence


# ------------------------------------------------------------------ per park


def test_per_mu_and_investment_growth_against_home_average(ranking):
    rows = by_id(ranking.parks)
    # 本市 fixed-investment growth: H1 (250 − 250) / 250 = 0, H2 (300 − 200) / 200 = .5, H3 (50 − 25) / 25 = 1 → mean .5
    h1, h2, z1 = rows["H1"], rows["H2"], rows["Z1"]
    assert (h1.revenue_per_mu, h1.tax_per_mu) == (approx(900 / 3000), None)  # tax unknown
    assert h2.tax_per_mu == approx(30 / 2000)
    assert (h1.fixed_investment_growth, h1.home_average_growth, h1.vs_home_average) == (approx(0.0), approx(0.5), approx(-0.5))
    assert z1.vs_home_average == approx(0.25 - 0.5)  # Z1: (500 − 400) / 400 = .25
    assert (rows["Z2"].revenue_per_mu, rows["Z2"].note) == (None, "无面积数据")
    assert "S2" not in rows  # no 2025 figures
    assert [r.park_id for r in ranking.parks][:3] == ["H1", "H2", "H3"]  # 本市 first


# ------------------------------------------------------------------ cohesion and own parks


def test_cohesion_and_chain_coverage(view):
    res = park_cohesion(view, S)
    rows = by_id(res.rows)
    assert list(rows) == ["H1", "H2", "H3"]  # the city's own parks only
    # H1: E1 → E2 inside the park; E3 only sells outside → 2 / 3
    assert (rows["H1"].tied_count, rows["H1"].cohesion, rows["H1"].flag) == (2, approx(2 / 3), None)
    # H2: E4 → E1 crosses parks → 0 / 2, below .2
    assert (rows["H2"].cohesion, rows["H2"].flag) == (0.0, "区内企业关联性不强")
    assert (rows["H3"].cohesion, rows["H3"].chain_coverage, rows["H3"].notes) == (None, None, ["园区内没有本地企业数据", "未申报主导产业"])
    # coverage: H1 focus IA → A1, A2, A2a, A3; present A1 (E1), A2a (E2) and A2 through its sub-segment → 3 / 4
    assert (rows["H1"].covered_segments, rows["H1"].focus_segments, rows["H1"].chain_coverage) == (3, 4, approx(0.75))
    # H2 focus IA + IB → 6 segments; present A3 (E4), B1 (E5) → 2 / 6
    assert rows["H2"].chain_coverage == approx(2 / 6)


def test_cohesion_unknown_without_supply_data(view):
    tables = park_tables()
    tables["supply_links"] = tables["supply_links"].clear()
    rows = by_id(park_cohesion(GraphView(tables), S).rows)
    assert (rows["H1"].cohesion, rows["H1"].flag, rows["H1"].notes) == (None, None, ["数据中没有供应关系（supply_links.csv），关联性未知"])


def test_overlap_and_concentration_leave_peer_parks_out(view):
    assert {(p.park_a, p.park_b) for p in park_overlap(view, S).pairs} == {("H1", "H2"), ("H1", "H3"), ("H2", "H3")}
    assert [r.park_id for r in park_concentration(view, S)] == ["H1", "H2", "H3"]
    # with 郑州 as 本市, its parks join H1 and H2 (they hold local firms); H3 is a peer park then
    zz = AnalysisSettings(home_region="410100")
    assert [r.park_id for r in park_concentration(view, zz)] == ["H1", "H2", "Z1", "Z2", "Z3", "Z4"]
