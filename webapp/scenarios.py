"""Named what-if scenarios on the 推演 page: open one from the URL (``?scenario=ID``), save, open and delete.

The scenarios live in the workspace (:mod:`graph.workspace.scenarios`), beside leads and snapshots, so
they survive every ingest and every session; the basket itself travels in the URL (:mod:`webapp.basket`).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from graph.workspace import WorkspaceError
from graph.workspace.scenarios import delete_scenario, get_scenario, list_scenarios, save_scenario
from webapp.basket import SCENARIO, basket, set_basket, write_url
from webapp.context import Ctx
from webapp.leads import author_input, current_author, workspace

LOADED = "wi_loaded_scenario"


def open_from_url(c: Ctx) -> None:
    """``?scenario=ID`` puts that saved scenario into the basket (then the basket's own parameters carry it)."""
    raw = st.query_params.get(SCENARIO)
    if not raw:
        return
    try:
        sc = get_scenario(workspace(c), int(raw))
    except (ValueError, WorkspaceError) as exc:
        st.warning(f"无法打开推演情景 {raw}：{exc}", icon=":material/error:")
        sc = None
    if sc is None:
        st.warning(f"没有编号为 {raw} 的推演情景（可能已被删除）。", icon=":material/info:")
    else:
        set_basket(sc.items)
        st.session_state[LOADED] = (sc.id, sc.version, sc.name)
        kind = sc.scope.split(":")[0]
        st.session_state["wi_scope__kind"] = kind if kind in ("city", "park") else "city"
        if kind == "park":
            st.query_params["park"] = sc.scope.split(":", 1)[1]
    # from here the basket's own parameters carry the scenario: later edits are not undone by a reload
    del st.query_params[SCENARIO]
    write_url()


def scenario_section(c: Ctx, scope: str, base_url: str = "") -> None:
    """Save the basket as a named scenario, open or delete a saved one, and the links to share."""
    with st.expander("推演情景：保存、打开与分享", icon=":material/bookmark:", expanded=LOADED in st.session_state):
        loaded = st.session_state.get(LOADED)
        if loaded:
            st.caption(f"当前情景：{loaded[2]}（#{loaded[0]}）")
        st.caption("本页网址已包含推演清单：复制浏览器地址栏即可分享；保存为情景后，同事可在下方打开，或用带 scenario= 的链接打开。")
        from webapp.auth import current

        may_edit = current().can("edit")  # viewers open saved scenarios; editors and admins save and delete them
        if may_edit:
            _save(c, scope)
        else:
            st.caption("保存或删除情景需要编辑或管理员账号；只读账号可以打开已保存的情景。")
        _saved_list(c, base_url, may_edit)


def _save(c: Ctx, scope: str) -> None:
    author = current_author() or author_input(key_suffix="_wi")
    a, b = st.columns([3, 1], vertical_alignment="bottom")
    name = a.text_input("情景名称", key="wi_scn_name", placeholder="例如：新能源汽车补链（第一批）", value=(st.session_state.get(LOADED) or (None, None, ""))[2])
    if b.button("保存情景", icon=":material/save:", key="wi_scn_save", disabled=not basket() or not author, help=None if author else "先填写「我的名字（记录人）」"):
        try:
            loaded = st.session_state.get(LOADED)  # replace only the version this session opened or saved
            replaces = loaded[1] if loaded and loaded[2] == (name or "").strip() else None
            sc = save_scenario(workspace(c), name, basket(), scope=scope, author=author or "", replaces=replaces)
        except (ValueError, WorkspaceError) as exc:
            st.error(str(exc), icon=":material/error:")
            return
        st.session_state[LOADED] = (sc.id, sc.version, sc.name)
        st.toast(f"已保存推演情景「{sc.name}」（#{sc.id}）", icon=":material/task_alt:")


def _saved_list(c: Ctx, base_url: str, may_edit: bool) -> None:
    try:
        saved = list_scenarios(workspace(c))
    except WorkspaceError as exc:
        st.warning(f"无法读取工作区：{exc}", icon=":material/error:")
        return
    if not saved:
        st.caption("还没有保存的推演情景。")
        return
    by_id: dict[int, Any] = {s.id: s for s in saved}
    pick = st.selectbox(
        "已保存的情景", list(by_id), key="wi_scn_pick",
        format_func=lambda i: f"{by_id[i].name}（{len(by_id[i].items)} 项，{by_id[i].created_by}，{by_id[i].updated_at[:16].replace('T', ' ')}）",
    )  # fmt: skip
    x, y = st.columns(2)
    if x.button("打开", icon=":material/folder_open:", key="wi_scn_open", width="stretch"):
        st.query_params[SCENARIO] = str(pick)
        st.rerun()
    if may_edit and y.button("删除", icon=":material/delete:", key="wi_scn_delete", width="stretch"):
        delete_scenario(workspace(c), pick)
        st.rerun()
    st.caption(f"情景链接：`{base_url}?{SCENARIO}={pick}`")
