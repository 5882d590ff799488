"""Run the measurements: one child process per measurement, peak memory from ``os.wait4``.

Every figure is a :class:`Figure`: value and its baseline measured in the same run, their
ratio, the goal (when the issue sets one) and whether it is met. Runs are medians; the
number of runs is kept with each figure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import USER_MALLOC_CONF
from bench.child import MARK, server_cpu

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
AS_OF = "2026-06-30"  # fixed reference date of the project metrics, so runs are comparable
# issue 16's goals (its table, exactly): the per-figure goal column and the report's Goals list use these
INGEST_RATIO_GOAL = 1.3  # ingest end-to-end ≤ 1.3× raw COPY at 1M
INGEST_PEAK_GOAL_MB = 1000  # ingest peak ≤ 1,000 MB at 1M
READ_VIEW_GOAL_S = 1.0  # store → analysis view in a new process ≤ 1.0 s at 1M
PAGE_GOAL_1M_S = 3.0  # every page ≤ 3 s at 1M, the first load included
CHAIN_MAP_GOAL_DEMO_S = 1.5  # chain map ≤ 1.5 s on the demo
CHAIN_MAP_PAGES = {"产业链图谱", "chain"}  # its title in the browser test (not the overview's "招商产业链图谱 · 总览")
NX_MAX_SIZE = 1_000_000  # the networkx baseline runs up to 1M enterprises (a 10M run skips it)
GEN_VERSION = "3"  # bump when bench/generate.py changes what it writes


@dataclass
class Figure:
    key: str
    name: str  # what is measured (English; the docs table is for developers)
    size: str  # 10k / 100k / 1M / demo / -
    value: float | None
    unit: str  # s, ms, MB, rows/s, x
    baseline: float | None = None
    baseline_name: str = ""
    ratio: float | None = None  # baseline / value for times (>1 = faster than baseline), value / baseline for "within"
    ratio_kind: str = ""  # "speed-up" | "of baseline" | ""
    goal: str = ""
    met: bool | None = None
    runs: int | None = None
    note: str = ""
    differs: bool = False  # the two sides gave different answers: no ratio is reported ("answers differ")


@dataclass
class ChildRun:
    wall: float
    maxrss_mb: float
    rc: int
    stdout: str
    stderr: str
    result: dict | None
    cpu_s: float = 0.0  # user + system CPU seconds of the child (``ru_utime + ru_stime`` of ``wait4``)


def run_child(argv: list[str], timeout: float = 3600, env: dict | None = None, cwd: Path = ROOT) -> ChildRun:
    """Run ``argv``; wall time and the child's own peak RSS (``ru_maxrss`` of ``wait4``)."""
    with tempfile.TemporaryFile("w+") as fo, tempfile.TemporaryFile("w+") as fe:
        e = dict(os.environ)
        e.pop("_RJEM_MALLOC_CONF", None)  # polars' own default, set when this process imported it
        if USER_MALLOC_CONF is not None:
            e["_RJEM_MALLOC_CONF"] = USER_MALLOC_CONF
        e["PYTHONPATH"] = str(ROOT) + os.pathsep + e.get("PYTHONPATH", "")
        e.update(env or {})
        t0 = time.perf_counter()
        p = subprocess.Popen(argv, stdout=fo, stderr=fe, cwd=cwd, env=e)
        timer = threading.Timer(timeout, p.kill)
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        fo.seek(0)
        fe.seek(0)
        out, err = fo.read(), fe.read()
    result = None
    for line in out.splitlines():
        if line.startswith(MARK):
            result = json.loads(line[len(MARK) :])
    return ChildRun(wall, ru.ru_maxrss / 1024, p.returncode, out, err, result, ru.ru_utime + ru.ru_stime)


def child(task: str, args: dict, timeout: float = 3600) -> ChildRun:
    r = run_child([PY, "-m", "bench.child", task, json.dumps(args)], timeout=timeout)
    if r.rc != 0 or r.result is None:
        raise RuntimeError(f"bench.child {task} failed (exit {r.rc}): {r.stderr.strip()[-1500:]}")
    return r


def med(xs: list[float]) -> float:
    return statistics.median(xs)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ datasets


def dataset(size: str, seed: int) -> Path:
    """The generated dataset folder for ``size`` (generated once, reused while unchanged)."""
    from bench.generate import parse_size

    if size == "demo":  # the shipped demo dataset (real listed companies on the demo chains)
        d = ROOT / "data" / "demo"
        if not (d / "enterprises.csv").exists():
            raise Unavailable("data/demo has no enterprises.csv yet")
        return d
    d = OUT / "data" / f"{size}-s{seed}"
    marker = d / ".generated"
    if marker.exists() and marker.read_text() == GEN_VERSION:
        return d
    shutil.rmtree(d, ignore_errors=True)
    t0 = time.perf_counter()
    r = run_child([PY, "-m", "bench.generate", "--size", str(parse_size(size)), "--out", str(d), "--seed", str(seed)])
    if r.rc != 0:
        raise RuntimeError(f"generate {size} failed: {r.stderr[-1000:]}")
    marker.write_text(GEN_VERSION)
    log(f"  generated {size} in {time.perf_counter() - t0:.1f}s ({r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''})")
    return d


class Unavailable(RuntimeError):
    """A part that cannot run here (reported as not measured, not as a failure)."""


_SEGMENTS: dict[str, tuple[str, list[str]]] = {}


def segments_for(d: Path, k: int = 5) -> tuple[str, list[str]]:
    """(chain id, segment ids) for the parametrised queries and the targets runs.

    ``NEV`` / ``NEV-M01`` (the saved queries' defaults) first when the dataset has them, then
    the segments with the most enterprise rows; one segment per targets run.
    """
    key = str(d)
    if key in _SEGMENTS:
        return _SEGMENTS[key]
    import polars as pl

    seg = pl.read_csv(d / "segments.csv", infer_schema=False)
    seg = seg.select(seg.columns[0], seg.columns[1])
    seg.columns = ["id", "chain_id"]
    chain_of = dict(seg.iter_rows())
    es = pl.read_csv(d / "enterprise_segments.csv", infer_schema=False)
    ranked = es.group_by(es.columns[1]).len().sort(["len", es.columns[1]], descending=[True, False]).get_column(es.columns[1]).to_list()
    ranked = [x for x in ranked if x in chain_of]
    first = "NEV-M01" if "NEV-M01" in chain_of else ranked[0]
    segs = [first] + [x for x in ranked if x != first][: k - 1]
    _SEGMENTS[key] = (chain_of[first], segs)
    return _SEGMENTS[key]


def first_segment(d: Path) -> tuple[str, str]:
    chain, segs = segments_for(d)
    return chain, segs[0]


# ------------------------------------------------------------------ measurements


class Bench:
    def __init__(self, *, runs: int, seed: int, quick: bool, neo4j_uri: str | None, merge_rows: int, big_runs: int = 3):
        self.runs = runs
        self.big_runs = big_runs
        self.seed = seed
        self.quick = quick
        self.neo4j_uri = neo4j_uri
        self.neo4j_why = ""
        self.neo4j_pid: int | None = None  # the server's pid when this run owns it: its CPU time is measured
        self.merge_rows = merge_rows
        self.figures: list[Figure] = []
        self.notes: list[str] = []
        self.failures: list[str] = []
        self.details: dict[str, Any] = {}

    def add(self, f: Figure) -> None:
        self.figures.append(f)
        log("  " + line(f))

    def runs_for(self, size: str) -> int:
        return min(self.runs, self.big_runs) if size.lower() == "1m" else self.runs

    # --------------------------------------------------------------- ingest

    def ingest(self, size: str, d: Path, store: Path) -> None:
        n = self.runs_for(size)
        walls, peaks, val_s, wr_s, cpus = [], [], [], [], []
        cwalls, cpeaks, cinner, ccpus = [], [], [], []
        last = None
        # raw COPY of the same data, already clean, as CSV files in LadybugDB's format
        clean = OUT / "clean" / f"{d.name}"
        if not (clean / "manifest.json").exists() or (clean / "manifest.json").stat().st_mtime < (d / "enterprises.csv").stat().st_mtime:
            child("prepare_clean", {"dataset": str(d), "out": str(clean)})
        manifest = json.loads((clean / "manifest.json").read_text())
        rows = sum(m["rows"] for m in manifest["nodes"].values()) + sum(m["rows"] for m in manifest["rels"].values())
        n_rels = sum(m["rows"] for m in manifest["rels"].values())
        steps = []
        for _ in range(n):  # interleaved, so both sides see the same machine load
            r = run_child([PY, "-m", "cli", "ingest", str(d), "--store", str(store), "--quiet"], timeout=1800)
            if r.rc != 0:
                raise RuntimeError(f"indmap ingest {d} failed (exit {r.rc}): {r.stderr[-1500:]}")
            walls.append(r.wall)
            peaks.append(r.maxrss_mb)
            cpus.append(r.cpu_s)
            m = re.search(r"校验 ([\d.]+)s，写入 ([\d.]+)s", r.stdout)
            if m:
                val_s.append(float(m.group(1)))
                wr_s.append(float(m.group(2)))
            last = r.stdout.strip()
            r = child("copy", {"clean": str(clean), "db": str(OUT / "store" / f"rawcopy-{size}.lbug")})
            cwalls.append(r.wall)
            cpeaks.append(r.maxrss_mb)
            ccpus.append(r.cpu_s)
            cinner.append(r.result["seconds"])
            steps.append(r.result.get("steps"))
        self.details.setdefault("copy_steps", {})[size] = steps
        if size.lower() == "1m":  # one more run split at the engine's COPY statements, for an unmet ratio's reason
            r = child("ingest_phases", {"dataset": str(d), "store": str(store)}, timeout=1800)
            self.details["ingest_phases_1M"] = {**r.result, "load": os.getloadavg()[0]}
        e2e, raw = med(walls), med(cwalls)
        big = size.lower() == "1m"
        detail = (
            f"{rows - n_rels:,} nodes + {n_rels:,} relationships; validate {med(val_s):.1f}s + write {med(wr_s):.1f}s "
            f"(+ start-up); raw COPY inside the process {med(cinner):.1f}s"
            if val_s
            else ""
        )
        self.add(
            Figure(
                "ingest_e2e", "ingest end-to-end (`indmap ingest`: read, validate, load)", size, e2e, "s",
                raw, "raw COPY of the clean CSV files", e2e / raw, "of baseline",
                f"≤ {INGEST_RATIO_GOAL:g}× raw COPY at 1M" if big else "", (e2e / raw <= INGEST_RATIO_GOAL) if big else None, n, detail,
            )
        )
        self.add(
            Figure(
                "ingest_peak", "ingest peak memory (child ru_maxrss, max over the runs)", size, max(peaks), "MB",
                max(cpeaks), "raw COPY peak memory", max(peaks) / max(cpeaks), "of baseline",
                f"≤ {INGEST_PEAK_GOAL_MB:,} MB at 1M" if big else "", (max(peaks) <= INGEST_PEAK_GOAL_MB) if big else None, n, "",
            )
        )
        self.add(
            Figure(
                "ingest_cpu", "ingest CPU time (child user + system, both cores counted)", size, med(cpus), "s",
                med(ccpus), "raw COPY CPU time", med(cpus) / med(ccpus), "of baseline", "", None, n,
                f"CPU-s per wall second: ingest {med(cpus) / e2e:.2f}, raw COPY {med(ccpus) / raw:.2f} (of {os.cpu_count()} cores)",
            )
        )
        self.details[f"ingest_{size}"] = {"walls": walls, "peaks": peaks, "cpus": cpus, "copy_walls": cwalls, "copy_inner": cinner, "copy_cpus": ccpus, "cores": os.cpu_count(), "last": last}

    # --------------------------------------------------------------- analysis

    def analysis(self, size: str, d: Path, store: Path, compare: bool) -> None:
        n = self.runs_for(size)
        chain, segs = segments_for(d)
        seg = segs[0]
        canon_a = OUT / f"canon-analysis-{size}.json"
        canon_n = OUT / f"canon-nx-{size}.json"
        ra = child("analysis", {"store": str(store), "segments": segs, "runs": n, "as_of": AS_OF, "canon_out": str(canon_a)}, timeout=7200)
        build_runs = 1 if size.lower() == "1m" else min(n, 3)
        from bench.generate import parse_size

        # networkx holds the whole graph in one Python process: skipped above 1M (no speed-up, no answer check there)
        with_nx = size == "demo" or parse_size(size) <= NX_MAX_SIZE
        rn = child("nx", {"store": str(store), "segments": segs, "runs": n, "build_runs": build_runs, "as_of": AS_OF, "canon_out": str(canon_n)}, timeout=7200) if with_nx else None
        a, b = ra.result, rn.result if rn else {"times": {}, "build_times": [], "nodes": 0, "edges": 0}
        self.details[f"analysis_{size}"] = {"analysis": a, "nx": b, "analysis_peak_mb": ra.maxrss_mb, "nx_peak_mb": rn.maxrss_mb if rn else None}
        build = med(b["build_times"]) if rn else 0.0
        if not rn:
            self.notes.append(f"{size}: networkx baseline skipped above {NX_MAX_SIZE:,} enterprises (it would hold the whole graph in one Python process); no speed-up or answer check at this size.")
        big = size.lower() == "1m"
        verdict = ""
        bad: dict = {}
        if compare and rn:
            from bench.compare import diff

            ca, cn = json.loads(canon_a.read_text()), json.loads(canon_n.read_text())
            problems = {k: diff(ca[k], cn[k]) for k in ca if k in cn}
            bad = {k: v for k, v in problems.items() if v}
            if bad:
                self.failures.append(f"{size}: analysis and networkx answers differ: {bad}")
                verdict = "ANSWERS DIFFER: " + "; ".join(f"{k}: {v[:3]}" for k, v in bad.items())
            else:
                verdict = "same answer as networkx (" + ", ".join(sorted(problems)) + ")"
                self.notes.append(f"{size}: graph.analysis and the networkx baselines give the same answer for {', '.join(sorted(problems))}.")
        self.add(
            Figure(
                "read_view", "read store → analysis view (persisted Arrow IPC, memory-mapped)", size, a["read_seconds"], "s",
                None, "", None, "", f"≤ {READ_VIEW_GOAL_S:g} s at 1M" if big else "", (a["read_seconds"] <= READ_VIEW_GOAL_S) if big else None, 1,
                f"analysis process peak {ra.maxrss_mb:,.0f} MB" + (f"; networkx process peak {rn.maxrss_mb:,.0f} MB" if rn else ""),
            )
        )
        if rn:
            self.add(Figure(
                "nx_build", "networkx baseline: build the graph", size, build, "s", None, "", None, "", "", None, len(b["build_times"]),
                f"{b['nodes']:,} nodes, {b['edges']:,} edges",
            ))
        names = {
            "gaps": "gaps, all chains (labels + priority)",
            "targets": f"targets for one segment: whole pool ranked, first page of 50 rows with reasons ({len(segs)} segments in turn, {seg} first)",
            "overlap": "park overlap (all pairs)",
            "projects": "project report (funnel, stalls, intensity, overdue, fills)",
        }
        for k, name in names.items():
            if k not in a["times"]:
                self.add(Figure(k, name, size, None, "ms", note="graph.analysis function not available"))
                continue
            v = med(a["times"][k])
            bn = med(b["times"][k]) if k in b["times"] else None
            goal, met = "", None
            if k == "gaps" and big:
                goal = "≤ 100 ms warm at 1M"
                met = v * 1000 <= 100
            if k == "targets" and big:
                goal = "≤ 50 ms at 1M"
                met = v * 1000 <= 50
            note = (
                f"first call (builds the per-view indexes) {a['first'][k] * 1000:,.0f} ms; repeated call (memo hit) "
                f"{a['memo_hit'][k] * 1000:,.1f} ms; memo cleared before the call {a['memo_cleared'][k] * 1000:,.0f} ms"
            )
            if k == "gaps" and verdict:
                note += "; " + verdict
            differs = k in bad  # a speed-up between different answers means nothing: none is reported
            if differs:
                met = False if met is not None else None
            ratio = None if bn is None or differs else bn / v
            self.add(Figure(k, name + " — warm, settings changed", size, v * 1000, "ms", None if bn is None else bn * 1000, "networkx, graph built", ratio, "speed-up", goal, met, n, note, differs))
            if bn is not None:
                self.add(
                    Figure(
                        k + "_incl_build", name + " — vs networkx including its build", size, v * 1000, "ms",
                        (bn + build) * 1000, "networkx build + compute", None if differs else (bn + build) / v, "speed-up",
                        "", None, n, "", differs,
                    )
                )

    # --------------------------------------------------------------- queries

    def queries(self, size: str, d: Path, location: str, which: str, runs: int) -> dict[str, float]:
        chain, seg = first_segment(d)
        r = child("queries", {"store": location, "runs": runs, "params": {"chain": chain, "segment": seg}}, timeout=3600)
        out = {}
        for key, q in r.result["queries"].items():
            out[key] = None if "error" in q else med(q["times"]) * 1000
            if "error" in q:
                err = " ".join(q["error"].split())[:160]
                self.notes.append(f"{size} {which}: saved query `{key}` failed: {err}")
        self.details[f"queries_{which}_{size}"] = r.result
        return out

    def saved_queries(self, size: str, d: Path, store: Path, neo4j_loaded: bool) -> None:
        n = self.runs_for(size)
        emb = self.queries(size, d, str(store), "embedded", n)
        neo = self.queries(size, d, self.neo4j_uri, "neo4j", n) if neo4j_loaded else {}
        answers = {w: {k: q.get("answer") for k, q in self.details.get(f"queries_{w}_{size}", {}).get("queries", {}).items()} for w in ("embedded", "neo4j")}
        for key, v in emb.items():
            nv = neo.get(key)
            neo_answer = answers["neo4j"].get(key)
            differs = bool(neo_answer) and neo_answer != answers["embedded"].get(key)
            if differs:
                self.failures.append(f"{size}: saved query `{key}` answers differ between embedded and Neo4j (sorted rows)")
                nv_ratio = None
            else:
                nv_ratio = (nv / v) if (nv and v) else None
            self.add(
                Figure(
                    "query:" + key, f"saved query `{key}` (embedded)", size, v, "ms",
                    nv, "same query on Neo4j" if neo4j_loaded else "", nv_ratio, "speed-up" if nv else "",
                    "", None, n, "same rows as Neo4j (sorted)" if neo_answer and not differs else "", differs,
                )
            )

    # --------------------------------------------------------------- neo4j

    def neo4j(self, size: str, store: Path) -> bool:
        if not self.neo4j_uri:
            self.add(Figure("neo4j_load", "Neo4j load: store write (batched UNWIND)", size, None, "rows/s", note=f"not measured: no Neo4j server ({self.neo4j_why}; set INDMAP_BENCH_NEO4J_URI, or run without --quick to start a private one)"))
            return False
        try:
            from neo4j import GraphDatabase

            with GraphDatabase.driver(self.neo4j_uri, auth=None, connection_timeout=5) as drv:
                drv.verify_connectivity()
        except Exception as exc:  # an unreachable server is an unavailable part, not a failure
            self.add(Figure("neo4j_load", "Neo4j load: store write (batched UNWIND)", size, None, "rows/s", note=f"not measured: Neo4j at {self.neo4j_uri} unreachable ({type(exc).__name__})"))
            self.neo4j_uri = None
            return False
        try:
            import graph.stores.neo4j  # noqa: F401
        except ImportError:
            self.add(Figure("neo4j_load", "Neo4j load: store write (batched UNWIND)", size, None, "rows/s", note="not measured: graph/stores/neo4j.py not available"))
            return False
        # warm, like every other figure: one untimed run of each side first (a fresh server's JIT compiles
        # the write's queries during the first write: about 9 of its 19 server CPU-s at 100k, measured);
        # the MERGE runs before any indmap schema exists (its only index is its own constraint), and the
        # timed write starts from an empty database, as the MERGE does
        merge_args = {"uri": self.neo4j_uri, "store": str(store), "rows": self.merge_rows}
        child("neo4j_merge", merge_args | {"max_seconds": 10 if self.quick else 20}, timeout=7200)
        c0 = server_cpu(self.neo4j_pid)
        m = child("neo4j_merge", merge_args | {"max_seconds": 40 if self.quick else 180}, timeout=7200)
        c1 = server_cpu(self.neo4j_pid)
        cold = child("neo4j_write", {"uri": self.neo4j_uri, "store": str(store)}, timeout=7200)
        child("neo4j_empty", {"uri": self.neo4j_uri}, timeout=7200)
        c2 = server_cpu(self.neo4j_pid)
        w = child("neo4j_write", {"uri": self.neo4j_uri, "store": str(store), "server_pid": self.neo4j_pid}, timeout=7200)
        c3 = server_cpu(self.neo4j_pid)
        cpu = None
        if c0 and c1 and c2 and c3:
            cpu = {"merge_server_s": c1[0] - c0[0], "write_server_s": c3[0] - c2[0], "write_jit_s": c3[1] - c2[1], "write_client_s": w.result["writer_cpu_s"], "write_process_s": w.cpu_s, "cores": os.cpu_count()}
        self.details[f"neo4j_{size}"] = {"write": w.result, "first_write": cold.result, "merge": m.result, "write_peak_mb": w.maxrss_mb, "cpu": cpu}
        rows = w.result["nodes"] + w.result["relationships"]
        slow = sorted(w.result.get("steps", {}).items(), key=lambda kv: -kv[1])[:4]
        batched = rows / w.result["seconds"]
        merge = m.result["rows"] / m.result["seconds"]
        self.add(
            Figure(
                "neo4j_load", "Neo4j load: store write (batched UNWIND), rows/s", size, batched, "rows/s",
                merge, f"one MERGE per row, one transaction each ({m.result['rows']:,} of the first {m.result['planned']:,} rows)", batched / merge, "speed-up",
                "≥ 50× per-row MERGE", batched / merge >= 50, 1,
                f"{rows:,} rows in {w.result['seconds']:.1f}s (slowest steps: " + ", ".join(f"{k} {v:.1f}s" for k, v in slow)
                + f"); the untimed first write on the fresh server {cold.result['seconds']:.1f}s ({rows / cold.result['seconds']:,.0f} rows/s)"
                + f"; MERGE {m.result['rows']:,} rows in {m.result['seconds']:.1f}s"
                + (f"; server CPU: write {cpu['write_server_s']:.1f} s (its JIT compiler threads ≥ {cpu['write_jit_s']:.1f} s), MERGE {cpu['merge_server_s']:.1f} s; writer {cpu['write_client_s']:.1f} s during the write ({w.cpu_s:.1f} s with its start and the read of the store)" if cpu else ""),
            )
        )
        return True

    # --------------------------------------------------------------- pages

    def pages(self, f: Path | None = None) -> None:
        """Page times the browser test wrote (artifacts/page_times.json: the demo), or ``f`` (bench/pages.py: 1M)."""
        f = f or ROOT / "artifacts" / "page_times.json"
        if not f.exists():
            self.add(Figure("pages", "app page render time", "-", None, "s", goal="chain map ≤ 1.5 s demo; every page ≤ 3 s at 1M", note=f"not measured: {(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f)} absent (the browser test writes it)"))
            return
        data = json.loads(f.read_text(encoding="utf-8"))
        self.details[f.stem] = data
        src = (f.relative_to(ROOT) if f.is_relative_to(ROOT) else f)
        for dataset_name, pages in _page_entries(data):
            renders = {p: x for p, x in pages.items() if not _is_cold_start(p)}
            for page, secs in pages.items():
                limit = page_goal(dataset_name, page)
                goal, met = (f"≤ {limit:g} s", secs <= limit) if limit is not None else ("", None)
                if _is_cold_start(page):  # server start + first script run; the goal counts it at 1M
                    self.add(Figure("page_cold:" + page, f"app first load `{page}`", dataset_name, secs, "s", goal=goal, met=met, note=COLD_NOTE))
                else:
                    self.add(Figure("page:" + page, f"page `{page}` render", dataset_name, secs, "s", goal=goal, met=met))
            if renders:
                worst = max(renders, key=renders.get)
                over = [p for p, x in renders.items() if (page_goal(dataset_name, p) or float("inf")) < x]
                self.notes.append(
                    f"pages ({dataset_name}, {src}, measured by the browser test): slowest `{worst}` {renders[worst]:.2f} s; "
                    f"{len(over)} of {len(renders)} over their goal"
                )
            start = data.get("server_start_s") if isinstance(data, dict) else None
            if start is not None:
                self.add(Figure("server_start", "app server start (`python -m webapp.serve`: imports, the view, 总览's results) until it answers", dataset_name, float(start), "s", note="before any visitor: not part of a page's time"))


# the first load is timed from the first page request, once the just-started server answers its health check:
# its warm start (webapp.serve) runs before that and is the separate "server start" figure
COLD_NOTE = "a just-started server's first page, from the request to a settled page (its warm start before: the server start figure)"


def page_goal(dataset_name: str, page: str) -> float | None:
    """Issue 16's page goals: every page (and the first load) ≤ 3 s at 1M; the chain map ≤ 1.5 s on the demo.

    >>> page_goal("1M", "首次打开（总览）"), page_goal("demo", "产业链图谱"), page_goal("demo", "招商产业链图谱 · 总览"), page_goal("10k", "产业链图谱")
    (3.0, 1.5, None, None)
    """
    if "1m" in dataset_name.lower():
        return PAGE_GOAL_1M_S
    if "demo" in dataset_name.lower() and page.strip() in CHAIN_MAP_PAGES:
        return CHAIN_MAP_GOAL_DEMO_S
    return None


def _is_cold_start(page: str) -> bool:
    return "首次" in page or "cold" in page.lower() or "first" in page.lower()


def _page_entries(data: Any) -> list[tuple[str, dict[str, float]]]:
    """Accept {"store": name, "seconds": {page: s}} (the browser test's format), {page: s},
    {dataset: {page: s}} or a list of {page, seconds, dataset}."""
    if isinstance(data, dict) and isinstance(data.get("seconds"), dict):
        return [(str(data.get("store") or data.get("dataset") or "demo"), _flat(data["seconds"]))]
    if isinstance(data, dict) and "pages" in data:
        return _page_entries(data["pages"]) if not data.get("dataset") else [(data["dataset"], _flat(data["pages"]))]
    if isinstance(data, dict) and all(isinstance(v, (int, float)) for v in data.values()):
        return [("demo", {k: float(v) for k, v in data.items()})]
    if isinstance(data, dict):
        return [(k, _flat(v)) for k, v in data.items() if isinstance(v, (dict, list))]
    if isinstance(data, list):
        by: dict[str, dict[str, float]] = {}
        for r in data:
            if isinstance(r, dict):
                secs = r.get("seconds", r.get("s", r.get("ms", 0) / 1000 if "ms" in r else None))
                if secs is not None:
                    by.setdefault(str(r.get("dataset", "demo")), {})[str(r.get("page", r.get("name", "?")))] = float(secs)
        return list(by.items())
    return []


def _flat(v: Any) -> dict[str, float]:
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if isinstance(x, (int, float)):
                out[k] = float(x)
            elif isinstance(x, dict) and ("seconds" in x or "ms" in x):
                out[k] = float(x["seconds"]) if "seconds" in x else float(x["ms"]) / 1000
        return out
    if isinstance(v, list):
        ent = _page_entries(v)
        return ent[0][1] if ent else {}
    return {}


# ------------------------------------------------------------------ formatting


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "—"
    if unit == "ms":
        s = f"{v:,.1f}" if v < 100 else f"{v:,.0f}"
    elif unit == "s":
        s = f"{v:,.2f}" if v < 10 else f"{v:,.1f}"
    elif unit == "MB":
        s = f"{v:,.0f}"
    elif unit == "rows/s":
        s = f"{v:,.0f}"
    else:
        s = f"{v:,.3g}"
    return f"{s} {unit}"


def fmt_ratio(f: Figure) -> str:
    if f.differs:
        return "answers differ"
    if f.ratio is None:
        return "—"
    if f.ratio_kind == "speed-up":
        return f"{f.ratio:,.1f}× faster" if f.ratio >= 1 else f"{1 / f.ratio:,.1f}× slower"
    return f"{f.ratio:,.2f}× baseline"


def line(f: Figure) -> str:
    met = "" if f.met is None else (" [goal met]" if f.met else " [goal NOT met]")
    base = f" | baseline {fmt(f.baseline, f.unit)} ({f.baseline_name}) | {fmt_ratio(f)}" if f.baseline is not None else ""
    note = f" — {f.note}" if f.note and f.value is None else ""
    return f"{f.size:>5} {f.name}: {fmt(f.value, f.unit)}{base}{met}{note}"


def load(path: Path) -> tuple[Bench, dict]:
    """A finished run back from its results JSON (to rewrite the docs without measuring again)."""
    data = json.loads(Path(path).read_text())
    b = Bench(runs=data["meta"].get("runs", 5), seed=1, quick=data["meta"].get("mode") == "quick", neo4j_uri=None, merge_rows=0)
    b.figures = [Figure(**f) for f in data["figures"]]
    b.notes, b.failures, b.details = data["notes"], data["failures"], data["details"]
    return b, data["meta"]


def save(b: Bench, path: Path, meta: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"meta": meta, "figures": [asdict(f) for f in b.figures], "notes": b.notes, "failures": b.failures, "details": b.details}, ensure_ascii=False, indent=1, default=str)
    )
