"""One measurement, run in its own process: ``python -m bench.child TASK JSON``.

The parent (:mod:`bench.measure`) starts a fresh interpreter per measurement so that the
peak memory it reads with ``os.wait4`` (``ru_maxrss``) belongs to that measurement alone
(tracemalloc would miss the native memory of polars, LadybugDB and the Neo4j driver). The
child prints one line ``BENCH_RESULT {json}`` with its internal timings (seconds) and its
own VmHWM.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable

MARK = "BENCH_RESULT "


def vmhwm_mb() -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _cpu_s(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14, 15 of proc(5))


def compiler_threads(pid: int) -> list[Path]:
    """The /proc task folders of process ``pid``'s JIT compiler threads alive now."""
    out = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            if "Compiler" in (task / "comm").read_text():
                out.append(task)
        except OSError:  # the thread ended meanwhile
            continue
    return out


def server_cpu(pid: int | None, jit_threads: list[Path] | None = None) -> tuple[float, float] | None:
    """(CPU seconds of process ``pid``, of its JIT compiler threads) from /proc, or None.

    ``jit_threads``: those threads' task folders found once (:func:`compiler_threads`), so that a reading
    taken at every step of a write costs a few small reads instead of one per server thread; without
    it they are looked up now. Compiler threads that ended since an earlier reading take their time
    with them, so a difference of the second figure is a lower bound."""
    if not pid:
        return None
    try:
        total = _cpu_s(Path(f"/proc/{pid}/stat"))
        jit = 0.0
        for task in compiler_threads(pid) if jit_threads is None else jit_threads:
            try:
                jit += _cpu_s(task / "stat")
            except OSError:  # the thread ended meanwhile
                continue
    except OSError:
        return None
    return total, jit


def timed(fn: Callable[[], Any], runs: int, before: Callable[[], None] | None = None) -> tuple[list[float], Any]:
    out, times = None, []
    for _ in range(runs):
        if before:
            before()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def _remove_db(path: Path) -> None:
    for p in (path, Path(str(path) + ".wal")):
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink(missing_ok=True)


# ------------------------------------------------------------------ tasks


def task_prepare_clean(a: dict) -> dict:
    """Validated tables of a dataset -> LadybugDB-format CSV files (not timed as a figure)."""
    from bench.prepare import read_tables, write_clean_files

    t0 = time.perf_counter()
    tables, how = read_tables(a["dataset"])
    manifest = write_clean_files(tables, a["out"])
    return {"seconds": time.perf_counter() - t0, "how": how, "manifest": manifest}


def task_copy(a: dict) -> dict:
    """Raw COPY of clean CSV files into an empty database with the store's schema."""
    import ladybug as lb

    from graph import queries as Q

    clean = Path(a["clean"])
    manifest = json.loads((clean / "manifest.json").read_text())
    db_path = Path(a["db"])
    _remove_db(db_path)
    t0 = time.perf_counter()
    db = lb.Database(str(db_path), buffer_pool_size=int(a.get("buffer_pool_mb", 1024)) * 1024 * 1024)
    conn = lb.Connection(db)
    for ddl in Q.ladybug_ddl():
        conn.execute(ddl)
    rows = 0
    steps = {}
    for kind, items in (("nodes", manifest["nodes"]), ("rels", manifest["rels"])):
        for name, m in items.items():
            t1 = time.perf_counter()
            conn.execute(f"COPY {Q.ident(name)} FROM '{clean / m['file']}' (HEADER=true)")
            steps[name] = time.perf_counter() - t1
            rows += m["rows"]
    conn.close()
    t1 = time.perf_counter()
    db.close()
    steps["close"] = time.perf_counter() - t1
    secs = time.perf_counter() - t0
    _remove_db(db_path)
    return {"seconds": secs, "rows": rows, "steps": steps}


def _since_start() -> float:
    """Seconds since this process started (``starttime`` of /proc/self/stat against /proc/uptime: 10 ms steps)."""
    ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])  # field 22 of proc(5)
    return float(Path("/proc/uptime").read_text().split()[0]) - ticks / os.sysconf("SC_CLK_TCK")


def copy_phases(start: tuple[float, float], copies: list[tuple[float, float, float, float]], end: tuple[float, float]) -> dict[str, float]:
    """Wall and process CPU seconds of a run split at its ``COPY`` statements: ``before`` the first,
    ``copy`` inside them, ``between`` them (the engine idle, waiting for the next part), ``after`` the last.

    ``start``, ``end``: (wall, CPU) readings; ``copies``: (wall at start, wall at end, CPU at start, CPU at end).

    >>> copy_phases((0.0, 0.0), [(3.0, 5.0, 2.5, 5.0), (5.5, 9.0, 5.2, 11.0)], (10.0, 12.0))
    {'before_s': 3.0, 'copy_s': 5.5, 'between_s': 0.5, 'after_s': 1.0, 'before_cpu': 2.5, 'copy_cpu': 8.3, 'between_cpu': 0.2, 'after_cpu': 1.0, 'copies': 2}
    """
    if not copies:
        return {}
    first, last = copies[0], copies[-1]
    copy_s, copy_cpu = sum(b - a for a, b, _, _ in copies), sum(d - c for _, _, c, d in copies)
    r = {
        "before_s": first[0] - start[0], "copy_s": copy_s, "between_s": last[1] - first[0] - copy_s, "after_s": end[0] - last[1],
        "before_cpu": first[2] - start[1], "copy_cpu": copy_cpu, "between_cpu": last[3] - first[2] - copy_cpu, "after_cpu": end[1] - last[3],
    }  # fmt: skip
    return {**{k: round(v, 3) for k, v in r.items()}, "copies": len(copies)}


def task_ingest_phases(a: dict) -> dict:
    """One ``indmap ingest`` in this process, as run from the command line, split at the engine's ``COPY``
    statements (:func:`copy_phases`); ``tables``: each statement's seconds by node label / relationship type.

    Wall time and CPU count from the process's start, as for the timed CLI runs; CPU is the whole
    process's, so the ``copy`` phase holds the work the ingest runs beside the engine as well."""
    start = (time.perf_counter() - _since_start(), 0.0)  # wall and CPU from the process's start
    import ladybug as lb

    copies: list[tuple[float, float, float, float]] = []
    tables: dict[str, float] = {}  # each COPY statement's wall seconds, by node label / relationship type
    execute = lb.Connection.execute

    def timed_execute(self, query, *args, **kwargs):
        if not (isinstance(query, str) and query.lstrip().upper().startswith("COPY ")):
            return execute(self, query, *args, **kwargs)
        t, c = time.perf_counter(), _own_cpu()
        try:
            return execute(self, query, *args, **kwargs)
        finally:
            copies.append((t, time.perf_counter(), c, _own_cpu()))
            tables[query.split()[1].strip("`")] = round(copies[-1][1] - t, 3)

    lb.Connection.execute = timed_execute
    import cli

    ended: list[int] = []
    exit_now, argv = cli.exit_now, sys.argv
    cli.exit_now = ended.append  # run as from the command line (cli.main() without arguments), minus the exit
    sys.argv = ["indmap", "ingest", a["dataset"], "--store", a["store"], "--quiet"]
    try:
        code = cli.main()
        end = (time.perf_counter(), _own_cpu())
    finally:
        lb.Connection.execute, cli.exit_now, sys.argv = execute, exit_now, argv
    if code != 0:
        raise RuntimeError(f"indmap ingest exited {code}")
    return {"seconds": end[0] - start[0], "cpu_s": end[1] - start[1], **copy_phases(start, copies, end), "tables": tables}


def _variant(i: int):
    """Settings for run ``i``: the defaults nudged so that no result memo can answer.

    Run 0 is the defaults. Later runs move a threshold by a negligible amount (the way a user
    moves a sidebar slider), which changes the memo keys of the results but not the answers
    on these datasets; per-view indexes (joins, closures) built by earlier calls stay, which
    is what "warm" means here.
    """
    from graph.settings import AnalysisSettings

    if i == 0:
        return AnalysisSettings()
    return AnalysisSettings(above_scale_revenue=2000.0 - i * 1e-7, overlap_threshold=0.6 - i * 1e-9)


TARGET_PAGE = 50  # rows per page on the 招商目标 page (webapp.frames.TARGET_PAGE_SIZES[0])


def _as_of(a: dict, i: int) -> dt.date:
    return dt.date.fromisoformat(a["as_of"]) + dt.timedelta(days=i)


def _analysis_fns(a: dict):
    """name -> fn(view, run index) for the graph.analysis functions that exist."""
    segs = a["segments"]
    fns: dict[str, Callable] = {}
    try:
        from graph.analysis import gaps, targets

        fns["gaps"] = lambda v, i: gaps(v, _variant(i))
        # targets: another segment each run (the user picks the next segment); the whole pool is ranked and the
        # rows with their reasons are built for the first page the 招商目标 page shows (TARGET_PAGE rows)
        fns["targets"] = lambda v, i: targets(v, _variant(i), segs[i % len(segs)], top=TARGET_PAGE)
    except ImportError:
        pass
    try:
        from graph.analysis.parks import park_overlap

        fns["overlap"] = lambda v, i: park_overlap(v, _variant(i))
    except ImportError:
        pass
    try:
        from graph.analysis.projects import project_report

        fns["projects"] = lambda v, i: project_report(v, _variant(i), as_of=_as_of(a, i))
    except ImportError:
        pass
    return fns


def _canon_targets(call: Callable[[str], Any], canon: Callable, segs: list[str]) -> dict:
    return {s: canon(call(s)) for s in segs}


def task_analysis(a: dict) -> dict:
    """graph.analysis on a GraphView read from the embedded store, warm (view in memory)."""
    from bench import compare as C
    from graph.stores import load_view
    from graph.stores.embedded import EmbeddedStore

    t0 = time.perf_counter()
    store = EmbeddedStore(a["store"])
    view = load_view(store)
    store.close()
    t_read = time.perf_counter() - t0
    fns = _analysis_fns(a)
    out: dict[str, Any] = {"read_seconds": t_read, "times": {}, "first": {}, "memo_hit": {}, "memo_cleared": {}}
    last: dict[str, Any] = {}
    n = a["runs"]  # the answers compared are those of the last timed run (same settings on both sides)

    def clear() -> None:
        from graph.analysis.memo import MEMO

        MEMO.clear(view)

    for name, fn in fns.items():
        t1 = time.perf_counter()
        fn(view, 0)  # first call: builds the per-view indexes
        out["first"][name] = time.perf_counter() - t1
        times = []
        for i in range(1, a["runs"] + 1):
            t1 = time.perf_counter()
            last[name] = fn(view, i)
            times.append(time.perf_counter() - t1)
        out["times"][name] = times
        hit, _ = timed(lambda: fn(view, 1), 3)
        out["memo_hit"][name] = statistics.median(hit)
    # the strictest figure: nothing kept between calls but the view itself
    for name, fn in fns.items():
        t, _ = timed(lambda: fn(view, 0), min(3, a["runs"]), before=clear)
        out["memo_cleared"][name] = statistics.median(t)
    if a.get("canon_out"):
        canon: dict[str, Any] = {}
        if "gaps" in fns:
            from graph.analysis import targets

            canon["gaps"] = C.canon_gaps_analysis(last["gaps"])
            canon["targets"] = _canon_targets(lambda sg: targets(view, _variant(n), sg), C.canon_targets_analysis, a["segments"])
        if "overlap" in fns:
            canon["overlap"] = C.canon_overlap_analysis(last["overlap"])
        if "projects" in fns:
            canon["projects"] = C.canon_projects_analysis(last["projects"])
        Path(a["canon_out"]).write_text(json.dumps(canon, ensure_ascii=False, default=str))
    return out


def task_nx(a: dict) -> dict:
    """The networkx baselines: build the graph from the same view, then compute (same runs as the analysis)."""
    from bench import baselines as B
    from bench import compare as C
    from graph.stores import load_view
    from graph.stores.embedded import EmbeddedStore

    segs = a["segments"]
    store = EmbeddedStore(a["store"])
    view = load_view(store)
    store.close()
    build_times, g = timed(lambda: B.build_graph(view), a.get("build_runs", 1))
    del view
    fns = {
        "gaps": lambda i: B.gaps(g, _variant(i)),
        "targets": lambda i: B.targets(g, _variant(i), segs[i % len(segs)]),
        "overlap": lambda i: B.park_overlap(g, _variant(i)),
        "projects": lambda i: B.project_metrics(g, _variant(i), _as_of(a, i)),
    }
    out: dict[str, Any] = {"build_times": build_times, "times": {}, "nodes": g.number_of_nodes(), "edges": g.number_of_edges()}
    last: dict[str, Any] = {}
    n = a["runs"]
    for name, fn in fns.items():
        times = []
        for i in range(1, n + 1):
            t1 = time.perf_counter()
            last[name] = fn(i)
            times.append(time.perf_counter() - t1)
        out["times"][name] = times
    if a.get("canon_out"):
        canon = {
            "gaps": C.canon_gaps_nx(last["gaps"]),
            "targets": {sg: C.canon_targets_nx(B.targets(g, _variant(n), sg)) for sg in segs},
            "overlap": C.canon_overlap_nx(last["overlap"]),
            "projects": C.canon_projects_nx(last["projects"]),
        }
        Path(a["canon_out"]).write_text(json.dumps(canon, ensure_ascii=False, default=str))
    return out


def _open(location: str):
    from graph.settings import load_settings
    from graph.stores import open_store

    return open_store(load_settings(store=location))


def task_queries(a: dict) -> dict:
    """Each saved analyst query, warm: median over runs (after one warm-up run)."""
    from graph.queries import SAVED_QUERIES

    store = _open(a["store"])
    out: dict[str, Any] = {"queries": {}}
    for q in SAVED_QUERIES:
        params = {k: a["params"].get(k, v) for k, v in q.params.items()}
        try:
            res = store.query(q.cypher, params, timeout_s=600, row_cap=100_000)
            times, res = timed(lambda: store.query(q.cypher, params, timeout_s=600, row_cap=100_000), a["runs"])
            out["queries"][q.key] = {"times": times, "rows": len(res.rows), "answer": rows_digest(res.rows)}
        except Exception as exc:  # report, do not stop the other queries
            out["queries"][q.key] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    store.close()
    return out


def rows_digest(rows: list) -> str:
    """A digest of a query's result rows, sorted, floats rounded to 9 significant digits (so two stores compare).

    >>> rows_digest([[2, 0.1 + 0.2], [1, "a"]]) == rows_digest([(1, "a"), (2, 0.3)])
    True
    >>> rows_digest([["x", 0]]) == rows_digest([["x", 0.0]])
    True
    """
    import hashlib

    def canon(v: Any) -> Any:
        if isinstance(v, float):  # 0 and 0.0 are one answer (an empty sum is an integer on Neo4j)
            r = float(f"{v:.9g}")
            return int(r) if r.is_integer() else r
        if isinstance(v, (list, tuple)):
            return [canon(x) for x in v]
        if isinstance(v, dict):
            return {str(k): canon(x) for k, x in sorted(v.items(), key=lambda kv: str(kv[0]))}
        return v

    lines = sorted(json.dumps(canon(list(r) if isinstance(r, tuple) else r), ensure_ascii=False, default=str) for r in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _own_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


WRITE_PHASES = ("before", "nodes", "relationships", "switch", "after")


def write_phases(marks: list[tuple[str, float, float, float | None, float | None]], nodes: set[str], rels: set[str]) -> dict[str, dict[str, float]]:
    """The Neo4j write's phases from its progress marks ``(step, wall, writer CPU-s, server CPU-s, server JIT CPU-s)``
    (the first mark taken before the write, the last after it; server figures None when the run does not own the server).

    ``before``: checks, schema, lease and clean-up; ``nodes``: up to the last node label's batches; ``relationships``:
    up to the last relationship type's; ``switch``: the one transaction (or batches) that makes the staged graph live;
    ``after``: deleting the retired generation, releasing the lease. Each phase: ``wall``, ``writer`` and, with the
    server's pid, ``server`` and ``jit`` seconds.

    >>> m = [("start", 0, 0, 0, 0), ("cleanup", 1, .5, .2, 0), ("A", 2, .7, 1.5, .1), ("R", 5.0, 1.2, 6.0, .3), ("switch", 7.0, 1.3, 8.0, .4), ("retired", 7.5, 1.4, 8.1, .4)]
    >>> write_phases(m, {"A"}, {"R"})["switch"]
    {'wall': 2.0, 'writer': 0.1, 'server': 2.0, 'jit': 0.1}
    """
    names = [m[0] for m in marks]
    node_ends = [i for i, n in enumerate(names) if n in nodes]
    rel_ends = [i for i, n in enumerate(names) if n in rels]
    ends = {
        "before": names.index("cleanup") if "cleanup" in names else 0,
        "nodes": max(node_ends, default=None),
        "relationships": max(rel_ends, default=None),
        "switch": names.index("switch") if "switch" in names else None,
        "after": len(marks) - 1,
    }
    out: dict[str, dict[str, float]] = {}
    prev = 0
    for phase in WRITE_PHASES:
        i = ends[phase]
        if i is None or i < prev:
            continue
        a, b = marks[prev], marks[i]
        out[phase] = {"wall": round(b[1] - a[1], 3), "writer": round(b[2] - a[2], 3)}
        if a[3] is not None and b[3] is not None:
            out[phase].update(server=round(b[3] - a[3], 3), jit=round(b[4] - a[4], 3))
        prev = i
    return out


def task_neo4j_write(a: dict) -> dict:
    """The Neo4j store's own write (batched UNWIND) of the whole dataset.

    With ``server_pid`` (a server this run owns) the server's CPU seconds are read at every step, so
    the result says what each phase cost the server and the writer (:func:`write_phases`)."""
    from graph.schema import NODES, RELS
    from graph.stores.embedded import EmbeddedStore

    src = EmbeddedStore(a["store"])
    tables = src.read_tables()
    src.close()
    store = _open(a["uri"])
    pid = a.get("server_pid")
    jit_threads = compiler_threads(pid) if pid and Path(f"/proc/{pid}").exists() else None
    steps: dict[str, float] = {}
    marks: list[tuple[str, float, float, float | None, float | None]] = []

    def mark(step: str) -> None:
        srv = server_cpu(pid, jit_threads)
        marks.append((step, time.perf_counter(), _own_cpu(), srv[0] if srv else None, srv[1] if srv else None))

    def progress(step: str, done: int, total: int) -> None:
        mark(step)
        steps[step] = marks[-1][1] - marks[-2][1]

    mark("start")
    rep = store.write(tables, meta={"dataset": "bench"}, progress=progress)
    mark("end")
    secs = marks[-1][1] - marks[0][1]
    store.close()
    return {
        "seconds": secs, "nodes": sum(rep.nodes.values()), "relationships": sum(rep.relationships.values()), "steps": steps,
        "writer_cpu_s": marks[-1][2] - marks[0][2], "phases": write_phases(marks, set(NODES), set(RELS)),
    }


def _empty_neo4j(s) -> None:
    """Delete every relationship, then every node, 10,000 per transaction: a node with tens of
    thousands of relationships (a segment at 100k) inside ``DETACH DELETE`` batches of nodes
    exceeded the server's transaction memory pool."""
    s.run("MATCH ()-[r]->() CALL { WITH r DELETE r } IN TRANSACTIONS OF 10000 ROWS").consume()
    s.run("MATCH (n) CALL { WITH n DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def task_neo4j_merge(a: dict) -> dict:
    """One MERGE per row, one transaction each (the way open-source chain graphs load Neo4j).

    Loads the first ``rows`` rows of enterprises (nodes) and then as many enterprise→segment
    rows (``OPERATES_IN``, with their segments) into an empty database with a uniqueness
    constraint on ``id``, so MERGE is an index lookup, not a scan: the fair form of the baseline.
    """
    from neo4j import GraphDatabase

    from graph.stores.embedded import EmbeddedStore

    src = EmbeddedStore(a["store"])
    tables = src.read_tables()
    src.close()
    n = int(a["rows"])
    ent = tables["enterprises"].head(n // 2)
    es = tables["enterprise_segments"].filter(tables["enterprise_segments"]["enterprise_id"].is_in(ent["id"].implode())).head(n - ent.height)
    driver = GraphDatabase.driver(a["uri"], auth=None)
    with driver.session() as s:
        _empty_neo4j(s)
        for label in ("Enterprise", "Segment"):
            s.run(f"CREATE CONSTRAINT bench_{label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE").consume()
        s.run("CALL db.awaitIndexes(300)").consume()
        # stop early after max_seconds (the rate is what is compared; a slow machine should not
        # turn the baseline into an hour); node rows first, then relationship rows, in equal parts
        limit = float(a.get("max_seconds", 120))
        done = 0
        t0 = time.perf_counter()
        for r in ent.select("id", "name", "local", "revenue", "province").iter_rows(named=True):
            s.run(
                "MERGE (e:Enterprise {id: $id}) SET e.name = $name, e.local = $local, e.revenue = $revenue, e.province = $province",
                r,
            ).consume()
            done += 1
            if time.perf_counter() - t0 > limit / 2:
                break
        t_nodes = time.perf_counter()
        for r in es.select("enterprise_id", "segment_id", "share", "confidence").iter_rows(named=True):
            s.run(
                "MERGE (e:Enterprise {id: $enterprise_id}) MERGE (s:Segment {id: $segment_id}) "
                "MERGE (e)-[o:OPERATES_IN]->(s) SET o.share = $share, o.confidence = $confidence",
                r,
            ).consume()
            done += 1
            if time.perf_counter() - t_nodes > limit / 2:
                break
        secs = time.perf_counter() - t0
        _empty_neo4j(s)
        for label in ("Enterprise", "Segment"):
            s.run(f"DROP CONSTRAINT bench_{label.lower()}_id IF EXISTS").consume()
    driver.close()
    return {"seconds": secs, "rows": done, "planned": ent.height + es.height}


def task_neo4j_empty(a: dict) -> dict:
    """Delete every node and relationship (the schema stays): the next write starts from an empty database."""
    from neo4j import GraphDatabase

    with GraphDatabase.driver(a["uri"], auth=None) as driver, driver.session() as s:
        _empty_neo4j(s)
    return {}


TASKS = {
    "neo4j_empty": task_neo4j_empty,
    "prepare_clean": task_prepare_clean,
    "copy": task_copy,
    "ingest_phases": task_ingest_phases,
    "analysis": task_analysis,
    "nx": task_nx,
    "queries": task_queries,
    "neo4j_write": task_neo4j_write,
    "neo4j_merge": task_neo4j_merge,
}


def main(argv: list[str]) -> int:
    task, args = argv[0], json.loads(argv[1])
    res = TASKS[task](args)
    res["vmhwm_mb"] = vmhwm_mb()
    sys.stdout.write(MARK + json.dumps(res, default=str) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
