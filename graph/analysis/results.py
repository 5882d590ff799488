"""Result models of the analysis (pydantic, ``extra="forbid"``).

Every result that depends on thresholds or weights carries ``settings`` (the
``AnalysisSettings.model_dump()`` that produced it) and the ``scope`` it ran for.
Factor values are kept at full precision; round only for display.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


def construct_rows(cls: type[_Model], columns: dict[str, list[Any]]) -> list[Any]:
    """Models of ``cls`` from equal-length column lists holding every field, without validation.

    For result rows made by the thousand from typed frames, where validation would cost more than
    the analysis; tests validate such rows separately.
    """
    names = list(cls.model_fields)
    if set(columns) != set(names):
        raise ValueError(f"construct_rows({cls.__name__}): columns {sorted(columns)} != fields {sorted(names)}")
    construct = cls.model_construct
    return [construct(**dict(zip(names, values))) for values in zip(*(columns[n] for n in names))]


# ------------------------------------------------------------------ gaps


class GapRow(_Model):
    chain_id: str
    chain_name: str | None = None
    segment_id: str
    segment_name: str | None = None
    stage: str | None = None
    parent_id: str | None = None
    key: bool = False
    label: str  # broken | missing | weak | strong
    label_zh: str
    label_reason: str = ""
    local_count: int = 0
    local_revenue: float | None = 0.0  # None: local enterprises, none with a known revenue
    above_scale_count: int = 0
    candidate_count: int = 0
    priority: float | None = None  # 0-100, None for strong
    factors: dict[str, float] = Field(default_factory=dict)  # 0-1 each
    factor_reasons: dict[str, str] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)  # the factor reasons, in factor order


class GapResult(_Model):
    scope: str
    chain_id: str | None = None
    rows: list[GapRow] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    settings: dict[str, Any]

    def records(self) -> list[dict[str, Any]]:
        return [r.model_dump(mode="json") for r in self.rows]


class ChainRow(_Model):
    chain_id: str
    chain_name: str | None = None
    industry_id: str | None = None
    industry_name: str | None = None
    category: str | None = None
    segment_count: int = 0
    leaf_count: int = 0
    present_leaf_count: int = 0
    completeness: float = 0.0
    completeness_key_weighted: float = 0.0
    counts: dict[str, int] = Field(default_factory=dict)
    top_gap: str | None = None  # segment id of the highest-priority gap
    scope: str = "city"
    settings: dict[str, Any] = Field(default_factory=dict)


# ------------------------------------------------------------------ targets


class TargetRow(_Model):
    rank: int | None = None  # None for enterprises already in the pipeline (not offered as new targets)
    enterprise_id: str
    name: str | None = None
    province: str | None = None
    revenue: float | None = None
    listed_code: str | None = None
    qualifications: list[str] = Field(default_factory=list)
    score: float
    coverage: float = 0.0  # share of the factor weight backed by known data (0-1)
    factors: dict[str, float] = Field(default_factory=dict)
    factor_coverage: dict[str, float] = Field(default_factory=dict)  # per factor: known share of its parts (0, 0.5, 1)
    factor_reasons: dict[str, str] = Field(default_factory=dict)
    reasons: list[str] = Field(default_factory=list)
    in_pipeline: bool = False
    pipeline_stage: str | None = None
    pipeline_projects: list[str] = Field(default_factory=list)


class TargetResult(_Model):
    segment_id: str
    segment_name: str | None = None
    chain_id: str | None = None
    scope: str
    pool_size: int  # non-local enterprises operating in the segment, before gates and filters
    ranked_size: int = 0  # after gates and filters (the pool the percentiles are taken in)
    gate_removed: dict[str, int] = Field(default_factory=dict)
    filter_removed: dict[str, int] = Field(default_factory=dict)
    rows: list[TargetRow] = Field(default_factory=list)  # ranked targets offset+1 … offset+top, then every pipeline enterprise
    # the whole ranked order, whatever top and offset (rank = position + 1): an index for rank-of-N, pagers and
    # exports, left out of model_dump (the rows are the answer; a dump reads as it did before paging)
    offset: int = Field(0, exclude=True)  # position (0-based) of the first ranked target in rows
    ranked_ids: list[str] = Field(default_factory=list, exclude=True)  # every ranked target in rank order
    ranked_scores: list[float] = Field(default_factory=list, exclude=True)  # their scores, same order
    settings: dict[str, Any]

    @property
    def target_count(self) -> int:
        """How many ranked targets there are (all pages together; pipeline enterprises not counted)."""
        return len(self.ranked_ids)

    def rank_of(self, enterprise_id: str) -> int | None:
        """The rank (1 = best) of ``enterprise_id`` among all ranked targets, None when it is not one."""
        try:
            return self.ranked_ids.index(enterprise_id) + 1
        except ValueError:
            return None

    def records(self) -> list[dict[str, Any]]:
        return [r.model_dump(mode="json") for r in self.rows]


# ------------------------------------------------------------------ parks


class OverlapPair(_Model):
    park_a: str
    park_a_name: str | None = None
    park_b: str
    park_b_name: str | None = None
    similarity: float
    basis: str  # revenue | count
    flagged: bool
    shared_segments: list[str] = Field(default_factory=list)


class OverlapResult(_Model):
    pairs: list[OverlapPair] = Field(default_factory=list)
    settings: dict[str, Any]
    scope: str = "city"


class ConcentrationRow(_Model):
    park_id: str
    park_name: str | None = None
    basis: str  # revenue | count | none
    total: float = 0.0
    top_industry_id: str | None = None
    top_industry_name: str | None = None
    top_share: float | None = None
    focus_industries: list[str] = Field(default_factory=list)
    focus_share: float | None = None
    flagged: bool = False
    flags: list[str] = Field(default_factory=list)
    industry_shares: dict[str, float] = Field(default_factory=dict)
    scope: str = "city"
    settings: dict[str, Any] = Field(default_factory=dict)


class ParkScoreRow(_Model):
    """One park in the scale (十强) or speed (十快) ranking; ``score`` in 0–1, None when not ranked."""

    rank: int | None = None
    park_id: str
    park_name: str | None = None
    city_code: str | None = None  # as in the built-in division data, e.g. "4103"
    city_name: str | None = None
    home: bool = False  # 本市
    score: float | None = None
    top10: bool = False
    parts: dict[str, float | None] = Field(default_factory=dict)  # per indicator: 0–1 part, None = missing (adds 0)
    values: dict[str, float | None] = Field(default_factory=dict)  # scale: the period's values (万元); speed: growth
    missing: list[str] = Field(default_factory=list)  # indicators without a value, named
    note: str = ""


class ParkFigureRow(_Model):
    """Per park, reference period: 亩均营收, 亩均税收 and fixed-investment growth against the 本市 average."""

    park_id: str
    park_name: str | None = None
    city_code: str | None = None
    city_name: str | None = None
    home: bool = False
    level: str | None = None
    star: int | None = None
    area_mu: float | None = None
    revenue: float | None = None
    tax: float | None = None
    revenue_per_mu: float | None = None  # 万元/亩
    tax_per_mu: float | None = None  # 万元/亩
    fixed_investment_growth: float | None = None
    home_average_growth: float | None = None  # mean fixed-investment growth of the 本市 parks that have one
    vs_home_average: float | None = None  # growth − 本市 average
    note: str = ""


class CityCountRow(_Model):
    """Per city (the city-level region holding the park): parks in 十强, in 十快, with star ≥ 2."""

    city_code: str | None = None  # as in the built-in division data, e.g. "4103"
    city_name: str | None = None
    home: bool = False
    parks: int = 0
    top10_scale: int = 0
    top10_speed: int = 0
    star2plus: int = 0


class CityComparison(_Model):
    """本市 against the best other city for one count ("十强中本市 1 家，最多的郑州市 3 家")."""

    measure: str  # top10_scale | top10_speed | star2plus
    label: str  # 十强 | 十快 | 二星级及以上园区
    home_count: int | None = None  # None when 本市 is unknown
    best_count: int | None = None  # best other city; None when there is no other city
    best_cities: list[str] = Field(default_factory=list)
    best_city_codes: list[str] = Field(default_factory=list)
    sentence: str
    short: str  # "本市 1 家 / 最多的郑州市 3 家"


class ParkRanking(_Model):
    period: str | None = None
    previous_period: str | None = None
    home_region: str | None = None
    home_name: str | None = None
    home_inferred: bool = False
    home_note: str = ""
    weights: dict[str, float] = Field(default_factory=dict)
    scale: list[ParkScoreRow] = Field(default_factory=list)
    speed: list[ParkScoreRow] = Field(default_factory=list)
    parks: list[ParkFigureRow] = Field(default_factory=list)
    by_city: list[CityCountRow] = Field(default_factory=list)
    comparison: list[CityComparison] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    settings: dict[str, Any]
    scope: str = "province"


class CohesionRow(_Model):
    """A park's cohesion (关联性) and the chain coverage of its declared focus industries."""

    park_id: str
    park_name: str | None = None
    local_count: int = 0
    tied_count: int | None = None  # local firms with a supply tie to another local firm of the park
    cohesion: float | None = None  # tied / local; None = unknown (no firms, or no supply data at all)
    flag: str | None = None  # "区内企业关联性不强" below cohesion_threshold
    chain_coverage: float | None = None  # present segments / segments of the focus industries' chains
    covered_segments: int | None = None
    focus_segments: int | None = None
    notes: list[str] = Field(default_factory=list)


class CohesionResult(_Model):
    rows: list[CohesionRow] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    settings: dict[str, Any]
    scope: str = "city"


# ------------------------------------------------------------------ projects


class FunnelRow(_Model):
    stage: str
    stage_zh: str
    count: int
    investment: float


class GroupRow(_Model):
    id: str | None
    name: str | None = None
    count: int
    investment: float
    by_stage: dict[str, int] = Field(default_factory=dict)


class ConversionRow(_Model):
    from_stage: str
    to_stage: str
    reached_from: int
    reached_to: int
    rate: float | None


class ProjectFlagRow(_Model):
    project_id: str
    name: str | None = None
    stage: str
    park_id: str | None = None
    owner: str | None = None
    stage_date: dt.date | None = None
    days: int | None = None
    investment: float | None = None
    land_mu: float | None = None
    intensity: float | None = None
    output_per_mu: float | None = None
    tax_per_mu: float | None = None
    flags: list[str] = Field(default_factory=list)


class OverdueRow(_Model):
    owner: str | None
    project_id: str
    name: str | None = None
    stage: str
    kind: str  # start | production
    planned: dt.date
    days_overdue: int
    reason: str


class FillRow(_Model):
    project_id: str
    name: str | None = None
    stage: str
    segment_id: str
    segment_name: str | None = None
    chain_id: str | None = None
    label: str | None = None
    label_zh: str | None = None
    priority: float | None = None


class ProjectReport(_Model):
    as_of: dt.date
    total: int
    funnel: list[FunnelRow] = Field(default_factory=list)
    by_park: list[GroupRow] = Field(default_factory=list)
    by_chain: list[GroupRow] = Field(default_factory=list)
    conversion: list[ConversionRow] = Field(default_factory=list)
    stalled: list[ProjectFlagRow] = Field(default_factory=list)
    intensity: list[ProjectFlagRow] = Field(default_factory=list)  # every project with land_mu > 0, flags if below
    overdue: list[OverdueRow] = Field(default_factory=list)
    fills: list[FillRow] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    settings: dict[str, Any]
    scope: str = "city"

    @property
    def overdue_projects(self) -> int:
        """Projects overdue: one past both its planned start and its planned production is one project, two rows."""
        return len({r.project_id for r in self.overdue})


# ------------------------------------------------------------------ what-if


class WhatIfRow(_Model):
    chain_id: str
    segment_id: str
    segment_name: str | None = None
    label_before: str
    label_after: str
    label_zh_before: str
    label_zh_after: str
    local_count_before: int
    local_count_after: int
    priority_before: float | None = None
    priority_after: float | None = None
    changed: bool


class WhatIfChain(_Model):
    chain_id: str
    chain_name: str | None = None
    completeness_before: float
    completeness_after: float
    completeness_key_weighted_before: float
    completeness_key_weighted_after: float
    counts_before: dict[str, int]
    counts_after: dict[str, int]


class WhatIfResult(_Model):
    scope: str
    added: list[tuple[str, str]] = Field(default_factory=list)
    projects: list[str] = Field(default_factory=list)
    chains: list[WhatIfChain] = Field(default_factory=list)
    rows: list[WhatIfRow] = Field(default_factory=list)
    changed_segments: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    settings: dict[str, Any]
