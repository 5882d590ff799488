"""The province-wide park ranking on the pages: frames, column configs, the 本市 choice, the comparison lines.

Frames keep English column names (headers via ``column_config``; the Excel sheets are
:func:`reports.sheets.ranking_sheets`). :func:`shown` writes nullable numbers as text so an unknown value
reads "无数据" (the data grid would print "None").
"""

from __future__ import annotations

from typing import Any, Iterable

import polars as pl
import streamlit as st

from graph.analysis.cities import city_of, display_code, own_parks, region_name
from graph.i18n import MISSING, PARK_INDICATOR_ZH, money
from graph.settings import AnalysisSettings
from graph.view import GraphView
from webapp.sidebar import setting_key

KEYS = ("revenue", "fixed_investment", "tax", "profit")
HOME_KEY = setting_key("home_region")
NA = MISSING

# ------------------------------------------------------------------ 本市 in the sidebar


AUTO = ""  # the selectbox option for "infer 本市" (a selectbox cannot hold None as a choice)


def home_options(view: GraphView) -> dict[str, str]:
    """"" (infer) and every city holding a park, labelled "名称（代码）"."""
    cities = sorted({c for c in (city_of(view, r) for r in view.parks.get_column("region_code").drop_nulls().to_list()) if c})
    opts = {AUTO: "自动：本地企业最多的城市"}
    for code in cities:
        opts[code] = f"{region_name(view, code) or code}（{display_code(code)}）"
    return opts


def home_sidebar(view: GraphView | None, analysis: AnalysisSettings) -> AnalysisSettings:
    """The 本市 choice (setting ``home_region``) in the sidebar; returns the settings with it."""
    if view is None or view.parks.height == 0:
        return analysis
    opts = home_options(view)
    given = analysis.home_region or AUTO
    if given not in opts:  # a code from the settings file or environment (e.g. a county)
        opts[given] = f"{region_name(view, given) or given}（设置）"
    if st.session_state.get(HOME_KEY) not in opts:
        st.session_state[HOME_KEY] = given
    value = st.sidebar.selectbox(
        "本市（全省园区对比）", list(opts), format_func=opts.get, key=HOME_KEY,
        help="十强/十快按全省所有园区排名，本市的园区与其他城市的园区对比（设置文件中的名称：本市编码）。",
    )  # fmt: skip
    return analysis.model_copy(update={"home_region": value or None})


def own_park_ids(view: GraphView, analysis: AnalysisSettings) -> list[str]:
    """The city's own parks (sorted); every park when 本市 is unknown or the setting is invalid."""
    try:
        return sorted(own_parks(view, analysis))
    except ValueError:
        return sorted(view.parks.get_column("id").to_list())


# ------------------------------------------------------------------ comparison


def comparison_lines(ranking: Any) -> list[str]:
    """Markdown lines "**十强** 本市 N 家 / 最多的X市 M 家" for 十强, 十快 and stars."""
    return [f"**{c.label}**　{c.short}" for c in ranking.comparison]


# ------------------------------------------------------------------ frames


def score_frame(rows: Iterable[Any], kind: str) -> pl.DataFrame:
    """Ranking rows (scale or speed) → one row per park with its values (万元 or growth) and parts."""
    out = []
    for r in rows:
        city = r.city_name or r.city_code
        d = {"rank": r.rank, "park_id": r.park_id, "park_name": r.park_name, "city_name": city, "city_label": f"{city}（本市）" if r.home else city, "home": r.home, "score": r.score}
        for k in KEYS:
            d[("v_" if kind == "scale" else "g_") + k] = r.values.get(k)
            d[f"p_{k}"] = r.parts.get(k)
        d["note"] = r.note
        out.append(d)
    prefix = "v_" if kind == "scale" else "g_"
    schema = {"rank": pl.Int64, "park_id": pl.Utf8, "park_name": pl.Utf8, "city_name": pl.Utf8, "city_label": pl.Utf8, "home": pl.Boolean, "score": pl.Float64}
    schema |= {f"{prefix}{k}": pl.Float64 for k in KEYS} | {f"p_{k}": pl.Float64 for k in KEYS} | {"note": pl.Utf8}
    return pl.DataFrame(out, schema=schema, orient="row") if out else pl.DataFrame(schema=schema)


def _fmt(v: Any, kind: str) -> str:
    if v is None:
        return NA
    return {
        "wan": lambda: f"{v:,.0f}", "money": lambda: money(v), "d1": lambda: f"{v:,.1f}", "d2": lambda: f"{v:,.2f}", "d3": lambda: f"{v:.3f}", "int": lambda: f"{int(v)}",
        "mu": lambda: f"{v:,.0f}亩", "pct": lambda: f"{v * 100:.1f}%", "spct": lambda: f"{v * 100:+.1f}%", "pp": lambda: f"{v * 100:+.1f} 个百分点",
    }[kind]()  # fmt: skip


def shown(df: pl.DataFrame, kinds: dict[str, str]) -> pl.DataFrame:
    """The frame for the page: the listed numeric columns as text, a missing value as "无数据" (a grid would show "None").

    >>> shown(pl.DataFrame({"a": [0.5, None], "b": [1234.5, 2.0]}), {"a": "pct", "b": "wan"}).rows()
    [('50.0%', '1,234'), ('无数据', '2')]
    """
    cols = [pl.Series(c, [_fmt(v, k) for v in df.get_column(c).to_list()], dtype=pl.Utf8) for c, k in kinds.items() if c in df.columns]
    return df.with_columns(cols) if cols else df


def score_kinds(kind: str) -> dict[str, str]:
    return {("v_" if kind == "scale" else "g_") + k: ("money" if kind == "scale" else "spct") for k in KEYS} | {f"p_{k}": "d3" for k in KEYS}


def score_view(rows: list[Any], kind: str) -> tuple[pl.DataFrame, str]:
    """Ranked parks as a page table (values as text), and a sentence naming the parks not ranked and why."""
    ranked = [r for r in rows if r.rank is not None]
    rest = [f"{r.park_name or r.park_id}（{r.note or '无数据'}）" for r in rows if r.rank is None]
    return shown(score_frame(ranked, kind), score_kinds(kind)), ("未排名：" + "、".join(rest) if rest else "")


def score_columns(kind: str) -> dict[str, Any]:
    cc = st.column_config
    cols: dict[str, Any] = {
        "rank": cc.NumberColumn("名次", format="%d", width="small"),
        "park_id": None,
        "park_name": cc.TextColumn("园区"),
        "city_name": cc.TextColumn("城市", width="small"),
        "city_label": cc.TextColumn("城市"),
        "home": cc.CheckboxColumn("本市", width="small"),
        "score": cc.ProgressColumn("得分", min_value=0.0, max_value=1.0, format="%.3f", help="Σ 权重×分项 / Σ 权重（0–1）", width="small"),
        "note": cc.TextColumn("说明"),
    }
    for k, zh in PARK_INDICATOR_ZH.items():
        if kind == "scale":
            cols[f"v_{k}"] = cc.TextColumn(zh)
        else:
            cols[f"g_{k}"] = cc.TextColumn(f"{zh}增速", help="（本期 − 上期）/ 上期；上期不为正时无法计算")
        cols[f"p_{k}"] = cc.TextColumn(f"{zh}分项", help="0–1；缺失记 0，见说明")
    return cols


def city_frame(rows: Iterable[Any]) -> pl.DataFrame:
    schema = {"city_name": pl.Utf8, "city_code": pl.Utf8, "home": pl.Boolean, "parks": pl.Int64, "top10_scale": pl.Int64, "top10_speed": pl.Int64, "star2plus": pl.Int64}
    data = [(c.city_name or c.city_code, c.city_code, c.home, c.parks, c.top10_scale, c.top10_speed, c.star2plus) for c in rows]
    return pl.DataFrame(data, schema=schema, orient="row")


def city_columns() -> dict[str, Any]:
    cc = st.column_config
    return {
        "city_name": cc.TextColumn("城市"), "city_code": cc.TextColumn("代码", width="small"), "home": cc.CheckboxColumn("本市", width="small"),
        "parks": cc.NumberColumn("园区数", format="%d"), "top10_scale": cc.NumberColumn("十强", format="%d"),
        "top10_speed": cc.NumberColumn("十快", format="%d"), "star2plus": cc.NumberColumn("二星级及以上", format="%d"),
    }  # fmt: skip


def figures_frame(rows: Iterable[Any]) -> pl.DataFrame:
    cols = ["park_id", "park_name", "city_name", "home", "area_mu", "revenue_per_mu", "tax_per_mu", "fixed_investment_growth", "home_average_growth", "vs_home_average", "note"]
    data = [{k: getattr(r, k) for k in cols} | {"city_name": r.city_name or r.city_code} for r in rows]
    schema = {k: pl.Float64 for k in cols} | {"park_id": pl.Utf8, "park_name": pl.Utf8, "city_name": pl.Utf8, "home": pl.Boolean, "note": pl.Utf8}
    return pl.DataFrame(data, schema=schema) if data else pl.DataFrame(schema=schema)


FIGURE_KINDS = {"area_mu": "mu", "revenue_per_mu": "d1", "tax_per_mu": "d2", "fixed_investment_growth": "spct", "home_average_growth": "spct", "vs_home_average": "pp"}


def figures_columns() -> dict[str, Any]:
    cc = st.column_config
    return {
        "park_id": None, "park_name": cc.TextColumn("园区"), "city_name": cc.TextColumn("城市", width="small"), "home": cc.CheckboxColumn("本市", width="small"),
        "area_mu": cc.TextColumn("面积"), "revenue_per_mu": cc.TextColumn("亩均营收(万元/亩)"), "tax_per_mu": cc.TextColumn("亩均税收(万元/亩)"),
        "fixed_investment_growth": cc.TextColumn("固投增速"), "home_average_growth": cc.TextColumn("本市平均"),
        "vs_home_average": cc.TextColumn("较本市平均", help="固投增速减本市园区平均固投增速"), "note": cc.TextColumn("说明"),
    }  # fmt: skip


def cohesion_frame(rows: Iterable[Any]) -> pl.DataFrame:
    cols = ["park_id", "park_name", "local_count", "tied_count", "cohesion", "flag", "chain_coverage", "notes"]
    data = [{k: getattr(r, k) for k in cols} | {"notes": "；".join(r.notes), "flag": r.flag or ""} for r in rows]
    schema = {"park_id": pl.Utf8, "park_name": pl.Utf8, "local_count": pl.Int64, "tied_count": pl.Int64, "cohesion": pl.Float64, "flag": pl.Utf8, "chain_coverage": pl.Float64, "notes": pl.Utf8}
    return pl.DataFrame(data, schema=schema) if data else pl.DataFrame(schema=schema)


COHESION_KINDS = {"tied_count": "int", "cohesion": "pct", "chain_coverage": "pct"}


def cohesion_columns() -> dict[str, Any]:
    cc = st.column_config
    return {
        "park_id": None, "park_name": cc.TextColumn("园区"), "local_count": cc.NumberColumn("本地企业", format="%d"),
        "tied_count": cc.TextColumn("区内有供需关联"), "cohesion": cc.TextColumn("关联性", help="与区内其他企业有供需关系的本地企业占比"),
        "flag": cc.TextColumn("预警", width="medium"), "chain_coverage": cc.TextColumn("主导产业链覆盖", help="申报主导产业的产业链环节中，园区内有本地企业的环节占比"),
        "notes": cc.TextColumn("说明"),
    }  # fmt: skip
