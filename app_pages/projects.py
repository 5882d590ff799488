"""项目: pipeline funnel by stage, park and chain; stalled, intensity and per-mu flags, overdue by owner, gaps filled."""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl
import streamlit as st

from graph.i18n import OVERDUE_KIND_ZH, PROJECT_STAGE_ZH, money
from reports.fmt import provenance_rows
from reports.sheets import fills_sheet, intensity_sheet, overdue_sheet, projects_sheet, stalled_sheet

from webapp import cached
from webapp.auth import current
from webapp.basket import add_to_basket, basket
from webapp.context import ctx, require_data
from webapp.neo4j_view import with_companies
from webapp.export import export_buttons, to_xlsx_bytes
from webapp.company import company_column, company_urls
from webapp.frames import models_frame, people_frame
from webapp.lookups import names
from webapp.pages import may_open, page_link
from webapp.report_buttons import report_buttons, supervision_report_of
from webapp.sidebar import show_params
from webapp.widgets import synced_select

PROJECT_SETTINGS = ("stall_days", "intensity_min", "output_per_mu_min", "tax_per_mu_min")

c = ctx()
st.title("项目跟踪")
st.caption("线索 → 洽谈 → 签约 → 开工 → 投产：漏斗与转化、停滞项目、投资强度与亩均效益、逾期督查、补链情况。")
view = require_data(c, scoped=True)  # on Neo4j the scoped view (webapp/neo4j_view.py) …
view = with_companies(c, view.projects.get_column("enterprise_id").to_list())  # … with the investors, read by id
if view.projects.height == 0:
    st.info("数据中没有招商项目（projects.csv）。导入含项目的数据集后再查看。")
    st.stop()

top = st.columns([1, 2, 1])
as_of = top[0].date_input("截至日期", value=dt.date.today(), key="pj_as_of", format="YYYY-MM-DD", help="停滞与逾期按这一天计算")
park_names = names(view, "parks")
with_projects = sorted(set(view.projects.get_column("park_id").drop_nulls().to_list()) & set(park_names))
ALL = "all"
acc = current()  # a park account reads its own park's projects only (no 全部园区)
park = synced_select("园区（所有数字都按所选园区统计）", acc.parks([ALL, *with_projects]) or [acc.park_id], param="park", default=acc.park_id or ALL, container=top[1], key="pj_park",
                     format_func=lambda p: "全部园区" if p == ALL else park_names.get(p, p))  # fmt: skip
park_id = None if park == ALL else park
rep = cached.projects(c, as_of=as_of, park_id=park_id)  # every figure below follows the park
where = "全部园区" if park_id is None else park_names.get(park_id, park_id)

# ---------------------------------------------------------------- funnel
k = st.columns(5)
k[0].metric("项目总数", rep.total, help=f"范围：{where}")
k[1].metric("总投资", money(sum(f.investment for f in rep.funnel)))
k[2].metric("停滞", len(rep.stalled), help=f"签约或开工后超过 {c.analysis.stall_days} 天无进展")
k[3].metric("逾期", rep.overdue_projects, help="计划开工/投产日期已过而未达到的项目（两者都已过的算一个项目）")
k[4].metric("补链项目", len(rep.fills), help="落在断链、缺链或弱链环节上的项目（终止的除外，含已投产；强链环节不算补链）")
if rep.total == 0:
    st.info(f"{where}没有招商项目。")

f1, f2 = st.columns([3, 2])
with f1:
    st.subheader(f"漏斗（{where}）")
    fun = pl.DataFrame([{"stage": f.stage_zh, "order": i, "count": f.count, "investment": f.investment / 10000} for i, f in enumerate(rep.funnel)]).to_pandas()
    bars = alt.Chart(fun).mark_bar(color="#1f5fa8").encode(
        y=alt.Y("stage:N", sort=alt.SortField("order"), title=None),
        x=alt.X("count:Q", title="项目数", axis=alt.Axis(format="d", tickMinStep=1)),
        tooltip=[alt.Tooltip("stage:N", title="阶段"), alt.Tooltip("count:Q", title="项目数"), alt.Tooltip("investment:Q", title="投资（亿元）", format=",.1f")],
    )
    labels = alt.Chart(fun).mark_text(align="left", dx=4, fontSize=12).encode(y=alt.Y("stage:N", sort=alt.SortField("order")), x="count:Q", text="count:Q")
    st.altair_chart((bars + labels).properties(height=230), width="stretch")
with f2:
    st.subheader("阶段转化")
    conv = pl.DataFrame(
        [{"from": PROJECT_STAGE_ZH.get(r.from_stage, r.from_stage), "to": PROJECT_STAGE_ZH.get(r.to_stage, r.to_stage), "reached_from": r.reached_from, "reached_to": r.reached_to, "rate": r.rate} for r in rep.conversion],
        schema={"from": pl.Utf8, "to": pl.Utf8, "reached_from": pl.Int64, "reached_to": pl.Int64, "rate": pl.Float64},
    )
    st.dataframe(people_frame(conv, {"rate": "pct"}), hide_index=True, width="stretch",
                 column_config={"from": "从", "to": "到", "reached_from": "到达前一阶段", "reached_to": "到达后一阶段", "rate": "转化率"})  # fmt: skip


def group_frame(rows) -> pl.DataFrame:
    """GroupRow list: name, count, investment (money text) and one column per stage."""
    out = []
    for r in rows:
        d = {"名称": r.name or r.id or "未指定", "项目数": r.count, "投资额": money(r.investment)}
        for s, zh in PROJECT_STAGE_ZH.items():
            d[zh] = r.by_stage.get(s, 0)
        out.append(d)
    return pl.DataFrame(out) if out else pl.DataFrame(schema={"名称": pl.Utf8, "项目数": pl.Int64})


g1, g2 = st.tabs(["按园区", "按产业链"])
narrow = {zh: st.column_config.NumberColumn(zh, format="%d", width=64) for zh in PROJECT_STAGE_ZH.values()}
group_cols = {"名称": st.column_config.TextColumn("名称", width="large"), "项目数": st.column_config.NumberColumn("项目数", format="%d", width=70), "投资额": st.column_config.TextColumn("投资额", width=100), **narrow}
g1.dataframe(group_frame(rep.by_park), hide_index=True, width="stretch", column_config=group_cols)
g2.dataframe(group_frame(rep.by_chain), hide_index=True, width="stretch", column_config=group_cols)

# ---------------------------------------------------------------- flags
INVESTORS = view.projects.select(pl.col("id").alias("project_id"), "enterprise_id").join(
    view.enterprises.select(pl.col("id").alias("enterprise_id"), pl.col("name").alias("investor")), on="enterprise_id", how="left"
)


def with_investor(df: pl.DataFrame) -> pl.DataFrame:
    """The project's investing enterprise, linked to its 企业 page (empty when the investor is not known yet)."""
    return company_urls(df.join(INVESTORS, on="project_id", how="left"), "enterprise_id", "investor").drop("enterprise_id")


PJ_KINDS = {"investment": "money", "land_mu": "mu", "intensity": "per_mu", "output_per_mu": "per_mu", "tax_per_mu": "per_mu", "days": "days", "flags": "list"}
flag_cols = {
    "project_id": st.column_config.TextColumn("编号", width=70), "name": st.column_config.TextColumn("项目", width="large"), "stage": "阶段", "park_id": None,
    "owner": "责任单位", "stage_date": "阶段日期", "days": "停滞天数", "investment": "投资额", "land_mu": "用地", "intensity": "投资强度",
    "output_per_mu": "亩均产出", "tax_per_mu": "亩均税收", "flags": st.column_config.TextColumn("预警", width="large"), "investor": company_column("投资企业"),
}  # fmt: skip
stalled, intensity, overdue, fills = rep.stalled, rep.intensity, rep.overdue, rep.fills

t1, t2, t3, t4 = st.tabs([f"停滞（{len(stalled)}）", f"投资强度与亩均（{sum(1 for r in intensity if r.flags)} 项预警）", f"逾期督查（{rep.overdue_projects}）", f"补链项目（{len(fills)}）"])
with t1:
    st.caption(f"截至 {as_of}，签约或开工阶段超过 {rep.settings.get('stall_days')} 天没有阶段变化的项目。")
    if stalled:
        sf = with_investor(models_frame(stalled).with_columns(pl.col("stage").replace(PROJECT_STAGE_ZH)))
        st.dataframe(people_frame(sf, PJ_KINDS, unknown=["investment", "land_mu"], keep=["investor"]), hide_index=True, width="stretch", column_config=flag_cols,
                     column_order=["project_id", "name", "investor", "stage", "owner", "stage_date", "days", "investment"])  # fmt: skip
    else:
        st.success("没有停滞项目。")
with t2:
    st.caption(f"投资强度下限 {rep.settings.get('intensity_min'):g} 万元/亩，亩均产出下限 {rep.settings.get('output_per_mu_min'):g} 万元/亩，亩均税收下限 {rep.settings.get('tax_per_mu_min'):g} 万元/亩。")
    if intensity:
        inf = models_frame(intensity).with_columns(pl.col("stage").replace(PROJECT_STAGE_ZH)).sort(pl.col("flags").str.len_chars(), descending=True)
        st.dataframe(people_frame(inf, PJ_KINDS, unknown=["investment", "land_mu", "intensity", "output_per_mu", "tax_per_mu"]), hide_index=True, width="stretch",
                     column_config=flag_cols, column_order=["project_id", "name", "stage", "investment", "land_mu", "intensity", "output_per_mu", "tax_per_mu", "flags"])  # fmt: skip
    else:
        st.info("没有可计算投资强度的项目（缺用地面积）。")
with t3:
    if overdue:
        of = with_investor(models_frame(overdue).with_columns(pl.col("stage").replace(PROJECT_STAGE_ZH), pl.col("kind").replace(OVERDUE_KIND_ZH)))
        owners = (
            of.with_columns(pl.col("owner").fill_null("未指定"))
            .group_by("owner").agg(pl.col("project_id").n_unique().alias("projects"), pl.col("days_overdue").max().alias("max_days"))
            .sort(["projects", "max_days", "owner"], descending=[True, True, False])
        )  # fmt: skip
        st.markdown("**按责任单位**")
        st.dataframe(owners, hide_index=True, width="stretch", column_config={
            "owner": st.column_config.TextColumn("责任单位", width="large"), "projects": st.column_config.NumberColumn("逾期项目", format="%d", width="small"),
            "max_days": st.column_config.NumberColumn("最长逾期（天）", format="%d", width="small")})  # fmt: skip
        st.markdown("**逾期明细**")
        st.dataframe(people_frame(of.sort(["owner", "days_overdue"], descending=[False, True], nulls_last=True), {"days_overdue": "days"}, keep=["investor"]), hide_index=True, width="stretch",
                     column_config={"owner": "责任单位", "project_id": st.column_config.TextColumn("编号", width=70), "name": st.column_config.TextColumn("项目", width="large"),
                                    "stage": "阶段", "kind": "类型", "planned": "计划日期", "days_overdue": "逾期", "reason": "说明", "investor": company_column("投资企业")},
                     column_order=["owner", "project_id", "name", "investor", "stage", "kind", "planned", "days_overdue"])  # fmt: skip
    else:
        st.success("没有逾期项目。")
with t4:
    st.caption("落在断链、缺链、弱链环节上的项目（终止的除外，含已投产），按环节的补链优先级排序（环节现状为全市口径）。")
    if fills:
        ff = with_investor(models_frame(fills).with_columns(pl.col("stage").replace(PROJECT_STAGE_ZH), pl.col("chain_id").replace_strict(names(view, "chains"), default=pl.col("chain_id"))))
        st.dataframe(people_frame(ff, keep=["priority", "investor"]), hide_index=True, width="stretch",
                     column_config={"project_id": st.column_config.TextColumn("编号", width=70), "name": st.column_config.TextColumn("项目", width="large"), "stage": "阶段",
                                    "segment_id": None, "segment_name": "补链环节", "chain_id": "产业链", "label": None, "label_zh": "环节现状",
                                    "priority": st.column_config.ProgressColumn("补链优先级", min_value=0, max_value=100, format="%.1f"), "investor": company_column("投资企业")},
                     column_order=["project_id", "name", "investor", "stage", "segment_name", "chain_id", "label_zh", "priority"])  # fmt: skip
    else:
        st.info("没有落在缺口环节上的项目（终止的除外）。")
for w in rep.warnings:
    st.caption(f"⚠ {w}")

# ---------------------------------------------------------------- actions
st.divider()


def whatif_picker() -> None:
    """Open projects of the chosen park into the 推演 basket."""
    st.subheader("跟踪与推演")
    open_proj = view.projects.filter(~pl.col("stage").is_in(["producing", "dropped"]) & pl.col("segment_id").is_not_null())
    if park_id is not None:
        open_proj = open_proj.filter(pl.col("park_id") == park_id)
    pick_label = {p: f"{n}（{PROJECT_STAGE_ZH.get(s, '')}）" for p, n, s in open_proj.select("id", "name", "stage").iter_rows()}  # one pass, not two filters per option
    pick = st.multiselect(
        "选择在途项目加入推演（视为落地后看产业链变化）",
        open_proj.get_column("id").to_list(),
        format_func=pick_label.__getitem__,
        key="pj_pick",
        placeholder="选择项目",
    )
    b1, b2 = st.columns([1, 1])
    if b1.button("加入推演", icon=":material/science:", disabled=not pick, key="pj_add"):
        n = sum(add_to_basket({"kind": "project", "project_id": p, "label": open_proj.filter(pl.col("id") == p).item(0, "name")}) for p in pick)
        st.toast(f"已加入推演 {n} 个项目" if n else "已在推演清单中")
    with b2:
        page_link("whatif", f"去推演（清单 {len(basket())} 项）", icon=":material/arrow_forward:")


if may_open("whatif"):  # not a park account's page
    whatif_picker()

st.markdown("**导出项目跟踪表**")
raw = view.projects if park_id is None else view.projects.filter(pl.col("park_id") == park_id)
project_settings = {k: rep.settings[k] for k in PROJECT_SETTINGS if k in rep.settings}
info = provenance_rows(c.meta, 截至日期=as_of.isoformat(), 园区=where)
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
if acc.park_id is None:  # the 督查通报 is the whole city's: not for a park account
    st.markdown(f"**生成报告**：督查通报（截至 {as_of}：逾期项目按责任单位、停滞、亩均预警、园区十强十快；全市）")
    report_buttons(c, lambda fp: supervision_report_of(c, as_of), f"督查通报_{as_of}", key="pj_supervision")
show_params(rep.settings, keys=["stall_days", "intensity_min", "output_per_mu_min", "tax_per_mu_min"])
