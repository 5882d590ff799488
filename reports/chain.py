"""产业链招商报告 (one chain) and 全市产业链报告 (one page per chain): content only.

Every number comes from the analysis functions the app and the CLI call
(:func:`graph.analysis.gaps`, :func:`~graph.analysis.chain_summary`,
:func:`~graph.analysis.targets`, :func:`~graph.analysis.project_report`); this
module only chooses what to show and writes it for people.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

from graph.analysis import chain_summary, gaps, project_report, weakest_first
from graph.analysis.target_batch import targets_many
from graph.analysis.results import ChainRow, FillRow, GapRow, TargetResult, TargetRow
from graph.settings import AnalysisSettings
from graph.i18n import coverage_basis
from graph.view import GraphView
from reports import fmt
from reports.chainmap import chain_map_png
from reports.model import Heading, Image, PageBreak, Para, Report, Table

TOP_TARGETS = 5
TARGET_GAPS = ("broken", "missing")  # segments whose targets the report lists
# settings that do not bear on a chain's gaps and targets (parks, projects)
NOT_CHAIN_SETTINGS = frozenset(
    ["overlap_threshold", "concentration_threshold", "focus_share_threshold", "stall_days", "intensity_min", "output_per_mu_min", "tax_per_mu_min"]
)
NUMERALS = "一二三四五六七八九十"


@dataclass
class ChainData:
    """The analysis results one chain's pages are written from."""

    chain_id: str
    chain_name: str
    scope: str
    summary: ChainRow | None
    rows: list[GapRow]
    links: list[tuple[str, str]]
    targets: dict[str, TargetResult]
    fills: list[FillRow]
    warnings: list[str]
    settings: dict[str, Any]


def scope_zh(view: GraphView, scope: str) -> str:
    """``全市`` / ``园区 示例高新区`` / ``区县 东城区``."""
    from graph.analysis.scope import Scope

    sc = Scope.parse(scope)
    if sc.kind == "city":
        return "全市"
    if sc.kind == "park":
        hit = view.parks.filter(view.parks["id"] == sc.value)
        return f"园区 {hit.item(0, 'name') if hit.height else sc.value}"
    hit = view.regions.filter(view.regions["code"] == sc.value)
    return f"区县 {hit.item(0, 'name') if hit.height else sc.value}"


def chain_data(view: GraphView, settings: AnalysisSettings, chain_id: str, *, scope: str = "city", as_of: dt.date | None = None,
               summaries: list[ChainRow] | None = None, fills: list[FillRow] | None = None, top: int | None = None,
               pools: Callable[[str], GraphView] | None = None) -> ChainData:
    """Run the analysis for one chain (gaps, summary, targets of its broken and missing segments, fills).

    ``top``: rows (with reasons) for the first ``top`` targets of each segment only (all when None).
    ``pools``: segment id -> the view to rank that segment's targets on (on Neo4j the scoped view plus
    the segment's candidate pool, :func:`webapp.neo4j_view.pool_view`); ``view`` itself when None.
    """
    known = set(view.chains.get_column("id").to_list())
    if chain_id not in known:
        raise ValueError(f"没有产业链 {chain_id!r}；可用：{', '.join(sorted(known))}")
    res = gaps(view, settings, scope=scope, chain_id=chain_id)
    summaries = summaries if summaries is not None else chain_summary(view, settings, scope=scope)
    summary = next((s for s in summaries if s.chain_id == chain_id), None)
    ids = {r.segment_id for r in res.rows}
    links = [(a, b) for a, b in view.segment_links.select("from_id", "to_id").iter_rows() if a in ids and b in ids]
    targeted = [r.segment_id for r in res.rows if r.label in TARGET_GAPS]
    plan_pools(pools, targeted)
    tres = rank_segments(view, settings, targeted, scope=scope, top=top, pools=pools)
    if fills is None:
        fills = project_report(view, settings, as_of=as_of).fills if view.projects.height else []
    name = (summary.chain_name if summary else None) or next((r.chain_name for r in res.rows if r.chain_name), None) or chain_id
    return ChainData(chain_id, name, scope, summary, list(res.rows), links, tres, [f for f in fills if f.chain_id == chain_id], list(res.warnings), res.settings)


def rank_segments(view: GraphView, settings: AnalysisSettings, segment_ids: list[str], *, scope: str = "city", top: int | None = None,
                  pools: Callable[[str], GraphView] | None = None) -> dict[str, TargetResult]:
    """Segment id -> its targets (:func:`graph.analysis.targets.targets`), ranked a group of segments at a time
    (:func:`graph.analysis.target_batch.targets_many`): all on ``view`` when ``pools`` is None; the segments of one
    batch of :class:`reports.pools.SegmentPools` on that batch's view; each on its own view for another callable.
    A batch's view is asked for once its segments are ranked, so no two batches are held at once.
    """
    key = (lambda _s: 0) if pools is None else getattr(pools, "batch_of", lambda s: s)
    groups: dict[Any, list[str]] = {}
    for s in segment_ids:
        groups.setdefault(key(s), []).append(s)
    ranked: dict[str, TargetResult] = {}
    for group in groups.values():
        on = view if pools is None else pools(group[0])
        ranked |= targets_many(on, settings, group, scope=scope, top=top)
        del on
    return {s: ranked[s] for s in segment_ids}


def plan_pools(pools: Callable[[str], GraphView] | None, segment_ids: list[str]) -> None:
    """Tell ``pools`` which segments will be asked, in order, when it reads them in batches
    (:class:`reports.pools.SegmentPools`); nothing for a plain callable or None."""
    plan = getattr(pools, "plan", None)
    if plan is not None:
        plan(segment_ids)


def targeted_segments(view: GraphView, settings: AnalysisSettings, chain_ids: list[str], scope: str = "city") -> list[str]:
    """The broken and missing segments of these chains, in the order their pages rank their targets."""
    return [r.segment_id for cid in chain_ids for r in gaps(view, settings, scope=scope, chain_id=cid).rows if r.label in TARGET_GAPS]


# ------------------------------------------------------------------ pieces


def reasons_once(r: GapRow) -> str:
    """The label reason and the factor reasons, each text once, in order."""
    seen: list[str] = []
    for text in [r.label_reason, *r.reasons]:
        if text and text not in seen:
            seen.append(text)
    return "；".join(seen)


def gap_rows(data: ChainData) -> list[GapRow]:
    """The chain's gaps (broken, missing, weak) in priority order."""
    return [r for r in data.rows if r.priority is not None]


def _map_image(data: ChainData, font_path: str, *, max_height_cm: float, caption: str) -> Image:
    png, w, h = chain_map_png([r.model_dump() for r in data.rows], data.links, font_path=font_path, max_height_cm=max_height_cm)
    return Image(png, w, h, caption)


def summary_sentence(data: ChainData) -> str:
    s = data.summary
    if s is None:
        return "本链没有环节数据。"
    c = s.counts
    return (
        f"全链 {s.segment_count} 个环节（末级 {s.leaf_count} 个，本地已有 {s.present_leaf_count} 个），"
        f"完整度 {fmt.pct(s.completeness)}（关键环节加权 {fmt.pct(s.completeness_key_weighted)}）；"
        f"强链 {c.get('strong', 0)} 个、弱链 {c.get('weak', 0)} 个、断链 {c.get('broken', 0)} 个、缺链 {c.get('missing', 0)} 个。"
    )


def summary_table(data: ChainData) -> Table:
    s = data.summary
    rows = []
    if s is not None:
        rows = [
            ["环节数", f"{s.segment_count}个"],
            ["末级环节（本地已有/全部）", f"{s.present_leaf_count}/{s.leaf_count}个"],
            ["完整度", fmt.pct(s.completeness)],
            ["完整度（关键环节加权）", fmt.pct(s.completeness_key_weighted)],
        ]
        rows += [[fmt.GAP_LABEL_ZH[k], f"{s.counts.get(k, 0)}个"] for k in ("strong", "weak", "broken", "missing")]
    return Table(["指标", "数值"], rows, widths=[3, 2], align=["L", "R"])


def gaps_table(data: ChainData) -> Table:
    rows = []
    for i, r in enumerate(gap_rows(data), start=1):
        rows.append([
            str(i), r.segment_name or r.segment_id, fmt.SEGMENT_STAGE_ZH.get(r.stage or "", fmt.MISSING), r.label_zh + ("（关键）" if r.key else ""),
            fmt.score(r.priority), f"{r.local_count}家", f"{r.candidate_count}家", reasons_once(r),
        ])
    return Table(["序号", "环节", "位置", "标签", "补链优先级", "本地企业", "外地候选", "理由"], rows,
                 widths=[1, 3.2, 1.2, 2.7, 1.6, 1.5, 1.5, 7.3], align=["C", "L", "C", "C", "R", "R", "R", "L"], empty="本链没有缺口环节")


def coverage_text(t: TargetRow) -> str | None:
    """``依据 5/6 项`` when the ranking reports coverage per factor (issue 10), else the weighted share, else None."""
    per = getattr(t, "factor_coverage", None)
    if per:
        return coverage_basis(per)
    cov = getattr(t, "coverage", None)
    return None if cov is None else f"依据 {fmt.pct(cov, 0)}"


def targets_table(res: TargetResult, top: int = TOP_TARGETS) -> Table:
    ranked = [t for t in res.rows if t.rank is not None][:top]
    with_cov = any(coverage_text(t) is not None for t in ranked)
    headers = ["名次", "企业", "省份", "营收", "得分"] + (["数据依据"] if with_cov else []) + ["理由"]
    rows = []
    for t in ranked:
        row = [str(t.rank), t.name or t.enterprise_id, t.province or fmt.MISSING, fmt.money(t.revenue), fmt.score(t.score)]
        if with_cov:
            row.append(coverage_text(t) or fmt.MISSING)
        rows.append(row + ["；".join(t.reasons)])
    widths = [1, 3.4, 1.3, 1.7, 1.1] + ([1.5] if with_cov else []) + [8]
    return Table(headers, rows, widths=widths, align=["C", "L", "C", "R", "R"] + (["C"] if with_cov else []) + ["L"], empty="暂无可推荐的外地企业")


def pool_sentence(res: TargetResult) -> str:
    parts = [f"外地候选企业 {res.pool_size} 家"]
    removed = {**res.gate_removed, **res.filter_removed}
    for k, n in removed.items():
        if n:
            what = fmt.GATE_ZH.get(k) or fmt.FILTER_ZH.get(k, k)
            parts.append(f"排除{what} {n} 家" if k in fmt.GATE_ZH else f"按{what}筛除 {n} 家")
    parts.append(f"参与排名 {res.ranked_size} 家")
    piped = [t for t in res.rows if t.in_pipeline]
    if piped:
        parts.append("已在项目库：" + "、".join(t.name or t.enterprise_id for t in piped))
    return "，".join(parts) + "。"


def fills_table(fills: list[FillRow]) -> Table:
    # the 编号 is what a target's reason names (已在项目库（洽谈：PJ017）)
    rows = [[f.project_id, f.name or f.project_id, fmt.PROJECT_STAGE_ZH.get(f.stage, f.stage), f.segment_name or f.segment_id,
             f.label_zh or fmt.MISSING, fmt.score(f.priority)] for f in fills]
    return Table(["编号", "项目", "阶段", "补链环节", "环节现状", "补链优先级"], rows, widths=[1.3, 4.6, 1.2, 3.0, 1.5, 1.6],
                 align=["L", "L", "C", "L", "C", "R"], empty="本链暂无补链项目")


def settings_table(settings: dict[str, Any], exclude: frozenset[str] = NOT_CHAIN_SETTINGS) -> Table:
    keys = [k for k in settings if k not in exclude]
    return Table(["参数", "取值"], fmt.settings_rows(settings, keys), widths=[4, 2], align=["L", "R"])


def provenance_table(view: GraphView, **extra: str) -> Table:
    return Table(["项目", "内容"], fmt.provenance_rows(view.meta or {}, **extra), widths=[1.5, 5])


def header_lines(view: GraphView, scope_text: str, extra: str = "") -> list[str]:
    line = f"范围：{scope_text}　数据日期：{fmt.data_date(view.meta or {})}　生成日期：{dt.date.today().isoformat()}"
    return [line + (f"　{extra}" if extra else "")]


def demo_blocks(view: GraphView) -> list[Para]:
    return [Para(fmt.DEMO_NOTICE, "alert")] if fmt.is_demo(view.meta or {}) else []


# ------------------------------------------------------------------ reports


def chain_report(view: GraphView, settings: AnalysisSettings, chain_id: str, *, scope: str = "city", font_path: str,
                 as_of: dt.date | None = None, top: int = TOP_TARGETS, pools: Callable[[str], GraphView] | None = None) -> Report:
    """产业链招商报告: map, completeness and labels, gaps, top targets of broken and missing segments, fills, settings.

    ``pools`` as in :func:`chain_data` (on Neo4j ``view`` is the scoped view and each segment's targets rank on its pool).
    """
    data = chain_data(view, settings, chain_id, scope=scope, as_of=as_of, top=top, pools=pools)
    where = scope_zh(view, scope)
    rep = Report(f"{data.chain_name}招商报告", header_lines(view, where))
    rep.add(*demo_blocks(view))
    n = iter(NUMERALS)
    rep.add(Heading(f"{next(n)}、产业链图谱"), _map_image(data, font_path, max_height_cm=17.0, caption=f"图1　{data.chain_name}（{where}）：颜色为环节现状，节点越大本地企业越多"))
    for w in data.warnings:
        rep.add(Para(f"注：{w}", "note"))
    rep.add(Heading(f"{next(n)}、完整度与环节现状"), Para(summary_sentence(data)), summary_table(data))
    gl = gap_rows(data)
    rep.add(Heading(f"{next(n)}、缺口清单（按补链优先级）"),
            Para(f"共 {len(gl)} 个缺口环节：断链 {sum(r.label == 'broken' for r in gl)} 个、缺链 {sum(r.label == 'missing' for r in gl)} 个、弱链 {sum(r.label == 'weak' for r in gl)} 个。"),
            gaps_table(data))
    rep.add(Heading(f"{next(n)}、断链与缺链环节的推荐招商目标（每环节前 {top} 名）"))
    targeted = [r for r in gl if r.label in TARGET_GAPS]
    if not targeted:
        rep.add(Para("本链没有断链或缺链环节。"))
    for r in targeted:
        res = data.targets[r.segment_id]
        rep.add(Heading(f"{r.segment_name or r.segment_id}（{r.label_zh}，补链优先级 {fmt.score(r.priority)}）", 2), Para(pool_sentence(res), "note"), targets_table(res, top))
    rep.add(Heading(f"{next(n)}、补链项目"), fills_table(data.fills))
    rep.add(Heading(f"{next(n)}、参数"), settings_table(data.settings))
    rep.add(Heading(f"{next(n)}、数据说明"), provenance_table(view, 范围=where))
    return rep


def top_target_text(res: TargetResult) -> str:
    """The first ranked target with its score; without one, why: the candidates already in the project
    pipeline, all excluded by the gates and filters, or none at all.

    >>> from graph.analysis.results import TargetResult, TargetRow
    >>> top_target_text(TargetResult(segment_id="S", scope="city", settings={}, pool_size=0))
    '暂无外地候选'
    >>> top_target_text(TargetResult(segment_id="S", scope="city", settings={}, pool_size=3))
    '外地候选 3 家均被排除'
    >>> top_target_text(TargetResult(segment_id="S", scope="city", settings={}, pool_size=1, ranked_size=1,
    ...                 rows=[TargetRow(enterprise_id="E1", name="福斯特", score=40.0, in_pipeline=True)]))
    '无新目标（已在项目库：福斯特）'
    """
    first = next((t for t in res.rows if t.rank is not None), None)
    if first is not None:
        return f"{first.name or first.enterprise_id}（{fmt.score(first.score)}分）"
    piped = [t.name or t.enterprise_id for t in res.rows if t.in_pipeline]
    if piped:
        return f"无新目标（已在项目库：{'、'.join(piped)}）"
    return f"外地候选 {res.pool_size} 家均被排除" if res.pool_size else "暂无外地候选"


def city_chain_table(data: ChainData) -> Table:
    """One row per gap: segment, label, priority, the top target (broken and missing segments)."""
    rows = []
    for r in gap_rows(data):
        top = ""
        if r.segment_id in data.targets:
            top = top_target_text(data.targets[r.segment_id])
        rows.append([r.segment_name or r.segment_id, r.label_zh + ("（关键）" if r.key else ""), fmt.score(r.priority), f"{r.local_count}家", top or "—"])
    return Table(["缺口环节", "标签", "补链优先级", "本地企业", "首选招商目标（得分）"], rows, widths=[3.2, 1.8, 1.6, 1.4, 5],
                 align=["L", "C", "R", "R", "L"], empty="本链没有缺口环节")


def city_chain_order(view: GraphView, summaries: list[ChainRow]) -> list[str]:
    """The city report's chains as 总览 lists them (by category, the weakest first within each); a chain
    without a summary row after them, in data order."""
    seen = [r.chain_id for r in weakest_first(summaries)]
    known = set(seen)
    return seen + [c for c in view.chain_order() if c not in known]


def city_report(view: GraphView, settings: AnalysisSettings, *, scope: str = "city", font_path: str, as_of: dt.date | None = None,
                pools: Callable[[str], GraphView] | None = None) -> Report:
    """全市产业链招商报告: an overview table, then one page per chain (map, completeness, gaps with the top target).

    ``pools`` as in :func:`chain_data`. The chain maps are drawn on one thread of their own (the only one
    drawing: matplotlib is not thread-safe) while the next chain's analysis runs (mostly in polars,
    which releases the GIL); the pages keep the chain order.
    """
    where = scope_zh(view, scope)
    summaries = chain_summary(view, settings, scope=scope)
    fills = project_report(view, settings, as_of=as_of).fills if view.projects.height else []
    by_id = {s.chain_id: s for s in summaries}
    order = city_chain_order(view, summaries)
    rep = Report("全市产业链招商报告", header_lines(view, where))
    rep.add(*demo_blocks(view))
    rows = []
    for cid in order:
        s = by_id.get(cid)
        if s is None:
            continue
        rows.append([s.chain_name or cid, f"{fmt.CATEGORY_ZH.get(s.category or '', fmt.MISSING)}", fmt.pct(s.completeness),
                     *[str(s.counts.get(k, 0)) for k in ("strong", "weak", "broken", "missing")]])
    rep.add(Heading("一、产业链总览"), Table(["产业链", "类别", "完整度", "强链", "弱链", "断链", "缺链"], rows,
                                        widths=[5, 1.2, 1.4, 1, 1, 1, 1], align=["L", "C", "R", "R", "R", "R", "R"], empty="没有产业链"))
    rep.add(Para("以下每页一条产业链：图谱、完整度与各缺口环节的首选招商目标。", "note"))
    if getattr(pools, "plan", None) is not None:  # every chain's pools known up front: read them a batch at a time
        plan_pools(pools, targeted_segments(view, settings, order, scope))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chain-map") as painter:  # maps drawn while the next chain is analysed
        pages = []
        for cid in order:
            data = chain_data(view, settings, cid, scope=scope, as_of=as_of, summaries=summaries, fills=fills, top=1, pools=pools)  # the first target of each gap
            pages.append((Heading(data.chain_name), Para(summary_sentence(data)), painter.submit(_map_image, data, font_path, max_height_cm=11.5, caption=""),
                          city_chain_table(data)))
        for heading, sentence, picture, table in pages:
            rep.add(PageBreak(), heading, sentence, picture.result(), table)
    rep.add(PageBreak(), Heading("参数"), settings_table(settings.model_dump()), Heading("数据说明"), provenance_table(view, 范围=where))
    return rep
