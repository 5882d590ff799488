"""Sections of the 园区 page (app_pages/parks.py): the park's place in the province-wide 十强/十快 with per-mu figures, and cohesion."""

from __future__ import annotations

from typing import Any

import streamlit as st

from webapp.markdown import md
from webapp.park_ranking import (
    COHESION_KINDS,
    FIGURE_KINDS,
    KEYS,
    NA,
    city_columns,
    city_frame,
    cohesion_columns,
    cohesion_frame,
    comparison_lines,
    figures_columns,
    figures_frame,
    score_columns,
    score_view,
    shown,
)
from graph.i18n import PARK_INDICATOR_ZH, cell, money


SCALE_ORDER = ["rank", "park_name", "city_label", "score"] + [f"v_{k}" for k in KEYS] + [f"p_{k}" for k in KEYS] + ["note"]
SPEED_ORDER = ["rank", "park_name", "city_label", "score"] + [f"g_{k}" for k in KEYS] + [f"p_{k}" for k in KEYS] + ["note"]


def _rank_text(row: Any) -> str:
    return "未排名" if row is None or row.rank is None else f"第 {row.rank} 名"


def _rank_note(row: Any, label: str, ranked: int) -> str:
    if row is None or row.rank is None:
        return (row.note if row else "") or "无指标数据"
    return f"全省 {ranked} 个园区中，{'入选' if row.top10 else '未入选'}{label}"


def _num(v: float | None, fmt: str, unit: str = "") -> str:
    return NA if v is None else f"{v:{fmt}}{unit}"


def _parts_table(me_scale: Any, me_speed: Any) -> list[dict[str, Any]]:
    rows = []
    for k in KEYS:
        rows.append(
            {
                "指标": PARK_INDICATOR_ZH[k],
                "本期数值": money(me_scale.values.get(k) if me_scale and me_scale.values else None),
                "规模分项(0–1)": _num(me_scale.parts.get(k) if me_scale and me_scale.parts else None, ".3f"),
                "增速": _num(100 * me_speed.values[k] if me_speed and me_speed.values.get(k) is not None else None, "+.1f", "%"),
                "增速分项(0–1)": _num(me_speed.parts.get(k) if me_speed and me_speed.parts else None, ".3f"),
            }
        )
    return rows


def _place(ranking: Any, pid: str) -> None:
    """Metrics of the park: ranks and scores, then 亩均 figures and fixed-investment growth against 本市."""
    me_s = next((r for r in ranking.scale if r.park_id == pid), None)
    me_p = next((r for r in ranking.speed if r.park_id == pid), None)
    fig = next((r for r in ranking.parks if r.park_id == pid), None)
    k = st.columns(4)
    k[0].metric("十强（规模）名次", _rank_text(me_s), help="全省所有园区按规模得分排名，前10为十强")
    k[0].caption(_rank_note(me_s, "十强", sum(1 for r in ranking.scale if r.rank)))
    k[1].metric("规模得分", _num(me_s.score if me_s else None, ".3f"), help="0–1：各指标 ÷ 全省最大值，按权重加权")
    k[2].metric("十快（增速）名次", _rank_text(me_p), help="全省两期都有数据的园区按增速得分排名，前10为十快")
    k[2].caption(_rank_note(me_p, "十快", sum(1 for r in ranking.speed if r.rank)))
    k[3].metric("增速得分", _num(me_p.score if me_p else None, ".3f"), help="0–1：各指标增速在全省最小–最大之间的位置，按权重加权")
    k = st.columns(3)
    k[0].metric(f"亩均营收（{ranking.period}）", cell("revenue_per_mu", fig.revenue_per_mu if fig else None))
    k[1].metric("亩均税收", cell("tax_per_mu", fig.tax_per_mu if fig else None))
    vs = fig.vs_home_average if fig else None
    avg = _num(100 * fig.home_average_growth if fig and fig.home_average_growth is not None else None, ".1f", "%")
    k[2].metric(
        "固投增速", _num(100 * fig.fixed_investment_growth if fig and fig.fixed_investment_growth is not None else None, "+.1f", "%"),
        delta=None if vs is None else f"{100 * vs:+.1f} 个百分点（较本市平均 {avg}）",
    )  # fmt: skip
    notes = [n for n in (me_s.note if me_s else "", me_p.note if me_p else "", fig.note if fig else "") if n]
    if notes:
        st.caption("；".join(dict.fromkeys(notes)))
    with st.expander("本园区得分分项（得分 = Σ 权重×分项 / Σ 权重；缺失记 0）"):
        st.dataframe(_parts_table(me_s, me_p), hide_index=True, width="stretch")


def ranking_section(ranking: Any, pid: str, *, demo: bool) -> None:
    """The province-wide 十强/十快: 本市 against the best other city, this park's place, the full tables."""
    st.subheader("全省排名（十强 / 十快）与亩均效益")
    for line in comparison_lines(ranking):
        st.markdown(line)
    st.caption(md(ranking.home_note) + ("。邻近城市及其园区同为虚构示例数据。" if demo else ""))
    if ranking.period is None:
        st.info("没有园区指标（park_stats.csv），无法排名。")
        return
    _place(ranking, pid)
    # the full tables only on request: four province-wide tables would slow every visit of the page
    if st.toggle(f"显示全省十强 / 十快明细与各市对比（{ranking.period} 较 {ranking.previous_period}）", key="pk_rank_detail"):
        t = st.tabs(["十强（规模）", "十快（增速）", "各市对比", "亩均与固投增速"])
        for tab, rows, kind, order in ((t[0], ranking.scale, "scale", SCALE_ORDER), (t[1], ranking.speed, "speed", SPEED_ORDER)):
            df, unranked = score_view(rows, kind)
            tab.dataframe(df, hide_index=True, width="stretch", column_config=score_columns(kind), column_order=order)
            if unranked:
                tab.caption(unranked)
        t[2].dataframe(city_frame(ranking.by_city), hide_index=True, width="stretch", column_config=city_columns())
        t[3].dataframe(shown(figures_frame(ranking.parks), FIGURE_KINDS), hide_index=True, width="stretch", column_config=figures_columns())
    for w in ranking.warnings:
        st.caption(f"⚠ {w}")


def cohesion_section(coh: Any, pid: str) -> None:
    """This park's cohesion (flagged below the threshold) and chain coverage; every own park in an expander."""
    st.subheader("区内企业关联性与主导产业链覆盖")
    me = next((r for r in coh.rows if r.park_id == pid), None)
    if me is None:
        st.info("本园区不在本市园区之列，无关联性数据。")
        return
    a, b = st.columns(2)
    a.metric("关联性", _num(100 * me.cohesion if me.cohesion is not None else None, ".1f", "%"), help="本地企业中与园区内其他企业有供需关系（供货或采购）的比例")
    cover = _num(100 * me.chain_coverage if me.chain_coverage is not None else None, ".1f", "%")
    b.metric("主导产业链覆盖", cover, help="申报主导产业的产业链环节中，园区内有本地企业的环节占比")
    if me.chain_coverage is not None:
        b.caption(f"{me.covered_segments} / {me.focus_segments} 个环节")
    threshold = coh.settings.get("cohesion_threshold", 0.2)
    if me.flag:
        st.warning(f"{me.flag}：本地 {me.local_count} 家企业中仅 {me.tied_count} 家与区内其他企业有供需关系（低于 {threshold:.0%}）", icon=":material/link_off:")
    elif me.cohesion is not None:
        st.success(f"本地 {me.local_count} 家企业中 {me.tied_count} 家与区内其他企业有供需关系。")
    for n in me.notes:
        st.caption(n)
    if len(coh.rows) < 2:  # a park account reads its own row only (webapp.auth.Access.own_rows)
        return
    with st.expander("本市全部园区的关联性与主导产业链覆盖"):
        st.dataframe(shown(cohesion_frame(coh.rows), COHESION_KINDS), hide_index=True, width="stretch", column_config=cohesion_columns())


HEAT_MAX_PARKS = 20  # a readable heat map; with more parks it shows this park and its most similar peers


def heat_parks(pairs: list[Any], own: list[str], pid: str, limit: int = HEAT_MAX_PARKS) -> list[str]:
    """The parks on the heat map: every own park when they are few, else ``pid`` and its ``limit - 1`` most similar parks.

    >>> from types import SimpleNamespace as P
    >>> pairs = [P(park_a="A", park_b="B", similarity=0.2), P(park_a="A", park_b="C", similarity=0.9), P(park_a="B", park_b="C", similarity=0.5)]
    >>> heat_parks(pairs, ["A", "B", "C"], "A", limit=2)
    ['A', 'C']
    >>> heat_parks(pairs, ["A", "B", "C"], "A", limit=3)
    ['A', 'B', 'C']
    """
    if len(own) <= limit:
        return list(own)
    mine = sorted(
        ((p.similarity, p.park_b if p.park_a == pid else p.park_a) for p in pairs if pid in (p.park_a, p.park_b)),
        key=lambda t: (-t[0], t[1]),
    )
    ownset = set(own)
    peers = [q for _, q in mine if q in ownset][: limit - 1]
    if len(peers) < limit - 1:  # parks with no overlap figure fill the rest in id order
        peers += [q for q in sorted(ownset - set(peers) - {pid})][: limit - 1 - len(peers)]
    return sorted([pid, *peers] if pid in ownset else peers)


def heat_frame(pairs: list[Any], own: list[str], names: dict[str, str]) -> tuple[Any, list[str]]:
    """The overlap matrix of the city's own parks as long rows for a heat map, and the axis order.

    Each park is numbered (``3. 示例经济技术开发区``): long names stay apart on the axis (no two
    parks cut to the same label), the columns carry the number only.
    """
    import pandas as pd

    order = sorted(own)
    label = {p: f"{i}. {names.get(p) or p}" for i, p in enumerate(order, start=1)}
    num = {p: str(i) for i, p in enumerate(order, start=1)}
    sim = {(p.park_a, p.park_b): p.similarity for p in pairs} | {(p.park_b, p.park_a): p.similarity for p in pairs}
    rows = [
        {"row": label[a], "col": num[b], "a": names.get(a) or a, "b": names.get(b) or b, "a_id": a, "b_id": b,
         "similarity": 1.0 if a == b else sim.get((a, b))}
        for a in order for b in order
    ]  # fmt: skip
    return pd.DataFrame(rows), [label[p] for p in order]


def _heat_chart(hm: Any, rows: list[str], pid: str) -> Any:
    import altair as alt

    cols = [str(i) for i in range(1, len(rows) + 1)]
    base = alt.Chart(hm).encode(
        x=alt.X("col:N", title="园区编号（同左侧序号）", sort=cols, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("row:N", title=None, sort=rows, axis=alt.Axis(labelLimit=0)),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("similarity:Q", title="相似度", scale=alt.Scale(domain=[0, 1], scheme="orangered")),
        tooltip=[alt.Tooltip("a:N", title="园区"), alt.Tooltip("b:N", title="与园区"), alt.Tooltip("similarity:Q", title="相似度", format=".2f")],
    )
    mine = hm[(hm["a_id"] == pid) | (hm["b_id"] == pid)]
    ring = alt.Chart(mine).mark_rect(fill=None, stroke="#1f5fa8", strokeWidth=1.4).encode(x=alt.X("col:N", sort=cols), y=alt.Y("row:N", sort=rows))
    text = alt.Chart(hm[hm["similarity"].notna()]).encode(x=alt.X("col:N", sort=cols), y=alt.Y("row:N", sort=rows)).mark_text(fontSize=10).encode(
        text=alt.Text("similarity:Q", format=".2f"),
        color=alt.condition("datum.similarity > 0.55", alt.value("white"), alt.value("#1d2733")),
    )
    return (heat + ring + text).properties(height=max(240, 28 * len(rows)), width=46 * len(rows))


def overlap_section(overlap: Any, own: list[str], pid: str, names: dict[str, str], seg_names: dict[str, str]) -> None:
    """同质化: the heat map of every pair of the city's parks (numbers in the cells), the most similar pairs, this park's flags."""
    import polars as pl

    st.subheader("同质化（与其他园区的产业重合度）")
    pairs = overlap.pairs
    if not pairs:
        st.info("园区少于两个或没有本地企业，无法计算同质化。")
        return
    shown = heat_parks(pairs, own, pid)
    hm, rows = heat_frame(pairs, shown, names)
    st.altair_chart(_heat_chart(hm, rows, pid), width="content")
    st.caption("按各环节本地营收的余弦相似度（营收缺失时按企业数），颜色越深越相似；蓝框为本园区所在行列。"
               + (f"本市园区共 {len(own)} 个，热力图只列本园区及与其最相似的 {len(shown) - 1} 个园区。" if len(shown) < len(own) else ""))
    st.markdown("**最相似的园区组合（前 10）**")
    top = sorted(pairs, key=lambda p: (-p.similarity, p.park_a, p.park_b))[:10]
    st.dataframe(
        pl.DataFrame(
            [{"pair": f"{p.park_a_name or p.park_a} — {p.park_b_name or p.park_b}", "similarity": round(p.similarity, 2), "flag": "同质化" if p.flagged else "—"} for p in top],
            schema={"pair": pl.Utf8, "similarity": pl.Float64, "flag": pl.Utf8},
        ),
        hide_index=True, width="stretch",
        column_config={"pair": st.column_config.TextColumn("园区组合", width=520), "similarity": st.column_config.ProgressColumn("相似度", min_value=0.0, max_value=1.0, format="%.2f", width=160), "flag": st.column_config.TextColumn("提示", width=90)},
    )  # fmt: skip
    mine = [p for p in pairs if pid in (p.park_a, p.park_b)]
    flagged = [p for p in mine if p.flagged]
    for p in flagged:
        other = p.park_b_name if p.park_a == pid else p.park_a_name
        shared = "、".join(seg_names.get(s, s) for s in p.shared_segments[:6])
        st.warning(f"与 **{md(other)}** 同质化（相似度 {p.similarity:.2f}，依据{'营收' if p.basis == 'revenue' else '企业数'}）：共同环节 {md(shared)}", icon=":material/compare_arrows:")
    if not flagged:
        st.success(f"本园区与其他园区的相似度都低于 {overlap.settings.get('overlap_threshold', 0.6)}。")
