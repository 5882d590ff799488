"""The embedded LadybugDB store: round trip, idempotency, atomic refresh, kill -9 safety."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from graph.settings import Settings
from graph.stores import QueryRefused, StoreError, open_store
from graph.stores.embedded import EmbeddedStore
from graph.view import conform
from tests.small_tables import small_tables

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def store(tmp_path):
    s = EmbeddedStore(tmp_path / "g.lbug", read_only=False)
    s.write(small_tables(), meta={"dataset": "small"})
    yield s
    s.close()


def test_round_trip_tables_identical(store):
    src = small_tables()
    back = store.read_tables()
    for name, df in src.items():
        want = conform(name, df)
        key = [c for c in ("id", "code", "enterprise_id", "segment_id", "from_id", "to_id", "supplier_id", "park_id", "period") if c in want.columns][:2]
        assert_frame_equal(back[name].sort(key), want.sort(key), check_row_order=True), name


def test_leading_zero_ids_and_lists_survive(store):
    ent = store.read_tables()["enterprises"]
    assert "00123" in ent["id"].to_list()
    row = ent.filter(pl.col("id") == "E001").row(0, named=True)
    assert row["qualifications"] == ["高新技术企业", "专精特新"]
    assert ent.filter(pl.col("id") == "E002").row(0, named=True)["qualifications"] == []


def test_stats_counts_every_label_and_type(store):
    st = store.stats()
    assert st["nodes"]["Segment"] == 7
    assert st["nodes"]["Enterprise"] == 5
    assert st["nodes"]["ParkStat"] == 3
    assert st["relationships"]["SUPPLIES"] == 5
    assert st["relationships"]["PART_OF"] == 1
    assert st["relationships"]["FOCUSES_ON"] == 3  # list exploded: P1->I1, P2->I1, P2->I2
    assert st["relationships"]["WITHIN"] == 2
    assert st["relationships"]["REGISTERED_IN"] == 2  # nulls make no relationship


def test_idempotent_rewrite(store):
    before = store.stats()
    tables_before = store.read_tables()
    store.write(small_tables(), meta={"dataset": "small"})
    assert store.stats() == before
    after = store.read_tables()
    for name in tables_before:
        assert_frame_equal(after[name], tables_before[name])


def test_version_changes_and_reader_reopens(store, tmp_path):
    reader = EmbeddedStore(store.location)  # read-only
    assert reader.stats()["nodes"]["Enterprise"] == 5
    v = reader.version()
    store.write(small_tables(n_extra=10))
    assert reader.version() != v
    assert reader.stats()["nodes"]["Enterprise"] == 15
    reader.close()


def test_meta(store):
    meta = store.read_meta()
    assert meta["dataset"] == "small"
    assert meta["counts"]["nodes"]["Chain"] == 2


def test_query_read_only_and_capped(store):
    res = store.query("MATCH (s:Segment) RETURN s.id AS id ORDER BY id", row_cap=3)
    assert res.columns == ["id"]
    assert [r[0] for r in res.rows] == ["R1", "S1", "S1a"]
    assert res.truncated
    res = store.query("MATCH (s:Segment {id: $id}) RETURN s.name", {"id": "S2"})
    assert res.rows == [["动力电池"]] and not res.truncated
    with pytest.raises(QueryRefused):
        store.query("COPY (MATCH (n:Segment) RETURN n.id) TO '/tmp/indmap-leak.csv'")
    assert not Path("/tmp/indmap-leak.csv").exists()


def test_query_nodes_and_relationships_are_plain(store):
    res = store.query("MATCH (a:Segment {id: 'S1'})-[r:SUPPLIES]->(b) RETURN a, r, b")
    a, r, b = res.rows[0]
    assert a["_label"] == "Segment" and a["id"] == "S1"
    assert r == {"_type": "SUPPLIES", "_src": "S1", "_dst": "S2", "note": None}
    assert b["id"] == "S2"


def test_query_timeout(tmp_path):
    s = EmbeddedStore(tmp_path / "big.lbug", read_only=False)
    s.write(small_tables(n_extra=3000))
    with pytest.raises(StoreError, match="超时"):
        s.query("MATCH (a:Enterprise), (b:Enterprise), (c:Enterprise) WHERE a.revenue < b.revenue AND b.revenue < c.revenue RETURN count(*)", timeout_s=0.2)
    s.close()


def test_missing_store_says_how_to_ingest(tmp_path):
    s = open_store(Settings(store=str(tmp_path / "none.lbug")))
    with pytest.raises(StoreError, match="indmap ingest"):
        s.stats()


def test_failed_write_leaves_previous_store(store, tmp_path):
    bad = small_tables()
    # a relationship to a node that does not exist makes COPY fail half-way
    bad["enterprise_segments"] = pl.concat(
        [bad["enterprise_segments"], pl.DataFrame({"enterprise_id": ["E001"], "segment_id": ["NOPE"]})], how="diagonal"
    )
    with pytest.raises(Exception):
        store.write(bad)
    assert store.stats()["nodes"]["Enterprise"] == 5
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    from graph.stores.embedded import EmbeddedStore
    from tests.small_tables import small_tables
    EmbeddedStore(sys.argv[1], read_only=False).write(small_tables(n_extra=400_000))
    """
)


def test_kill_9_during_ingest_leaves_old_store(store, tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, store.location], cwd=ROOT)
    deadline = time.time() + 120
    # wait until the child is writing its temporary file, then kill it hard
    while time.time() < deadline:
        tmp = [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
        if tmp and tmp[0].stat().st_size > 0:
            break
        assert proc.poll() is None, "writer finished before it could be killed"
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader = EmbeddedStore(store.location)
    assert reader.stats()["nodes"]["Enterprise"] == 5
    assert reader.read_tables()["segments"].height == 7
    reader.close()
    # the next write cleans up the dead writer's temporary file
    store.write(small_tables())
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
