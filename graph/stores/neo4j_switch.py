"""The generation switch of the Neo4j store: one transaction for small graphs, batches for large ones.

Why batches: relabelling a node in a transaction costs server memory (the label, the
uniqueness and name index entries); at 1M enterprises (1.1M nodes promoted) one transaction
exceeds the transaction memory limit of a 1 GB or 3 GB heap and the refresh is refused.

* **Small** (at most :data:`ONE_TX_MAX_NODES` nodes relabelled: staged plus live): the switch is
  one transaction, as always -- readers see the old graph before the commit, the new one after.
* **Large**: (1) one transaction marks the meta node ``switching = <new generation>`` with phase
  ``retire`` and the new meta (``switch_json``); (2) live nodes become ``IndmapRetired`` in
  batches of :data:`BATCH_NODES` nodes, label by label; (3) phase ``promote``; staging nodes
  become live in batches; (4) one transaction writes the new generation and meta and removes the
  mark. Every step is idempotent and the staged generation was complete before (1), so the
  switch can always be finished *forward*: by the writer, by its clean-up after an error, by the
  next write (before it deletes leftover staging nodes), or by a reader that finds the mark with
  an expired lease (a writer killed mid-switch; :func:`recover`).

Readers never see a half-switched graph: every read of the store brackets its statements with
the generation (:meth:`Neo4jStore._generation`), which waits while the mark is set (at most
:data:`WAIT_S` seconds, then "数据正在切换……请稍后重试"); a generation that changed during a read
makes it read again.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from graph.stores.neo4j_driver import neo4j  # the driver without pandas (see there)

from graph import queries as Q
from graph.schema import NODES
from graph.stores.base import StoreError

if TYPE_CHECKING:
    from graph.stores.neo4j import Neo4jStore

# Measured on a 1 GB heap (717 MB transaction limit): a 100k-enterprise refresh (~220k nodes
# relabelled) fits one transaction; 1M (~1.2M) does not. Below this, the atomic one-transaction switch.
ONE_TX_MAX_NODES = 300_000
BATCH_NODES = 20_000  # nodes relabelled per transaction of a batched switch (a few MB of server memory)
WAIT_S = 30.0  # how long a reader waits for a batched switch to finish
POLL_S = 0.5
SWITCHING = "数据正在切换到新写入的版本（较大的图分批切换），已等待 {s:.0f} 秒仍未完成：请稍后重试。"


def lease_lost(ttl_s: int) -> StoreError:
    return StoreError(f"写入租约已被另一个写入接管（超过 {ttl_s} 秒没有进展），本次写入已撤销。")


def switch(store: "Neo4jStore", s: neo4j.Session, token: str, new: dict, staged: int) -> bool:
    """Make the staged generation live; ``new``: ``generation``, ``json``, ``written_at``. True when batched."""
    from graph.stores.neo4j import LEASE_TTL_S

    live = sum(node_counts(s, list(NODES)).values())
    if staged + live <= ONE_TX_MAX_NODES:
        s.execute_write(_one_transaction, token, new, LEASE_TTL_S)
        return False
    if not _ours(s, Q.SWITCH_BEGIN, token, phase="retire", **new):
        raise lease_lost(LEASE_TTL_S)
    finish(store, s, token)
    return True


def node_counts(s: neo4j.Session, labels: list[str]) -> dict[str, int]:
    """Nodes per label (count store), one statement for all of them."""
    return {rec["label"]: int(rec["n"]) for rec in s.run(Q.count_labels(labels), labels=labels)}


def _one_transaction(tx: neo4j.ManagedTransaction, token: str, new: dict, ttl_s: int) -> None:
    """The one transaction in which a small new graph replaces the old one (only while the lease is ours)."""
    rec = tx.run(Q.HEARTBEAT, meta_id=Q.META_ID, token=token).single()
    if not rec or rec["n"] != 1:
        raise lease_lost(ttl_s)
    tx.run(Q.switch_generations(list(NODES))).consume()
    tx.run(Q.NEO4J_WRITE_META, meta_id=Q.META_ID, **new).consume()


def pending(s: neo4j.Session) -> str | None:
    """The phase of a batched switch in progress ("retire" or "promote"), else None."""
    rec = s.run(Q.SWITCH_STATE, meta_id=Q.META_ID).single()
    return rec["phase"] if rec and rec["switching"] else None


def finish(store: "Neo4jStore", s: neo4j.Session, token: str) -> bool:
    """Finish a pending batched switch forward (the caller holds the lease as ``token``); False if none."""
    from graph.stores.neo4j import LEASE_TTL_S

    phase = pending(s)
    if phase is None:
        return False
    if phase == "retire":
        for label in NODES:
            _drain(store, s, token, Q.retire_live(label, limited=True))
        if not _ours(s, Q.SWITCH_PHASE, token, phase="promote"):
            raise lease_lost(LEASE_TTL_S)
    for label in NODES:
        _drain(store, s, token, Q.promote_staging(label, limited=True))
    if not _ours(s, Q.SWITCH_END, token):
        raise lease_lost(LEASE_TTL_S)
    return True


def _drain(store: "Neo4jStore", s: neo4j.Session, token: str, cypher: str) -> None:
    while s.execute_write(lambda tx: tx.run(cypher, limit=BATCH_NODES).single()["n"]):
        store._heartbeat(s, token)  # renews the lease; raises if another writer has taken it


def _ours(s: neo4j.Session, cypher: str, token: str, **params) -> bool:
    """Run a meta-node statement that applies only while the lease is ``token``'s; True if it did."""
    return bool(s.execute_write(lambda tx: tx.run(cypher, meta_id=Q.META_ID, token=token, **params).single()["n"]))


def recover(store: "Neo4jStore") -> bool:
    """Finish a switch whose writer died (its lease expired): take the lease if free, finish, release.

    Best effort, for readers: False when the lease is held or the server refuses (e.g. a
    read-only user); the next write finishes the switch then. Retired nodes are left for the
    next write's clean-up.
    """
    from graph.stores.neo4j import LEASE_TTL_S

    token = uuid.uuid4().hex
    try:
        with store._session(neo4j.WRITE_ACCESS) as s:
            rec = s.execute_write(
                lambda tx: tx.run(Q.ACQUIRE_LEASE, meta_id=Q.META_ID, token=token, ttl_ms=LEASE_TTL_S * 1000).single()
            )
            if not (rec and rec["free"]):
                return False
            try:
                return finish(store, s, token)
            finally:
                s.execute_write(lambda tx: tx.run(Q.RELEASE_LEASE, meta_id=Q.META_ID, token=token).consume())
    except Exception:
        return False
