"""The chain map as a picture (PNG), drawn offline with matplotlib.

Same layout (:func:`reports.layout.chain_layout`: stage columns upstream →
downstream, sub-segments under their parent) and colours
(:data:`reports.layout.LABEL_COLORS`) as the app's interactive map; node size
grows with the number of local enterprises, key segments carry ★ and a dark
ring. The columns are spread to the page width and the rows to a height that
keeps 40 segments readable.
"""

from __future__ import annotations

import functools
import io
import math
import threading
from collections import OrderedDict
from typing import Any, Iterable

import networkx as nx

from reports.fmt import GAP_LABEL_ZH, SEGMENT_STAGE_ZH
from reports.layout import LABEL_COLORS, ROW_GAP, STAGE_ORDER, chain_layout, wrap_label

PAGE_WIDTH_CM = 17.0
EDGE = "#9aa5b1"
PART_OF = "#c3c9d1"
TEXT = "#1d2733"
STAGE_TEXT = "#52606d"
LINE_CHARS = 6.0  # label width, in CJK characters
# what a map shows of each segment: the only fields its nodes carry, and the key of the pictures kept
MAP_FIELDS = ("segment_id", "segment_name", "stage", "label", "local_count", "key", "parent_id")
MAP_CACHE = 64  # pictures kept per process (the Word and the PDF of one report draw the same maps)
_drawn: OrderedDict[tuple, tuple[bytes, float, float]] = OrderedDict()
_drawn_lock = threading.Lock()  # the app's sessions and the city report's map thread share the pictures kept


def _darker(hex_color: str, factor: float = 0.6) -> str:
    h = hex_color.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return "#{:02x}{:02x}{:02x}".format(int(r * factor), int(g * factor), int(b * factor))


def _wrap(text: str, width: float = LINE_CHARS, max_lines: int = 3) -> str:
    """A segment name in lines of about ``width`` CJK characters (:func:`reports.layout.wrap_label`).

    >>> _wrap("正极材料前驱体与三元材料")
    '正极材料前驱\\n体与三元材料'
    """
    return wrap_label(text, width, max_lines)


def _graph(segments: Iterable[dict[str, Any]], links: Iterable[tuple[str, str]]) -> tuple[nx.DiGraph, dict[str, str]]:
    rows = sorted(segments, key=lambda r: (STAGE_ORDER.get(r.get("stage"), 1), str(r["segment_id"])))
    g = nx.DiGraph()
    for r in rows:
        g.add_node(r["segment_id"], **{k: r.get(k) for k in MAP_FIELDS})
    g.add_edges_from((u, v) for u, v in links if u in g and v in g and u != v)
    parent = {n: d["parent_id"] for n, d in g.nodes(data=True) if d.get("parent_id") and d.get("parent_id") in g}
    return g, parent


def _radius(g: nx.DiGraph, parent: dict[str, str]) -> dict[str, float]:
    """Node radius in points: grows with local enterprises (as in the app), sub-segments smaller."""
    max_count = max((int(d.get("local_count") or 0) for _, d in g.nodes(data=True)), default=0) or 1
    out = {}
    for n, d in g.nodes(data=True):
        count = int(d.get("local_count") or 0)
        r = 4.0 + 5.0 * math.sqrt(count / max_count) if count else 3.6
        out[n] = r * (0.8 if n in parent else 1.0)
    return out


def _draw_edges(ax, g: nx.DiGraph, pos: dict, parent: dict[str, str], radius: dict[str, float]) -> None:
    from matplotlib.patches import FancyArrowPatch

    for u, v in sorted(g.edges):
        (x1, y1, _), (x2, y2, _) = pos[u], pos[v]
        ax.add_artist(  # not add_patch: the limits are fixed, so no data limits to update (each cost a shrunk arrow's path)
            FancyArrowPatch(
                (x1, y1), (x2, y2), arrowstyle="-|>", mutation_scale=6, color=EDGE, lw=0.6,
                connectionstyle="arc3,rad=0.08", shrinkA=radius[u] + 1, shrinkB=radius[v] + 1.5, zorder=1,
            )
        )
    for ch, p in sorted(parent.items()):
        (x1, y1, _), (x2, y2, _) = pos[ch], pos[p]
        ax.plot([x1, x2], [y1, y2], ls=(0, (3, 2)), color=PART_OF, lw=0.7, zorder=1)


def _dot(ax, x: float, y: float, size: float, color: str, edge: str, width: float) -> None:
    """One node's disc: the collection ``ax.scatter([x], [y], s=size, c=color, edgecolors=edge, linewidths=width,
    zorder=3)`` makes (same marker path, transforms and colours, so the same pixels), without scatter's
    argument handling and data-limit update (the limits are fixed), which cost most of a map's build."""
    from matplotlib.collections import PathCollection
    from matplotlib.markers import MarkerStyle
    from matplotlib.transforms import IdentityTransform

    marker = MarkerStyle("o")
    dot = PathCollection((marker.get_path().transformed(marker.get_transform()),), [size], facecolors=[color], edgecolors=edge,
                         linewidths=width, offsets=[[x, y]], offset_transform=ax.transData)
    dot.set_transform(IdentityTransform())
    dot.set_zorder(3)
    ax.add_collection(dot, autolim=False)


def _draw_nodes(ax, g: nx.DiGraph, pos: dict, parent: dict[str, str], radius: dict[str, float], fp) -> None:
    label_pt = 6.8 if len(pos) <= 30 else 6.2
    for n, d in g.nodes(data=True):
        x, y, _ = pos[n]
        color = LABEL_COLORS.get(d.get("label") or "missing", LABEL_COLORS["missing"])
        key = bool(d.get("key"))
        _dot(ax, x, y, (2 * radius[n]) ** 2, color, _darker(color) if key else color, 1.4 if key else 0.5)
        name = _wrap(str(d.get("segment_name") or n)) + (" ★" if key else "")
        ax.annotate(name, (x, y), xytext=(0, -(radius[n] + 1.5)), textcoords="offset points", ha="center", va="top",
                    fontproperties=fp, fontsize=label_pt if n not in parent else label_pt - 0.6, color=TEXT,
                    linespacing=1.05, zorder=4)


def _draw_frame(fig, ax, g: nx.DiGraph, pos: dict, fp, font_path: str) -> None:
    """Stage headers above their columns, the legend below, the size note on top."""
    from matplotlib import font_manager
    from matplotlib.lines import Line2D

    top = min(p[1] for p in pos.values()) - 28.0 if pos else 0.0
    for stage in STAGE_ORDER:
        stage_x = [pos[n][0] for n in g.nodes if g.nodes[n].get("stage") == stage]
        if stage_x:
            ax.text((min(stage_x) + max(stage_x)) / 2, top, SEGMENT_STAGE_ZH[stage], ha="center", va="bottom",
                    fontproperties=fp, fontsize=10, color=STAGE_TEXT)
    handles = [Line2D([], [], ls="", marker="o", ms=6, color=LABEL_COLORS[k], label=GAP_LABEL_ZH[k]) for k in ("strong", "weak", "broken", "missing")]
    handles += [
        Line2D([], [], color=EDGE, lw=0.8, label="供应关系（上游→下游）"),
        Line2D([], [], color=PART_OF, lw=0.8, ls=(0, (3, 2)), label="子环节（属于）"),
        Line2D([], [], ls="", marker="$★$", ms=6, color=TEXT, label="关键环节"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=7, frameon=False, prop=font_manager.FontProperties(fname=font_path, size=6.5),
               handletextpad=0.3, columnspacing=1.0, bbox_to_anchor=(0.5, 0.005))
    fig.text(0.5, 0.945, "节点大小＝本地企业数", ha="center", fontproperties=fp, fontsize=6, color=STAGE_TEXT)


@functools.lru_cache(maxsize=4)
def _font(font_path: str):
    """The font's properties, registered with matplotlib once per process (reading the font file cost every map)."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(font_path)
    return font_manager.FontProperties(fname=font_path)


def chain_map_png(
    segments: Iterable[dict[str, Any]],
    links: Iterable[tuple[str, str]],
    *,
    font_path: str,
    width_cm: float = PAGE_WIDTH_CM,
    max_height_cm: float = 19.0,
    dpi: int = 200,
) -> tuple[bytes, float, float]:
    """PNG of one chain's segments: ``(png, width_cm, height_cm)``.

    ``segments``: dicts with ``segment_id``, ``segment_name``, ``stage``,
    ``label``, ``local_count``, ``key``, ``parent_id`` (a :class:`GapRow`
    dump; other fields are ignored); ``links``: SUPPLIES pairs inside the chain.
    The last :data:`MAP_CACHE` pictures are kept by these inputs, so a report
    built again (its PDF after its Word) draws no map twice.
    """
    segments = [{k: r.get(k) for k in MAP_FIELDS} for r in segments]
    links = [(u, v) for u, v in links]
    key = (repr(segments), repr(links), font_path, width_cm, max_height_cm, dpi)
    with _drawn_lock:
        if key in _drawn:
            _drawn.move_to_end(key)
            return _drawn[key]
    got = _draw_png(segments, links, font_path=font_path, width_cm=width_cm, max_height_cm=max_height_cm, dpi=dpi)
    with _drawn_lock:
        _drawn[key] = got
        while len(_drawn) > MAP_CACHE:
            _drawn.popitem(last=False)
    return got


def _draw_png(segments: list[dict[str, Any]], links: list[tuple[str, str]], *, font_path: str, width_cm: float, max_height_cm: float,
              dpi: int) -> tuple[bytes, float, float]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    fp = _font(font_path)
    g, parent = _graph(segments, links)
    pos = chain_layout(g, parent)
    xs = [p[0] for p in pos.values()] or [0.0]
    ys = [p[1] for p in pos.values()] or [0.0]
    height_cm = max(6.0, min(max_height_cm, 2.2 * (max(ys) - min(ys)) / ROW_GAP + 5.0))
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=dpi)
    ax = fig.add_axes((0.01, 0.09, 0.98, 0.84))
    ax.set_axis_off()
    ax.set_xlim(min(xs) - 80.0, max(xs) + 80.0)
    ax.set_ylim(max(ys) + 55.0, min(ys) - 40.0)  # y grows downwards, as in the app
    radius = _radius(g, parent)
    _draw_edges(ax, g, pos, parent, radius)
    _draw_nodes(ax, g, pos, parent, radius, fp)
    _draw_frame(fig, ax, g, pos, fp, font_path)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue(), width_cm, height_cm
