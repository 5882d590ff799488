"""The saved query ``segment_local_counts`` keeps unknown revenue apart from zero, on both stores; the
saved queries ranked by revenue put unknown revenue last (both engines sort null first in DESC order:
the round-12 audit found 众泰汽车, revenue unknown, heading ``candidates_for_segment``, whose description
says 营收缺失排最后, and eight unknowns heading ``high_tech_local``'s top 100).

Found by the round-10 audit: ``coalesce(sum(e.revenue), 0)`` showed 0 for a segment whose local firms all had a
blank revenue. Now, as in presence (docs/analysis.md): null when local firms exist and none has a known
revenue, 0 only without local firms.
"""

from __future__ import annotations

import polars as pl
import pytest

from graph.queries import SAVED_QUERIES

QUERY = next(q for q in SAVED_QUERIES if q.key == "segment_local_counts")
BLANK = "NEV-D02"  # two local firms in the demo: their revenue is blanked
NONE = "NEV-D01"  # no local firm in the demo


def blank_tables(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    es, ent = tables["enterprise_segments"], tables["enterprises"]
    who = es.filter(pl.col("segment_id") == BLANK).get_column("enterprise_id")
    ent = ent.with_columns(pl.when(pl.col("id").is_in(who.implode()) & pl.col("local")).then(None).otherwise(pl.col("revenue")).alias("revenue"))
    return {**tables, "enterprises": ent}


def check(store) -> None:
    res = store.query(QUERY.cypher, QUERY.params, row_cap=1000)
    rows = {r[0]: dict(zip(res.columns, r)) for r in res.rows}
    assert rows[BLANK]["local_enterprises"] == 2 and rows[BLANK]["local_revenue"] is None
    assert rows[NONE]["local_enterprises"] == 0 and rows[NONE]["local_revenue"] == 0
    known = [r for r in rows.values() if r["local_enterprises"] and r["segment_id"] != BLANK]
    assert known and all(r["local_revenue"] > 0 for r in known)
    for key, params in (("candidates_for_segment", {"segment": "BAT-D03"}), ("high_tech_local", {})):
        q = next(x for x in SAVED_QUERIES if x.key == key)
        ranked = store.query(q.cypher, params, row_cap=1000)
        revenue = [dict(zip(ranked.columns, r))["revenue"] for r in ranked.rows]
        known = [v for v in revenue if v is not None]
        assert known and (None in revenue or key == "high_tech_local"), key  # BAT-D03 has both; the top 100 local firms none unknown
        assert revenue == sorted(known, reverse=True) + [None] * (len(revenue) - len(known)), key


def test_embedded(tmp_path, demo_tables):
    from graph.stores.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "s.lbug", read_only=False)
    try:
        store.write(blank_tables(demo_tables), meta={"dataset": "data/demo"})
        check(store)
    finally:
        store.close()


@pytest.mark.neo4j
def test_neo4j(neo4j_settings, demo_tables):
    from graph.stores.neo4j import Neo4jStore

    store = Neo4jStore.from_settings(neo4j_settings)
    try:
        store.write(blank_tables(demo_tables), meta={"dataset": "data/demo"})
        check(store)
    finally:
        store.close()
