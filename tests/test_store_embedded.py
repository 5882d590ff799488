"""What only the embedded LadybugDB store does: a file swapped atomically, kill -9 safety, COPY refused.

The contract both stores share (round trip, stats, idempotency, queries, failed writes) is
``test_store_contract.py``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl
import pytest

from graph.settings import Settings
from graph.stores import QueryRefused, StoreError, open_store
from graph.stores.embedded import EmbeddedStore
from tests.small_tables import small_tables

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def store(tmp_path):
    s = EmbeddedStore(tmp_path / "g.lbug", read_only=False)
    s.write(small_tables(), meta={"dataset": "small"})
    yield s
    s.close()


def test_copy_to_a_file_is_refused(store):
    # LadybugDB's own read-only mode lets COPY ... TO through: the guard must not
    with pytest.raises(QueryRefused):
        store.query("COPY (MATCH (n:Segment) RETURN n.id) TO '/tmp/indmap-leak.csv'")
    assert not Path("/tmp/indmap-leak.csv").exists()


def test_missing_store_says_how_to_ingest(tmp_path):
    s = open_store(Settings(store=str(tmp_path / "none.lbug")))
    with pytest.raises(StoreError, match="indmap ingest"):
        s.stats()


def test_failed_write_leaves_no_temporary_file(store, tmp_path):
    bad = small_tables()
    # a relationship to a node that does not exist makes COPY fail half-way
    bad["enterprise_segments"] = pl.concat(
        [bad["enterprise_segments"], pl.DataFrame({"enterprise_id": ["E001"], "segment_id": ["NOPE"]})], how="diagonal"
    )
    with pytest.raises(Exception):
        store.write(bad)
    assert store.stats()["nodes"]["Enterprise"] == 5
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


KILL_SCRIPT = textwrap.dedent(
    """
    import sys
    from graph.stores.embedded import EmbeddedStore
    from tests.small_tables import small_tables
    EmbeddedStore(sys.argv[1], read_only=False).write(small_tables(n_extra=400_000))
    """
)


def test_kill_9_during_ingest_leaves_old_store(store, tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, store.location], cwd=ROOT)
    deadline = time.time() + 120
    # wait until the child is writing its temporary file, then kill it hard
    while time.time() < deadline:
        tmp = [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
        if tmp and tmp[0].stat().st_size > 0:
            break
        assert proc.poll() is None, "writer finished before it could be killed"
        time.sleep(0.05)
    time.sleep(0.5)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader = EmbeddedStore(store.location)
    assert reader.stats()["nodes"]["Enterprise"] == 5
    assert reader.read_tables()["segments"].height == 7
    reader.close()
    # the next write cleans up the dead writer's temporary file
    store.write(small_tables())
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
