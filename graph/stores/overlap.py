"""Work a store write runs in worker threads beside the engine's ``COPY``.

The engine copies one table at a time. Measured at 1M enterprises: its COPY of our Parquet parts costs
8.1-8.8 CPU-s and wants about 1.5 of two cores. Two of its threads are runnable 52-71 % of the
``Enterprise`` copy and 53-62 % of ``OPERATES_IN``. The 1.1 and 1.0 cores measured earlier were wrong, so
work beside it slows it down. Polars and the engine release the GIL: while the engine copies, the
other core can write the Parquet parts still to copy (:class:`PartWriter`) and analyse the staged
view (:class:`Worker`). This pays only where the engine leaves the other core idle.
"""

from __future__ import annotations

import gc
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import polars as pl

from graph.schema import TABLES
from graph.stores import viewfile
from graph.stores.heap import trim_heap
from graph.view import GraphView

#: what a write may run beside its copy: called once with the view being written
Beside = Callable[[GraphView], Any]

#: the rest of a write's tables and its meta, given while the first tables are copied
#: (:meth:`graph.stores.embedded.EmbeddedStore.write` ``late``)
Late = Callable[[], tuple[Mapping[str, pl.DataFrame], dict]]

#: the copy a :class:`Worker` starts with: the ones before it need the most memory (``Enterprise``
#: and ``OPERATES_IN``: at 1M, +~630 MB for the snapshot beside them took the peak to 1.2 GB, measured)
BESIDE_FROM = "SUPPLIES_TO"


def view_writer(root: Path, tables: Mapping[str, pl.DataFrame], release: bool = False, complete: bool = True) -> viewfile.ViewWriter:
    """A staging writer under ``root`` holding ``tables`` (one Arrow IPC file each) and the derived indexes;
    ``release``: each table of the dict ``tables`` replaced by its staged (memory-mapped) copy.
    ``complete=False``: only the tables in ``tables`` (the rest come later: :func:`late_tables`)."""
    writer = viewfile.ViewWriter(root)
    for name in TABLES:
        if complete or name in tables:
            writer.add(name, tables.get(name))
        if release and name in tables:
            tables[name] = writer.staged()[name]  # type: ignore[index] - a dict when released
    if complete:
        writer.add_indexes()
    return writer


def late_tables(writer: viewfile.ViewWriter, tables: Mapping[str, pl.DataFrame], meta: dict, late: Late, release: bool) -> Mapping[str, pl.DataFrame]:
    """The rest of a write's tables from ``late()``, staged like the first (:func:`view_writer`); ``meta``
    updated with the one it gives.

    For a write whose last tables are still being validated: the copy starts with the node labels and
    relationship types made of the first tables alone (:func:`~graph.mapping.iter_frames_then`); once their
    parts are ahead, this runs in the :class:`PartWriter`'s thread (``late()`` may take its time: the
    engine copies meanwhile), and the frames of the rest are copied next.
    """
    rest, given = late()
    rest = dict(rest)
    gc.collect()  # what the validation left in reference cycles goes before the largest table is ordered
    trim_heap()
    for name in TABLES:
        if name not in writer.files:
            writer.add(name, rest.get(name))
            if release and name in rest:
                tables[name] = writer.staged()[name]  # type: ignore[index] - a dict when released
                del rest[name]  # the in-memory frame goes now, before the next table is ordered and written
    writer.add_indexes()
    meta.update(given)
    return writer.staged() if release else {**tables, **rest}


def staged_view(writer: viewfile.ViewWriter, meta: dict) -> GraphView:
    """The view ``writer`` has staged, every table and index memory-mapped now.

    Mapped now, so the worker keeps reading the same files after :meth:`ViewWriter.publish`
    renamed their directory (or :meth:`ViewWriter.discard` removed it).
    """
    staged = writer.staged()
    tables = {name: staged[name] for name in staged}
    indexes = {name: viewfile.read_ipc(writer.directory / info["file"]).to_series() for name, info in writer.indexes.items()}
    return GraphView(tables, dict(meta), indexes)


class Worker:
    """``fn(view())`` run in one worker thread from :meth:`start`; :meth:`join` waits and gives its future.

    The future holds ``fn``'s result or the exception it raised (re-raised, unchanged, by
    ``future.result()`` in the caller's thread). Never started: it runs in :meth:`join`.
    """

    def __init__(self, fn: Beside, view: Callable[[], GraphView]):
        self._fn, self._view = fn, view  # the view made when the worker starts (every table staged by then)
        self._pool: ThreadPoolExecutor | None = None
        self.future: Future | None = None

    def start(self) -> None:
        if self._pool is None:
            view = self._view()
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="indmap-beside")
            self.future = self._pool.submit(self._fn, view)
            del view
            self._view = None  # type: ignore[assignment] - the thread holds the view until done

    def join(self, run: bool = True) -> Future | None:
        """Wait for the thread; ``run=False`` (the write failed): a worker never started stays so (None)."""
        if run:
            self.start()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        return self.future


#: a part ready to copy: (kind, name, rows, Parquet file or None for an empty frame)
Part = tuple[str, str, int, "Path | None"]


def write_part(df: pl.DataFrame, path: Path) -> Path:
    """``df`` as a Parquet file for ``COPY ... FROM 'file'``, the engine's own streaming path.

    ``COPY ... FROM $df`` converts the whole frame to Arrow first (polars string views become
    large strings: a second copy of every text column, +360 MB on 1M enterprises, measured);
    from a file the engine reads row group by row group, and the writer drops the frame
    before the copy runs. Uncompressed: the file lives only until its table is copied.
    """
    df.write_parquet(path, compression="uncompressed", statistics=False)
    return path


class PartWriter:
    """The Parquet part of every frame, written by one worker thread ahead of the copy, handed over in order.

    The worker holds one frame at a time (dropped once its file is written); the parts not yet
    copied wait on disk. Iterating gives :data:`Part` tuples in the frames' order and re-raises,
    in the caller's thread and unchanged, whatever the worker raised (disk full, ...).
    :meth:`close` stops the worker after the part it is writing and waits for it.
    """

    def __init__(self, frames: Iterable[tuple[str, str, pl.DataFrame]], parts: Path):
        self._ready: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(iter(frames), parts), name="indmap-parts", daemon=True)
        self._thread.start()

    def _run(self, frames: Iterator[tuple[str, str, pl.DataFrame]], parts: Path) -> None:
        try:
            while not self._stop.is_set():
                item = next(frames, None)
                if item is None:
                    break
                kind, name, df = item
                del item
                rows = df.height
                path = write_part(df, parts / f"{name}.parquet") if rows else None
                del df  # one frame at a time
                self._ready.put((kind, name, rows, path))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, raised there
            self._ready.put(exc)
            return
        self._ready.put(None)

    def __iter__(self) -> Iterator[Part]:
        while (item := self._ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
