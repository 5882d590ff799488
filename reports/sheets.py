"""Tables for people: the Chinese sheets of the exports (headers with units, rounded numbers)."""

from __future__ import annotations

import polars as pl

from graph.view import GraphView

CATEGORY_ORDER = {"leading": 0, "emerging": 1, "specialty": 2}


def chain_order(view: GraphView) -> list[str]:
    """Chain ids ordered by industry category (leading, emerging, specialty), then id."""
    ch = view.chains.join(view.industries.select(pl.col("id").alias("industry_id"), "category"), on="industry_id", how="left")
    rows = sorted(ch.iter_rows(named=True), key=lambda r: (CATEGORY_ORDER.get(r["category"], 9), r["id"]))
    return [r["id"] for r in rows]
