"""The Neo4j store's bulk part of a write: node and relationship batches, several sessions at once.

Used by :meth:`graph.stores.neo4j.Neo4jStore.write` between the lease and the switch; the
Cypher is in :mod:`graph.queries` (``create_staging_nodes`` / ``create_staging_rels``).
Each node batch returns the new nodes' internal ids; relationship rows then carry those ids
instead of the ``id`` strings, and the server finds both ends by a record read
(``NodeByIdSeek``) instead of an index seek per end.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Iterable

import neo4j
import polars as pl
from neo4j import WRITE_ACCESS
from neo4j.exceptions import TransientError

from graph import queries as Q
from graph.schema import RELS

WRITE_RETRIES = 5


def batches(df: pl.DataFrame, size: int) -> Iterable[list[tuple]]:
    """``df`` in slices of ``size`` rows, each row a tuple in column order (the queries index by position).

    Nulls inside list values are dropped (Neo4j lists cannot hold null); a null value stays
    null, and ``CREATE`` sets no property for it.
    """
    lists = [c for c, t in df.schema.items() if isinstance(t, pl.List)]
    if lists:
        df = df.with_columns(pl.col(c).list.drop_nulls() for c in lists)
    for start in range(0, df.height, size):
        yield df.slice(start, size).rows()


class Loader:
    """Runs one table's ``UNWIND`` batches on ``sessions`` parallel sessions, one transaction each.

    While one session waits for the server, the calling thread builds the next batch (the
    driver releases the GIL on the socket) and a second session keeps the server's other core
    busy. Batches of one table never depend on each other (nodes: different ids; relationships:
    both ends already exist). A deadlock between two batches (both lock the same dense
    ``Segment``) is a transient error and the batch is retried.
    """

    def __init__(self, store: Any, token: str, sessions: int):
        self.store, self.token, self.n = store, token, max(1, sessions)
        self.local = threading.local()
        self.sessions: list[neo4j.Session] = []
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(self.n, thread_name_prefix="indmap-neo4j-write")
        self.node_ids: dict[str, pl.DataFrame] = {}  # label -> id, _nid (internal id) of the staged nodes

    def __enter__(self) -> "Loader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
        for s in self.sessions:
            s.close()

    def _session(self) -> neo4j.Session:
        s = getattr(self.local, "session", None)
        if s is None:
            s = self.local.session = self.store._session(WRITE_ACCESS)
            with self.lock:
                self.sessions.append(s)
        return s

    def nodes(self, label: str, df: pl.DataFrame, size: int) -> None:
        """Create ``label``'s staging nodes; remember their internal ids for :meth:`rels`."""
        keys: list = []
        nids: list[int] = []
        for k, i in self.table(Q.create_staging_nodes(label), batches(df, size), _run_node_ids):
            keys += k
            nids += i
        self.node_ids[label] = pl.DataFrame({"id": keys, "_nid": nids}, schema={"id": df.schema["id"], "_nid": pl.Int64})

    def rels(self, rtype: str, df: pl.DataFrame, size: int) -> int:
        """Create ``rtype``'s relationships between the staged nodes; the number created."""
        spec = RELS[rtype]
        src, dst = self.node_ids[spec.src], self.node_ids[spec.dst]
        df = df.with_columns(  # every end exists (checked before writing): replace_strict raises otherwise
            pl.col("_src").replace_strict(src["id"], src["_nid"], return_dtype=pl.Int64),
            pl.col("_dst").replace_strict(dst["id"], dst["_nid"], return_dtype=pl.Int64),
        )
        # by end node: parallel batches then mostly lock different dense ends (Segment, Region)
        return sum(self.table(Q.create_staging_rels(rtype), batches(df.sort("_dst", "_src"), size)))

    def _run(self, cypher: str, rows: list, work: Callable) -> Any:
        s = self._session()
        for attempt in range(WRITE_RETRIES):
            try:
                out = s.execute_write(work, cypher, rows)
                break
            except TransientError:
                if attempt == WRITE_RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        with self.lock:
            self.store._heartbeat(s, self.token)
        return out

    def table(self, cypher: str, batches: Iterable[list], work: Callable | None = None) -> list:
        """Run every batch; ``work(tx, cypher, rows)`` of each (default: relationships created), in no
        particular order. The first error is raised."""
        work = work or _run_created
        pending: set[Future] = set()
        out: list = []
        try:
            for rows in batches:  # no transaction at all for an empty frame
                if len(pending) >= 2 * self.n:  # at most two batches per session in memory
                    done, pending = wait(pending, return_when=FIRST_COMPLETED)
                    out += [f.result() for f in done]
                pending.add(self.pool.submit(self._run, cypher, rows, work))
            done, pending = wait(pending)
            out += [f.result() for f in done]
        finally:
            for f in pending:
                f.cancel()
            wait(pending)
        return out


def _run_created(tx: neo4j.ManagedTransaction, cypher: str, rows: list) -> int:
    return tx.run(cypher, {"rows": rows}).consume().counters.relationships_created


def _run_node_ids(tx: neo4j.ManagedTransaction, cypher: str, rows: list) -> tuple[list, list[int]]:
    rec = tx.run(cypher, {"rows": rows}).single(strict=True)
    return rec["keys"], rec["ids"]
