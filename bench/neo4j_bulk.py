"""National scale on Neo4j in one measured run, through the offline bulk import.

    python -m bench.neo4j_bulk DATASET --work DIR [--store S] [--json F] [--segment NEV-M01]

Steps, each a child process with its wall time and peak RSS (``ru_maxrss`` of ``wait4``):

1. ``indmap ingest DATASET`` into an embedded store under DIR (skipped with ``--store S``: reuse one);
2. ``indmap export --neo4j-admin DIR/admin``;
3. ``neo4j-admin database import full`` (``org.neo4j.cli.AdminTool`` from ``scripts/neo4j-server``'s
   jars, the argument list of ``cli.export.import_command``) into a fresh database of a private server
   home DIR/neo4j (its database folder DIR/neo4j/db);
4. the server (``scripts/neo4j-server start`` with ``INDMAP_NEO4J_HOME=DIR/neo4j``, heap ``--heap``) starts on it and
   ``constraints.cypher`` runs, then the indexes come online (the server's RSS is its ``VmHWM``);
5. ``indmap gaps --format json`` and ``indmap targets --segment SEG --format json`` as processes on the
   embedded store and on Neo4j; their parsed JSON is compared (bench/compare.py ``diff``).

Database sizes on disk are reported; the server is stopped on exit (also on Ctrl-C). Before the memory-hungry
steps the script waits until ``MemAvailable`` is at least ``--min-free-gb`` (the machine is shared).
Step failures are results: the step, its exit code and the end of its output are in the report.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bench.compare import diff
from bench.measure import PY, ROOT, log, run_child

SERVER = ROOT / "scripts" / "neo4j-server"


@dataclass
class Step:
    name: str
    wall_s: float | None = None
    peak_rss_mb: float | None = None
    ok: bool = False
    note: str = ""


@dataclass
class Report:
    dataset: str
    started: str
    load: str = ""
    steps: list[Step] = field(default_factory=list)
    sizes_mb: dict[str, float] = field(default_factory=dict)
    settings: dict[str, str] = field(default_factory=dict)
    answers: dict[str, str] = field(default_factory=dict)

    def step(self, name: str) -> Step:
        s = Step(name)
        self.steps.append(s)
        return s


# ------------------------------------------------------------------ helpers


def mem_available_gb() -> float:
    """``MemAvailable`` of /proc/meminfo in GB.

    >>> mem_available_gb() > 0
    True
    """
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemAvailable:"):
            return int(line.split()[1]) / 1024 / 1024
    raise RuntimeError("MemAvailable not in /proc/meminfo")


def wait_for_memory(min_gb: float, max_wait_s: float, poll_s: float = 30.0) -> float:
    """Wait until at least ``min_gb`` GB are available; the available GB (raises after ``max_wait_s``)."""
    deadline = time.monotonic() + max_wait_s
    while True:
        avail = mem_available_gb()
        if avail >= min_gb:
            return avail
        if time.monotonic() >= deadline:
            raise RuntimeError(f"only {avail:.1f} GB available after {max_wait_s:.0f} s (need {min_gb:g} GB)")
        log(f"  waiting for memory: {avail:.1f} GB available, need {min_gb:g} GB")
        time.sleep(poll_s)


def dir_mb(path: Path) -> float:
    """Bytes on disk under ``path`` (a file or folder) in MB.

    >>> dir_mb(Path("/nonexistent-folder"))
    0.0
    """
    if not path.exists():
        return 0.0
    if path.is_file():
        return path.stat().st_blocks * 512 / 1e6
    return sum(p.stat().st_blocks * 512 for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def classpath() -> str:
    """The Neo4j 5.26 classpath of scripts/neo4j-server (jars and the compiled Launcher)."""
    cp = subprocess.run([str(SERVER), "classpath"], capture_output=True, text=True, timeout=900)
    if cp.returncode != 0:
        raise RuntimeError(f"scripts/neo4j-server classpath failed: {cp.stderr.strip()[-800:]}")
    return cp.stdout.strip().splitlines()[-1]


def admin_argv(cp: str, export_dir: Path, home: Path, *, heap: str, off_heap: str, database: str = "neo4j") -> list[str]:
    """``java … org.neo4j.cli.AdminTool database import full …``: the command import.sh runs, plus memory limits.

    The file list is the export folder's ``nodes_*.csv`` / ``rels_*.csv`` in ``cli.export.import_command``'s
    order (nodes first); ``--max-off-heap-memory`` caps the importer's caches (its default is 90 % of the RAM).
    """
    from cli.export import import_command

    nodes = sorted(p.name for p in export_dir.glob("nodes_*.csv"))
    rels = sorted(p.name for p in export_dir.glob("rels_*.csv"))
    if not nodes:
        raise RuntimeError(f"no nodes_*.csv in {export_dir}: run `indmap export --neo4j-admin` first")
    args = import_command(nodes, rels, database=database, folder=str(export_dir))[1:]
    extra = [f"--max-off-heap-memory={off_heap}", f"--report-file={home / 'import.report'}"]
    return ["java", f"-Xmx{heap}", "-cp", cp, "org.neo4j.cli.AdminTool", *args[:5], *extra, *args[5:]]


def admin_env(home: Path) -> dict[str, str]:
    """NEO4J_HOME / NEO4J_CONF of a private server home (an empty neo4j.conf: the defaults)."""
    (home / "conf").mkdir(parents=True, exist_ok=True)
    conf = home / "conf" / "neo4j.conf"
    if not conf.exists():
        conf.write_text("", encoding="utf-8")
    return {"NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf")}


def import_summary(stdout: str) -> str:
    """The importer's closing lines (time, counts, peak memory) on one line.

    >>> import_summary("x\\nIMPORT DONE in 20s 1ms. \\nImported:\\n  10 nodes\\n  5 relationships\\n  9 properties\\nPeak memory usage: 1.0GiB\\n")
    'IMPORT DONE in 20s 1ms. | 10 nodes | 5 relationships | 9 properties | Peak memory usage: 1.0GiB'
    """
    lines = stdout.splitlines()
    start = next((i for i, ln in enumerate(lines) if "IMPORT DONE" in ln), len(lines))
    return " | ".join(ln.strip() for ln in lines[start:] if ln.strip() and ln.strip() != "Imported:")[:400]


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident set (``VmHWM``) of a running process in MB, or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def uptime_load() -> str:
    """The 1/5/15-minute load averages, as ``uptime`` shows them."""
    return ", ".join(Path("/proc/loadavg").read_text().split()[:3])


# ------------------------------------------------------------------- server


class Server:
    """``scripts/neo4j-server`` on a private home (``INDMAP_NEO4J_HOME``; its database folder ``<home>/db``).

    The jars ``classpath`` already resolved are linked in (no second download); the script
    starts, waits for Bolt and stops the server the same way for tests, bench and users.
    """

    def __init__(self, cp: str, home: Path, heap: str, wait_s: float):
        self.home = home
        self.env = dict(os.environ, INDMAP_NEO4J_HOME=str(home), INDMAP_NEO4J_HEAP=heap, INDMAP_NEO4J_WAIT_S=str(int(wait_s)))
        for entry in cp.split(os.pathsep):  # the jar folder of the classpath: "<lib-VERSION>/*"
            lib = Path(entry[:-2]) if entry.endswith("/*") else None
            if lib is not None and not (home / lib.name).exists():
                (home / lib.name).symlink_to(lib.resolve())
        self.uri = ""

    def _script(self, command: str, timeout_s: float) -> subprocess.CompletedProcess:
        return subprocess.run([str(SERVER), command], env=self.env, capture_output=True, text=True, timeout=timeout_s)

    def start(self, timeout_s: float) -> None:
        r = self._script("start", timeout_s + 120)  # the script gives up after INDMAP_NEO4J_WAIT_S itself
        if r.returncode != 0:
            raise RuntimeError(f"scripts/neo4j-server start failed: {r.stderr.strip()[-1500:]}")
        self.uri = r.stdout.strip().splitlines()[-1]

    def peak_rss_mb(self) -> float | None:
        try:
            return vm_hwm_mb(int((self.home / "run" / "neo4j.pid").read_text().strip()))
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        self._script("stop", 180)


def run_constraints(uri: str, path: Path, index_timeout_s: int) -> int:
    """Run ``constraints.cypher`` statement by statement, then wait for every index to come online."""
    import neo4j

    from graph import queries as Q

    n = 0
    with neo4j.GraphDatabase.driver(uri) as drv:
        for stmt in path.read_text(encoding="utf-8").split(";\n"):
            if stmt.strip():
                drv.execute_query(stmt)
                n += 1
        drv.execute_query(Q.AWAIT_INDEXES, seconds=index_timeout_s)
    return n


# -------------------------------------------------------------------- steps


def child_step(rep: Report, name: str, argv: list[str], *, timeout: float, env: dict | None = None, cwd: Path = ROOT):
    """Run one measured child process as step ``name``; its ChildRun (None when it could not start)."""
    st = rep.step(name)
    log(f"[{time.strftime('%H:%M:%S')}] {name} (load {uptime_load()}, {mem_available_gb():.1f} GB available)")
    r = run_child(argv, timeout=timeout, env=env, cwd=cwd)
    st.wall_s, st.peak_rss_mb, st.ok = round(r.wall, 2), round(r.maxrss_mb, 1), r.rc == 0
    if r.rc != 0:
        st.note = f"exit {r.rc}: " + (r.stderr.strip() or r.stdout.strip())[-1500:]
    log(f"  {name}: {st.wall_s} s, peak {st.peak_rss_mb:,.0f} MB, {'ok' if st.ok else st.note}")
    return r


def cli_answer(rep: Report, name: str, args: list[str], store: str, timeout: float):
    r = child_step(rep, name, [PY, "-m", "cli", *args, "--format", "json", "--store", store], timeout=timeout)
    return json.loads(r.stdout) if r.rc == 0 else None


def compare(rep: Report, key: str, emb, neo) -> None:
    if emb is None or neo is None:
        rep.answers[key] = "not compared (a run failed)"
        return
    problems = diff(emb, neo)
    rep.answers[key] = "identical (parsed JSON compared)" if not problems else "DIFFER: " + "; ".join(problems[:3])
    log(f"  {key}: {rep.answers[key]}")


def load_embedded(rep: Report, a: argparse.Namespace, work: Path) -> Path | None:
    """Step 1 (or the store given with --store): the embedded store's path, None when the ingest failed."""
    if a.store:
        rep.step("ingest (embedded)").note = f"reused {a.store}"
        rep.steps[-1].ok = True
        return Path(a.store)
    store = work / "embedded.lbug"
    wait_for_memory(a.min_free_gb, a.max_wait_s)
    r = child_step(rep, "ingest (embedded)", [PY, "-m", "cli", "ingest", str(a.dataset), "--store", str(store), "--quiet"],
                   timeout=a.timeout, env={"INDMAP_BUFFER_POOL_MB": str(a.buffer_pool_mb)})
    return store if r.rc == 0 else None


def bulk_import(rep: Report, a: argparse.Namespace, store: Path, work: Path, cp: str) -> Path | None:
    """Steps 2-3: export, then neo4j-admin into a fresh home; the home, None when a step failed."""
    export_dir, home = work / "admin", work / "neo4j" / "db"  # the database folder of scripts/neo4j-server's home
    wait_for_memory(a.min_free_gb, a.max_wait_s)
    r = child_step(rep, "export --neo4j-admin", [PY, "-m", "cli", "export", "--neo4j-admin", str(export_dir), "--store", str(store)],
                   timeout=a.timeout)
    if r.rc != 0:
        return None
    rep.sizes_mb["export CSV"] = round(dir_mb(export_dir), 1)
    if (home / "data").exists():
        raise RuntimeError(f"{home / 'data'} exists: the import needs a fresh home (delete it or use another --work)")
    env = admin_env(home)
    wait_for_memory(a.min_free_gb, a.max_wait_s)
    argv = admin_argv(cp, export_dir, home, heap=a.admin_heap, off_heap=a.admin_off_heap)
    r = child_step(rep, "neo4j-admin database import full", argv, timeout=a.timeout, env=env, cwd=home)
    if r.rc != 0 or "IMPORT DONE" not in r.stdout:
        rep.steps[-1].ok = False
        rep.steps[-1].note = rep.steps[-1].note or ("no IMPORT DONE: " + r.stdout[-1500:])
        return None
    rep.steps[-1].note = import_summary(r.stdout)
    rep.sizes_mb["neo4j database after import"] = round(dir_mb(home / "data"), 1)
    if not a.keep_export:
        for p in export_dir.glob("*.csv"):
            p.unlink()
    return home


def serve_and_query(rep: Report, a: argparse.Namespace, store: Path, home: Path, cp: str) -> None:
    """Steps 4-5: the server on the imported database, constraints, then gaps/targets on both stores."""
    server = Server(cp, home.parent, a.heap, a.start_timeout)
    try:
        st = rep.step("server start")
        t0 = time.perf_counter()
        server.start(a.start_timeout)
        st.wall_s, st.ok = round(time.perf_counter() - t0, 2), True
        st = rep.step("constraints.cypher + indexes online")
        log(f"[{time.strftime('%H:%M:%S')}] constraints (load {uptime_load()})")
        t0 = time.perf_counter()
        n = run_constraints(server.uri, work_export(a) / "constraints.cypher", a.timeout)
        st.wall_s, st.ok, st.peak_rss_mb, st.note = round(time.perf_counter() - t0, 2), True, server.peak_rss_mb(), f"{n} statements; peak RSS = server VmHWM"
        log(f"  constraints: {st.wall_s} s")
        seg = a.segment
        commands = {"gaps": ["gaps"], "targets": ["targets", "--segment", seg]}
        for key, args in commands.items():
            emb = cli_answer(rep, f"indmap {' '.join(args)} (embedded)", args, str(store), a.timeout)
            neo = cli_answer(rep, f"indmap {' '.join(args)} (Neo4j)", args, server.uri, a.timeout)
            compare(rep, key, emb, neo)
        st = rep.step("server peak RSS")
        st.peak_rss_mb, st.ok, st.note = server.peak_rss_mb(), True, f"heap {a.heap}, page cache 256 MB (scripts/neo4j-server)"
    finally:
        server.stop()
    rep.sizes_mb["neo4j database (with indexes)"] = round(dir_mb(home / "data"), 1)


def work_export(a: argparse.Namespace) -> Path:
    return Path(a.work) / "admin"


# --------------------------------------------------------------------- main


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.neo4j_bulk", description=__doc__.split("\n\n")[0])
    p.add_argument("dataset", type=Path, help="dataset folder (bench/generate.py output)")
    p.add_argument("--work", type=Path, required=True, help="work folder (created): embedded store, export, Neo4j home")
    p.add_argument("--store", help="reuse this embedded store (already holding DATASET) instead of ingesting")
    p.add_argument("--json", type=Path, help="write the report as JSON here")
    p.add_argument("--segment", default="NEV-M01", help="segment for `indmap targets` (default NEV-M01)")
    p.add_argument("--heap", default="2g", help="the server's Java heap (default 2g; page cache is the Launcher's 256 MB)")
    p.add_argument("--admin-heap", default="1g", help="neo4j-admin's Java heap (default 1g)")
    p.add_argument("--admin-off-heap", default="4G", help="neo4j-admin --max-off-heap-memory (default 4G)")
    p.add_argument("--buffer-pool-mb", type=int, default=int(os.environ.get("INDMAP_BUFFER_POOL_MB", "1024")),
                   help="INDMAP_BUFFER_POOL_MB for the embedded ingest (10M needs 6144)")
    p.add_argument("--min-free-gb", type=float, default=4.0, help="wait before each big step until this much memory is available")
    p.add_argument("--max-wait-s", type=float, default=1800, help="give up waiting for memory after this long")
    p.add_argument("--timeout", type=float, default=7200, help="per-step timeout in seconds")
    p.add_argument("--start-timeout", type=float, default=600, help="seconds to wait for the server to accept Bolt")
    p.add_argument("--keep-export", action="store_true", help="keep the exported CSV files after the import")
    return p.parse_args(argv)


def print_report(rep: Report) -> None:
    print(f"neo4j bulk run of {rep.dataset} (started {rep.started}, load {rep.load})")
    for s in rep.steps:
        wall = "" if s.wall_s is None else f"{s.wall_s:>9.1f} s"
        rss = "" if s.peak_rss_mb is None else f"{s.peak_rss_mb:>9,.0f} MB"
        print(f"  {s.name:<42} {wall:>11} {rss:>12}  {'ok' if s.ok else 'FAILED'}  {s.note[:200]}")
    for k, v in rep.sizes_mb.items():
        print(f"  size: {k:<36} {v:>10,.0f} MB")
    for k, v in rep.answers.items():
        print(f"  answers {k}: {v}")


def main(argv: list[str] | None = None) -> int:
    a = parse(argv)
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    rep = Report(str(a.dataset), time.strftime("%Y-%m-%d %H:%M:%S %Z"), uptime_load())
    rep.settings = {"heap": a.heap, "admin_heap": a.admin_heap, "admin_off_heap": a.admin_off_heap,
                    "buffer_pool_mb": str(a.buffer_pool_mb), "page_cache": "256m (scripts/neo4j/Launcher.java)"}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # finally-blocks stop the server
    try:
        cp = classpath()
        store = load_embedded(rep, a, work)
        if store is not None:
            rep.sizes_mb["embedded store (+ view)"] = round(dir_mb(store) + dir_mb(Path(str(store) + ".view")), 1)
            home = bulk_import(rep, a, store, work, cp)
            if home is not None:
                serve_and_query(rep, a, store, home, cp)
    except Exception as exc:  # noqa: BLE001 - a failure is a result: reported with the steps so far
        rep.step("error").note = f"{type(exc).__name__}: {exc}"[:1500]
    finally:
        print_report(rep)
        if a.json:
            a.json.write_text(json.dumps(asdict(rep), ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if all(s.ok for s in rep.steps) and all(v.startswith("identical") for v in rep.answers.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
