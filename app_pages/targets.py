"""招商目标: ranked candidate enterprises for a segment, adjustable weights, gates, filters; export; add to what-if."""

from __future__ import annotations

import streamlit as st

from graph.i18n import PROJECT_STAGE_ZH, SEGMENT_STAGE_ZH, TARGET_FACTOR_ZH
from graph.settings import TargetWeights
from reports.fmt import provenance_rows
from reports.sheets import targets_sheet
from webapp import cached
from webapp.basket import add_to_basket, basket
from webapp.context import ctx, require_data
from webapp.neo4j_view import candidate_filters
from webapp.export import export_buttons
from webapp.company import company_link
from webapp.frames import TARGET_PAGE_SIZES, coverage_text, target_columns, target_frame
from webapp.leads import author_input, create_lead, current_author, lead_link, open_leads_index
from webapp.lookups import chain_options, names
from webapp.markdown import label_badge, md
from webapp.pages import page_link
from webapp.sidebar import TARGET_STATE, show_params
from webapp.widgets import scope_picker, scope_zh, synced_select

FILTER_ZH = {"province": "省份不符", "listed_only": "非上市", "min_revenue": "营收不足或无数据", "qualifications": "资质不符", "min_coverage": "数据覆盖不足"}

c = ctx()
st.title("招商目标")
st.caption(
    "外地企业按规模、创新、与本地企业的供需关联（以商招商）、业务契合、成长、绿色六个因素加权排序；高污染、高耗能企业默认排除。"
    "没有数据的因素不按 0 分计，而取中性值（默认 0.5），「数据覆盖」说明得分有多少有数据支撑。"
)
view = require_data(c, scoped=True)  # on Neo4j the scoped view (webapp/neo4j_view.py)

chain_names = names(view, "chains")
seg = view.segments
seg_chain = dict(zip(seg.get_column("id").to_list(), seg.get_column("chain_id").to_list()))

# arriving from a gap link: ?segment=ID sets the chain too; without one, start at the top gap that has candidates
if not st.query_params.get("segment") and "tg_segment" not in st.session_state:
    first = next((r for r in cached.gaps(c).rows if r.priority is not None and r.candidate_count > 0), None)
    if first is not None:
        st.query_params["segment"] = first.segment_id
want_seg = st.query_params.get("segment")
if want_seg in seg_chain and st.session_state.get("tg_chain_init") != want_seg:
    st.session_state["qp__chain_tg"] = seg_chain[want_seg]
    st.session_state["tg_chain_init"] = want_seg

top = st.columns([2, 3, 3])
chain_id = synced_select("产业链", chain_options(view), param="chain", format_func=lambda x: chain_names.get(x) or x, container=top[0], key="qp__chain_tg")
with top[2]:
    scope = scope_picker(view, key="tg_scope")
gap_rows = cached.gaps(c, scope=scope, chain_id=chain_id).rows  # sorted by priority, strong last
by_id = {r.segment_id: r for r in gap_rows}
seg_id = synced_select(
    "环节（按补链优先级排序）",
    [r.segment_id for r in gap_rows],
    param="segment",
    format_func=lambda s: f"{by_id[s].segment_name}（{by_id[s].label_zh}{'，优先级 %.0f' % by_id[s].priority if by_id[s].priority is not None else ''}）",
    container=top[1],
    key="tg_segment",
)
if seg_id is None:
    st.info("该产业链没有环节。")
    st.stop()
g = by_id[seg_id]

# ---------------------------------------------------------------- weights, gates, filters
base = c.analysis
tw_keys = {f: f"set__tw__{f}" for f in TARGET_FACTOR_ZH}


def _sync_target_settings() -> None:
    st.session_state[TARGET_STATE] = {
        "target_weights": {f: float(st.session_state[k]) for f, k in tw_keys.items()},
        "gate_high_pollution": bool(st.session_state["set__tw__gate_pollution"]),
        "gate_high_energy": bool(st.session_state["set__tw__gate_energy"]),
    }


for f, k in tw_keys.items():
    st.session_state.setdefault(k, float(getattr(base.target_weights, f)))
st.session_state.setdefault("set__tw__gate_pollution", base.gate_high_pollution)
st.session_state.setdefault("set__tw__gate_energy", base.gate_high_energy)

left, right = st.columns([1, 3], gap="medium")
with left:
    with st.container(border=True):
        st.markdown("**因素权重**")
        for f, zh in TARGET_FACTOR_ZH.items():  # label and help from the settings' own field metadata
            st.slider(zh, 0.0, 1.0, step=0.05, key=tw_keys[f], on_change=_sync_target_settings, help=TargetWeights.model_fields[f].description)
        st.markdown("**硬门槛**")
        st.toggle("排除高污染企业", key="set__tw__gate_pollution", on_change=_sync_target_settings)
        st.toggle("排除高耗能企业", key="set__tw__gate_energy", on_change=_sync_target_settings)
    with st.container(border=True):
        st.markdown("**筛选**")
        provinces, quals_all = candidate_filters(view)  # every candidate's (on Neo4j collected by the server)
        province = st.selectbox("省份", ["（全部）"] + provinces, key="tg_province")
        listed_only = st.toggle("只看上市公司", key="tg_listed")
        min_rev = st.number_input("最低营收（万元）", min_value=0.0, value=0.0, step=10000.0, key="tg_min_rev")
        quals = st.multiselect("必须具备的资质", quals_all, key="tg_quals", placeholder="不限")
        st.caption(f"未知数据取值 {base.unknown_value:g}、最低数据覆盖 {base.min_coverage:.0%}：在侧栏「分析参数 · 招商目标」调整。")



def _pager(total: int, size: int, key: str, first: int, last: int) -> None:
    """「共 N 家候选，显示第 a–b 家」 with the page number and the page size (the table shows one page)."""
    pages = max(1, -(-total // size))
    a, b, cc = st.columns([4, 1, 1], vertical_alignment="bottom")
    a.caption(f"共 {total:,} 家候选，显示第 {first:,}–{last:,} 家（按得分排序，每页 {size} 家；导出含全部）")
    if pages > 1:
        b.number_input(f"页码（共 {pages} 页）", min_value=1, max_value=pages, step=1, key=key)
    cc.selectbox("每页", TARGET_PAGE_SIZES, key="tg_page_size", on_change=lambda: st.session_state.update({key: 1}))  # a new size starts at page 1


def _lead_row(chosen: list) -> None:
    """The user's name (needed once for leads) and links to the open leads of the chosen targets."""
    a, b = st.columns([2, 3])
    if not current_author():
        author_input(a, key_suffix="_tg")
    open_leads = open_leads_index(c)
    with b:
        for t in chosen:
            lid = open_leads.get((t.enterprise_id, seg_id))
            if lid is not None:
                lead_link(lid)


query = {"scope": scope, "gates": True, "province": None if province == "（全部）" else province, "listed_only": listed_only,
         "min_revenue": min_rev or None, "quals": tuple(quals)}  # fmt: skip
# every candidate is ranked; rows and reasons are built for one page of the ranking only
page_size = int(st.session_state.get("tg_page_size", TARGET_PAGE_SIZES[0]))
page_key = f"tg_page_{seg_id}"
page_no = int(st.session_state.get(page_key, 1))
res = cached.targets(c, seg_id, top=page_size, offset=(page_no - 1) * page_size, **query)
pages = max(1, -(-res.target_count // page_size))
if page_no > pages:  # fewer targets after a filter changed: the last page
    st.session_state[page_key] = page_no = pages
    res = cached.targets(c, seg_id, top=page_size, offset=(page_no - 1) * page_size, **query)
ranked = [t for t in res.rows if t.rank is not None]
in_pipe = [t for t in res.rows if t.rank is None]

with right:
    st.markdown(f"#### {md(g.segment_name)} · {md(chain_names.get(chain_id, chain_id))} {label_badge(g.label)}")
    st.caption(
        f"{SEGMENT_STAGE_ZH.get(g.stage or '', '')} · {g.label_zh}{'' if g.priority is None else f' · 补链优先级 {g.priority:.1f}'} · "
        f"本地企业 {g.local_count} 家（{scope_zh(view, scope)}）"
    )
    removed = [f"高污染 {res.gate_removed.get('pollution', 0)} 家", f"高耗能 {res.gate_removed.get('energy', 0)} 家"]
    removed += [f"{FILTER_ZH.get(k, k)} {v} 家" for k, v in res.filter_removed.items() if v]
    st.info(f"候选池 {res.pool_size} 家外地企业；门槛与筛选排除：{'，'.join(removed)}；参与排名 {res.ranked_size} 家。", icon=":material/filter_alt:")
    tf = target_frame(ranked, PROJECT_STAGE_ZH)
    if tf.height:
        _pager(res.target_count, page_size, page_key, ranked[0].rank, ranked[-1].rank)
        event = st.dataframe(
            tf,
            column_config=target_columns(),
            column_order=["rank", "name", "province", "score", "coverage", "reasons", *[f"f_{f}" for f in TARGET_FACTOR_ZH], "revenue", "qualifications", "listed_code", "enterprise_id"],
            hide_index=True,
            width="stretch",
            height=min(36 * (tf.height + 1) + 4, 560),
            on_select="rerun",
            selection_mode="multi-row",
            key="tg_table",
        )
        picked = list(event.selection.rows) if event is not None and hasattr(event, "selection") else []
        chosen = [ranked[i] for i in picked] if picked else ranked[:1]
        label = f"把选中的 {len(chosen)} 家加入推演" if picked else f"把第 {ranked[0].rank} 名（{ranked[0].name}）加入推演"
        t = chosen[0]
        with st.container(border=True):
            st.markdown(
                f"**为什么推荐：{t.rank}\\. {md(t.name)}**（{md(t.province or '省份不详')}{'，' + md(t.listed_code) if t.listed_code else ''}）"
                f"　得分 **{t.score:.1f}**　{coverage_text(t.factor_coverage)}（数据覆盖 {t.coverage * 100:.0f}%）"
            )
            company_link(t.enterprise_id, f"{t.name or t.enterprise_id}：企业页面（所属环节、供需关系、项目、线索）")
            for f, zh in TARGET_FACTOR_ZH.items():
                v = t.factors.get(f)
                known = t.factor_coverage.get(f, 1.0)
                note = "" if known >= 1.0 else ("（无数据，取中性值）" if known <= 0.0 else "（部分无数据）")
                fc = st.columns([1, 2, 4])
                fc[0].markdown(f"{zh}")
                fc[1].progress(min(1.0, max(0.0, v or 0.0)), text=f"{(v or 0):.2f} × 权重 {res.settings.get('target_weights', {}).get(f, 0):.2f}{note}")
                fc[2].caption(t.factor_reasons.get(f, "") or "—")
        b1, b3, b2 = st.columns([2, 2, 1])
        if b1.button(label, icon=":material/science:", type="primary", key="tg_add"):
            n = sum(add_to_basket({"kind": "target", "enterprise_id": t.enterprise_id, "segment_id": seg_id, "label": f"{t.name} → {g.segment_name}"}) for t in chosen)
            st.toast(f"已加入推演 {n} 家" if n else "已在推演清单中")
        lead_label = f"为选中的 {len(chosen)} 家建线索" if picked else f"为第 {ranked[0].rank} 名建线索"
        if b3.button(lead_label, icon=":material/assignment_ind:", key="tg_lead", disabled=not current_author(), help=None if current_author() else "先在下方填写「我的名字（记录人）」"):
            for t in chosen:
                create_lead(c, enterprise_id=t.enterprise_id, enterprise_name=t.name, segment_id=seg_id, segment_name=g.segment_name, chain_id=chain_id)
        with b2:
            page_link("whatif", f"去推演（清单 {len(basket())} 项）", icon=":material/arrow_forward:")
        _lead_row(chosen)
    else:
        st.warning("没有符合条件的招商目标：放宽筛选条件，或关闭门槛查看被排除的企业。")
    if in_pipe:
        st.markdown("**已在招商项目中（签约及以后，不作为新目标）**")
        st.dataframe(target_frame(in_pipe, PROJECT_STAGE_ZH).select("name", "province", "revenue", "pipeline", "reasons"), hide_index=True, width="stretch", column_config=target_columns())
    st.markdown(f"**导出目标清单**（全部 {res.target_count:,} 家候选{f'及在途 {len(in_pipe)} 家' if in_pipe else ''}，含理由）")
    export_buttons(
        lambda: targets_sheet(cached.all_targets(c, seg_id, **query).rows), f"招商目标_{g.segment_name}", key="tg_export", settings=res.settings,
        info=provenance_rows(c.meta, 环节=f"{g.segment_name}（{seg_id}）", 范围=scope_zh(view, scope)), height=res.target_count + len(in_pipe),
    )  # fmt: skip
    show_params(res.settings, keys=["target_weights", "gate_high_pollution", "gate_high_energy", "ties_saturation", "unknown_value", "min_coverage"])
