"""The batched generation switch of the Neo4j store (graph/stores/neo4j_switch.py), against a real server.

The batched path is forced on a small graph (``ONE_TX_MAX_NODES = 0``, small batches): readers
during the switch, a writer that dies after k batches (finished forward by a reader once its
lease has expired, or by the next write), and the one-transaction path still used below the
threshold.
"""

from __future__ import annotations

import time

import pytest
from polars.testing import assert_frame_equal

import graph.stores.neo4j as neo4j_store
from graph.stores import StoreError, neo4j_switch
from graph.stores.neo4j import Neo4jStore

from tests.small_tables import small_tables, writing_in_background

pytestmark = pytest.mark.neo4j


class Died(BaseException):
    """Stands for kill -9: nothing of the writer's clean-up runs."""


@pytest.fixture
def store(neo4j_settings):
    s = Neo4jStore.from_settings(neo4j_settings)
    s.write(small_tables(), meta={"dataset": "small"})
    yield s
    s.close()


@pytest.fixture
def batched(monkeypatch):
    monkeypatch.setattr(neo4j_switch, "ONE_TX_MAX_NODES", 0)
    monkeypatch.setattr(neo4j_switch, "BATCH_NODES", 500)


def _clean(store) -> None:
    st = store.stats()
    n = store.query("MATCH (n) RETURN count(n) AS n").rows[0][0]
    r = store.query("MATCH ()-[r]->() RETURN count(r) AS n").rows[0][0]
    assert (n, r) == (sum(st["nodes"].values()) + 1, sum(st["relationships"].values()))


def _pending(store) -> str | None:
    with store._session() as s:
        return neo4j_switch.pending(s)


def test_batched_switch_equals_the_one_transaction_switch(store, neo4j_settings, monkeypatch):
    store.write(small_tables(n_extra=700), meta={"dataset": "one"})
    one_tx = store.read_tables()
    monkeypatch.setattr(neo4j_switch, "ONE_TX_MAX_NODES", 0)
    monkeypatch.setattr(neo4j_switch, "BATCH_NODES", 50)
    version = store.version()
    store.write(small_tables(n_extra=700), meta={"dataset": "batched"})
    assert store.version() != version and store.read_meta()["dataset"] == "batched"
    assert _pending(store) is None
    tables = store.read_tables()
    for name in one_tx:
        assert_frame_equal(tables[name], one_tx[name])
    _clean(store)


def test_readers_wait_for_a_batched_switch_and_never_see_a_mix(store, neo4j_settings, batched, monkeypatch):
    monkeypatch.setattr(neo4j_switch, "BATCH_NODES", 100)  # many batches: readers run between them
    writer = Neo4jStore.from_settings(neo4j_settings)
    seen, queried = set(), set()
    with writing_in_background(writer, small_tables(n_extra=3000), {"dataset": "bigger"}) as t:
        while t.is_alive():
            st = store.stats()
            seen.add((st["nodes"]["Enterprise"], st["relationships"]["OPERATES_IN"], st["nodes"]["Segment"]))
            queried.add(store.query("MATCH (e:Enterprise) RETURN count(e) AS n").rows[0][0])
            tables = store.read_tables()
            assert tables["enterprises"].height == tables["enterprise_segments"].height
    assert seen <= {(5, 5, 7), (3005, 3005, 7)} and queried <= {5, 3005}, (seen, queried)
    assert store.read_meta()["dataset"] == "bigger"
    _clean(store)


def _die_after(monkeypatch, k: int) -> None:
    """The switch's k-th batch is its last: the writer 'dies' (no clean-up) right after it commits."""
    done = [0]

    def drain(store, s, token, cypher):
        while s.execute_write(lambda tx: tx.run(cypher, limit=neo4j_switch.BATCH_NODES).single()["n"]):
            done[0] += 1
            if done[0] == k:
                raise Died()

    monkeypatch.setattr(neo4j_switch, "_drain", drain)
    monkeypatch.setattr(Neo4jStore, "_abort", lambda self, batch, token: None)


@pytest.mark.parametrize("k, phase", [(1, "retire"), (12, "promote")])
def test_writer_dying_mid_switch_is_finished_forward_by_a_reader(store, neo4j_settings, batched, monkeypatch, k, phase):
    writer = Neo4jStore.from_settings(neo4j_settings)
    _die_after(monkeypatch, k)
    with pytest.raises(Died):
        writer.write(small_tables(n_extra=3000), meta={"dataset": "bigger"})
    writer.close()
    monkeypatch.undo()
    monkeypatch.setattr(neo4j_switch, "BATCH_NODES", 500)
    assert _pending(store) == phase
    # the dead writer's lease is fresh: readers wait, then say so -- never a half-switched graph
    monkeypatch.setattr(neo4j_switch, "WAIT_S", 1.0)
    for read in (store.stats, store.read_tables, store.read_meta, lambda: store.query("MATCH (n:Enterprise) RETURN count(n)")):
        with pytest.raises(StoreError, match="数据正在切换"):
            read()
    # once its lease has expired, the next reader finishes the switch forward
    monkeypatch.setattr(neo4j_store, "LEASE_TTL_S", 1)
    time.sleep(1.5)
    assert store.stats()["nodes"]["Enterprise"] == 3005
    assert store.read_meta()["dataset"] == "bigger" and _pending(store) is None
    tables = store.read_tables()
    assert tables["enterprises"].height == tables["enterprise_segments"].height == 3005
    store.write(small_tables(), meta={"dataset": "small"})  # deletes the retired generation left behind
    assert store.stats()["nodes"]["Enterprise"] == 5
    _clean(store)


def test_writer_dying_mid_switch_is_finished_forward_by_the_next_write(store, neo4j_settings, batched, monkeypatch):
    writer = Neo4jStore.from_settings(neo4j_settings)
    _die_after(monkeypatch, 3)
    with pytest.raises(Died):
        writer.write(small_tables(n_extra=3000), meta={"dataset": "bigger"})
    writer.close()
    monkeypatch.undo()
    monkeypatch.setattr(neo4j_store, "LEASE_TTL_S", 1)
    time.sleep(1.5)
    finished = []
    real_finish = neo4j_switch.finish
    monkeypatch.setattr(neo4j_switch, "finish", lambda *a: finished.append(real_finish(*a)) or finished[-1])
    store.write(small_tables(), meta={"dataset": "small"})
    assert finished[0] is True  # the dead writer's switch, before its staging nodes could be deleted
    assert store.read_meta()["dataset"] == "small" and store.stats()["nodes"]["Enterprise"] == 5
    _clean(store)


def test_a_failure_mid_switch_finishes_forward(store, neo4j_settings, batched, monkeypatch):
    """An error (not a death) after a batch: the writer's clean-up finishes the switch, not deletes it."""
    writer = Neo4jStore.from_settings(neo4j_settings)
    calls = [0]
    real = neo4j_switch._drain

    def flaky(*a):
        calls[0] += 1
        if calls[0] == 2:
            raise RuntimeError("connection reset")
        return real(*a)

    monkeypatch.setattr(neo4j_switch, "_drain", flaky)
    with pytest.raises(StoreError, match="新数据已完整写入并已生效.*connection reset"):
        writer.write(small_tables(n_extra=600), meta={"dataset": "bigger"})
    writer.close()
    assert _pending(store) is None and store.read_meta()["dataset"] == "bigger"
    assert store.stats()["nodes"]["Enterprise"] == 605
