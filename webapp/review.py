"""The 挂接审核 page's pieces: proposed links of a segment sorted by evidence, decisions, and applying them.

Decisions go to the workspace (:mod:`graph.workspace.reviews`) at once; they reach the graph at the next
ingest — every ingest, upload or restore applies them (:func:`ingest.pipeline.apply_reviews`) — or now, with
应用到图谱 (the current dataset ingested again).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from graph.i18n import REVIEW_DECISION_ZH
from graph.view import GraphView
from graph.workspace.db import UNSET
from graph.workspace.reviews import Review


def segment_links(view: GraphView, segment_id: str, *, include_confirmed: bool = False) -> pl.DataFrame:
    """The links of a segment with their enterprise, strongest evidence first (unknown evidence last).

    >>> v = GraphView({"enterprises": pl.DataFrame({"id": ["a", "b"], "name": ["甲", "乙"], "local": [True, False]}),
    ...     "enterprise_segments": pl.DataFrame({"enterprise_id": ["a", "b"], "segment_id": ["S", "S"], "confidence": ["likely", "likely"],
    ...     "evidence": [0.3, 0.8]})})
    >>> segment_links(v, "S").get_column("name").to_list()
    ['乙', '甲']
    """
    es = view.enterprise_segments.filter(pl.col("segment_id") == segment_id)
    if not include_confirmed:
        es = es.filter(pl.col("confidence").fill_null("likely") == "likely")
    ent = view.enterprises.select(pl.col("id").alias("enterprise_id"), "name", "local")
    out = es.join(ent, on="enterprise_id", how="left")
    return out.sort(["evidence", "name", "enterprise_id"], descending=[True, False, False], nulls_last=True)


def pending_counts(view: GraphView, chain_id: str) -> dict[str, int]:
    """Segment id -> likely (待核实) links in a chain."""
    seg = view.segments.filter(pl.col("chain_id") == chain_id).select(pl.col("id").alias("segment_id"))
    es = view.enterprise_segments.filter(pl.col("confidence").fill_null("likely") == "likely").join(seg, on="segment_id")
    return dict(es.group_by("segment_id").len().rows())


def reviews_frame(reviews: list[Review], seg_names: dict[str, str]) -> pl.DataFrame:
    rows = [{
        "id": r.id, "enterprise": r.enterprise_name or r.enterprise_id, "segment": seg_names.get(r.segment_id, r.segment_name or r.segment_id),
        "decision": REVIEW_DECISION_ZH.get(r.decision, r.decision), "to": seg_names.get(r.to_segment_id or "", r.to_segment_id) if r.to_segment_id else "—",
        "reviewer": r.reviewer, "day": r.day,
    } for r in reviews]  # fmt: skip
    schema = {"id": pl.Int64, "enterprise": pl.Utf8, "segment": pl.Utf8, "decision": pl.Utf8, "to": pl.Utf8, "reviewer": pl.Utf8, "day": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


def unapplied(reviews: list[Review], written_at: str | None, last_id: int | None | object = UNSET) -> int:
    """Decisions the graph does not hold yet (they show in the graph after the next ingest).

    ``last_id``: the last decision the ingest read (its meta's ``reviews.last_id``; None when it read none): the
    later ones are not applied, even when made while that ingest was still writing. Stores written before it was
    recorded (no key: pass nothing) fall back to the decisions made after the graph was written.

    >>> from graph.workspace.reviews import Review
    >>> log = [Review(id=i, enterprise_id="E", segment_id="S", decision="accept", reviewer="甲", at=f"2026-11-29T10:0{i}:00+00:00") for i in (1, 2)]
    >>> unapplied(log, "2026-11-29T10:05:00+00:00", 1), unapplied(log, "2026-11-29T10:05:00+00:00", None), unapplied(log, "2026-11-29T10:05:00+00:00")
    (1, 2, 0)
    """
    if last_id is not UNSET:
        return sum(1 for r in reviews if last_id is None or r.id > last_id)
    if not written_at:
        return len(reviews)
    import datetime as dt

    try:
        w = dt.datetime.fromisoformat(written_at)
    except ValueError:
        return 0
    return sum(1 for r in reviews if dt.datetime.fromisoformat(r.at) > w)
