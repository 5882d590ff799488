"""Chain gap labels, gap priority and chain completeness (analysis.md, 'Gap labels', 'Gap priority').

Definitions as built (README-ready):

* A chain's segments are the segments with that ``chain_id``; upstream /
  downstream follow ``SUPPLIES`` links of the subgraph induced on them,
  transitively (``nx.ancestors`` / ``nx.descendants``, which terminate on
  cycles). Inside a ``SUPPLIES`` cycle every other member is both an ancestor
  and a descendant; cycles are reported as warnings. ``PART_OF`` is not a
  supply link: a sub-segment only has the ``SUPPLIES`` links given for it.
* Labels: present = ``local_count > 0``; broken = not present with a present
  ancestor and a present descendant; missing = not present and not broken;
  weak = present and (``local_count < weak_min_count`` or no above-scale
  enterprise); strong otherwise.
* Completeness = present leaves / leaves, a leaf being a segment without
  ``PART_OF`` children; key-weighted: a key leaf counts ``key_weight``.
  A chain without segments has completeness 0.
* Priority (gap segments only), each factor in 0-1:
  ``dependents`` = number of present segments downstream of S (transitively,
  in the chain) / the maximum of that number over the chain's gap segments;
  ``demand`` = local revenue of S's direct downstream segments / its maximum
  over the chain's gap segments (0 when the maximum is 0);
  ``broken`` = 1 if broken; ``key`` = 1 if key; ``category`` = the chain's
  industry weight (leading 1.0, emerging 0.8, specialty 0.6);
  ``supply`` = min(1, candidate_count / supply_saturation).
  priority = 100 × Σ wᵢ·fᵢ / Σ wᵢ (0 when all weights are 0), × the weak
  multiplier (0.6) for weak segments. Strong segments have no priority.
  Rows are sorted by priority (desc), then segment id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import networkx as nx
import polars as pl

from graph.analysis import reasons as R
from graph.analysis.presence import segment_presence
from graph.analysis.results import ChainRow, GapResult, GapRow
from graph.analysis.scope import Scope, check_scope, memo, normalise_extra
from graph.i18n import GAP_LABEL_ZH
from graph.schema import ENUMS
from graph.settings import AnalysisSettings
from graph.view import GraphView

LABELS = ("broken", "missing", "weak", "strong")
PRIORITY_FACTORS = ("dependents", "demand", "broken", "key", "category", "supply")


@dataclass
class ChainStructure:
    """Scope-independent structure of one chain (memoised per view)."""

    chain_id: str
    chain_name: str | None
    industry_id: str | None
    industry_name: str | None
    category: str | None
    nodes: list[str]
    ancestors: dict[str, frozenset[str]] = field(default_factory=dict)
    descendants: dict[str, frozenset[str]] = field(default_factory=dict)
    successors: dict[str, list[str]] = field(default_factory=dict)
    leaves: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def chain_structures(view: GraphView) -> dict[str, ChainStructure]:
    """Per chain: its segments, SUPPLIES ancestors/descendants/successors inside it, leaves, cycle warnings."""

    def build() -> dict[str, ChainStructure]:
        seg = view.segments
        chains = view.chains.join(
            view.industries.select(pl.col("id").alias("industry_id"), pl.col("name").alias("industry_name"), "category"),
            on="industry_id",
            how="left",
        )
        meta = {r["id"]: r for r in chains.iter_rows(named=True)}
        chain_ids = sorted(set(meta) | set(seg.get_column("chain_id").drop_nulls().to_list()))
        members: dict[str, list[str]] = {c: [] for c in chain_ids}
        for sid, cid in seg.select("id", "chain_id").iter_rows():
            if cid is not None:
                members[cid].append(sid)
        has_child = set(seg.get_column("parent_id").drop_nulls().to_list())
        g = view.supplies_graph
        out: dict[str, ChainStructure] = {}
        for cid in chain_ids:
            nodes = sorted(set(members[cid]))
            m = meta.get(cid, {})
            cs = ChainStructure(cid, m.get("name"), m.get("industry_id"), m.get("industry_name"), m.get("category"), nodes)
            sub = g.subgraph(nodes)
            # reachability via the condensation: one pass per component instead of one BFS per node
            cond = nx.condensation(sub)
            mapping = cond.graph["mapping"]
            comp_members = {c: cond.nodes[c]["members"] for c in cond.nodes}
            comp_desc: dict[int, set[str]] = {}
            for c in reversed(list(nx.topological_sort(cond))):
                acc: set[str] = set()
                for d in cond.successors(c):
                    acc |= comp_members[d] | comp_desc[d]
                comp_desc[c] = acc
            comp_anc: dict[int, set[str]] = {}
            for c in nx.topological_sort(cond):
                acc = set()
                for a in cond.predecessors(c):
                    acc |= comp_members[a] | comp_anc[a]
                comp_anc[c] = acc
            for n in nodes:
                c = mapping[n]
                cyc = len(comp_members[c]) > 1 or sub.has_edge(n, n)
                own = (comp_members[c] - {n}) if len(comp_members[c]) > 1 else set()
                if cyc and sub.has_edge(n, n):
                    own = own | {n}
                cs.ancestors[n] = frozenset((comp_anc[c] | own) - {n})
                cs.descendants[n] = frozenset((comp_desc[c] | own) - {n})
                cs.successors[n] = sorted(s for s in sub.successors(n) if s != n)
            for c in sorted(comp_members, key=lambda c: min(comp_members[c])):
                mem = comp_members[c]
                first = min(mem)
                if len(mem) > 1 or sub.has_edge(first, first):
                    h = nx.DiGraph()  # sorted insertion: the reported cycle does not depend on row order
                    h.add_nodes_from(sorted(mem))
                    h.add_edges_from(sorted(sub.subgraph(mem).edges()))
                    cyc_edges = nx.find_cycle(h, source=first)
                    seg_name = _segment_attrs(view)
                    cs.warnings.append(R.cycle_warning(m.get("name") or cid, [seg_name.get(u, {}).get("name") or u for u, _ in cyc_edges]))
            cs.leaves = [n for n in nodes if n not in has_child]
            out[cid] = cs
        return out

    return memo(view, ("chain_structures",), build)


def _segment_attrs(view: GraphView) -> dict[str, dict]:
    return memo(view, ("segment_attrs",), lambda: {r["id"]: r for r in view.segments.select("id", "name", "stage", "parent_id", "key").iter_rows(named=True)})


def _category_weight(settings: AnalysisSettings, category: str | None) -> float:
    if category is None:
        return 0.0
    return float(getattr(settings.category_weights, category, 0.0))


def _label(present: dict[str, bool], s: str, cs: ChainStructure, local_count: int, above: int, settings: AnalysisSettings) -> str:
    if present[s]:
        return "weak" if (local_count < settings.weak_min_count or above == 0) else "strong"
    if any(present[a] for a in cs.ancestors[s]) and any(present[d] for d in cs.descendants[s]):
        return "broken"
    return "missing"


def _chain_rows(cs: ChainStructure, pres: dict[str, tuple], attrs: dict[str, dict], settings: AnalysisSettings) -> list[GapRow]:
    """Labels and priority for one chain (unsorted rows)."""
    present = {s: pres[s][0] > 0 for s in cs.nodes}
    labels = {s: _label(present, s, cs, pres[s][0], pres[s][2], settings) for s in cs.nodes}
    gap = [s for s in cs.nodes if labels[s] != "strong"]
    dependents = {s: sum(1 for d in cs.descendants[s] if present[d]) for s in gap}
    demand = {s: float(sum(pres[t][1] or 0.0 for t in cs.successors[s])) for s in gap}  # known revenue only
    unknown = {s: any(pres[t][1] is None for t in cs.successors[s]) for s in gap}  # a downstream segment's revenue is unknown
    max_dep = max(dependents.values(), default=0)
    max_dem = max(demand.values(), default=0.0)
    w = settings.priority_weights
    weights = {k: float(getattr(w, k)) for k in PRIORITY_FACTORS}
    wsum = sum(weights.values())
    cat_w = _category_weight(settings, cs.category)
    rows = []
    for s in cs.nodes:
        lc, rev, above, cand = pres[s]
        a = attrs.get(s, {})
        key = bool(a.get("key"))
        row = GapRow(
            chain_id=cs.chain_id,
            chain_name=cs.chain_name,
            segment_id=s,
            segment_name=a.get("name"),
            stage=a.get("stage"),
            parent_id=a.get("parent_id"),
            key=key,
            label=labels[s],
            label_zh=GAP_LABEL_ZH[labels[s]],
            label_reason=R.label_reason(labels[s], lc, above, settings.weak_min_count, rev is None),
            local_count=lc,
            local_revenue=rev,
            above_scale_count=above,
            candidate_count=cand,
        )
        if labels[s] != "strong":
            f = {
                "dependents": dependents[s] / max_dep if max_dep > 0 else 0.0,
                "demand": demand[s] / max_dem if max_dem > 0 else 0.0,
                "broken": 1.0 if labels[s] == "broken" else 0.0,
                "key": 1.0 if key else 0.0,
                "category": cat_w,
                "supply": min(1.0, cand / settings.supply_saturation),
            }
            fr = {
                "dependents": R.r_dependents(dependents[s]),
                "demand": R.r_demand(demand[s], len(cs.successors[s]), unknown[s]),
                "broken": R.r_broken(labels[s] == "broken"),
                "key": R.r_key(key),
                "category": R.r_category(cs.category, cat_w),
                "supply": R.r_supply(cand),
            }
            total = 100.0 * sum(weights[k] * f[k] for k in PRIORITY_FACTORS) / wsum if wsum > 0 else 0.0
            if labels[s] == "weak":
                total *= settings.weak_priority_multiplier
            row.priority = total
            row.factors = f
            row.factor_reasons = fr
            row.reasons = [fr[k] for k in PRIORITY_FACTORS]
        rows.append(row)
    return rows


def sort_gap_rows(rows: list[GapRow]) -> list[GapRow]:
    """Priority descending (strong, without priority, last), then segment id."""
    # rounded: parallel group-by sums may differ in the last bit between runs, and that must not reorder ties
    return sorted(rows, key=lambda r: (r.priority is None, -round(r.priority or 0.0, 9), r.segment_id))


def _all_rows(view: GraphView, settings: AnalysisSettings, scope: Scope, extra: tuple, chain_ids: Iterable[str] | None) -> dict[str, list[GapRow]]:
    structs = chain_structures(view)
    p = segment_presence(view, settings, scope, extra)
    pres = {
        r[0]: r[1:]
        for r in p.select("segment_id", "local_count", "local_revenue", "above_scale_count", "candidate_count").iter_rows()
    }
    attrs = _segment_attrs(view)
    wanted = list(structs) if chain_ids is None else [c for c in chain_ids]
    return {c: _chain_rows(structs[c], pres, attrs, settings) for c in wanted}


def _check_chain(view: GraphView, chain_id: str | None) -> None:
    if chain_id is not None and chain_id not in chain_structures(view):
        raise ValueError(f"未知产业链编号 {chain_id!r}")


def gaps(
    view: GraphView,
    settings: AnalysisSettings,
    scope: Scope | str = Scope.city(),
    chain_id: str | None = None,
    extra_local: Iterable[tuple[str, str]] = (),
) -> GapResult:
    """Gap label and priority of every segment (of one chain, or of all chains).

    Parameters
    ----------
    view : GraphView
    settings : AnalysisSettings
    scope : Scope or str
        Which enterprises are local (default the city).
    chain_id : str, optional
        Only this chain.
    extra_local : iterable of (enterprise_id, segment_id)
        What-if pairs treated as local enterprises operating in that segment.

    Returns
    -------
    GapResult
        Rows sorted by priority (desc; strong last), then segment id;
        SUPPLIES cycles in ``warnings``.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> res = gaps(tiny_view(), AnalysisSettings())
    >>> [(r.segment_id, r.label, round(r.priority, 1)) for r in res.rows]
    [('S2', 'broken', 92.0), ('S1', 'weak', 33.0), ('S1a', 'weak', 9.0), ('S3', 'weak', 9.0)]
    >>> res.rows[0].reasons[:3]
    ['下游1个本地已有环节依赖此环节', '直接下游本地营收5000万元', '断链：上下游本地均有企业，中间缺失']
    """
    scope = Scope.parse(scope)
    check_scope(view, scope)
    _check_chain(view, chain_id)
    extra = normalise_extra(extra_local)
    by_chain = _all_rows(view, settings, scope, extra, None if chain_id is None else [chain_id])
    rows = sort_gap_rows([r for rows in by_chain.values() for r in rows])
    structs = chain_structures(view)
    warnings = [w for c in by_chain for w in structs[c].warnings]
    return GapResult(scope=str(scope), chain_id=chain_id, rows=rows, warnings=warnings, settings=settings.model_dump())


def completeness(cs: ChainStructure, present: dict[str, bool], settings: AnalysisSettings, key_of: dict[str, bool]) -> tuple[int, float, float]:
    """(present leaves, completeness, key-weighted completeness) of one chain."""
    if not cs.leaves:
        return 0, 0.0, 0.0
    n_present = sum(1 for s in cs.leaves if present[s])
    wts = {s: settings.key_weight if key_of.get(s) else 1.0 for s in cs.leaves}
    kw = sum(wts[s] for s in cs.leaves if present[s]) / sum(wts.values())
    return n_present, n_present / len(cs.leaves), kw


def _summary_row(cs: ChainStructure, rows: list[GapRow], settings: AnalysisSettings, scope: Scope) -> ChainRow:
    present = {r.segment_id: r.local_count > 0 for r in rows}
    key_of = {r.segment_id: r.key for r in rows}
    n_present, comp, comp_kw = completeness(cs, present, settings, key_of)
    counts = {lab: 0 for lab in LABELS}
    for r in rows:
        counts[r.label] += 1
    ranked = sort_gap_rows(rows)
    top = ranked[0].segment_id if ranked and ranked[0].priority is not None else None
    return ChainRow(
        chain_id=cs.chain_id,
        chain_name=cs.chain_name,
        industry_id=cs.industry_id,
        industry_name=cs.industry_name,
        category=cs.category,
        segment_count=len(cs.nodes),
        leaf_count=len(cs.leaves),
        present_leaf_count=n_present,
        completeness=comp,
        completeness_key_weighted=comp_kw,
        counts=counts,
        top_gap=top,
        scope=str(scope),
        settings=settings.model_dump(),
    )


def chain_summary(
    view: GraphView,
    settings: AnalysisSettings,
    scope: Scope | str = Scope.city(),
    extra_local: Iterable[tuple[str, str]] = (),
    chain_id: str | None = None,
) -> list[ChainRow]:
    """Completeness and label counts per chain, sorted by chain id.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> row = chain_summary(tiny_view(), AnalysisSettings())[0]
    >>> row.leaf_count, row.completeness, round(row.completeness_key_weighted, 4), row.counts
    (3, 0.6666666666666666, 0.5, {'broken': 1, 'missing': 0, 'weak': 3, 'strong': 0})
    """
    scope = Scope.parse(scope)
    check_scope(view, scope)
    _check_chain(view, chain_id)
    extra = normalise_extra(extra_local)
    by_chain = _all_rows(view, settings, scope, extra, None if chain_id is None else [chain_id])
    structs = chain_structures(view)
    return [_summary_row(structs[c], by_chain[c], settings, scope) for c in sorted(by_chain)]


def weakest_first(rows: Iterable[ChainRow]) -> list[ChainRow]:
    """Chain rows as 总览 and the city report list them: by category (leading, emerging, specialty, as in
    the schema; another category after them, by name; none last), the weakest first within each
    (completeness, then key-weighted completeness, then chain id).

    >>> rows = [ChainRow(chain_id=c, category=k, completeness=x) for c, k, x in [("A", "specialty", 0.2), ("B", "leading", 0.9), ("C", "leading", 0.5)]]
    >>> [r.chain_id for r in weakest_first(rows)]
    ['C', 'B', 'A']
    """
    order = {c: i for i, c in enumerate(ENUMS["category"])}

    def key(r: ChainRow) -> tuple:
        cat = (order[r.category], "") if r.category in order else (len(order) + (r.category is None), r.category or "")
        return (*cat, r.completeness, r.completeness_key_weighted, r.chain_id)

    return sorted(rows, key=key)
