"""``python -m bench``: benchmarks at city, province and national scale, each beside its baseline.

    python -m bench --quick                 # 10k only, 3 runs, Neo4j only if a server is up (< 3 min)
    python -m bench                         # 10k and 100k, 5 runs
    python -m bench --full --write-docs     # 10k, 100k and 1M, app pages at 1M; rewrites docs/benchmarks.md
    python -m bench --sizes demo,10k --pages-at 10k --neo4j start   # a small run of every part

Neo4j: ``INDMAP_BENCH_NEO4J_URI`` if set; else a private server under bench/out/neo4j (never
the shared development server, whose data the store tests own): used when it is running, and
started (from the jars scripts/neo4j-server already cached) for the default and full runs.
Exit status: 0 when every part that could run ran (unavailable parts say so), 1 when
graph.analysis and the networkx baselines disagree or a measurement failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

from bench import measure as M
from bench import report

SCRIPT = M.ROOT / "scripts" / "neo4j-server"
PRIVATE_HOME = M.OUT / "neo4j"
SHARED_HOME = M.ROOT / ".cache" / "neo4j"


def _neo4j_env() -> dict:
    e = dict(os.environ)
    e["INDMAP_NEO4J_HOME"] = str(PRIVATE_HOME)
    return e


def _link_cached_jars() -> bool:
    """Reuse the jars the shared server already resolved (no download)."""
    PRIVATE_HOME.mkdir(parents=True, exist_ok=True)
    found = False
    for lib in SHARED_HOME.glob("lib-*"):
        if (lib / ".complete").exists():
            dst = PRIVATE_HOME / lib.name
            if not dst.exists():
                dst.symlink_to(lib)
            found = True
    return found


def neo4j_uri(mode: str, quick: bool) -> tuple[str | None, bool, str]:
    """(uri, started_by_us, how)."""
    if mode == "off":
        return None, False, "off (--neo4j off)"
    env_uri = os.environ.get("INDMAP_BENCH_NEO4J_URI")
    if env_uri:
        return env_uri, False, "INDMAP_BENCH_NEO4J_URI"
    if not SCRIPT.exists():
        return None, False, "scripts/neo4j-server missing"
    r = subprocess.run([str(SCRIPT), "uri"], env=_neo4j_env(), capture_output=True, text=True)
    if r.returncode == 0 and r.stdout.strip():
        return r.stdout.strip(), False, "private server already running (bench/out/neo4j)"
    if quick and mode != "start":
        return None, False, "no server running (quick runs do not start one)"
    if not _link_cached_jars():
        return None, False, "Neo4j jars not cached (run scripts/neo4j-server start once)"
    r = subprocess.run([str(SCRIPT), "start"], env=_neo4j_env(), capture_output=True, text=True, timeout=300)
    if r.returncode != 0 or not r.stdout.strip():
        return None, False, f"could not start a private server: {r.stderr.strip()[-300:]}"
    return r.stdout.strip().splitlines()[-1], True, "private server started for this run"


def private_pid() -> int | None:
    """The private server's pid (its CPU time is read from /proc around the Neo4j write), or None."""
    try:
        pid = int((PRIVATE_HOME / "run" / "neo4j.pid").read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if Path(f"/proc/{pid}/stat").exists() else None


def stop_private() -> None:
    subprocess.run([str(SCRIPT), "stop"], env=_neo4j_env(), capture_output=True, text=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true", help="10k only, 3 runs, no Neo4j unless a server is up (CI smoke run)")
    g.add_argument("--full", action="store_true", help="10k, 100k and 1M")
    ap.add_argument("--sizes", help="comma-separated sizes, e.g. 10k,100k (overrides the mode's)")
    ap.add_argument("--runs", type=int, help="runs per figure (median); default 3 quick, 5 otherwise")
    ap.add_argument("--big-runs", type=int, default=3, help="runs per figure at 1M (default 3)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--neo4j", choices=["auto", "off", "start"], default="auto")
    ap.add_argument("--pages-at", help="also time every app page in Chromium on a store of this size (default with --full: 1M; 'none' to skip)")
    ap.add_argument("--neo4j-size", help="size loaded into Neo4j (default: the largest size up to 100k)")
    ap.add_argument("--merge-rows", type=int, help="rows for the per-row MERGE baseline (default 5,000 quick, 20,000 otherwise)")
    ap.add_argument("--write-docs", action="store_true", help="rewrite docs/benchmarks.md from this run")
    args = ap.parse_args(argv)

    sizes = args.sizes.split(",") if args.sizes else (["demo", "10k"] if args.quick else ["demo", "10k", "100k", "1M"] if args.full else ["demo", "10k", "100k"])
    runs = args.runs or (3 if args.quick else 5)
    merge_rows = args.merge_rows or (2_000 if args.quick else 20_000)
    mode = "quick" if args.quick else "full" if args.full else "default"
    pages_at = None if (args.pages_at or "").lower() == "none" else args.pages_at or ("1M" if args.full else None)
    cmd = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    t_start = time.perf_counter()

    uri, started, how = neo4j_uri(args.neo4j, args.quick)
    M.log(f"bench ({mode}): sizes {', '.join(sizes)}, {runs} runs (1M: {min(runs, args.big_runs)}); Neo4j: {uri or '—'} ({how})")
    from bench.generate import parse_size

    gen_sizes = [s for s in sizes if s != "demo"]
    neo_size = args.neo4j_size or max((s for s in gen_sizes if parse_size(s) <= 100_000), key=parse_size, default=sizes[0])
    b = M.Bench(runs=runs, seed=args.seed, quick=args.quick, neo4j_uri=uri, merge_rows=merge_rows, big_runs=args.big_runs)
    b.neo4j_why = how
    b.neo4j_pid = private_pid() if how.startswith("private server") else None  # its CPU time is measured
    status = 0
    try:
        for size in sizes:
            M.log(f"[{size}]")
            b.details.setdefault("loadavg", {})[size] = {"start": os.getloadavg()}
            try:
                d = M.dataset(size, args.seed)
                store = M.OUT / "store" / f"{size}.lbug"
                b.ingest(size, d, store)
                b.analysis(size, d, store, compare=True)
                loaded = b.neo4j(size, store) if size == neo_size else False
                b.saved_queries(size, d, store, loaded)
                if loaded:
                    from bench import neo4j_cli

                    neo4j_cli.run(b, size, d, store, b.runs_for(size))
                b.details["loadavg"][size]["end"] = os.getloadavg()
            except M.Unavailable as exc:
                b.add(M.Figure("dataset", "dataset", size, None, "", note=f"not measured: {exc}"))
            except Exception as exc:  # one size failing does not hide the others
                b.failures.append(f"{size}: {type(exc).__name__}: {exc}")
                M.log(traceback.format_exc())
        b.pages()
        if pages_at:  # the browser test's page timing on a store of that size (--full: 1M)
            try:
                from bench import pages as pages_bench

                pages_bench.run(b, M.dataset(pages_at, args.seed), pages_at)
            except Exception as exc:  # noqa: BLE001 - one part failing does not hide the others
                b.failures.append(f"pages {pages_at}: {type(exc).__name__}: {exc}")
                M.log(traceback.format_exc())
        try:
            from bench import reports as report_bench

            report_bench.run(b, runs)
        except Exception as exc:  # noqa: BLE001 - one part failing does not hide the others
            b.failures.append(f"reports: {type(exc).__name__}: {exc}")
            M.log(traceback.format_exc())
    finally:
        if started:
            stop_private()
    meta = report.machine(cmd)
    meta.update({"mode": mode, "sizes": sizes, "runs": runs, "big_runs": min(runs, args.big_runs), "neo4j": how, "neo4j_size": neo_size if uri else None, "merge_rows": merge_rows, "seconds": round(time.perf_counter() - t_start, 1), "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")})
    M.save(b, M.OUT / f"results-{mode}.json", meta)
    print(report.text(b, meta))
    if args.write_docs:
        path = report.write_docs(b, meta)
        M.log(f"wrote {path}")
    if b.failures:
        status = 1
        for f in b.failures:
            M.log("FAILED: " + f)
    return status


if __name__ == "__main__":
    sys.exit(main())
