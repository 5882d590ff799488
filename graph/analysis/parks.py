"""Parks: overlap (同质化) and concentration (主导产业突出度) of the city's own parks (analysis.md, 'Parks').

The province-wide ranking (十强/十快) is in :mod:`graph.analysis.parks_rank`, cohesion in
:mod:`graph.analysis.parks_cohesion`, 本市 and cities in :mod:`graph.analysis.cities`.

Definitions as built (README-ready):

* A park's enterprises are the local enterprises (``local = true``) with that
  ``park_id``. Only the city's own parks are compared (本市 parks and parks with
  a local enterprise, :func:`graph.analysis.cities.own_parks`); peer parks of
  other cities carry no enterprise data and are left out.
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
"""

from __future__ import annotations

import numpy as np
import polars as pl

from graph.analysis import reasons as R
from graph.analysis.cities import own_parks
from graph.analysis.results import ConcentrationRow, construct_rows, OverlapPair, OverlapResult
from graph.analysis.scope import memo, require_every_local
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
    require_every_local(view)
    ent = view.enterprises.select("id", "park_id", "revenue", "local")  # first: a filter copies every column it is given
    return ent.filter(pl.col("local").fill_null(False) & pl.col("park_id").is_not_null()).select(
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
            .sort("park_id", "root_id", "enterprise_id", "segment_id")  # one summing order: the same bits on every run and store
            .group_by("park_id", "root_id", "enterprise_id", maintain_order=True)
            .agg(pl.col("share").fill_null(1.0).sum().clip(upper_bound=1.0).alias("w"), pl.col("revenue").first())
            .group_by("park_id", "root_id", maintain_order=True)
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
    own = own_parks(view, settings)
    keep = [i for i, p in enumerate(parks) if p in own]
    if len(keep) < len(parks):  # peer parks of other cities: no enterprise data to compare
        parks, rev, cnt = [parks[i] for i in keep], rev[keep], cnt[keep]
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
        .sort("enterprise_id", "segment_id")  # one summing order: the same bits on every run and store
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
    return es.group_by("enterprise_id", "industry_id", maintain_order=True).agg(pl.col("w").sum())


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
    own = own_parks(view, settings)
    for p in sorted(p for p in set(names) | set(tot) if p in own):
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
