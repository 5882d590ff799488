"""Parks: overlap (同质化), concentration (主导产业突出度), ranking (十强/十快) (analysis.md, 'Parks').

Definitions as built (README-ready):

* A park's enterprises are the local enterprises (``local = true``) with that
  ``park_id``.
* Overlap: each park is a vector over top-level segments (a sub-segment is
  rolled up into its top-level ``PART_OF`` ancestor); the value is the local
  revenue there, an enterprise counting with weight min(1, Σ share) (missing
  share = 1). Similarity = cosine of the two vectors (0 when one is all zero).
  When either park of a pair has no revenue data at all, the pair is compared
  on enterprise counts instead (``basis = "count"``). Pairs with similarity ≥
  ``overlap_threshold`` are flagged.
* Concentration: each enterprise's revenue is split over the industries of its
  segments (segment → chain → industry): a row with a share gets that share, the
  rows without share split what is left (1 − Σ given shares, not below 0)
  equally; shares summing over 1 are scaled down to 1. top_share = revenue of
  the largest industry / total revenue of the park's enterprises; flagged
  "主导产业不突出" below ``concentration_threshold``. focus_share = revenue in the
  park's declared ``focus_industries`` / total, flagged below
  ``focus_share_threshold``. Without any revenue data, enterprise counts are used.
* Ranking: periods ``2024`` (year), ``2024-H1``, ``2024-Q2``, ``2024-05``. The
  reference period is the latest one in ``park_stats`` (latest end; on equal
  ends the longer kind). Scale: parks ranked by revenue of that period (rank
  also given by fixed investment). Speed: growth over the previous period of the
  same kind (2025 ← 2024, 2025-H1 ← 2024-H2, 2025-Q1 ← 2024-Q4, 2025-01 ←
  2024-12) = (current − previous) / previous; a park with one period only says
  "仅一期数据，无法计算增速". Ties by park id.
"""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from graph.analysis import reasons as R
from graph.analysis.results import ConcentrationRow, construct_rows, OverlapPair, OverlapResult, ParkRanking, ParkScaleRow, ParkSpeedRow
from graph.analysis.scope import memo
from graph.settings import AnalysisSettings
from graph.view import GraphView


def _park_names(view: GraphView) -> dict[str, str]:
    return dict(view.parks.select("id", "name").iter_rows())


def _roots(view: GraphView) -> pl.DataFrame:
    """segment_id -> root_id (top-level PART_OF ancestor; cycle-safe)."""

    def build() -> pl.DataFrame:
        g = view.part_of_graph  # child -> parent
        seg, root = [], []
        for s in view.segments.get_column("id").to_list():
            top = s
            seen = {s}
            while True:
                parents = sorted(g.successors(top)) if top in g else []
                if not parents or parents[0] in seen:
                    break
                top = parents[0]
                seen.add(top)
            seg.append(s)
            root.append(top)
        return pl.DataFrame({"segment_id": seg, "root_id": root}, schema={"segment_id": pl.Utf8, "root_id": pl.Utf8})

    return memo(view, ("segment_roots",), build)


def _park_enterprises(view: GraphView) -> pl.DataFrame:
    return view.enterprises.filter(pl.col("local").fill_null(False) & pl.col("park_id").is_not_null()).select(
        pl.col("id").alias("enterprise_id"), "park_id", "revenue"
    )


def _park_segment_matrix(view: GraphView) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Parks (sorted) x top-level segments (sorted): local revenue and enterprise counts (memoised).

    An enterprise counts in a top-level segment with weight min(1, Σ share) (missing share = 1) over
    the segment and its sub-segments; a (park, segment) without enterprises is 0.
    """

    def build() -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
        pe = _park_enterprises(view)
        rows = (
            pe.join(view.enterprise_segments.select("enterprise_id", "segment_id", "share"), on="enterprise_id", how="inner")
            .join(_roots(view), on="segment_id", how="inner")
            .group_by("park_id", "root_id", "enterprise_id")
            .agg(pl.col("share").fill_null(1.0).sum().clip(upper_bound=1.0).alias("w"), pl.col("revenue").first())
            .group_by("park_id", "root_id")
            .agg((pl.col("revenue").fill_null(0.0) * pl.col("w")).sum().alias("rev"), pl.len().cast(pl.Float64).alias("cnt"))
        )
        parks = sorted(set(_park_names(view)) | set(rows.get_column("park_id").unique().to_list()))
        segs = sorted(set(rows.get_column("root_id").unique().to_list()))
        mats = [np.zeros((len(parks), len(segs)), dtype=np.float64) for _ in range(2)]
        if rows.height:
            pi = rows.get_column("park_id").replace_strict(parks, list(range(len(parks))), return_dtype=pl.Int64).to_numpy()
            si = rows.get_column("root_id").replace_strict(segs, list(range(len(segs))), return_dtype=pl.Int64).to_numpy()
            for m, col in zip(mats, ("rev", "cnt")):
                m[pi, si] = rows.get_column(col).to_numpy()
        for m in mats:
            m.setflags(write=False)
        return parks, segs, mats[0], mats[1]

    return memo(view, ("park_segment_matrix",), build)


def park_overlap(view: GraphView, settings: AnalysisSettings) -> OverlapResult:
    """Cosine similarity of every pair of parks' local revenue by segment.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> park_overlap(tiny_view(), AnalysisSettings()).pairs  # one park: no pairs
    []
    """
    names = _park_names(view)
    parks, segs, rev, cnt = _park_segment_matrix(view)
    n_p, n_s = rev.shape
    has_rev = rev.sum(axis=1) > 0
    ia, ib = np.triu_indices(n_p, k=1)  # every pair a < b, in the order a, then b
    by_rev = has_rev[ia] & has_rev[ib]  # basis: revenue when both parks have revenue data, else counts
    sim = np.zeros(ia.size, dtype=np.float64)
    for m, sel in ((rev, by_rev), (cnt, ~by_rev)):
        gram = m @ m.T  # dot products of every pair of parks
        norm = np.sqrt(np.diag(gram))
        a, b = ia[sel], ib[sel]
        dot, den = gram[a, b], norm[a] * norm[b]
        sim[sel] = np.divide(dot, den, out=np.zeros_like(dot), where=(norm[a] > 0) & (norm[b] > 0))
    sim = np.clip(sim, 0.0, 1.0) + 0.0  # + 0.0: no -0.0 (min/max of the old loop gave 0.0)
    order = np.lexsort((ib, ia, -sim))  # similarity desc, then park ids (parks are sorted)
    sim, ia, ib, by_rev = sim[order], ia[order], ib[order], by_rev[order]
    # shared segments: > 0 in both parks on the pair's basis (rows 0..n_p-1 revenue, n_p.. counts)
    pos = np.concatenate([rev > 0, cnt > 0])
    off = np.where(by_rev, 0, n_p)
    flat = np.flatnonzero(pos[ia + off] & pos[ib + off]) if n_s else np.zeros(0, dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(flat // max(n_s, 1), minlength=ia.size))]).tolist()
    park_name = [names.get(p) for p in parks]
    a_l, b_l, sim_l = ia.tolist(), ib.tolist(), sim.tolist()
    seg_ids = np.array(segs, dtype=object)[flat % max(n_s, 1)].tolist()  # per pair, in segment id order
    shared = [seg_ids[bounds[k] : bounds[k + 1]] for k in range(ia.size)]
    pairs = construct_rows(
        OverlapPair,
        {
            "park_a": [parks[i] for i in a_l],
            "park_a_name": [park_name[i] for i in a_l],
            "park_b": [parks[i] for i in b_l],
            "park_b_name": [park_name[i] for i in b_l],
            "similarity": sim_l,
            "basis": ["revenue" if r else "count" for r in by_rev.tolist()],
            "flagged": [s >= settings.overlap_threshold for s in sim_l],
            "shared_segments": shared,
        },
    )
    return OverlapResult(pairs=pairs, settings=settings.model_dump())


def _attribution(view: GraphView) -> pl.DataFrame:
    """Per (park, enterprise, industry): the fraction of the enterprise attributed to that industry."""
    seg_ind = view.segments.select(pl.col("id").alias("segment_id"), "chain_id").join(
        view.chains.select(pl.col("id").alias("chain_id"), "industry_id"), on="chain_id", how="inner"
    )
    es = (
        view.enterprise_segments.select("enterprise_id", "segment_id", "share")
        .join(_park_enterprises(view).select("enterprise_id"), on="enterprise_id", how="semi")
        .join(seg_ind, on="segment_id", how="inner")
    )
    es = es.with_columns(
        pl.col("share").sum().over("enterprise_id").alias("_given"),
        pl.col("share").is_null().sum().over("enterprise_id").alias("_n_null"),
    ).with_columns(
        pl.when(pl.col("share").is_not_null())
        .then(pl.col("share"))
        .otherwise((1.0 - pl.col("_given").fill_null(0.0)).clip(lower_bound=0.0) / pl.col("_n_null"))
        .alias("_w0")
    )
    es = es.with_columns(
        (pl.col("_w0") / pl.col("_w0").sum().over("enterprise_id").clip(lower_bound=1.0)).alias("w")
    )
    return es.group_by("enterprise_id", "industry_id").agg(pl.col("w").sum())


def park_concentration(view: GraphView, settings: AnalysisSettings) -> list[ConcentrationRow]:
    """Share of each park's local revenue in its largest industry, and in its declared focus industries.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> r = park_concentration(tiny_view(), AnalysisSettings())[0]
    >>> r.park_id, r.basis, r.top_industry_id, r.top_share, r.flagged
    ('P1', 'revenue', 'I1', 1.0, False)
    """
    names = _park_names(view)
    pe = _park_enterprises(view)
    att = _attribution(view)
    ind_names = dict(view.industries.select("id", "name").iter_rows())
    focus = {p: list(f or []) for p, f in view.parks.select("id", "focus_industries").iter_rows()}
    totals = pe.group_by("park_id").agg(pl.col("revenue").fill_null(0.0).sum().alias("rev"), pl.len().cast(pl.Float64).alias("cnt"))
    tot = {p: (rev, cnt) for p, rev, cnt in totals.iter_rows()}
    by_ind = (
        att.join(pe, on="enterprise_id", how="inner")
        .group_by("park_id", "industry_id")
        .agg((pl.col("w") * pl.col("revenue").fill_null(0.0)).sum().alias("rev"), pl.col("w").sum().alias("cnt"))
    )
    amounts: dict[str, dict[str, tuple[float, float]]] = {}
    for p, ind, rev, cnt in by_ind.iter_rows():
        amounts.setdefault(p, {})[ind] = (rev, cnt)
    out = []
    for p in sorted(set(names) | set(tot)):
        rev_total, cnt_total = tot.get(p, (0.0, 0.0))
        basis = "revenue" if rev_total > 0 else ("count" if cnt_total > 0 else "none")
        row = ConcentrationRow(park_id=p, park_name=names.get(p), basis=basis, focus_industries=focus.get(p, []), settings=settings.model_dump())
        if basis == "none":
            row.flags = ["无本地企业数据"]
            out.append(row)
            continue
        k = 0 if basis == "revenue" else 1
        total = rev_total if k == 0 else cnt_total
        shares = {ind: v[k] / total for ind, v in amounts.get(p, {}).items()}
        row.total = total
        row.industry_shares = dict(sorted(shares.items(), key=lambda kv: (-kv[1], kv[0])))
        if shares:
            top_ind = min(shares, key=lambda i: (-shares[i], i))
            row.top_industry_id, row.top_industry_name, row.top_share = top_ind, ind_names.get(top_ind), shares[top_ind]
        else:
            row.top_share = 0.0
        if row.top_share < settings.concentration_threshold:
            row.flags.append(R.LOW_CONCENTRATION)
        if row.focus_industries:
            row.focus_share = sum(shares.get(i, 0.0) for i in row.focus_industries)
            if row.focus_share < settings.focus_share_threshold:
                row.flags.append(R.r_focus_low(row.focus_share, settings.focus_share_threshold))
        row.flagged = bool(row.flags)
        out.append(row)
    return out


# ------------------------------------------------------------------ ranking

_KINDS = {"year": (r"^(\d{4})$", 1, 12), "half": (r"^(\d{4})-H([12])$", 2, 6), "quarter": (r"^(\d{4})-Q([1-4])$", 4, 3), "month": (r"^(\d{4})-(0[1-9]|1[0-2])$", 12, 1)}
_KIND_ORDER = {"year": 0, "half": 1, "quarter": 2, "month": 3}


def parse_period(period: str) -> tuple[str, int] | None:
    """``(kind, index)`` of a period string, index counting periods of that kind; None if unknown.

    >>> parse_period("2025-H1"), parse_period("2024-12"), parse_period("2025/1")
    (('half', 4050), ('month', 24299), None)
    """
    p = (period or "").strip()
    for kind, (rx, per_year, _) in _KINDS.items():
        m = re.match(rx, p)
        if m:
            y = int(m.group(1))
            sub = int(m.group(2)) - 1 if m.lastindex and m.lastindex > 1 else 0
            return kind, y * per_year + sub
    return None


def format_period(kind: str, index: int) -> str:
    per_year = _KINDS[kind][1]
    y, sub = divmod(index, per_year)
    return {"year": f"{y}", "half": f"{y}-H{sub + 1}", "quarter": f"{y}-Q{sub + 1}", "month": f"{y}-{sub + 1:02d}"}[kind]


def _end_month(kind: str, index: int) -> int:
    per_year, months = _KINDS[kind][1], _KINDS[kind][2]
    y, sub = divmod(index, per_year)
    return y * 12 + (sub + 1) * months


def _growth(cur: float | None, prev: float | None) -> float | None:
    if cur is None or prev is None or prev <= 0:
        return None
    return (cur - prev) / prev


def park_ranking(view: GraphView, settings: AnalysisSettings, period: str | None = None) -> ParkRanking:
    """十强 (scale) and 十快 (speed) rankings of parks from ``park_stats``.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> r = park_ranking(tiny_view(), AnalysisSettings())
    >>> r.period, r.previous_period, [(s.park_id, s.revenue_growth, s.note) for s in r.speed]
    ('2025', '2024', [('P1', 0.25, '')])
    """
    names = _park_names(view)
    stats = view.park_stats
    warnings: list[str] = []
    data: dict[tuple[str, str], dict] = {}
    periods_of: dict[str, set[str]] = {}
    parsed: dict[str, tuple[str, int]] = {}
    for r in stats.iter_rows(named=True):
        pp = parse_period(r["period"])
        if pp is None:
            warnings.append(f"无法识别的期间 {r['period']!r}（园区 {r['park_id']}），已忽略")
            continue
        key = format_period(*pp)
        parsed[key] = pp
        data[(r["park_id"], key)] = r
        periods_of.setdefault(r["park_id"], set()).add(key)
    res = ParkRanking(settings=settings.model_dump(), warnings=warnings)
    if period is not None:
        pp = parse_period(period)
        if pp is None:
            raise ValueError(f"无法识别的期间 {period!r}：应为 2024、2024-H1、2024-Q2 或 2024-05")
        ref = format_period(*pp)
    elif parsed:
        ref = max(parsed, key=lambda k: (_end_month(*parsed[k]), -_KIND_ORDER[parsed[k][0]]))
        pp = parsed[ref]
    else:
        return res
    prev = format_period(pp[0], pp[1] - 1)
    res.period, res.previous_period = ref, prev
    parks = sorted(set(names) | set(periods_of))

    def val(p: str, per: str, col: str) -> float | None:
        r = data.get((p, per))
        return None if r is None else r.get(col)

    def ranks(col: str) -> dict[str, int]:
        known = sorted((p for p in parks if val(p, ref, col) is not None), key=lambda p: (-val(p, ref, col), p))
        return {p: i + 1 for i, p in enumerate(known)}

    rrank, irank = ranks("revenue"), ranks("fixed_investment")
    scale = []
    for p in parks:
        note = "" if (p, ref) in data else R.r_no_period(ref)
        scale.append(
            ParkScaleRow(
                park_id=p,
                park_name=names.get(p),
                period=ref,
                revenue=val(p, ref, "revenue"),
                fixed_investment=val(p, ref, "fixed_investment"),
                revenue_rank=rrank.get(p),
                investment_rank=irank.get(p),
                rank=rrank.get(p),
                note=note,
            )
        )
    scale.sort(key=lambda r: (r.rank is None, r.rank or 0, -(r.fixed_investment or 0.0), r.park_id))
    speed = []
    for p in parks:
        g_rev = _growth(val(p, ref, "revenue"), val(p, prev, "revenue"))
        g_inv = _growth(val(p, ref, "fixed_investment"), val(p, prev, "fixed_investment"))
        if len(periods_of.get(p, ())) <= 1:
            note = R.ONE_PERIOD
        elif (p, ref) not in data:
            note = R.r_no_period(ref)
        elif (p, prev) not in data:
            note = R.r_no_previous(prev)
        elif g_rev is None:
            note = "营收数据不足，无法计算增速"
        else:
            note = ""
        speed.append(ParkSpeedRow(park_id=p, park_name=names.get(p), period=ref, previous_period=prev, revenue_growth=g_rev, investment_growth=g_inv, note=note))
    speed.sort(key=lambda r: (r.revenue_growth is None, -(r.revenue_growth or 0.0), r.park_id))
    for i, r in enumerate(x for x in speed if x.revenue_growth is not None):
        r.rank = i + 1
    res.scale, res.speed = scale, speed
    return res
