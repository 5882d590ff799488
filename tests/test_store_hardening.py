"""Issue 18, the embedded store: one writer at a time, honest failures, reads of one generation."""

from __future__ import annotations

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

from graph.settings import Settings
from graph.stores import StoreBusy, WriteFailed, read_generation
from graph.stores.embedded import EmbeddedStore
from graph.stores.lock import file_lock
from tests.small_tables import small_tables, write_csv_dataset

SMALL, BIG = 10, 3000  # two generations of clearly different sizes


def signature(tables) -> tuple[int, int]:
    return tables["enterprises"].height, tables["enterprise_segments"].height


GEN = {signature(small_tables(SMALL)): "small", signature(small_tables(BIG)): "big"}


@pytest.fixture()
def store_path(tmp_path) -> Path:
    path = tmp_path / "g.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(small_tables(SMALL))
    s.close()
    return path


# ----------------------------------------------------------------- one generation per read


def test_a_swap_in_the_middle_of_a_read_never_mixes_generations(store_path, monkeypatch):
    """Deterministic torn read: the file is swapped after the first table was read."""
    import graph.stores.embedded as emb

    reader = EmbeddedStore(store_path)
    reader.read_tables()  # a long-lived reader, as in the app
    writer = EmbeddedStore(store_path, read_only=False)
    real = emb._arrow_frame
    calls = {"n": 0}

    def swap_after_first(conn, cypher):
        calls["n"] += 1
        if calls["n"] == 1:
            writer.write(small_tables(BIG))
        return real(conn, cypher)

    monkeypatch.setattr(emb, "_arrow_frame", swap_after_first)
    tables = reader.read_tables()
    assert GEN.get(signature(tables)) == "big", signature(tables)  # re-read after the swap: the newest, whole
    reader.close()
    writer.close()


def test_concurrent_reader_and_swapping_writer(store_path):
    """A writer alternates two generations while a long-lived reader reads the whole graph."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def write_loop():
        w = EmbeddedStore(store_path, read_only=False)
        try:
            i = 0
            while not stop.is_set() and i < 12:
                w.write(small_tables(BIG if i % 2 == 0 else SMALL))
                i += 1
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            w.close()

    t = threading.Thread(target=write_loop)
    reader = EmbeddedStore(store_path)
    seen = []
    t.start()
    try:
        while t.is_alive() and len(seen) < 60:
            tables, meta = read_generation(reader)
            seen.append(GEN.get(signature(tables), signature(tables)))
            assert meta.get("counts", {}).get("nodes", {}).get("Enterprise") == tables["enterprises"].height
    finally:
        stop.set()
        t.join()
        reader.close()
    assert not errors, errors
    assert seen and set(seen) <= {"small", "big"}, seen


# ----------------------------------------------------------------- one writer at a time


def test_second_writer_waits_then_refuses(store_path):
    held = threading.Event()
    release = threading.Event()

    def hold():
        with file_lock(store_path, 0):
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(5)
    waits = []
    second = EmbeddedStore(store_path, settings=Settings(store=str(store_path), write_lock_wait_s=0.6), read_only=False)
    try:
        with pytest.raises(StoreBusy, match="另一个导入正在写入"):
            second.write(small_tables(BIG), progress=lambda step, done, total: waits.append(step))
        assert "wait" in waits
        assert GEN[signature(EmbeddedStore(store_path).read_tables())] == "small"  # untouched
        # a patient writer gets its turn once the first is done
        threading.Timer(0.5, release.set).start()
        patient = EmbeddedStore(store_path, settings=Settings(store=str(store_path), write_lock_wait_s=20), read_only=False)
        patient.write(small_tables(BIG))
        assert GEN[signature(EmbeddedStore(store_path).read_tables())] == "big"
    finally:
        release.set()
        t.join()


def test_two_concurrent_cli_ingests_do_not_both_claim_success(tmp_path):
    """Before: both printed 已导入 and the later silently won. Now the second waits; past the wait it refuses (exit 3)."""
    import sys

    ds = tmp_path / "ds"
    write_csv_dataset(small_tables(BIG), ds)
    store = tmp_path / "s.lbug"
    env = dict(os.environ, INDMAP_WRITE_LOCK_WAIT_S="0")
    with file_lock(store, 0):  # a first ingest in progress
        p = subprocess.run([sys.executable, "-m", "cli", "ingest", str(ds), "--store", str(store)], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 3, p.stderr
    assert "已导入" not in p.stdout + p.stderr and "另一个导入正在写入" in p.stderr
    assert not store.exists()
    p = subprocess.run([sys.executable, "-m", "cli", "ingest", str(ds), "--store", str(store)], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0 and "已导入" in p.stdout


# ----------------------------------------------------------------- honest failures


ENGINE_DISK_FULL = (
    "Transaction committed successfully, but the post-commit checkpoint failed. The committed data is durable and "
    "will be recovered on restart: IO exception: Cannot read from file: /x fileDescriptor: 6 numBytesRead: 0"
)


def test_disk_full_is_an_honest_failure_and_the_kept_report_says_so(store_path, tmp_path, monkeypatch, capsys):
    from cli import main

    ds = tmp_path / "ds"
    write_csv_dataset(small_tables(BIG), ds)
    side = store_path.with_name(store_path.name + ".last-ingest.json")

    def full(self, tmp, *a, **kw):
        Path(tmp).write_bytes(b"partial")
        Path(str(tmp) + ".shadow").write_bytes(b"x")
        raise RuntimeError(ENGINE_DISK_FULL)

    monkeypatch.setattr(EmbeddedStore, "_write_file", full)
    assert main(["ingest", str(ds), "--store", str(store_path)]) == 3
    out = capsys.readouterr()
    text = out.out + out.err
    assert "committed successfully" not in text and "已导入" not in text
    assert "磁盘空间不足" in text and "原数据库" in text
    kept = json.loads(side.read_text(encoding="utf-8"))
    assert kept["ok"] is False and "磁盘空间不足" in kept["failure"]
    assert [p.name for p in store_path.parent.iterdir() if ".tmp-" in p.name] == []  # no stray files
    assert GEN[signature(EmbeddedStore(store_path).read_tables())] == "small"  # previous store intact


def test_kept_report_is_written_only_after_the_swap(store_path, tmp_path, monkeypatch, capsys):
    from cli import main

    ds = tmp_path / "ds"
    write_csv_dataset(small_tables(BIG), ds)
    side = store_path.with_name(store_path.name + ".last-ingest.json")
    seen = {}
    real_replace = os.replace

    def spy(src, dst):
        if Path(dst) == store_path:
            seen["report_before_swap"] = side.exists()
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    assert main(["ingest", str(ds), "--store", str(store_path)]) == 0
    assert seen == {"report_before_swap": False}
    assert json.loads(side.read_text(encoding="utf-8"))["ok"] is True


def test_real_disk_full_on_a_small_tmpfs(tmp_path, capsys):
    """The issue's reproduction on a real 3 MB filesystem (needs root to mount; skipped otherwise)."""
    from cli import main

    mnt = tmp_path / "small"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        ds = tmp_path / "ds"
        write_csv_dataset(small_tables(BIG), ds)
        rc = main(["ingest", str(ds), "--store", str(mnt / "s.lbug")])
        text = "".join(capsys.readouterr())
        if rc == 0:
            pytest.skip("the dataset fitted into 3 MB")
        assert rc == 3 and "committed successfully" not in text and "已导入" not in text
        assert not (mnt / "s.lbug").exists()
        assert [p.name for p in mnt.iterdir() if ".tmp-" in p.name] == []
        assert json.loads((mnt / "s.lbug.last-ingest.json").read_text(encoding="utf-8"))["ok"] is False
    finally:  # lazy: a file the engine still holds open must not leave the mount behind (it did: "busy")
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_write_failed_is_a_store_error(store_path, monkeypatch):
    s = EmbeddedStore(store_path, read_only=False)
    monkeypatch.setattr(EmbeddedStore, "_write_file", lambda *a, **k: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    with pytest.raises(WriteFailed, match="磁盘空间不足"):
        s.write(small_tables(BIG))


def test_a_full_buffer_pool_names_the_setting_to_raise():
    """The 10M ingest stopped at the default 1,024 MB pool with the engine's words only; the message now says how to fix it."""
    from graph.stores.embedded import _write_failure

    exc = RuntimeError("Buffer manager exception: Unable to allocate memory! The buffer pool is full and no memory could be freed!")
    msg = _write_failure(exc, "/x/store.lbug")
    assert "原数据库 /x/store.lbug 保持不变" in msg and "INDMAP_BUFFER_POOL_MB" in msg
    assert "INDMAP_BUFFER_POOL_MB" not in _write_failure(RuntimeError("Binder exception: x"), "/x/store.lbug")
