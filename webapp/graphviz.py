"""pyvis rendering that works offline: chain maps and console result graphs.

pyvis builds the node/edge lists and options (``Network.add_node`` / ``add_edge``
/ ``get_network_data``); the page around them is our own template
(``templates/network.html``) because pyvis's template pulls vis-network and
Bootstrap from CDNs even with ``cdn_resources="local"``. vis-network's files are
package data (``webapp/static/vis-network/``, read through ``importlib.resources``);
Streamlit serves them from the ``static/`` folder beside ``app.py`` (a link to
``webapp/static`` in a checkout) at ``asset_base``, or they are inlined into the
page when static serving is off or there is no such folder (an installed wheel). pyvis only ever sees a copy of a capped
subgraph: it rewrites attributes of what it is given.

Nothing here imports Streamlit; :func:`show_html` (the only Streamlit call)
imports it lazily.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Iterable, Sequence

import networkx as nx
from jinja2 import Environment, PackageLoader, select_autoescape
from pyvis.network import Network

from graph.i18n import GAP_LABEL_ZH, SEGMENT_STAGE_ZH, money
from reports.layout import LABEL_COLORS, LABEL_FONT, NODE_MAX, STAGE_ORDER, chain_layout, node_label  # noqa: F401 - re-exported (the layout the reports share)

STATIC_DIR = files("webapp").joinpath("static", "vis-network")
STATIC_URL = "/app/static/vis-network"
VIS_JS = "vis-network.min.js"


# colours of node labels in console result graphs
LABEL_PALETTE: dict[str, str] = {
    "Industry": "#6f42c1",
    "Chain": "#1f5fa8",
    "Segment": "#2e9d57",
    "Enterprise": "#f0a202",
    "Park": "#17a2b8",
    "Region": "#8d6e63",
    "Project": "#d64545",
    "ParkStat": "#7b8794",
}
_FALLBACK = ["#5c7cfa", "#e8590c", "#12b886", "#be4bdb", "#fab005", "#495057"]

LEGEND_HEIGHT = 30  # the legend strip above the network (templates/network.html)
MAX_NODES = 300  # cap of any rendered graph (the browser stays responsive)
SELECTED_RING = "#1f5fa8"


@dataclass(frozen=True)
class LegendItem:
    text: str
    color: str = "#7b8794"
    kind: str = "dot"  # dot | line | dash


def chain_legend() -> list[LegendItem]:
    items = [LegendItem(f"{GAP_LABEL_ZH[k]}", LABEL_COLORS[k]) for k in ("strong", "weak", "broken", "missing")]
    items += [LegendItem("供应关系（上游→下游）", kind="line"), LegendItem("子环节（属于）", kind="dash")]
    return items


# ------------------------------------------------------------------ rendering


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("webapp", "templates"), autoescape=select_autoescape(["html"]))
    # names stay readable in the page (``tojson`` still escapes < > & ')
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
    return env


@lru_cache(maxsize=1)
def _inline_assets() -> tuple[str, str]:
    js = STATIC_DIR.joinpath(VIS_JS).read_text(encoding="utf-8")
    css = STATIC_DIR.joinpath("vis-network.css").read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script"), css


def asset_base(base_url_path: str = "") -> str:
    """URL prefix of the vis-network files under Streamlit's static serving."""
    base = base_url_path.strip("/")
    return (f"/{base}" if base else "") + STATIC_URL


def render_network(
    net: Network,
    *,
    legend: Sequence[LegendItem] = (),
    note: str = "",
    focus: str | None = None,
    assets: str = "static",
    base_url_path: str = "",
) -> str:
    """HTML page for a pyvis network: local vis-network (static URL or inline), no CDN, no Bootstrap."""
    nodes, edges, heading, height, width, options = net.get_network_data()
    inline_js = inline_css = ""
    if assets == "inline":
        inline_js, inline_css = _inline_assets()
    elif assets != "static":
        raise ValueError(f"assets must be 'static' or 'inline', not {assets!r}")
    return _env().get_template("network.html").render(
        nodes=nodes,
        edges=edges,
        heading=heading,
        height=height,
        width=width,
        options=options,
        bgcolor=net.bgcolor,
        legend=list(legend),
        note=note,
        focus=focus,
        inline_js=inline_js,
        inline_css=inline_css,
        asset_base=asset_base(base_url_path),
    )


def _base_options(*, physics: bool) -> dict[str, Any]:
    font = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"
    return {
        "autoResize": True,
        "nodes": {"font": {"face": font, "size": 14, "color": "#1d2733"}, "borderWidth": 1},
        "edges": {"color": {"color": "#9aa5b1", "highlight": "#1f5fa8", "hover": "#1f5fa8"}, "width": 1.4},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": False, "multiselect": False},
        "physics": (
            {"enabled": True, "solver": "forceAtlas2Based", "stabilization": {"enabled": True, "iterations": 250, "fit": True}}
            if physics
            else {"enabled": False}
        ),
    }


# ------------------------------------------------------------------- chain map


def _darker(hex_color: str, factor: float = 0.6) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return "#{:02x}{:02x}{:02x}".format(int(r * factor), int(g * factor), int(b * factor))


def chain_network(
    segments: Iterable[dict[str, Any]],
    links: Iterable[tuple[str, str]],
    *,
    leaders: dict[str, list[str]] | None = None,
    selected: str | None = None,
    height: int = 620,
    max_nodes: int = MAX_NODES,
) -> Network:
    """A pyvis network of one chain's segments.

    ``segments``: dicts with ``segment_id``, ``segment_name``, ``stage``, ``label``
    (strong/weak/missing/broken), ``local_count``, ``local_revenue``,
    ``above_scale_count``, ``candidate_count``, ``priority``, ``key``,
    ``parent_id``; ``links``: SUPPLIES pairs inside the chain; ``leaders``:
    segment id -> leading local enterprise names. At most ``max_nodes`` segments
    (by stage, then id) are drawn.
    """
    leaders = leaders or {}
    rows = sorted(segments, key=lambda r: (STAGE_ORDER.get(r.get("stage"), 1), str(r["segment_id"])))[:max_nodes]
    g = nx.DiGraph()
    for r in rows:
        g.add_node(r["segment_id"], **dict(r))
    g.add_edges_from((u, v) for u, v in links if u in g and v in g)
    g = g.copy()  # pyvis and the layout only ever touch this copy
    parent = {n: d["parent_id"] for n, d in g.nodes(data=True) if d.get("parent_id") and d.get("parent_id") in g}
    pos = chain_layout(g, parent)

    net = Network(height=f"{height}px", width="100%", directed=True, bgcolor="#ffffff")
    max_count = max((int(d.get("local_count") or 0) for _, d in g.nodes(data=True)), default=0) or 1
    for n, d in g.nodes(data=True):
        x, y, _ = pos[n]
        net.add_node(n, x=x, y=y, **_segment_node(n, d, sub=n in parent, selected=n == selected, max_count=max_count, leaders=leaders.get(n) or []))
    for u, v in sorted(g.edges):
        net.add_edge(u, v, arrows="to", width=1.6, smooth={"enabled": True, "type": "cubicBezier", "forceDirection": "horizontal", "roundness": 0.45})
    for ch, p in sorted(parent.items()):
        net.add_edge(ch, p, dashes=True, color={"color": "#c3c9d1"}, arrows="", width=1, smooth=False)
    _stage_headers(net, g, pos)
    opts = _base_options(physics=False)
    opts["interaction"]["dragNodes"] = False
    net.options = opts
    return net


def _segment_tip(n: str, d: dict[str, Any], label: str, count: int, leaders: list[str]) -> str:
    """The hover text of a segment: position, label, local presence, candidates, priority, leaders."""
    tip = [
        f"{d.get('segment_name') or n}（{SEGMENT_STAGE_ZH.get(d.get('stage'), d.get('stage') or '')}{'，关键环节' if d.get('key') else ''}）",
        f"标签：{GAP_LABEL_ZH.get(label, label)}",
        f"本地企业 {count} 家，规上 {int(d.get('above_scale_count') or 0)} 家，营收 {money(d.get('local_revenue'))}",
        f"外地候选企业 {int(d.get('candidate_count') or 0)} 家",
    ]
    if d.get("priority") is not None:
        tip.append(f"补链优先级 {float(d['priority']):.1f}")
    tip.append("主要本地企业：" + ("、".join(leaders) if leaders else "无"))
    return "\n".join(tip)


def _segment_node(n: str, d: dict[str, Any], *, sub: bool, selected: bool, max_count: int, leaders: list[str]) -> dict[str, Any]:
    """pyvis node options of a segment: coloured by label, sized by local enterprises, ringed when selected."""
    label = d.get("label") or "missing"
    color = LABEL_COLORS.get(label, "#a3aab3")
    count = int(d.get("local_count") or 0)
    size = NODE_MAX * (0.45 + 0.55 * math.sqrt(count / max_count)) if count else NODE_MAX * 0.4  # at most NODE_MAX: the layout leaves room
    if sub:
        size *= 0.8
    return dict(
        label=node_label(str(d.get("segment_name") or n), bool(d.get("key"))),  # wrapped as the layout measured it
        title=_segment_tip(n, d, label, count, leaders),
        color={
            "background": color,
            "border": SELECTED_RING if selected else (_darker(color) if d.get("key") else color),
            "highlight": {"background": color, "border": SELECTED_RING},
            "hover": {"background": color, "border": SELECTED_RING},
        },
        borderWidth=5 if selected else (3 if d.get("key") else 1),
        borderWidthSelected=5,
        shadow={"enabled": selected, "color": "rgba(31,95,168,0.45)", "size": 14, "x": 0, "y": 0},
        size=round(size, 1),
        shape="dot",
        fixed={"x": True, "y": True},
        font={"size": LABEL_FONT - 2 if sub else LABEL_FONT, "color": "#1d2733", "strokeWidth": 4, "strokeColor": "#ffffff"},
    )


def _stage_headers(net: Network, g: nx.DiGraph, pos: dict[str, tuple[float, float, int]]) -> None:
    """上游 / 中游 / 下游 as text nodes above the middle of their columns."""
    if not pos:
        return
    top = min(y for _, y, _ in pos.values()) - 80
    for stage in STAGE_ORDER:
        xs_all = [x for n, (x, _, _) in pos.items() if g.nodes[n].get("stage") == stage]
        if xs_all:
            net.add_node(
                f"__stage_{stage}",
                label=SEGMENT_STAGE_ZH[stage],
                shape="text",
                x=(min(xs_all) + max(xs_all)) / 2,
                y=top,
                fixed={"x": True, "y": True},
                font={"size": 28, "color": "#52606d"},
                chosen=False,
            )


# -------------------------------------------------------------- query results


def _label_color(label: str) -> str:
    if label in LABEL_PALETTE:
        return LABEL_PALETTE[label]
    return _FALLBACK[sum(map(ord, label)) % len(_FALLBACK)]


def result_graph(rows: Iterable[Iterable[Any]], *, max_nodes: int = MAX_NODES) -> tuple[list[dict], list[dict]]:
    """Nodes and relationships found anywhere in query result rows (store's plain shapes).

    Node: ``{"_label": L, "id": ..., ...}``; relationship: ``{"_type": T, "_src", "_dst", ...}``;
    path: ``{"_nodes": [...], "_rels": [...]}``. Nodes are deduplicated by (label, id).
    """
    nodes: dict[tuple[str, str], dict] = {}
    rels: list[dict] = []

    def visit(v: Any) -> None:
        if isinstance(v, dict):
            if "_nodes" in v and "_rels" in v:
                for x in v["_nodes"]:
                    visit(x)
                for x in v["_rels"]:
                    visit(x)
                return
            if "_label" in v and "id" in v:
                key = (str(v["_label"]), str(v["id"]))
                if key not in nodes and len(nodes) < max_nodes:
                    nodes[key] = v
                return
            if "_type" in v and "_src" in v and "_dst" in v:
                rels.append(v)
                return
            for x in v.values():
                visit(x)
        elif isinstance(v, (list, tuple)):
            for x in v:
                visit(x)

    for r in rows:
        visit(list(r))
    return list(nodes.values()), rels


def result_network(nodes: list[dict], rels: list[dict], *, height: int = 520) -> tuple[Network, list[LegendItem]]:
    """A pyvis network of console result nodes, coloured by label, physics layout."""
    net = Network(height=f"{height}px", width="100%", directed=True, bgcolor="#ffffff")
    by_id: dict[str, str] = {}
    labels: list[str] = []
    for n in nodes:
        label = str(n["_label"])
        vid = f"{label}:{n['id']}"
        by_id.setdefault(str(n["id"]), vid)
        if label not in labels:
            labels.append(label)
        props = {k: v for k, v in n.items() if not k.startswith("_") and v not in (None, [], "")}
        tip = [f"{label} {n['id']}"] + [f"{k}: {json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, (list, dict)) else v}" for k, v in list(props.items())[:12]]
        net.add_node(vid, label=str(n.get("name") or n["id"])[:24], title="\n".join(tip), color=_label_color(label), size=16, shape="dot")
    seen = set()
    for r in rels:
        a, b = by_id.get(str(r["_src"])), by_id.get(str(r["_dst"]))
        if a is None or b is None or (a, b, r["_type"]) in seen:
            continue
        seen.add((a, b, r["_type"]))
        net.add_edge(a, b, label=str(r["_type"]), arrows="to", font={"size": 10, "color": "#7b8794", "strokeWidth": 0})
    net.options = _base_options(physics=True)
    legend = [LegendItem(lab, _label_color(lab)) for lab in labels]
    return net, legend


# ----------------------------------------------------------------- Streamlit


def show_html(html: str, *, height: int, alt: str) -> None:
    """Show a rendered network page in an iframe that runs its script (st.iframe, srcdoc)."""
    import streamlit as st

    st.iframe(html, height=height + LEGEND_HEIGHT + 6, alt=alt)


def _served_static_dir() -> Path | None:
    """The ``static/`` folder Streamlit serves: beside the running app's main script."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    run = get_script_run_ctx()
    path = getattr(run, "main_script_path", None) if run is not None else None
    return Path(path).parent / "static" if path else None


def assets_mode() -> tuple[str, str]:
    """('static' | 'inline', baseUrlPath) from the running Streamlit's config.

    'static' when static serving is on and the served ``static/`` folder holds vis-network
    (a checkout: ``static`` links to ``webapp/static``); otherwise the files are inlined.
    """
    import streamlit as st

    try:
        static = bool(st.get_option("server.enableStaticServing"))
        base = str(st.get_option("server.baseUrlPath") or "")
        served = _served_static_dir()
        static = static and served is not None and (served / "vis-network" / VIS_JS).is_file()
    except Exception:  # noqa: BLE001 - config not available outside a Streamlit run
        static, base = False, ""
    return ("static" if static else "inline"), base
