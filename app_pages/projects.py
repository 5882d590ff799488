"""项目: pipeline funnel by stage, park and chain; stalled, intensity and per-mu flags, overdue by owner, gaps filled."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl
import streamlit as st

from graph.i18n import OVERDUE_KIND_ZH, PROJECT_STAGE_ZH, money
from reports.fmt import provenance_rows
from reports.sheets import fills_sheet, intensity_sheet, overdue_sheet, projects_sheet, stalled_sheet
from reports.supervision import supervision_report
from webapp import cached
from webapp.basket import add_to_basket, basket
from webapp.context import ctx, require_data
from webapp.export import export_buttons, to_xlsx_bytes
from webapp.frames import models_frame
from webapp.lookups import names
from webapp.pages import page_link
from webapp.report_buttons import report_buttons
from webapp.sidebar import show_params

PROJECT_SETTINGS = ("stall_days", "intensity_min", "output_per_mu_min", "tax_per_mu_min")

c = ctx()
st.title("项目跟踪")
st.caption("线索 → 洽谈 → 签约 → 开工 → 投产：漏斗与转化、停滞项目、投资强度与亩均效益、逾期督查、补链情况。")
view = require_data(c)
if view.projects.height == 0:
    st.info("数据中没有招商项目（projects.csv）。导入含项目的数据集后再查看。")
    st.stop()

top = st.columns([1, 1, 2])
as_of = top[0].date_input("截至日期", value=dt.date.today(), key="pj_as_of", format="YYYY-MM-DD", help="停滞与逾期按这一天计算")
park_names = names(view, "parks")
park_opts = ["(all)"] + sorted(park_names)
want = st.query_params.get("park")
if "pj_park" not in st.session_state:
    st.session_state["pj_park"] = want if want in park_names else "(all)"
park = top[1].selectbox("园区", park_opts, format_func=lambda p: "全部园区" if p == "(all)" else park_names.get(p, p), key="pj_park")
rep = cached.projects(c, as_of=as_of)
proj_park = dict(zip(view.projects.get_column("id").to_list(), view.projects.get_column("park_id").to_list()))


def in_park(pid: str) -> bool:
    return park == "(all)" or proj_park.get(pid) == park


# ---------------------------------------------------------------- funnel
k = st.columns(5)
k[0].metric("项目总数", rep.total)
k[1].metric("总投资", money(sum(f.investment for f in rep.funnel)))
k[2].metric("停滞", len(rep.stalled), help=f"签约或开工后超过 {c.analysis.stall_days} 天无进展")
k[3].metric("逾期", len(rep.overdue), help="计划开工/投产日期已过而未达到")
k[4].metric("补链项目", len(rep.fills))

f1, f2 = st.columns([3, 2])
with f1:
    st.subheader("漏斗")
    fun = pl.DataFrame([{"stage": f.stage_zh, "order": i, "count": f.count, "investment": f.investment} for i, f in enumerate(rep.funnel)]).to_pandas()
    bars = alt.Chart(fun).mark_bar(color="#1f5fa8").encode(
        y=alt.Y("stage:N", sort=alt.SortField("order"), title=None),
        x=alt.X("count:Q", title="项目数", axis=alt.Axis(format="d", tickMinStep=1)),
        tooltip=[alt.Tooltip("stage:N", title="阶段"), alt.Tooltip("count:Q", title="项目数"), alt.Tooltip("investment:Q", title="投资(万元)", format=",.0f")],
    )
    labels = alt.Chart(fun).mark_text(align="left", dx=4, fontSize=12).encode(y=alt.Y("stage:N", sort=alt.SortField("order")), x="count:Q", text="count:Q")
    st.altair_chart((bars + labels).properties(height=230), width="stretch")
with f2:
    st.subheader("阶段转化")
    conv = pl.DataFrame(
        [{"from": PROJECT_STAGE_ZH.get(r.from_stage, r.from_stage), "to": PROJECT_STAGE_ZH.get(r.to_stage, r.to_stage), "reached_from": r.reached_from, "reached_to": r.reached_to, "rate": r.rate} for r in rep.conversion],
        schema={"from": pl.Utf8, "to": pl.Utf8, "reached_from": pl.Int64, "reached_to": pl.Int64, "rate": pl.Float64},
    )
    st.dataframe(conv, hide_index=True, width="stretch", column_config={"from": "从", "to": "到", "reached_from": "到达前一阶段", "reached_to": "到达后一阶段", "rate": st.column_config.ProgressColumn("转化率", min_value=0.0, max_value=1.0, format="percent")})

g1, g2 = st.columns(2)
group_cols = {"id": None, "name": "名称", "count": st.column_config.NumberColumn("项目数", format="%d"), "investment": st.column_config.NumberColumn("投资(万元)", format="localized"), "by_stage": "分阶段"}


def group_frame(rows) -> pl.DataFrame:
    """GroupRow list with one column per stage (Chinese headers)."""
    out = []
    for r in rows:
        d = {"name": r.name or r.id or "（未指定）", "count": r.count, "investment": r.investment}
        for s, zh in PROJECT_STAGE_ZH.items():
            d[zh] = r.by_stage.get(s, 0)
        out.append(d)
    return pl.DataFrame(out) if out else pl.DataFrame()


with g1:
    st.markdown("**按园区**")
    st.dataframe(group_frame(rep.by_park), hide_index=True, width="stretch", column_config=group_cols)
with g2:
    st.markdown("**按产业链**")
    st.dataframe(group_frame(rep.by_chain), hide_index=True, width="stretch", column_config=group_cols)

# ---------------------------------------------------------------- flags
flag_cols = {
    "project_id": "编号", "name": "项目", "stage": "阶段", "park_id": None, "owner": "责任单位", "stage_date": "阶段日期",
    "days": st.column_config.NumberColumn("天数", format="%d"), "investment": st.column_config.NumberColumn("投资(万元)", format="localized"),
    "land_mu": st.column_config.NumberColumn("用地(亩)", format="localized"), "intensity": st.column_config.NumberColumn("投资强度(万元/亩)", format="%.0f"),
    "output_per_mu": st.column_config.NumberColumn("亩均产出", format="%.0f"), "tax_per_mu": st.column_config.NumberColumn("亩均税收", format="%.1f"), "flags": "预警",
}
stalled = [r for r in rep.stalled if in_park(r.project_id)]
intensity = [r for r in rep.intensity if in_park(r.project_id)]
overdue = [r for r in rep.overdue if in_park(r.project_id)]
fills = [r for r in rep.fills if in_park(r.project_id)]

t1, t2, t3, t4 = st.tabs([f"停滞（{len(stalled)}）", f"投资强度与亩均（{sum(1 for r in intensity if r.flags)} 项预警）", f"逾期督查（{len(overdue)}）", f"补链项目（{len(fills)}）"])
with t1:
    st.caption(f"截至 {as_of}，签约或开工阶段超过 {rep.settings.get('stall_days')} 天没有阶段变化的项目。")
    sf = models_frame(stalled).with_columns(pl.col("stage").replace(PROJECT_STAGE_ZH)) if stalled else pl.DataFrame()
    st.dataframe(sf, hide_index=True, width="stretch", column_config=flag_cols)
with t2:
    st.caption(f"投资强度下限 {rep.settings.get('intensity_min')} 万元/亩，亩均产出下限 {rep.settings.get('output_per_mu_min')}，亩均税收下限 {rep.settings.get('tax_per_mu_min')} 万元/亩。")
    inf = models_frame(intensity).with_columns(pl.col("stage").replace(PROJECT_STAGE_ZH)) if intensity else pl.DataFrame()
    if inf.height:
        inf = inf.sort(pl.col("flags").str.len_chars(), descending=True)
    st.dataframe(inf, hide_index=True, width="stretch", column_config=flag_cols)
with t3:
    if overdue:
        of = models_frame(overdue).with_columns(pl.col("stage").replace(PROJECT_STAGE_ZH), pl.col("kind").replace(OVERDUE_KIND_ZH))
        owners = of.group_by("owner").agg(pl.len().alias("projects"), pl.col("days_overdue").max().alias("max_days")).sort(["projects", "max_days"], descending=True)
        o1, o2 = st.columns([1, 2])
        o1.dataframe(owners, hide_index=True, width="stretch", column_config={"owner": "责任单位", "projects": "逾期项数", "max_days": "最长逾期(天)"})
        o2.dataframe(of.sort(["owner", "days_overdue"], descending=[False, True]), hide_index=True, width="stretch", column_config={"owner": "责任单位", "project_id": "编号", "name": "项目", "stage": "阶段", "kind": "类型", "planned": "计划日期", "days_overdue": "逾期(天)", "reason": "说明"})
    else:
        st.success("没有逾期项目。")
with t4:
    ff = models_frame(fills) if fills else pl.DataFrame()
    if ff.height:
        ff = ff.with_columns(pl.col("stage").replace(PROJECT_STAGE_ZH))
    st.dataframe(ff, hide_index=True, width="stretch", column_config={"project_id": "编号", "name": "项目", "stage": "阶段", "segment_id": None, "segment_name": "补链环节", "chain_id": "产业链", "label": None, "label_zh": "环节现状", "priority": st.column_config.ProgressColumn("补链优先级", min_value=0, max_value=100, format="%.1f")})
for w in rep.warnings:
    st.caption(f"⚠ {w}")

# ---------------------------------------------------------------- actions
st.divider()
st.subheader("跟踪与推演")
open_proj = view.projects.filter(~pl.col("stage").is_in(["producing", "dropped"]) & pl.col("segment_id").is_not_null())
if park != "(all)":
    open_proj = open_proj.filter(pl.col("park_id") == park)
pick = st.multiselect(
    "选择在途项目加入推演（视为落地后看产业链变化）",
    open_proj.get_column("id").to_list(),
    format_func=lambda p: f"{open_proj.filter(pl.col('id') == p).item(0, 'name')}（{PROJECT_STAGE_ZH.get(open_proj.filter(pl.col('id') == p).item(0, 'stage'), '')}）",
    key="pj_pick",
    placeholder="选择项目",
)
b1, b2 = st.columns([1, 1])
if b1.button("加入推演", icon=":material/science:", disabled=not pick, key="pj_add"):
    n = sum(add_to_basket({"kind": "project", "project_id": p, "label": open_proj.filter(pl.col("id") == p).item(0, "name")}) for p in pick)
    st.toast(f"已加入推演 {n} 个项目" if n else "已在推演清单中")
with b2:
    page_link("whatif", f"去推演（清单 {len(basket())} 项）", icon=":material/arrow_forward:")

st.markdown("**导出项目跟踪表**")
raw = view.projects if park == "(all)" else view.projects.filter(pl.col("park_id") == park)
project_settings = {k: rep.settings[k] for k in PROJECT_SETTINGS if k in rep.settings}
info = provenance_rows(c.meta, 截至日期=as_of.isoformat(), 园区="全部园区" if park == "(all)" else park_names.get(park, park))
export_buttons(projects_sheet(view, raw), "项目清单", key="pj_export", settings=project_settings, info=info)
st.download_button(
    "导出督查表（Excel：停滞、逾期、亩均预警、补链）",
    data=lambda: to_xlsx_bytes(
        {"停滞": stalled_sheet(stalled), "逾期": overdue_sheet(overdue), "亩均预警": intensity_sheet(intensity), "补链项目": fills_sheet(fills)},
        settings=project_settings,
        info=info,
    ),
    file_name=f"项目督查_{as_of}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    on_click="ignore",
    key="pj_report",
)
st.markdown(f"**生成报告**：督查通报（截至 {as_of}：逾期项目按责任单位、停滞、亩均预警、园区十强十快；全市）")
report_buttons(c, lambda fp: supervision_report(view, c.analysis, as_of=as_of), f"督查通报_{as_of}", key="pj_supervision")
show_params(rep.settings, keys=["stall_days", "intensity_min", "output_per_mu_min", "tax_per_mu_min"])
