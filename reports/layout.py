"""The chain map's layout and colours, shared by the app (pyvis) and the reports (matplotlib).

Pure networkx: no Streamlit, no pyvis. :func:`chain_layout` places a chain's
segments in stage columns (上游, 中游, 下游) left to right; :data:`LABEL_COLORS`
are the gap-label colours of every chain map.
"""

from __future__ import annotations

import networkx as nx

from graph.i18n import SEGMENT_STAGE_ORDER

LABEL_COLORS: dict[str, str] = {
    "strong": "#2e9d57",  # green
    "weak": "#f0a202",  # amber
    "missing": "#a3aab3",  # grey
    "broken": "#d64545",  # red
}
STAGE_ORDER: dict[str, int] = SEGMENT_STAGE_ORDER  # upstream 0, midstream 1, downstream 2
COL_GAP = 185
ROW_GAP = 118
MAX_ROWS = 7  # a column with more nodes than this is staggered
STAGGER = 0.5  # x offset of staggered nodes, in columns


def _acyclic(g: nx.DiGraph) -> nx.DiGraph:
    """A DAG with g's nodes: edges added in stable order, skipping any that would close a cycle."""
    dag = nx.DiGraph()
    dag.add_nodes_from(g.nodes)
    for u, v in sorted(g.edges, key=lambda e: (STAGE_ORDER.get(g.nodes[e[0]].get("stage"), 1) > STAGE_ORDER.get(g.nodes[e[1]].get("stage"), 1), e)):
        if u == v or nx.has_path(dag, v, u):
            continue
        dag.add_edge(u, v)
    return dag


def chain_layout(g: nx.DiGraph, parent: dict[str, str]) -> dict[str, tuple[float, float, int]]:
    """Positions (x, y, column) of a chain's segments: columns upstream → downstream.

    Columns follow the stage (上游, 中游, 下游); inside a stage, a segment sits one
    column right of the same-stage segments that supply it (longest path). A
    sub-segment shares its parent's column, listed right under it. Rows are
    ordered by the mean row of the suppliers (one barycentre sweep), ties by id,
    so the layout is deterministic.
    """
    if not g.number_of_nodes():
        return {}
    tops = [n for n in g.nodes if n not in parent]
    top_g = nx.DiGraph()
    top_g.add_nodes_from(tops)

    def top_of(n: str) -> str:
        seen = set()
        while n in parent and n not in seen:
            seen.add(n)
            n = parent[n]
        return n

    for u, v in g.edges:
        tu, tv = top_of(u), top_of(v)
        if tu != tv:
            top_g.add_edge(tu, tv)
    for n in top_g.nodes:
        top_g.nodes[n]["stage"] = g.nodes[n].get("stage")
    dag = _acyclic(top_g)
    depth: dict[str, int] = {}
    for n in nx.topological_sort(dag):
        same = [p for p in dag.predecessors(n) if top_g.nodes[p].get("stage") == top_g.nodes[n].get("stage")]
        depth[n] = max((depth[p] + 1 for p in same), default=0)
    stage_width = {s: 1 + max((depth[n] for n in tops if g.nodes[n].get("stage") == s), default=-1) for s in STAGE_ORDER}
    offset, acc = {}, 0
    for s in sorted(STAGE_ORDER, key=STAGE_ORDER.get):
        offset[s] = acc
        acc += max(stage_width[s], 1) if stage_width[s] else 0
    col = {n: offset.get(g.nodes[n].get("stage"), offset["midstream"]) + depth[n] for n in tops}

    # rows: one barycentre sweep, left to right
    row: dict[str, float] = {}
    for c in sorted(set(col.values())):
        members = [n for n in tops if col[n] == c]

        def bary(n: str) -> tuple[float, str]:
            ps = [row[p] for p in dag.predecessors(n) if p in row]
            return (sum(ps) / len(ps) if ps else float("inf"), n)

        ordered = sorted(members, key=bary)
        for i, n in enumerate(ordered):
            row[n] = float(i)
    children: dict[str, list[str]] = {}
    for ch in sorted(parent):
        if ch in g.nodes:
            children.setdefault(top_of(ch), []).append(ch)
    pos: dict[str, tuple[float, float, int]] = {}
    x = 0.0
    for c in sorted(set(col.values())):
        members = sorted((n for n in tops if col[n] == c), key=lambda n: row[n])
        slots: list[str] = []
        for n in members:
            slots.append(n)
            slots.extend(children.get(n, []))
        # a tall column is staggered (every other node shifted right, the next column moved
        # over to make room) so it can be packed tighter vertically
        tall = len(slots) > MAX_ROWS
        gap = ROW_GAP * (0.62 if tall else 1.0)
        y0 = -(len(slots) - 1) * gap / 2
        for i, n in enumerate(slots):
            dx = COL_GAP * STAGGER if tall and i % 2 else 0.0
            pos[n] = (x + dx, y0 + i * gap, c)
        x += COL_GAP * (1 + STAGGER if tall else 1)
    return pos
