"""Report generation time for a 40-segment chain (goal: under 5 s), beside the analysis it is built from.

The chain: the demo's CHM (22 segments) and ESS (18) joined into one chain of 40
segments (ESS's segments moved to CHM), with every enterprise, link and project
as they are. Measured in this process, median of ``runs``: the chain report as
.docx and as .pdf (analysis + content + map picture + file), and as baseline the
analysis alone (gaps, summary, targets of every broken and missing segment,
project fills) that the report calls.
"""

from __future__ import annotations

import time

import polars as pl

from bench.measure import AS_OF, ROOT, Figure, log, med

CHAIN, MERGED = "CHM", "ESS"
GOAL_S = 5.0


def forty_segment_view():
    """The demo with CHM and ESS joined into one 40-segment chain (a GraphView)."""
    from graph.view import GraphView
    from ingest import load_dataset

    res = load_dataset(ROOT / "data" / "demo")
    if not res.ok:
        raise RuntimeError("the demo dataset does not validate")
    t = dict(res.tables)
    t["segments"] = t["segments"].with_columns(pl.when(pl.col("chain_id") == MERGED).then(pl.lit(CHAIN)).otherwise(pl.col("chain_id")).alias("chain_id"))
    t["chains"] = t["chains"].filter(pl.col("id") != MERGED)
    view = GraphView(t, {"dataset": "data/demo (CHM+ESS joined)", "demo": True})
    n = view.segments.filter(pl.col("chain_id") == CHAIN).height
    return view, n


def _timed(fn, runs: int) -> tuple[list[float], object]:
    out, res = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        res = fn()
        out.append(time.perf_counter() - t0)
    return out, res


def run(b, runs: int) -> None:
    """Add the report figures to the bench ``b``."""
    import datetime as dt

    from graph.analysis import chain_summary, gaps, project_report, targets
    from graph.settings import AnalysisSettings
    from reports import find_cjk_font, render
    from reports.chain import chain_report

    try:
        font = find_cjk_font()
    except Exception as exc:  # noqa: BLE001 - reported as not measured
        b.add(Figure("report_chain", "chain report (40 segments)", "demo", None, "s", goal=f"≤ {GOAL_S:g} s", note=f"not measured: {exc}"))
        return
    view, n = forty_segment_view()
    s = AnalysisSettings()
    as_of = dt.date.fromisoformat(AS_OF)

    def analysis_only():
        rows = gaps(view, s, chain_id=CHAIN).rows
        chain_summary(view, s)
        for r in rows:
            if r.label in ("broken", "missing"):
                targets(view, s, r.segment_id)
        project_report(view, s, as_of=as_of)

    base, _ = _timed(analysis_only, runs)
    sizes = {}
    for ext in (".docx", ".pdf"):
        times, data = _timed(lambda: render(chain_report(view, s, CHAIN, font_path=str(font.path), as_of=as_of), ext, font), runs)
        v = med(times)
        sizes[ext] = len(data)
        b.add(Figure(
            f"report_chain{ext}", f"chain report as {ext} ({n} segments: analysis, map picture, file)", "demo", v, "s",
            med(base), "the analysis it calls", v / med(base), "of baseline", f"≤ {GOAL_S:g} s", v <= GOAL_S, runs,
            f"{len(data) / 1024:,.0f} KB; font {font.family}",
        ))
        log(f"  report {ext}: {v:.2f} s (analysis alone {med(base):.2f} s), {len(data) / 1024:,.0f} KB")
    b.details["reports"] = {"segments": n, "analysis_s": base, "bytes": sizes}
