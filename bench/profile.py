"""Where an ingest spends its time and memory: ``python -m bench.profile DATASET [--store F]``.

Runs the steps of ``indmap ingest`` one after another in this process (read and validate, the
graph frames, the write into a new store file, the persisted analysis view, the snapshot) and
prints per step its wall time, the process's resident memory (RSS, sampled every 10 ms: it
counts the native memory of polars and LadybugDB that tracemalloc misses) at the step's end and
its peak during the step, and the polars ``estimated_size`` of what the step holds afterwards.
``--tracemalloc`` adds the Python-heap peak per step (slower). ``--json F`` writes the rows.
"""

from __future__ import annotations

import cli  # noqa: F401,I001 - first: the indmap CLI's allocator setting must precede polars

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import polars as pl

from graph.view import GraphView

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * PAGE / 2**20


class Sampler:
    """Peak RSS between two marks, sampled by a background thread."""

    def __init__(self, every_s: float = 0.01):
        self.every_s, self.peak, self._stop = every_s, rss_mb(), threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every_s):
            self.peak = max(self.peak, rss_mb())

    def __enter__(self) -> "Sampler":
        self._t.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._t.join()

    def mark(self) -> float:
        """The peak since the last mark (and reset)."""
        p, self.peak = max(self.peak, rss_mb()), rss_mb()
        return p


def frames_mb(obj: Any) -> float:
    """polars estimated_size of every DataFrame in ``obj`` (dicts, lists, tuples walked)."""
    if isinstance(obj, pl.DataFrame):
        return obj.estimated_size("mb")
    if isinstance(obj, dict):
        return sum(frames_mb(v) for v in obj.values())
    if isinstance(obj, (list, tuple)):
        return sum(frames_mb(v) for v in obj)
    if isinstance(obj, GraphView):
        return frames_mb(obj.tables)
    for attr in ("tables", "df"):
        if hasattr(obj, attr):
            return frames_mb(getattr(obj, attr))
    return 0.0


def profile(dataset: str, store: str, trace: bool) -> list[dict]:
    """The steps of an ingest into ``store``, measured one by one."""
    from graph.settings import load_settings

    settings = load_settings(store=store)
    rows: list[dict] = []
    held: dict[str, Any] = {}

    def step(name: str, fn: Callable[[], Any], keep: str | None = None) -> Any:
        if trace:
            tracemalloc.start()
        sampler.mark()
        t0 = time.perf_counter()
        out = fn()
        secs = time.perf_counter() - t0
        peak = sampler.mark()
        py_peak = tracemalloc.get_traced_memory()[1] / 2**20 if trace else None
        if trace:
            tracemalloc.stop()
        if keep:
            held[keep] = out
        rows.append({"step": name, "seconds": round(secs, 3), "rss_end_mb": round(rss_mb()), "rss_peak_mb": round(peak),
                     "frames_held_mb": round(frames_mb(held), 1), "python_peak_mb": None if py_peak is None else round(py_peak, 1)})
        print(_line(rows[-1]), file=sys.stderr, flush=True)
        return out

    with Sampler() as sampler:
        rows.append({"step": "start (imports)", "seconds": 0.0, "rss_end_mb": round(rss_mb()), "rss_peak_mb": round(rss_mb()), "frames_held_mb": 0.0, "python_peak_mb": None})
        from graph.stores import open_store
        from ingest import load_dataset

        from ingest.pipeline import finish_tables

        st = open_store(settings, read_only=False)
        res = step("read + validate (every table)", lambda: load_dataset(dataset, settings))
        if not res.ok:
            raise SystemExit(f"{dataset}: {len(res.errors)} errors")
        tables, _ = step("auto-linking and link reviews", lambda: finish_tables(res, settings))
        res.tables = None
        step("store write (view + COPY per table, swap)", lambda: st.write(tables, meta={"dataset": dataset}))
        del tables
        view = step("read the view back (memory-mapped)", st.read_view, keep="view")
        from graph.workspace import record_ingest_snapshot

        step("snapshot (gaps, chains, parks; workspace)", lambda: record_ingest_snapshot(settings, view, dataset=dataset))
        st.close()
    return rows


def _line(r: dict) -> str:
    py = "" if r["python_peak_mb"] is None else f"  python heap peak {r['python_peak_mb']:>7,.1f} MB"
    return (f"{r['step']:<44} {r['seconds']:>7.2f} s  RSS end {r['rss_end_mb']:>6,} MB  peak {r['rss_peak_mb']:>6,} MB"
            f"  frames held {r['frames_held_mb']:>7,.1f} MB{py}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dataset")
    ap.add_argument("--store", help="store file to write (default: a temporary one)")
    ap.add_argument("--tracemalloc", action="store_true", help="Python-heap peak per step as well (slower)")
    ap.add_argument("--json", help="write the rows to this file")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or str(Path(tmp) / "profile.lbug")
        os.environ.setdefault("INDMAP_WORKSPACE", str(Path(tmp) / "profile.workspace.sqlite"))
        rows = profile(args.dataset, store, args.tracemalloc)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
