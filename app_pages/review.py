"""挂接审核 (editors): per segment, the proposed (待核实) links sorted by evidence with the evidence shown;
确认, 否决 or 改挂 each; decisions kept in the workspace and applied at every ingest; 应用到图谱 now."""

from __future__ import annotations

import polars as pl
import streamlit as st

from graph.workspace import WorkspaceError
from graph.workspace.db import UNSET
from graph.workspace.reviews import ReviewConflict, add_review, current_reviews, review_log
from webapp.auth import require
from webapp.context import ctx, require_data
from webapp.export import export_buttons
from webapp.leads import author_input, workspace
from webapp.lookups import chain_options, names
from graph.i18n import CONFIDENCE_ZH, REVIEW_DECISION_ZH
from webapp.markdown import md
from webapp.neo4j_view import pending_counts, review_view
from webapp.review import reviews_frame, segment_links, unapplied
from webapp.upload import STALE_REAPPLY, reapply, run_import, show_issues
from webapp.widgets import synced_select

c = ctx()
st.title("挂接审核")
st.caption(
    "企业挂到产业链环节上的依据（行业代码、主营产品、经营范围、企业名称）由系统自动判断，待核实的挂接需要人工确认。"
    "按证据强度从高到低审核：确认后为“已确认”，否决后不再挂接（重新导入、重新挂接也不会再出现），也可以改挂到同链的其他环节。"
    "审核结论保存在工作区，每次导入都会应用。"
)
if not require("edit", "审核挂接"):
    st.stop()
view = require_data(c, scoped=True)  # on Neo4j the scoped view; a segment's links and the counts are read from the server
ws = workspace(c)
me = author_input(st.container())
try:
    in_force = current_reviews(ws)
    log = review_log(ws)
except WorkspaceError as exc:
    st.error(f"无法读取工作区：{exc}")
    st.stop()

# ---------------------------------------------------------------- apply now
read = c.meta.get("reviews") if isinstance(c.meta.get("reviews"), dict) else {}
waiting = unapplied(log, str(c.meta.get("written_at") or ""), read.get("last_id", UNSET))
if waiting:
    a, b = st.columns([3, 1], vertical_alignment="center")
    a.info(f"有 {waiting} 条审核结论是上次导入之后作出的，图谱中还没有体现；下次导入时自动应用，也可以现在应用。", icon=":material/pending_actions:")
    if b.button("应用到图谱", type="primary", icon=":material/sync:", key="rv_apply"):
        p = reapply(c, me)
        if p is None:
            st.error("找不到当前数据的数据集文件或数据版本：请在 “数据” 页上传一次数据，或在服务器上重新运行 `indmap ingest`，审核结论会随之应用。")
        elif not p.ok:
            st.error("当前数据按现在的规则校验不通过，未应用：")
            show_issues(p.result.issues, key="rv_issue_export", title="校验问题")
        elif run_import(p, me, "应用审核结论", STALE_REAPPLY):
            st.toast("已应用到图谱", icon=":material/task_alt:")
            st.rerun()

# ---------------------------------------------------------------- chain and segment
chains = chain_options(view)
chain_names, seg_names = names(view, "chains"), names(view, "segments")
left, right = st.columns(2)
chain = synced_select("产业链", chains, param="chain", format_func=lambda i: chain_names.get(i) or i, container=left, key="rv_chain")
counts = pending_counts(c, chain)
segs = view.segments.filter(pl.col("chain_id") == chain).sort("id").get_column("id").to_list()
ordered = sorted(segs, key=lambda s: (-counts.get(s, 0), s))
segment = synced_select("环节", ordered, param="segment", container=right, key="rv_segment",
                        format_func=lambda s: f"{seg_names.get(s) or s}（待核实 {counts.get(s, 0)} 条）")  # fmt: skip
st.caption(f"本链共有 {sum(counts.values())} 条待核实挂接，分布在 {len(counts)} 个环节；环节按待核实条数排列。")
if segment is None:
    st.stop()
show_all = st.toggle("也显示已确认的挂接", key="rv_all", help="已确认的挂接也可能有错：同样可以否决或改挂")
links = segment_links(review_view(c, segment, show_all), segment, include_confirmed=show_all)
reviewed = {(r.enterprise_id, r.segment_id): r for r in in_force}
latest = {(r.enterprise_id, r.segment_id): r.id for r in log}  # what this page shows per pair (undo included): the log is oldest first
targets = [s for s in segs if s != segment]


def _decide(eid: str, name: str, decision: str, to: str | None = None, seen: int | None = None) -> None:
    if not me:
        st.session_state["rv_msg"] = "请先填写“我的名字（记录人）”：每条结论都记下审核人。"
        return
    try:  # a colleague's decision made since this page showed the link is not silently replaced
        add_review(ws, eid, segment, decision, reviewer=me, to_segment_id=to, enterprise_name=name, segment_name=seg_names.get(segment), seen=seen)
    except ReviewConflict as exc:
        st.session_state["rv_clash"] = str(exc)
        return
    st.session_state["rv_msg"] = f"已保存：{name} {REVIEW_DECISION_ZH[decision]}" + (f"到 {seg_names.get(to) or to}" if to else "")


msg = st.session_state.pop("rv_msg", None)
if msg:
    st.toast(msg, icon=":material/fact_check:")
clash = st.session_state.pop("rv_clash", None)
if clash:
    st.warning(clash, icon=":material/group:")
if links.height == 0:
    st.success(f"{seg_names.get(segment) or segment}：没有待核实的挂接。", icon=":material/check_circle:")
page_size = 20
shown = st.session_state.get(f"rv_more_{segment}", page_size)
for r in links.head(shown).iter_rows(named=True):
    eid, name = r["enterprise_id"], r.get("name") or r["enterprise_id"]
    rv = reviewed.get((eid, segment))
    with st.container(border=True):
        a, b = st.columns([5, 3], vertical_alignment="center")
        ev = "无数据" if r.get("evidence") is None else f"{r['evidence']:.2f}"
        share = "" if r.get("share") is None else f" · 业务占比 {r['share']:.0%}"
        state = f" · 已审核：{REVIEW_DECISION_ZH[rv.decision]}（{rv.reviewer} {rv.day}）" if rv else ""
        a.markdown(f"**{md(name)}**（{'本地' if r.get('local') else '外地'}，{eid}）· 证据强度 **{ev}**{share} · {CONFIDENCE_ZH.get(r.get('confidence') or 'likely', '待核实')}{state}")
        a.caption(f"依据：{md(r.get('source') or '无数据')}")
        x, y, z = b.columns(3)
        x.button("确认", key=f"rv_ok_{segment}_{eid}", icon=":material/check:", on_click=_decide, args=(eid, name, "accept", None, latest.get((eid, segment))), disabled=bool(rv and rv.decision == "accept"))
        y.button("否决", key=f"rv_no_{segment}_{eid}", icon=":material/close:", on_click=_decide, args=(eid, name, "reject", None, latest.get((eid, segment))))
        with z.popover("改挂", icon=":material/move_down:"):
            to = st.selectbox("改挂到", targets, key=f"rv_to_{segment}_{eid}", format_func=lambda s: f"{seg_names.get(s) or s}（{s}）")
            st.button("改挂到此环节", key=f"rv_mv_{segment}_{eid}", on_click=_decide, args=(eid, name, "move", to, latest.get((eid, segment))))
if links.height > shown:
    if st.button(f"再显示 {min(page_size, links.height - shown)} 条（共 {links.height} 条）", key=f"rv_more_btn_{segment}"):
        st.session_state[f"rv_more_{segment}"] = shown + page_size
        st.rerun()

# ---------------------------------------------------------------- decisions in force
chain_reviews = [r for r in in_force if r.segment_id in set(segs)]
st.subheader(f"本链的审核结论（{len(chain_reviews)} 条）")
if chain_reviews:
    rf = reviews_frame(sorted(chain_reviews, key=lambda r: r.id, reverse=True), seg_names)
    st.dataframe(rf.drop("id"), hide_index=True, width="stretch",
                 column_config={"enterprise": "企业", "segment": "原环节", "decision": "结论", "to": "改挂到", "reviewer": "审核人", "day": "日期"})  # fmt: skip
    export_buttons(rf.drop("id").rename({"enterprise": "企业", "segment": "原环节", "decision": "结论", "to": "改挂到", "reviewer": "审核人", "day": "日期"}), "挂接审核结论", key="rv_export")
    undo = st.selectbox("撤销一条审核结论", [None] + [r.id for r in chain_reviews], key="rv_undo_pick",
                        format_func=lambda i: "（选择）" if i is None else next(f"{r.enterprise_name or r.enterprise_id} · {seg_names.get(r.segment_id, r.segment_id)} · {r.reviewer} {r.day}" for r in chain_reviews if r.id == i))  # fmt: skip
    if undo is not None and st.button("撤销", key="rv_undo", icon=":material/undo:", disabled=not me):
        r = next((x for x in chain_reviews if x.id == undo), None)
        try:  # undo withdraws the decision chosen, never one a colleague made on the pair since
            if r is None:
                raise ReviewConflict("未撤销：所选的审核结论已被他人撤销或改为其他结论。页面已显示最新结论。", None)
            add_review(ws, r.enterprise_id, r.segment_id, "undo", reviewer=me, enterprise_name=r.enterprise_name, segment_name=r.segment_name, seen=r.id)
        except ReviewConflict as exc:
            st.session_state["rv_clash"] = str(exc).replace("未保存", "未撤销", 1)
        st.rerun()
else:
    st.caption("本链还没有审核结论。")
