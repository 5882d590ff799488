"""Look-ups on the graph view for display: names by id, chains in order, leading enterprises, a segment's enterprises."""

from __future__ import annotations

from typing import Sequence

import polars as pl

from graph.view import GraphView


def names(view: GraphView, table: str, key: str = "id") -> dict[str, str]:
    """``{id: name}`` of a table of the view."""
    df = view.tables[table]
    return dict(zip(df.get_column(key).to_list(), df.get_column("name").to_list()))


def chain_options(view: GraphView) -> list[str]:
    """Chain ids ordered by industry category (leading, emerging, specialty), then id."""
    return view.chain_order()


def leading_enterprises(view: GraphView, scope: str, segment_ids: Sequence[str] | None = None, top: int = 3) -> dict[str, list[str]]:
    """Segment id -> names of its largest in-scope local enterprises (by revenue, ties by id)."""
    from graph.analysis.scope import Scope, in_scope_expr

    ent = view.enterprises.filter(in_scope_expr(view, Scope.parse(scope))).select(pl.col("id").alias("enterprise_id"), "name", "revenue")
    es = view.enterprise_segments.select("enterprise_id", "segment_id")
    if segment_ids is not None:
        es = es.filter(pl.col("segment_id").is_in(list(segment_ids)))
    j = es.join(ent, on="enterprise_id", how="inner").sort(["segment_id", "revenue", "enterprise_id"], descending=[False, True, False], nulls_last=True)
    out: dict[str, list[str]] = {}
    for sid, name in j.select("segment_id", "name").iter_rows():
        lst = out.setdefault(sid, [])
        if len(lst) < top and name not in lst:
            lst.append(name)
    return out


def segment_enterprises(view: GraphView, segment_id: str, scope: str, *, local: bool = True) -> pl.DataFrame:
    """Enterprises in a segment (and its sub-segments): local in scope, or the non-local candidates."""
    from graph.analysis.presence import segment_closure
    from graph.analysis.scope import Scope, in_scope_expr

    members = segment_closure(view).filter(pl.col("segment_id") == segment_id).get_column("member_id").to_list() or [segment_id]
    flag = in_scope_expr(view, Scope.parse(scope)) if local else (pl.col("local") == False).fill_null(False)  # noqa: E712
    ent = view.enterprises.filter(flag)
    es = view.enterprise_segments.filter(pl.col("segment_id").is_in(members))
    seg_names = names(view, "segments")
    park_names = names(view, "parks")
    j = (
        es.join(ent, left_on="enterprise_id", right_on="id", how="inner")
        .sort(["revenue", "enterprise_id"], descending=[True, False], nulls_last=True)
        .unique(subset=["enterprise_id"], keep="first", maintain_order=True)
    )
    return j.select(
        pl.col("enterprise_id").alias("id"),
        "name",
        pl.col("segment_id").replace_strict(seg_names, default=pl.col("segment_id")).alias("segment"),
        pl.col("park_id").replace_strict(park_names, default=pl.col("park_id")).alias("park"),
        "province",
        "revenue",
        "employees",
        "qualifications",
        "share",
        "confidence",
        "source",
    )


def park_focus_chain(view: GraphView, park_id: str, chains: Sequence[str]) -> str | None:
    """The chain a park's page opens on: among the chains of its declared focus industries, the one
    with most of its local enterprises (ties: ``chains`` order); without focus chains, the chain
    with most of its local enterprises; else the first of ``chains``."""
    park = view.parks.filter(pl.col("id") == park_id)
    listed = park.item(0, "focus_industries") if park.height else None
    focus = set(listed.to_list() if isinstance(listed, pl.Series) else (listed or []))
    chain_industry = dict(view.chains.select("id", "industry_id").iter_rows())
    local = view.enterprises.filter(pl.col("local").fill_null(False) & (pl.col("park_id") == park_id)).get_column("id")
    seg_chain = view.segments.select(pl.col("id").alias("segment_id"), "chain_id")
    counts = dict(
        view.enterprise_segments.filter(pl.col("enterprise_id").is_in(local.to_list()))
        .join(seg_chain, on="segment_id", how="inner")
        .group_by("chain_id")
        .agg(pl.col("enterprise_id").n_unique().alias("n"))
        .iter_rows()
    )
    order = {c: i for i, c in enumerate(chains)}
    focus_chains = [c for c in chains if chain_industry.get(c) in focus]
    pool = focus_chains or [c for c in chains if counts.get(c)]
    if not pool:
        return chains[0] if chains else None
    return min(pool, key=lambda c: (-counts.get(c, 0), order[c]))
