"""The embedded store: one LadybugDB file on disk, no server.

Writing is a full refresh into a new file beside the target, which is then swapped in with
:func:`os.replace` (atomic on POSIX). A reader that had the old file open keeps reading it until
it reopens; a writer killed half-way leaves only a stray temporary file (removed by the next
write) and the previous store intact. Readers open the file read-only, so several processes can
read at once, and reopen when :meth:`EmbeddedStore.version` changes.

Bulk loading is ``COPY`` per node label / relationship type from a Parquet file written
from the frame just before (the engine streams it; see :func:`~graph.stores.overlap.write_part`); ``MERGE`` per
row is two orders of magnitude slower and never used.
"""

from __future__ import annotations

import datetime as dt
import errno
import gc
import json
import os
import shutil
import threading
import time
import uuid
from pathlib import Path
from collections.abc import Mapping
from functools import partial
from typing import Any, Callable, Iterator

import ladybug as lb
import polars as pl

from graph import queries as Q
from graph.guard import console_query
from graph.mapping import iter_frames, iter_frames_then, tables_from_graph
from graph.schema import NODES, RELS, TABLES
from graph.settings import Settings
from graph.stores.base import LoadReport, ProgressFn, QueryResult, Steps, StoreError, WriteAborted, WriteFailed, query_failed, take_rows
from graph.stores.heap import trim_heap
from graph.stores import overlap, viewfile
from graph.stores.overlap import Beside, Late
from graph.stores.lock import file_lock
from graph.view import GraphView

TMP_MARK = ".tmp-"
READ_RETRIES = 5


class EmbeddedStore:
    """A LadybugDB file implementing the :class:`~graph.stores.base.Store` protocol."""

    persists_view = True  # every write also writes the analysis view beside the file (graph.stores.viewfile)

    def __init__(self, path: str | os.PathLike, settings: Settings | None = None, read_only: bool = True):
        self.location = str(Path(path))
        self.settings = settings or Settings(store=self.location)
        self.read_only = read_only
        self._db: lb.Database | None = None
        self._conn: lb.Connection | None = None
        self._opened: str | None = None
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"EmbeddedStore({self.location!r})"

    # ------------------------------------------------------------- lifecycle

    @property
    def path(self) -> Path:
        return Path(self.location)

    def exists(self) -> bool:
        return self.path.is_file()

    def version(self) -> str:
        return _version_of(self.path)

    def _buffer_pool(self) -> int:
        return int(self.settings.buffer_pool_mb) * 1024 * 1024

    def _connection(self) -> lb.Connection:
        """A read-only connection to the current file, reopened when the file changed."""
        current = self.version()
        if not current:
            from graph.hints import DEMO, ingest_command

            example = ingest_command(self.location) if DEMO.is_dir() else ingest_command(self.location, "数据集文件夹")
            raise StoreError(f"数据库不存在：{self.location}。请先导入数据，例如：\n  {example}\n（或用 --store / INDMAP_STORE 指定已有的数据库）。")
        if self._conn is None or current != self._opened:
            self.close()
            try:
                self._db = lb.Database(self.location, read_only=True, buffer_pool_size=self._buffer_pool())
                self._conn = lb.Connection(self._db)
            except RuntimeError as exc:
                raise StoreError(f"无法打开数据库 {self.location}：{exc}") from exc
            self._opened = current
        return self._conn

    def open(self) -> None:
        """Open the current file now (errors now rather than at the first read)."""
        with self._lock:
            self._connection()

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            if self._db is not None:
                self._db.close()
            self._conn = self._db = None
            self._opened = None

    # ----------------------------------------------------------------- write

    def _cleanup_stale(self) -> None:
        """Remove temporary files left by writers that died (kill -9)."""
        prefix = f".{self.path.name}{TMP_MARK}"
        for f in self.path.parent.glob(prefix + "*"):
            try:
                pid = int(f.name[len(prefix) :].split("-", 1)[0])
            except ValueError:
                continue
            if not viewfile.pid_alive(pid):
                shutil.rmtree(f, ignore_errors=True) if f.is_dir() else f.unlink(missing_ok=True)

    def write(self, tables: Mapping[str, pl.DataFrame], meta: dict | None = None, progress: ProgressFn | None = None, *, release: bool = False, beside: Beside | None = None, late: Late | None = None) -> LoadReport:
        """Write ``tables`` as a new graph file and swap it in atomically (one writer at a time).

        The analysis view of the new generation is written beside it first, table by table
        (:mod:`graph.stores.viewfile`), and published only with the new file; the graph is
        copied in one node label / relationship type frame at a time, each by way of a
        Parquet file the engine streams (:func:`~graph.stores.overlap.write_part`).

        ``release=True`` (``tables`` must be a dict the caller lets go of): each table in it is
        replaced by its memory-mapped copy in the view as soon as it is written there, so the
        in-memory frames can be freed before the copy and the writer holds one frame at a time.
        Afterwards, also after a failure, ``tables`` still holds every table (same rows; mapped
        files stay readable after the view is published or discarded).

        ``beside(view)`` runs on the staged view in a worker thread during the copy (:mod:`~graph.stores.overlap`),
        joined before this returns or raises; its outcome (a done future) is ``report.beside``.

        ``late``: ``tables`` holds some tables, copied first; ``late()`` gives the rest and the meta
        (:func:`~graph.stores.overlap.late_tables`); a :class:`~graph.stores.base.WriteAborted` it raises
        is raised here unchanged, nothing swapped in, the staged file and view removed.

        Raises :class:`~graph.stores.base.StoreBusy` when another writer holds the store for longer than
        ``write_lock_wait_s``, and :class:`~graph.stores.base.WriteFailed` when writing the new file fails
        (disk full, ...): then nothing was swapped in and the previous store is intact.
        """
        t0 = time.perf_counter()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(self.path, self.settings.write_lock_wait_s, progress):
            self._cleanup_stale()
            tmp = self.path.with_name(f".{self.path.name}{TMP_MARK}{os.getpid()}-{uuid.uuid4().hex[:8]}")
            generation = uuid.uuid4().hex
            meta = dict(meta or {}, generation=generation)
            writer: viewfile.ViewWriter | None = None
            worker: overlap.Worker | None = None
            failure: str | WriteAborted | None = None
            try:
                writer = overlap.view_writer(viewfile.view_root(self.path), tables, release, complete=late is None)
                if release:
                    gc.collect()  # frames handed over may sit in reference cycles of the validation: free them now
                worker = overlap.Worker(beside, partial(overlap.staged_view, writer, meta)) if beside else None
                # released: the frames come from the staged view, one mapping at a time (unmapped after its copy)
                frames = writer.staged() if release else tables
                more = partial(overlap.late_tables, writer, tables, meta, late, release) if late is not None else None
                report = self._write_file(tmp, frames, meta, progress, worker, **({"more": more} if more else {}))
                with open(tmp, "rb") as fh:
                    os.fsync(fh.fileno())
                writer.publish(generation, _version_of(tmp), meta)
                done = worker.join() if worker is not None else None
            except WriteAborted as exc:  # the caller's: raised again as it is
                failure = exc
            except Exception as exc:  # noqa: BLE001 - every failure is reported the same honest way
                failure = _write_failure(exc, self.location)
            finally:
                if worker is not None:  # no thread outlives the write
                    worker.join(run=False)
            if failure is not None:
                gc.collect()  # the engine's handle dies with the traceback and leaves its files: remove them after
                _remove_tmp(tmp)
                if writer is not None:
                    writer.discard()
                raise failure if isinstance(failure, WriteAborted) else WriteFailed(failure)
            self._swap(tmp)
            viewfile.prune(viewfile.view_root(self.path), keep={generation})
        report.seconds, report.beside = time.perf_counter() - t0, done
        return report

    def _swap(self, tmp: Path) -> None:  # atomic; the directory fsynced
        with self._lock:
            os.replace(tmp, self.path)
            Path(self.location + ".wal").unlink(missing_ok=True)
            dfd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)

    def _write_file(self, tmp: Path, tables: Mapping[str, pl.DataFrame], meta: dict, progress: ProgressFn | None, worker: overlap.Worker | None = None, more: Callable[[], Mapping[str, pl.DataFrame]] | None = None) -> LoadReport:
        """The new graph in ``tmp`` (closed, checkpointed), one frame at a time; raises on any failure.
        ``worker`` starts with the copy of :data:`~graph.stores.overlap.BESIDE_FROM`; ``more``: the rest of
        the tables (:func:`~graph.mapping.iter_frames_then`)."""
        tick = Steps(len(NODES) + len(RELS) + 2, progress)  # schema, tables, meta
        report = LoadReport()
        db = lb.Database(str(tmp), buffer_pool_size=self._buffer_pool())
        conn = lb.Connection(db)
        try:
            for ddl in Q.ladybug_ddl():
                conn.execute(ddl)
            tick("schema")
            parts = _parts_dir(tmp)
            parts.mkdir()
            frames = iter_frames(tables) if more is None else iter_frames_then(tables, more)
            ahead = overlap.PartWriter(frames, parts)  # the engine reads files: no frame held while it copies
            try:
                for kind, name, rows, part in ahead:
                    if name == overlap.BESIDE_FROM and worker is not None:
                        worker.start()
                    (report.nodes if kind == "node" else report.relationships)[name] = rows
                    if part is not None:
                        conn.execute(Q.copy_from_file(name, str(part)))
                        part.unlink()
                        trim_heap()
                    tick(name)
            finally:
                ahead.close()
            parts.rmdir()
            meta = dict(meta)
            meta.setdefault("written_at", dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
            meta["counts"] = {"nodes": report.nodes, "relationships": report.relationships}
            conn.execute(Q.LADYBUG_WRITE_META, {"meta_id": Q.META_ID, "json": json.dumps(meta, ensure_ascii=False, default=str)})
            tick("meta")
        finally:
            conn.close()
            db.close()  # checkpoints: everything is in the main file now (or this raises)
            trim_heap()
        return report

    # ------------------------------------------------------------------ read

    def _plain_rows(self, rows: list[list[Any]]) -> list[list[Any]]:
        """Convert result rows; relationship ends resolve to node ``id`` values.

        Ends whose nodes are not in the result are looked up by their internal
        id (table and offset), one query per node table.
        """
        nodes: dict[str, Any] = {}
        ends: set[str] = set()
        _walk(rows, nodes, ends)
        missing = ends - nodes.keys()
        if missing:
            with self._lock:
                conn = self._connection()
                tables = {str(t): name for t, name, kind in conn.execute(Q.SHOW_TABLES).get_all() if kind == "NODE"}
                by_table: dict[str, list[int]] = {}
                for m in missing:
                    table, offset = m.split(":")
                    by_table.setdefault(table, []).append(int(offset))
                for table, offsets in by_table.items():
                    label = tables.get(table)
                    if label not in NODES:
                        continue
                    for off, node_id in conn.execute(Q.ids_by_offset(label), {"offsets": offsets}).get_all():
                        nodes[f"{table}:{off}"] = node_id
        return [[plain_value(v, nodes) for v in r] for r in rows]

    def read_tables(self) -> dict[str, pl.DataFrame]:
        """All tables from one generation of the file.

        One open database is pinned for the whole read (a file swapped in
        meanwhile is not looked at: the open handle keeps reading the old
        one); afterwards the version is checked, and the read is repeated if
        a writer swapped the file while it ran, so the caller gets the newest
        complete generation, never a mix.
        """
        for _ in range(READ_RETRIES):
            with self._lock:
                conn = self._connection()
                pinned = self._opened
                try:
                    nodes, rels = _read_graph(conn)
                except RuntimeError as exc:
                    if "Cannot find property" not in str(exc):
                        raise
                    # a file written before a property joined the schema: read what it has (the rest is empty)
                    nodes, rels = _read_graph(conn, tolerant=True)
            if self.version() == pinned:
                break
        return tables_from_graph(nodes, rels)

    def read_view(self) -> GraphView:
        """The analysis view of the current generation, from its persisted view when there is one.

        The view is used only when its generation and store version match the file opened
        (:func:`graph.stores.viewfile.load`); otherwise the tables are read from the file and,
        when no writer is busy, the view is persisted for the next reader.
        """
        view = GraphView()
        for _ in range(READ_RETRIES):
            with self._lock:
                conn = self._connection()
                pinned = str(self._opened)
                meta = _meta_of(conn)
            generation = str(meta.get("generation") or f"v-{pinned}")
            root = viewfile.view_root(self.path)
            loaded = viewfile.load(root, generation, pinned)
            if loaded is not None:
                view = GraphView(loaded[0], meta, loaded[1])
            else:
                view = GraphView(self.read_tables(), meta)
                if self.version() == pinned:
                    self._persist_view(view, generation, pinned)
            if self.version() == pinned:
                break
        return view

    def _persist_view(self, view: GraphView, generation: str, pinned: str) -> None:
        """Write the missing view of the current generation (best effort; skipped while a writer works)."""
        try:
            with file_lock(self.path, 0):
                if self.version() != pinned:
                    return
                writer = viewfile.ViewWriter(viewfile.view_root(self.path))
                try:
                    for name in TABLES:
                        writer.add(name, view.tables[name])
                    writer.add_indexes()
                    writer.publish(generation, pinned, view.meta)
                except BaseException:
                    writer.discard()
                    raise
                viewfile.prune(viewfile.view_root(self.path), keep={generation})
        except Exception:  # noqa: BLE001 - busy, read-only or full disk: the view is a cache, the read already succeeded
            return

    def read_meta(self) -> dict:
        with self._lock:
            return _meta_of(self._connection())

    def stats(self) -> dict[str, dict[str, int]]:
        with self._lock:
            conn = self._connection()
            nodes = {label: int(conn.execute(Q.count_nodes(label)).get_next()[0]) for label in NODES}
            rels = {rtype: int(conn.execute(Q.count_rels(rtype)).get_next()[0]) for rtype in RELS}
        return {"nodes": nodes, "relationships": rels}

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, timeout_s: float | None = None, row_cap: int | None = None) -> QueryResult:
        """Run one read-only console query (refused before it runs if it is not)."""
        text, timeout_s, row_cap = console_query(self.settings, cypher, timeout_s, row_cap)
        t0 = time.perf_counter()
        with self._lock:
            conn = self._connection()
            conn.set_query_timeout(max(1, int(timeout_s * 1000)))
            try:
                res = conn.execute(text, params or {})
            except RuntimeError as exc:
                msg = str(exc)
                if "Interrupted" in msg:
                    raise StoreError(f"查询超时（超过 {timeout_s:g} 秒）已中止：请缩小范围或加 LIMIT。") from exc
                raise query_failed(msg) from exc
            finally:
                conn.set_query_timeout(0)
            if isinstance(res, list):  # several statements: the guard refuses these
                raise StoreError("一次只运行一条查询。")
            columns = list(res.get_column_names())
            rows, truncated = take_rows(_results(res), row_cap)
        return QueryResult(
            columns=columns,
            rows=self._plain_rows(rows),
            truncated=truncated,
            elapsed_ms=(time.perf_counter() - t0) * 1000,
            row_cap=row_cap,
        )


def _meta_of(conn: lb.Connection) -> dict:
    res = conn.execute(Q.LADYBUG_READ_META)
    row = res.get_next() if res.has_next() else None
    return json.loads(row[0]) if row else {}


def _version_of(path: Path) -> str:
    """inode, mtime and size of the store file ("" when absent): changes with every swap."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return ""
    return f"{st.st_ino}-{st.st_mtime_ns}-{st.st_size}"


def _arrow_frame(conn: lb.Connection, cypher: str) -> pl.DataFrame:
    return pl.from_arrow(conn.execute(cypher).get_as_arrow())  # type: ignore[return-value]


def _read_graph(conn: lb.Connection, tolerant: bool = False) -> tuple[dict[str, pl.DataFrame], dict[str, pl.DataFrame]]:
    """Node and relationship frames of the file; ``tolerant``: only the properties its tables have."""

    def binds(stmt: str) -> bool:
        try:
            conn.execute(stmt)
        except RuntimeError:
            return False
        return True

    def have(props: list, probes: list[str]) -> set[str] | None:
        return {p.name for p, probe in zip(props, probes) if binds(probe)} if tolerant else None

    nodes = {label: _arrow_frame(conn, Q.read_nodes(label, have(NODES[label].props, Q.node_property_probes(label)))) for label in NODES}
    rels = {
        rtype: _arrow_frame(conn, Q.read_rels(rtype, have(RELS[rtype].props, Q.rel_property_probes(rtype))))
        for rtype in ("SUPPLIES", "OPERATES_IN", "SUPPLIES_TO")
    }
    return nodes, rels


def _remove_tmp(tmp: Path) -> None:
    """The new file of a failed write and the engine's files beside it (.wal, .shadow, lock files, the Parquet parts)."""
    for f in tmp.parent.glob(tmp.name + "*"):
        if f.is_dir():
            shutil.rmtree(f, ignore_errors=True)
        else:
            f.unlink(missing_ok=True)


def _parts_dir(tmp: Path) -> Path:
    """Where a write keeps the Parquet file of the table it is copying (beside ``tmp``, removed with it)."""
    return tmp.with_name(tmp.name + ".parts")


def _write_failure(exc: BaseException, location: str) -> str:
    """An honest Chinese message for a failed write (the engine may say "committed successfully" on disk-full)."""
    text = str(exc)
    full = isinstance(exc, OSError) and exc.errno == errno.ENOSPC
    full = full or any(k in text for k in ("No space left", "IO exception", "Cannot write", "Cannot read from file"))
    if full:
        return f"磁盘空间不足或文件写入失败，导入未完成：未写入任何数据，原数据库 {location} 保持不变。请清理磁盘空间后重新导入。"
    detail = text.splitlines()[0][:200] if text else type(exc).__name__
    out = f"写入新数据库文件时出错（{type(exc).__name__}：{detail}），导入未完成：未写入任何数据，原数据库 {location} 保持不变。"
    if "buffer pool is full" in text.lower():  # measured: 10M enterprises need about 6 GB (docs/benchmarks.md)
        out += "改法：调大数据库缓冲池 buffer_pool_mb（环境变量 INDMAP_BUFFER_POOL_MB，默认 1024；1,000 万家企业约需 6144）后重新导入。"
    return out


def _internal_id(v: dict) -> str:
    return f"{v.get('table')}:{v.get('offset')}"


def _walk(v: Any, nodes: dict[str, Any], ends: set[str]) -> None:
    """Collect node internal ids -> ``id`` and relationship end internal ids."""
    if isinstance(v, dict):
        if "_SRC" in v and "_DST" in v:
            ends.update((_internal_id(v["_SRC"]), _internal_id(v["_DST"])))
        elif "_LABEL" in v and "_ID" in v:
            nodes[_internal_id(v["_ID"])] = v.get("id")
        for x in v.values():
            _walk(x, nodes, ends)
    elif isinstance(v, list):
        for x in v:
            _walk(x, nodes, ends)


def plain_value(v: Any, ids: dict[str, Any] | None = None) -> Any:
    """Nodes, relationships and paths as plain dicts the console and tests can compare.

    Node: ``{"_label": L, props}``; relationship: ``{"_type": T, "_src": id,
    "_dst": id, props}`` with the ends as node ``id`` values; path:
    ``{"_nodes": [...], "_rels": [...]}``. Properties are exactly the schema's
    for that label or type (null when unset): the same shapes as the Neo4j store.
    """
    ids = ids or {}
    if isinstance(v, dict):
        if "_NODES" in v and "_RELS" in v:
            return {"_nodes": [plain_value(n, ids) for n in v["_NODES"]], "_rels": [plain_value(r, ids) for r in v["_RELS"]]}
        if "_SRC" in v and "_DST" in v:
            rtype = v.get("_LABEL")
            out: dict[str, Any] = {"_type": rtype}
            out["_src"] = ids.get(_internal_id(v["_SRC"]), _internal_id(v["_SRC"]))
            out["_dst"] = ids.get(_internal_id(v["_DST"]), _internal_id(v["_DST"]))
            names = [p.name for p in RELS[rtype].props] if rtype in RELS else [k for k in v if not k.startswith("_")]
            out.update({k: plain_value(v.get(k), ids) for k in names})
            return out
        if "_LABEL" in v and "_ID" in v:
            label = v["_LABEL"]
            out = {"_label": label}
            names = [p.name for p in NODES[label].props] if label in NODES else [k for k in v if not k.startswith("_")]
            out.update({k: plain_value(v.get(k), ids) for k in names})
            return out
        return {k: plain_value(x, ids) for k, x in v.items()}
    if isinstance(v, list):
        return [plain_value(x, ids) for x in v]
    return v


def _results(res: Any) -> Iterator[list[Any]]:
    """The rows of a LadybugDB query result, one at a time."""
    while res.has_next():
        yield res.get_next()
