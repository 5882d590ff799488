"""What only the Neo4j store does, against a real Neo4j 5.26 server (scripts/neo4j-server).

Batched writes under staging labels, readers during a refresh, the writer's lease, checks before
writing, the EXPLAIN fence, procedures refused, a server that is down, kill -9 during a write.
The contract both stores share is ``test_store_contract.py``.
"""

from __future__ import annotations

import socket
import threading
import time

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from graph.settings import Settings
from graph.stores import QueryRefused, StoreError, open_store
from graph.stores.neo4j import Neo4jStore

from tests.small_tables import small_tables, writing_in_background

pytestmark = pytest.mark.neo4j

@pytest.fixture(scope="module")
def store(neo4j_settings):
    s = Neo4jStore.from_settings(neo4j_settings)
    s.write(small_tables(), meta={"dataset": "small"})
    yield s
    s.close()


def _totals(store) -> tuple[int, int]:
    """Every node and every relationship in the database, whatever its label."""
    n = store.query("MATCH (n) RETURN count(n) AS n").rows[0][0]
    r = store.query("MATCH ()-[r]->() RETURN count(r) AS n").rows[0][0]
    return n, r


def _assert_clean(store) -> None:
    """Only live nodes, the meta node, and live relationships: no staging or retired generation left."""
    st = store.stats()
    assert _totals(store) == (sum(st["nodes"].values()) + 1, sum(st["relationships"].values()))


def test_idempotent_rewrite_and_batches(store, neo4j_settings):
    before, tables_before, version = store.stats(), store.read_tables(), store.version()
    steps = []
    small_batches = Neo4jStore.from_settings(neo4j_settings.model_copy(update={"neo4j_batch_size": 2}))
    try:
        report = small_batches.write(small_tables(), meta={"dataset": "small"}, progress=lambda *a: steps.append(a))
    finally:
        small_batches.close()
    assert report.nodes == before["nodes"] and report.relationships == before["relationships"]
    assert steps[-1][1] == steps[-1][2]  # progress reaches its total
    assert store.stats() == before
    after = store.read_tables()
    for name in tables_before:
        assert_frame_equal(after[name], tables_before[name])
    assert store.version() != version
    _assert_clean(store)


def _schema_names(store) -> set[str]:
    from graph import queries as Q

    with store._session() as s:
        return {rec["name"] for q in (Q.SCHEMA_NAMES, Q.SCHEMA_CONSTRAINT_NAMES) for rec in s.run(q)}


def test_write_creates_only_missing_schema_and_drops_what_earlier_versions_made(store, monkeypatch):
    """A database of an earlier version (a staging constraint, an index and a constraint missing) is
    brought to the current schema by the next write; a write over the current schema runs none."""
    from graph import queries as Q

    with store._session("WRITE") as s:
        s.run(f"CREATE CONSTRAINT indmap_staging_enterprise_id IF NOT EXISTS FOR (n:{Q.staging_label('Enterprise')}) REQUIRE n.id IS UNIQUE").consume()
        s.run("DROP INDEX indmap_enterprise_name IF EXISTS").consume()
        s.run("DROP CONSTRAINT indmap_chain_id IF EXISTS").consume()
    before = _schema_names(store)
    assert "indmap_staging_enterprise_id" in before and not {"indmap_enterprise_name", "indmap_chain_id"} & before
    store.write(small_tables(), meta={"dataset": "small"})
    names = _schema_names(store)
    assert "indmap_staging_enterprise_id" not in names
    assert {"indmap_enterprise_name", "indmap_chain_id", "indmap_segment_name", "indmap_enterprise_local"} <= names
    assert not Q.schema_todo(names)
    ran: list[str] = []
    real = Q.schema_todo
    monkeypatch.setattr(Q, "schema_todo", lambda existing: ran.extend(real(existing)) or real(existing))
    store.write(small_tables(), meta={"dataset": "small"})
    assert ran == [] and _schema_names(store) == names


def test_readers_never_see_a_half_written_graph(store, neo4j_settings):
    writer = Neo4jStore.from_settings(neo4j_settings.model_copy(update={"neo4j_batch_size": 500}))
    seen = []
    first_read = threading.Event()

    def hold(step: str, done: int, total: int) -> None:  # nothing staged yet: the first read happens before the switch
        if step == "cleanup":
            first_read.wait(30)

    with writing_in_background(writer, small_tables(n_extra=3000), {"dataset": "bigger"}, progress=hold) as t:
        while t.is_alive():
            st = store.stats()
            seen.append((st["nodes"]["Enterprise"], st["relationships"]["OPERATES_IN"], st["nodes"]["Segment"]))
            first_read.set()
            tables = store.read_tables()
            assert tables["enterprises"].height == tables["enterprise_segments"].height
            assert tables["segments"].height == 7
    assert seen and set(seen) <= {(5, 5, 7), (3005, 3005, 7)}, set(seen)
    assert (5, 5, 7) in seen
    assert store.stats()["nodes"]["Enterprise"] == 3005
    assert store.read_meta()["dataset"] == "bigger"
    _assert_clean(store)
    store.write(small_tables(), meta={"dataset": "small"})
    assert store.stats()["nodes"]["Enterprise"] == 5
    _assert_clean(store)




def test_bad_tables_are_refused_before_writing(store):
    before = store.stats()
    bad = small_tables()
    bad["enterprise_segments"] = pl.concat(
        [bad["enterprise_segments"], pl.DataFrame({"enterprise_id": ["E001"], "segment_id": ["NOPE"]})], how="diagonal"
    )
    with pytest.raises(StoreError, match="OPERATES_IN：引用了不存在的 Segment NOPE"):
        store.write(bad)
    dup = small_tables()
    dup["chains"] = pl.concat([dup["chains"], dup["chains"].head(1)])
    with pytest.raises(StoreError, match=r"Chain：id 重复（C1）"):
        store.write(dup)
    assert store.stats() == before
    _assert_clean(store)


def test_second_writer_is_refused_while_the_lease_is_held(store, neo4j_settings):
    from graph.stores import StoreBusy

    other = Neo4jStore.from_settings(neo4j_settings)
    other._acquire_lease("another-writer")
    impatient = Neo4jStore.from_settings(neo4j_settings.model_copy(update={"write_lock_wait_s": 1.0}))
    waits = []
    try:
        with pytest.raises(StoreBusy, match="另一个写入正在进行"):
            impatient.write(small_tables(), progress=lambda step, done, total: waits.append(step))
        assert "wait" in waits  # the caller was told it is waiting
    finally:
        other._release_lease("another-writer")
        other.close()
        impatient.close()
    store.write(small_tables(), meta={"dataset": "small"})
    assert store.stats()["nodes"]["Enterprise"] == 5


def test_second_writer_waits_for_the_first_then_writes(store, neo4j_settings):
    other = Neo4jStore.from_settings(neo4j_settings)
    other._acquire_lease("slow-writer")
    timer = threading.Timer(1.5, other._release_lease, ("slow-writer",))
    timer.start()
    try:
        patient = Neo4jStore.from_settings(neo4j_settings.model_copy(update={"write_lock_wait_s": 30.0}))
        patient.write(small_tables(), meta={"dataset": "small"})
        patient.close()
    finally:
        timer.join()
        other.close()
    assert store.stats()["nodes"]["Enterprise"] == 5


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n:Segment {id: 'S1'}) DELETE n",
        "CALL dbms.killQueries(['query-1'])",
        "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
    ],
)
def test_console_refuses_neo4j_procedures_and_deletes(store, cypher):
    before = store.stats()
    with pytest.raises(QueryRefused):
        store.query(cypher)
    assert store.stats() == before
    assert store.query("MATCH (n:Segment {id: 'S1'}) RETURN n.name").rows == [["正极材料"]]


def test_explain_fence_refuses_writes_the_guard_missed(store, monkeypatch):
    import graph.guard

    monkeypatch.setattr(graph.guard, "check_read_only", lambda cypher, limits=None: cypher)
    with pytest.raises(QueryRefused, match="只读查询"):
        store.query("CREATE (n:Segment {id: 'evil'}) RETURN n")
    assert store.query("MATCH (n:Segment {id: 'evil'}) RETURN count(n)").rows == [[0]]


@pytest.mark.parametrize(
    "cypher,word",
    [
        ("SHOW TRANSACTIONS", "SHOW"),  # other sessions' queries and parameters
        ("SHOW SETTINGS YIELD name, value RETURN name, value", "SHOW"),  # server settings and paths
        ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "TERMINATE"),
        ("CALL dbms.listConfig()", "dbms.listConfig"),
        ("EXPLAIN MATCH (n) SET n.x = 1", "SET"),
    ],
)
def test_console_allow_list_on_neo4j(store, cypher, word):
    """Issue 18: these passed the deny-list (SHOW ...) or are admin procedures; only reads run."""
    from graph.worker import run_query

    for run in (store.query, lambda q: run_query(store.settings, q)):
        with pytest.raises(QueryRefused, match=word):
            run(cypher)
    assert run_query(store.settings, "CALL db.labels() YIELD label RETURN label AS start ORDER BY start").rows
    assert run_query(store.settings, "MATCH (n:Segment {id: 'S1'}) RETURN n.name AS start").rows == [["正极材料"]]


def test_open_store_dispatches_to_neo4j(neo4j_settings):
    s = open_store(neo4j_settings)
    try:
        assert isinstance(s, Neo4jStore)
        assert s.stats()["nodes"]["Segment"] >= 0
    finally:
        s.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_server_down_is_a_clear_error_fast_and_keeps_the_password_secret():
    secret = "hunter2-do-not-show"
    settings = Settings(store=f"bolt://127.0.0.1:{_closed_port()}", neo4j_password=secret)
    s = Neo4jStore.from_settings(settings)
    assert secret not in repr(s)
    for call in (s.stats, s.read_tables, lambda: s.query("RETURN 1"), lambda: s.write(small_tables())):
        t0 = time.perf_counter()
        with pytest.raises(StoreError, match="无法连接 Neo4j") as exc:
            call()
        assert time.perf_counter() - t0 < 5
        assert secret not in str(exc.value)
    s.close()


KILL_SCRIPT = """
import sys
from graph.settings import Settings
from graph.stores.neo4j import Neo4jStore
from tests.small_tables import small_tables, writing_in_background
Neo4jStore.from_settings(Settings(store=sys.argv[1], neo4j_batch_size=500)).write(small_tables(n_extra=200_000))
"""


def test_kill_9_during_write_leaves_the_live_graph(store, neo4j_uri, monkeypatch):
    import os
    import signal
    import subprocess
    import sys
    from pathlib import Path

    import graph.stores.neo4j as neo4j_store

    before, tables_before = store.stats(), store.read_tables()
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, neo4j_uri], cwd=root)
    deadline = time.time() + 120
    try:
        while time.time() < deadline:  # kill it hard once it is writing staging nodes
            if store.query("MATCH (n:IndmapStaging_Enterprise) RETURN count(n) AS n").rows[0][0] > 0:
                break
            assert proc.poll() is None, "writer ended before it could be killed"
            time.sleep(0.2)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert store.stats() == before
    tables = store.read_tables()
    for name in tables_before:
        assert_frame_equal(tables[name], tables_before[name])
    # the dead writer still holds the lease until it expires; then the next write cleans up after it
    with pytest.raises(StoreError, match="另一个写入正在进行"):
        store.write(small_tables())
    monkeypatch.setattr(neo4j_store, "LEASE_TTL_S", 1)
    time.sleep(1.5)
    store.write(small_tables(), meta={"dataset": "small"})
    assert store.stats() == before
    _assert_clean(store)


@pytest.mark.parametrize("failing", ["CREATE (n:IndmapStaging_Region", "[:OPERATES_IN"])
def test_a_failing_parallel_batch_fails_the_write_and_leaves_the_live_graph(store, neo4j_settings, monkeypatch, failing):
    """All tables' batches share the sessions: one batch that fails (while other tables' batches run
    beside it) fails the whole write, and nothing of it is seen."""
    from graph.stores import neo4j_load

    before, tables_before, version = store.stats(), store.read_tables(), store.version()
    real, ran = neo4j_load.Loader._run, []

    def run(self, cypher, rows, work):
        ran.append(cypher)
        if failing in cypher:
            time.sleep(0.05)  # the other session is busy with another batch meanwhile
            raise RuntimeError("injected: this batch failed")
        return real(self, cypher, rows, work)

    monkeypatch.setattr(neo4j_load.Loader, "_run", run)
    writer = Neo4jStore.from_settings(neo4j_settings.model_copy(update={"neo4j_batch_size": 3, "neo4j_write_sessions": 2}))
    try:
        with pytest.raises(StoreError, match="injected"):
            writer.write(small_tables(n_extra=40), meta={"dataset": "bigger"})
    finally:
        writer.close()
    assert len(set(ran)) > 1  # batches of more than one table were sent
    assert store.stats() == before and store.version() == version
    for name, df in store.read_tables().items():
        assert_frame_equal(df, tables_before[name])
    _assert_clean(store)
    monkeypatch.undo()
    store.write(small_tables(), meta={"dataset": "small"})  # the lease was released: the next write goes ahead
    assert store.stats() == before


def test_a_capped_console_query_does_not_fetch_the_rows_past_the_cap(store):
    # the rows past the cap were pulled to the client before the next query of the session: a 1M-row
    # query capped at 1,000 rows took 39-47 s instead of 0.1 s, and a row past the cap could fail it all
    res = store.query("UNWIND range(1, 100000) AS i RETURN 1 / (i - 50000) AS x", {}, row_cap=10)
    assert res.truncated and res.rows == [[0]] * 10
