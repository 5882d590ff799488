"""Console queries run out of process (issue 18): a crash, a planner blow-up or a memory bomb costs one worker.

Each reproduction of the issue runs against a real embedded store; the limits
that normally refuse these queries before the engine sees them are raised here
so that the worker's own fences (signal handling, wall clock, address space)
are what is tested.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from graph.settings import Settings
from graph.stores.base import QueryRefused, StoreError
from graph.worker import run_query
from tests.small_tables import small_tables

DEEP_LIST = "RETURN " + "[" * 1000 + "1" + "]" * 1000 + " AS x"  # segfaults LadybugDB's parser (signal 11)
DEEP_CASE = "RETURN " + "CASE WHEN true THEN " * 200 + "1" + " END" * 200 + " AS x"  # planning runs for minutes


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    from graph.stores.embedded import EmbeddedStore

    path = tmp_path_factory.mktemp("worker") / "g.lbug"
    s = EmbeddedStore(path, read_only=False)
    s.write(small_tables(4))
    s.close()
    return str(path)


def loose(store_path: str, **kw) -> Settings:
    """Settings whose parser limits let hostile queries through to the worker."""
    return Settings(store=store_path, query_max_depth=5000, query_max_range=1_000_000_000, **kw)


def test_query_runs_in_a_worker_and_returns_rows(store_path):
    res = run_query(Settings(store=store_path), "MATCH (c:Chain) RETURN c.id AS start ORDER BY start")
    assert res.columns == ["start"] and res.rows and all(isinstance(r[0], str) for r in res.rows)


def test_a_crashing_worker_is_a_chinese_error_and_the_next_query_runs(store_path):
    settings = loose(store_path)
    with pytest.raises(StoreError, match=r"查询进程被信号 11 终止") as exc:
        run_query(settings, DEEP_LIST)
    assert "简化查询" in str(exc.value)
    assert run_query(settings, "MATCH (c:Chain) RETURN count(c) AS n").rows[0][0] > 0


def test_the_wall_clock_covers_parsing_and_planning(store_path):
    with pytest.raises(StoreError, match=r"查询超时（超过 1 秒，含解析与规划）"):
        run_query(loose(store_path), DEEP_CASE, timeout_s=1)
    assert run_query(loose(store_path), "RETURN 1 AS one").rows == [[1]]


def test_a_memory_bomb_hits_the_workers_address_limit(store_path):
    # the reproduction took 8.6 GB and 44 s; the worker's limit ends it at query_memory_mb
    with pytest.raises(StoreError, match=r"内存超过上限 256 MB"):
        run_query(loose(store_path, query_memory_mb=256), "UNWIND range(1, 1000000000) AS x RETURN count(x) AS n", timeout_s=30)


def test_refusals_happen_before_any_worker_starts(store_path, monkeypatch):
    def no_spawn(*a, **kw):
        raise AssertionError("a worker was started for a refused query")

    monkeypatch.setattr(subprocess, "Popen", no_spawn)
    for q in ("SHOW SETTINGS", "UPDATE json", "RETURN " + "(" * 3000 + "1" + ")" * 3000, "UNWIND range(1, 1000000000) AS x RETURN x"):
        with pytest.raises(QueryRefused):
            run_query(Settings(store=store_path), q)


def test_missing_store_is_an_error_not_a_crash(tmp_path):
    with pytest.raises(StoreError, match="数据库不存在"):
        run_query(Settings(store=str(tmp_path / "none.lbug")), "RETURN 1 AS x")


def test_cli_query_survives_the_parser_crash(store_path, monkeypatch):
    monkeypatch.setenv("INDMAP_QUERY_MAX_DEPTH", "5000")
    p = subprocess.run(
        [sys.executable, "-m", "cli", "query", DEEP_LIST, "--store", store_path], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 2, p.stderr  # was -11 (the CLI itself died)
    assert "查询进程被信号 11 终止" in p.stderr and "Traceback" not in p.stderr


def test_a_slow_query_does_not_hold_up_other_sessions(store_path):
    """Reproduction 9b of issue 18: while one session's query plans for seconds, another session's
    query and a page's read of the store both answer (no shared lock); the slow one ends on its own clock."""
    import threading

    from graph.stores import open_store

    settings = loose(store_path)
    order: list[str] = []

    def slow():
        with pytest.raises(StoreError, match="查询超时"):
            run_query(settings, DEEP_CASE, timeout_s=8)
        order.append("slow")

    t = threading.Thread(target=slow)
    t.start()
    try:
        assert run_query(Settings(store=store_path), "MATCH (c:Chain) RETURN count(c) AS n").rows[0][0] > 0
        order.append("other query")
        assert open_store(Settings(store=store_path)).read_tables()["chains"].height > 0
        order.append("page read")
    finally:
        t.join(60)
    assert order == ["other query", "page read", "slow"]


def test_a_huge_result_is_refused_unread_and_a_small_one_passes(store_path):
    """Giant strings within the row cap: 400 rows of 1 MB took the calling process (the app) to 840 MB."""
    settings = Settings(store=store_path, query_max_result_mb=1)
    with pytest.raises(StoreError, match="查询结果过大.*上限 1 MB"):
        run_query(settings, "UNWIND range(1, 10) AS x RETURN x, repeat('a', 200000) AS s")
    res = run_query(settings, "UNWIND range(1, 10) AS x RETURN x, repeat('a', 1000) AS s")
    assert len(res.rows) == 10 and len(res.rows[0][1]) == 1000
