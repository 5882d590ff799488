"""Target-enterprise ranking for one segment (analysis.md, 'Target-enterprise ranking').

Definitions as built (README-ready):

* Pool: non-local enterprises (``local = false``) operating in S or in a
  sub-segment of S (``PART_OF``, transitively), one row per enterprise.
* Hard gates, in this order, each reporting how many it removed: pollution
  ``high`` (``gate_high_pollution``), energy ``high`` (``gate_high_energy``);
  ``gates=False`` switches both off. Then filters, in this order, each
  reporting how many it removed: province (equal after dropping a trailing
  省/市/自治区), listed only (``listed_code`` not empty), minimum revenue (a missing
  revenue does not pass), required qualifications (all must be held;
  专精特新小巨人 implies 专精特新), minimum coverage (``min_coverage`` > 0).
* **Unknown is not zero.** Every factor is made of parts, each backed by one
  piece of data; a part whose data is unknown takes ``unknown_value`` (0.5)
  and its reason says "无数据". Known-none is explicit: patents ``0``,
  qualifications ``无``; an empty cell is unknown.
* Percentile of a value v in the ranked pool (after gates and filters) =
  (number of pool enterprises with a known value ≤ v) / (number with a known
  value); the top enterprise scores 1, ties share the higher value. For
  revenue and patents a known value of 0 scores 0.
* ``scale`` = revenue percentile (one part).
* ``innovation`` = 0.5 × patents part + 0.5 × qualifications part; patents
  part = patents percentile; qualifications part = min(1, bonus), bonus =
  0.3 for 高新技术企业 + 0.3 for 专精特新 + 0.4 for 专精特新小巨人 (which implies
  专精特新, so a 小巨人 alone has bonus 0.7). Qualifications are known when the
  list names one of the three or says ``无``; a list of other entries only
  (``上市``) says nothing about them and is unknown.
* ``ties`` = min(1, n / ties_saturation (3)), n = distinct local (in-scope)
  enterprises the candidate supplies or buys from (``supply_links``); known
  (0 when there are none) only when the dataset has supply links at all.
* ``fit`` = 0.5 × share part + 0.5 × confidence part; share = min(1, Σ given
  shares in S and its sub-segments); confidence = best of the links:
  confirmed 1.0, likely 0.5.
* ``growth`` = growth percentile (negative growth included; one part).
* ``green`` = mean of the pollution part and the energy part, low 1, medium
  0.5, high 0.
* ``coverage`` = Σᵢ wᵢ·kᵢ / Σᵢ wᵢ, kᵢ = the share of factor i's parts whose
  data is known (0, ½ or 1); with all weights 0, the plain mean of the kᵢ.
* score = 100 × Σ wᵢ·fᵢ / Σ wᵢ (0 when all weights are 0).
* Pipeline: an enterprise in a project at stage signed, started or producing
  is flagged ``in_pipeline`` with its most advanced stage; it stays in the
  rows, after the ranked targets, with ``rank = None`` (not offered as a new
  target; ``top`` does not count it). Earlier stages (lead, negotiating) only
  set ``pipeline_stage`` and add a reason.
* Ranked targets sorted by score (desc), then enterprise id; ``top`` cuts
  after sorting.
"""

from __future__ import annotations

import re
from typing import Iterable

import numpy as np
import polars as pl

from graph.analysis.memo import AnalysisMemo
from graph.analysis.presence import _es_base, segment_closure
from graph.analysis.results import TargetResult
from graph.analysis.scope import Scope, check_scope, local_ids, memo, scope_flags
from graph.analysis.target_rows import QUAL_GIANT, QUAL_HIGH_TECH, QUAL_SRDI, TARGET_FACTORS, target_rows
from graph.schema import PROJECT_STAGES
from graph.settings import AnalysisSettings
from graph.view import GraphView

POOL_CACHE = 64  # segments whose prepared pool a view keeps (least recently used first out)
#: the enterprise columns the ranking, the filters and the rows read (the rest of the record stays in the view)
POOL_COLUMNS = ("name", "province", "revenue", "listed_code", "qualifications", "patents", "pollution", "energy", "growth")
GROUP = "_seg"  # the segment of a row when the pools of several segments are stacked (graph.analysis.target_batch)
QUAL_BONUS = {QUAL_HIGH_TECH: 0.3, QUAL_SRDI: 0.3, QUAL_GIANT: 0.4}
CONFIDENCE_FACTOR = {"confirmed": 1.0, "likely": 0.5}
GRADE_SCORE = {"low": 1.0, "medium": 0.5, "high": 0.0}
PIPELINE_FROM = PROJECT_STAGES.index("signed")


_PROVINCE_SUFFIX = r"^(.{2,}?)(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$"


def _norm_province(p: str | None) -> str:
    """``江苏省`` → ``江苏``; ``广西壮族自治区`` → ``广西`` (the same rule as the polars filter)."""
    return re.sub(_PROVINCE_SUFFIX, r"\1", (p or "").strip())


QUAL_NONE = "无"
#: factor -> its parts (each backed by one piece of data; a factor's coverage is the known share of its parts)
FACTOR_PARTS: dict[str, tuple[str, ...]] = {
    "scale": ("revenue",),
    "innovation": ("patents", "qualifications"),
    "ties": ("ties",),
    "fit": ("share", "confidence"),
    "growth": ("growth",),
    "green": ("pollution", "energy"),
}


def _qual_flags() -> list[pl.Expr]:
    """高新 / 专精特新 / 小巨人 flags, and whether the list says anything about them (one of the three, or ``无``)."""
    q = pl.col("qualifications").fill_null([])

    def has(pattern: str) -> pl.Expr:
        return q.list.eval(pl.element().str.contains(pattern)).list.any().fill_null(False)

    giant = has("小巨人")
    srdi = has("专精特新") | giant
    hightech = has("高新技术")
    none = q.list.eval(pl.element().str.strip_chars() == QUAL_NONE).list.any().fill_null(False)
    return [hightech.alias("_hightech"), srdi.alias("_srdi"), giant.alias("_giant"), (hightech | srdi | none).alias("_k_qualifications")]


def _pct(col: str, zero_floor: bool, by: str | None = None) -> list[pl.Expr]:
    """CDF percentile of ``col`` (share of known values ≤ own; null when unknown), the position (1 = best; ties share it) and the known count.

    ``by``: within each group of that column (the pools of several segments in one frame), else over the whole frame.
    """
    c = pl.col(col)
    n = c.count() if by is None else c.count().over(by)
    rank = c.rank("max") if by is None else c.rank("max").over(by)
    # polars divides by a scalar as a product with its reciprocal: within groups the same product, for the same last bit
    pct = rank / n if by is None else rank.cast(pl.Float64) * (1.0 / n.cast(pl.Float64))
    if zero_floor:
        pct = pl.when(c <= 0).then(0.0).otherwise(pct)
    pos = n - rank + 1
    return [pct.cast(pl.Float64).alias(f"_{col}_pct"), pos.cast(pl.Int64).alias(f"_{col}_pos"), n.cast(pl.Int64).alias(f"_{col}_n")]


def _candidate_rows(view: GraphView) -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
    """Row numbers (in ``_es_base``) of the links of non-local enterprises grouped by segment, and each segment's (offset, length) in them (memoised).

    A segment's pool is then a gather of its few thousand rows instead of a filter over every link.
    """

    def build() -> tuple[np.ndarray, dict[str, tuple[int, int]]]:
        base = _es_base(view)
        cand = scope_flags(view, Scope.city()).get_column("candidate")  # local = false (shared with gaps and ties)
        g = (
            base.select("segment_id", cand.gather(base.get_column("_eidx")).alias("_cand"))
            .with_row_index("_row")
            .filter(pl.col("_cand"))
            .group_by("segment_id")
            .agg("_row")
        )
        flat = g.get_column("_row").explode().to_numpy()
        offsets, at = {}, 0
        for seg, n in zip(g.get_column("segment_id").to_list(), g.get_column("_row").list.len().to_list()):
            offsets[seg] = (at, n)
            at += n
        return flat, offsets

    return memo(view, ("candidate_rows_by_segment",), build)


def _member_rows(flat: np.ndarray, offsets: dict, members: Iterable[str]) -> np.ndarray:
    """The candidate rows (of :func:`_candidate_rows`) in the segments ``members``, in table order."""
    parts = [flat[o : o + n] for o, n in (offsets[m] for m in dict.fromkeys(members) if m in offsets)]
    return np.sort(np.concatenate(parts)).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)


def _pool_frame(view: GraphView, idx: np.ndarray, owner: np.ndarray | None = None) -> pl.DataFrame:
    """Rows ``idx`` of ``_es_base`` as a pool: one row per enterprise, with share and confidence, in table order.

    ``owner``: the group of each row (:data:`GROUP`, the pools of several segments stacked): one row per
    group and enterprise, the groups in ascending order.
    """
    keys = ["enterprise_id"] if owner is None else [GROUP, "enterprise_id"]
    sel = _es_base(view).select(pl.all().gather(pl.Series(idx, dtype=pl.Int64))).with_columns(
        *([] if owner is None else [pl.Series(GROUP, owner, dtype=pl.Int64)]),
        pl.col("confidence").replace_strict(CONFIDENCE_FACTOR, default=None, return_dtype=pl.Float64).alias("_conf"),
    )
    rows = (
        sel.group_by(*keys)
        .agg(
            pl.col("_eidx").first(),
            pl.when(pl.col("share").count() > 0).then(pl.col("share").sum().clip(upper_bound=1.0)).otherwise(None).alias("share"),
            pl.col("_conf").max().alias("_conf"),
            pl.col("confidence").sort_by(pl.col("_conf").fill_null(-1.0), descending=True).first().alias("confidence"),
        )
        .sort(*keys[:-1], "_eidx")
    )
    ent = view.enterprises.select(pl.col(POOL_COLUMNS).gather(rows.get_column("_eidx")))
    return pl.concat([rows.drop("_eidx"), ent], how="horizontal")


def _pool(view: GraphView, segment_id: str) -> pl.DataFrame:
    """Non-local enterprises in S (with sub-segments): one row each, with share and confidence."""
    members = segment_closure(view).filter(pl.col("segment_id") == segment_id).get_column("member_id").to_list()
    flat, offsets = _candidate_rows(view)
    return _pool_frame(view, _member_rows(flat, offsets, members))


def _settled(pool: pl.DataFrame, view: GraphView, has_supply_links: bool) -> pl.DataFrame:
    """A pool with what does not depend on the settings: known flags, pipeline stage, ``_in_pipe``."""
    return _known(pool, has_supply_links).join(_pipeline(view), on="enterprise_id", how="left").with_columns(
        (pl.col("_stage_i").fill_null(-1) >= PIPELINE_FROM).alias("_in_pipe")
    )


def _prepared_pool(view: GraphView, segment_id: str) -> pl.DataFrame:
    """The pool of S with everything that does not depend on the settings: known flags, per-factor coverage, pipeline stage.

    Built once per view and segment (kept for the :data:`POOL_CACHE` most recently used segments, in
    the view's entry of the analysis memo); weights, gates, filters and percentiles stay per call.
    """
    pools = memo(view, ("target_pools",), lambda: AnalysisMemo(maxsize=POOL_CACHE))
    has_supply_links = view.has_supply_links()

    return pools.get(view, segment_id, lambda: _settled(_pool(view, segment_id), view, has_supply_links))


def _ties(view: GraphView, scope: Scope) -> pl.DataFrame:
    """Per enterprise: distinct local (in-scope) enterprises it supplies (``_to``), buys from (``_from``), either (``_ties_n``) (memoised per scope)."""

    def build() -> pl.DataFrame:
        local = local_ids(view, scope).to_frame("cp")
        sl = view.supply_links.select("supplier_id", "customer_id")
        to = sl.rename({"supplier_id": "enterprise_id", "customer_id": "cp"}).join(local, on="cp", how="semi").with_columns(pl.lit("to").alias("dir"))
        frm = sl.rename({"customer_id": "enterprise_id", "supplier_id": "cp"}).join(local, on="cp", how="semi").with_columns(pl.lit("from").alias("dir"))
        both = pl.concat([to.select("enterprise_id", "cp", "dir"), frm.select("enterprise_id", "cp", "dir")]).filter(pl.col("enterprise_id") != pl.col("cp"))
        return both.group_by("enterprise_id").agg(
            pl.col("cp").filter(pl.col("dir") == "to").n_unique().cast(pl.Int64).alias("_to"),
            pl.col("cp").filter(pl.col("dir") == "from").n_unique().cast(pl.Int64).alias("_from"),
            pl.col("cp").n_unique().cast(pl.Int64).alias("_ties_n"),
        )

    return memo(view, ("target_ties", str(scope)), build)


def _pipeline(view: GraphView) -> pl.DataFrame:
    """Per enterprise in a project: its most advanced stage and project ids (memoised)."""

    def build() -> pl.DataFrame:
        order = {s: i for i, s in enumerate(PROJECT_STAGES)}
        pr = view.projects.filter(pl.col("enterprise_id").is_not_null() & pl.col("stage").is_in(list(PROJECT_STAGES)))
        pr = pr.with_columns(pl.col("stage").replace_strict(order, return_dtype=pl.Int64).alias("_si"))
        return pr.group_by("enterprise_id").agg(
            pl.col("_si").max().alias("_stage_i"),
            pl.col("id").filter(pl.col("_si") >= PIPELINE_FROM).sort().alias("_pipe_projects"),
            pl.col("id").filter(pl.col("_si") == pl.col("_si").max()).sort().alias("_top_projects"),
        )

    return memo(view, ("target_pipeline",), build)




def _gates(pool: pl.DataFrame, settings: AnalysisSettings, gates: bool) -> tuple[pl.DataFrame, dict[str, int]]:
    """Hard gates, pollution then energy: (remaining pool, removed per gate)."""
    removed: dict[str, int] = {}
    for name, on in (("pollution", settings.gate_high_pollution), ("energy", settings.gate_high_energy)):
        before = pool.height
        if gates and on:
            pool = pool.filter((pl.col(name) != "high").fill_null(True))
        removed[name] = before - pool.height
    return pool, removed


def _has_quals(quals: list[str]) -> pl.Expr:
    """All of ``quals`` held (专精特新小巨人 implies 专精特新; the three scored ones also by substring)."""
    implied = {QUAL_SRDI: "_srdi", QUAL_GIANT: "_giant", QUAL_HIGH_TECH: "_hightech"}
    cond = pl.lit(True)
    for q in quals:
        has = pl.col("qualifications").fill_null([]).list.contains(q)
        if q in implied:
            has = has | pl.col(implied[q])
        cond = cond & has.fill_null(False)
    return cond


def _filters(
    pool: pl.DataFrame,
    settings: AnalysisSettings,
    province: str | None,
    listed_only: bool,
    min_revenue: float | None,
    quals: list[str],
) -> tuple[pl.DataFrame, dict[str, int]]:
    """Filters in order (province, listed, minimum revenue, qualifications, minimum coverage): (remaining pool, removed per active filter)."""
    removed: dict[str, int] = {}
    for name, cond in _filter_steps(settings, province, listed_only, min_revenue, quals):
        before = pool.height
        pool = pool.filter(cond)
        removed[name] = before - pool.height
    return pool, removed


def _filter_steps(
    settings: AnalysisSettings, province: str | None, listed_only: bool, min_revenue: float | None, quals: list[str]
) -> list[tuple[str, pl.Expr]]:
    """The active filters in order, each (name, condition a kept row meets)."""
    steps: list[tuple[str, pl.Expr]] = []
    if province:
        norm = pl.col("province").str.strip_chars().str.replace(_PROVINCE_SUFFIX, "${1}")
        steps.append(("province", (norm == _norm_province(province)).fill_null(False)))
    if listed_only:
        steps.append(("listed_only", pl.col("listed_code").fill_null("").str.strip_chars() != ""))
    if min_revenue is not None:
        steps.append(("min_revenue", (pl.col("revenue") >= float(min_revenue)).fill_null(False)))
    if quals:
        steps.append(("qualifications", _has_quals(quals)))
    if settings.min_coverage > 0:
        steps.append(("min_coverage", pl.col("coverage").round(9) >= round(settings.min_coverage, 9)))
    return steps


def _weights(settings: AnalysisSettings) -> dict[str, float]:
    return {k: float(getattr(settings.target_weights, k)) for k in TARGET_FACTORS}


def _known(pool: pl.DataFrame, has_supply_links: bool) -> pl.DataFrame:
    """Per part: is its data known (``_k_<part>``); per factor the known share of its parts (``_c_<factor>``)."""
    grades = list(GRADE_SCORE)
    pool = pool.with_columns(_qual_flags()).with_columns(
        pl.col("revenue").is_not_null().alias("_k_revenue"),
        pl.col("patents").is_not_null().alias("_k_patents"),
        pl.lit(has_supply_links).alias("_k_ties"),
        pl.col("share").is_not_null().alias("_k_share"),
        pl.col("_conf").is_not_null().alias("_k_confidence"),
        pl.col("growth").is_not_null().alias("_k_growth"),
        pl.col("pollution").is_in(grades).fill_null(False).alias("_k_pollution"),
        pl.col("energy").is_in(grades).fill_null(False).alias("_k_energy"),
    )
    return pool.with_columns(
        (pl.sum_horizontal([pl.col(f"_k_{p}").cast(pl.Float64) for p in parts]) / len(parts)).alias(f"_c_{f}")
        for f, parts in FACTOR_PARTS.items()
    )


def _coverage(pool: pl.DataFrame, settings: AnalysisSettings) -> pl.DataFrame:
    """``coverage`` = Σ wᵢ·kᵢ / Σ wᵢ over the factors (the plain mean of the kᵢ when every weight is 0)."""
    w = _weights(settings)
    wsum = sum(w.values())
    if wsum > 0:
        cov = pl.sum_horizontal([pl.col(f"_c_{f}") * (w[f] / wsum) for f in TARGET_FACTORS])
    else:
        cov = pl.mean_horizontal([pl.col(f"_c_{f}") for f in TARGET_FACTORS])
    return pool.with_columns(cov.alias("coverage"))


def _factors(pool: pl.DataFrame, view: GraphView, scope: Scope, settings: AnalysisSettings, by: str | None = None) -> pl.DataFrame:
    """Factor values ``f_<factor>`` (0–1): percentiles in the ranked pool (in each group of ``by``), an unknown part = ``unknown_value``."""
    u = float(settings.unknown_value)
    bonus = (
        pl.col("_hightech").cast(pl.Float64) * QUAL_BONUS[QUAL_HIGH_TECH]
        + pl.col("_srdi").cast(pl.Float64) * QUAL_BONUS[QUAL_SRDI]
        + pl.col("_giant").cast(pl.Float64) * QUAL_BONUS[QUAL_GIANT]
    ).clip(upper_bound=1.0)

    def part(known: str, value: pl.Expr) -> pl.Expr:
        return pl.when(pl.col(f"_k_{known}")).then(value).otherwise(pl.lit(u))

    def grade(col: str) -> pl.Expr:
        return part(col, pl.col(col).replace_strict(GRADE_SCORE, default=None, return_dtype=pl.Float64))

    ties = (pl.col("_ties_n").cast(pl.Float64) / settings.ties_saturation).clip(upper_bound=1.0)
    return (
        pool.join(_ties(view, scope), on="enterprise_id", how="left")
        .with_columns(
            pl.col("_to").fill_null(0),
            pl.col("_from").fill_null(0),
            pl.col("_ties_n").fill_null(0),
            *_pct("revenue", True, by),
            *_pct("patents", True, by),
            *_pct("growth", False, by),
        )
        .with_columns(
            part("revenue", pl.col("_revenue_pct")).alias("f_scale"),
            (0.5 * part("patents", pl.col("_patents_pct")) + 0.5 * part("qualifications", bonus)).alias("f_innovation"),
            part("ties", ties).alias("f_ties"),
            (0.5 * part("share", pl.col("share")) + 0.5 * part("confidence", pl.col("_conf"))).alias("f_fit"),
            part("growth", pl.col("_growth_pct")).alias("f_growth"),
            ((grade("pollution") + grade("energy")) / 2.0).alias("f_green"),
        )
    )


def _rank(scored: pl.DataFrame, settings: AnalysisSettings, by: str | None = None) -> pl.DataFrame:
    """Score and sort (score desc on 9 decimals, then id): the ranked targets with ``_rank`` 1…n, then the pipeline rows without one
    (``by``: the groups of that column one after the other, in its ascending order, each ranked on its own)."""
    w = _weights(settings)
    wsum = sum(w.values())
    score = sum((pl.col(f"f_{k}") * w[k] for k in TARGET_FACTORS), pl.lit(0.0))
    scored = scored.with_columns((100.0 * score / wsum if wsum > 0 else pl.lit(0.0)).alias("score"))
    # rounded key: float sums may differ in the last bit between runs; that must not reorder ties
    keys, desc = [pl.col("_in_pipe"), pl.col("score").round(9), pl.col("enterprise_id")], [False, True, False]
    scored = scored.sort(keys if by is None else [pl.col(by), *keys], descending=desc if by is None else [False, *desc])
    fresh = pl.int_range(1, pl.len() + 1, dtype=pl.Int64)
    return scored.with_columns(pl.when(~pl.col("_in_pipe")).then(fresh if by is None else fresh.over(by)).otherwise(None).alias("_rank"))


def _segment_row(view: GraphView, segment_id: str) -> dict:
    seg = view.segments.filter(pl.col("id") == segment_id)
    if seg.height == 0:
        raise ValueError(f"未知环节编号 {segment_id!r}")
    return seg.row(0, named=True)


def targets(
    view: GraphView,
    settings: AnalysisSettings,
    segment_id: str,
    *,
    scope: Scope | str = Scope.city(),
    top: int | None = None,
    offset: int = 0,
    gates: bool = True,
    province: str | None = None,
    listed_only: bool = False,
    min_revenue: float | None = None,
    qualifications: Iterable[str] = (),
) -> TargetResult:
    """Rank the candidate enterprises (non-local) for recruiting into segment ``segment_id``.

    Parameters
    ----------
    view : GraphView
    settings : AnalysisSettings
        Uses ``target_weights``, ``gate_high_pollution``, ``gate_high_energy``, ``ties_saturation``,
        ``unknown_value`` and ``min_coverage``.
    segment_id : str
    scope : Scope or str
        Local enterprises for the ``ties`` factor (default the city).
    top, offset : int, optional
        Rows (with reasons) for the ranked targets ``offset`` … ``offset + top - 1`` (0-based; all when
        ``top`` is None), then every enterprise already in the pipeline. ``ranked_ids`` and
        ``ranked_scores`` hold the whole order whatever the page.
    gates : bool
        False switches both hard gates off.
    province, listed_only, min_revenue, qualifications
        Filters; each reports how many enterprises it removed (so does ``settings.min_coverage`` when > 0).

    Returns
    -------
    TargetResult

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> res = targets(tiny_view(), AnalysisSettings(), "S2")
    >>> res.pool_size, res.gate_removed
    (2, {'pollution': 1, 'energy': 0})
    >>> r = res.rows[0]; r.enterprise_id, r.rank, r.in_pipeline, round(r.score, 2), round(r.coverage, 2)
    ('X1', None, True, 79.67, 1.0)
    >>> r.factor_reasons["ties"], r.factor_reasons["innovation"]
    ('向本地1家企业供货', '专利40件，本环节1家中排第1；专精特新小巨人')

    Without gates, X2 joins: no qualifications, growth or share known, those parts neutral (0.5)

    >>> x2 = targets(tiny_view(), AnalysisSettings(), "S2", gates=False).rows[0]
    >>> x2.enterprise_id, x2.factors["innovation"], x2.factors["growth"], round(x2.coverage, 3)
    ('X2', 0.5, 0.5, 0.725)
    >>> x2.factor_reasons["innovation"], x2.factor_reasons["growth"]
    ('专利3件，本环节2家中排第2；高新技术企业/专精特新资质无数据', '增长率无数据')

    A page of no rows still carries the whole order (and the pipeline rows)

    >>> page = targets(tiny_view(), AnalysisSettings(), "S2", gates=False, top=0)
    >>> page.ranked_ids, page.ranked_scores, [r.enterprise_id for r in page.rows]
    (['X2'], [40.0], ['X1'])
    """
    scope = Scope.parse(scope)
    check_scope(view, scope)
    seg_row = _segment_row(view, segment_id)
    pool = _coverage(_prepared_pool(view, segment_id), settings)
    pool_size = pool.height
    pool, gate_removed = _gates(pool, settings, gates)
    pool, filter_removed = _filters(pool, settings, province, listed_only, min_revenue, [q.strip() for q in qualifications if q and q.strip()])
    ranked = _rank(_factors(pool, view, scope, settings), settings)
    fresh, offset = ranked.filter(~pl.col("_in_pipe")), max(0, int(offset))
    page = fresh.slice(offset, None if top is None else max(0, int(top)))
    return TargetResult(
        segment_id=segment_id, segment_name=seg_row.get("name"), chain_id=seg_row.get("chain_id"), scope=str(scope),
        pool_size=pool_size, ranked_size=pool.height, gate_removed=gate_removed, filter_removed=filter_removed,
        rows=target_rows(pl.concat([page, ranked.filter(pl.col("_in_pipe"))])), offset=offset,
        ranked_ids=fresh.get_column("enterprise_id").to_list(), ranked_scores=fresh.get_column("score").to_list(),
        settings=settings.model_dump(),
    )  # fmt: skip
