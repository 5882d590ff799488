"""产业链图谱: one chain's segments upstream → downstream, coloured by gap label, for a scope."""

from __future__ import annotations

import streamlit as st

from graph.i18n import SEGMENT_STAGE_ORDER, SEGMENT_STAGE_ZH, money, pct
from reports.fmt import provenance_rows
from reports.sheets import gaps_sheet
from webapp import cached
from webapp.basket import add_to_basket
from webapp.context import ctx, require_data
from webapp.export import to_xlsx_bytes
from webapp.company import company_link
from webapp.frames import enterprise_columns, enterprise_table, gap_columns, gap_frame
from webapp.leads import author_input, create_lead, current_author, lead_link, open_leads_index
from webapp.graphviz import assets_mode, chain_legend, chain_network, render_network, show_html
from webapp.lookups import chain_options, leading_enterprises, names, segment_enterprises
from webapp.markdown import label_badge, md
from webapp.network_component import clickable_network
from webapp.pages import page_link
from webapp.report_buttons import chain_report_of, report_buttons
from webapp.sidebar import show_params
from webapp.widgets import scope_picker, scope_zh, synced_select

GRAPH_HEIGHT = 620

c = ctx()
st.title("产业链图谱")
view = require_data(c, scoped=True)  # on Neo4j the scoped view (webapp/neo4j_view.py)

chains = chain_options(view)
if not chains:
    st.info("数据中没有产业链。")
    st.stop()
chain_names = names(view, "chains")
if not st.query_params.get("chain") and "qp__chain" not in st.session_state:
    # start at the chain of the top-priority gap
    first = next((r for r in cached.gaps(c).rows if r.priority is not None), None)
    if first is not None:
        st.query_params["chain"] = first.chain_id
top = st.columns([2, 3])
chain_id = synced_select("产业链", chains, param="chain", format_func=lambda x: chain_names.get(x) or x, container=top[0])
with top[1]:
    scope = scope_picker(view, key="chain_scope")

res = cached.gaps(c, scope=scope, chain_id=chain_id)
rows = res.rows
by_id = {r.segment_id: r for r in rows}
summary = next((s for s in cached.chain_summary(c, scope=scope) if s.chain_id == chain_id), None)

if summary is not None:
    k = st.columns(6)
    k[0].metric("完整度", pct(summary.completeness), help="末级环节中本地有企业的比例")
    k[1].metric("完整度（关键加权）", pct(summary.completeness_key_weighted))
    for i, lab in enumerate(("strong", "weak", "broken", "missing")):
        k[2 + i].metric(label_badge(lab), summary.counts.get(lab, 0))

graph_col, side = st.columns([3, 1], gap="medium")

# segment choice (beside the graph; query parameter `segment`)
seg_order = sorted(rows, key=lambda r: (SEGMENT_STAGE_ORDER.get(r.stage or "", 1), r.segment_id))
seg_ids = [r.segment_id for r in seg_order]
# one picker per scope: its option labels carry the scope's gap labels, and a new scope starts
# from the segment in the URL (a click on the map sets both)
seg_key = f"chain_segment__{scope}"
with side:
    sel = synced_select(
        "选择环节（或点击图中节点）",
        seg_ids,
        param="segment",
        format_func=lambda s: f"{by_id[s].segment_name or s}（{SEGMENT_STAGE_ZH.get(by_id[s].stage or '', '')} · {by_id[s].label_zh}）",
        default=next((r.segment_id for r in rows if r.priority is not None), seg_ids[0] if seg_ids else None),
        key=seg_key,
    )

with graph_col:
    links = [
        (a, b)
        for a, b in view.segment_links.select("from_id", "to_id").iter_rows()
        if a in by_id and b in by_id
    ]
    segs = [r.model_dump() for r in rows]
    leaders = leading_enterprises(view, scope, segment_ids=seg_ids)
    net = chain_network(segs, links, leaders=leaders, height=GRAPH_HEIGHT)
    mode, base = assets_mode()
    note = f"{chain_names.get(chain_id, chain_id)} · {scope_zh(view, scope)} · 节点大小＝本地企业数 · ★关键环节 · 点击节点查看环节详情"
    if mode == "static":  # vis-network from the app's static files: the map is clickable
        clickable_network(net, key="chain_map", legend=chain_legend(), note=note, selected=sel, height=GRAPH_HEIGHT, select_key=seg_key, param="segment", base_url_path=base)
    else:
        show_html(render_network(net, legend=chain_legend(), note=note, focus=sel, assets=mode, base_url_path=base), height=GRAPH_HEIGHT, alt=f"{chain_names.get(chain_id, chain_id)}产业链图谱")
    for w in res.warnings:
        st.caption(f"⚠ {w}")

with side:
    if sel:
        r = by_id[sel]
        st.markdown(f"#### {md(r.segment_name)} {label_badge(r.label)}")
        st.caption(f"{r.segment_id} · {SEGMENT_STAGE_ZH.get(r.stage or '', r.stage)}{' · 关键环节' if r.key else ''} · {r.label_zh}")
        if r.label_reason:
            st.write(r.label_reason)
        a, b = st.columns(2)
        a.metric("本地企业", r.local_count, help=f"规上 {r.above_scale_count} 家")
        b.metric("外地候选", r.candidate_count)
        st.caption(f"本地营收 {money(r.local_revenue)}")
        if r.priority is not None:
            st.progress(min(1.0, r.priority / 100), text=f"补链优先级 {r.priority:.1f}")
            for reason in r.reasons:
                st.markdown(f"- {reason}")
        page_link("targets", "为该环节找招商目标", icon=":material/person_search:", params={"segment": sel, "chain": chain_id})

if sel:
    r = by_id[sel]
    t1, t2 = st.tabs([f"本地企业（{scope_zh(view, scope)}）", "推荐招商目标（前 10）"])
    with t1:
        ents = segment_enterprises(view, sel, scope, local=True)
        if ents.height:
            st.dataframe(enterprise_table(ents), hide_index=True, width="stretch", column_config=enterprise_columns(),
                         column_order=["name", "park", "revenue", "employees", "qualifications", "segment", "share", "confidence", "source", "id"])  # fmt: skip
        else:
            st.info("该范围内本环节没有本地企业。")
    with t2:
        tres = cached.targets(c, sel, scope=scope, top=10)  # rows and reasons for the first ten only
        ranked = [t for t in tres.rows if t.rank is not None]
        if ranked:
            author = current_author() or author_input(key_suffix="_cm")
            open_leads = open_leads_index(c)
            for t in ranked:
                cols = st.columns([5, 2, 2, 2])
                company_link(t.enterprise_id, f"{t.rank}. {t.name or t.enterprise_id}（{t.province or '省份无数据'}）", container=cols[0], icon=None)
                cols[0].caption("；".join(t.reasons[:3]))
                cols[1].progress(min(1.0, t.score / 100), text=f"{t.score:.1f}")
                if cols[2].button("加入推演", key=f"cm_add_{t.enterprise_id}", icon=":material/add:"):
                    added = add_to_basket({"kind": "target", "enterprise_id": t.enterprise_id, "segment_id": sel, "label": f"{t.name} → {r.segment_name}"})
                    st.toast("已加入推演" if added else "已在推演清单中")
                lid = open_leads.get((t.enterprise_id, sel))
                if lid is not None:
                    lead_link(lid, container=cols[3])
                elif cols[3].button("建线索", key=f"cm_lead_{t.enterprise_id}", icon=":material/assignment_ind:", disabled=not author, help=None if author else "先填写「我的名字（记录人）」"):
                    new_id = create_lead(c, enterprise_id=t.enterprise_id, enterprise_name=t.name, segment_id=sel, segment_name=r.segment_name, chain_id=chain_id)
                    if new_id is not None:
                        lead_link(new_id, container=cols[3])
            page_link("targets", "调整权重与筛选、导出目标清单", icon=":material/tune:", params={"segment": sel, "chain": chain_id})
        else:
            st.info(f"没有可推荐的外地企业（候选池 {tres.pool_size} 家）。")

st.divider()
gf = gap_frame(rows)
st.subheader("本链环节一览")
st.dataframe(gf.drop("chain_id", "chain"), column_config=gap_columns(), hide_index=True, width="stretch")
a1, a2 = st.columns(2)
a1.download_button(
    "导出本链环节（Excel）",
    data=lambda: to_xlsx_bytes({"环节": gaps_sheet(rows)}, settings=res.settings, info=provenance_rows(c.meta, 产业链=chain_names.get(chain_id, chain_id), 范围=scope_zh(view, scope))),
    file_name=f"产业链_{chain_id}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    on_click="ignore",
    key="chain_xlsx",
    width="stretch",
)
a2.download_button(
    "下载可离线打开的图谱（HTML）",
    data=lambda: render_network(net, legend=chain_legend(), note=f"{chain_names.get(chain_id, chain_id)} · {scope_zh(view, scope)}", assets="inline").encode("utf-8"),
    file_name=f"产业链图谱_{chain_id}.html",
    mime="text/html",
    icon=":material/map:",
    on_click="ignore",
    key="chain_html",
    width="stretch",
)
st.markdown("**生成报告**（产业链招商报告：图谱、完整度、缺口与理由、断链缺链环节的推荐目标、补链项目、参数）")
report_buttons(
    c,
    lambda font_path: chain_report_of(c, chain_id, scope, font_path),
    f"产业链招商报告_{chain_names.get(chain_id, chain_id)}",
    key="chain_report",
)
show_params(res.settings)
