"""Answers of graph.analysis and of the networkx baselines, reduced to comparable form.

Each ``canon_*`` turns one side's result into plain JSON-able data; :func:`diff` lists the
differences (floats compared with a relative tolerance of 1e-9). The benchmark asserts that
the list is empty before it reports any speed-up.
"""

from __future__ import annotations

import math
from typing import Any

REL_TOL = 1e-9


def _f(x: float | None) -> float | None:
    return None if x is None else float(x)


# ------------------------------------------------------------------ canonical forms


def canon_gaps_analysis(res) -> dict[str, list]:
    return {
        r.segment_id: [r.label, r.local_count, _f(r.local_revenue), r.above_scale_count, r.candidate_count, _f(r.priority)]
        for r in res.rows
    }


def canon_gaps_nx(res: dict) -> dict[str, list]:
    return {
        s: [d["label"], d["local_count"], _f(d["local_revenue"]), d["above_scale_count"], d["candidate_count"], _f(d["priority"])]
        for s, d in res.items()
    }


def canon_targets_analysis(res) -> dict[str, Any]:
    ranked = [[r.enterprise_id, _f(r.score)] for r in res.rows if not r.in_pipeline]
    piped = [[r.enterprise_id, _f(r.score)] for r in res.rows if r.in_pipeline]
    return {"pool_size": res.pool_size, "gate_removed": dict(res.gate_removed), "ranked": ranked, "pipeline": piped}


def canon_targets_nx(res: dict) -> dict[str, Any]:
    return {
        "pool_size": res["pool_size"],
        "gate_removed": dict(res["gate_removed"]),
        "ranked": [[e, _f(s)] for e, s in res["ranked"]],
        "pipeline": [[e, _f(s)] for e, s in res["pipeline"]],
    }


def canon_overlap_analysis(res) -> dict[str, list]:
    return {f"{p.park_a}|{p.park_b}": [_f(p.similarity), p.basis, p.flagged] for p in res.pairs}


def canon_overlap_nx(res: dict) -> dict[str, list]:
    return {f"{a}|{b}": [_f(s), basis, flag] for (a, b), (s, basis, flag) in res.items()}


def canon_projects_analysis(res) -> dict[str, Any]:
    return {
        "funnel": {r.stage: [r.count, _f(r.investment)] for r in res.funnel},
        "conversion": [[c.reached_from, c.reached_to] for c in res.conversion],
        "stalled": sorted([r.project_id, r.days] for r in res.stalled),
        "low_intensity": sorted(r.project_id for r in res.intensity if r.intensity is not None and any(f.startswith("投资强度") for f in r.flags)),
        "overdue": sorted([o.project_id, o.kind, o.days_overdue] for o in res.overdue),
        "fills": sorted(([f.project_id, f.label, _f(f.priority)] for f in res.fills), key=lambda x: x[0]),
    }


def canon_projects_nx(res: dict) -> dict[str, Any]:
    return {
        "funnel": {k: [v[0], _f(v[1])] for k, v in res["funnel"].items()},
        "conversion": [list(c) for c in res["conversion"]],
        "stalled": [list(x) for x in res["stalled"]],
        "low_intensity": list(res["low_intensity"]),
        "overdue": [list(x) for x in res["overdue"]],
        "fills": [[p, lab, _f(pr)] for p, lab, pr in res["fills"]],
    }


# ------------------------------------------------------------------ diff


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None:
            return a is b
        return math.isclose(float(a), float(b), rel_tol=REL_TOL, abs_tol=1e-9)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    return a == b


def diff(a: Any, b: Any, path: str = "", limit: int = 10) -> list[str]:
    """Differences between two canonical results (at most ``limit``)."""
    out: list[str] = []
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b), key=str):
            if k not in a or k not in b:
                out.append(f"{path}/{k}: only in {'analysis' if k in a else 'baseline'}")
            elif not _close(a[k], b[k]):
                if isinstance(a[k], dict):
                    out += diff(a[k], b[k], f"{path}/{k}", limit)
                else:
                    out.append(f"{path}/{k}: {str(a[k])[:200]} != {str(b[k])[:200]}")
            if len(out) >= limit:
                break
    elif not _close(a, b):
        out.append(f"{path}: {str(a)[:200]} != {str(b)[:200]}")
    return out[:limit]
