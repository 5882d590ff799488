"""One company's profile (企业画像): who it is, where it sits in the chains, and how it ranks as a target.

:func:`company_profile` gathers, for one enterprise of the view:

* its own record (codes, place, park, figures, qualifications, grades);
* every segment it is linked to (``OPERATES_IN``) with the link's evidence — ``source``,
  ``confidence``, the linker's ``evidence`` score and ``share`` — the segment's chain, position and
  gap label (city scope), and its **standing as a target** there, from the same
  :func:`~graph.analysis.targets.targets` ranking as the 招商目标 page (city scope, the settings given,
  no filters): ``ranked`` (rank among the ranked pool, score, coverage, reasons), ``pipeline`` (in a
  project at signed or later: not offered as a new target), ``gated`` (a hard gate removed it: 高污染 /
  高耗能), ``filtered`` (``min_coverage`` removed it), ``absent`` (not in the ranking otherwise), or
  ``local`` (a local enterprise is not a target);
* its supply ties (``SUPPLIES_TO``, either direction) with the other side's name and whether it is local;
* its projects.

The bureau's leads on the company live in the workspace, not in the graph; the app adds them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

import polars as pl
from pydantic import BaseModel, ConfigDict, Field

from graph.analysis.cities import region_name
from graph.analysis.gaps import gaps
from graph.analysis.targets import targets
from graph.i18n import GAP_LABEL_ZH, GATE_ZH, MISSING, PROJECT_STAGE_ZH
from graph.settings import AnalysisSettings
from graph.view import GraphView


RankView = Callable[[str], GraphView] | None  # segment id -> the view its targets are ranked on


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TargetStanding(_Model):
    """How the company stands as a target for one segment."""

    status: str  # ranked | pipeline | gated | filtered | absent | local
    text: str  # for people: 第 3 名（共 42 家）/ 已在项目中（签约），不作为新目标 / 被门槛排除：高污染 / …
    rank: int | None = None
    ranked_size: int | None = None
    score: float | None = None
    coverage: float | None = None
    reasons: list[str] = Field(default_factory=list)


class CompanySegment(_Model):
    segment_id: str
    segment_name: str | None = None
    chain_id: str | None = None
    chain_name: str | None = None
    stage: str | None = None
    share: float | None = None
    source: str | None = None
    confidence: str | None = None
    evidence: float | None = None
    label: str | None = None  # the segment's gap label, city scope
    standing: TargetStanding


class SupplyTie(_Model):
    direction: str  # supplies (this company supplies the other) | buys (it buys from the other)
    other_id: str
    other_name: str | None = None
    other_local: bool | None = None
    product: str | None = None
    amount: float | None = None
    source: str | None = None


class CompanyProject(_Model):
    project_id: str
    name: str | None = None
    stage: str | None = None
    park_id: str | None = None
    park_name: str | None = None
    segment_id: str | None = None
    segment_name: str | None = None
    investment: float | None = None
    land_mu: float | None = None
    stage_date: dt.date | None = None
    planned_start: dt.date | None = None
    planned_production: dt.date | None = None
    owner: str | None = None


class CompanyProfile(_Model):
    enterprise_id: str
    record: dict[str, Any]  # the enterprises row as the view holds it
    region_name: str | None = None
    park_name: str | None = None
    segments: list[CompanySegment] = Field(default_factory=list)
    ties: list[SupplyTie] = Field(default_factory=list)
    projects: list[CompanyProject] = Field(default_factory=list)
    settings: dict[str, Any]


def _standing_in(view: GraphView, settings: AnalysisSettings, segment_id: str, enterprise_id: str, record: dict[str, Any]) -> TargetStanding:
    """The company's place in one segment's ranking: the whole order is ranked, the row (with reasons) built for it alone."""
    res = targets(view, settings, segment_id, top=0)  # ids and scores of every ranked target, the pipeline rows
    rank = res.rank_of(enterprise_id)
    if rank is not None:
        res = targets(view, settings, segment_id, top=1, offset=rank - 1)
    return _standing(res, enterprise_id, record, settings)


def _standing(res: Any, enterprise_id: str, record: dict[str, Any], settings: AnalysisSettings) -> TargetStanding:
    """The company's place in one segment's target ranking (``res`` = its TargetResult, holding the company's row if it has one)."""
    row = next((r for r in res.rows if r.enterprise_id == enterprise_id), None)
    if row is not None and row.rank is not None:
        return TargetStanding(
            status="ranked", text=f"第 {row.rank} 名（共 {res.ranked_size} 家）", rank=row.rank, ranked_size=res.ranked_size,
            score=row.score, coverage=row.coverage, reasons=list(row.reasons),
        )  # fmt: skip
    if row is not None:
        stage = PROJECT_STAGE_ZH.get(row.pipeline_stage or "", row.pipeline_stage or "")
        return TargetStanding(status="pipeline", text=f"已在项目中（{stage}），不作为新目标", score=row.score, coverage=row.coverage, reasons=list(row.reasons))
    gated = [GATE_ZH[g] for g, on in (("pollution", settings.gate_high_pollution), ("energy", settings.gate_high_energy)) if on and record.get(g) == "high"]
    if gated:
        return TargetStanding(status="gated", text="被门槛排除：" + "、".join(gated), ranked_size=res.ranked_size)
    if res.filter_removed.get("min_coverage"):
        return TargetStanding(status="filtered", text=f"数据覆盖低于最低要求（{settings.min_coverage:.0%}），未参与排名", ranked_size=res.ranked_size)
    return TargetStanding(status="absent", text="未参与排名", ranked_size=res.ranked_size)


def _segments(view: GraphView, settings: AnalysisSettings, enterprise_id: str, record: dict[str, Any], rank_view: RankView) -> list[CompanySegment]:
    links = view.enterprise_segments.filter(pl.col("enterprise_id") == enterprise_id).sort("segment_id")
    segs = {r["id"]: r for r in view.segments.select("id", "name", "chain_id", "stage").iter_rows(named=True)}
    chains = dict(view.chains.select("id", "name").iter_rows())
    labels = {r.segment_id: r.label for r in gaps(view, settings).rows}
    out = []
    for link in links.iter_rows(named=True):
        sid = link["segment_id"]
        seg = segs.get(sid, {})
        if record.get("local"):
            now = GAP_LABEL_ZH.get(labels.get(sid) or "", MISSING)
            standing = TargetStanding(status="local", text=f"本地企业（该环节现为{now}），不作为招商目标")
        else:
            standing = _standing_in(rank_view(sid) if rank_view else view, settings, sid, enterprise_id, record)
        out.append(
            CompanySegment(
                segment_id=sid, segment_name=seg.get("name"), chain_id=seg.get("chain_id"), chain_name=chains.get(seg.get("chain_id")),
                stage=seg.get("stage"), share=link.get("share"), source=link.get("source"), confidence=link.get("confidence"),
                evidence=link.get("evidence"), label=labels.get(sid), standing=standing,
            )  # fmt: skip
        )
    return out


def _ties(view: GraphView, enterprise_id: str) -> list[SupplyTie]:
    ents = {i: (n, loc) for i, n, loc in view.enterprises.select("id", "name", "local").iter_rows()}
    sl = view.supply_links.filter((pl.col("supplier_id") == enterprise_id) | (pl.col("customer_id") == enterprise_id))
    out = []
    for r in sl.iter_rows(named=True):
        sup = r["supplier_id"] == enterprise_id
        other = r["customer_id"] if sup else r["supplier_id"]
        name, local = ents.get(other, (None, None))
        out.append(SupplyTie(direction="supplies" if sup else "buys", other_id=other, other_name=name, other_local=local, product=r.get("product"), amount=r.get("amount"), source=r.get("source")))
    out.sort(key=lambda t: (t.direction != "supplies", not t.other_local, t.other_id))
    return out


def _projects(view: GraphView, enterprise_id: str) -> list[CompanyProject]:
    parks = dict(view.parks.select("id", "name").iter_rows())
    segs = dict(view.segments.select("id", "name").iter_rows())
    out = []
    for r in view.projects.filter(pl.col("enterprise_id") == enterprise_id).sort("id").iter_rows(named=True):
        out.append(
            CompanyProject(
                project_id=r["id"], name=r["name"], stage=r["stage"], park_id=r["park_id"], park_name=parks.get(r["park_id"]),
                segment_id=r["segment_id"], segment_name=segs.get(r["segment_id"]), investment=r["investment"], land_mu=r["land_mu"],
                stage_date=r["stage_date"], planned_start=r["planned_start"], planned_production=r["planned_production"], owner=r["owner"],
            )  # fmt: skip
        )
    return out


def company_profile(view: GraphView, settings: AnalysisSettings, enterprise_id: str, rank_view: RankView = None) -> CompanyProfile:
    """The profile of enterprise ``enterprise_id``: record, segments with evidence and target standing, ties, projects.

    Parameters
    ----------
    view : GraphView
    settings : AnalysisSettings
        The ranking of each segment uses these weights, gates and ``min_coverage`` (no other filters),
        as the 招商目标 page; the gap labels use its thresholds.
    enterprise_id : str
        An id of ``view.enterprises`` (:func:`graph.lookup.resolve` turns what a person typed into one).
    rank_view : callable, optional
        Segment id -> the view to rank that segment's targets on; default ``view``. On a scoped view
        (Neo4j) ``view`` holds the company, its ties and the local enterprises, and each segment is
        ranked on the scoped view plus that segment's pool (:func:`graph.stores.neo4j_scoped.add_pool`).

    Returns
    -------
    CompanyProfile

    Raises
    ------
    ValueError
        The enterprise is not in the view.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> p = company_profile(tiny_view(), AnalysisSettings(), "X1")
    >>> [(s.segment_id, s.label, s.standing.status, s.standing.text) for s in p.segments]
    [('S2', 'broken', 'pipeline', '已在项目中（签约），不作为新目标')]
    >>> [(t.direction, t.other_name, t.other_local) for t in p.ties], [x.project_id for x in p.projects]
    ([('supplies', '本地整车', True)], ['PR1'])
    >>> [s.standing.text for s in company_profile(tiny_view(), AnalysisSettings(), "X2").segments]
    ['被门槛排除：高污染']
    >>> l1 = company_profile(tiny_view(), AnalysisSettings(), "L1")
    >>> [s.standing.text for s in l1.segments], l1.park_name
    (['本地企业（该环节现为弱链），不作为招商目标'], '示例园区')
    """
    hit = view.enterprises.filter(pl.col("id") == enterprise_id)
    if hit.height == 0:
        raise ValueError(f"未知企业编号 {enterprise_id!r}")
    record = hit.row(0, named=True)
    parks = dict(view.parks.select("id", "name").iter_rows())
    return CompanyProfile(
        enterprise_id=enterprise_id,
        record=record,
        region_name=region_name(view, record.get("region_code")),
        park_name=parks.get(record.get("park_id")),
        segments=_segments(view, settings, enterprise_id, record, rank_view),
        ties=_ties(view, enterprise_id),
        projects=_projects(view, enterprise_id),
        settings=settings.model_dump(),
    )
