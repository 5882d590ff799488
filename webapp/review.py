"""The 挂接审核 page's pieces: proposed links of a segment sorted by evidence, decisions, and applying them.

Decisions go to the workspace (:mod:`graph.workspace.reviews`) at once; they reach the graph at the next
ingest — every ingest, upload or restore applies them (:func:`ingest.pipeline.apply_reviews`) — or now, with
应用到图谱 (the current dataset ingested again).
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from graph.i18n import CONFIDENCE_ZH, REVIEW_DECISION_ZH
from graph.view import GraphView
from graph.workspace.reviews import Review

PENDING = "待定"
DECISION_KEYS = {v: k for k, v in REVIEW_DECISION_ZH.items() if k != "undo"}


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


def editor_frame(links: pl.DataFrame, reviewed: dict[tuple[str, str], Review]) -> pl.DataFrame:
    """What the reviewer edits: one row per link, the decision in force (or 待定) and the move target."""
    rows = []
    for r in links.iter_rows(named=True):
        rv = reviewed.get((r["enterprise_id"], r["segment_id"]))
        rows.append({
            "enterprise_id": r["enterprise_id"], "name": r.get("name") or r["enterprise_id"], "local": "本地" if r.get("local") else "外地",
            "evidence": r.get("evidence"), "share": r.get("share"), "confidence": CONFIDENCE_ZH.get(r.get("confidence") or "likely", "待核实"),
            "source": r.get("source"), "decision": REVIEW_DECISION_ZH[rv.decision] if rv else PENDING,
            "to_segment": rv.to_segment_id if rv and rv.decision == "move" else None,
        })  # fmt: skip
    schema = {"enterprise_id": pl.Utf8, "name": pl.Utf8, "local": pl.Utf8, "evidence": pl.Float64, "share": pl.Float64, "confidence": pl.Utf8,
              "source": pl.Utf8, "decision": pl.Utf8, "to_segment": pl.Utf8}  # fmt: skip
    return pl.DataFrame(rows, schema=schema)


def decisions(edited, before: pl.DataFrame, label_to_segment: dict[str, str]) -> tuple[list[dict], list[str]]:
    """The rows whose decision changed: ``[{enterprise_id, decision, to_segment_id}]``, and problems to show."""
    records = edited.iter_rows(named=True) if isinstance(edited, pl.DataFrame) else edited.to_dict("records")
    old = {r["enterprise_id"]: (r["decision"], r["to_segment"]) for r in before.iter_rows(named=True)}
    out, problems = [], []
    for r in records:
        if (r["decision"], r.get("to_segment")) == old.get(r["enterprise_id"]) or r["decision"] == PENDING:
            continue
        key = DECISION_KEYS.get(r["decision"])
        to = label_to_segment.get(r.get("to_segment") or "") if key == "move" else None
        if key == "move" and not to:
            problems.append(f"{r['name']}：改挂需要在 “改挂到” 中选择环节")
            continue
        out.append({"enterprise_id": r["enterprise_id"], "name": r["name"], "decision": key, "to_segment_id": to})
    return out, problems


def reviews_frame(reviews: list[Review], seg_names: dict[str, str]) -> pl.DataFrame:
    rows = [{
        "id": r.id, "enterprise": r.enterprise_name or r.enterprise_id, "segment": seg_names.get(r.segment_id, r.segment_name or r.segment_id),
        "decision": REVIEW_DECISION_ZH.get(r.decision, r.decision), "to": seg_names.get(r.to_segment_id or "", r.to_segment_id) if r.to_segment_id else None,
        "reviewer": r.reviewer, "day": r.day,
    } for r in reviews]  # fmt: skip
    schema = {"id": pl.Int64, "enterprise": pl.Utf8, "segment": pl.Utf8, "decision": pl.Utf8, "to": pl.Utf8, "reviewer": pl.Utf8, "day": pl.Utf8}
    return pl.DataFrame(rows, schema=schema)


def unapplied(reviews: list[Review], written_at: str | None) -> int:
    """Decisions made after the graph was last written (they show in the graph after the next ingest)."""
    if not written_at:
        return len(reviews)
    import datetime as dt

    try:
        w = dt.datetime.fromisoformat(written_at)
    except ValueError:
        return 0
    return sum(1 for r in reviews if dt.datetime.fromisoformat(r.at) > w)
