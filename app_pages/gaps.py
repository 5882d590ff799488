"""缺链清单: gaps across chains, filtered, with priority, factor bars, reasons; export."""

from __future__ import annotations

import polars as pl
import streamlit as st

from graph.i18n import CATEGORY_LONG_ZH, GAP_LABEL_ZH, GAP_LABELS, PRIORITY_FACTOR_ZH
from reports.fmt import provenance_rows
from reports.sheets import gaps_sheet
from webapp import cached
from webapp.context import ctx, require_data
from webapp.export import export_buttons
from webapp.frames import gap_columns, gap_frame
from webapp.lookups import chain_options, names
from webapp.markdown import md
from webapp.pages import page_link
from webapp.report_buttons import chain_report_of, city_report_of, report_buttons
from webapp.sidebar import show_params
from webapp.widgets import scope_picker, scope_zh

c = ctx()
st.title("缺链清单")
st.caption("断链、缺链、弱链按补链优先级排序；每个因素的得分（0–1）和理由列在旁边，供研判会议使用。")
view = require_data(c, scoped=True)  # on Neo4j the scoped view (webapp/neo4j_view.py)

chain_names = names(view, "chains")
chains = chain_options(view)
cat_of = dict(
    view.chains.join(view.industries.select(pl.col("id").alias("industry_id"), "category"), on="industry_id", how="left")
    .select("id", "category")
    .iter_rows()
)

f1, f2, f3, f4 = st.columns([3, 3, 2, 3])
pick_chains = f1.multiselect("产业链", chains, format_func=lambda x: chain_names.get(x) or x, placeholder="全部产业链", key="gaps_chains")
pick_labels = f2.multiselect("标签", list(GAP_LABELS), default=list(GAP_LABELS[:3]), format_func=GAP_LABEL_ZH.get, key="gaps_labels")
pick_cats = f3.multiselect("产业类别", list(CATEGORY_LONG_ZH), format_func=CATEGORY_LONG_ZH.get, placeholder="全部类别", key="gaps_cats")
with f4:
    scope = scope_picker(view, key="gaps_scope")
key_only = st.toggle("只看关键环节", key="gaps_key_only")

res = cached.gaps(c, scope=scope)
rows = [
    r
    for r in res.rows
    if (not pick_chains or r.chain_id in pick_chains)
    and (not pick_labels or r.label in pick_labels)
    and (not pick_cats or cat_of.get(r.chain_id) in pick_cats)
    and (not key_only or r.key)
]
gf = gap_frame(rows)

m = st.columns(4)
for i, lab in enumerate(GAP_LABELS):
    m[i].metric(GAP_LABEL_ZH[lab], sum(1 for r in rows if r.label == lab))

if gf.height:
    event = st.dataframe(
        gf,
        column_config=gap_columns(),
        column_order=["chain", "segment", "stage", "key", "label", "priority", *[f"f_{f}" for f in PRIORITY_FACTOR_ZH], "local_count", "candidate_count", "reasons", "segment_id"],
        hide_index=True,
        width="stretch",
        height=min(36 * (gf.height + 1) + 4, 640),
        on_select="rerun",
        selection_mode="single-row",
        key="gaps_table",
    )
    picked = event.selection.rows if event is not None and hasattr(event, "selection") else []
    r = rows[picked[0]] if picked else rows[0]
    with st.container(border=True):
        st.markdown(f"**{'已选' if picked else '排在最前'}：{md(r.chain_name)} · {md(r.segment_name)}**（{r.label_zh}{'' if r.priority is None else f'，优先级 {r.priority:.1f}'}）— 点表格中的行可切换")
        if r.label_reason:
            st.markdown(f"- {r.label_reason}")
        for reason in r.reasons:
            st.markdown(f"- {reason}")
    a = st.columns(3)
    page_link("targets", "为该环节找招商目标", icon=":material/person_search:", params={"segment": r.segment_id, "chain": r.chain_id}, container=a[0])
    page_link("chain", "在图谱中查看", icon=":material/account_tree:", params={"chain": r.chain_id, "segment": r.segment_id}, container=a[1])
    page_link("whatif", "推演补链效果", icon=":material/science:", container=a[2])
else:
    st.info("没有符合筛选条件的环节。")
for w in res.warnings:
    st.caption(f"⚠ {w}")

st.subheader("导出")
st.caption(f"范围：{scope_zh(view, scope)}；共 {gf.height} 行。CSV 为 UTF-8（带 BOM），Excel 另含「参数」与「说明」（数据来源与日期）工作表。")
export_buttons(gaps_sheet(rows), "缺链清单", key="gaps_export", settings=res.settings, info=provenance_rows(c.meta, 范围=scope_zh(view, scope)))
if len(pick_chains) == 1:
    st.markdown(f"**生成报告**：{md(chain_names.get(pick_chains[0], pick_chains[0]))}产业链招商报告（{scope_zh(view, scope)}）")
    report_buttons(c, lambda fp: chain_report_of(c, pick_chains[0], scope, fp), f"产业链招商报告_{chain_names.get(pick_chains[0], pick_chains[0])}", key="gaps_report")
else:
    st.markdown(f"**生成报告**：全市产业链招商报告（{scope_zh(view, scope)}，每条产业链一页；只选一条产业链时生成该链的报告）")
    report_buttons(c, lambda fp: city_report_of(c, scope, fp), "全市产业链招商报告", key="gaps_report")
show_params(res.settings)
