"""线索: 招商线索 by owner, overdue first; status changes, dated notes with author, audit log; signed → project row."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import streamlit as st

from graph.i18n import LEAD_FIELD_ZH, LEAD_STATUS_ZH
from graph.workspace import WorkspaceError
from graph.workspace.backup import export_workspace
from graph.workspace.leads import FINAL, DuplicateLead, Lead, LeadConflict, add_lead, change_text, get_lead, lead_record, list_leads, project_row, sort_records, update_lead
from webapp.context import ctx, empty_store_message, server_path
from webapp.export import export_buttons, to_csv_bytes
from reports.fmt import provenance_rows
from webapp.auth import current
from webapp.leads import author_input, current_author, leads_sheet, workspace
from webapp.company import company_column, company_link, company_urls, search
from webapp.lookups import names
from webapp.neo4j_view import known_enterprise_ids
from webapp.markdown import md
from webapp.pages import page_link

STATUS_KEYS = list(LEAD_STATUS_ZH)

c = ctx()
st.title("招商线索")
st.caption(
    "对招商目标的持续跟进：责任人、状态（待接触 → 已接触 → 洽谈中 → 已签约 → 已落地，或已放弃）、下一步与截止日期、"
    "带记录人和日期的跟进记录。线索保存在图数据库旁的工作区文件中，重新导入数据不会改动或丢失它们。"
)
if c.error:
    st.error(c.error, icon=":material/error:")
if c.empty:
    empty_store_message(c)
view = None if c.empty else c.view
ws = workspace(c)
top = st.columns([2, 3])
me = author_input(top[0])
can_edit = current().can("edit")  # viewers read the leads; editors and admins change them
if not can_edit:
    top[1].info("只读账号：可以查看和导出线索；建线索、改状态和写跟进记录需要编辑或管理员账号。", icon=":material/lock:")
elif not me:
    top[1].info("先填写你的名字：建线索、改状态和写跟进记录都会记下记录人。", icon=":material/person:")

try:
    leads = list_leads(ws)
except WorkspaceError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()
today = dt.date.today()
# only the leads' own companies are looked up (not a set of every company: a million at province scale)
lead_e = sorted({x.enterprise_id for x in leads if x.enterprise_id})
known_e = known_enterprise_ids(c, lead_e) if view is not None else None  # on Neo4j by id, not in a scoped view
known_s = set(view.segments.get_column("id").to_list()) if view is not None else None
records = sort_records([lead_record(x, today, known_e, known_s) for x in leads])
by_id = {x.id: x for x in leads}

# ---------------------------------------------------------------- summary
open_n = sum(1 for r in records if r["status"] not in FINAL)
m = st.columns(5)
m[0].metric("进行中", open_n)
m[1].metric("逾期", sum(1 for r in records if r["overdue"]), help="截止日期已过且未落地、未放弃")
m[2].metric("已签约", sum(1 for r in records if r["status"] == "signed"))
m[3].metric("已落地", sum(1 for r in records if r["status"] == "landed"))
m[4].metric("企业已不在数据中", sum(1 for r in records if r["enterprise_missing"]), help="线索保留；企业在最新导入的数据中已找不到")


def _table(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "id": r["id"], "owner": r["owner"], "status": r["status_zh"], "enterprise_id": r["enterprise_id"], "enterprise": r["enterprise_name"] or r["enterprise_id"],
                "segment": r["segment_name"] or r["segment_id"], "next_step": r["next_step"] or "—", "due": r["due"] or "未定",
                "overdue": f"逾期 {r['days_overdue']} 天" if r["overdue"] else "", "flags": "；".join(r["flags"]), "last_note": r["last_note"] or "—",
                "updated_at": r["updated_at"][:16].replace("T", " "),
            }
            for r in rows
        ],
        schema={"id": pl.Int64, **{k: pl.Utf8 for k in ("owner", "status", "enterprise_id", "enterprise", "segment", "next_step", "due", "overdue", "flags", "last_note", "updated_at")}},
    ).pipe(company_urls, "enterprise_id", "enterprise").drop("enterprise_id")  # the name links to the company's page


COLUMNS = {
    "id": st.column_config.NumberColumn("编号", format="%d", width="small"), "owner": "责任人", "status": "状态", "enterprise": company_column("企业"), "segment": "环节",
    "next_step": "下一步", "due": "截止日期", "overdue": "逾期", "flags": "提示", "last_note": "最新跟进", "updated_at": "最后更新",
}

# ---------------------------------------------------------------- list
st.subheader("线索（按责任人，逾期在前）")
f = st.columns([2, 3, 1])
owners = sorted({r["owner"] for r in records})
pick_owners = f[0].multiselect("责任人", owners, key="ld_owners", placeholder="全部")
pick_status = f[1].multiselect("状态", STATUS_KEYS, format_func=LEAD_STATUS_ZH.get, key="ld_status", placeholder="全部")
only_overdue = f[2].toggle("只看逾期", key="ld_overdue")
shown = [r for r in records if (not pick_owners or r["owner"] in pick_owners) and (not pick_status or r["status"] in pick_status) and (not only_overdue or r["overdue"])]
table = _table(shown)
if not records:
    st.info("还没有线索。在「招商目标」页或「产业链图谱」页的推荐目标旁点「建线索」，或在下方手动新建。", icon=":material/lightbulb:")
    page_link("targets", "去招商目标页挑选目标", icon=":material/person_search:")
elif not shown:
    st.info("没有符合筛选条件的线索。")
else:
    event = st.dataframe(table, column_config=COLUMNS, hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row", key="ld_table")
    picked = list(event.selection.rows) if event is not None and hasattr(event, "selection") else []
    if picked:
        st.query_params["lead"] = str(shown[picked[0]]["id"])
    export_buttons(leads_sheet(shown), "招商线索", key="ld_export", info=provenance_rows(c.meta, 逾期截至=today.isoformat(), **({"工作区": str(ws.path)} if current().can("admin") else {})))

want = st.query_params.get("lead")
lead: Lead | None = by_id.get(int(want)) if want and str(want).isdigit() else None


# ---------------------------------------------------------------- one lead
FORM_FIELDS = {"st": "status", "ow": "owner", "due": "due", "next": "next_step"}  # widget key part -> lead field
_NOT_SHOWN = object()
def _save(lead_id: int) -> None:
    """Form callback: write the changed fields and the note (one transaction), then report."""
    author = current_author()
    if not author:
        st.session_state["ld_msg"] = ("warning", "请先填写「我的名字（记录人）」再保存。")
        return
    s = st.session_state
    # only the fields edited in this form: a value the form merely showed must not overwrite what a
    # colleague saved since it was opened
    shown = s.get(f"ld_shown_{lead_id}", {})
    edited = {f: s[f"ld_{k}_{lead_id}"] for k, f in FORM_FIELDS.items() if s[f"ld_{k}_{lead_id}"] != shown.get(f, _NOT_SHOWN)}
    try:
        # a field a colleague changed since this form opened is not overwritten: B is told and sees A's value
        clash = _changed_meanwhile(get_lead(ws, lead_id), shown, edited)
        edited = {f: v for f, v in edited.items() if f not in clash}
        note = s[f"ld_note_{lead_id}"]
        seen = {f: shown[f] for f in edited if f in shown}  # checked again inside the write: a save in between is not overwritten
        _lead, changed = update_lead(ws, lead_id, author=author, note=note, seen=seen, **edited) if edited or (note or "").strip() else (None, [])
    except LeadConflict:
        stored = get_lead(ws, lead_id)
        kept = "；".join(f"{LEAD_FIELD_ZH[f]}已被他人改为「{v}」" for f, v in _changed_meanwhile(stored, shown, edited).items())
        for k in FORM_FIELDS:  # the note stays in the form: nothing was saved
            s.pop(f"ld_{k}_{lead_id}", None)
        st.session_state["ld_msg"] = ("warning", f"线索 #{lead_id} 未保存：{kept}（就在你保存的同时）。表单已显示最新内容，跟进记录仍在框中，请再次保存。")
        return
    except (ValueError, WorkspaceError) as exc:
        st.session_state["ld_msg"] = ("error", f"未保存：{exc}")
        return
    done = [LEAD_FIELD_ZH[x] for x in changed] + (["跟进记录"] if (s[f"ld_note_{lead_id}"] or "").strip() else [])
    if clash:
        kept = "；".join(f"{LEAD_FIELD_ZH[f]}已被他人改为「{v}」" for f, v in clash.items())
        saved = f"已保存：{'、'.join(done)}；" if done else ""
        s[f"ld_note_{lead_id}"] = ""
        for k in FORM_FIELDS:
            s.pop(f"ld_{k}_{lead_id}", None)
        st.session_state["ld_msg"] = ("warning", f"线索 #{lead_id} {saved}{kept}（在你打开表单之后），未覆盖。表单已显示最新内容，如仍要修改请再次保存。")
        return
    s[f"ld_note_{lead_id}"] = ""
    for k in ("st", "ow", "due", "next"):  # show what is stored now (someone else may have changed it too)
        s.pop(f"ld_{k}_{lead_id}", None)
    st.session_state["ld_msg"] = ("success", f"线索 #{lead_id} 已保存：{'、'.join(done)}。" if done else "没有修改。")


def _changed_meanwhile(stored: Lead, shown: dict, edited: dict) -> dict[str, str]:
    """The edited fields whose stored value is no longer the one the form opened with, by their stored value in Chinese."""
    now = {"status": stored.status, "owner": stored.owner, "due": stored.due, "next_step": stored.next_step or ""}
    text = {"status": LEAD_STATUS_ZH.get(stored.status, stored.status), "due": stored.due.isoformat() if stored.due else "无", "next_step": stored.next_step or "空"}
    return {f: str(text.get(f, now[f])) for f in edited if f in shown and now[f] != shown[f]}


def _form(lead: Lead, where) -> None:
    if f"ld_st_{lead.id}" not in st.session_state:  # the form (re)opens with the stored values: remember them
        st.session_state[f"ld_shown_{lead.id}"] = {"status": lead.status, "owner": lead.owner, "due": lead.due, "next_step": lead.next_step or ""}
    with where, st.form(f"ld_form_{lead.id}", border=True):
        st.selectbox("状态", STATUS_KEYS, index=STATUS_KEYS.index(lead.status), format_func=LEAD_STATUS_ZH.get, key=f"ld_st_{lead.id}")
        st.text_input("责任人", value=lead.owner, key=f"ld_ow_{lead.id}")
        st.date_input("截止日期", value=lead.due, key=f"ld_due_{lead.id}", format="YYYY-MM-DD")
        st.text_input("下一步", value=lead.next_step or "", key=f"ld_next_{lead.id}")
        st.text_area("新的跟进记录", key=f"ld_note_{lead.id}", placeholder="例如：已电话联系董办，约下周上门。", height=90)
        st.form_submit_button("保存", type="primary", icon=":material/save:", on_click=_save, args=(lead.id,))


def _detail(lead: Lead) -> None:
    rec = lead_record(lead, today, known_e, known_s)
    st.markdown(f"#### 线索 #{lead.id}：{md(lead.enterprise_name or lead.enterprise_id)} → {md(lead.segment_name or lead.segment_id)}")
    st.caption(f"企业 {lead.enterprise_id} · 环节 {lead.segment_id} · 由 {lead.created_by} 于 {lead.created_at[:16].replace('T', ' ')} 建立")
    if known_e and lead.enterprise_id in known_e:
        company_link(lead.enterprise_id, f"企业页面：{lead.enterprise_name or lead.enterprise_id}")
    for flag in rec["flags"]:
        st.warning(f"{flag}：线索保留，请核实企业是否更名、迁出或数据有误。", icon=":material/warning:")
    if rec["overdue"]:
        st.error(f"已逾期 {rec['days_overdue']} 天（截止 {rec['due']}）。", icon=":material/schedule:")
    msg = st.session_state.pop("ld_msg", None)
    if msg:
        getattr(st, msg[0])(msg[1])
    left, right = st.columns([2, 3], gap="medium")
    if not can_edit:
        left.markdown(f"**状态** {LEAD_STATUS_ZH.get(lead.status, lead.status)} · **责任人** {md(lead.owner)} · **截止** {lead.due or '—'} · **下一步** {md(lead.next_step or '—')}")
    else:
        _form(lead, left)
    with right:
        st.markdown("**跟进记录**")
        if lead.notes:
            for n in reversed(lead.notes):
                st.markdown(f"- **{n.at[:16].replace('T', ' ')} · {md(n.author)}**：{md(n.text)}")
        else:
            st.caption("还没有跟进记录。")
        with st.expander(f"修改记录（{len(lead.changes)} 条）"):
            st.dataframe(
                pl.DataFrame([{"时间": x.at[:16].replace("T", " "), "修改人": x.author, "修改": change_text(x)} for x in lead.changes]),
                hide_index=True, width="stretch",
            )
    if lead.status in ("signed", "landed"):
        _project_offer(lead)
    if lead.chain_id:
        page_link("chain", "在产业链图谱中查看该环节", icon=":material/account_tree:", params={"chain": lead.chain_id, "segment": lead.segment_id})


def _project_offer(lead: Lead) -> None:
    row = project_row(lead)
    st.success(
        "该线索已签约，可以转为招商项目：下载下面这一行（projects.csv 的格式），补上总投资、落地园区、用地和计划日期，"
        "加入数据集的 projects.csv 后重新导入，「项目」页就会跟踪它的开工与投产。",
        icon=":material/handshake:",
    )
    if known_e is not None and lead.enterprise_id not in known_e:
        st.warning("注意：该企业不在当前数据中，导入前需先在 enterprises.csv 中加入它，否则 projects.csv 的 enterprise_id 会报错。")
    st.download_button(
        "下载项目行（projects.csv 格式）", data=to_csv_bytes(pl.DataFrame([row])), file_name=f"project_{row['id']}.csv", mime="text/csv",
        icon=":material/download:", on_click="ignore", key=f"ld_project_{lead.id}",
    )


if lead is not None:
    st.divider()
    _detail(lead)
elif want:
    st.warning(f"没有编号为 {want} 的线索。")


# ---------------------------------------------------------------- new lead by hand
def _new_lead_form() -> None:
    if view is None:
        st.info("数据库中还没有数据：导入数据后才能为数据中的企业建线索。")
        return
    # the company is found by search (a list of every company would be a million options at province scale)
    q = st.text_input("查找企业", key="ld_new_q", placeholder="企业名称（可只输一部分）、统一社会信用代码或股票代码，回车查找").strip()
    hits = search(c, q, limit=50) if q else []
    if q and not hits:
        st.info(f"没有找到与「{q}」相符的企业。", icon=":material/search_off:")
    ent_names = {h.enterprise_id: h.name for h in hits}
    seg_names = names(view, "segments")
    seg_chain = dict(zip(view.segments.get_column("id").to_list(), view.segments.get_column("chain_id").to_list()))
    with st.form("ld_new", border=True, clear_on_submit=True):
        a, b = st.columns(2)
        e_id = a.selectbox("企业", list(ent_names), format_func=lambda i: f"{ent_names.get(i) or i}（{i}）", index=None,
                           placeholder="先在上面查找企业" if not hits else f"从 {len(hits)} 家查找结果中选择")
        s_id = b.selectbox("环节", sorted(seg_names), format_func=lambda i: f"{seg_names.get(i) or i}（{i}）", index=None, placeholder="输入名称或编号搜索")
        a2, b2, c2 = st.columns(3)
        owner = a2.text_input("责任人", value=current_author() or "")
        due = b2.date_input("截止日期", value=None, format="YYYY-MM-DD")
        nxt = c2.text_input("下一步")
        if st.form_submit_button("建立线索", icon=":material/add_task:"):
            _create(e_id, s_id, owner, due, nxt, ent_names, seg_names, seg_chain)


def _create(e_id, s_id, owner, due, nxt, ent_names, seg_names, seg_chain) -> None:
    author = current_author()
    if not author:
        st.warning("请先在页面上方填写「我的名字（记录人）」。")
        return
    if not e_id or not s_id:
        st.warning("请选择企业和环节。")
        return
    try:
        new = add_lead(ws, enterprise_id=e_id, enterprise_name=ent_names.get(e_id), segment_id=s_id, segment_name=seg_names.get(s_id), chain_id=seg_chain.get(s_id), owner=owner or author, author=author, due=due, next_step=nxt)
    except DuplicateLead as exc:
        st.query_params["lead"] = str(exc.lead_id)
        st.warning(str(exc))
        return
    except (ValueError, WorkspaceError) as exc:
        st.error(str(exc))
        return
    st.query_params["lead"] = str(new.id)
    st.rerun()


st.divider()
if can_edit:
    with st.expander("手动新建线索", icon=":material/add_task:"):
        _new_lead_form()
with st.expander("备份与恢复", icon=":material/backup:"):
    st.caption(f"工作区文件：{server_path(ws.path)}。下载的备份包含全部线索、跟进记录、修改记录和每次导入的快照；恢复用命令 `indmap workspace restore 文件`。")
    st.download_button(
        "下载工作区备份（JSON）", data=lambda: json.dumps(export_workspace(ws), ensure_ascii=False, indent=1).encode("utf-8"),
        file_name=f"indmap-workspace-{today:%Y%m%d}.json", mime="application/json", icon=":material/download:", on_click="ignore", key="ld_backup",
    )
