"""The offline pyvis renderer: chain layout, local assets only, escaping, result graphs."""

from __future__ import annotations

import re

from webapp.graphviz import (
    LABEL_COLORS,
    asset_base,
    chain_layout,
    chain_legend,
    chain_network,
    render_network,
    result_graph,
    result_network,
)
import networkx as nx

URL = re.compile(r"https?://[^\s\"'<>)]*")


def _seg(sid, name, stage, label, count=0, parent=None, key=False):
    return dict(
        segment_id=sid,
        segment_name=name,
        stage=stage,
        label=label,
        local_count=count,
        local_revenue=float(count * 1000),
        above_scale_count=min(count, 1),
        candidate_count=2,
        priority=None if label == "strong" else 40.0,
        key=key,
        parent_id=parent,
    )


SEGS = [
    _seg("S1", "正极材料", "upstream", "strong", 4, key=True),
    _seg("S1a", "磷酸铁锂", "upstream", "weak", 1, parent="S1"),
    _seg("S2", "动力电池", "midstream", "broken"),
    _seg("S3", "整车<制造>", "downstream", "strong", 6),
    _seg("R1", "电池回收", "downstream", "missing"),
]
LINKS = [("S1", "S2"), ("S2", "S3"), ("S3", "R1"), ("R1", "S1")]  # a recycling loop


def external_urls(html: str) -> list[str]:
    return [u for u in URL.findall(html) if not re.match(r"https?://(localhost|127\.0\.0\.1)(:|/|$)", u)]


def test_layout_runs_upstream_to_downstream_despite_cycle():
    g = nx.DiGraph()
    for s in SEGS:
        g.add_node(s["segment_id"], stage=s["stage"])
    g.add_edges_from(LINKS)
    pos = chain_layout(g, {"S1a": "S1"})
    assert pos["S1"][0] < pos["S2"][0] < pos["S3"][0] < pos["R1"][0]
    assert pos["S1a"][0] == pos["S1"][0] and pos["S1a"][1] > pos["S1"][1]  # sub-segment under its parent
    assert pos == chain_layout(g, {"S1a": "S1"})  # deterministic


def test_chain_html_is_offline_and_carries_names_colours_tooltips():
    net = chain_network(SEGS, LINKS, leaders={"S1": ["示例锂电", "=坏名字"]}, selected="S2")
    html = render_network(net, legend=chain_legend())
    assert external_urls(html) == []
    assert 'src="/app/static/vis-network/vis-network.min.js"' in html
    assert "bootstrap" not in html.lower() and "cdn" not in html.lower()
    for name in ("正极材料", "磷酸铁锂", "动力电池", "电池回收", "上游", "中游", "下游"):
        assert name in html
    assert "整车\\u003c制造\\u003e" in html and "整车<制造>" not in html  # escaped inside the script
    for color in LABEL_COLORS.values():
        assert color in html
    assert "主要本地企业：示例锂电、=坏名字" in html
    assert "强链" in html and "断链" in html and "缺链" in html and "弱链" in html


def test_pyvis_gets_a_copy_and_the_cap_holds():
    segs = [dict(s) for s in SEGS]
    before = [dict(s) for s in segs]
    chain_network(segs, LINKS)
    assert segs == before
    net = chain_network(SEGS, LINKS, max_nodes=2)
    ids = {n["id"] for n in net.nodes if not str(n["id"]).startswith("__stage_")}
    assert ids == {"S1", "S1a"}


def test_inline_mode_has_no_external_references_and_base_url():
    net = chain_network(SEGS[:1], [])
    html = render_network(net, assets="inline")
    assert "/app/static" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", html)
    assert "vis.Network" in html and len(html) > 400_000
    assert asset_base("/indmap/") == "/indmap/app/static/vis-network"


def test_result_graph_collects_nodes_rels_and_paths():
    rows = [
        [{"_label": "Segment", "id": "S1", "name": "正极材料"}, {"_type": "SUPPLIES", "_src": "S1", "_dst": "S2"}, {"_label": "Segment", "id": "S2", "name": "动力电池"}],
        [{"_nodes": [{"_label": "Chain", "id": "C1", "name": "新能源汽车产业链"}], "_rels": []}],
        [42, "text"],
    ]
    nodes, rels = result_graph(rows)
    assert [(n["_label"], n["id"]) for n in nodes] == [("Segment", "S1"), ("Segment", "S2"), ("Chain", "C1")]
    assert len(rels) == 1
    net, legend = result_network(nodes, rels)
    html = render_network(net, legend=legend)
    assert "正极材料" in html and "SUPPLIES" in html and external_urls(html) == []
    assert [item.text for item in legend] == ["Segment", "Chain"]


def _boxes(net):
    """(node id, kind, x0, y0, x1, y1) of every drawn node and its label (layout units)."""
    from reports.layout import LABEL_GAP, label_size

    out = []
    for n in net.nodes:
        if str(n["id"]).startswith("__stage_"):
            continue
        x, y, r = n["x"], n["y"], n["size"]
        w, h = label_size(n["label"], n["font"]["size"])
        out.append((n["id"], "node", x - r, y - r, x + r, y + r))
        out.append((n["id"], "label", x - w / 2, y + r + LABEL_GAP, x + w / 2, y + r + LABEL_GAP + h))
    return out


def test_forty_segment_chain_has_no_overlapping_nodes_or_labels():
    from tests.chain40 import chain40

    segs, links = chain40()
    net = chain_network(segs, links)
    boxes = _boxes(net)
    assert len(boxes) == 80
    clashes = [
        (a[0], a[1], b[0], b[1])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] != b[0] and a[2] < b[4] and b[2] < a[4] and a[3] < b[5] and b[3] < a[5]
    ]
    assert clashes == []
    # columns upstream → downstream, and the map stays wider than tall enough to read (fit to the canvas)
    xs = {s["stage"]: [n["x"] for n in net.nodes if n["id"] == s["segment_id"]][0] for s in segs if s["stage"] in ("upstream", "downstream")}
    assert xs["upstream"] < xs["downstream"]
    ys = [n["y"] for n in net.nodes if not str(n["id"]).startswith("__")]
    assert max(ys) - min(ys) < 1100
