"""The Neo4j store's bulk part of a write: node and relationship batches, several sessions at once.

Used by :meth:`graph.stores.neo4j.Neo4jStore.write` between the lease and the switch; the
Cypher is in :mod:`graph.queries` (``create_staging_nodes`` / ``create_staging_rels``).
Each batch travels by column (:func:`batches`). Each node batch returns the new nodes' internal
ids; relationship rows then carry those ids instead of the ``id`` strings, and the server finds
both ends by a record read (``NodeByIdSeek``) instead of an index seek per end.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any, Callable, Iterable

from graph.stores.neo4j_driver import neo4j  # first: the driver without pandas (see there)
import polars as pl
from neo4j import WRITE_ACCESS
from neo4j.exceptions import TransientError

from graph import queries as Q
from graph.schema import RELS

WRITE_RETRIES = 5


def batches(df: pl.DataFrame, size: int) -> Iterable[dict[str, Any]]:
    """``df`` in slices of ``size`` rows, each the parameters of one batch (:func:`graph.queries.create_staging_nodes`):
    ``c0``, ``c1`` ... one list per column in column order, ``n`` rows, ``start`` the first row's position.

    Nulls inside list values are dropped (Neo4j lists cannot hold null); a null value stays
    null, and ``CREATE`` sets no property for it. Dates go as ISO text (``date()`` on the server).
    """
    lists = [c for c, t in df.schema.items() if isinstance(t, pl.List)]
    if lists:
        df = df.with_columns(pl.col(c).list.drop_nulls() for c in lists)
    dates = [c for c, t in df.schema.items() if t == pl.Date]
    if dates:
        df = df.with_columns(pl.col(c).dt.strftime("%Y-%m-%d") for c in dates)
    for start in range(0, df.height, size):
        part = df.slice(start, size)
        params: dict[str, Any] = {f"c{i}": col.to_list() for i, col in enumerate(part.iter_columns())}
        params.update(n=part.height, start=start)
        yield params


class Loader:
    """Runs the tables' ``UNWIND`` batches on ``sessions`` parallel sessions, one transaction each.

    While one session waits for the server, the calling thread builds the next batch (the
    driver releases the GIL on the socket) and a second session keeps the server's other core
    busy. Node batches never depend on each other (different ids, any label), nor do
    relationship batches (both ends already exist). A deadlock between two batches (both lock
    the same dense ``Segment``) is a transient error and the batch is retried.
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

    def nodes(self, frames: dict[str, pl.DataFrame], size: int, done: Callable[[str], None] | None = None) -> None:
        """Create every label's staging nodes; remember their internal ids for :meth:`rels`.

        All labels go through the sessions as one stream, smallest first: the one-batch tables
        (industries, chains, regions ...) no longer wait for each other's round trip, plan and
        commit, and they run while the big ones start.
        """
        jobs = [(label, Q.create_staging_nodes(label), batches(df, size)) for label, df in _small_first(frames)]
        for label, parts in self.tables(jobs, _run_node_ids, done).items():
            rows = pl.Series([r for part in parts for r in part[0]], dtype=pl.Int64)
            nids = pl.Series("_nid", [i for part in parts for i in part[1]], dtype=pl.Int64)
            self.node_ids[label] = pl.DataFrame([frames[label].get_column("id").gather(rows), nids])

    def rels(self, frames: dict[str, pl.DataFrame], size: int, done: Callable[[str], None] | None = None) -> dict[str, int]:
        """Create every type's relationships between the staged nodes (one stream, as :meth:`nodes`); created per type.

        Relationships of different types may lock the same end node (a ``Segment`` of both
        ``OPERATES_IN`` and ``FILLS``): a deadlock is a transient error and the batch is retried.
        """
        def rows_of(rtype: str, df: pl.DataFrame) -> Iterable[dict[str, Any]]:  # converted when its turn comes, not all up front
            yield from batches(self._by_internal_id(rtype, df), size)

        jobs = [(rtype, Q.create_staging_rels(rtype), rows_of(rtype, df)) for rtype, df in _small_first(frames)]
        return {rtype: sum(parts) for rtype, parts in self.tables(jobs, _run_created, done).items()}

    def _by_internal_id(self, rtype: str, df: pl.DataFrame) -> pl.DataFrame:
        spec = RELS[rtype]
        src, dst = self.node_ids[spec.src], self.node_ids[spec.dst]
        df = df.with_columns(  # every end exists (checked before writing): replace_strict raises otherwise
            pl.col("_src").replace_strict(src["id"], src["_nid"], return_dtype=pl.Int64),
            pl.col("_dst").replace_strict(dst["id"], dst["_nid"], return_dtype=pl.Int64),
        )
        # by end node: parallel batches then mostly lock different dense ends (Segment, Region)
        return df.sort("_dst", "_src")

    def _run(self, cypher: str, params: dict[str, Any], work: Callable) -> Any:
        s = self._session()
        for attempt in range(WRITE_RETRIES):
            try:
                out = s.execute_write(work, cypher, params)
                break
            except TransientError:
                if attempt == WRITE_RETRIES - 1:
                    raise
                time.sleep(0.05 * (attempt + 1))
        with self.lock:
            self.store._heartbeat(s, self.token)
        return out

    def tables(self, jobs: list[tuple[str, str, Iterable[dict[str, Any]]]], work: Callable, done: Callable[[str], None] | None = None) -> dict[str, list]:
        """Run every batch of every ``(key, cypher, batches)`` job, at most two per session in flight.

        Returns ``work(tx, cypher, params)`` of each batch by key (a key with no batch: an empty
        list); ``done(key)`` once all of a key's batches have committed. The first error is
        raised and the batches not yet started are cancelled.
        """
        out: dict[str, list] = {key: [] for key, _, _ in jobs}
        left: dict[str, int] = dict.fromkeys(out, 0)
        submitted: set[str] = set()
        pending: dict[Future, str] = {}

        def collect(futures: set[Future]) -> None:
            for f in futures:
                key = pending.pop(f)
                out[key].append(f.result())
                left[key] -= 1
                if key in submitted and not left[key] and done:
                    done(key)

        try:
            for key, cypher, rows_of in jobs:
                for params in rows_of:  # no transaction at all for an empty frame
                    if len(pending) >= 2 * self.n:  # at most two batches per session in memory
                        collect(wait(pending, return_when=FIRST_COMPLETED).done)
                    pending[self.pool.submit(self._run, cypher, params, work)] = key
                    left[key] += 1
                submitted.add(key)
                if not left[key] and done:
                    done(key)
            while pending:
                collect(wait(pending, return_when=FIRST_COMPLETED).done)
        finally:
            for f in pending:
                f.cancel()
            wait(pending)
        return out


def _small_first(frames: dict[str, pl.DataFrame]) -> list[tuple[str, pl.DataFrame]]:
    return sorted(frames.items(), key=lambda kv: kv[1].height)


def _run_created(tx: neo4j.ManagedTransaction, cypher: str, params: dict[str, Any]) -> int:
    return tx.run(cypher, params).consume().counters.relationships_created


def _run_node_ids(tx: neo4j.ManagedTransaction, cypher: str, params: dict[str, Any]) -> tuple[list[int], list[int]]:
    rec = tx.run(cypher, params).single(strict=True)
    return rec["rows"], rec["ids"]
