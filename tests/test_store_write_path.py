"""The embedded store's write path: COPY from a Parquet file per table, the frames handed over
(``release=True``), the C heap trimmed — and the same store as the old ``COPY ... FROM $df`` path."""

from __future__ import annotations

import os

import ladybug as lb
import polars as pl
import pytest

from graph import queries as Q
from graph.mapping import iter_frames
from graph.schema import TABLES
from graph.stores import WriteFailed
from graph.stores import embedded as E
from graph.stores.embedded import EmbeddedStore
from graph.stores.heap import trim_heap
from graph.view import conform
from graph.mapping import canonical_order


def _old_write_file(self, tmp, tables, meta, progress, worker=None):
    """The previous path, kept here as the reference: every frame copied from memory (``COPY ... FROM $df``)."""
    import json

    report = E.LoadReport()
    db = lb.Database(str(tmp), buffer_pool_size=self._buffer_pool())
    conn = lb.Connection(db)
    try:
        for ddl in Q.ladybug_ddl():
            conn.execute(ddl)
        for kind, name, df in iter_frames(tables):
            if df.height:
                conn.execute(Q.copy_node(name) if kind == "node" else Q.copy_rel(name), {"df": df})
            (report.nodes if kind == "node" else report.relationships)[name] = df.height
        meta = dict(meta, counts={"nodes": report.nodes, "relationships": report.relationships})
        conn.execute(Q.LADYBUG_WRITE_META, {"meta_id": Q.META_ID, "json": json.dumps(meta, ensure_ascii=False, default=str)})
    finally:
        conn.close()
        db.close()
    return report


def _canonical(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {n: canonical_order(n, conform(n, tables.get(n))) for n in TABLES}


def _same_tables(a: dict[str, pl.DataFrame], b: dict[str, pl.DataFrame]) -> None:
    for name in TABLES:
        assert a[name].equals(b[name]), name


def _generated_10k(tmp_path_factory):
    from bench.generate import generate, write_dataset
    from ingest import load_dataset

    folder = write_dataset(generate(10_000, seed=1), tmp_path_factory.mktemp("gen10k") / "gen")
    res = load_dataset(folder)
    assert res.ok
    return res.tables


@pytest.fixture(scope="module")
def gen_tables(tmp_path_factory):
    return _generated_10k(tmp_path_factory)


@pytest.mark.parametrize("which", ["demo", "10k"])
def test_new_path_writes_the_same_store_as_the_old(which, demo_tables, gen_tables, tmp_path, monkeypatch):
    tables = demo_tables if which == "demo" else gen_tables
    new = EmbeddedStore(tmp_path / "new.lbug", read_only=False)
    new.write(dict(tables), meta={"dataset": which}, release=True)
    with monkeypatch.context() as m:
        m.setattr(EmbeddedStore, "_write_file", _old_write_file)
        old = EmbeddedStore(tmp_path / "old.lbug", read_only=False)
        old.write(tables, meta={"dataset": which})
    try:
        assert new.stats() == old.stats()
        assert sum(new.stats()["nodes"].values()) > 1000
        _same_tables(new.read_tables(), old.read_tables())
        _same_tables(_canonical(new.read_view().tables), _canonical(old.read_view().tables))
        _same_tables(_canonical(new.read_view().tables), _canonical(tables))
    finally:
        new.close()
        old.close()


def test_release_hands_back_every_table_mapped_from_the_view(demo_tables, tmp_path):
    tables = dict(demo_tables)
    store = EmbeddedStore(tmp_path / "s.lbug", read_only=False)
    store.write(tables, release=True)
    assert set(tables) == set(demo_tables)
    _same_tables(_canonical(tables), _canonical(demo_tables))
    assert not list(tmp_path.glob("*.parts")) and not list(tmp_path.glob(".s.lbug.tmp-*"))
    store.close()


def test_a_failed_copy_keeps_the_store_the_view_and_the_tables(demo_tables, tmp_path, monkeypatch):
    store = EmbeddedStore(tmp_path / "s.lbug", read_only=False)
    store.write(dict(demo_tables), meta={"run": 1})
    before, view_before = store.stats(), _canonical(store.read_view().tables)
    store.close()

    real = Q.copy_from_file
    monkeypatch.setattr(Q, "copy_from_file", lambda t, p: "COPY OPERATES_IN FROM '/nonexistent/x.parquet'" if t == "OPERATES_IN" else real(t, p))
    tables = dict(demo_tables)
    with pytest.raises(WriteFailed):
        store.write(tables, meta={"run": 2}, release=True)
    monkeypatch.undo()
    _same_tables(_canonical(tables), _canonical(demo_tables))  # still usable: an upload can be imported again
    assert store.stats() == before and store.read_meta().get("run") == 1
    _same_tables(_canonical(store.read_view().tables), view_before)
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".s.lbug.tmp-")]
    assert not left, left
    store.write(tables, meta={"run": 3}, release=True)  # the same tables, once more
    assert store.stats() == before and store.read_meta().get("run") == 3
    store.close()


def test_a_store_path_with_quotes_spaces_and_chinese(demo_tables, tmp_path):
    folder = tmp_path / "招商 b'c\\d"
    store = EmbeddedStore(folder / "图谱.lbug", read_only=False)
    store.write(dict(demo_tables), release=True)
    assert store.stats()["nodes"]["Enterprise"] == demo_tables["enterprises"].height
    assert store.stats()["relationships"]["OPERATES_IN"] == demo_tables["enterprise_segments"].height
    store.close()


def test_stale_parts_of_a_dead_writer_are_removed(demo_tables, tmp_path):
    store = EmbeddedStore(tmp_path / "s.lbug", read_only=False)
    dead = tmp_path / ".s.lbug.tmp-999999999-abcdef01.parts"
    dead.mkdir()
    (dead / "Enterprise.parquet").write_bytes(b"x")
    alive = tmp_path / f".s.lbug.tmp-{os.getpid()}-abcdef02.parts"
    alive.mkdir()
    store.write(dict(demo_tables))
    assert not dead.exists() and alive.is_dir()
    store.close()


def _rss_kb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="Linux only")
def test_trim_heap_returns_freed_c_heap_to_the_system():
    keep = [bytearray(64 * 1024) for _ in range(3000)]  # ~190 MB of small C-heap blocks (below the mmap threshold)
    top = keep.pop()  # the block at the top of the heap stays: a plain free cannot shrink the heap
    del keep
    before = _rss_kb()
    assert trim_heap() is True
    assert _rss_kb() < before - 100_000  # freed pages in the middle of the heap go back only when trimmed
    del top


_SECOND_THREAD = """
import os, sys, threading
from graph.stores.heap import map_large_blocks, trim_heap

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") >> 20

if sys.argv[1] == "on":
    assert map_large_blocks() is True

def work():  # as the two-phase ingest's second thread: a 16 MB piece, then blocks below it
    piece = b"x" * (16 << 20)
    del piece  # glibc would now take blocks up to 16 MB from this thread's own heap...
    keep = [b"x" * (4 << 20) for _ in range(5)]
    del keep  # ...and keep them at its top, past malloc_trim

before = rss_mb()
t = threading.Thread(target=work)
t.start()
t.join()
trim_heap()
print(rss_mb() - before)
"""


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="Linux only")
def test_map_large_blocks_returns_what_a_second_thread_freed():
    import subprocess
    import sys

    def kept(mode: str) -> int:  # a process of its own: the setting is process-wide, the thresholds have a history
        out = subprocess.run([sys.executable, "-c", _SECOND_THREAD, mode], capture_output=True, text=True, check=True, cwd=os.getcwd())
        return int(out.stdout.strip())

    assert kept("off") >= 16  # glibc's own thresholds: the thread's 20 MB stay resident (why the setting exists)
    assert kept("on") < 4


def test_commit_snapshots_the_view_it_wrote_and_keeps_the_tables(tmp_path):
    from graph.settings import Settings
    from graph.view import GraphView
    from graph.workspace.snapshots import snapshot_of
    from ingest.pipeline import commit, prepare_path
    from tests.conftest import DEMO

    s = Settings(store=str(tmp_path / "store" / "g.lbug"))
    p = prepare_path(s, DEMO)
    expected = snapshot_of(GraphView(p.tables, meta=p.meta), s.analysis)
    heights = {n: df.height for n, df in p.tables.items()}
    done = commit(p, author="test")
    assert done.snapshot is not None and done.snapshot_error is None
    assert {n: df.height for n, df in p.tables.items()} == heights  # handed over to the view, still all there
    store = EmbeddedStore(s.store)
    try:
        view = store.read_view()
        assert "es_eidx" in view.indexes
        assert snapshot_of(view, s.analysis) == expected
    finally:
        store.close()
