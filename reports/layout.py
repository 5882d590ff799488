"""The chain map's layout and colours, shared by the app (pyvis) and the reports (matplotlib).

Pure networkx: no Streamlit, no pyvis. :func:`chain_layout` places a chain's
segments in stage columns (上游, 中游, 下游) left to right; :data:`LABEL_COLORS`
are the gap-label colours of every chain map.
"""

from __future__ import annotations

import math

import networkx as nx

from graph.i18n import SEGMENT_STAGE_ORDER

LABEL_COLORS: dict[str, str] = {
    "strong": "#2e9d57",  # green
    "weak": "#f0a202",  # amber
    "missing": "#a3aab3",  # grey
    "broken": "#d64545",  # red
}
STAGE_ORDER: dict[str, int] = SEGMENT_STAGE_ORDER  # upstream 0, midstream 1, downstream 2
COL_GAP = 175  # between two columns (and two sub-columns of a tall column)
STAGE_GAP = 40  # extra room between the last column of a stage and the first of the next
MAX_ROWS = 8  # a column with more nodes than this is split into side-by-side sub-columns
NODE_MAX = 30  # the largest node radius the map draws (layout units)
LABEL_FONT = 24  # label font size (layout units)
LABEL_LINE = 29  # label line height
LABEL_CHARS = 6.0  # label width, in CJK characters (ASCII counts about half)
LABEL_GAP = 5  # between a node and its label
ROW_MARGIN = 14  # free space between one label's last line and the next node
ROW_GAP = 2 * NODE_MAX + LABEL_GAP + 2 * LABEL_LINE + ROW_MARGIN  # a typical row: a two-line label


OPENING = "（(《“"
CLOSING = "）)》”、，。：；"


def wrap_label(text: str, width: float = LABEL_CHARS, max_lines: int = 3) -> str:
    """Break a segment name into lines of about ``width`` CJK characters (ASCII counts about half);
    a closing mark stays at the end of its line, an opening bracket begins the next.

    >>> wrap_label("正极材料前驱体与三元材料", 6)
    '正极材料前驱\\n体与三元材料'
    >>> wrap_label("电池管理系统BMS", 6)
    '电池管理系统\\nBMS'
    >>> wrap_label("一二三四五六七八九十一二三四五六七八九十一二三", 7)
    '一二三四五六七\\n八九十一二三四\\n五六七八九十…'
    >>> wrap_label("电池包铜箔（含精密零部件）", 6), wrap_label("电池管理系统（BMS）", 6)
    ('电池包铜箔\\n（含精密零部\\n件）', '电池管理系统\\n（BMS）')
    """
    lines, cur, w = [], "", 0.0
    for ch in text:
        cw = 1.0 if ord(ch) > 0x2E80 else 0.55
        if w + cw > width + 1e-9 and cur and ch not in CLOSING:  # a closing mark stays on its line
            carry = ""
            if cur[-1] in OPENING and len(cur) > 1:  # an opening bracket starts the next line
                cur, carry = cur[:-1], cur[-1]
            lines.append(cur)
            cur, w = carry, sum(1.0 if ord(c) > 0x2E80 else 0.55 for c in carry)
        cur += ch
        w += cw
    if cur:
        lines.append(cur)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return "\n".join(lines)


def label_size(label: str, font: float = LABEL_FONT) -> tuple[float, float]:
    """(width, height) of a wrapped label in layout units (CJK characters one em wide, ASCII about half).

    >>> label_size("正极材料\\n前驱体")
    (96.0, 58.0)
    """
    lines = label.split("\n") or [""]
    width = max(sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in line) for line in lines) * font
    return width, len(lines) * LABEL_LINE * font / LABEL_FONT


def node_label(name: str, key: bool = False) -> str:
    """The label drawn under a node: the wrapped name, ★ for a key segment."""
    return wrap_label(name) + (" ★" if key else "")


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
    so the layout is deterministic. A column of more than :data:`MAX_ROWS` nodes
    is split into sub-columns (:func:`split_column`); inside one, each node sits
    below the previous node's label (:func:`stack`), so no label overlaps a node
    or another label (labels are at most :data:`LABEL_CHARS` wide, less than
    :data:`COL_GAP`).
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
    x, prev_stage = 0.0, None
    for c in sorted(set(col.values())):
        members = sorted((n for n in tops if col[n] == c), key=lambda n: row[n])
        stage = g.nodes[members[0]].get("stage")
        if prev_stage is not None and stage != prev_stage:
            x += STAGE_GAP
        prev_stage = stage
        for slots in split_column([[n, *children.get(n, [])] for n in members]):
            for n, y in zip(slots, stack(g, slots)):
                pos[n] = (x, y, c)
            x += COL_GAP
    return pos


def split_column(groups: list[list[str]], max_rows: int = MAX_ROWS) -> list[list[str]]:
    """A column's groups (a segment and its sub-segments) packed into side-by-side sub-columns.

    At most ``max_rows`` nodes per sub-column where the groups allow it, the sub-columns about
    equally tall, a group never split, the order kept (read top to bottom, then left to right).

    >>> split_column([["a"], ["b", "b1"], ["c"]], max_rows=8)
    [['a', 'b', 'b1', 'c']]
    >>> split_column([[str(i)] for i in range(10)], max_rows=8)
    [['0', '1', '2', '3', '4'], ['5', '6', '7', '8', '9']]
    """
    total = sum(len(grp) for grp in groups)
    if total <= max_rows:
        return [[n for grp in groups for n in grp]]
    k = math.ceil(total / max_rows)
    target = math.ceil(total / k)
    out: list[list[str]] = [[]]
    for grp in groups:
        if out[-1] and len(out[-1]) + len(grp) > target:
            out.append([])
        out[-1].extend(grp)
    return out


def stack(g: nx.DiGraph, slots: list[str]) -> list[float]:
    """y of each node of a sub-column, top to bottom, centred on 0: each node clears the label above it.

    The room below a node is the largest node radius, the gap and its own label's height, so
    no label reaches the next node whatever sizes the map draws.
    """
    ys: list[float] = []
    y = 0.0
    for i, n in enumerate(slots):
        if i:
            prev = slots[i - 1]
            _, h = label_size(node_label(str(g.nodes[prev].get("segment_name") or prev), bool(g.nodes[prev].get("key"))))
            y += NODE_MAX + LABEL_GAP + h + ROW_MARGIN + NODE_MAX
        ys.append(y)
    mid = (ys[0] + ys[-1]) / 2 if ys else 0.0
    return [v - mid for v in ys]
