"""园区: a park's own chain map, enterprises, KPIs with growth, its place in the province-wide 十强/十快 and
per-mu figures, overlap with other parks, concentration, cohesion (关联性) and chain coverage."""

from __future__ import annotations

import polars as pl
import streamlit as st

from graph.i18n import BASIS_ZH, GRADE_ZH, PARK_LEVEL_LONG_ZH, money, pct
from reports.fmt import provenance_rows
from reports.sheets import PARK_ENTERPRISE_COLS, PARK_STAT_COLS, chains_sheet, cohesion_sheet, concentration_sheet, frame_sheet, gaps_sheet, overlap_sheet, ranking_sheets
from webapp import cached
from webapp.auth import current
from webapp.context import ctx, require_data
from webapp.export import to_xlsx_bytes
from webapp.frames import chain_columns, chain_frame, enterprise_columns, enterprise_table
from webapp.graphviz import assets_mode, chain_legend, chain_network, render_network, show_html
from webapp.lookups import chain_options, leading_enterprises, names, park_focus_chain
from webapp.network_component import clickable_network
from webapp.markdown import md
from webapp.pages import PAGES, may_open, page_link
from webapp.park_ranking import own_park_ids
from webapp.park_sections import cohesion_section, overlap_section, ranking_section
from webapp.sidebar import show_params
from webapp.widgets import synced_select

c = ctx()
st.title("园区")
view = require_data(c, scoped=True)  # on Neo4j the scoped view (webapp/neo4j_view.py)
if view.parks.height == 0:
    st.info("数据中没有园区（parks.csv）。导入含园区的数据集后再查看。")
    st.stop()

park_names = names(view, "parks")
acc = current()
own = own_park_ids(view, c.analysis)  # peer parks of other cities appear in the ranking only
if not acc.parks(own):  # a park account whose park is gone from the data (or is a peer park of another city)
    st.error(f"本账号的园区 {acc.park_id} 不在当前数据的本市园区中，请管理员检查账号的园区。", icon=":material/lock:")
    st.stop()
pid = synced_select("园区", acc.parks(own), param="park", format_func=lambda p: park_names.get(p) or p, key="pk_park")
park = view.parks.filter(pl.col("id") == pid).row(0, named=True)
scope = f"park:{pid}"
ind_names = names(view, "industries")
focus = [ind_names.get(i, i) for i in (park.get("focus_industries") or [])]
area = "无数据" if park.get("area_mu") is None else f"{park['area_mu']:,.0f} 亩"
level = PARK_LEVEL_LONG_ZH.get(park.get("level") or "", "无数据")
st.caption(f"级别：{level} · 星级：{'★' * int(park['star']) if park.get('star') else '未评'} · 面积：{area}")
st.markdown(f"**申报主导产业**：{md('、'.join(focus)) if focus else '未申报'}")

# ---------------------------------------------------------------- KPIs
stats = view.park_stats.filter(pl.col("park_id") == pid).sort("period")
if stats.height:
    last = stats.row(stats.height - 1, named=True)
    prev = stats.row(stats.height - 2, named=True) if stats.height > 1 else None

    def delta(field: str) -> str | None:
        if prev is None or prev.get(field) in (None, 0) or last.get(field) is None:
            return None
        return pct(last[field] / prev[field] - 1)

    k = st.columns(4)
    k[0].metric(f"主营业务收入（{last['period']}）", money(last.get("revenue")), delta=delta("revenue"))
    k[1].metric("固定资产投资", money(last.get("fixed_investment")), delta=delta("fixed_investment"))
    k[2].metric("利润总额", money(last.get("profit")), delta=delta("profit"))
    k[3].metric("税收", money(last.get("tax")), delta=delta("tax"))
    st.caption(f"增速为 {last['period']} 较 {prev['period']}。" if prev else "只有一期指标，无法计算增速。")
else:
    st.caption("该园区没有期间指标（park_stats.csv）。")

try:
    overlap, conc, ranking = cached.parks(c)
    coh = cached.cohesion(c)
    conc, coh = acc.own_rows(conc), coh.model_copy(update={"rows": acc.own_rows(coh.rows)})  # a park account: its own row only
except ValueError as exc:  # a home_region that is not a known region
    st.error(f"{exc}（在侧栏「本市」中重新选择）", icon=":material/error:")
    st.stop()
ranking_section(ranking, pid, demo=c.demo)

# ---------------------------------------------------------------- map (scope = park)
st.subheader("园区产业链图谱")
local = view.enterprises.filter(pl.col("local").fill_null(False) & (pl.col("park_id") == pid))
seg_of = view.enterprise_segments.filter(pl.col("enterprise_id").is_in(local.get_column("id").to_list()))
seg_chain = dict(zip(view.segments.get_column("id").to_list(), view.segments.get_column("chain_id").to_list()))
present_chains = {seg_chain.get(s) for s in seg_of.get_column("segment_id").to_list()}
chains = chain_options(view)
chains = [ch for ch in chains if ch in present_chains] + [ch for ch in chains if ch not in present_chains]
chain_names = names(view, "chains")
# park and chain go together: another park opens on its own focus chain (a shared link's chain is kept
# only for the park it came with); one chain picker per park
if st.session_state.get("pk_last_park") not in (None, pid) and "chain" in st.query_params:
    del st.query_params["chain"]
st.session_state["pk_last_park"] = pid
focus_chain = park_focus_chain(view, pid, chains)
chain_id = synced_select(
    "产业链（默认为园区申报主导产业的产业链）", chains, param="chain", default=focus_chain, key=f"pk_chain__{pid}",
    format_func=lambda x: f"{chain_names.get(x) or x}{'（主导产业链）' if x == focus_chain else ''}{'' if x in present_chains else '（园区内无企业）'}",
)  # fmt: skip
res = cached.gaps(c, scope=scope, chain_id=chain_id)
by_id = {r.segment_id: r for r in res.rows}
links = [(a, b) for a, b in view.segment_links.select("from_id", "to_id").iter_rows() if a in by_id and b in by_id]
net = chain_network([r.model_dump() for r in res.rows], links, leaders=leading_enterprises(view, scope, segment_ids=list(by_id)), height=480)
mode, base = assets_mode()
note = f"{park_names[pid]} · {chain_names.get(chain_id, chain_id)} · 点击节点在「产业链图谱」中查看该环节"
if mode == "static" and may_open("chain"):
    clicked = clickable_network(net, key="park_map", legend=chain_legend(), note=note, height=480, base_url_path=base)
    if clicked:
        st.switch_page(PAGES["chain"].file, query_params={"chain": chain_id, "park": pid, "segment": clicked})
else:
    show_html(render_network(net, legend=chain_legend(), note=note, assets=mode, base_url_path=base), height=480, alt=f"{park_names[pid]}产业链图谱")
page_link("chain", "在「产业链图谱」中打开（可选环节、看目标）", icon=":material/account_tree:", params={"chain": chain_id, "park": pid})

summary = cached.chain_summary(c, scope=scope)
with st.expander("园区各产业链完整度"):
    st.dataframe(chain_frame(summary), column_config=chain_columns(), hide_index=True, width="stretch")

# ---------------------------------------------------------------- enterprises
st.subheader(f"园区企业（{local.height} 家）")
seg_names = names(view, "segments")
seg_list = seg_of.group_by("enterprise_id").agg(pl.col("segment_id").replace_strict(seg_names, default=pl.col("segment_id")).sort().alias("segments"))
ent = (
    local.join(seg_list, left_on="id", right_on="enterprise_id", how="left")
    .select("id", "name", "segments", "revenue", "employees", "growth", "qualifications", pl.col("pollution").replace(GRADE_ZH), pl.col("energy").replace(GRADE_ZH))
    .sort(["revenue", "id"], descending=[True, False], nulls_last=True)
)
st.dataframe(enterprise_table(ent), hide_index=True, width="stretch", column_config=enterprise_columns(),
             column_order=["name", "segments", "revenue", "employees", "growth", "qualifications", "pollution", "energy", "id"])  # fmt: skip

# ---------------------------------------------------------------- overlap, concentration, cohesion
pairs = overlap.pairs
overlap_section(overlap, own, pid, park_names, seg_names)

st.subheader("主导产业突出度")
mine_c = next((r for r in conc if r.park_id == pid), None)
if mine_c is not None:
    a, b = st.columns(2)
    a.metric("第一大产业占比", pct(mine_c.top_share), help=f"第一大产业：{mine_c.top_industry_name or '—'}")
    b.metric("申报主导产业占比", pct(mine_c.focus_share))
    for f in mine_c.flags:
        st.warning(f, icon=":material/flag:")
    if not mine_c.flags:
        st.success("主导产业突出。")
cf = pl.DataFrame(
    [
        {"park_name": r.park_name or r.park_id, "basis": BASIS_ZH.get(r.basis, r.basis), "total": money(r.total) if r.basis == "revenue" else (f"{r.total:.0f} 家" if r.total is not None else "无数据"),
         "top_industry_name": r.top_industry_name or "无数据", "top_share": r.top_share, "focus_industries": "、".join(ind_names.get(i, i) for i in (r.focus_industries or [])) or "未申报",
         "focus_share": r.focus_share, "flagged": bool(r.flags), "flags": "；".join(r.flags) or "—"}
        for r in conc
    ],
    schema={"park_name": pl.Utf8, "basis": pl.Utf8, "total": pl.Utf8, "top_industry_name": pl.Utf8, "top_share": pl.Float64, "focus_industries": pl.Utf8, "focus_share": pl.Float64, "flagged": pl.Boolean, "flags": pl.Utf8},
)  # fmt: skip
with st.expander("全部园区的主导产业突出度" if acc.park_id is None else "本园区的主导产业突出度"):
    st.dataframe(cf, hide_index=True, width="stretch", column_config={
        "park_name": "园区", "basis": "口径", "total": "合计", "top_industry_name": "第一大产业",
        "top_share": st.column_config.ProgressColumn("第一大产业占比", min_value=0.0, max_value=1.0, format="percent"), "focus_industries": "申报主导产业",
        "focus_share": st.column_config.ProgressColumn("主导产业占比", min_value=0.0, max_value=1.0, format="percent"), "flagged": st.column_config.CheckboxColumn("预警"), "flags": "说明"})  # fmt: skip

cohesion_section(coh, pid)

# ---------------------------------------------------------------- actions
st.divider()
a1, a2 = st.columns(2)
a1.download_button(
    "导出园区报告（Excel）",
    data=lambda: to_xlsx_bytes(
        {
            "企业": frame_sheet(ent, PARK_ENTERPRISE_COLS),
            "产业链完整度": chains_sheet(summary, seg_names),
            f"{chain_names.get(chain_id, chain_id)}环节": gaps_sheet(res.rows),
            "同质化": overlap_sheet(pairs, seg_names),
            "主导产业": concentration_sheet(conc),
            "园区指标": frame_sheet(stats, PARK_STAT_COLS),
        }
        | ranking_sheets(ranking)
        | {"区内关联性": cohesion_sheet(coh.rows)},
        settings=c.analysis.model_dump(),
        info=provenance_rows(c.meta, 园区=f"{park_names.get(pid, pid)}（{pid}）"),
    ),
    file_name=f"园区_{pid}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
    on_click="ignore",
    key="park_xlsx",
    width="stretch",
)
with a2:
    page_link("projects", "本园区的招商项目", icon=":material/assignment:", params={"park": pid})
show_params(c.analysis, keys=["overlap_threshold", "concentration_threshold", "focus_share_threshold", "cohesion_threshold", "home_region", "park_ranking_weights", "above_scale_revenue", "weak_min_count"])
