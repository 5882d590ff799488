"""用户 (admins): the app's accounts — create, change role or park, set a new password, delete."""

from __future__ import annotations

import polars as pl
import streamlit as st

from graph.i18n import ROLE_RIGHTS_ZH, ROLE_ZH
from graph.workspace import WorkspaceError
from graph.workspace.users import PARK_ACCOUNT_ZH, ROLES, UserError, accounts, add_user, list_users, remove_user, set_password, update_user
from webapp.auth import create_command, current, login_required, require, served_address
from webapp.context import ctx
from webapp.lookups import names

c = ctx()
st.title("用户")
st.caption("应用的账号与角色。" + "；".join(f"**{ROLE_ZH[k]}**：{v}" for k, v in ROLE_RIGHTS_ZH.items()) + f"。{PARK_ACCOUNT_ZH}；登录后直接打开本园区。")
if not require("admin", "管理用户"):
    st.stop()
acc = current()
ws = accounts(c.settings)
try:
    users = list_users(ws)
except WorkspaceError as exc:
    st.error(f"无法读取账号：{exc}")
    st.stop()
me = acc.name or "本机管理员"
required, why = login_required(c.settings, len(users))
st.info(
    (f"需要登录（{why}）。" if required else f"本应用只在本机地址 {served_address()} 上提供服务，且还没有账号，所以现在免登录。创建第一个账号后，打开本应用都需要登录。")
    + f" 账号文件：`{c.settings.accounts_path}`；连续 {c.settings.login_max_failures} 次登录失败后需等待 {c.settings.login_lockout_s} 秒起；"
    f"空闲 {c.settings.session_idle_minutes} 分钟或登录 {c.settings.session_max_hours:g} 小时后需重新登录。",
    icon=":material/shield_person:",
)
park_names = names(c.view, "parks") if c.view is not None else {}
park_ids = sorted(park_names)


def _park_label(p: str | None) -> str:
    return "（无）" if not p else f"{park_names.get(p) or p}（{p}）"


def _done(msg: str) -> None:
    st.toast(msg, icon=":material/task_alt:")
    st.rerun()


if users:
    st.dataframe(
        pl.DataFrame([{"name": u.name, "role": u.role_zh, "park": _park_label(u.park_id) if u.park_id else "—", "created": f"{u.created_at[:16].replace('T', ' ')}（{u.created_by}）",
                       "password": u.password_changed_at[:16].replace("T", " ")} for u in users]),
        hide_index=True, width="stretch",
        column_config={"name": "账号", "role": "角色", "park": "园区", "created": "创建", "password": "密码修改时间"},
    )  # fmt: skip
else:
    st.caption("还没有账号。也可以在服务器上运行：")
    st.code(create_command(c.settings), language="bash")

st.subheader("新建账号")
with st.form("user_new", clear_on_submit=True, border=True):
    a, b, d = st.columns(3)
    name = a.text_input("账号名")
    role = b.selectbox("角色", ROLES, index=1, format_func=lambda r: ROLE_ZH[r])
    park = d.selectbox("园区账号（可选）", [None] + park_ids, format_func=_park_label, help="设了园区的账号只能查看本园区（见上）")
    p1, p2 = st.columns(2)
    pw = p1.text_input("密码（至少 8 个字符）", type="password")
    pw2 = p2.text_input("再输入一次", type="password")
    if st.form_submit_button("新建", type="primary", icon=":material/person_add:"):
        if pw != pw2:
            st.error("两次输入的密码不一致。")
        else:
            try:
                u = add_user(ws, name, pw, role, park_id=park, by=me)
                _done(f"已创建账号 {u.name}（{u.role_zh}）")
            except (UserError, WorkspaceError) as exc:
                st.error(str(exc))

if users:
    st.subheader("修改账号")
    pick = st.selectbox("账号", [u.name for u in users], key="user_pick")
    u = next(x for x in users if x.name == pick)  # as stored now
    shown_key, widgets = f"user_shown_{pick}", (f"user_role_{pick}", f"user_park_{pick}")
    if widgets[0] not in st.session_state:  # the form (re)opens with the stored values: remember them
        st.session_state[shown_key] = (u.role, u.park_id)
    with st.form(f"user_edit_{pick}", border=True):
        a, b = st.columns(2)
        role = a.selectbox("角色", ROLES, index=ROLES.index(u.role), format_func=lambda r: ROLE_ZH[r], key=widgets[0])
        park = b.selectbox("园区", [None] + park_ids, index=([None] + park_ids).index(u.park_id) if u.park_id in park_ids else 0, format_func=_park_label, key=widgets[1])
        if st.form_submit_button("保存", icon=":material/save:"):
            shown = st.session_state.get(shown_key, (u.role, u.park_id))
            for k in widgets:  # the form shows what is stored after this
                st.session_state.pop(k, None)
            if (u.role, u.park_id) != shown:  # another admin saved this account since the form opened: nothing overwritten
                st.session_state["user_clash"] = (f"账号 {pick} 在你打开表单之后已被其他管理员修改（现为 {ROLE_ZH[u.role]}，{_park_label(u.park_id)}），"
                                                  "未保存。表单已显示最新内容，如仍要修改请再次保存。")  # fmt: skip
                st.rerun()
            try:  # only what this form changed
                update_user(ws, pick, role=role if role != shown[0] else None, park_id=park if park != shown[1] else False)
                _done(f"已修改账号 {pick}")
            except (UserError, WorkspaceError) as exc:
                st.error(str(exc))
    if clash := st.session_state.pop("user_clash", None):
        st.warning(clash, icon=":material/group:")
    with st.form(f"user_pw_{pick}", border=True, clear_on_submit=True):
        p1, p2 = st.columns(2)
        pw = p1.text_input("新密码", type="password")
        pw2 = p2.text_input("再输入一次", type="password")
        if st.form_submit_button("设置新密码", icon=":material/password:"):
            if pw != pw2:
                st.error("两次输入的密码不一致。")
            else:
                try:
                    set_password(ws, pick, pw)
                    _done(f"已为 {pick} 设置新密码（该账号需重新登录）")
                except (UserError, WorkspaceError) as exc:
                    st.error(str(exc))
    sure = st.checkbox(f"确认删除账号 {pick}", key=f"user_rm_ok_{pick}")
    if st.button("删除账号", disabled=not sure, icon=":material/person_remove:", key=f"user_rm_{pick}"):
        try:
            remove_user(ws, pick)
            _done(f"已删除账号 {pick}")
        except (UserError, WorkspaceError) as exc:
            st.error(str(exc))
