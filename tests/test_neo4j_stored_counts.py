"""The scoped view's aggregates stored at write time (graph/stores/scoped_stored.py).

Pure tests check the stored figures against the full view; the ``neo4j`` tests check that a
write stores them with its generation, that a refresh changing ``OPERATES_IN`` changes them,
that the staged figures stay invisible until the switch, and that a database without them (an
older indmap) or with figures of another generation is counted on the server with the same answer.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from graph import analysis as A
from graph.settings import AnalysisSettings
from graph.stores import scoped_stored
from graph.view import GraphView
from tests.test_neo4j_scoped import blank_some_local


def _presence_counts(tables) -> dict[str, int]:
    df = A.segment_presence(GraphView(dict(tables)), AnalysisSettings())
    return {s: n for s, n in df.select("segment_id", "candidate_count").iter_rows() if n}


def _drop_candidate_links(tables, segment_id: str, n: int = 3):
    """A refresh in which ``n`` candidates no longer operate in ``segment_id`` (their OPERATES_IN there are gone)."""
    ent = tables["enterprises"]
    cand = ent.filter((pl.col("local") == False).fill_null(False)).select(pl.col("id").alias("enterprise_id"))  # noqa: E712
    es = tables["enterprise_segments"]
    gone = es.filter(pl.col("segment_id") == segment_id).join(cand, on="enterprise_id", how="semi").head(n)
    assert gone.height == n
    return {**tables, "enterprise_segments": es.join(gone.select("enterprise_id", "segment_id"), on=["enterprise_id", "segment_id"], how="anti")}


# ------------------------------------------------------------------ pure


def test_stored_figures_are_the_full_views(demo_tables):
    tables = blank_some_local(demo_tables)
    full = GraphView(dict(tables))
    got = scoped_stored.stored_aggregates(tables, "g1")
    assert got["candidate_counts"] == _presence_counts(tables) and sum(got["candidate_counts"].values()) > 0
    assert set(got["enterprise_region_codes"]) == full.enterprise_region_codes()
    cand = full.enterprises.filter(pl.col("local").is_null() | ~pl.col("local"))
    assert got["candidate_provinces"] == sorted(p for p in set(cand.get_column("province").to_list()) if p)
    quals = {q for qs in cand.get_column("qualifications").to_list() if qs for q in qs if q}
    assert got["candidate_qualifications"] == sorted(quals) and quals
    json.dumps(got)  # plain JSON values: they live in the meta node's json


def test_stored_figures_are_read_only_for_their_generation_and_format(demo_tables):
    got = scoped_stored.stored_aggregates(demo_tables, "g1")
    meta = json.dumps({"dataset": "demo", scoped_stored.KEY: got})
    back = scoped_stored.read_stored(meta, "g1")
    assert dict(back["candidate_counts"].iter_rows()) == got["candidate_counts"]
    assert back["candidate_counts"].schema == {"segment_id": pl.Utf8, "candidate_count": pl.Int64}
    assert scoped_stored.read_stored(meta, "g2") is None  # copied from another database / generation
    assert scoped_stored.read_stored(json.dumps({scoped_stored.KEY: {**got, "version": 0}}), "g1") is None
    assert scoped_stored.read_stored(json.dumps({"dataset": "demo"}), "g1") is None  # an older indmap wrote it
    assert scoped_stored.read_stored(None, "g1") is None and scoped_stored.read_stored("[1]", "g1") is None


# ------------------------------------------------------------------ Neo4j


def _raw_meta(store) -> dict:
    from graph import queries as Q

    with store._session() as s:
        return json.loads(s.run(Q.NEO4J_READ_META, meta_id=Q.META_ID).single()["json"])


def _set_raw_meta(store, meta: dict) -> None:
    from graph import queries as Q

    with store._session("WRITE") as s:
        s.run("MATCH (m:IndmapMeta {id: $meta_id}) SET m.json = $json", meta_id=Q.META_ID, json=json.dumps(meta)).consume()


def _counts(view: GraphView) -> dict[str, int]:
    return {s: n for s, n in view.aggregates["candidate_counts"].iter_rows() if n}


@pytest.fixture
def neo(neo4j_settings):
    from graph.stores.neo4j import Neo4jStore

    store = Neo4jStore.from_settings(neo4j_settings)
    yield store
    store.close()


@pytest.mark.neo4j
def test_a_write_stores_the_counts_and_a_refresh_changes_them_at_the_switch(neo, demo_tables, monkeypatch):
    from graph.stores import neo4j_switch
    from graph.stores.neo4j_scoped import read_scoped_view

    before = blank_some_local(demo_tables)
    neo.write(before, meta={"dataset": "demo"})
    raw = _raw_meta(neo)[scoped_stored.KEY]
    assert raw["generation"] == neo.version() and raw["candidate_counts"] == _presence_counts(before)
    assert scoped_stored.KEY not in neo.read_meta() and neo.read_meta()["dataset"] == "demo"
    assert _counts(read_scoped_view(neo)) == _presence_counts(before)

    seg = max(raw["candidate_counts"], key=lambda s: (raw["candidate_counts"][s], s))
    after = _drop_candidate_links(before, seg)
    assert _presence_counts(after) != _presence_counts(before)
    seen = {}
    real_switch = neo4j_switch.switch

    def spying_switch(store, s, token, new, staged):
        seen["staged"] = _counts(read_scoped_view(neo))  # the new graph is staged, not yet live
        return real_switch(store, s, token, new, staged)

    monkeypatch.setattr(neo4j_switch, "switch", spying_switch)
    neo.write(after, meta={"dataset": "demo"})
    assert seen["staged"] == _presence_counts(before)
    view = read_scoped_view(neo)
    assert _counts(view) == _presence_counts(after) and view.aggregates["generation"] == _raw_meta(neo)[scoped_stored.KEY]["generation"]


@pytest.mark.neo4j
def test_a_database_without_stored_counts_is_counted_on_the_server(neo, demo_tables, monkeypatch):
    from graph.stores import neo4j_scoped
    from graph.stores.neo4j_scoped import read_scoped_view

    tables = blank_some_local(demo_tables)
    neo.write(tables, meta={"dataset": "demo"})
    server_counted = []
    real = neo4j_scoped.enterprises_per_segment
    monkeypatch.setattr(neo4j_scoped, "enterprises_per_segment", lambda s, closure: server_counted.append(1) or real(s, closure))
    stored = read_scoped_view(neo, filters=True)
    assert not server_counted
    meta = _raw_meta(neo)
    old = {k: v for k, v in meta.items() if k != scoped_stored.KEY}  # as an older indmap wrote it
    stale = {**meta, scoped_stored.KEY: {**meta[scoped_stored.KEY], "generation": "another"}}  # copied from elsewhere
    for raw in (old, stale):
        _set_raw_meta(neo, raw)
        counted = read_scoped_view(neo, filters=True)
        assert server_counted and _counts(counted) == _counts(stored) == _presence_counts(tables)
        for key in ("enterprise_region_codes", "candidate_provinces", "candidate_qualifications", "supply_link_count", "enterprise_count"):
            assert counted.aggregates[key] == stored.aggregates[key], key
        s = AnalysisSettings()
        assert A.gaps(counted, s).model_dump(mode="json") == A.gaps(stored, s).model_dump(mode="json")
        server_counted.clear()
