"""A tiny view for the docstring examples (not demo data; not used by the app)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from graph.view import GraphView


def tiny_view() -> GraphView:
    """One chain S1 (with sub-segment S1a) -> S2 -> S3; two local and two non-local enterprises.

    S1 and S3 have local enterprises, S2 has none: S2 is broken.
    """
    return GraphView(
        {
            "industries": pl.DataFrame({"id": ["I1"], "name": ["新能源汽车"], "category": ["leading"]}),
            "chains": pl.DataFrame({"id": ["C1"], "name": ["新能源汽车产业链"], "industry_id": ["I1"]}),
            "segments": pl.DataFrame(
                {
                    "id": ["S1", "S1a", "S2", "S3"],
                    "chain_id": ["C1"] * 4,
                    "name": ["正极材料", "磷酸铁锂", "动力电池", "整车"],
                    "stage": ["upstream", "upstream", "midstream", "downstream"],
                    "parent_id": [None, "S1", None, None],
                    "key": [True, False, True, False],
                }
            ),
            "segment_links": pl.DataFrame({"from_id": ["S1", "S2"], "to_id": ["S2", "S3"]}),
            "enterprises": pl.DataFrame(
                {
                    "id": ["L1", "L2", "X1", "X2"],
                    "name": ["本地材料", "本地整车", "外地电池甲", "外地电池乙"],
                    "local": [True, True, False, False],
                    "park_id": ["P1", "P1", None, None],
                    "province": [None, None, "江苏", "广东"],
                    "revenue": [3000.0, 5000.0, 8000.0, 1000.0],
                    "patents": [1, 2, 40, 3],
                    "qualifications": [None, None, ["专精特新小巨人"], None],
                    "pollution": ["low", "low", "low", "high"],
                    "energy": ["low", "medium", "medium", "low"],
                    "growth": [0.1, 0.05, 0.2, None],
                }
            ),
            "enterprise_segments": pl.DataFrame(
                {
                    "enterprise_id": ["L1", "L2", "X1", "X2"],
                    "segment_id": ["S1a", "S3", "S2", "S2"],
                    "share": [None, 1.0, 0.8, None],
                    "confidence": ["confirmed", "confirmed", "confirmed", "likely"],
                }
            ),
            "supply_links": pl.DataFrame({"supplier_id": ["X1"], "customer_id": ["L2"], "product": ["动力电池"]}),
            "parks": pl.DataFrame({"id": ["P1"], "name": ["示例园区"], "region_code": ["370102"]}),
            "park_stats": pl.DataFrame({"park_id": ["P1", "P1"], "period": ["2024", "2025"], "revenue": [100.0, 125.0]}),
            "projects": pl.DataFrame(
                {
                    "id": ["PR1"],
                    "name": ["电池项目"],
                    "stage": ["signed"],
                    "enterprise_id": ["X1"],
                    "park_id": ["P1"],
                    "segment_id": ["S2"],
                    "investment": [60000.0],
                    "land_mu": [100.0],
                    "signed_on": [dt.date(2026, 1, 5)],
                }
            ),
        }
    )
