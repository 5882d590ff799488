"""The workspace in the app: who is working, and a one-click 建线索 from any target.

With accounts (:mod:`webapp.auth`) the author of a lead, note or change is the logged-in account;
without (the app on this machine only) it is a name the user types once, kept in the session and
in the URL (``?user=…``), so a reload or a shared link keeps it. Leads themselves live in the workspace file
(:mod:`graph.workspace`), written by every session and process without losing anything.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph.i18n import GAP_LABEL_ZH
from graph.workspace import Workspace, WorkspaceError, open_workspace
from graph.workspace.leads import FINAL, DuplicateLead, add_lead, list_leads
from reports.sheets import Col, Sheet, sheet
from webapp.context import Ctx
from webapp.pages import page_link

AUTHOR_PARAM = "user"
AUTHOR_STATE = "ws_author"  # the name, kept for the session
AUTHOR_WIDGET = "ws_author_input"


def workspace(c: Ctx) -> Workspace:
    """The workspace beside the store in use (each call opens its own connections)."""
    return open_workspace(c.settings)


def current_author() -> str | None:
    """The logged-in account's name; without accounts, the name typed on any page this session, else the one in the URL."""
    from webapp.auth import current

    acc = current()
    if acc.user is not None:
        return acc.user.name
    name = (st.session_state.get(AUTHOR_STATE) or st.query_params.get(AUTHOR_PARAM) or "").strip()
    if name:
        st.session_state[AUTHOR_STATE] = name
    return name or None


def keep_author_in_url() -> None:
    """Put the session's name back into the URL after a page switch (called by app.py every run; not with accounts)."""
    from webapp.auth import current

    if current().user is not None:
        return
    name = current_author()
    if name and st.query_params.get(AUTHOR_PARAM) != name:
        st.query_params[AUTHOR_PARAM] = name


def _author_changed(key: str) -> None:
    name = (st.session_state.get(key) or "").strip()
    st.session_state[AUTHOR_STATE] = name
    if name:
        st.query_params[AUTHOR_PARAM] = name
    elif AUTHOR_PARAM in st.query_params:
        del st.query_params[AUTHOR_PARAM]


def author_input(container: Any = None, *, key_suffix: str = "") -> str | None:
    """A text box for the user's name (记录人), prefilled from the session or URL."""
    from webapp.auth import current

    where = container if container is not None else st
    acc = current()
    if acc.user is not None:  # logged in: the account is the author
        where.caption(f"记录人：{acc.user.name}（当前账号）")
        return acc.user.name
    key = AUTHOR_WIDGET + key_suffix
    if key not in st.session_state:
        st.session_state[key] = current_author() or ""
    where.text_input("我的名字（记录人）", key=key, on_change=_author_changed, args=(key,), placeholder="例如：招商一科 张三", help="线索、跟进记录和修改记录都记下是谁做的；名字保存在本次会话和网址中。")
    return current_author()


def open_leads_index(c: Ctx) -> dict[tuple[str, str], int]:
    """(enterprise id, segment id) -> id of its open lead (status not final)."""
    try:
        leads = list_leads(workspace(c))
    except WorkspaceError:
        return {}
    return {(x.enterprise_id, x.segment_id): x.id for x in leads if x.status not in FINAL}


def create_lead(c: Ctx, *, enterprise_id: str, enterprise_name: str | None, segment_id: str, segment_name: str | None, chain_id: str | None) -> int | None:
    """Create a lead owned by the current user (one click); toasts what happened; returns its id."""
    from webapp.auth import current

    if not current().can("edit"):
        st.toast("只读账号不能建线索：需要编辑或管理员账号。", icon=":material/lock:")
        return None
    author = current_author()
    if not author:
        st.toast("请先填写「我的名字（记录人）」，再建线索。", icon=":material/person:")
        return None
    try:
        lead = add_lead(
            workspace(c),
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
            segment_id=segment_id,
            segment_name=segment_name,
            chain_id=chain_id,
            owner=author,
            author=author,
        )
    except DuplicateLead as exc:
        st.toast(f"已有线索 #{exc.lead_id}", icon=":material/info:")
        return exc.lead_id
    except (ValueError, WorkspaceError) as exc:
        st.toast(f"未能建立线索：{exc}", icon=":material/error:")
        return None
    st.toast(f"已建线索 #{lead.id}：{enterprise_name or enterprise_id} → {segment_name or segment_id}（责任人 {author}）", icon=":material/task_alt:")
    return lead.id


def lead_link(lead_id: int, container: Any = None) -> None:
    """A link to one lead on the 线索 page."""
    params = {"lead": str(lead_id)}
    name = current_author()
    if name:
        params[AUTHOR_PARAM] = name
    page_link("leads", f"线索 #{lead_id}", icon=":material/assignment_ind:", params=params, container=container)


def follow_through(c: Ctx) -> None:
    """总览's block on work over time: change since the last ingest, and the leads (overdue first)."""
    import datetime as dt

    from graph.workspace import history

    st.subheader("跟踪问效")
    left, right = st.columns(2)
    try:
        ws = workspace(c)
        res = history(ws)
        leads = list_leads(ws)
    except (WorkspaceError, ValueError) as exc:
        st.warning(f"无法读取工作区：{exc}", icon=":material/error:")
        return
    with left:
        if res.from_snapshot is None:
            st.caption("变化：再导入一次数据后，这里显示与上次导入相比补上和新出现的缺口。")
        else:
            m = st.columns(3)
            m[0].metric("已补上的缺口", len(res.healed), help=f"与快照 #{res.from_snapshot} 相比")
            m[1].metric("新出现的缺口", len(res.worsened))
            m[2].metric("持续存在的缺口", len(res.persistent))
        page_link("history", "变化与趋势（完整度曲线、园区指标趋势）", icon=":material/timeline:")
    with right:
        today = dt.date.today()
        open_ = [x for x in leads if x.status not in FINAL]
        overdue = [x for x in open_ if x.days_overdue(today) is not None]
        m = st.columns(2)
        m[0].metric("进行中的线索", len(open_))
        m[1].metric("逾期线索", len(overdue), help="截止日期已过且未落地、未放弃")
        page_link("leads", "招商线索（按责任人，逾期在前）", icon=":material/assignment_ind:", params={AUTHOR_PARAM: current_author()} if current_author() else None)


# ------------------------------------------------------------------ exports for people

LEAD_COLS = [
    Col("id", "编号", "int"), Col("owner", "责任人"), Col("status_zh", "状态"), Col("enterprise_id", "企业编号"),
    Col("enterprise_name", "企业", na=True), Col("segment_id", "环节编号"), Col("segment_name", "环节", na=True),
    Col("next_step", "下一步", na=True), Col("due", "截止日期", na=True), Col("days_overdue", "逾期天数", "int", na=True),
    Col("flags", "提示", "list", na=True), Col("last_note", "最新跟进", na=True), Col("created_by", "建立人"),
    Col("created_at", "建立时间"), Col("updated_at", "最后更新"),
]
HISTORY_COLS = [
    Col("chain_id", "产业链编号"), Col("segment_id", "环节编号"), Col("segment_name", "环节", na=True),
    Col("label_before", "之前", na=True, zh=lambda v: GAP_LABEL_ZH.get(v, v)), Col("label_after", "之后", na=True, zh=lambda v: GAP_LABEL_ZH.get(v, v)),
    Col("local_count_before", "本地企业（前）", "int", na=True), Col("local_count_after", "本地企业（后）", "int", na=True),
    Col("priority_after", "补链优先级（后）", "score", na=True), Col("first_seen", "首次出现", "date"),
]


def leads_sheet(records: list[dict[str, Any]]) -> Sheet:
    """Lead rows (:func:`graph.workspace.leads.lead_record`) as a Chinese sheet."""
    return sheet([{**r, "created_at": r["created_at"][:16].replace("T", " "), "updated_at": r["updated_at"][:16].replace("T", " ")} for r in records], LEAD_COLS)


def history_sheet(rows: list[Any]) -> Sheet:
    """History rows (healed, worsened, ...) as a Chinese sheet."""
    return sheet([r.model_dump() for r in rows], HISTORY_COLS)
