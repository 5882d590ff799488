"""Plain networkx implementations of the analysis, the baseline the benchmarks compare against.

This is how the computations look when the whole map lives in one networkx graph, as in
most open-source chain-graph tools: one node per enterprise and per segment (plus projects),
edges ``OPERATES_IN`` (enterprise → segment, with ``share`` and ``confidence``), ``SUPPLIES``
and ``PART_OF`` (segment → segment), ``SUPPLIES_TO`` (enterprise → enterprise), and for
projects ``BY`` / ``IN_PARK`` / ``FILLS``. Every figure is then computed by walking the graph
in Python.

The definitions are those of analysis.md as graph.analysis documents them (share weighting,
percentiles, normalisation of the priority factors, ...), written independently, so the
benchmark can assert that both give the same answer (:mod:`bench.compare`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import defaultdict
from typing import Any

import networkx as nx
import polars as pl

from graph.settings import AnalysisSettings
from graph.view import GraphView

ENT, SEG, PRJ, PARK, REG = "Enterprise", "Segment", "Project", "Park", "Region"
PROJECT_ORDER = ["lead", "negotiating", "signed", "started", "producing"]


def _n(kind: str, id_: str) -> tuple[str, str]:
    return (kind, id_)


# ------------------------------------------------------------------ build


def build_graph(view: GraphView) -> nx.DiGraph:
    """The whole map as one networkx graph (built from the same tables the analysis reads)."""
    g = nx.DiGraph()
    t = view.tables
    g.graph["has_supply_links"] = t["supply_links"].height > 0
    for r in t["segments"].iter_rows(named=True):
        g.add_node(_n(SEG, r["id"]), kind=SEG, **r)
    for r in t["enterprises"].iter_rows(named=True):
        g.add_node(_n(ENT, r["id"]), kind=ENT, **r)
    for r in t["parks"].iter_rows(named=True):
        g.add_node(_n(PARK, r["id"]), kind=PARK, **r)
    for r in t["projects"].iter_rows(named=True):
        g.add_node(_n(PRJ, r["id"]), kind=PRJ, **r)
    for r in t["regions"].iter_rows(named=True):
        g.add_node(_n(REG, r["code"]), kind=REG, **r)
    for c, p in t["regions"].select("code", "parent_code").iter_rows():
        if p is not None:
            g.add_edge(_n(REG, c), _n(REG, p), type="WITHIN")
    for e, s, share, conf in t["enterprise_segments"].select("enterprise_id", "segment_id", "share", "confidence").iter_rows():
        g.add_edge(_n(ENT, e), _n(SEG, s), type="OPERATES_IN", share=share, confidence=conf)
    for a, b in t["segment_links"].select("from_id", "to_id").iter_rows():
        g.add_edge(_n(SEG, a), _n(SEG, b), type="SUPPLIES")
    for s, p in t["segments"].select("id", "parent_id").iter_rows():
        if p is not None:
            g.add_edge(_n(SEG, s), _n(SEG, p), type="PART_OF")
    for a, b in t["supply_links"].select("supplier_id", "customer_id").iter_rows():
        if g.has_edge(_n(ENT, a), _n(ENT, b)):
            g[_n(ENT, a)][_n(ENT, b)]["n"] += 1
        else:
            g.add_edge(_n(ENT, a), _n(ENT, b), type="SUPPLIES_TO", n=1)
    for pid, e, park, s in t["projects"].select("id", "enterprise_id", "park_id", "segment_id").iter_rows():
        if e is not None:
            g.add_edge(_n(PRJ, pid), _n(ENT, e), type="BY")
        if park is not None:
            g.add_edge(_n(PRJ, pid), _n(PARK, park), type="IN_PARK")
        if s is not None:
            g.add_edge(_n(PRJ, pid), _n(SEG, s), type="FILLS")
    g.graph["chains"] = {r["id"]: r for r in t["chains"].iter_rows(named=True)}
    g.graph["industries"] = {r["id"]: r for r in t["industries"].iter_rows(named=True)}
    return g


def _segments(g: nx.DiGraph) -> list[tuple[str, str]]:
    return [n for n, k in g.nodes(data="kind") if k == SEG]


def _members(g: nx.DiGraph, seg: tuple[str, str]) -> list[tuple[str, str]]:
    """The segment and its sub-segments (PART_OF, transitively)."""
    out, stack, seen = [seg], [seg], {seg}
    while stack:
        s = stack.pop()
        for c in g.predecessors(s):
            if c not in seen and g[c][s]["type"] == "PART_OF":
                seen.add(c)
                out.append(c)
                stack.append(c)
    return out


def _is_local(g: nx.DiGraph, e) -> bool:
    return g.nodes[e].get("local") is True


# ------------------------------------------------------------------ gaps


def presence(g: nx.DiGraph, settings: AnalysisSettings) -> dict[str, tuple[int, float, int, int]]:
    """segment id -> (local_count, local_revenue, above_scale_count, candidate_count); local_revenue is None
    when the segment has local enterprises and none of them a known revenue."""
    out = {}
    for s in _segments(g):
        w: dict[Any, float] = defaultdict(float)
        cands = set()
        for m in _members(g, s):
            for e in g.predecessors(m):
                d = g[e][m]
                if d["type"] != "OPERATES_IN":
                    continue
                loc = g.nodes[e].get("local")
                if loc is True:
                    w[e] += 1.0 if d["share"] is None else d["share"]
                elif loc is False:
                    cands.add(e)
        rev = 0.0
        above = 0
        for e, x in w.items():
            r = g.nodes[e].get("revenue")
            rev += (r or 0.0) * min(1.0, x)
            if r is not None and r >= settings.above_scale_revenue:
                above += 1
        known = any(g.nodes[e].get("revenue") is not None for e in w)
        out[s[1]] = (len(w), rev if known or not w else None, above, len(cands))  # None: local firms, no revenue known
    return out


def gaps(g: nx.DiGraph, settings: AnalysisSettings) -> dict[str, dict]:
    """segment id -> label, counts and priority, for every chain."""
    pres = presence(g, settings)
    by_chain: dict[str, list] = defaultdict(list)
    for s in _segments(g):
        by_chain[g.nodes[s]["chain_id"]].append(s)
    w = settings.priority_weights
    weights = {k: float(getattr(w, k)) for k in ("dependents", "demand", "broken", "key", "category", "supply")}
    wsum = sum(weights.values())
    out = {}
    for cid, segs in by_chain.items():
        # the chain's SUPPLIES links as their own small graph (walking the big one would visit
        # every enterprise edge of every segment)
        sub = nx.DiGraph()
        sub.add_nodes_from(segs)
        S = set(segs)
        sub.add_edges_from((a, b) for a in segs for b in g.successors(a) if b in S and g[a][b]["type"] == "SUPPLIES")
        present = {s: pres[s[1]][0] > 0 for s in segs}
        anc = {s: nx.ancestors(sub, s) for s in segs}
        desc = {s: nx.descendants(sub, s) for s in segs}
        label = {}
        for s in segs:
            lc, _, above, _ = pres[s[1]]
            if present[s]:
                label[s] = "weak" if (lc < settings.weak_min_count or above == 0) else "strong"
            elif any(present[a] for a in anc[s]) and any(present[d] for d in desc[s]):
                label[s] = "broken"
            else:
                label[s] = "missing"
        gap = [s for s in segs if label[s] != "strong"]
        dep = {s: sum(1 for d in desc[s] if present[d]) for s in gap}
        dem = {s: sum(pres[t[1]][1] or 0.0 for t in sub.successors(s) if t != s) for s in gap}
        max_dep = max(dep.values(), default=0)
        max_dem = max(dem.values(), default=0.0)
        ind = g.graph["industries"].get(g.graph["chains"].get(cid, {}).get("industry_id"), {})
        cat = ind.get("category")
        cat_w = float(getattr(settings.category_weights, cat, 0.0)) if cat else 0.0
        for s in segs:
            lc, rev, above, cand = pres[s[1]]
            pr = None
            if label[s] != "strong":
                f = {
                    "dependents": dep[s] / max_dep if max_dep > 0 else 0.0,
                    "demand": dem[s] / max_dem if max_dem > 0 else 0.0,
                    "broken": 1.0 if label[s] == "broken" else 0.0,
                    "key": 1.0 if g.nodes[s].get("key") else 0.0,
                    "category": cat_w,
                    "supply": min(1.0, cand / settings.supply_saturation),
                }
                pr = 100.0 * sum(weights[k] * f[k] for k in weights) / wsum if wsum > 0 else 0.0
                if label[s] == "weak":
                    pr *= settings.weak_priority_multiplier
            out[s[1]] = {"label": label[s], "local_count": lc, "local_revenue": rev, "above_scale_count": above, "candidate_count": cand, "priority": pr}
    return out


# ------------------------------------------------------------------ targets

CONF = {"confirmed": 1.0, "likely": 0.5}
GRADE = {"low": 1.0, "medium": 0.5, "high": 0.0}


def _pct_fn(values: list[float]):
    """v -> share of known values <= v (the CDF percentile); None for an unknown v."""
    vs = sorted(values)
    n = len(vs)
    return lambda v: (bisect.bisect_right(vs, v) / n) if (v is not None and n) else None


def _pool_links(g: nx.DiGraph, seg: Any) -> dict[Any, dict]:
    pool: dict[Any, dict] = {}
    for m in _members(g, seg):
        for e in g.predecessors(m):
            d = g[e][m]
            if d["type"] != "OPERATES_IN" or g.nodes[e].get("local") is not False:
                continue
            p = pool.setdefault(e, {"shares": [], "conf": []})
            if d["share"] is not None:
                p["shares"].append(d["share"])
            if d["confidence"] in CONF:
                p["conf"].append(CONF[d["confidence"]])
    return pool


def _local_partners(g: nx.DiGraph, e: Any) -> int:
    partners = set()
    for nb in list(g.successors(e)) + list(g.predecessors(e)):
        if nb != e and g.nodes[nb].get("kind") == ENT and _is_local(g, nb):
            t1 = g.get_edge_data(e, nb)
            t2 = g.get_edge_data(nb, e)
            if (t1 and t1["type"] == "SUPPLIES_TO") or (t2 and t2["type"] == "SUPPLIES_TO"):
                partners.add(nb)
    return len(partners)


def targets(g: nx.DiGraph, settings: AnalysisSettings, segment_id: str) -> dict:
    """Ranked candidates for a segment (city scope, default gates, no filters; an unknown part = unknown_value)."""
    pool = _pool_links(g, _n(SEG, segment_id))
    pool_size = len(pool)
    gate = {"pollution": 0, "energy": 0}
    for k in ("pollution", "energy"):
        on = settings.gate_high_pollution if k == "pollution" else settings.gate_high_energy
        if on:
            drop = [e for e in pool if g.nodes[e].get(k) == "high"]
            gate[k] = len(drop)
            for e in drop:
                del pool[e]
    attr = {e: g.nodes[e] for e in pool}
    rev_pct = _pct_fn([a["revenue"] for a in attr.values() if a.get("revenue") is not None])
    pat_pct = _pct_fn([float(a["patents"]) for a in attr.values() if a.get("patents") is not None])
    gro_pct = _pct_fn([a["growth"] for a in attr.values() if a.get("growth") is not None])
    # pipeline: the most advanced project stage per enterprise
    stage_of: dict[Any, int] = {}
    for e in pool:
        for p in g.predecessors(e):
            if g.nodes[p].get("kind") == PRJ and g[p][e]["type"] == "BY":
                st = g.nodes[p].get("stage")
                if st in PROJECT_ORDER:
                    stage_of[e] = max(stage_of.get(e, -1), PROJECT_ORDER.index(st))
    w = {k: float(getattr(settings.target_weights, k)) for k in ("scale", "innovation", "ties", "fit", "growth", "green")}
    wsum = sum(w.values())
    sat = getattr(settings, "ties_saturation", 3)
    u = getattr(settings, "unknown_value", 0.0)

    def known(v: Any) -> Any:
        return u if v is None else v

    rows = []
    for e, p in pool.items():
        a = attr[e]
        rv, pt = a.get("revenue"), a.get("patents")
        quals = a.get("qualifications") or []
        giant = any("小巨人" in q for q in quals)
        srdi = any("专精特新" in q for q in quals) or giant
        ht = any("高新技术" in q for q in quals)
        qual_known = giant or srdi or ht or any(q.strip() == "无" for q in quals)
        bonus = min(1.0, 0.3 * ht + 0.3 * srdi + 0.4 * giant) if qual_known else None
        share = min(1.0, sum(p["shares"])) if p["shares"] else None
        conf = max(p["conf"]) if p["conf"] else None
        f = {
            "scale": known(0.0 if (rv is not None and rv <= 0) else rev_pct(rv)),
            "innovation": 0.5 * known(0.0 if (pt is not None and pt <= 0) else pat_pct(None if pt is None else float(pt))) + 0.5 * known(bonus),
            "ties": min(1.0, _local_partners(g, e) / sat) if g.graph.get("has_supply_links") else u,
            "fit": 0.5 * known(share) + 0.5 * known(conf),
            "growth": known(gro_pct(a.get("growth"))),
            "green": (known(GRADE.get(a.get("pollution"))) + known(GRADE.get(a.get("energy")))) / 2.0,
        }
        score = 100.0 * sum(w[k] * f[k] for k in w) / wsum if wsum > 0 else 0.0
        rows.append((e[1], score, stage_of.get(e, -1) >= PROJECT_ORDER.index("signed")))
    rows.sort(key=lambda r: (-round(r[1], 9), r[0]))  # ties by id, as analysis.md says: last-bit noise is not a tie-break
    fresh = [(e, s) for e, s, piped in rows if not piped]
    piped = [(e, s) for e, s, piped in rows if piped]
    return {"pool_size": pool_size, "gate_removed": gate, "ranked": fresh, "pipeline": piped}


# ------------------------------------------------------------------ parks


def _up(g: nx.DiGraph, code: str) -> list[str]:
    """The region and its ancestors (WITHIN edges; a 6-digit code not in the graph by its structure)."""
    chain, seen = [code], {code}
    while True:
        c = chain[-1]
        node = _n(REG, c)
        if node in g:
            parents = [p[1] for p in g.successors(node) if g[node][p]["type"] == "WITHIN"]
            nxt = parents[0] if parents else None
        elif len(c) == 6 and c.isdigit() and not c.endswith("0000"):
            nxt = c[:2] + "0000" if c.endswith("00") else c[:4] + "00"
        else:
            nxt = None
        if nxt is None or nxt in seen:
            return chain
        chain.append(nxt)
        seen.add(nxt)


def _city(g: nx.DiGraph, code: str) -> str | None:
    chain = _up(g, code)
    top = chain[-1]
    if len(top) == 6 and top.isdigit() and top.endswith("00") and not top.endswith("0000"):
        return top
    if len(chain) < 2:
        return None
    name = g.nodes[_n(REG, chain[-2])].get("name") if _n(REG, chain[-2]) in g else None
    if name in ("市辖区", "县"):
        return top
    if name in ("省直辖县级行政区划", "自治区直辖县级行政区划") and len(chain) >= 3:
        return chain[-3]
    return chain[-2]


def own_parks(g: nx.DiGraph, settings: AnalysisSettings) -> set[str]:
    """The city's own parks: those within 本市 (the setting, else the city with most local enterprises) and those with a local enterprise."""
    park_region = {n[1]: a.get("region_code") for n, a in g.nodes(data=True) if a.get("kind") == PARK}
    locals_ = [a for _, a in g.nodes(data=True) if a.get("kind") == ENT and a.get("local") is True]
    home = settings.home_region
    if home is None:
        counts: dict[str, int] = defaultdict(int)
        for a in locals_:
            region = a.get("region_code") or park_region.get(a.get("park_id"))
            city = _city(g, region) if region else None
            if city:
                counts[city] += 1
        home = min(counts, key=lambda c: (-counts[c], c)) if counts else None
    if home is None:
        return set(park_region)
    return {p for p, r in park_region.items() if r and home in _up(g, r)} | {a["park_id"] for a in locals_ if a.get("park_id")}


def _root(g: nx.DiGraph, seg: tuple[str, str]) -> tuple[str, str]:
    """Top-level PART_OF ancestor of a segment (cycle-safe; first parent by id)."""
    top, seen = seg, {seg}
    while True:
        parents = sorted(p for p in g.successors(top) if g[top][p]["type"] == "PART_OF")
        if not parents or parents[0] in seen:
            return top
        top = parents[0]
        seen.add(top)


def park_overlap(g: nx.DiGraph, settings: AnalysisSettings) -> dict[tuple[str, str], tuple[float, str, bool]]:
    """(park_a, park_b) -> (cosine similarity, basis, flagged) over local revenue by top-level segment, own parks only.

    An enterprise counts in a top-level segment (sub-segments rolled up) with weight
    min(1, Σ share), a missing share counting 1; a pair where either park has no revenue at
    all is compared on enterprise counts.
    """
    weights: dict[tuple[str, Any, Any], float] = defaultdict(float)  # (park, root, enterprise) -> Σ share
    roots: dict[Any, Any] = {}
    for e, k in g.nodes(data="kind"):
        if k != ENT:
            continue
        a = g.nodes[e]
        if a.get("local") is not True or a.get("park_id") is None:
            continue
        for s in g.successors(e):
            d = g[e][s]
            if d["type"] != "OPERATES_IN":
                continue
            if s not in roots:
                roots[s] = _root(g, s)
            weights[(a["park_id"], roots[s], e)] += 1.0 if d["share"] is None else d["share"]
    rev: dict[str, dict[Any, float]] = defaultdict(lambda: defaultdict(float))
    cnt: dict[str, dict[Any, float]] = defaultdict(lambda: defaultdict(float))
    for (park, root, e), w in weights.items():
        rev[park][root] += (g.nodes[e].get("revenue") or 0.0) * min(1.0, w)
        cnt[park][root] += 1.0
    own = own_parks(g, settings)  # peer parks of other cities are not compared
    parks = sorted(p for p in {n[1] for n, kk in g.nodes(data="kind") if kk == PARK} | set(cnt) if p in own)
    has_rev = {p: sum(rev[p].values()) > 0 if p in rev else False for p in parks}
    out = {}
    for i, pa in enumerate(parks):
        for pb in parks[i + 1 :]:
            if has_rev[pa] and has_rev[pb]:
                va, vb, basis = rev[pa], rev[pb], "revenue"
            else:
                va, vb, basis = cnt.get(pa, {}), cnt.get(pb, {}), "count"
            na = math.sqrt(sum(x * x for x in va.values()))
            nb = math.sqrt(sum(x * x for x in vb.values()))
            dot = sum(x * vb.get(s, 0.0) for s, x in va.items())
            sim = min(1.0, max(0.0, dot / (na * nb))) if na > 0 and nb > 0 else 0.0
            out[(pa, pb)] = (sim, basis, sim >= settings.overlap_threshold)
    return out


# ------------------------------------------------------------------ projects


def project_metrics(g: nx.DiGraph, settings: AnalysisSettings, as_of: dt.date) -> dict:
    """Funnel, conversion, stalled, intensity flags, overdue and gap fills of the projects."""
    order = {s: i for i, s in enumerate(PROJECT_ORDER)}
    funnel: dict[str, list] = {s: [0, 0.0] for s in PROJECT_ORDER + ["dropped"]}
    reached: list[int] = []
    stalled, low_intensity, overdue, fills = [], [], [], []
    projects = sorted(n for n, k in g.nodes(data="kind") if k == PRJ)
    gap = None
    for n in projects:
        a = g.nodes[n]
        st = a.get("stage")
        if st not in funnel:
            continue
        funnel[st][0] += 1
        funnel[st][1] += a.get("investment") or 0.0
        if st == "dropped":
            r = 0
            for stage, col in (("producing", "producing_on"), ("started", "started_on"), ("signed", "signed_on")):
                if a.get(col) is not None:
                    r = order[stage]
                    break
            reached.append(r)
            continue
        reached.append(order[st])
        if st in ("signed", "started"):
            sd = a.get("stage_date") or (a.get("signed_on") if st == "signed" else a.get("started_on"))
            if sd is not None and (as_of - sd).days > settings.stall_days:
                stalled.append([n[1], (as_of - sd).days])
        land = a.get("land_mu")
        if land is not None and land > 0 and a.get("investment") is not None and a["investment"] / land < settings.intensity_min:
            low_intensity.append(n[1])
        for kind, col, need in (("start", "planned_start", "started"), ("production", "planned_production", "producing")):
            planned = a.get(col)
            if planned is not None and planned < as_of and order[st] < order[need]:
                overdue.append([n[1], kind, (as_of - planned).days])
        for s in g.successors(n):
            if g[n][s]["type"] == "FILLS":
                if gap is None:
                    gap = gaps(g, settings)
                d = gap.get(s[1], {})
                if d.get("label") in ("broken", "missing", "weak"):  # a project fills a gap; a strong segment is none
                    fills.append([n[1], d.get("label"), d.get("priority")])
    conversion = []
    for k in range(len(PROJECT_ORDER) - 1):
        conversion.append([sum(1 for x in reached if x >= k), sum(1 for x in reached if x >= k + 1)])
    return {
        "funnel": {k: tuple(v) for k, v in funnel.items()},
        "conversion": conversion,
        "stalled": sorted(stalled),
        "low_intensity": sorted(low_intensity),
        "overdue": sorted(overdue),
        "fills": sorted(fills, key=lambda x: x[0]),
    }


def view_from_tables(tables: dict[str, pl.DataFrame]) -> GraphView:
    return GraphView(tables)
