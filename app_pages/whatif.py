"""推演: land chosen targets or projects, compare labels and completeness before and after.

The basket is in the URL (a reload or a shared link shows the same scenario) and can be saved as a
named scenario in the workspace (:mod:`webapp.scenarios`).
"""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from graph.i18n import pct
from reports.fmt import provenance_rows
from webapp import cached
from webapp.basket import add_to_basket, basket, clear_basket, sync_with_url, write_url
from webapp.company import company_link
from webapp.context import ctx, require_data
from webapp.export import to_xlsx_bytes
from webapp.frames import people_frame
from webapp.neo4j_view import enterprise_names
from webapp.lookups import chain_options, names
from webapp.markdown import md
from webapp.pages import page_link
from webapp.scenarios import open_from_url, scenario_section
from webapp.sidebar import show_params
from webapp.widgets import scope_picker, scope_zh

CHOICES = 200  # candidates offered in the add-company picker

c = ctx()
st.title("推演：补链之后")
st.caption("把选中的招商目标或在途项目当作已落地的本地企业，重新计算各环节的标签、产业链完整度与补链优先级，前后对照。")
view = require_data(c, scoped=True)  # on Neo4j the scoped view; the landed companies are read by id

seg_names = names(view, "segments")
chain_names = names(view, "chains")
proj_names = names(view, "projects")

open_from_url(c)  # ?scenario=ID
items = sync_with_url()  # ?add=ENT~SEG&proj=ID: reload and shared links
ent_names = enterprise_names(c, [it.get("enterprise_id") for it in items if it.get("kind") == "target"])  # the basket's companies only
for it in items:  # a basket from a link carries ids only: name them from the data
    if not it.get("label"):
        it["label"] = f"{ent_names.get(it['enterprise_id'], it['enterprise_id'])} → {seg_names.get(it['segment_id'], it['segment_id'])}" if it.get("kind") == "target" else proj_names.get(it.get("project_id"), it.get("project_id"))
unknown = [it for it in items if (it.get("kind") == "target" and (it["enterprise_id"] not in ent_names or it["segment_id"] not in seg_names)) or (it.get("kind") == "project" and it.get("project_id") not in proj_names)]

# ---------------------------------------------------------------- basket
left, right = st.columns([2, 3], gap="medium")
with left:
    st.subheader(f"推演清单（{len(items)}）")
    if not items:
        st.info("清单为空。在「招商目标」或「产业链图谱」页点「加入推演」，在「项目」页选择在途项目，或在下面直接添加。")
    for i, it in enumerate(list(items)):
        row = st.columns([6, 1])
        if it.get("kind") == "target" and it not in unknown:  # the enterprise's name opens its 企业 page
            company_link(it["enterprise_id"], f"目标：{it.get('label')}", container=row[0], icon=None)
        else:
            kind = "目标" if it.get("kind") == "target" else "项目"
            row[0].markdown(f":gray-badge[{kind}] {md(it.get('label'))}{'（数据中已没有）' if it in unknown else ''}")
        if row[1].button("", icon=":material/close:", key=f"wi_rm_{i}", help="移出清单"):
            items.pop(i)
            write_url()
            st.rerun()
    if items and st.button("清空清单", icon=":material/delete_sweep:", key="wi_clear"):
        clear_basket()
        write_url()
        st.rerun()
    with st.expander("直接添加企业到环节", expanded=not items):
        chain_id = st.selectbox("产业链", chain_options(view), format_func=lambda x: chain_names.get(x) or x, key="wi_chain")
        segs = view.segments.filter(pl.col("chain_id") == chain_id).sort("id")
        seg_id = st.selectbox("环节", segs.get_column("id").to_list(), format_func=lambda s: seg_names.get(s) or s, key="wi_seg")
        # candidates in the 招商目标 order (score, unknown data neutral), gates off: every candidate can be tried
        # (the first CHOICES of them: at 1M a segment has thousands; the rest stay reachable from 招商目标)
        res = cached.targets(c, seg_id, gates=False, top=CHOICES) if seg_id else None
        ranked = res.rows if res else []
        ent_names |= {t.enterprise_id: t.name or t.enterprise_id for t in ranked}
        cand_label = {t.enterprise_id: f"{t.name or t.enterprise_id}（得分 {t.score:.1f}，数据覆盖 {t.coverage * 100:.0f}%）" for t in ranked}
        more = f"前 {CHOICES} 名，共 {res.target_count:,} 家；其余见招商目标页" if res and res.target_count > CHOICES else "按招商目标得分排序"
        ent_id = st.selectbox(
            f"外地企业（本环节候选，{more}）", list(cand_label), format_func=lambda e: cand_label.get(e) or ent_names.get(e) or e,
            key="wi_ent", placeholder="本环节没有外地候选企业",
        )  # fmt: skip
        if st.button("添加", icon=":material/add:", disabled=ent_id is None, key="wi_add"):
            add_to_basket({"kind": "target", "enterprise_id": ent_id, "segment_id": seg_id, "label": f"{ent_names.get(ent_id)} → {seg_names.get(seg_id)}"})
            write_url()
            st.rerun()
    scope = scope_picker(view, key="wi_scope")
    scenario_section(c, scope, base_url=str(getattr(st.context, "url", "") or "").split("?")[0])

known = [it for it in items if it not in unknown]
add = tuple(sorted({(it["enterprise_id"], it["segment_id"]) for it in known if it.get("kind") == "target"}))
projects = tuple(sorted({it["project_id"] for it in known if it.get("kind") == "project"}))

with right:
    if unknown:
        st.warning(f"清单中 {len(unknown)} 项在当前数据中已找不到（企业、环节或项目已不在数据中），推演时略过。", icon=":material/warning:")
    if not add and not projects:
        st.subheader("结果")
        st.info("清单为空：先选择要落地的目标或项目。")
        page_link("targets", "去找招商目标", icon=":material/person_search:")
        st.stop()
    try:
        res = cached.whatif(c, add=add, projects=projects, scope=scope)
    except ValueError as exc:
        st.error(f"无法推演：{exc}")
        st.stop()
    st.subheader(f"结果（{scope_zh(view, scope)}）")
    for w in res.warnings:
        st.warning(w)
    for ch in res.chains:
        st.markdown(f"**{md(ch.chain_name or ch.chain_id)}**")
        gaps_before = ch.counts_before.get("broken", 0) + ch.counts_before.get("missing", 0)
        gaps_after = ch.counts_after.get("broken", 0) + ch.counts_after.get("missing", 0)
        m = st.columns(4)
        m[0].metric("完整度", pct(ch.completeness_after), delta=f"{(ch.completeness_after - ch.completeness_before) * 100:+.1f} 个百分点")
        m[1].metric("完整度（关键加权）", pct(ch.completeness_key_weighted_after), delta=f"{(ch.completeness_key_weighted_after - ch.completeness_key_weighted_before) * 100:+.1f} 个百分点")
        m[2].metric("断链 + 缺链", gaps_after, delta=gaps_after - gaps_before, delta_color="inverse")
        m[3].metric("强链", ch.counts_after.get("strong", 0), delta=ch.counts_after.get("strong", 0) - ch.counts_before.get("strong", 0))
    if res.chains:
        comp = pl.DataFrame(
            [
                {"chain": ch.chain_name or ch.chain_id, "when": w, "completeness": round(v * 100, 1)}
                for ch in res.chains
                for w, v in (("推演前", ch.completeness_before), ("推演后", ch.completeness_after))
            ]
        ).to_pandas()
        base = alt.Chart(comp).encode(
            y=alt.Y("when:N", title=None, sort=["推演前", "推演后"], axis=alt.Axis(labels=True)),
            x=alt.X("completeness:Q", title="完整度（%）", scale=alt.Scale(domain=[0, 100])),
        )
        bars = base.mark_bar(size=18).encode(
            color=alt.Color("when:N", title=None, sort=["推演前", "推演后"], scale=alt.Scale(domain=["推演前", "推演后"], range=["#a3aab3", "#2e9d57"]), legend=None),
            tooltip=[alt.Tooltip("chain:N", title="产业链"), alt.Tooltip("when:N", title="状态"), alt.Tooltip("completeness:Q", title="完整度（%）", format=".1f")],
        )
        text = base.mark_text(align="left", dx=4, fontSize=12).encode(text=alt.Text("completeness:Q", format=".1f"))
        chart = (bars + text).properties(height=64, width=300).facet(row=alt.Row("chain:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left", labelFontSize=13)))
        st.altair_chart(chart, width="content")

st.subheader("环节变化")
rows = [r for r in res.rows if r.changed] or res.rows
wf = pl.DataFrame(
    [
        {
            "chain": chain_names.get(r.chain_id, r.chain_id), "segment": r.segment_name, "before": r.label_zh_before, "after": r.label_zh_after,
            "local_before": r.local_count_before, "local_after": r.local_count_after, "priority_before": r.priority_before, "priority_after": r.priority_after,
            "changed": r.changed,
        }  # fmt: skip
        for r in rows
    ]
)
only_changed = st.toggle("只看有变化的环节", value=True, key="wi_only_changed")
shown = wf.filter(pl.col("changed")) if only_changed and wf.height else wf
st.dataframe(
    people_frame(shown, keep=["priority_before", "priority_after", "changed"]),
    hide_index=True,
    width="stretch",
    column_config={
        "chain": "产业链", "segment": "环节", "before": "推演前", "after": "推演后", "local_before": "本地企业（前）", "local_after": "本地企业（后）",
        "priority_before": st.column_config.ProgressColumn("优先级（前）", min_value=0, max_value=100, format="%.1f"),
        "priority_after": st.column_config.ProgressColumn("优先级（后）", min_value=0, max_value=100, format="%.1f"),
        "changed": st.column_config.CheckboxColumn("有变化"),
    },  # fmt: skip
)
st.divider()
a1, a2 = st.columns(2)
chains_sheet = pl.DataFrame(
    [{"产业链": ch.chain_name or ch.chain_id, "完整度（前，%）": round(ch.completeness_before * 100, 1), "完整度（后，%）": round(ch.completeness_after * 100, 1),
      "关键加权完整度（前，%）": round(ch.completeness_key_weighted_before * 100, 1), "关键加权完整度（后，%）": round(ch.completeness_key_weighted_after * 100, 1)}
     for ch in res.chains]  # fmt: skip
)
segments_sheet = wf.rename({"chain": "产业链", "segment": "环节", "before": "推演前", "after": "推演后", "local_before": "本地企业（前）", "local_after": "本地企业（后）",
                            "priority_before": "优先级（前）", "priority_after": "优先级（后）", "changed": "有变化"}).with_columns(pl.col("有变化").replace_strict({True: "是", False: "否"}))  # fmt: skip
basket_sheet = pl.DataFrame([{"类型": "目标" if it.get("kind") == "target" else "项目", "内容": it.get("label")} for it in items])
a1.download_button(
    "导出推演结果（Excel）",
    data=lambda: to_xlsx_bytes({"产业链": chains_sheet, "环节": segments_sheet, "清单": basket_sheet}, settings=res.settings, info=provenance_rows(c.meta, 范围=scope_zh(view, scope))),
    file_name="推演结果.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    on_click="ignore",
    key="wi_xlsx",
    width="stretch",
)
with a2:
    page_link("projects", "到项目页跟踪这些目标", icon=":material/assignment:")
show_params(res.settings)
