"""The chain map you can click: vis-network inside a Streamlit bidirectional component.

``st.components.v2`` mounts our JavaScript (``templates/clickable_network.js``) in the page; it
loads vis-network from the app's own static files (``static/vis-network``, no CDN), draws the
pyvis-built nodes and edges, and sends the id of a clicked segment back as the trigger value
``clicked``. :func:`clickable_network` turns that click into the page's selection: the
callback runs before the rerun, so the segment picker, the side panel and the URL all follow.

Without static file serving (``server.enableStaticServing`` off) the component cannot load
vis-network; :func:`webapp.graphviz.show_html` (an iframe with vis-network inlined, no clicks)
is the fallback the pages use then.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib.resources import files
from typing import Any, Callable, Sequence

import streamlit as st
from pyvis.network import Network

from webapp.graphviz import SELECTED_RING, LegendItem, asset_base

JS_FILE = files("webapp").joinpath("templates", "clickable_network.js")  # package data, also in the wheel
LEGEND_HEIGHT = 30  # the legend line above the canvas (two lines when it wraps)
CSS = """
.indmap-map { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
.legend { display: flex; flex-wrap: wrap; gap: 2px 14px; align-items: center; padding: 0 4px 6px 4px; font-size: 12.5px; color: #3e4c59; }
.legend .item { white-space: nowrap; }
.legend .sw { display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin-right: 5px; vertical-align: -1px; }
.legend .ln { display: inline-block; width: 18px; height: 0; margin-right: 5px; vertical-align: 3px; border-top: 2px solid #7b8794; }
.legend .ln.dash { border-top: 2px dashed #b7bec7; }
.legend .note { flex: 1 1 100%; font-size: 11.5px; color: #6b7580; }
.net { width: 100%; border: 1px solid #e3e6ea; border-radius: 6px; box-sizing: border-box; position: relative; }
.missing { display: none; padding: 24px; color: #b3261e; font-size: 14px; }
div.vis-tooltip { position: absolute; white-space: pre-line; font-family: inherit; font-size: 12px; line-height: 1.55; max-width: 360px;
  background: #fff; border: 1px solid #cfd6de; box-shadow: 0 2px 8px rgba(0,0,0,.12); color: #222; padding: 8px 10px; border-radius: 4px; }
"""


@lru_cache(maxsize=1)
def _component() -> Callable[..., Any]:
    """The registered component (once per process)."""
    return st.components.v2.component("indmap_clickable_network", js=JS_FILE.read_text(encoding="utf-8"), css=CSS)


def network_payload(net: Network, *, legend: Sequence[LegendItem], note: str, selected: str | None, height: int, base_url_path: str = "") -> dict[str, Any]:
    """What the component draws: nodes, edges, options, legend, the selection and a signature.

    The signature changes only with the drawing itself (nodes, edges, options), so a new
    selection re-highlights without redrawing or re-fitting the map.
    """
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    opts = json.loads(options) if isinstance(options, str) else options
    sig = hashlib.sha1(json.dumps([nodes, edges, opts], sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()[:16]
    return {
        "nodes": nodes,
        "edges": edges,
        "options": opts,
        "legend": [{"text": i.text, "color": i.color, "kind": i.kind} for i in legend],
        "note": note,
        "selected": selected,
        "height": int(height),
        "assets": asset_base(base_url_path),
        "sig": sig,
        "style": {"ring": SELECTED_RING, "borderWidth": 5, "shadow": "rgba(31,95,168,0.45)"},
    }


def clickable_network(
    net: Network,
    *,
    key: str,
    legend: Sequence[LegendItem] = (),
    note: str = "",
    selected: str | None = None,
    height: int = 620,
    select_key: str | None = None,
    param: str | None = None,
    base_url_path: str = "",
) -> str | None:
    """Show ``net``; a click on a node selects it: ``st.session_state[select_key]`` and ``st.query_params[param]``.

    Returns the id clicked in this run (None otherwise). The callback runs before the rerun, so a
    selectbox keyed ``select_key`` shows the clicked segment in the same rerun.
    """

    def on_click() -> None:
        value = st.session_state.get(key)
        clicked = getattr(value, "clicked", None) if value is not None else None
        if clicked is None and isinstance(value, dict):
            clicked = value.get("clicked")
        if not clicked:
            return
        if select_key:
            st.session_state[select_key] = clicked
        if param:
            st.query_params[param] = clicked

    data = network_payload(net, legend=legend, note=note, selected=selected, height=height, base_url_path=base_url_path)
    res = _component()(key=key, data=data, height=height + LEGEND_HEIGHT + 24, on_clicked_change=on_click)
    return getattr(res, "clicked", None)
