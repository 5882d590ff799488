"""Widgets that follow the URL: a chosen chain, segment or park is a query parameter, so a view can be shared."""

from __future__ import annotations

from typing import Any, Callable, Sequence

import polars as pl
import streamlit as st

from graph.i18n import SCOPE_KIND_ZH
from graph.view import GraphView


def synced_select(
    label: str,
    options: Sequence[Any],
    *,
    param: str,
    format_func: Callable[[Any], str] = str,
    container: Any = None,
    help: str | None = None,
    default: Any = None,
    key: str | None = None,
) -> Any:
    """A selectbox whose value follows ``st.query_params[param]`` (shareable links) and writes it back."""
    where = container if container is not None else st
    key = key or f"qp__{param}"
    options = list(options)
    if not options:
        return None
    want = st.query_params.get(param)
    current = st.session_state.get(key)
    if current not in options:
        if want in options:
            current = want
        elif default in options:
            current = default
        else:
            current = options[0]
        st.session_state[key] = current
    value = where.selectbox(label, options, key=key, format_func=format_func, help=help)
    if value is not None and st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)
    return value


def scope_picker(view: GraphView, *, container: Any = None, key: str = "scope") -> str:
    """City / park / region choice as a scope string (``city``, ``park:ID``, ``region:CODE``).

    The park goes into the ``park`` query parameter.
    """
    where = container if container is not None else st
    from webapp.context import ctx  # the settings in force name 本市
    from webapp.park_ranking import own_park_ids  # peer parks of other cities have no firms to scope on

    parks = view.parks.filter(pl.col("id").is_in(own_park_ids(view, ctx().analysis))).sort("id")
    park_names = dict(zip(parks.get_column("id").to_list(), parks.get_column("name").to_list()))
    regions = scope_regions(view)
    kinds = ["city", "park", "region"] if regions else ["city", "park"]
    kind_key = f"{key}__kind"
    if kind_key not in st.session_state:
        st.session_state[kind_key] = "park" if st.query_params.get("park") in park_names else "city"
    kind = where.segmented_control("范围", kinds, format_func=SCOPE_KIND_ZH.get, key=kind_key, required=True) if parks.height or regions else "city"
    if kind == "park" and park_names:
        pid = synced_select("园区", list(park_names), param="park", format_func=lambda p: park_names.get(p) or p, container=where, key=f"{key}__park")
        return f"park:{pid}"
    if kind == "region" and regions:
        code = where.selectbox("区县", list(regions), format_func=lambda c: f"{regions[c]}（{c}）", key=f"{key}__region")
        return f"region:{code}"
    if "park" in st.query_params:
        del st.query_params["park"]
    return "city"


def scope_regions(view: GraphView) -> dict[str, str]:
    """Regions that hold parks or local enterprises (the useful region scopes): code -> name."""
    codes = set(view.parks.get_column("region_code").drop_nulls().to_list())
    codes |= set(view.enterprises.filter(pl.col("local").fill_null(False)).get_column("region_code").drop_nulls().to_list())
    reg = view.regions.filter(pl.col("code").is_in(sorted(codes))).sort("code")
    return dict(zip(reg.get_column("code").to_list(), reg.get_column("name").to_list()))


def scope_zh(view: GraphView, scope: str) -> str:
    """A scope string for people: ``全市``, ``园区 示例高新区``, ``区县 北山区``."""
    if scope == "city":
        return SCOPE_KIND_ZH["city"]
    kind, _, value = scope.partition(":")
    if kind == "park":
        hit = view.parks.filter(pl.col("id") == value)
        return f"{SCOPE_KIND_ZH['park']} {hit.item(0, 'name') if hit.height else value}"
    hit = view.regions.filter(pl.col("code") == value)
    return f"{SCOPE_KIND_ZH['region']} {hit.item(0, 'name') if hit.height else value}"
