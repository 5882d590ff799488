"""总览: industries and chain completeness, top gaps, project funnel, the province-wide park ranking (本市 vs other cities)."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from graph.analysis import weakest_first
from graph.i18n import CATEGORY_LONG_ZH, pct
from reports.fmt import provenance_rows
from reports.sheets import chains_sheet, gaps_sheet, ranking_sheets
from webapp import cached
from webapp.context import ctx, require_data
from webapp.export import to_xlsx_bytes
from webapp.frames import chain_columns, chain_frame, gap_columns, gap_frame
from webapp.leads import follow_through
from webapp.lookups import names
from webapp.neo4j_view import enterprise_count
from webapp.pages import page_link
from webapp.park_ranking import city_columns, city_frame, comparison_lines, score_columns, score_view
from webapp.sidebar import show_params

c = ctx()
st.title("招商产业链图谱 · 总览")
if c.demo:
    st.warning("示例数据（虚构城市）：城市、本地企业与项目均为虚构，仅用于演示；外地候选企业等公开数据保留来源（见「数据」页）。", icon=":material/info:")
view = require_data(c, scoped=True)  # on Neo4j the scoped view (webapp/neo4j_view.py)

summary = cached.chain_summary(c)
gap_res = cached.gaps(c)
local_n = int(view.enterprises.get_column("local").fill_null(False).sum())  # a count: no copy of the local rows (0.2 s at 1M)

m = st.columns(6)
m[0].metric("产业", view.industries.height)
m[1].metric("产业链", view.chains.height)
m[2].metric("环节", view.segments.height)
m[3].metric("本地企业", local_n)
m[4].metric("外地候选企业", enterprise_count(view) - local_n)
m[5].metric("招商项目", view.projects.height)

# ---------------------------------------------------------------- chains by category
st.subheader("产业与产业链完整度")
cf = chain_frame(summary)
if cf.height:
    overall = sum(r.present_leaf_count for r in summary) / max(1, sum(r.leaf_count for r in summary))
    cols = st.columns([1, 1, 1, 3])
    cols[0].metric("末级环节覆盖", pct(overall), help="所有产业链末级环节中本地有企业的比例")
    counts = {k: sum(r.counts.get(k, 0) for r in summary) for k in ("broken", "missing", "weak")}
    cols[1].metric("断链 / 缺链", f"{counts['broken']} / {counts['missing']}")
    cols[2].metric("弱链", counts["weak"])
    known = list(CATEGORY_LONG_ZH.values())
    rank = {r.chain_id: i for i, r in enumerate(weakest_first(summary))}  # the city report's order too
    for cat in known + sorted(set(cf.get_column("category").drop_nulls().to_list()) - set(known)):
        sub = cf.filter(pl.col("category") == cat).sort(pl.col("chain_id").replace_strict(rank, return_dtype=pl.Int64))
        if sub.height:
            st.markdown(f"**{cat}**（{sub.height} 条链，完整度低的在前）")
            st.dataframe(sub, column_config=chain_columns(), column_order=["industry", "chain", "segments", "completeness_pct", "completeness_key_weighted_pct", "strong", "weak", "broken", "missing"], hide_index=True, width="stretch")
else:
    st.info("数据中没有产业链。")

# ---------------------------------------------------------------- top gaps
st.subheader("优先补链环节（全部产业链）")
top = [r for r in gap_res.rows if r.priority is not None][:10]
if top:
    gf = gap_frame(top)
    show = gf.select("chain", "segment", "label", "priority", "candidate_count", "reasons")
    st.dataframe(show, column_config=gap_columns(), hide_index=True, width="stretch")
    first = top[0]
    a = st.columns(3)
    page_link("targets", f"为「{first.segment_name}」找招商目标", icon=":material/person_search:", params={"segment": first.segment_id, "chain": first.chain_id}, container=a[0])
    page_link("chain", f"在图谱中查看「{first.chain_name}」", icon=":material/account_tree:", params={"chain": first.chain_id, "segment": first.segment_id}, container=a[1])
    page_link("gaps", "完整缺链清单（可导出）", icon=":material/playlist_add_check:", container=a[2])
else:
    st.success("所有环节都已是强链，没有待补的缺口。")
for w in gap_res.warnings:
    st.caption(f"⚠ {w}")

# ---------------------------------------------------------------- projects and parks
left, right = st.columns(2)
with left:
    st.subheader("项目漏斗")
    rep = cached.project_counts(c)
    if rep.total:
        fun = pl.DataFrame([{"stage": f.stage_zh, "order": i, "count": f.count, "investment": f.investment} for i, f in enumerate(rep.funnel)])
        chart = (
            alt.Chart(fun.to_pandas())
            .mark_bar(color="#1f5fa8")
            .encode(
                y=alt.Y("stage:N", sort=alt.SortField("order"), title=None),
                x=alt.X("count:Q", title="项目数", axis=alt.Axis(format="d", tickMinStep=1)),
                tooltip=[alt.Tooltip("stage:N", title="阶段"), alt.Tooltip("count:Q", title="项目数"), alt.Tooltip("investment:Q", title="投资(万元)", format=",.0f")],
            )
            .properties(height=220)
        )
        st.altair_chart(chart, width="stretch")
        st.caption(f"共 {rep.total} 个项目；停滞 {rep.stalled} 个，逾期 {rep.overdue} 个。")
        page_link("projects", "项目跟踪（停滞、逾期、亩均）", icon=":material/assignment:")
    else:
        st.info("数据中没有招商项目。")
with right:
    st.subheader("园区排名（全省十强 / 十快）")
    try:
        ranking = cached.park_ranking(c)
    except ValueError as exc:  # a home_region that is not a known region
        ranking = None
        st.error(f"{exc}（在侧栏「本市」中重新选择）", icon=":material/error:")
    if ranking is not None and ranking.period:
        for line in comparison_lines(ranking):
            st.markdown(line)
        st.caption(ranking.home_note + ("。邻近城市及其园区同为虚构示例数据。" if c.demo else ""))
        t1, t2, t3 = st.tabs([f"十强（规模，{ranking.period}）", f"十快（增速，较{ranking.previous_period}）", "各市对比"])
        with t1:
            st.dataframe(score_view(ranking.scale[:10], "scale")[0], hide_index=True, width="stretch", column_config=score_columns("scale"),
                         column_order=["rank", "park_name", "city_label", "score"])  # fmt: skip
        with t2:
            st.dataframe(score_view(ranking.speed[:10], "speed")[0], hide_index=True, width="stretch", column_config=score_columns("speed"),
                         column_order=["rank", "park_name", "city_label", "score"])  # fmt: skip
        with t3:
            st.dataframe(city_frame(ranking.by_city), hide_index=True, width="stretch", column_config=city_columns())
        for w in ranking.warnings:
            st.caption(f"⚠ {w}")
        page_link("parks", "园区详情：排名分项、亩均效益、关联性、同质化", icon=":material/factory:")
    elif ranking is not None:
        st.info("没有园区指标（park_stats.csv），无法排名。")

# ---------------------------------------------------------------- follow-through
follow_through(c)

# ---------------------------------------------------------------- action
st.divider()
st.download_button(
    "导出总览（Excel：产业链完整度、优先补链环节、园区排名）",
    data=lambda: to_xlsx_bytes(
        {"产业链完整度": chains_sheet(summary, names(view, "segments")), "优先补链环节": gaps_sheet([r for r in gap_res.rows if r.priority is not None])}
        | (ranking_sheets(ranking) if ranking is not None else {}),
        settings=c.analysis.model_dump(),
        info=provenance_rows(c.meta, 范围="全市"),
    ),
    file_name="总览.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    on_click="ignore",
    key="overview_xlsx",
)
show_params(c.analysis)
