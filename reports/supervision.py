"""督查通报: overdue projects by 责任单位, stalled projects, intensity and per-mu flags, park 十强/十快.

Numbers from :func:`graph.analysis.project_report` and
:func:`graph.analysis.park_ranking` (the app's 项目 and 园区 pages show the same).
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any, Callable

from graph.analysis import park_ranking, project_report
from graph.analysis.results import OverdueRow, ParkRanking, ProjectFlagRow, ProjectReport
from graph.settings import AnalysisSettings
from graph.view import GraphView
from reports import fmt
from reports.chain import demo_blocks, header_lines, provenance_table
from reports.model import Heading, Para, Report, Table

PROJECT_SETTINGS = ["stall_days", "intensity_min", "output_per_mu_min", "tax_per_mu_min"]


def owner_name(owner: str | None) -> str:
    return owner or "（未填写责任单位）"


def overdue_blocks(rows: list[OverdueRow]) -> list:
    """One sub-section per 责任单位 (most overdue projects first), each with its projects, days descending."""
    if not rows:
        return [Para("没有逾期项目。")]
    groups = [(o, list(g)) for o, g in groupby(sorted(rows, key=lambda r: (owner_name(r.owner), -r.days_overdue, r.project_id)), key=lambda r: owner_name(r.owner))]
    def n(group: list[OverdueRow]) -> int:  # projects, not rows: one past both planned dates is one project
        return len({r.project_id for r in group})

    groups.sort(key=lambda og: (-n(og[1]), -max(r.days_overdue for r in og[1]), og[0]))
    out: list = [Table(["责任单位", "逾期项目", "最长逾期"], [[o, f"{n(g)}项", fmt.days(max(r.days_overdue for r in g))] for o, g in groups],
                       widths=[5, 1.5, 1.5], align=["L", "R", "R"])]
    for owner, group in groups:
        out.append(Heading(f"{owner}（{n(group)}项）", 2))
        out.append(Table(
            ["项目", "阶段", "逾期事项", "计划日期", "逾期天数"],
            [[r.name or r.project_id, fmt.PROJECT_STAGE_ZH.get(r.stage, r.stage), f"计划{fmt.OVERDUE_KIND_ZH.get(r.kind, r.kind)}",
              fmt.date(r.planned), fmt.days(r.days_overdue)] for r in group],
            widths=[5.5, 1.2, 1.6, 1.8, 1.4], align=["L", "C", "C", "C", "R"],
        ))
    return out


def stalled_table(rows: list[ProjectFlagRow], stall_days: int) -> Table:
    return Table(
        ["项目", "阶段", "责任单位", "阶段日期", "无进展天数", "投资额"],
        [[r.name or r.project_id, fmt.PROJECT_STAGE_ZH.get(r.stage, r.stage), owner_name(r.owner), fmt.date(r.stage_date), fmt.days(r.days),
          fmt.money(r.investment)] for r in sorted(rows, key=lambda r: (-(r.days or 0), r.project_id))],
        widths=[4.5, 1.1, 3.5, 1.8, 1.5, 1.6], align=["L", "C", "L", "C", "R", "R"], empty=f"没有签约或开工后超过 {stall_days} 天无进展的项目",
    )


def _r1(v: float | None) -> str:
    return fmt.MISSING if v is None else f"{v:.1f}"


def intensity_table(rows: list[ProjectFlagRow]) -> Table:
    """Only the flagged projects (below a per-mu minimum)."""
    flagged = [r for r in rows if r.flags]
    return Table(
        ["项目", "阶段", "责任单位", "用地\n（亩）", "投资强度\n（万元/亩）", "亩均产出\n（万元/亩）", "亩均税收\n（万元/亩）", "预警"],
        [[r.name or r.project_id, fmt.PROJECT_STAGE_ZH.get(r.stage, r.stage), owner_name(r.owner), _r1(r.land_mu), _r1(r.intensity),
          _r1(r.output_per_mu), _r1(r.tax_per_mu), "；".join(r.flags)] for r in flagged],
        widths=[3.1, 1, 2.4, 1.3, 2.1, 2.1, 2.1, 5.3], align=["L", "C", "L", "R", "R", "R", "R", "L"], empty="没有低于投资强度或亩均效益下限的项目",
    )


def _ranked(headers: list[str], rows: list[list[str]], notes: list[str], empty: str) -> Table:
    """A 十强/十快 table; the 说明 column only when some row has a note."""
    with_note = any(notes)
    return Table(headers + (["说明"] if with_note else []), [r + ([n] if with_note else []) for r, n in zip(rows, notes)],
                 widths=[0.9, 4.6, 2.4, 1.7, 1.8] + ([3.6] if with_note else []), align=["C", "L", "L", "R", "R", "L"], empty=empty)


def _park_rows(rows: list, value: Callable[[Any], str]) -> list[list[str]]:
    return [[str(r.rank), r.park_name or r.park_id, (r.city_name or r.city_code or fmt.MISSING) + ("（本市）" if r.home else ""),
             f"{r.score:.3f}", value(r)] for r in rows]  # fmt: skip


def ranking_blocks(rank: ParkRanking) -> list:
    """The province-wide 十强 (scale score) and 十快 (speed score) as :func:`graph.analysis.park_ranking` ranks
    them, and 本市 against the best other city ("十强中本市 1 家，最多的郑州市 3 家")."""
    period, prev = rank.period or fmt.MISSING, rank.previous_period or fmt.MISSING
    scale = [r for r in rank.scale if r.top10]
    speed = [r for r in rank.speed if r.top10]
    out: list = [Para(c.sentence) for c in rank.comparison] + [Para(rank.home_note, "note")]
    out += [
        Heading(f"园区十强（规模得分，{period}）", 2),
        _ranked(["名次", "园区", "城市", "得分（0–1）", "营业收入"], _park_rows(scale, lambda r: fmt.money(r.values.get("revenue"))),
                [r.note for r in scale], "没有园区指标数据（park_stats.csv）"),
        Heading(f"园区十快（增速得分，{period} 比 {prev}）", 2),
        _ranked(["名次", "园区", "城市", "得分（0–1）", "营收增速"], _park_rows(speed, lambda r: fmt.pct(r.values.get("revenue"))),
                [r.note for r in speed], "没有可比的上期数据"),
    ]  # fmt: skip
    return out + [Para(f"注：{w}", "note") for w in rank.warnings]


def overview_table(rep: ProjectReport) -> Table:
    flagged = sum(1 for r in rep.intensity if r.flags)
    return Table(["指标", "数值"], [
        ["项目总数", f"{rep.total}项"],
        ["总投资", fmt.money(sum(f.investment for f in rep.funnel))],
        ["逾期项目", f"{rep.overdue_projects}项"],
        ["停滞项目", f"{len(rep.stalled)}项"],
        ["投资强度与亩均效益预警", f"{flagged}项"],
        ["补链项目", f"{len(rep.fills)}项"],
    ], widths=[3, 2], align=["L", "R"])


def supervision_report(view: GraphView, settings: AnalysisSettings, *, as_of: dt.date | None = None) -> Report:
    """督查通报 as of ``as_of`` (default today)."""
    rep_p = project_report(view, settings, as_of=as_of)
    rank = park_ranking(view, settings)
    rep = Report("招商项目督查通报", header_lines(view, "全市", f"截至：{rep_p.as_of.isoformat()}"))
    rep.add(*demo_blocks(view))
    rep.add(Heading("一、总体情况"), overview_table(rep_p))
    rep.add(Heading("二、逾期项目（按责任单位）"),
            Para("计划开工日期已过仍未开工、计划投产日期已过仍未投产的项目（已终止项目除外），按责任单位列出：逾期项目多的单位在前，单位内逾期天数从多到少。"))
    rep.add(*overdue_blocks(rep_p.overdue))
    sd = int(rep_p.settings.get("stall_days", settings.stall_days))
    rep.add(Heading("三、停滞项目"), Para(f"签约或开工阶段超过 {sd} 天没有阶段变化的项目。"), stalled_table(rep_p.stalled, sd))
    s = rep_p.settings
    rep.add(Heading("四、投资强度与亩均效益预警"),
            Para(f"投资强度下限 {s.get('intensity_min'):g} 万元/亩，亩均产出下限 {s.get('output_per_mu_min'):g} 万元/亩，亩均税收下限 {s.get('tax_per_mu_min'):g} 万元/亩；只列出低于下限的项目。"),
            intensity_table(rep_p.intensity))
    rep.add(Heading("五、园区十强、十快"), *ranking_blocks(rank))
    for w in rep_p.warnings:
        rep.add(Para(f"注：{w}", "note"))
    rep.add(Heading("六、参数"), Table(["参数", "取值"], fmt.settings_rows(rep_p.settings, PROJECT_SETTINGS), widths=[4, 2], align=["L", "R"]))
    rep.add(Heading("七、数据说明"), provenance_table(view, 截至日期=rep_p.as_of.isoformat()))
    return rep
