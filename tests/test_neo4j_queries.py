"""The Neo4j store's Cypher and pure helpers, without a server."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from graph.mapping import graph_frames
from graph.schema import NODES, RELS
from graph.stores import StoreError
from graph.stores import neo4j_queries as Q
from graph.stores.neo4j import _check_frames, _node_row, _rel_row, _safe_uri
from tests.small_tables import small_tables


def _all_statements() -> list[str]:
    out = Q.schema_statements() + [Q.AWAIT_INDEXES, Q.ACQUIRE_LEASE, Q.HEARTBEAT, Q.RELEASE_LEASE, Q.DELETE_RETIRED_BATCH]
    out += [Q.WRITE_META, Q.READ_META, Q.READ_GENERATION, Q.NODE_IDS_BY_ELEMENT_ID]
    for label in NODES:
        out += [Q.delete_staging_batch(label), Q.create_staging_nodes(label), Q.retire_live(label), Q.promote_staging(label)]
        out += [Q.read_nodes(label), Q.count_nodes(label)]
    for rtype in RELS:
        out += [Q.create_staging_rels(rtype), Q.count_rels(rtype), Q.read_rels(rtype)]
    return out


def test_no_values_pasted_into_cypher():
    for stmt in _all_statements():
        assert "'" not in stmt and '"' not in stmt, stmt  # values travel as $parameters only


def test_constraints_cover_live_and_staging_labels():
    stmts = "\n".join(Q.schema_statements())
    for label in NODES:
        assert f"FOR (n:{label}) REQUIRE n.id IS UNIQUE" in stmts
        assert f"FOR (n:IndmapStaging_{label}) REQUIRE n.id IS UNIQUE" in stmts
    assert "FOR (n:IndmapMeta) REQUIRE n.id IS UNIQUE" in stmts
    assert all("IF NOT EXISTS" in s for s in Q.schema_statements())


def test_identifiers_are_checked():
    with pytest.raises(ValueError):
        Q.staging_label("Segment) DETACH DELETE (n")


def test_staging_writes_never_use_live_labels():
    for label in NODES:
        assert f":{label})" not in Q.create_staging_nodes(label)
    for rtype, spec in RELS.items():
        stmt = Q.create_staging_rels(rtype)
        assert f"(a:IndmapStaging_{spec.src} " in stmt and f"(b:IndmapStaging_{spec.dst} " in stmt


def test_rows_drop_nulls_and_keep_types():
    row = _node_row({"id": "E1", "revenue": None, "qualifications": ["a", None], "founded": dt.date(2020, 1, 2)})
    assert row == {"id": "E1", "qualifications": ["a"], "founded": dt.date(2020, 1, 2)}
    rel = _rel_row({"_src": "E1", "_dst": "S1", "share": 0.5, "source": None}, ["share", "source"])
    assert rel == {"src": "E1", "dst": "S1", "props": {"share": 0.5}}


def test_dangling_ends_and_duplicate_ids_are_refused_before_writing():
    bad = small_tables()
    bad["supply_links"] = pl.DataFrame({"supplier_id": ["X1"], "customer_id": ["GHOST"]})
    bad["industries"] = pl.concat([bad["industries"], bad["industries"].head(1)])
    with pytest.raises(StoreError) as exc:
        _check_frames(*graph_frames(bad))
    msg = str(exc.value)
    assert "SUPPLIES_TO：引用了不存在的 Enterprise GHOST" in msg and "Industry：id 重复（I1）" in msg
    _check_frames(*graph_frames(small_tables()))  # the good set passes


def test_safe_uri_hides_credentials():
    assert _safe_uri("bolt://neo4j:s3cret@db.example:7687") == "bolt://db.example:7687"
    assert _safe_uri("neo4j://127.0.0.1:7687") == "neo4j://127.0.0.1:7687"
