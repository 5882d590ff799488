"""A hand-built dataset for the analysis tests (expected numbers are worked out in test_analysis_fixture.py).

Two chains:

* CA 智能装备产业链 (industry IA, leading): A1 → A2 → A3 → {A4, A5}; A2 has
  sub-segments A2a (key) and A2b (PART_OF, no SUPPLIES of their own).
  Key: A1, A2a, A3, A5.
* CB 特色食品产业链 (industry IB, specialty): B1 → B2 → B3 → B1 (a SUPPLIES
  cycle) and B2 → B4. Key: B3.

Local enterprises L1..L13 in parks P1 (370102), P2 (370103), P3 (370102);
candidates X1..X9; projects PJ1..PJ6; park_stats for 2024, 2025 (and one
2025-H1 row).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

D = dt.date


def fixture_tables() -> dict[str, pl.DataFrame]:
    ent = [
        # id, name, local, region, park, province, revenue, listed, quals, patents, pollution, energy, growth
        ("L1", "本地材料一", True, "370102", "P1", "山东", 5000.0, None, None, 5, "low", "low", 0.1),
        ("L2", "本地材料二", True, "370102", "P1", "山东", 3000.0, None, None, None, None, None, None),
        ("L3", "本地材料三", True, "370103", "P2", "山东", 2500.0, None, None, None, None, None, None),
        ("L4", "本地零部件", True, "370102", "P1", "山东", 800.0, None, None, None, None, None, None),
        ("L5", "本地集成一", True, "370103", "P2", "山东", 12000.0, None, None, None, None, None, None),
        ("L6", "本地集成二", True, "370102", None, "山东", 100.0, None, None, None, None, None, None),
        ("L7", "本地食品一", True, "370103", "P2", "山东", 4000.0, None, None, None, None, None, None),
        ("L8", "本地食品二", True, "370102", "P1", "山东", 2000.0, None, None, None, None, None, None),
        ("L9", "本地食品三", True, "370102", "P1", "山东", None, None, None, None, None, None, None),
        ("L10", "本地食品四", True, "370103", "P2", "山东", 1000.0, None, None, None, None, None, None),
        ("L11", "本地材料四", True, "370102", "P3", "山东", None, None, None, None, None, None, None),
        ("L12", "本地食品五", True, "370102", "P3", "山东", None, None, None, None, None, None, None),
        ("L13", "本地服务", True, "370102", "P3", "山东", None, None, None, None, None, None, None),
        ("X1", "外地整机甲", False, None, None, "江苏", 50000.0, "600001", ["高新技术企业", "专精特新"], 120, "low", "low", 0.30),
        ("X2", "外地整机乙", False, None, None, "江苏省", 20000.0, None, ["专精特新小巨人"], 40, "medium", "low", 0.10),
        ("X3", "外地整机丙", False, None, None, "广东", None, None, None, None, "low", None, None),
        ("X4", "外地整机丁", False, None, None, "浙江", 8000.0, None, None, 40, "high", "low", 0.2),
        ("X5", "外地整机戊", False, None, None, "江苏", 20000.0, None, [], 0, "low", "high", -0.05),
        ("X6", "外地整机己", False, None, None, "江苏", 3000.0, None, ["高新技术企业"], 10, "low", "medium", 0.05),
        ("X7", "外地零部件", False, None, None, "江苏", 1000.0, None, None, None, None, None, None),
        ("X8", "外地运维", False, None, None, "江苏", 600.0, None, None, None, None, None, None),
        ("X9", "外地食品", False, None, None, "河南", 500.0, None, None, None, None, None, None),
    ]
    cols = ["id", "name", "local", "region_code", "park_id", "province", "revenue", "listed_code", "qualifications", "patents", "pollution", "energy", "growth"]
    enterprises = pl.DataFrame([dict(zip(cols, r)) for r in ent], schema={
        "id": pl.Utf8, "name": pl.Utf8, "local": pl.Boolean, "region_code": pl.Utf8, "park_id": pl.Utf8, "province": pl.Utf8,
        "revenue": pl.Float64, "listed_code": pl.Utf8, "qualifications": pl.List(pl.Utf8), "patents": pl.Int64,
        "pollution": pl.Utf8, "energy": pl.Utf8, "growth": pl.Float64,
    })
    es = [
        # enterprise, segment, share, confidence
        ("L1", "A1", None, "confirmed"),
        ("L2", "A1", 0.5, "confirmed"),
        ("L3", "A1", None, "confirmed"),
        ("L4", "A2a", 0.4, "confirmed"),
        ("L4", "A2b", 0.4, "confirmed"),
        ("L5", "A4", None, "confirmed"),
        ("L6", "A4", 0.5, "likely"),
        ("L7", "B1", 1.0, "confirmed"),
        ("L8", "B1", None, "confirmed"),
        ("L9", "B1", None, "confirmed"),
        ("L10", "B4", None, "confirmed"),
        ("L11", "A1", None, "likely"),
        ("L12", "B4", None, "likely"),
        ("X1", "A3", 0.8, "confirmed"),
        ("X2", "A3", None, "likely"),
        ("X3", "A3", 0.5, None),
        ("X4", "A3", 0.6, "confirmed"),
        ("X5", "A3", 0.9, "confirmed"),
        ("X6", "A3", 1.0, "confirmed"),
        ("X7", "A2a", 1.0, "confirmed"),
        ("X8", "A5", None, "likely"),
        ("X9", "B2", None, "likely"),
    ]
    enterprise_segments = pl.DataFrame(
        [dict(zip(["enterprise_id", "segment_id", "share", "confidence"], r)) for r in es],
        schema={"enterprise_id": pl.Utf8, "segment_id": pl.Utf8, "share": pl.Float64, "confidence": pl.Utf8},
    )
    return {
        "industries": pl.DataFrame({"id": ["IA", "IB"], "name": ["智能装备", "特色食品"], "category": ["leading", "specialty"]}),
        "chains": pl.DataFrame({"id": ["CA", "CB"], "name": ["智能装备产业链", "特色食品产业链"], "industry_id": ["IA", "IB"]}),
        "segments": pl.DataFrame(
            {
                "id": ["A1", "A2", "A2a", "A2b", "A3", "A4", "A5", "B1", "B2", "B3", "B4"],
                "chain_id": ["CA"] * 7 + ["CB"] * 4,
                "name": ["原材料", "零部件", "伺服电机", "减速器", "整机", "系统集成", "运维服务", "种植", "加工", "包装", "冷链"],
                "stage": ["upstream", "midstream", "midstream", "midstream", "midstream", "downstream", "downstream", "upstream", "midstream", "downstream", "downstream"],
                "parent_id": [None, None, "A2", "A2", None, None, None, None, None, None, None],
                "key": [True, False, True, False, True, False, True, False, False, True, False],
            }
        ),
        "segment_links": pl.DataFrame(
            {
                "from_id": ["A1", "A2", "A3", "A3", "B1", "B2", "B3", "B2"],
                "to_id": ["A2", "A3", "A4", "A5", "B2", "B3", "B1", "B4"],
            }
        ),
        "enterprises": enterprises,
        "enterprise_segments": enterprise_segments,
        "supply_links": pl.DataFrame(
            {
                "supplier_id": ["X1", "X1", "L1", "X2", "L4", "X3", "X4"],
                "customer_id": ["L5", "L6", "X1", "L5", "X6", "X2", "L5"],
                "product": ["整机", "整机", "原料", "整机", "零件", "整机", "整机"],
            }
        ),
        "regions": pl.DataFrame(
            {"code": ["370000", "370100", "370102", "370103"], "name": ["山东省", "济南市", "历下区", "市中区"], "parent_code": [None, "370000", "370100", "370100"]}
        ),
        "parks": pl.DataFrame(
            {
                "id": ["P1", "P2", "P3"],
                "name": ["高新区", "经开区", "综保区"],
                "region_code": ["370102", "370103", "370102"],
                "focus_industries": [["IB"], ["IA", "IB"], None],
            },
            schema={"id": pl.Utf8, "name": pl.Utf8, "region_code": pl.Utf8, "focus_industries": pl.List(pl.Utf8)},
        ),
        "park_stats": pl.DataFrame(
            {
                "park_id": ["P1", "P1", "P1", "P2", "P3", "P3"],
                "period": ["2024", "2025", "2025-H1", "2025", "2024", "2025"],
                "revenue": [100000.0, 120000.0, 70000.0, 150000.0, 50000.0, 40000.0],
                "fixed_investment": [20000.0, 25000.0, 9000.0, 18000.0, 5000.0, None],
            }
        ),
        "projects": pl.DataFrame(
            {
                "id": ["PJ1", "PJ2", "PJ3", "PJ4", "PJ5", "PJ6"],
                "name": ["整机项目", "整机二期", "食品加工项目", "运维项目", "线索项目", "电机项目"],
                "stage": ["signed", "negotiating", "started", "dropped", "lead", "producing"],
                "enterprise_id": ["X6", "X2", "X9", "X8", None, "X7"],
                "park_id": ["P1", "P2", "P2", "P1", None, "P1"],
                "segment_id": ["A3", "A3", "B2", "A5", None, "A2a"],
                "investment": [30000.0, 50000.0, 80000.0, 10000.0, None, 20000.0],
                "land_mu": [150.0, None, 100.0, 20.0, None, 40.0],
                "stage_date": [None, None, D(2025, 10, 1), None, None, None],
                "signed_on": [D(2026, 1, 10), None, D(2025, 6, 1), D(2025, 3, 1), None, D(2024, 5, 1)],
                "started_on": [None, None, D(2025, 9, 1), None, None, D(2024, 8, 1)],
                "producing_on": [None, None, None, None, None, D(2025, 6, 1)],
                "planned_start": [D(2026, 3, 1), D(2026, 2, 1), None, None, None, None],
                "planned_production": [None, None, D(2026, 5, 1), D(2025, 1, 1), None, D(2025, 5, 1)],
                "owner": ["高新区招商局", "经开区招商局", "经开区招商局", "高新区招商局", None, "高新区招商局"],
                "expected_revenue": [45000.0, None, 60000.0, None, None, None],
                "expected_tax": [4500.0, None, 1500.0, None, None, None],
            }
        ),
    }
