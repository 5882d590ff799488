"""变化: gaps healed / worsened / persistent between two ingests, completeness over time, park KPI trends."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from graph.analysis.trends import park_trends
from graph.i18n import HISTORY_LIST_ZH as LIST_ZH
from graph.i18n import PARK_KPI_ZH as KPI_ZH
from graph.i18n import PERIOD_KIND_ZH as KIND_ZH
from graph.i18n import money, pct
from graph.workspace import WorkspaceError, history
from graph.workspace.snapshots import list_snapshots
from webapp.context import ctx, empty_store_message, server_path
from webapp.export import to_xlsx_bytes
from reports.fmt import provenance_rows
from webapp.leads import history_sheet, workspace
from webapp.lookups import chain_options, names
from webapp.pages import page_link
from webapp.park_ranking import own_park_ids

c = ctx()
st.title("变化与趋势")
st.caption(
    "每次成功导入都会记录一个快照（各环节标签、优先级、本地企业数，各链完整度，各园区指标）。"
    "这里比较两个快照：哪些缺口补上了、哪些环节变成了缺口、哪些缺口一直存在（及首次出现的日期）。"
)
if c.error:
    st.error(c.error, icon=":material/error:")
if c.empty:
    empty_store_message(c)
ws = workspace(c)
try:
    snaps = list_snapshots(ws)
except WorkspaceError as exc:
    st.error(str(exc), icon=":material/error:")
    snaps = []


def _label(sid: int) -> str:
    s = next(x for x in snaps if x.id == sid)
    return f"#{s.id} · {s.taken_at[:16].replace('T', ' ')} · {s.dataset or '数据集不详'}"


def _rows_frame(rows: list) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "chain_id": r.chain_id, "segment_id": r.segment_id, "segment": r.segment_name, "before": r.label_zh_before, "after": r.label_zh_after,
                "local_before": r.local_count_before, "local_after": r.local_count_after, "priority": r.priority_after if r.priority_after is not None else r.priority_before,
                "first_seen": r.first_seen,
            }
            for r in rows
        ],
        schema={"chain_id": pl.Utf8, "segment_id": pl.Utf8, "segment": pl.Utf8, "before": pl.Utf8, "after": pl.Utf8, "local_before": pl.Int64, "local_after": pl.Int64, "priority": pl.Float64, "first_seen": pl.Date},
    )


ROW_COLUMNS = {
    "chain_id": "产业链", "segment_id": "环节编号", "segment": "环节", "before": "之前", "after": "之后",
    "local_before": st.column_config.NumberColumn("本地企业（前）", format="%d"), "local_after": st.column_config.NumberColumn("本地企业（后）", format="%d"),
    "priority": st.column_config.ProgressColumn("优先级", min_value=0, max_value=100, format="%.1f"), "first_seen": st.column_config.DateColumn("首次出现", format="YYYY-MM-DD"),
}


def _completeness_chart(res, chain_names: dict[str, str], chain_id: str | None) -> None:
    pts = pl.DataFrame([p.model_dump() for p in res.completeness])
    if not pts.height:
        return
    pts = pts.with_columns(pl.col("taken_at").str.slice(0, 16).str.replace("T", " ").alias("when"), pl.col("chain_id").replace_strict(chain_names, default=pl.col("chain_id")).alias("chain"))
    if chain_id:
        long = pts.unpivot(index=["snapshot_id", "when", "chain"], on=["completeness", "completeness_key_weighted"], variable_name="kind", value_name="value")
        long = long.with_columns(pl.col("kind").replace({"completeness": "完整度", "completeness_key_weighted": "完整度（关键加权）"}))
        color, series = alt.Color("kind:N", title=None), "kind:N"
    else:
        long = pts.select("snapshot_id", "when", "chain", pl.col("completeness").alias("value"))
        color, series = alt.Color("chain:N", title="产业链"), "chain:N"
    chart = (
        alt.Chart(long.to_pandas())
        .mark_line(point=True)
        .encode(
            x=alt.X("snapshot_id:O", title="快照", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title="完整度", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=color,
            detail=series,
            tooltip=[alt.Tooltip("snapshot_id:O", title="快照"), alt.Tooltip("when:N", title="时间"), alt.Tooltip("chain:N", title="产业链"), alt.Tooltip("value:Q", title="完整度", format=".1%")],
        )
        .properties(height=300)
    )
    st.altair_chart(chart, width="stretch")


def _history_section() -> None:
    if not snaps:
        st.info("还没有快照：用 `indmap ingest 数据集` 导入数据时会自动记录（已有数据可运行 `indmap history --record` 补记一次）。", icon=":material/history:")
        return
    ids = [s.id for s in snaps]
    chain_names = names(c.view, "chains") if not c.empty else {}
    chains = chain_options(c.view) if not c.empty else []
    top = st.columns([2, 2, 2])
    to_id = top[1].selectbox("比较到（后）", list(reversed(ids)), format_func=_label, key="hs_to")
    earlier = [i for i in reversed(ids) if i < to_id]
    from_id = top[0].selectbox("从（前）", earlier, format_func=_label, key="hs_from") if earlier else None
    chain_id = top[2].selectbox("产业链", [None, *chains], format_func=lambda x: "全部产业链" if x is None else chain_names.get(x, x), key="hs_chain")
    try:
        res = history(ws, from_id, to_id, chain_id)
    except (ValueError, WorkspaceError) as exc:
        st.error(str(exc))
        return
    for w in res.warnings:
        st.warning(w, icon=":material/info:")
    m = st.columns(5)
    for i, key in enumerate(("healed", "worsened", "persistent", "new", "removed")):
        m[i].metric(LIST_ZH[key], len(getattr(res, key)) if from_id is not None else "—")
    st.markdown("**产业链完整度（末级环节覆盖率）随快照的变化**")
    _completeness_chart(res, chain_names, chain_id)
    if from_id is None:
        return
    tabs = st.tabs([f"{LIST_ZH[k]}（{len(getattr(res, k))}）" for k in LIST_ZH])
    frames = {}
    for tab, key in zip(tabs, LIST_ZH):
        frames[LIST_ZH[key]] = history_sheet(getattr(res, key))
        df = _rows_frame(getattr(res, key))
        with tab:
            if df.height:
                st.dataframe(df, column_config=ROW_COLUMNS, hide_index=True, width="stretch")
            else:
                st.caption("没有。")
    if res.persistent:
        top_gap = min(res.persistent, key=lambda r: (r.first_seen, -(r.priority_after or 0), r.segment_id))
        page_link("targets", f"为持续最久（{top_gap.first_seen} 起）、优先级最高的缺口「{top_gap.segment_name}」找招商目标", icon=":material/person_search:", params={"segment": top_gap.segment_id, "chain": top_gap.chain_id})
    st.download_button(
        "导出变化清单（Excel）",
        data=lambda: to_xlsx_bytes(frames, info=provenance_rows(c.meta, 比较前=_label(from_id), 比较后=_label(to_id), 产业链=chain_id or "全部", 提示="；".join(res.warnings) or "—")),
        file_name=f"变化_{from_id}_{to_id}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:", on_click="ignore", key="hs_xlsx",
    )


def _park_section() -> None:
    st.subheader("园区指标趋势")
    if c.empty or c.view.park_stats.height == 0:
        st.info("没有园区期间指标（park_stats.csv）。")
        return
    pts = park_trends(c.view, c.analysis)
    if not pts:
        st.info("园区期间指标的期间格式无法识别（应为 2024、2024-H1、2024-Q2 或 2024-05）。")
        return
    df = pl.DataFrame([p.model_dump() for p in pts])
    park_names = names(c.view, "parks")
    kinds = [k for k in KIND_ZH if k in set(df.get_column("kind").to_list())]
    top = st.columns([3, 2, 2])
    latest = df.filter((pl.col("kind") == kinds[0]) & (pl.col("kpi") == "revenue")).sort("order").group_by("park_id").agg(pl.col("value").last()).sort("value", descending=True, nulls_last=True)
    own = set(own_park_ids(c.view, c.analysis))  # peer parks of other cities can be added, but start with the city's own
    default = [p for p in latest.get_column("park_id").to_list() if p in own][:6]
    parks = top[0].multiselect("园区", sorted(park_names), default=[p for p in default if p in park_names], format_func=lambda p: park_names.get(p) or p, key="hs_parks")
    kpi = top[1].selectbox("指标", list(KPI_ZH), format_func=KPI_ZH.get, key="hs_kpi")
    kind = top[2].selectbox("期间", kinds, format_func=KIND_ZH.get, key="hs_kind")
    sub = df.filter(pl.col("park_id").is_in(parks) & (pl.col("kpi") == kpi) & (pl.col("kind") == kind)).with_columns(pl.col("park_id").replace_strict(park_names, default=pl.col("park_id")).alias("park"))
    if not sub.height:
        st.caption("所选园区在该期间没有数据。")
        return
    order = sub.sort("order").get_column("period").unique(maintain_order=True).to_list()
    chart = (
        alt.Chart(sub.drop_nulls("value").to_pandas())
        .mark_line(point=True)
        .encode(
            x=alt.X("period:O", sort=order, title="期间", axis=alt.Axis(labelAngle=0)),
            y=alt.Y("value:Q", title=f"{KPI_ZH[kpi]}（万元）", axis=alt.Axis(format=",.0f")),
            color=alt.Color("park:N", title="园区"),
            tooltip=[alt.Tooltip("park:N", title="园区"), alt.Tooltip("period:O", title="期间"), alt.Tooltip("value:Q", title="万元", format=",.1f"), alt.Tooltip("growth:Q", title="增速", format=".1%")],
        )
        .properties(height=320)
    )
    st.altair_chart(chart, width="stretch")
    wide = sub.sort("order").select("park", "period", pl.struct("value", "growth").alias("v"))
    table = []
    for p in wide.get_column("park").unique(maintain_order=True).to_list():
        cells = {r["period"]: _cell(r["v"]) for r in wide.filter(pl.col("park") == p).iter_rows(named=True)}
        table.append({"园区": p, **{per: cells.get(per, "无数据") for per in order}})
    st.dataframe(pl.DataFrame(table), hide_index=True, width="stretch")
    st.caption(f"{KPI_ZH[kpi]}；括号内为较上一期（同类期间）的增速；上一期缺失或为 0 时不计增速。")
    page_link("parks", "园区详情（图谱、同质化、主导产业）", icon=":material/factory:")


def _cell(v: dict) -> str:
    if v["value"] is None:
        return "无数据"
    return money(v["value"]) + ("" if v["growth"] is None else f"（{pct(v['growth'])}）")


_history_section()
st.divider()
_park_section()
st.caption(f"快照保存在工作区 {server_path(ws.path)}，重新导入不会删除。")
