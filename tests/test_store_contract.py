"""The store contract, one suite over both stores: embedded LadybugDB (a temp dir) and a real Neo4j.

What every store promises the rest of indmap (``graph.stores.base.Store``): tables come back as
written, with dates, lists, nulls and leading zeros intact; stats count every label and type;
the meta and version of the last write; a rewrite is idempotent; readers see a new write; queries
are read-only, parameterised, capped and time out, with nodes and relationships as plain dicts;
a write that fails leaves the previous graph. Store-specific behaviour (kill -9, staging labels,
the lease, the EXPLAIN fence, a server that is down) stays in ``test_store_embedded.py`` and
``test_neo4j_store.py``.

The Neo4j half runs when ``INDMAP_TEST_NEO4J_URI`` names a server (``scripts/test`` sets it)
and is skipped otherwise.
"""

from __future__ import annotations

import datetime as dt
import os

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from graph.schema import NODES, RELS
from graph.settings import Settings
from graph.stores import QueryRefused, StoreError
from graph.stores.embedded import EmbeddedStore
from graph.stores.neo4j import Neo4jStore
from graph.view import conform
from tests.small_tables import small_tables

KEYS = ("id", "code", "enterprise_id", "segment_id", "from_id", "to_id", "supplier_id", "park_id", "period")


def _open(kind: str, tmp_path_factory, *, writer: bool = True):
    if kind == "embedded":
        return EmbeddedStore(tmp_path_factory.getbasetemp() / "contract" / "g.lbug", read_only=not writer)
    uri = os.environ.get("INDMAP_TEST_NEO4J_URI")
    if not uri:
        pytest.skip("INDMAP_TEST_NEO4J_URI is not set: the Neo4j half of the store contract is skipped")
    return Neo4jStore.from_settings(Settings(store=uri))


@pytest.fixture(scope="module", params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def kind(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def store(kind, tmp_path_factory):
    (tmp_path_factory.getbasetemp() / "contract").mkdir(exist_ok=True)
    s = _open(kind, tmp_path_factory)
    s.write(small_tables(), meta={"dataset": "small"})
    yield s
    s.close()


@pytest.fixture()
def reader(kind, store, tmp_path_factory):
    """A second handle on the same store, as another process (the app) would open it."""
    r = _open(kind, tmp_path_factory, writer=False)
    yield r
    r.close()


def test_round_trip_tables_identical(store):
    back = store.read_tables()
    for name, df in small_tables().items():
        want = conform(name, df)
        key = [c for c in KEYS if c in want.columns][:2]
        assert_frame_equal(back[name].sort(key), want.sort(key)), name


def test_dates_lists_nulls_and_leading_zeros(store):
    tables = store.read_tables()
    ent = tables["enterprises"]
    assert ent.schema["founded"] == pl.Date
    row = ent.filter(pl.col("id") == "E001").row(0, named=True)
    assert row["founded"] == dt.date(2010, 5, 1)
    assert row["qualifications"] == ["高新技术企业", "专精特新"]
    assert ent.filter(pl.col("id") == "E002").row(0, named=True)["qualifications"] == []
    zero = ent.filter(pl.col("id") == "00123").row(0, named=True)
    assert zero["qualifications"] is None and zero["revenue"] is None
    proj = tables["projects"].filter(pl.col("id") == "PR1").row(0, named=True)
    assert proj["signed_on"] == dt.date(2026, 1, 5) and proj["started_on"] is None
    assert tables["regions"].columns == ["code", "name", "parent_code"]
    assert tables["park_stats"].height == 3


def test_stats_count_every_label_and_type(store):
    st = store.stats()
    assert set(st["nodes"]) == set(NODES) and set(st["relationships"]) == set(RELS)
    assert st["nodes"]["Segment"] == 7 and st["nodes"]["Enterprise"] == 5 and st["nodes"]["ParkStat"] == 3
    assert st["relationships"]["SUPPLIES"] == 5
    assert st["relationships"]["PART_OF"] == 1
    assert st["relationships"]["FOCUSES_ON"] == 3  # list exploded: P1->I1, P2->I1, P2->I2
    assert st["relationships"]["WITHIN"] == 2
    assert st["relationships"]["REGISTERED_IN"] == 2  # nulls make no relationship
    assert st["relationships"]["HAS_STAT"] == 3


def test_meta_version_and_derived_nodes(store):
    meta = store.read_meta()
    assert meta["dataset"] == "small" and meta["counts"]["nodes"]["Chain"] == 2
    assert store.version()
    res = store.query("MATCH (r:Region) RETURN r.id, r.code, r.level ORDER BY r.id")
    assert res.rows == [["370000", "370000", "province"], ["370100", "370100", "city"], ["370102", "370102", "county"]]
    res = store.query("MATCH (p:Park {id: 'P1'})-[:HAS_STAT]->(s:ParkStat) RETURN s.id ORDER BY s.id")
    assert [r[0] for r in res.rows] == ["P1|2024", "P1|2025"]


def test_rewrite_is_idempotent_and_changes_the_version(store):
    before, tables_before, version = store.stats(), store.read_tables(), store.version()
    store.write(small_tables(), meta={"dataset": "small"})
    assert store.stats() == before
    after = store.read_tables()
    for name in tables_before:
        assert_frame_equal(after[name], tables_before[name])
    assert store.version() != version


def test_a_reader_sees_the_next_write(store, reader):
    assert reader.stats()["nodes"]["Enterprise"] == 5
    v = reader.version()
    try:
        store.write(small_tables(n_extra=10), meta={"dataset": "more"})
        assert reader.version() != v
        assert reader.stats()["nodes"]["Enterprise"] == 15
        assert reader.read_meta()["dataset"] == "more"
    finally:
        store.write(small_tables(), meta={"dataset": "small"})
    assert reader.stats()["nodes"]["Enterprise"] == 5


def test_query_parameters_and_row_cap(store):
    res = store.query("MATCH (s:Segment) RETURN s.id AS id ORDER BY id", row_cap=3)
    assert res.columns == ["id"]
    assert [r[0] for r in res.rows] == ["R1", "S1", "S1a"]
    assert res.truncated and res.row_cap == 3
    res = store.query("MATCH (s:Segment {id: $id}) RETURN s.name", {"id": "S2"})
    assert res.rows == [["动力电池"]] and not res.truncated
    res = store.query("UNWIND range(1, 50) AS x RETURN x", row_cap=50)
    assert len(res.rows) == 50 and not res.truncated  # exactly at the cap is not truncated


def test_nodes_relationships_and_paths_are_plain(store):
    res = store.query("MATCH (a:Segment {id: 'S1'})-[r:SUPPLIES]->(b) RETURN a, r, b")
    a, r, b = res.rows[0]
    assert a["_label"] == "Segment" and a["id"] == "S1" and a["keywords"] == ["正极", "三元"]
    assert r == {"_type": "SUPPLIES", "_src": "S1", "_dst": "S2", "note": None}
    assert b["id"] == "S2"
    # a relationship without its end nodes in the result still names their ids
    res = store.query("MATCH (:Segment {id: 'R1'})-[r:SUPPLIES]->() RETURN r")
    assert res.rows == [[{"_type": "SUPPLIES", "_src": "R1", "_dst": "S1", "note": "回收循环"}]]
    res = store.query("MATCH p = (:Segment {id: 'S1'})-[:SUPPLIES]->(:Segment) RETURN p")
    path = res.rows[0][0]
    assert [n["id"] for n in path["_nodes"]] == ["S1", "S2"] and path["_rels"][0]["_src"] == "S1"
    res = store.query("MATCH (p:Project {id: $id}) RETURN p.signed_on AS d, p", {"id": "PR1"})
    assert res.columns == ["d", "p"]
    assert res.rows[0][0] == dt.date(2026, 1, 5) and res.rows[0][1]["signed_on"] == dt.date(2026, 1, 5)


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:Segment {id: 'evil'})",
        "MERGE (n:Segment {id: 'evil'}) RETURN n",
        "MATCH (n:Segment {id: 'S1'}) DETACH DELETE n",
        "MATCH (n:Segment {id: 'S1'}) SET n.name = 'evil'",
        "LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row",
        "MATCH (n:Segment) RETURN n; MATCH (m) DETACH DELETE m",
    ],
)
def test_queries_that_write_are_refused(store, cypher):
    before = store.stats()
    with pytest.raises(QueryRefused):
        store.query(cypher)
    assert store.stats() == before
    assert store.query("MATCH (n:Segment {id: 'S1'}) RETURN n.name").rows == [["正极材料"]]


def test_query_times_out(store):
    heavy = "UNWIND range(1, 30000) AS a UNWIND range(1, 30000) AS b WITH a, b WHERE (a * b) % 7 = 3 RETURN count(*) AS n"
    with pytest.raises(StoreError, match="超时"):
        store.query(heavy, timeout_s=0.3)


def test_a_failed_write_leaves_the_previous_graph(store):
    before, tables_before = store.stats(), store.read_tables()
    bad = small_tables()
    bad["enterprise_segments"] = pl.concat(
        [bad["enterprise_segments"], pl.DataFrame({"enterprise_id": ["E001"], "segment_id": ["NOPE"]})], how="diagonal"
    )
    with pytest.raises(Exception):
        store.write(bad)
    assert store.stats() == before
    for name, df in store.read_tables().items():
        assert_frame_equal(df, tables_before[name])
