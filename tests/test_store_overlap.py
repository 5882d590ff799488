"""Issue 16: the work an embedded write runs in worker threads beside the engine's COPY
(graph.stores.overlap): Parquet parts written ahead, the snapshot analysed beside the copy.
A failure in any thread leaves the previous store and its view intact, no thread behind."""

from __future__ import annotations

import errno
import threading

import pytest

from graph.settings import Settings
from graph.stores import WriteFailed, overlap
from graph.stores.embedded import EmbeddedStore
from tests.small_tables import small_tables

SMALL, BIG = 10, 300


def _signature(tables) -> tuple[int, int]:
    return tables["enterprises"].height, tables["enterprise_segments"].height


def _workers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith(("indmap-parts", "indmap-beside"))]


@pytest.fixture()
def store(tmp_path):
    s = EmbeddedStore(tmp_path / "g.lbug", read_only=False)
    s.write(small_tables(SMALL))
    yield s
    s.close()


def _intact(store: EmbeddedStore) -> None:
    """The previous generation, whole, from the file and from its view; nothing of the failed write left."""
    reader = EmbeddedStore(store.path)
    try:
        assert _signature(reader.read_tables()) == _signature(small_tables(SMALL))
        assert _signature(reader.read_view().tables) == _signature(small_tables(SMALL))
    finally:
        reader.close()
    assert not list(store.path.parent.glob(".g.lbug.tmp-*"))
    assert _workers() == []


def _fail_part(monkeypatch, name: str, exc: BaseException) -> None:
    real = overlap.write_part

    def failing(df, path):
        if path.name == f"{name}.parquet":
            raise exc
        return real(df, path)

    monkeypatch.setattr(overlap, "write_part", failing)


def test_a_disk_full_in_the_part_worker_fails_the_write_honestly(store, monkeypatch):
    _fail_part(monkeypatch, "OPERATES_IN", OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(WriteFailed, match="磁盘空间不足"):
        store.write(small_tables(BIG))
    _intact(store)


def test_any_error_of_the_part_worker_surfaces_with_its_type_and_message(store, monkeypatch):
    _fail_part(monkeypatch, "Enterprise", KeyError("boom"))
    with pytest.raises(WriteFailed, match=r"KeyError：'boom'.*原数据库 .* 保持不变"):
        store.write(small_tables(BIG))
    _intact(store)


def test_a_failed_copy_stops_the_part_worker(store, monkeypatch):
    from graph import queries as Q

    real = Q.copy_from_file
    monkeypatch.setattr(Q, "copy_from_file", lambda name, path: "COPY NoSuchTable FROM 'x'" if name == "Enterprise" else real(name, path))
    with pytest.raises(WriteFailed, match="NoSuchTable"):
        store.write(small_tables(BIG))
    _intact(store)


def test_the_work_beside_runs_in_a_worker_on_the_view_being_written(store):
    seen = {}

    def beside(view):
        seen["thread"] = threading.current_thread().name
        return _signature(view.tables)

    report = store.write(small_tables(BIG), beside=beside)
    assert seen["thread"].startswith("indmap-beside")
    assert report.beside.result() == _signature(small_tables(BIG))
    assert _workers() == []


def test_an_error_beside_is_handed_back_not_raised_and_the_write_stands(store):
    def beside(view):
        raise RuntimeError("analysis bug")

    report = store.write(small_tables(BIG), beside=beside)
    assert isinstance(report.beside.exception(), RuntimeError)
    assert _signature(store.read_tables()) == _signature(small_tables(BIG))


def test_a_failed_write_never_starts_the_work_beside(store, monkeypatch):
    calls = []
    _fail_part(monkeypatch, "Enterprise", OSError(errno.ENOSPC, "No space left on device"))
    with pytest.raises(WriteFailed):
        store.write(small_tables(BIG), beside=calls.append)
    assert calls == []
    _intact(store)


# ------------------------------------------------------------------- the ingest's snapshot beside the write


def _commit(tmp_path, beside: bool, monkeypatch, early: bool = False):
    import graph.workspace as W
    from ingest.pipeline import commit, prepare_path
    from tests.conftest import DEMO

    recorded = []
    real = W.record_snapshot
    monkeypatch.setattr(W, "record_snapshot", lambda ws, snap, **kw: recorded.append(snap) or real(ws, snap, **kw))
    s = Settings(store=str(tmp_path / f"{beside}-{early}" / "g.lbug"), snapshot_beside_write=beside)
    done = commit(prepare_path(s, DEMO, early=early), author="test")
    return s, done, recorded


@pytest.mark.parametrize("early", [False, True], ids=["one-pass", "two-phase (indmap ingest)"])
def test_the_snapshot_analysed_beside_the_write_is_the_one_analysed_after_it(tmp_path, monkeypatch, early):
    started = []
    real = overlap.Worker.start
    # the analysis starts once every table is staged, the second phase's too (their view is the one analysed)
    monkeypatch.setattr(overlap.Worker, "start", lambda self: started.append(1) or real(self))
    _, after, [expected] = _commit(tmp_path, False, monkeypatch, early)
    assert started == []
    _, beside, [snap] = _commit(tmp_path, True, monkeypatch, early)
    assert started  # and then ran (the one snapshot recorded is its result)
    assert after.snapshot is not None and beside.snapshot is not None and beside.snapshot_error is None
    assert snap == expected


def test_a_failed_analysis_beside_is_reported_like_one_after_the_write(tmp_path, monkeypatch):
    import graph.workspace.snapshots as SN

    def broken(view, settings):
        raise ValueError("快照分析失败")

    monkeypatch.setattr(SN, "snapshot_of", broken)
    s, done, recorded = _commit(tmp_path, True, monkeypatch)
    assert done.snapshot is None and done.snapshot_error == "快照分析失败" and recorded == []
    assert EmbeddedStore(s.store).stats()["nodes"]["Enterprise"] > 0  # the data is in: only the snapshot is missing


def test_a_failed_write_records_no_snapshot_analysed_beside(tmp_path, monkeypatch):
    from graph.stores import StoreError

    s, first, _ = _commit(tmp_path, True, monkeypatch)
    store = EmbeddedStore(s.store)
    before = _signature(store.read_view().tables)
    store.close()
    from graph import queries as Q

    started = []
    real = overlap.Worker.start
    monkeypatch.setattr(overlap.Worker, "start", lambda self: started.append(1) or real(self))
    monkeypatch.setattr(Q, "LADYBUG_WRITE_META", "RETURN no_such_function(1)")  # fails after every copy, the analysis begun
    with pytest.raises(StoreError, match="未写入任何数据"):
        _commit(tmp_path, True, monkeypatch)
    assert started
    from graph.workspace import open_workspace
    from graph.workspace.snapshots import list_snapshots

    assert [x.id for x in list_snapshots(open_workspace(s))] == [first.snapshot]
    store = EmbeddedStore(s.store)
    assert _signature(store.read_view().tables) == before
    store.close()
    assert _workers() == []
