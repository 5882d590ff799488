"""Work a store write runs in worker threads beside the engine's ``COPY``.

The engine copies one table at a time. Measured at 1M enterprises: its COPY of our Parquet parts costs
8.1-8.8 CPU-s and wants about 1.5 of two cores. Two of its threads are runnable 52-71 % of the
``Enterprise`` copy and 53-62 % of ``OPERATES_IN``. The 1.1 and 1.0 cores measured earlier were wrong, so
work beside it slows it down. Polars and the engine release the GIL: while the engine copies, the
other core can write the Parquet parts still to copy (:class:`PartWriter`) and analyse the staged
view (:class:`Worker`). This pays only where the engine leaves the other core idle.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import polars as pl

from graph.stores import viewfile
from graph.view import GraphView

#: what a write may run beside its copy: called once with the view being written
Beside = Callable[[GraphView], Any]

#: the copy a :class:`Worker` starts with: the ones before it need the most memory (``Enterprise``
#: and ``OPERATES_IN``: at 1M, +~630 MB for the snapshot beside them took the peak to 1.2 GB, measured)
BESIDE_FROM = "SUPPLIES_TO"


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
    """``fn(view)`` run in one worker thread from :meth:`start`; :meth:`join` waits and gives its future.

    The future holds ``fn``'s result or the exception it raised (re-raised, unchanged, by
    ``future.result()`` in the caller's thread). Never started: it runs in :meth:`join`.
    """

    def __init__(self, fn: Beside, view: GraphView):
        self._fn, self._view = fn, view
        self._pool: ThreadPoolExecutor | None = None
        self.future: Future | None = None

    def start(self) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="indmap-beside")
            self.future = self._pool.submit(self._fn, self._view)
            self._view = None  # type: ignore[assignment] - the thread holds it until done

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
