"""The benchmark report: the terminal summary and docs/benchmarks.md."""

from __future__ import annotations

import os
import platform
import re
import statistics
from importlib import metadata
from pathlib import Path

from bench import measure as M
from bench.measure import ROOT, Bench, Figure, fmt, fmt_ratio

DOCS = ROOT / "docs" / "benchmarks.md"
KEEP_START, KEEP_END = "<!-- analysis:start -->", "<!-- analysis:end -->"


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def _neo4j_server_version() -> str:
    lib = sorted((ROOT / ".cache" / "neo4j").glob("lib-*"))
    return lib[-1].name.removeprefix("lib-") if lib else "unknown"


def machine(cmd: str) -> dict:
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "command": cmd,
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(_mem_gb() or 0, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "ladybug": _version("ladybug"),
        "polars": _version("polars"),
        "networkx": _version("networkx"),
        "neo4j_driver": _version("neo4j"),
        "neo4j_server": _neo4j_server_version(),
        "load_at_start": None if load is None else [round(x, 2) for x in load],
    }


def _met(f: Figure) -> str:
    return "" if f.met is None else ("yes" if f.met else "**no**")


def _is_query(f: Figure) -> bool:
    return f.key.startswith("query:")


def _is_page(f: Figure) -> bool:
    return (f.key.startswith(("page:", "page_cold:")) or f.key == "server_start") and f.value is not None


def page_table(b: Bench) -> str:
    """App pages in Chromium (the browser test): one row per page, the first load included; one column per store."""
    ps = [f for f in b.figures if _is_page(f)]
    if not ps:
        return ""
    sizes = list(dict.fromkeys(f.size for f in ps))
    by = {(f.key, f.size): f for f in ps}
    head = ["page"] + sizes
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for k in dict.fromkeys(f.key for f in ps):
        cells = []
        for sz in sizes:
            f = by.get((k, sz))
            cells.append("" if f is None else fmt(f.value, f.unit) + ("" if f.met is None else f" ({f.goal}: {'met' if f.met else '**not met**'})"))
        out.append("| " + " | ".join([_page_label(k)] + cells) + " |")
    return "\n".join(out)


def _page_label(key: str) -> str:
    if key == "server_start":
        return "server start, before any visitor (`python -m webapp.serve`; no goal)"
    return f"`{key.split(':', 1)[1]}`" + (" (first load)" if key.startswith("page_cold:") else "")


def table_rows(b: Bench) -> list[list[str]]:
    rows = []
    for f in b.figures:
        if _is_query(f) or _is_page(f):
            continue
        value = fmt(f.value, f.unit) if f.value is not None else (f.note if f.note.startswith("not measured") else f"not measured: {f.note}")
        base = "" if f.baseline is None else f"{fmt(f.baseline, f.unit)} ({f.baseline_name})"
        rows.append([f.name, f.size, value, base, fmt_ratio(f) if f.ratio is not None or f.differs else "", f.goal, _met(f), "" if f.runs is None else str(f.runs)])
    return rows


HEADER = ["figure", "size", "value (median)", "baseline, same run", "ratio", "goal", "met?", "runs"]


def _md_table(rows: list[list[str]]) -> str:
    def esc(s: str) -> str:
        return s.replace("|", "\\|")

    out = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def query_table(b: Bench) -> str:
    """Saved queries: one row per query, one column per size (embedded), plus Neo4j where loaded."""
    qs = [f for f in b.figures if _is_query(f)]
    if not qs:
        return ""
    sizes = list(dict.fromkeys(f.size for f in qs))
    neo_sizes = list(dict.fromkeys(f.size for f in qs if f.baseline is not None))
    keys = list(dict.fromkeys(f.key for f in qs))
    by = {(f.key, f.size): f for f in qs}
    head = ["query"] + [f"embedded, {s}" for s in sizes] + sum(([f"Neo4j, {s}", f"embedded vs Neo4j, {s}"] for s in neo_sizes), [])
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for k in keys:
        row = [f"`{k.split(':', 1)[1]}`"]
        for s in sizes:
            f = by.get((k, s))
            row.append(fmt(f.value, f.unit) if f and f.value is not None else "failed" if f else "")
        for s in neo_sizes:
            f = by.get((k, s))
            row.append(fmt(f.baseline, f.unit) if f and f.baseline is not None else "failed")
            row.append(fmt_ratio(f) if f and (f.ratio is not None or f.differs) else "")
        out.append("| " + " | ".join(row) + " |")
    return "\n".join(out)


def _verdict(f: Figure | None, what: str, value: str, ok: bool | None, absent: str) -> str:
    if f is None or f.value is None:
        return f"{what}: " + (f.note if f is not None and f.note else absent) + "."
    if f.differs:
        return f"{what}: {value} — answers differ: not met."
    return f"{what}: {value} — {'met' if ok else 'not met'}."


def goals(b: Bench) -> list[str]:
    """One line per goal of issue 16 (its table, exactly): met / not met / not measured, from this run's numbers."""
    by = {(f.key, f.size): f for f in b.figures}
    e2e, peak, view = by.get(("ingest_e2e", "1M")), by.get(("ingest_peak", "1M")), by.get(("read_view", "1M"))
    t, g = by.get(("targets", "1M")), by.get(("gaps", "1M"))
    no1m = "not measured in this run (1M not included)"
    ingest_ok = e2e and e2e.ratio is not None and e2e.ratio <= M.INGEST_RATIO_GOAL
    out = [
        _verdict(e2e, f"Ingest at 1M ≤ {M.INGEST_RATIO_GOAL:g}× raw COPY", e2e and e2e.ratio is not None and f"{e2e.ratio:.2f}× ({fmt(e2e.value, 's')} vs {fmt(e2e.baseline, 's')})", ingest_ok, no1m)
        + ("" if ingest_ok else _ingest_reason(e2e, by.get(("ingest_cpu", "1M")), b.details.get("ingest_1M", {}).get("cores")))
        + ("" if ingest_ok or e2e is None else _ingest_phases(e2e, b.details.get("ingest_phases_1M"), b.details.get("ingest_1M", {}), b.details.get("copy_steps", {}).get("1M"))),
        _verdict(peak, f"Ingest peak memory at 1M ≤ {M.INGEST_PEAK_GOAL_MB:,} MB", peak and fmt(peak.value, "MB"), peak and peak.value is not None and peak.value <= M.INGEST_PEAK_GOAL_MB, no1m),
        _verdict(t, "Targets, one segment, warm, at 1M ≤ 50 ms", t and fmt(t.value, "ms"), t and t.value is not None and t.value <= 50, no1m),
        _verdict(view, f"Store → analysis view (new process) at 1M ≤ {M.READ_VIEW_GOAL_S:g} s", view and fmt(view.value, "s"), view and view.value is not None and view.value <= M.READ_VIEW_GOAL_S, no1m),
        _verdict(g, "Gaps, all chains, warm, at 1M ≤ 100 ms", g and fmt(g.value, "ms"), g and g.value is not None and g.value <= 100, no1m),
    ]
    out += _page_goals(b)
    for key, what in (("neo4j_cli:gaps", "`indmap gaps`"), ("neo4j_cli:targets", "`indmap targets`")):
        f = next((x for x in b.figures if x.key == key), None)
        label = f"Neo4j at {f.size if f else '100k'}: {what} ≤ 2× embedded, identical answers"
        out.append(_verdict(f, label, f and f.ratio is not None and f"{f.ratio:.2f}× ({fmt(f.value, 's')} vs embedded {fmt(f.baseline, 's')})", f and f.ratio is not None and f.ratio <= 2, "not measured in this run"))
    neo = next((f for f in b.figures if f.key == "neo4j_load"), None)
    neo_ok = neo and neo.ratio is not None and neo.ratio >= 50
    out.append(
        _verdict(neo, "Neo4j batched write ≥ 50× per-row MERGE", neo and neo.ratio is not None and f"{neo.ratio:,.0f}× ({neo.size})", neo_ok, "not measured")
        + ("" if neo_ok or neo is None else _neo4j_write_reason(neo, b.details.get(f"neo4j_{neo.size}", {})))
    )
    return out


def _ingest_reason(e2e: Figure | None, cpu: Figure | None, cores: int | None) -> str:
    """The CPU budget behind an unmet ingest ratio, from this run: what the goal's wall time offers on
    this machine's cores against the CPU seconds the ingest and the engine's own COPY used."""
    if e2e is None or e2e.baseline is None or cpu is None or cpu.value is None or cpu.baseline is None or not cores:
        return ""
    wall = M.INGEST_RATIO_GOAL * e2e.baseline
    offered = wall * cores
    spare = offered - cpu.value
    tail = (
        f"so the cores could idle for only {spare:.1f} core-s of the whole run (start-up, reading the first table, closing)"
        if spare > 0
        else "more than the goal's wall time offers even with every core busy throughout"
    )
    return (
        f" Measured reason: the goal is {wall:.2f} s on {cores} cores = {offered:.1f} core-s; `indmap ingest` used {cpu.value:.1f}"
        f" CPU-s (read, validation, linking, the view file, the engine's COPY, the snapshot) and the engine's raw COPY alone"
        f" {cpu.baseline:.1f} CPU-s in {fmt(e2e.baseline, 's')}, {tail}."
    )


def _ingest_phases(e2e: Figure, ph: dict | None, run: dict, raw_steps: list[dict | None] | None = None) -> str:
    """Where the wall time of an unmet ingest goes, from one more run of the same code split at the engine's
    ``COPY`` statements (:func:`bench.child.copy_phases`), against what the goal leaves beside them; the core-s
    each part left idle on ``run['cores']``; its two longest statements against the same tables' in the raw
    COPY runs (``run['copy_inner']``: the raw statements' seconds; ``raw_steps``: seconds by table, a run each)."""
    if not ph or "copy_s" not in ph or e2e.baseline is None:
        return ""
    goal = M.INGEST_RATIO_GOAL * e2e.baseline
    rest = ph["before_s"] + ph["between_s"] + ph["after_s"]
    raw = f"; the raw COPY's own statements took {statistics.median(run['copy_inner']):.1f} s" if run.get("copy_inner") else ""
    return (
        f" Split at the engine's COPY statements (one more run, {ph['seconds']:.1f} s, load {ph.get('load', 0):.1f}):"
        f" {ph['before_s']:.1f} s ({ph['before_cpu']:.1f} CPU-s) before the first one (start-up; reading, typing and checking"
        f" enterprises.csv and writing its view file and Parquet part: every relationship needs the Enterprise nodes first),"
        f" {ph['copy_s']:.1f} s inside the {ph['copies']} COPY statements ({ph['copy_cpu']:.1f} CPU-s with the work run beside them){raw},"
        f" {ph['between_s']:.1f} s between them and {ph['after_s']:.1f} s after the last (the view's publish, the data version, the"
        f" snapshot). With the COPY statements as they are, the goal's {goal:.2f} s leave {goal - ph['copy_s']:.1f} s for the rest,"
        f" which took {rest:.1f} s."
    ) + _idle(ph, run.get("cores")) + _longest_copies(ph.get("tables") or {}, raw_steps or [])


def _idle(ph: dict, cores: int | None) -> str:
    """The core-s the split run left idle before, inside and after the COPY statements (wall × cores − CPU).

    >>> _idle({"before_s": 2.5, "before_cpu": 3.1, "copy_s": 8.4, "copy_cpu": 14.0, "between_s": 0.2, "between_cpu": 0.3, "after_s": 0.7, "after_cpu": 0.7}, 2)
    ' On 2 cores it left 5.5 core-s idle: 1.9 before the first COPY, 2.8 inside the COPY statements, 0.1 between them and 0.7 after the last.'
    """
    if not cores or "before_cpu" not in ph:
        return ""
    idle = {k: ph[f"{k}_s"] * cores - ph[f"{k}_cpu"] for k in ("before", "copy", "between", "after")}
    return (
        f" On {cores} cores it left {sum(idle.values()):.1f} core-s idle: {idle['before']:.1f} before the first COPY,"
        f" {idle['copy']:.1f} inside the COPY statements, {idle['between']:.1f} between them and {idle['after']:.1f} after the last."
    )


def _longest_copies(tables: dict[str, float], raw_steps: list[dict | None]) -> str:
    """The ingest's two longest COPY statements against the median of the same tables' in the raw COPY runs.

    >>> _longest_copies({"Enterprise": 4.31, "Chain": 0.1, "OPERATES_IN": 4.0}, [{"Enterprise": 2.7, "OPERATES_IN": 3.9}, None])
    ' Its two longest COPY statements: Enterprise 4.3 s (raw COPY 2.7 s), OPERATES_IN 4.0 s (raw COPY 3.9 s); beside the statements run the second phase of validation (from the Enterprise copy until it is done) and the writing of the Parquet parts still to copy.'
    """
    longest = sorted(tables, key=lambda n: -tables[n])[:2]
    if not longest:
        return ""

    def raw(name: str) -> str:
        runs = [r[name] for r in raw_steps if r and name in r]
        return f" (raw COPY {statistics.median(runs):.1f} s)" if runs else ""

    named = ", ".join(f"{n} {tables[n]:.1f} s{raw(n)}" for n in longest)
    return (
        f" Its two longest COPY statements: {named}; beside the statements run the second phase of validation (from the"
        " Enterprise copy until it is done) and the writing of the Parquet parts still to copy."
    )


def _neo4j_write_reason(neo: Figure, d: dict) -> str:
    """The CPU behind an unmet Neo4j write ratio, from this run: the server's and the writer's CPU seconds
    against what 50× at this run's MERGE rate leaves on this machine's cores, and, when the run read the
    server's CPU at every step, what each phase of the write cost (:func:`_neo4j_write_phases`)."""
    cpu, w = d.get("cpu"), d.get("write") or {}
    if not cpu or neo.value is None or not neo.baseline or not cpu.get("cores"):
        return ""
    rows = w.get("nodes", 0) + w.get("relationships", 0)
    wall = rows / (50 * neo.baseline)
    offered = wall * cpu["cores"]
    used = cpu["write_server_s"] + cpu["write_client_s"]
    return (
        f" Measured reason: 50× at this run's MERGE rate means the {rows:,} rows in {wall:.1f} s = {offered:.1f} core-s on"
        f" {cpu['cores']} cores; the server used {cpu['write_server_s']:.1f} CPU-s for the write (its JIT compiler threads"
        f" ≥ {cpu['write_jit_s']:.1f}) and the writer {cpu['write_client_s']:.1f} during the write: {used:.1f} CPU-s"
        + (
            ", more than those cores can give in that time."
            if used > offered
            else f", {used / offered:.0%} of what those cores give in that time: the write's steps, one after another (the largest"
            " tables, then the switch), would have to keep both cores busy nearly throughout."
        )
        + _neo4j_write_phases(w.get("phases") or {}, wall, cpu["cores"])
    )


def _neo4j_write_phases(phases: dict, wall: float, cores: int) -> str:
    """The write's phases (wall, server and writer CPU-s, from the write's own progress) and what the
    one-transaction switch leaves the other phases: the switch runs on one server thread, so during it
    the other cores have little to do; the rest must fit in the goal's time minus the switch's."""
    if not phases or any("server" not in p for p in phases.values()):
        return ""
    names = {"before": "checks, schema and lease", "nodes": "nodes", "relationships": "relationships", "switch": "switch", "after": "clean-up"}
    parts = ", ".join(
        f"{names.get(k, k)} {p['wall']:.1f} s ({p['server']:.1f} + {p['writer']:.1f})" for k, p in phases.items() if p["wall"] >= 0.05
    )
    out = f" By phase (wall, server + writer CPU-s): {parts}."
    sw = phases.get("switch")
    if sw:
        rest_cpu = sum(p["server"] + p["writer"] for k, p in phases.items() if k != "switch")
        left = (wall - sw["wall"]) * cores
        out += (
            f" The switch is one transaction on one server thread ({sw['server']:.1f} CPU-s in {sw['wall']:.1f} s, the"
            f" JIT's {sw['jit']:.1f} included); at its measured length the other phases would have to do their"
            f" {rest_cpu:.1f} CPU-s in {max(wall - sw['wall'], 0):.1f} s = {max(left, 0):.1f} core-s"
            + (f" ({rest_cpu / left:.0%} of it)." if left > 0 else ", no time at all.")
        )
    return out


def _page_goals(b: Bench) -> list[str]:
    pages = [f for f in b.figures if f.key.startswith(("page:", "page_cold:"))]
    chain = [f for f in pages if f.goal and "demo" in f.size.lower()]
    big = [f for f in pages if "1m" in f.size.lower()]
    out = []
    if chain:
        worst = max(chain, key=lambda f: f.value)
        out.append(f"Chain map on the demo ≤ {M.CHAIN_MAP_GOAL_DEMO_S:g} s: {fmt(worst.value, 's')} — {'met' if all(f.met for f in chain) else 'not met'}.")
    else:
        out.append(f"Chain map on the demo ≤ {M.CHAIN_MAP_GOAL_DEMO_S:g} s: not measured in this run (no demo page times).")
    if big:
        worst = max(big, key=lambda f: f.value)
        out.append(f"Every page at 1M ≤ {M.PAGE_GOAL_1M_S:g} s incl. the first load: slowest {worst.name} {fmt(worst.value, 's')} — {'met' if all(f.met for f in big) else 'not met'}.")
    else:
        out.append(f"Every page at 1M ≤ {M.PAGE_GOAL_1M_S:g} s incl. the first load: not measured in this run (no 1M page times).")
    return out


def text(b: Bench, meta: dict) -> str:
    rows = table_rows(b)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(HEADER)]
    widths = [min(w, 70) for w in widths]

    def ln(vals: list[str]) -> str:
        return "  ".join((v[: w - 1] + "…" if len(v) > w else v.ljust(w)) for v, w in zip(vals, widths)).rstrip()

    out = [
        "",
        f"indmap benchmarks — {meta['mode']} run, {meta['seconds']}s; {meta['cores']} cores, {meta['memory_gb']} GB, {meta['cpu']}",
        ln(HEADER),
        ln(["-" * w for w in widths]),
    ]
    out += [ln(r) for r in rows]
    qs = [f for f in b.figures if _is_query(f)]
    if qs:
        out.append("")
        out.append("saved queries (embedded, warm median): " + "; ".join(f"{f.size} {f.key[6:]} {fmt(f.value, f.unit)}" + (f" (Neo4j {fmt(f.baseline, f.unit)})" if f.baseline else "") for f in qs))
    ps = [f for f in b.figures if _is_page(f)]
    if ps:
        out.append("app pages (browser test): " + "; ".join(f"{f.size} {f.key.split(':', 1)[1] if ':' in f.key else 'server start'} {fmt(f.value, f.unit)}" + ("" if f.met is None else " [met]" if f.met else " [NOT met]") for f in ps))
    out.append("")
    out += ["goal: " + g for g in goals(b)]
    out += ["note: " + n for n in b.notes]
    out += ["FAILED: " + f for f in b.failures]
    return "\n".join(out)


def _kept_analysis() -> str:
    if not DOCS.exists():
        return ""
    m = re.search(re.escape(KEEP_START) + r"(.*?)" + re.escape(KEEP_END), DOCS.read_text(encoding="utf-8"), re.S)
    return m.group(1).strip() if m else ""


METHOD = """\
## How it is measured

- **Datasets** come from `python -m bench.generate --size N --seed 1` (bench/generate.py): the
  contract's CSV files, 5 % local enterprises, 2 segments per enterprise on average, 25 segments per
  chain (12 / 24 / 40 chains at 10k / 100k / 1M), supply links = 10 % of the enterprises, 20 / 100 /
  200 parks with two periods of statistics, projects = 0.5 % of the enterprises. `indmap ingest` accepts
  them with no errors (one warning: a deliberate `SUPPLIES` recycling loop).
- **One process per measurement**; peak memory is that process's `ru_maxrss` (`os.wait4`), which
  counts native allocations (polars, LadybugDB, the Neo4j driver) that `tracemalloc` misses.
  Values are medians over the runs shown.
- **Ingest end-to-end** is the wall time of `python -m cli ingest DIR --store F --quiet` (interpreter
  start, read, validate, map, COPY into a new file, atomic swap). **Raw COPY** is a process that creates
  an empty database with the same DDL (`graph.queries.ladybug_ddl`) and runs `COPY … FROM 'file.csv'`
  on already clean files in LadybugDB's own format (one per node and relationship table, prepared
  beforehand from the validated tables): the store's own limit.
- **Analysis** (graph.analysis) runs on a GraphView read from the embedded store. "Warm" = the view is
  in memory and one call has run; before every timed call the per-view memo is cleared, so each run
  computes (the memo-hit time is given in the notes). The **networkx baseline** (bench/baselines.py)
  builds one networkx graph (a node per enterprise, segment, park and project; edges OPERATES_IN,
  SUPPLIES, PART_OF, SUPPLIES_TO, BY, IN_PARK, FILLS) from the same tables and computes the same
  definitions by walking it; its build time is reported apart and added in the "including build" rows.
  Before any ratio is reported, both answers are compared (labels, counts, revenue, priority, target
  order and scores, overlap similarities, project funnel/conversion/stalls/intensity/overdue/fills);
  a difference fails the run, and the figure shows "answers differ" in place of a ratio.
- **Saved queries** are `graph.queries.SAVED_QUERIES` (parameters `chain=NEV`, `segment=NEV-M01`),
  one warm-up run then the median, on the embedded store and on Neo4j loaded with the same data.
- **Neo4j load**: the Neo4j store's `write` (batched `UNWIND`) of the whole dataset, rows/s, beside one
  `MERGE` per row in its own transaction (enterprises, then enterprise→segment rows, with a uniqueness
  constraint so each MERGE is an index lookup) on the first rows of the same data. Both warm, like every
  other figure: one untimed run of each first (a short MERGE run, then a first write of the whole
  dataset, whose rate the note gives: a fresh server's JIT compiles the write's queries during it);
  both timed runs start from an empty database, the MERGE before any indmap index exists.
- **`indmap gaps` / `indmap targets` on Neo4j**: each command with `--format json` as a new process on
  the Neo4j server loaded with the same data, beside the same command on the embedded store (median
  wall time, start-up included); the parsed JSON answers are compared with the networkx check's helper
  (bench/compare.py) and the saved queries' sorted rows by digest: different answers show "answers
  differ", fail the goal and the run.
- **Pages**: the demo's from `artifacts/page_times.json`, written by the app's browser test
  (tests/test_browser.py); in `--full` (or `--pages-at SIZE`) the bench runs that test on a store ingested
  from the 1M dataset, after deleting `artifacts/page_times_1M.json`, and accepts only a file written
  after the test started (its timestamp is kept in the file). The first load (a just-started server's first
  page, timed from the request once the server answers its health check) counts toward the 1M goal; the
  server's warm start before that (`python -m webapp.serve`: imports, the view, 总览's results) is the
  separate "app server start" figure.
- **networkx** is skipped above 1M enterprises (a 10M run): no speed-up or answer check at that size.
"""


def write_docs(b: Bench, meta: dict) -> Path:
    kept = _kept_analysis()
    m = meta
    parts = [
        "# Benchmarks",
        "",
        "Generated by `python -m bench --full --write-docs` (bench/); do not edit the tables by hand — the",
        "section between the `analysis` markers is kept when the file is regenerated.",
        "",
        "## Machine and run",
        "",
        f"- Command: `{m['command']}` ({m['mode']} run, {m['seconds']} s, {m['date']})",
        f"- CPU: {m['cpu']}, {m['cores']} cores (shared with other work; load average at start {m.get('load_at_start')})",
        f"- Memory: {m['memory_gb']} GB; {m['os']}",
        f"- Python {m['python']}; ladybug {m['ladybug']}; polars {m['polars']}; networkx {m['networkx']}; "
        f"neo4j driver {m['neo4j_driver']}, server {m['neo4j_server']}",
        f"- Sizes: {', '.join(m['sizes'])}; runs per figure: {m['runs']} (1M: {m['big_runs']}; the networkx graph "
        f"is built once at 1M); Neo4j: {m['neo4j']}" + (f", loaded with the {m['neo4j_size']} dataset" if m.get("neo4j_size") else ""),
        "",
        "## Goals",
        "",
    ]
    parts += [f"- {g}" for g in goals(b)]
    parts += ["", "## Figures", "", _md_table(table_rows(b)), ""]
    pt = page_table(b)
    if pt:
        parts += [
            "## App pages",
            "",
            "Seconds from navigation to a settled page in headless Chromium (tests/test_browser.py; the demo from the "
            "test suite's own run, 1M from `--full`, which runs the same test on a 1M store and records "
            "artifacts/page_times_1M.json fresh).",
            "",
            pt,
            "",
        ]
    qt = query_table(b)
    if qt:
        qf = [f for f in b.figures if _is_query(f)]
        parts += [
            "## Saved analyst queries",
            "",
            f"`graph.queries.SAVED_QUERIES`, warm, median of {qf[0].runs} runs after one warm-up (ms); Neo4j through the "
            "Neo4j store's `query` (which runs an `EXPLAIN` read-only check first), on the same data.",
            "",
            qt,
            "",
        ]
    notes = list(b.notes) + [f"**FAILED**: {f}" for f in b.failures]
    details = [f for f in b.figures if f.note and f.value is not None and not _is_query(f)]
    if notes or details:
        parts += ["## Notes", ""]
        parts += [f"- {n}" for n in notes]
        parts += [f"- {f.name} ({f.size}): {f.note}" for f in details]
        parts.append("")
    parts += ["## Analysis", "", KEEP_START, kept or "_(where each goal stands and what stands in the way: maintained by hand)_", KEEP_END, ""]
    parts.append(METHOD)
    DOCS.write_text("\n".join(parts), encoding="utf-8")
    return DOCS


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.report RESULTS.json``: rewrite docs/benchmarks.md from a finished run."""
    import sys

    from bench.measure import load

    args = sys.argv[1:] if argv is None else argv
    b, meta = load(Path(args[0]))
    print(write_docs(b, meta))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
