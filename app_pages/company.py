"""企业: find a company by part of its name, a near name, its credit code or stock code; then its profile.

The profile (``?enterprise=ID``): who it is, the segments it is placed on with the evidence of each
link, and for each segment whether and how it ranks as a target (the 招商目标 ranking); its supply
ties, park, projects and the bureau's leads on it — each with the next action.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
import streamlit as st

from graph.i18n import CONFIDENCE_ZH, GAP_LABEL_ZH, GRADE_ZH, MISSING, NOT_APPLICABLE, PROJECT_STAGE_ZH, SEGMENT_STAGE_ZH, money, number, pct, score
from graph.lookup import UnknownId
from graph.workspace import WorkspaceError
from graph.workspace.leads import list_leads
from webapp.basket import add_to_basket
from webapp import cached
from webapp.auth import current
from webapp.company import PARAM, company_column, company_link, company_urls, profile, resolve_enterprise, search, unseen
from webapp.context import ctx, require_data
from webapp.leads import author_input, create_lead, current_author, lead_link, open_leads_index, workspace
from webapp.markdown import label_badge, md
from webapp.pages import may_open, page_link
from webapp.sidebar import show_params

SEARCH_KEY = "company_q"
# widths (px) that keep the segment table inside the page at 1440 px
SEGMENT_COLUMNS = {
    name: st.column_config.TextColumn(name, width=w)
    for name, w in {"产业链": 190, "环节": 150, "位置": 48, "环节现状": 68, "业务占比": 68, "置信度": 60, "证据强度": 68, "作为招商目标": 170, "得分": 48, "数据覆盖": 68}.items()
}
TARGET_SETTINGS = ["target_weights", "gate_high_pollution", "gate_high_energy", "min_coverage", "unknown_value", "ties_saturation"]

c = ctx()
st.title("企业")
view = require_data(c, scoped=True)  # on Neo4j the scoped view; search and profile read what they need (webapp/neo4j_view.py)


def _new_search() -> None:
    """A new search replaces the profile shown (until a result is picked)."""
    if PARAM in st.query_params:
        del st.query_params[PARAM]


def _search_box() -> str:
    """The search text, kept in the URL (``?q=``) so a search can be shared."""
    if SEARCH_KEY not in st.session_state:
        st.session_state[SEARCH_KEY] = st.query_params.get("q", "")
    q = st.text_input("查找企业", key=SEARCH_KEY, on_change=_new_search, placeholder="企业名称（可只输一部分）、统一社会信用代码或股票代码，回车查找", help="名称包含所输文字的企业在前，其次是名称相近的企业（可容错别字）；代码需完整（股票代码可不带交易所后缀）。")
    q = q.strip()
    if q and st.query_params.get("q") != q:
        st.query_params["q"] = q
    elif not q and "q" in st.query_params:
        del st.query_params["q"]
    return q


def _results(q: str) -> None:
    hits = search(c, q)
    if not hits:
        st.info(f"没有找到与「{q}」相符的企业：可换用企业简称中的几个字、完整的统一社会信用代码或股票代码。", icon=":material/search_off:")
        return
    st.caption(f"找到 {len(hits)} 家{'（最多显示 20 家）' if len(hits) >= 20 else ''}，点击名称查看企业页面：")
    cols = st.columns(2)
    for i, h in enumerate(hits):
        where = "本地企业" if h.local else "外地企业"
        code = f" · 股票代码 {h.listed_code}" if h.listed_code else ""
        label = f"{h.name or h.enterprise_id}（{h.enterprise_id}）· {where}{code} · {h.matched}"
        page_link("company", label, icon=":material/domain:", params={PARAM: h.enterprise_id, "q": q}, container=cols[i % 2])


def _header(p: Any) -> None:
    r = p.record
    st.subheader(r.get("name") or p.enterprise_id)
    facts = [f"编号 {p.enterprise_id}", "本地企业" if r.get("local") else "外地企业（招商候选）"]
    if r.get("listed_code"):
        facts.append(f"股票代码 {r['listed_code']}")
    facts.append(f"统一社会信用代码 {r.get('credit_code') or MISSING}")
    facts.append(f"省份 {r.get('province') or MISSING}")
    if p.region_name:
        facts.append(f"注册地 {p.region_name}")
    st.caption(" · ".join(md(x) for x in facts))
    if r.get("park_id"):
        page_link("parks", f"所在园区：{p.park_name or r['park_id']}", icon=":material/factory:", params={"park": r["park_id"]})
    founded = r.get("founded")
    figures = {
        "营业收入": money(r.get("revenue")), "营收增长": pct(r.get("growth")),
        "从业人数": MISSING if r.get("employees") is None else f"{number(r['employees'])} 人",
        "专利": MISSING if r.get("patents") is None else f"{number(r['patents'])} 件",
        "成立日期": founded.isoformat() if isinstance(founded, dt.date) else MISSING,
    }  # fmt: skip
    if all(v == MISSING for v in figures.values()):
        st.caption("数据中没有该企业的营收、增长、人数、专利与成立日期（未知，排名时按中性值计，不按 0 计）。")
    else:
        for col, (label, value) in zip(st.columns(len(figures)), figures.items()):
            col.metric(label, value)
    quals = r.get("qualifications")
    quals_text = MISSING if quals is None else ("无" if list(quals) in ([], ["无"]) else "、".join(quals))
    st.markdown(f"**资质**：{md(quals_text)}　**污染等级**：{GRADE_ZH.get(r.get('pollution') or '', MISSING)}　**能耗等级**：{GRADE_ZH.get(r.get('energy') or '', MISSING)}")


def _segment_frame(p: Any) -> pl.DataFrame:
    rows = []
    for s in p.segments:
        st_ = s.standing
        rows.append({
            "产业链": s.chain_name or s.chain_id or MISSING, "环节": s.segment_name or s.segment_id, "位置": SEGMENT_STAGE_ZH.get(s.stage or "", MISSING),
            "环节现状": GAP_LABEL_ZH.get(s.label or "", MISSING), "业务占比": pct(s.share, 0),
            "置信度": CONFIDENCE_ZH.get(s.confidence or "", MISSING), "证据强度": MISSING if s.evidence is None else f"{s.evidence:.2f}",
            "作为招商目标": st_.text, "得分": NOT_APPLICABLE if st_.score is None else score(st_.score),
            "数据覆盖": NOT_APPLICABLE if st_.coverage is None else pct(st_.coverage, 0),
        })  # fmt: skip
    return pl.DataFrame(rows, schema=dict.fromkeys(rows[0], pl.Utf8)) if rows else pl.DataFrame()


def _segment_actions(p: Any) -> None:
    """Per segment: why it ranks where it does, and what to do next (map, targets, 推演, 建线索)."""
    author, leads = current_author(), may_open("leads")  # 推演 and 线索 are not a park account's pages
    if not p.record.get("local") and not author and leads:
        author = author_input(key_suffix="_co")
    open_leads = open_leads_index(c)
    for i, s in enumerate(p.segments):
        st_ = s.standing
        with st.expander(f"{s.segment_name or s.segment_id}（{s.chain_name or s.chain_id}）· {st_.text}", expanded=i == 0 and st_.status == "ranked"):
            evidence = MISSING if s.evidence is None else f"{s.evidence:.2f}"
            st.markdown(
                f"环节现状 {label_badge(s.label) if s.label else MISSING}　·　对应依据：{md(s.source or MISSING)}"
                f"（{CONFIDENCE_ZH.get(s.confidence or '', '置信度无数据')}，证据强度 {evidence}）"
            )
            for reason in st_.reasons:
                st.markdown(f"- {md(reason)}")
            a = st.columns(4)
            page_link("chain", "在产业链图谱中查看", icon=":material/account_tree:", params={"chain": s.chain_id or "", "segment": s.segment_id}, container=a[0])
            page_link("targets", "该环节的全部招商目标", icon=":material/person_search:", params={"segment": s.segment_id, "chain": s.chain_id or ""}, container=a[1])
            if st_.status == "local":
                continue
            if may_open("whatif") and a[2].button("加入推演", key=f"co_add_{s.segment_id}", icon=":material/add:"):
                added = add_to_basket({"kind": "target", "enterprise_id": p.enterprise_id, "segment_id": s.segment_id, "label": f"{p.record.get('name') or p.enterprise_id} → {s.segment_name or s.segment_id}"})
                st.toast("已加入推演" if added else "已在推演清单中")
            lid = open_leads.get((p.enterprise_id, s.segment_id))
            if not leads:
                continue
            if lid is not None:
                lead_link(lid, container=a[3])
            elif a[3].button("建线索", key=f"co_lead_{s.segment_id}", icon=":material/assignment_ind:", disabled=not author, help=None if author else "先填写「我的名字（记录人）」"):
                new_id = create_lead(c, enterprise_id=p.enterprise_id, enterprise_name=p.record.get("name"), segment_id=s.segment_id, segment_name=s.segment_name, chain_id=s.chain_id)
                if new_id is not None:
                    lead_link(new_id, container=a[3])


def _ties(p: Any) -> None:
    st.markdown("#### 供需关系")
    hidden = unseen(c)
    ties = [t for t in p.ties if t.other_id not in hidden]  # a park account: no tie to another park's firm
    if len(ties) < len(p.ties):
        st.caption(f"另有 {len(p.ties) - len(ties)} 条与其他园区本地企业的供需关系，园区账号不显示。")
    if not ties:
        st.caption("数据中没有该企业的供需关系。" if view.has_supply_links() else "数据集没有供需关系（supply_links.csv）。")
        return
    df = pl.DataFrame(
        [{"方向": "供货给" if t.direction == "supplies" else "采购自", "id": t.other_id, "对方企业": t.other_name or t.other_id,
          "本地": MISSING if t.other_local is None else ("本地企业" if t.other_local else "外地企业"), "产品": t.product or MISSING,
          "金额": money(t.amount), "来源": t.source or MISSING} for t in ties],
        schema=dict.fromkeys(["方向", "id", "对方企业", "本地", "产品", "金额", "来源"], pl.Utf8),
    )  # fmt: skip
    st.dataframe(company_urls(df, "id", "对方企业").drop("id"), hide_index=True, width="stretch", column_config={"对方企业": company_column("对方企业")})


def _projects(p: Any) -> None:
    st.markdown("#### 招商项目")
    park = current().park_id
    projects = [x for x in p.projects if park is None or x.park_id == park]  # a park account: its park's projects
    if not projects:
        st.caption("该企业没有招商项目。")
        return
    day = lambda d: d.isoformat() if d else NOT_APPLICABLE  # noqa: E731
    df = pl.DataFrame(
        [{"项目": x.name or x.project_id, "阶段": PROJECT_STAGE_ZH.get(x.stage or "", MISSING), "园区": x.park_name or MISSING,
          "补链环节": x.segment_name or x.segment_id or MISSING, "投资额": money(x.investment), "用地": MISSING if x.land_mu is None else f"{x.land_mu:g}亩",
          "阶段日期": day(x.stage_date), "计划开工": day(x.planned_start), "计划投产": day(x.planned_production), "责任单位": x.owner or MISSING} for x in projects],
        schema=dict.fromkeys(["项目", "阶段", "园区", "补链环节", "投资额", "用地", "阶段日期", "计划开工", "计划投产", "责任单位"], pl.Utf8),
    )  # fmt: skip
    st.dataframe(df, hide_index=True, width="stretch")
    page_link("projects", "到项目页跟踪", icon=":material/assignment:")


def _leads(p: Any) -> None:
    st.markdown("#### 招商线索")
    try:
        mine = [x for x in list_leads(workspace(c)) if x.enterprise_id == p.enterprise_id]
    except WorkspaceError as exc:
        st.caption(f"无法读取工作区：{exc}")
        return
    if not mine:
        st.caption("还没有针对该企业的招商线索；可在上面的环节中一键「建线索」。")
        return
    for x in mine:
        cols = st.columns([2, 5])
        lead_link(x.id, container=cols[0])
        due = x.due.isoformat() if x.due else "未定"
        cols[1].markdown(f"{md(x.segment_name or x.segment_id)} · **{x.status_zh}** · 责任人 {md(x.owner)} · 截止 {due}" + (f" · 下一步：{md(x.next_step)}" if x.next_step else ""))


def _starting_points(n: int = 3) -> None:
    """Before a search: the first-choice targets of the top-priority broken and missing segments."""
    gaps = sorted((r for r in cached.gaps(c).rows if r.priority is not None and r.label in ("broken", "missing")), key=lambda r: (-(r.priority or 0), r.segment_id))
    picks = []
    for r in gaps:
        best = next((t for t in cached.targets(c, r.segment_id, top=1).rows if t.rank == 1), None)
        if best is not None:
            picks.append((best, r))
        if len(picks) == n:
            break
    if picks:
        st.markdown("**从优先级最高的缺口开始**：")
        for t, r in picks:
            company_link(t.enterprise_id, f"{t.name or t.enterprise_id} — {r.chain_name or r.chain_id}「{r.segment_name or r.segment_id}」（{r.label_zh}）的首选招商目标")


def _show(enterprise_id: str) -> None:
    p = profile(c, enterprise_id)
    _header(p)
    st.markdown("#### 所属环节与招商排名")
    if p.segments:
        st.dataframe(_segment_frame(p), hide_index=True, width="stretch", column_config=SEGMENT_COLUMNS)
        _segment_actions(p)
    else:
        st.caption("该企业还没有对应到任何环节（可用 `indmap link` 按行业代码与主营产品对应）。")
    _ties(p)
    _projects(p)
    _leads(p)
    show_params(p.settings, keys=TARGET_SETTINGS)


query = _search_box()
if query:
    _results(query)
wanted = st.query_params.get(PARAM)
if wanted:
    try:
        eid = resolve_enterprise(c, wanted)
    except UnknownId as exc:
        st.warning(str(exc), icon=":material/help:")
    else:
        if eid in unseen(c):  # another park's local firm, also when reached by its address
            st.error(f"企业 {eid} 是其他园区的本地企业：园区账号只能查看本园区的企业和外地招商候选企业。", icon=":material/lock:")
            st.stop()
        st.query_params[PARAM] = eid  # also after a page link to this page: the address bar shows the profile (shareable)
        st.divider()
        _show(eid)
elif not query:
    st.info("输入企业名称的一部分（如「宁德」）、统一社会信用代码或股票代码（如 300750）查找企业；各页面中的企业名称也都链接到这里。", icon=":material/search:")
    _starting_points()
