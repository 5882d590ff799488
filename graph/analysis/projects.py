"""Project pipeline: funnel, conversion, stalls, intensity, overdue, gap fills (analysis.md, 'Projects').

Definitions as built (README-ready):

* Funnel: count and investment (missing = 0) by current stage (lead,
  negotiating, signed, started, producing, dropped); also by park and by chain
  (chain of the project's ``segment_id``).
* Conversion k → k+1 = (projects that reached stage k+1 or beyond) / (projects
  that reached stage k or beyond). A live project has reached its current
  stage and every earlier one. A dropped project has reached the furthest
  stage whose date is filled (``producing_on`` → producing, ``started_on`` →
  started, ``signed_on`` → signed), else only lead. Rate None when nobody
  reached stage k.
* Stalled: stage signed or started, and (as_of − stage date) > ``stall_days``;
  the stage date is ``stage_date`` when given, else the date of the current
  stage (``signed_on`` / ``started_on``). Without a date the project is
  listed in ``warnings``.
* Intensity (投资强度) = investment / land_mu, flagged below ``intensity_min``;
  output per mu (亩均产出) = expected_revenue / land_mu below
  ``output_per_mu_min`` and tax per mu (亩均税收) = expected_tax / land_mu below
  ``tax_per_mu_min`` are flagged. Only projects with land_mu > 0 that are not
  dropped; a missing amount is not flagged.
* Overdue (督查): ``planned_start`` before as_of and the stage is before
  started; ``planned_production`` before as_of and the stage is before
  producing (dropped projects excluded). Listed by ``owner`` (责任单位) then days
  overdue (desc) then project id.
* Fills: every live project with a ``segment_id``, with the segment's current
  gap label and priority (city scope).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from graph.analysis import reasons as R
from graph.analysis.gaps import gaps
from graph.analysis.results import ConversionRow, FillRow, FunnelRow, GroupRow, OverdueRow, ProjectFlagRow, ProjectReport
from graph.schema import PROJECT_STAGES
from graph.i18n import PROJECT_STAGE_ZH
from graph.settings import AnalysisSettings
from graph.view import GraphView

ALL_STAGES = PROJECT_STAGES + ("dropped",)
_ORDER = {s: i for i, s in enumerate(PROJECT_STAGES)}


def reached_index(stage: str, signed_on, started_on, producing_on) -> int:
    """Index in PROJECT_STAGES of the furthest stage a project reached (dropped: from its dates)."""
    if stage != "dropped":
        return _ORDER.get(stage, 0)
    if producing_on is not None:
        return _ORDER["producing"]
    if started_on is not None:
        return _ORDER["started"]
    if signed_on is not None:
        return _ORDER["signed"]
    return _ORDER["lead"]


def _groups(pr: pl.DataFrame, key: str, names: dict[str, str]) -> list[GroupRow]:
    out = []
    for (k,), g in pr.group_by([key], maintain_order=False):
        by_stage = {s: 0 for s in ALL_STAGES}
        for st, n in g.group_by("stage").len().iter_rows():
            by_stage[st] = int(n)
        out.append(
            GroupRow(id=k, name=names.get(k) if k is not None else "未指定", count=g.height, investment=float(g.get_column("investment").fill_null(0.0).sum()), by_stage=by_stage)
        )
    out.sort(key=lambda r: (r.id is None, -r.count, r.id or ""))
    return out


def project_report(view: GraphView, settings: AnalysisSettings, as_of: dt.date | None = None, park_id: str | None = None) -> ProjectReport:
    """The investment-project pipeline report.

    Parameters
    ----------
    view : GraphView
    settings : AnalysisSettings
        Uses ``stall_days``, ``intensity_min``, ``output_per_mu_min``, ``tax_per_mu_min``.
    as_of : datetime.date, optional
        Reference date for stalls and overdue (default today).
    park_id : str, optional
        Only the projects of this park (every figure: totals, funnel, conversion, flags, fills).

    ``fills`` lists the live projects whose segment is a gap (broken, missing or weak in the
    city), highest priority first; a project on a strong segment fills no gap.

    Examples
    --------
    >>> import datetime as dt
    >>> from graph.analysis._example import tiny_view
    >>> rep = project_report(tiny_view(), AnalysisSettings(), as_of=dt.date(2026, 6, 1))
    >>> [(r.project_id, r.days, r.flags) for r in rep.stalled]
    [('PR1', 147, ['签约后147天无进展'])]
    >>> rep.fills[0].segment_id, rep.fills[0].label
    ('S2', 'broken')
    """
    as_of = as_of or dt.date.today()
    projects = view.projects if park_id is None else view.projects.filter(pl.col("park_id") == park_id)
    pr = projects.filter(pl.col("stage").is_in(list(ALL_STAGES)))
    warnings: list[str] = []
    bad = projects.height - pr.height
    if bad:
        warnings.append(f"{bad}个项目阶段无法识别，未计入")
    rep = ProjectReport(as_of=as_of, total=pr.height, settings=settings.model_dump(), warnings=warnings)
    rep.funnel = _funnel(pr)
    park_names = dict(view.parks.select("id", "name").iter_rows())
    rep.by_park = _groups(pr, "park_id", park_names)
    seg_chain = view.segments.select(pl.col("id").alias("segment_id"), "chain_id")
    chain_names = dict(view.chains.select("id", "name").iter_rows())
    rep.by_chain = _groups(pr.join(seg_chain, on="segment_id", how="left"), "chain_id", chain_names)
    rep.conversion = _conversion(pr)
    live = pr.filter(pl.col("stage") != "dropped")
    stalled: list[ProjectFlagRow] = []
    intensity: list[ProjectFlagRow] = []
    overdue: list[OverdueRow] = []
    for r in live.sort("id").iter_rows(named=True):
        base = dict(project_id=r["id"], name=r["name"], stage=r["stage"], park_id=r["park_id"], owner=r["owner"], investment=r["investment"], land_mu=r["land_mu"])
        stalled += _stalled(r, base, as_of, settings, rep.warnings)
        intensity += _per_mu(r, base, settings)
        overdue += _overdue(r, as_of)
    stalled.sort(key=lambda x: (-(x.days or 0), x.project_id))
    intensity.sort(key=lambda x: (not x.flags, x.intensity if x.intensity is not None else float("inf"), x.project_id))
    overdue.sort(key=lambda x: (x.owner is None, x.owner or "", -x.days_overdue, x.project_id, x.kind))
    rep.stalled, rep.intensity, rep.overdue = stalled, intensity, overdue  # one assignment each, not one per project
    rep.fills = _fills(view, settings, live)
    return rep


def _funnel(pr: pl.DataFrame) -> list[FunnelRow]:
    """Count and investment per stage, in stage order (dropped last)."""
    out = []
    for st in ALL_STAGES:
        g = pr.filter(pl.col("stage") == st)
        out.append(FunnelRow(stage=st, stage_zh=PROJECT_STAGE_ZH[st], count=g.height, investment=float(g.get_column("investment").fill_null(0.0).sum())))
    return out


def _conversion(pr: pl.DataFrame) -> list[ConversionRow]:
    """k -> k+1 = reached(k+1 or later) / reached(k or later); dropped projects by their dates."""
    reached = [reached_index(*r) for r in pr.select("stage", "signed_on", "started_on", "producing_on").iter_rows()]
    out = []
    for k in range(len(PROJECT_STAGES) - 1):
        n_from = sum(1 for x in reached if x >= k)
        n_to = sum(1 for x in reached if x >= k + 1)
        out.append(ConversionRow(from_stage=PROJECT_STAGES[k], to_stage=PROJECT_STAGES[k + 1], reached_from=n_from, reached_to=n_to, rate=n_to / n_from if n_from else None))
    return out


def _stalled(r: dict, base: dict, as_of: dt.date, settings: AnalysisSettings, warnings: list[str]) -> list[ProjectFlagRow]:
    """A signed or started project with no stage change for more than ``stall_days`` (a warning without a date)."""
    if r["stage"] not in ("signed", "started"):
        return []
    sd = r["stage_date"] or (r["signed_on"] if r["stage"] == "signed" else r["started_on"])
    if sd is None:
        warnings.append(f"项目 {r['id']} 处于{PROJECT_STAGE_ZH[r['stage']]}阶段但无阶段日期，无法判断是否停滞")
        return []
    days = (as_of - sd).days
    if days <= settings.stall_days:
        return []
    return [ProjectFlagRow(**base, stage_date=sd, days=days, flags=[R.r_stalled(r["stage"], days)])]


def _per_mu(r: dict, base: dict, settings: AnalysisSettings) -> list[ProjectFlagRow]:
    """Investment intensity, output and tax per mu of a project with land, each flagged below its minimum."""
    land = r["land_mu"]
    if land is None or land <= 0:
        return []
    checks = (
        ("intensity", "investment", settings.intensity_min, R.r_intensity),
        ("output_per_mu", "expected_revenue", settings.output_per_mu_min, R.r_output),
        ("tax_per_mu", "expected_tax", settings.tax_per_mu_min, R.r_tax),
    )
    values: dict[str, float] = {}
    flags: list[str] = []
    for field, amount, minimum, reason in checks:
        if r[amount] is not None:
            values[field] = value = r[amount] / land
            if value < minimum:
                flags.append(reason(value, minimum))
    return [ProjectFlagRow(**base, **values, flags=flags)]  # built once (a pydantic setattr per figure cost 0.1 s at 1M)


def _overdue(r: dict, as_of: dt.date) -> list[OverdueRow]:
    """Planned start or production passed before the project reached it."""
    out = []
    si = _ORDER[r["stage"]]
    for kind, col, need in (("start", "planned_start", "started"), ("production", "planned_production", "producing")):
        planned = r[col]
        if planned is not None and planned < as_of and si < _ORDER[need]:
            days = (as_of - planned).days
            out.append(OverdueRow(owner=r["owner"], project_id=r["id"], name=r["name"], stage=r["stage"], kind=kind, planned=planned, days_overdue=days, reason=R.r_overdue(kind, days)))
    return out


def _fills(view: GraphView, settings: AnalysisSettings, live: pl.DataFrame) -> list[FillRow]:
    """Live projects on a gap segment (broken, missing or weak in the city) with its label and priority, highest
    priority first; a project on a strong segment fills no gap (analysis.md: "which gaps a project fills")."""
    fills = live.filter(pl.col("segment_id").is_not_null()).sort("id")
    if not fills.height:
        return []
    by_seg = {g.segment_id: g for g in gaps(view, settings).rows}
    out = []
    for r in fills.iter_rows(named=True):
        g = by_seg.get(r["segment_id"])
        if g is None or g.label == "strong":
            continue
        out.append(FillRow(project_id=r["id"], name=r["name"], stage=r["stage"], segment_id=r["segment_id"], segment_name=g.segment_name,
                           chain_id=g.chain_id, label=g.label, label_zh=g.label_zh, priority=g.priority))  # fmt: skip
    out.sort(key=lambda f: (f.priority is None, -(f.priority or 0.0), f.project_id))
    return out
