"""Segment presence: local count, revenue, above-scale count, candidates (analysis.md, 'Segment presence').

Everything per enterprise is a polars join / group-by; Python only loops over
segments. Results are memoised on the view per (scope, extra_local, threshold).

Share weighting (documented choice): an enterprise's revenue counts in segment
S with weight ``min(1, Σ share)`` over its ``enterprise_segments`` rows in S
and S's sub-segments (``PART_OF``, transitively), a missing share counting as
1 (the whole revenue). So an enterprise is counted once per segment, and its
revenue never more than once per segment, even if it operates in several
sub-segments.

Float sums (the shares of an enterprise in a segment, the weighted revenues of a segment) add
in one defined order, :func:`ordered_sum`: ascending values, one after the other. The figures are
then the same bits on every run and on both stores, also when the Neo4j server counts the local
side itself (:data:`LOCAL_PRESENCE`, :mod:`graph.queries.presence`).
"""

from __future__ import annotations

from typing import Iterable

import networkx as nx
import polars as pl

from graph.analysis.scope import ExtraLocal, Scope, memo, normalise_extra, require_every_local, scope_flags
from graph.settings import AnalysisSettings
from graph.view import GraphView

#: aggregate of a scoped view: the local side of presence counted by the server, per (scope, above-scale threshold)
LOCAL_PRESENCE = "local_presence"
PRESENCE_COLUMNS = {"segment_id": pl.Utf8, "local_count": pl.Int64, "local_revenue": pl.Float64, "above_scale_count": pl.Int64}


def ordered_sum(col: str) -> pl.Expr:
    """The sum of ``col`` in a group, added in ascending order one value after the other (from 0.0).

    A sequential sum in a defined order, so it is reproducible bit for bit elsewhere (the Neo4j
    server's ``reduce`` over the sorted values, :mod:`graph.queries.presence`); a plain polars sum
    adds pairwise in blocks.

    >>> df = pl.DataFrame({"g": [1, 1, 1, 2], "x": [0.3, 0.1, 0.2, 5.0]})
    >>> df.group_by("g", maintain_order=True).agg(ordered_sum("x")).rows()
    [(1, 0.6000000000000001), (2, 5.0)]
    """
    return (pl.col(col).sort().cum_sum().last() + 0.0).alias(col)


def served_presence(view: GraphView, scope: Scope, threshold: float) -> pl.DataFrame | None:
    """The local side of presence in ``scope`` as the server counted it for ``view`` (None: not there).

    >>> served_presence(GraphView({}), Scope.city(), 2000.0) is None
    True
    """
    return (view.aggregates.get(LOCAL_PRESENCE) or {}).get((str(scope), float(threshold)))


def segment_closure(view: GraphView) -> pl.DataFrame:
    """Pairs ``(segment_id, member_id)``: member is the segment itself or a sub-segment of it (transitively).

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> c = segment_closure(tiny_view())
    >>> sorted(c.filter(pl.col("segment_id") == "S1").get_column("member_id").to_list())
    ['S1', 'S1a']
    """

    def build() -> pl.DataFrame:
        g = view.part_of_graph  # child -> parent
        seg_ids = view.segments.get_column("id").to_list()
        a: list[str] = []
        m: list[str] = []
        for s in seg_ids:
            a.append(s)
            m.append(s)
            if s in g:
                for d in nx.ancestors(g, s):  # ancestors in child->parent graph = sub-segments
                    a.append(s)
                    m.append(d)
        return pl.DataFrame({"segment_id": a, "member_id": m}, schema={"segment_id": pl.Utf8, "member_id": pl.Utf8}).unique()

    return memo(view, ("segment_closure",), build)


def _es_base(view: GraphView) -> pl.DataFrame:
    """``enterprise_segments`` (enterprise_id, segment_id, share, confidence) with the enterprise's row index ``_eidx`` (memoised).

    Per-scope flags are aligned with the enterprises table, so a scope is applied to these rows with a
    gather on ``_eidx`` instead of a join. Rows whose enterprise is unknown are dropped.
    """

    def build() -> pl.DataFrame:
        links = view.enterprise_segments.select("enterprise_id", "segment_id", "share", "confidence")
        persisted = view.indexes.get("es_eidx")
        if persisted is not None and len(persisted) == links.height:  # computed at ingest (graph.stores.viewfile)
            return links.with_columns(persisted.alias("_eidx"))
        idx = view.enterprises.select(pl.col("id").alias("enterprise_id")).with_row_index("_eidx")
        return links.join(idx, on="enterprise_id", how="inner")

    return memo(view, ("es_base",), build)


def _local_rows(view: GraphView, scope: Scope, extra: ExtraLocal) -> pl.DataFrame:
    """Raw enterprise_segments rows of local enterprises (plus what-if pairs): enterprise_id, segment_id, share, revenue."""
    require_every_local(view)
    flags = scope_flags(view, scope)
    base = _es_base(view)
    eidx = base.get_column("_eidx")
    local = (
        base.with_columns(flags.get_column("in_scope").gather(eidx).alias("_in"), flags.get_column("revenue").gather(eidx).alias("revenue"))
        .filter(pl.col("_in"))
        .select("enterprise_id", "segment_id", "share", "revenue")
    )
    if extra:
        pairs = pl.DataFrame({"enterprise_id": [e for e, _ in extra], "segment_id": [s for _, s in extra]})
        add = (
            pairs.join(base.select("enterprise_id", "segment_id", "share"), on=["enterprise_id", "segment_id"], how="left")
            .join(flags.select("enterprise_id", "revenue"), on="enterprise_id", how="inner")
            .select("enterprise_id", "segment_id", "share", "revenue")
        )
        local = pl.concat([local, add]).unique(subset=["enterprise_id", "segment_id"], keep="first", maintain_order=True)
    return local


def _candidate_rows(view: GraphView) -> pl.DataFrame:
    """enterprise_segments rows of non-local enterprises: enterprise_id, segment_id, _eidx (memoised; scope-independent)."""

    def build() -> pl.DataFrame:
        base = _es_base(view)
        cand = view.enterprises.select((pl.col("local") == False).fill_null(False)).to_series()  # noqa: E712
        return base.filter(cand.gather(base.get_column("_eidx"))).select("enterprise_id", "segment_id", "_eidx")

    return memo(view, ("candidate_rows",), build)


def _candidate_counts(view: GraphView, extra: ExtraLocal) -> pl.DataFrame:
    """segment_id, candidate_count (distinct candidates in the segment and its sub-segments), memoised per what-if pairs."""

    def build() -> pl.DataFrame:
        counted = view.aggregates.get("candidate_counts")
        if counted is not None:  # a scoped view: counted by the server, less the candidates that land (what-if)
            counted = counted.select(pl.col("segment_id").cast(pl.Utf8), pl.col("candidate_count").cast(pl.Int64))
            return _less_landed(view, counted, extra) if extra else counted
        if view.scoped:
            raise ValueError("精简视图未包含候选企业数，无法计算环节情况（请读取完整视图）")
        cand = _candidate_rows(view)
        if extra:
            pairs = pl.DataFrame({"enterprise_id": [e for e, _ in extra], "segment_id": [s for _, s in extra]})
            cand = cand.join(pairs, on=["enterprise_id", "segment_id"], how="anti")
        return _count_candidates(cand, segment_closure(view))

    return memo(view, ("candidate_counts", extra), build)


def candidate_counts_full(view: GraphView) -> pl.DataFrame:
    """``segment_id``, ``candidate_count``: the distinct candidates of each segment and its sub-segments
    (segments without any are left out), as presence counts them; what a Neo4j write stores for its
    scoped view (:mod:`graph.stores.scoped_stored`).

    >>> from graph.analysis._example import tiny_view
    >>> candidate_counts_full(tiny_view()).rows()
    [('S2', 2)]
    """
    return _candidate_counts(view, ()).sort("segment_id")


def _count_candidates(cand: pl.DataFrame, closure: pl.DataFrame) -> pl.DataFrame:
    """segment_id, candidate_count: distinct ``_eidx`` of ``cand`` rows in each segment's ``closure``.

    Segment ids become their codes in one enum first, so the 2M-row join and group-by at 1M
    enterprises run on small integers instead of text (half the time, measured).

    >>> cand = pl.DataFrame({"segment_id": ["S1a", "S1", "S9"], "_eidx": [0, 0, 1]}, schema_overrides={"_eidx": pl.UInt32})
    >>> closure = pl.DataFrame({"segment_id": ["S1", "S1", "S1a"], "member_id": ["S1", "S1a", "S1a"]})
    >>> _count_candidates(cand, closure).sort("segment_id").rows()
    [('S1', 1), ('S1a', 1)]
    """
    names = closure.get_column("segment_id").unique().sort()
    enum = pl.Enum(names)
    codes = closure.select(
        pl.col("member_id").cast(enum, strict=False).to_physical().alias("_m"), pl.col("segment_id").cast(enum).to_physical().alias("_s")
    )
    rows = cand.select(pl.col("segment_id").cast(enum, strict=False).to_physical().alias("_m"), "_eidx").drop_nulls("_m")
    counted = rows.join(codes, on="_m", how="inner").group_by("_s").agg(pl.col("_eidx").n_unique().cast(pl.Int64).alias("candidate_count"))
    return counted.select(names.gather(counted.get_column("_s")).alias("segment_id"), "candidate_count")


def _less_landed(view: GraphView, counted: pl.DataFrame, extra: ExtraLocal) -> pl.DataFrame:
    """Server-counted candidates minus those the what-if pairs take out of a segment.

    The view holds every ``enterprise_segments`` row of the landed enterprises (``complete_rows``),
    so a candidate leaves segment S only when no row of it in S or a sub-segment remains.
    """
    ids = sorted({e for e, _ in extra})
    cand = view.enterprises.filter(pl.col("id").is_in(ids) & (pl.col("local") == False).fill_null(False))  # noqa: E712
    rows = view.enterprise_segments.filter(pl.col("enterprise_id").is_in(cand.get_column("id").implode())).select("enterprise_id", "segment_id")
    pairs = pl.DataFrame({"enterprise_id": [e for e, _ in extra], "segment_id": [s for _, s in extra]}, schema={"enterprise_id": pl.Utf8, "segment_id": pl.Utf8})
    closure = segment_closure(view)

    def per_segment(r: pl.DataFrame) -> pl.DataFrame:
        j = r.rename({"segment_id": "member_id"}).join(closure, on="member_id", how="inner")
        return j.group_by("segment_id").agg(pl.col("enterprise_id").n_unique().cast(pl.Int64).alias("n"))

    before, after = per_segment(rows), per_segment(rows.join(pairs, on=["enterprise_id", "segment_id"], how="anti"))
    delta = before.join(after, on="segment_id", how="left", suffix="_after").select(
        "segment_id", (pl.col("n") - pl.col("n_after").fill_null(0)).alias("_gone")
    )
    return counted.join(delta, on="segment_id", how="left").select(
        "segment_id", (pl.col("candidate_count") - pl.col("_gone").fill_null(0)).cast(pl.Int64).alias("candidate_count")
    )


def whatif_ready(view: GraphView, extra: ExtraLocal) -> bool:
    """Whether what-if ``extra`` can run on ``view``: a full view, or a scoped one holding every row of
    each landed enterprise (local ones, or read whole: ``complete_rows``, :func:`graph.stores.neo4j_scoped.add_companies`).

    >>> from graph.analysis._example import tiny_view
    >>> whatif_ready(tiny_view(), (("X1", "S2"),))
    True
    """
    if not view.scoped or not extra:
        return True
    whole = set(view.aggregates.get("complete_rows", ())) | set(view.enterprises.select("id", "local").filter(pl.col("local").fill_null(False)).get_column("id").to_list())
    return {e for e, _ in extra} <= whole and view.aggregates.get("candidate_counts") is not None


def segment_presence(
    view: GraphView,
    settings: AnalysisSettings,
    scope: Scope | str = Scope.city(),
    extra_local: Iterable[tuple[str, str]] = (),
) -> pl.DataFrame:
    """One row per segment with its local presence in ``scope``.

    Parameters
    ----------
    view : GraphView
    settings : AnalysisSettings
        Uses ``above_scale_revenue``.
    scope : Scope or str
        ``city`` (default), ``park:ID`` or ``region:CODE``.
    extra_local : iterable of (enterprise_id, segment_id)
        What-if: these enterprises are treated as local and operating in that
        segment (and no longer as candidates there).

    Returns
    -------
    polars.DataFrame
        Columns ``segment_id, chain_id, local_count, local_revenue,
        above_scale_count, candidate_count, present``, sorted by segment_id;
        ``local_revenue`` is 0 without local enterprises and null (unknown)
        when none of them has a known revenue.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> p = segment_presence(tiny_view(), AnalysisSettings())
    >>> p.filter(pl.col("segment_id") == "S1").select("local_count", "local_revenue", "present").row(0)
    (1, 3000.0, True)
    """
    scope = Scope.parse(scope)
    extra = normalise_extra(extra_local)
    if not whatif_ready(view, extra):
        raise ValueError("假设落地分析需要完整数据视图，或精简视图中含落地企业的全部环节行")
    key = ("presence", str(scope), extra, settings.above_scale_revenue)
    return memo(view, key, lambda: _presence(view, settings, scope, extra))


def local_presence(view: GraphView, settings: AnalysisSettings, scope: Scope, extra: ExtraLocal = ()) -> pl.DataFrame:
    """``segment_id, local_count, local_revenue, above_scale_count`` of the segments with a local
    enterprise in ``scope``, from the view's local enterprises (what :data:`graph.queries.SCOPED_LOCAL_PRESENCE`
    counts on the server).

    >>> from graph.analysis._example import tiny_view
    >>> local_presence(tiny_view(), AnalysisSettings(), Scope.city()).sort("segment_id").rows()
    [('S1', 1, 3000.0, 1), ('S1a', 1, 3000.0, 1), ('S3', 1, 5000.0, 1)]
    """
    keys = ["segment_id", "enterprise_id"]
    local = _local_rows(view, scope, extra).rename({"segment_id": "member_id"})
    rows = local.join(segment_closure(view), on="member_id", how="inner").with_columns(pl.col("share").fill_null(1.0))
    # Σ share per enterprise and segment: one or two values add alike in any order (the fast plain
    # sum); only an enterprise with three rows or more in a segment's closure needs the ordered sum
    per_ent = rows.group_by(keys).agg(pl.len().alias("_k"), pl.col("share").sum().alias("w"), pl.col("revenue").first())
    many = per_ent.filter(pl.col("_k") > 2).select(keys)
    if many.height:
        exact = rows.join(many, on=keys, how="semi").group_by(keys).agg(ordered_sum("share").alias("_w"))
        per_ent = per_ent.join(exact, on=keys, how="left").with_columns(pl.coalesce("_w", "w").alias("w"))
    w = pl.col("w").clip(upper_bound=1.0)
    per_ent = per_ent.select("segment_id", "revenue", (pl.col("revenue").fill_null(0.0) * w).alias("p"))
    known = pl.col("revenue").is_not_null().any()  # no enterprise with a known revenue: the sum is unknown, not 0
    return per_ent.group_by("segment_id").agg(
        pl.len().cast(pl.Int64).alias("local_count"),
        pl.when(known).then(ordered_sum("p")).otherwise(None).alias("local_revenue"),
        (pl.col("revenue") >= settings.above_scale_revenue).fill_null(False).sum().cast(pl.Int64).alias("above_scale_count"),
    )


def _presence(view: GraphView, settings: AnalysisSettings, scope: Scope, extra: ExtraLocal) -> pl.DataFrame:
    served = None if extra else served_presence(view, scope, settings.above_scale_revenue)
    if served is not None:  # counted by the Neo4j server (graph.stores.neo4j_scoped.add_presence)
        agg = served
    elif view.aggregates.get(LOCAL_PRESENCE) is not None:
        raise ValueError(
            f"该视图不含本地企业，只含服务器按环节汇总的本地情况，其中没有范围 {scope}、规模以上门槛 {settings.above_scale_revenue:g} 万元的汇总"
            "（请读取含全部本地企业的视图）"
        )
    else:
        agg = local_presence(view, settings, scope, extra)
    cand = _candidate_counts(view, extra)
    out = (
        view.segments.select(pl.col("id").alias("segment_id"), "chain_id")
        .join(agg, on="segment_id", how="left")
        .join(cand, on="segment_id", how="left")
        .with_columns(
            pl.col("local_count").fill_null(0),
            # 0 where no local enterprise is in the segment; null (unknown) where none of them has a revenue
            pl.when(pl.col("local_count").is_null()).then(0.0).otherwise(pl.col("local_revenue")).alias("local_revenue"),
            pl.col("above_scale_count").fill_null(0),
            pl.col("candidate_count").fill_null(0),
        )
        .with_columns((pl.col("local_count") > 0).alias("present"))
        .sort("segment_id")
    )
    return out
