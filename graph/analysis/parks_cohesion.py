"""Cohesion (关联性) of a park's firms and chain coverage of its focus industries (analysis.md, 'Parks').

Definitions as built (README-ready):

* One row per own park of the city (:func:`graph.analysis.cities.own_parks`), by park id.
* cohesion = local firms of the park with a supply link (``supply_links``, either direction) to another
  local firm of the same park / local firms of the park. Unknown (None, shown "无数据") when the park has no
  local firms, or when the dataset has no supply links at all (then nothing is known about ties).
  Flagged "区内企业关联性不强" below ``cohesion_threshold``.
* chain coverage = segments of the chains of the park's ``focus_industries`` (sub-segments included) that
  are present in the park (a local firm of the park in the segment or one of its sub-segments) / all those
  segments. Unknown without declared focus industries, without chains for them, or without local firms.
"""

from __future__ import annotations

import polars as pl

from graph.analysis import reasons as R
from graph.analysis.cities import own_parks
from graph.analysis.presence import segment_closure
from graph.analysis.results import CohesionResult, CohesionRow
from graph.analysis.scope import require_every_local
from graph.settings import AnalysisSettings
from graph.view import GraphView


def _members(view: GraphView, parks: set[str]) -> pl.DataFrame:
    """Local enterprises of the given parks: ``enterprise_id``, ``park_id``."""
    require_every_local(view)
    loc = view.enterprises.select("id", "park_id", "local").filter(pl.col("local").fill_null(False) & pl.col("park_id").is_in(sorted(parks)))
    return loc.select(pl.col("id").alias("enterprise_id"), "park_id").unique()


def _tied(view: GraphView, members: pl.DataFrame) -> dict[str, int]:
    """Per park: local firms with a supply link to another local firm of the same park."""
    links = view.supply_links.select("supplier_id", "customer_id").filter(pl.col("supplier_id") != pl.col("customer_id"))
    sup = members.rename({"enterprise_id": "supplier_id", "park_id": "park_s"})
    cus = members.rename({"enterprise_id": "customer_id", "park_id": "park_c"})
    inner = links.join(sup, on="supplier_id", how="inner").join(cus, on="customer_id", how="inner").filter(pl.col("park_s") == pl.col("park_c"))
    ends = pl.concat(
        [
            inner.select(pl.col("park_s").alias("park_id"), pl.col("supplier_id").alias("enterprise_id")),
            inner.select(pl.col("park_c").alias("park_id"), pl.col("customer_id").alias("enterprise_id")),
        ]
    ).unique()
    return dict(ends.group_by("park_id").len().iter_rows())


def _coverage(view: GraphView, members: pl.DataFrame) -> dict[str, tuple[int, int]]:
    """Per park with focus industries that have chains: (segments present in the park, segments of those chains)."""
    focus = (
        view.parks.select(pl.col("id").alias("park_id"), pl.col("focus_industries").alias("industry_id"))
        .explode("industry_id")
        .drop_nulls()
        .join(view.chains.select(pl.col("id").alias("chain_id"), "industry_id"), on="industry_id", how="inner")
        .join(view.segments.select(pl.col("id").alias("segment_id"), "chain_id"), on="chain_id", how="inner")
        .select("park_id", "segment_id")
        .unique()
    )
    direct = members.join(view.enterprise_segments.select("enterprise_id", pl.col("segment_id").alias("member_id")), on="enterprise_id", how="inner")
    present = direct.join(segment_closure(view), on="member_id", how="inner").select("park_id", "segment_id").unique()
    covered = focus.join(present, on=["park_id", "segment_id"], how="semi")
    total = dict(focus.group_by("park_id").len().iter_rows())
    hit = dict(covered.group_by("park_id").len().iter_rows())
    return {p: (hit.get(p, 0), n) for p, n in total.items()}


def park_cohesion(view: GraphView, settings: AnalysisSettings) -> CohesionResult:
    """Share of each own park's local firms tied by supply to another firm of the park, and chain coverage.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> r = park_cohesion(tiny_view(), AnalysisSettings()).rows[0]
    >>> r.park_id, r.local_count, r.cohesion, r.flag
    ('P1', 2, 0.0, '区内企业关联性不强')
    """
    names = dict(view.parks.select("id", "name").iter_rows())
    focus = dict(view.parks.select("id", "focus_industries").iter_rows())
    parks = own_parks(view, settings)
    members = _members(view, parks)
    counts = dict(members.group_by("park_id").len().iter_rows())
    has_links = view.has_supply_links()
    tied = _tied(view, members) if has_links else {}
    coverage = _coverage(view, members)
    rows = []
    for p in sorted(parks):
        n = counts.get(p, 0)
        row = CohesionRow(park_id=p, park_name=names.get(p), local_count=n)
        if n == 0:
            row.notes.append(R.NO_LOCAL_FIRMS)
        elif not has_links:
            row.notes.append(R.NO_SUPPLY_DATA)
        else:
            row.tied_count = tied.get(p, 0)
            row.cohesion = row.tied_count / n
            if n == 1:
                row.notes.append(R.r_one_firm())
            if row.cohesion < settings.cohesion_threshold:
                row.flag = R.LOW_COHESION
        if not focus.get(p):
            row.notes.append(R.NO_FOCUS)
        elif p not in coverage:
            row.notes.append(R.FOCUS_NO_CHAINS)
        elif n > 0:
            row.covered_segments, row.focus_segments = coverage[p]
            row.chain_coverage = row.covered_segments / row.focus_segments
        rows.append(row)
    return CohesionResult(rows=rows, settings=settings.model_dump())
