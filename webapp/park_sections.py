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
from graph.i18n import PARK_INDICATOR_ZH, cell


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
                "本期数值(万元)": _num(me_scale.values.get(k) if me_scale and me_scale.values else None, ",.0f"),
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
        st.info("没有园区指标（park_stats），无法排名。")
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
    with st.expander("本市全部园区的关联性与主导产业链覆盖"):
        st.dataframe(shown(cohesion_frame(coh.rows), COHESION_KINDS), hide_index=True, width="stretch", column_config=cohesion_columns())
