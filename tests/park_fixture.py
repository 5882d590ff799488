"""A hand-built province for the park ranking, per-city counts and cohesion (worked out in test_parks_fixture.py).

Province 河南省 (410000), five cities; 洛阳市 (410300) is 本市 (inferred: it holds 5 of the 6 local firms):

| park | city | star | area 亩 | 2025: revenue, fixed inv., tax, profit | 2024: revenue, fixed inv., tax, profit |
|---|---|---|---|---|---|
| Z1 | 郑州市 | 5 | 10000 | 1000, 500, 100, 50 | 800, 400, 80, 40 |
| Z2 | 郑州市 | 4 | | 800, 400, 80, 40 | 800, 400, 80, 40 |
| Z3 | 郑州市 | 3 | | 400, 100, 20, 10 | 200, 100, 10, 10 |
| Z4 | 郑州市 | 2 | | 200, 50, 10, 5 | 200, 50, 10, 5 |
| H1 | 洛阳市 (本市) | 4 | 3000 | 900, 250, —, 25 | 600, 250, 20, 20 |
| H2 | 洛阳市 (本市) | 2 | 2000 | 300, 300, 30, 15 | 300, 200, 30, 10 |
| H3 | 洛阳市 (本市) | 1 | 500 | 100, 50, 10, 5 | 50, 25, 5, 0 |
| J1 | 焦作市 | 3 | | 500, 200, 50, 20 | 400, 200, 50, 16 |
| J2 | 焦作市 | 2 | | 600, 150, 40, −10 | 400, 100, 40, 20 |
| J3 | 焦作市 | — | | 100, 40, 5, 2 | 100, 40, 5, 2 |
| S1 | 商丘市 | 1 | | 250, 100, 25, 10 | 125, 80, 20, 8 |
| S2 | 商丘市 | 3 | | (none) | 300, 100, 30, 10 |
| X1 | 新乡市 (410703, not in regions: city by code) | 2 | | 200, 50, 10, 5 | (none) |

Local firms: E1, E2, E3 in H1; E4, E5 in H2 (region 洛龙区 410311 or blank); E6 registered in 郑州 (410102),
in no park. Supply links: E1→E2 (inside H1), E3→F1 (an outside firm), E4→E1 (across parks).
Focus industries: H1 IA (chain CA: A1, A2 ⊃ A2a, A3), H2 IA + IB (CB: B1, B2), H3 none.
"""

from __future__ import annotations

import polars as pl

STATS_2025 = {
    "Z1": (1000, 500, 100, 50), "Z2": (800, 400, 80, 40), "Z3": (400, 100, 20, 10), "Z4": (200, 50, 10, 5),
    "H1": (900, 250, None, 25), "H2": (300, 300, 30, 15), "H3": (100, 50, 10, 5),
    "J1": (500, 200, 50, 20), "J2": (600, 150, 40, -10), "J3": (100, 40, 5, 2),
    "S1": (250, 100, 25, 10), "X1": (200, 50, 10, 5),
}  # fmt: skip
STATS_2024 = {
    "Z1": (800, 400, 80, 40), "Z2": (800, 400, 80, 40), "Z3": (200, 100, 10, 10), "Z4": (200, 50, 10, 5),
    "H1": (600, 250, 20, 20), "H2": (300, 200, 30, 10), "H3": (50, 25, 5, 0),
    "J1": (400, 200, 50, 16), "J2": (400, 100, 40, 20), "J3": (100, 40, 5, 2),
    "S1": (125, 80, 20, 8), "S2": (300, 100, 30, 10),
}  # fmt: skip
PARKS = [
    # id, name, region, star, area_mu, focus
    ("Z1", "郑州高新区", "410102", 5, 10000.0, None),
    ("Z2", "郑州经开区", "410102", 4, None, None),
    ("Z3", "郑州航空港区", "410100", 3, None, None),
    ("Z4", "郑州中牟园区", "410102", 2, None, None),
    ("H1", "洛阳高新区", "410311", 4, 3000.0, ["IA"]),
    ("H2", "洛阳经开区", "410311", 2, 2000.0, ["IA", "IB"]),
    ("H3", "洛阳伊滨园区", "410300", 1, 500.0, None),
    ("J1", "焦作高新区", "410811", 3, None, None),
    ("J2", "焦作经开区", "410811", 2, None, None),
    ("J3", "焦作山阳园区", "410811", None, None, None),
    ("S1", "商丘经开区", "411402", 1, None, None),
    ("S2", "商丘高新区", "411402", 3, None, None),
    ("X1", "新乡经开区", "410703", 2, None, None),
]


def park_tables() -> dict[str, pl.DataFrame]:
    stats = [(p, "2025", *v) for p, v in STATS_2025.items()] + [(p, "2024", *v) for p, v in STATS_2024.items()]
    return {
        "industries": pl.DataFrame({"id": ["IA", "IB"], "name": ["装备", "食品"], "category": ["leading", "specialty"]}),
        "chains": pl.DataFrame({"id": ["CA", "CB"], "name": ["装备产业链", "食品产业链"], "industry_id": ["IA", "IB"]}),
        "segments": pl.DataFrame(
            {
                "id": ["A1", "A2", "A2a", "A3", "B1", "B2"],
                "chain_id": ["CA", "CA", "CA", "CA", "CB", "CB"],
                "name": ["材料", "部件", "电机", "整机", "种植", "加工"],
                "parent_id": [None, None, "A2", None, None, None],
            }
        ),
        "segment_links": pl.DataFrame({"from_id": ["A1", "A2", "B1"], "to_id": ["A2", "A3", "B2"]}),
        "enterprises": pl.DataFrame(
            {
                "id": ["E1", "E2", "E3", "E4", "E5", "E6", "F1"],
                "name": ["洛阳材料", "洛阳电机", "洛阳食品", "洛阳整机", "洛阳种植", "郑州注册企业", "外地企业"],
                "local": [True, True, True, True, True, True, False],
                "region_code": ["410311", None, "410311", None, "410311", "410102", None],
                "park_id": ["H1", "H1", "H1", "H2", "H2", None, None],
                "revenue": [100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0],
            }
        ),
        "enterprise_segments": pl.DataFrame(
            {"enterprise_id": ["E1", "E2", "E3", "E4", "E5", "F1"], "segment_id": ["A1", "A2a", "B1", "A3", "B1", "A3"]}
        ),
        "supply_links": pl.DataFrame({"supplier_id": ["E1", "E3", "E4"], "customer_id": ["E2", "F1", "E1"], "product": ["材料", "食品", "整机"]}),
        "regions": pl.DataFrame(
            {
                "code": ["410000", "410100", "410102", "410300", "410311", "410800", "410811", "411400", "411402"],
                "name": ["河南省", "郑州市", "中原区", "洛阳市", "洛龙区", "焦作市", "山阳区", "商丘市", "梁园区"],
                "parent_code": [None, "410000", "410100", "410000", "410300", "410000", "410800", "410000", "411400"],
            }
        ),
        "parks": pl.DataFrame(
            [dict(zip(["id", "name", "region_code", "star", "area_mu", "focus_industries"], p)) for p in PARKS],
            schema={"id": pl.Utf8, "name": pl.Utf8, "region_code": pl.Utf8, "star": pl.Int64, "area_mu": pl.Float64, "focus_industries": pl.List(pl.Utf8)},
        ),
        "park_stats": pl.DataFrame(
            [dict(zip(["park_id", "period", "revenue", "fixed_investment", "tax", "profit"], r)) for r in stats],
            schema={"park_id": pl.Utf8, "period": pl.Utf8, "revenue": pl.Float64, "fixed_investment": pl.Float64, "tax": pl.Float64, "profit": pl.Float64},
        ),
    }
