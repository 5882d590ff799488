"""Tables for people: the sheets of the app's Excel/CSV exports.

Chinese headers with units (``营收（万元）``, ``完整度（%）``), Chinese enum values,
amounts and scores rounded to one decimal, factors (0–1) to two, fractions as
percentages; a missing value is ``无数据`` and one that does not apply (a strong
segment's priority) ``—``. Numbers stay numbers, so a spreadsheet can sort and
sum them. Every sheet keeps its header row when it has no rows. Machine output
(``indmap … --format csv/json``) keeps the English keys and full precision and
does not come through here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

import polars as pl

from graph.analysis.results import ChainRow, FillRow, GapRow, OverdueRow, OverlapPair, ProjectFlagRow, TargetRow
from graph.i18n import PARK_INDICATOR_ZH
from graph.settings import PriorityWeights, TargetWeights
from graph.view import GraphView
from reports import fmt



@dataclass
class Sheet:
    """One table for people: Chinese headers, rows of plain values (text, numbers, dates)."""

    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def height(self) -> int:
        return len(self.rows)

    def column(self, header: str) -> list[Any]:
        j = self.columns.index(header)
        return [r[j] for r in self.rows]


@dataclass(frozen=True)
class Col:
    key: str
    header: str
    kind: str = "text"  # text int money score factor pct ratio mu date bool list
    na: bool = False  # a missing value means "does not apply" (—), not "unknown" (无数据)
    zh: Callable[[Any], Any] | None = None  # enum value -> Chinese


def _cell(col: Col, value: Any) -> Any:
    if value is None or (isinstance(value, float) and value != value) or value == "" or (isinstance(value, (list, tuple)) and not value):
        if col.kind == "list" and isinstance(value, (list, tuple)):
            return fmt.NA
        return fmt.NA if col.na else fmt.MISSING
    if col.zh is not None:
        return col.zh(value)
    kind = col.kind
    if kind == "bool":
        return fmt.yes_no(bool(value))
    if kind == "int":
        return int(value)
    if kind in ("money", "score", "mu"):
        return round(float(value), 1)
    if kind in ("factor", "ratio"):
        return round(float(value), 2)
    if kind == "pct":
        return round(float(value) * 100, 1)
    if kind == "list":
        return "、".join(str(v) for v in value)
    if kind == "date" and isinstance(value, (dt.date, dt.datetime)):
        return value
    return value if isinstance(value, (int, float)) else str(value)


def sheet(records: Iterable[dict[str, Any]], cols: list[Col]) -> Sheet:
    """Rows of dicts (English keys) written for people by ``cols``."""
    return Sheet([c.header for c in cols], [[_cell(c, r.get(c.key)) for c in cols] for r in records])


def _map(d: dict[str, str]) -> Callable[[Any], Any]:
    return lambda v: d.get(v, v)


def _factor_cols(model: type, prefix: str = "f_") -> list[Col]:
    """One column per factor, named by the settings' own titles (``下游依赖（0–1）``)."""
    return [Col(f"{prefix}{k}", f"{f.title or k}（0–1）", "factor") for k, f in model.model_fields.items()]


STAGE = _map(fmt.SEGMENT_STAGE_ZH)
PROJECT_STAGE = _map(fmt.PROJECT_STAGE_ZH)
LABEL = _map(fmt.GAP_LABEL_ZH)

# ------------------------------------------------------------------ chains and gaps

GAP_COLS = [
    Col("chain_name", "产业链"), Col("segment_id", "环节编号"), Col("segment_name", "环节"), Col("stage", "位置", zh=STAGE),
    Col("key", "关键环节", "bool"), Col("label", "标签", zh=LABEL), Col("priority", "补链优先级（0–100）", "score", na=True),
    *_factor_cols(PriorityWeights),
    Col("local_count", "本地企业（家）", "int"), Col("above_scale_count", "规上企业（家）", "int"),
    Col("local_revenue", "本地营收（万元）", "money"), Col("candidate_count", "外地候选（家）", "int"), Col("reasons", "理由"),
]


def gaps_sheet(rows: Iterable[GapRow]) -> Sheet:
    """缺链清单: one row per segment, the label reason and factor reasons once each."""
    from reports.chain import reasons_once

    recs = []
    for r in rows:
        d = r.model_dump()
        d.update({f"f_{k}": v for k, v in r.factors.items()})
        d["reasons"] = reasons_once(r)
        recs.append(d)
    return sheet(recs, GAP_COLS)


CHAIN_COLS = [
    Col("chain_id", "产业链编号"), Col("category", "产业类别", zh=_map(fmt.CATEGORY_LONG_ZH)), Col("industry_name", "产业"),
    Col("chain_name", "产业链"), Col("segment_count", "环节（个）", "int"), Col("leaf_count", "末级环节（个）", "int"),
    Col("present_leaf_count", "本地已有末级环节（个）", "int"), Col("completeness", "完整度（%）", "pct"),
    Col("completeness_key_weighted", "完整度·关键环节加权（%）", "pct"),
    Col("strong", "强链（个）", "int"), Col("weak", "弱链（个）", "int"), Col("broken", "断链（个）", "int"), Col("missing", "缺链（个）", "int"),
    Col("top_gap", "首要缺口", na=True),
]


def chains_sheet(rows: Iterable[ChainRow], segment_names: dict[str, str] | None = None) -> Sheet:
    names = segment_names or {}
    recs = []
    for r in rows:
        d = r.model_dump()
        d.update({k: r.counts.get(k, 0) for k in ("strong", "weak", "broken", "missing")})
        d["top_gap"] = names.get(r.top_gap, r.top_gap) if r.top_gap else None
        recs.append(d)
    return sheet(recs, CHAIN_COLS)


# ------------------------------------------------------------------ targets


def targets_sheet(rows: Iterable[TargetRow]) -> Sheet:
    """招商目标: ranked targets (and pipeline enterprises, without a rank), every reason once."""
    from reports.chain import coverage_text

    rows = list(rows)
    with_cov = any(coverage_text(t) is not None for t in rows)
    cols = [
        Col("rank", "名次", "int", na=True), Col("enterprise_id", "企业编号"), Col("name", "企业"), Col("province", "省份"),
        Col("revenue", "营收（万元）", "money"), Col("listed_code", "股票代码", na=True), Col("qualifications", "资质", "list"),
        Col("score", "得分（0–100）", "score"), *([Col("coverage_pct", "数据覆盖（%）", "pct"), Col("coverage", "数据依据")] if with_cov else []),
        *_factor_cols(TargetWeights), Col("reasons", "理由"), Col("pipeline", "已在项目中", na=True),
    ]
    recs = []
    for t in rows:
        d = t.model_dump()
        d.update({f"f_{k}": v for k, v in t.factors.items()})
        d["coverage_pct"], d["coverage"] = getattr(t, "coverage", None), coverage_text(t)
        d["reasons"] = "；".join(dict.fromkeys(t.reasons))
        d["pipeline"] = (fmt.PROJECT_STAGE_ZH.get(t.pipeline_stage or "", t.pipeline_stage) or "在途") if t.in_pipeline else None
        recs.append(d)
    return sheet(recs, cols)


# ------------------------------------------------------------------ projects

PROJECT_COLS = [
    Col("id", "项目编号"), Col("name", "项目"), Col("stage", "阶段", zh=PROJECT_STAGE), Col("enterprise", "投资企业"), Col("park", "园区"),
    Col("segment", "补链环节", na=True), Col("investment", "投资额（万元）", "money"), Col("land_mu", "用地（亩）", "mu"),
    Col("stage_date", "阶段日期", "date"), Col("signed_on", "签约日期", "date", na=True), Col("started_on", "开工日期", "date", na=True),
    Col("producing_on", "投产日期", "date", na=True), Col("planned_start", "计划开工", "date"), Col("planned_production", "计划投产", "date"),
    Col("owner", "责任单位"), Col("expected_revenue", "预计营收（万元）", "money"), Col("expected_tax", "预计税收（万元）", "money"),
]


def _names(view: GraphView, table: str, ids: pl.Series | None = None) -> dict[str, str]:
    """id → name of ``table``'s rows (of those with an id in ``ids`` when given)."""
    df = view.tables[table]
    if ids is not None:
        df = df.filter(pl.col("id").is_in(ids.drop_nulls().unique().implode()))
    return dict(zip(df.get_column("id").to_list(), df.get_column("name").to_list()))


def projects_sheet(view: GraphView, projects: pl.DataFrame) -> Sheet:
    """项目清单: the projects table with names instead of ids (the investors' names only: not a dict of every enterprise)."""
    ent, park, seg = _names(view, "enterprises", projects.get_column("enterprise_id")), _names(view, "parks"), _names(view, "segments")
    recs = []
    for r in projects.sort("id").iter_rows(named=True):
        r = dict(r)
        r["enterprise"] = ent.get(r.get("enterprise_id"), r.get("enterprise_id"))
        r["park"] = park.get(r.get("park_id"), r.get("park_id"))
        r["segment"] = seg.get(r.get("segment_id"), r.get("segment_id"))
        recs.append(r)
    return sheet(recs, PROJECT_COLS)


def _flags(v: Any) -> str:
    return "；".join(v) if isinstance(v, (list, tuple)) else str(v)


STALLED_COLS = [
    Col("project_id", "项目编号"), Col("name", "项目"), Col("stage", "阶段", zh=PROJECT_STAGE), Col("owner", "责任单位"),
    Col("stage_date", "阶段日期", "date"), Col("days", "无进展天数（天）", "int"), Col("investment", "投资额（万元）", "money"),
    Col("flags", "说明", zh=_flags),
]
OVERDUE_COLS = [
    Col("owner", "责任单位"), Col("project_id", "项目编号"), Col("name", "项目"), Col("stage", "阶段", zh=PROJECT_STAGE),
    Col("kind", "逾期事项", zh=lambda v: f"计划{fmt.OVERDUE_KIND_ZH.get(v, v)}"), Col("planned", "计划日期", "date"),
    Col("days_overdue", "逾期天数（天）", "int"),
]
INTENSITY_COLS = [
    Col("project_id", "项目编号"), Col("name", "项目"), Col("stage", "阶段", zh=PROJECT_STAGE), Col("owner", "责任单位"),
    Col("investment", "投资额（万元）", "money"), Col("land_mu", "用地（亩）", "mu"), Col("intensity", "投资强度（万元/亩）", "money"),
    Col("output_per_mu", "亩均产出（万元/亩）", "money"), Col("tax_per_mu", "亩均税收（万元/亩）", "money"), Col("flags", "预警", zh=_flags),
]
FILL_COLS = [
    Col("project_id", "项目编号"), Col("name", "项目"), Col("stage", "阶段", zh=PROJECT_STAGE), Col("chain_id", "产业链编号"),
    Col("segment_name", "补链环节"), Col("label", "环节现状", zh=LABEL), Col("priority", "补链优先级（0–100）", "score", na=True),
]


def stalled_sheet(rows: Iterable[ProjectFlagRow]) -> Sheet:
    return sheet((r.model_dump() for r in rows), STALLED_COLS)


def overdue_sheet(rows: Iterable[OverdueRow]) -> Sheet:
    """逾期: by 责任单位, days overdue descending (the order of the analysis)."""
    return sheet((r.model_dump() for r in rows), OVERDUE_COLS)


def intensity_sheet(rows: Iterable[ProjectFlagRow]) -> Sheet:
    """亩均预警: only the projects below a per-mu minimum."""
    return sheet((r.model_dump() for r in rows if r.flags), INTENSITY_COLS)


def fills_sheet(rows: Iterable[FillRow]) -> Sheet:
    return sheet((r.model_dump() for r in rows), FILL_COLS)


# ------------------------------------------------------------------ parks

OVERLAP_COLS = [
    Col("park_a_name", "园区甲"), Col("park_b_name", "园区乙"), Col("similarity", "相似度（0–1）", "ratio"),
    Col("basis", "口径", zh=_map(fmt.BASIS_ZH)), Col("flagged", "同质化预警", "bool"), Col("shared", "共同环节", "list"),
]


def overlap_sheet(pairs: Iterable[OverlapPair], segment_names: dict[str, str]) -> Sheet:
    recs = []
    for p in pairs:
        d = p.model_dump()
        d["shared"] = [segment_names.get(s, s) for s in p.shared_segments]
        recs.append(d)
    return sheet(recs, OVERLAP_COLS)


def concentration_sheet(rows: Iterable[Any]) -> Sheet:
    cols = [
        Col("park_name", "园区"), Col("basis", "口径", zh=_map(fmt.BASIS_ZH)), Col("total", "合计（按营收为万元，按企业数为家）", "money"),
        Col("top_industry_name", "第一大产业"), Col("top_share", "第一大产业占比（%）", "pct"), Col("focus_industries", "申报主导产业", "list"),
        Col("focus_share", "申报主导产业占比（%）", "pct"), Col("flagged", "预警", "bool"), Col("flags", "说明", "list"),
    ]
    return sheet((r.model_dump() for r in rows), cols)


PARK_STAT_COLS = [
    Col("period", "期间"), Col("fixed_investment", "固定资产投资（万元）", "money"), Col("revenue", "营业收入（万元）", "money"),
    Col("profit", "利润（万元）", "money"), Col("tax", "税收（万元）", "money"),
]

PARK_ENTERPRISE_COLS = [
    Col("id", "企业编号"), Col("name", "企业"), Col("segments", "环节", "list"), Col("revenue", "营收（万元）", "money"),
    Col("employees", "从业人数（人）", "int"), Col("growth", "营收增长（%）", "pct"), Col("qualifications", "资质", "list"),
    Col("pollution", "污染等级", zh=_map(fmt.GRADE_ZH)), Col("energy", "能耗等级", zh=_map(fmt.GRADE_ZH)),
]


def frame_sheet(df: pl.DataFrame, cols: list[Col]) -> Sheet:
    """A polars table (English columns) written for people by ``cols``."""
    return sheet(df.iter_rows(named=True), cols)


# ------------------------------------------------------------------ the province-wide park ranking

def _score_cols(kind: str) -> list[Col]:
    ind = PARK_INDICATOR_ZH
    value = [Col(f"v_{k}", f"{zh}（万元）", "money") for k, zh in ind.items()] if kind == "scale" else [Col(f"v_{k}", f"{zh}增速（%）", "pct") for k, zh in ind.items()]
    return [
        Col("rank", "名次", "int", na=True), Col("park_name", "园区"), Col("city_name", "城市"), Col("home", "本市", "bool"),
        Col("score", "得分（0–1）", na=True), *value, *[Col(f"p_{k}", f"{zh}分项（0–1）", "factor") for k, zh in ind.items()],
        Col("note", "说明", na=True),
    ]  # fmt: skip


def _score_records(rows: Iterable[Any]) -> list[dict[str, Any]]:
    recs = []
    for r in rows:
        d = r.model_dump()
        d["city_name"] = r.city_name or r.city_code
        d["score"] = None if r.score is None else round(r.score, 3)
        d.update({f"v_{k}": v for k, v in r.values.items()} | {f"p_{k}": v for k, v in r.parts.items()})
        recs.append(d)
    return recs


CITY_COLS = [
    Col("city_name", "城市"), Col("city_code", "城市代码"), Col("home", "本市", "bool"), Col("parks", "园区（个）", "int"),
    Col("top10_scale", "十强（个）", "int"), Col("top10_speed", "十快（个）", "int"), Col("star2plus", "二星级及以上（个）", "int"),
]  # fmt: skip
FIGURE_COLS = [
    Col("park_name", "园区"), Col("city_name", "城市"), Col("home", "本市", "bool"), Col("star", "星级", "int"), Col("area_mu", "面积（亩）", "mu"),
    Col("revenue_per_mu", "亩均营收（万元/亩）", "money"), Col("tax_per_mu", "亩均税收（万元/亩）", "money"),
    Col("fixed_investment_growth", "固投增速（%）", "pct"), Col("home_average_growth", "本市平均固投增速（%）", "pct"),
    Col("vs_home_points", "较本市平均（百分点）", "score"), Col("note", "说明", na=True),
]  # fmt: skip
COHESION_COLS = [
    Col("park_name", "园区"), Col("local_count", "本地企业（家）", "int"), Col("tied_count", "区内有供需关联（家）", "int"),
    Col("cohesion", "关联性（%）", "pct"), Col("flag", "预警", na=True), Col("chain_coverage", "主导产业链覆盖（%）", "pct"),
    Col("covered_segments", "已有环节（个）", "int"), Col("focus_segments", "主导产业链环节（个）", "int"), Col("notes", "说明", "list"),
]  # fmt: skip


def ranking_sheets(ranking: Any) -> dict[str, Sheet]:
    """十强, 十快, 各市对比, 本市对比 (the sentences), 亩均与固投增速 of a ParkRanking."""
    compare = Sheet(["对比"], [[c.sentence] for c in ranking.comparison] + [[ranking.home_note]])
    out = {"各市对比": sheet((c.model_dump() for c in ranking.by_city), CITY_COLS), "本市对比": compare}
    if ranking.period is None:  # no park_stats: the star counts only
        return out
    figures = [r.model_dump() | {"city_name": r.city_name or r.city_code, "vs_home_points": None if r.vs_home_average is None else 100 * r.vs_home_average} for r in ranking.parks]
    return {
        f"十强（{ranking.period}）": sheet(_score_records(ranking.scale), _score_cols("scale")),
        f"十快（较{ranking.previous_period}）": sheet(_score_records(ranking.speed), _score_cols("speed")),
        **out,
        "亩均与固投增速": sheet(figures, FIGURE_COLS),
    }


def cohesion_sheet(rows: Iterable[Any]) -> Sheet:
    """区内关联性: cohesion and chain coverage of the city's own parks."""
    return sheet((r.model_dump() for r in rows), COHESION_COLS)
