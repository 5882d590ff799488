"""Cypher 查询: read-only console (timeout, row cap), saved analyst queries, schema panel, result graph."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from graph.queries import SAVED_QUERIES
from graph.schema import NODES, RELS
from graph.stores import QueryRefused, StoreError
from graph.worker import run_query
from webapp.auth import current
from webapp.context import ctx, empty_store_message, show_error
from reports.fmt import provenance_rows
from webapp.export import export_buttons, frame_from_records
from webapp.frames import people_frame
from webapp.graphviz import assets_mode, render_network, result_graph, result_network, show_html
from webapp.params import parse_params

c = ctx()
st.title("Cypher 查询")
st.caption(
    "只读查询：只允许 MATCH、OPTIONAL MATCH、WITH、UNWIND、RETURN 等读子句和少数只读的模式查询过程，其他语句在运行前即被拒绝；"
    f"每条查询在独立进程中运行（超时 {c.settings.query_timeout_s:g} 秒含解析与规划，内存上限 {c.settings.query_memory_mb} MB，"
    f"长度上限 {c.settings.query_max_length:,} 字符，嵌套上限 {c.settings.query_max_depth} 层）。同一查询在内置数据库（LadybugDB）与 Neo4j 上都能运行。"
)
show_error(c)
if c.empty:
    empty_store_message(c)

saved = {q.key: q for q in SAVED_QUERIES}


def _load_saved() -> None:
    q = saved[st.session_state["cy_saved"]]
    st.session_state["cy_text"] = q.cypher
    st.session_state["cy_params"] = json.dumps(q.params, ensure_ascii=False) if q.params else ""
    st.session_state.pop("cy_result", None)


st.session_state.setdefault("cy_text", SAVED_QUERIES[0].cypher if SAVED_QUERIES else "MATCH (c:Chain) RETURN c.id, c.name LIMIT 20")
st.session_state.setdefault("cy_params", "")

editor, lib = st.columns([3, 2], gap="medium")
with lib:
    st.markdown(f"**查询库（{len(SAVED_QUERIES)} 条）**")
    key = st.selectbox("示例查询", list(saved), format_func=lambda k: saved[k].name_zh, key="cy_saved")
    st.caption(saved[key].description)
    st.code(saved[key].cypher, language="cypher", wrap_lines=True)
    st.button("载入到编辑器", on_click=_load_saved, icon=":material/input:", key="cy_load")
with editor:
    st.text_area("查询语句", key="cy_text", height=180)
    st.text_area("参数（JSON 对象，或每行一个 名称=值）", key="cy_params", height=72, placeholder='{"chain": "NEV"}  或  chain=NEV')
    o1, o2, o3 = st.columns([1, 1, 2])
    # an admin (or the one user of a local app) may raise the limits; other accounts of a served app may only lower them
    may_raise = current().can("admin")
    max_timeout = max(120.0, c.settings.query_timeout_s) if may_raise else float(c.settings.query_timeout_s)
    max_rows = max(100000, c.settings.query_row_cap) if may_raise else int(c.settings.query_row_cap)
    lim = None if may_raise else "不能超过管理员设定的上限"
    timeout = o1.number_input("超时（秒）", min_value=0.5, max_value=max_timeout, value=float(c.settings.query_timeout_s), step=1.0, key="cy_timeout", help=lim)
    row_cap = o2.number_input("行数上限", min_value=1, max_value=max_rows, value=int(c.settings.query_row_cap), step=100, key="cy_cap", help=lim)
    run = o3.button("运行查询", type="primary", icon=":material/play_arrow:", key="cy_run", disabled=c.store is None or c.empty, width="stretch")

if run:
    try:
        params = parse_params(st.session_state["cy_params"])
    except ValueError as exc:
        st.session_state["cy_result"] = {"error": str(exc)}
    else:
        try:
            with st.spinner("查询运行中（独立进程，超时即中止）…"):
                res = run_query(c.settings, st.session_state["cy_text"], params, timeout_s=min(timeout, max_timeout), row_cap=min(int(row_cap), max_rows))
            st.session_state["cy_result"] = {"result": res}
        except QueryRefused as exc:
            st.session_state["cy_result"] = {"refused": str(exc)}
        except StoreError as exc:  # the engine's own (English) text only behind an expander
            st.session_state["cy_result"] = {"error": str(exc), "engine": getattr(exc, "engine_text", "")}

out = st.session_state.get("cy_result")
if out:
    if "refused" in out:
        st.error(f"查询被拒绝：{out['refused']}", icon=":material/block:")
    elif "error" in out:
        st.error(out["error"], icon=":material/error:")
        if out.get("engine"):
            with st.expander("数据库引擎的原始报错（英文）"):
                st.code(out["engine"], language=None, wrap_lines=True)
    else:
        res = out["result"]
        msg = f"{len(res.rows)} 行，用时 {res.elapsed_ms:.0f} ms"
        if res.truncated:
            st.warning(f"{msg}；结果超过行数上限 {res.row_cap}，只显示前 {res.row_cap} 行。加 LIMIT 或提高上限。")
        else:
            st.success(msg)
        records = [dict(zip(res.columns, r)) for r in res.rows]
        table = frame_from_records(
            [{k: (json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, dict) else v) for k, v in rec.items()} for rec in records]
        )
        table = people_frame(table, unknown=table.columns)  # a null cell reads 无数据 in the grid and the export, not None or blank
        nodes, rels = result_graph(res.rows)
        tabs = st.tabs(["表格", f"图（{len(nodes)} 个节点）"] if nodes else ["表格"])
        with tabs[0]:
            st.dataframe(table, hide_index=True, width="stretch")
        if nodes:
            with tabs[1]:
                net, legend = result_network(nodes, rels)
                mode, base = assets_mode()
                show_html(render_network(net, legend=legend, assets=mode, base_url_path=base), height=520, alt="查询结果图")
        info = provenance_rows(c.meta, 查询语句=st.session_state["cy_text"], 参数=st.session_state["cy_params"] or "—")
        export_buttons(table, "查询结果", key="cy_export", info=info)  # the query and its parameters in the 说明 sheet

st.divider()
st.subheader("图模式（标签、关系、属性）")
s1, s2 = st.columns([2, 3], gap="medium")
with s1:
    st.markdown(f"**节点标签（{len(NODES)}）**")
    tabs = st.tabs(list(NODES))
    for tab, spec in zip(tabs, NODES.values()):
        with tab:
            st.caption(spec.doc)
            st.dataframe(
                pl.DataFrame([{"property": p.name, "type": p.type, "doc": p.doc} for p in spec.props]),
                hide_index=True,
                width="stretch",
                column_config={"property": "属性", "type": "类型", "doc": "说明"},
            )
with s2:
    st.markdown(f"**关系类型（{len(RELS)}）**")
    st.dataframe(
        pl.DataFrame([{"pattern": f"(:{r.src})-[:{r.type}]->(:{r.dst})", "properties": ", ".join(f"{p.name}: {p.type}" for p in r.props), "doc": r.doc} for r in RELS.values()]),
        hide_index=True,
        width="stretch",
        height=36 * (len(RELS) + 1) + 4,
        column_config={"pattern": st.column_config.TextColumn("模式", width="large"), "properties": "属性", "doc": "说明"},
    )
st.caption("不支持的写法（两种数据库不通用）：shortestPath()、type(r)/labels(n)、CALL {}、map projection、列表下标与 substring。")
