"""Segment rules (codes, keywords) and the PART_OF structure, read from ``segments.csv``."""

from __future__ import annotations

import re

import polars as pl

from ingest.linking.profiles import _list_col, gbt_norm
from ingest.linking.rules import DEFAULT_RULES, LinkRules


def segment_rules(segments: pl.DataFrame, rules: LinkRules = DEFAULT_RULES) -> dict[str, pl.DataFrame]:
    """The matching rules of every segment as three long tables (sw, gbt, kw)."""
    ids = segments.get_column("id").cast(pl.Utf8).to_list()
    sw, gbt, kw = [], [], []
    for sid, sws, gbts, kws in zip(ids, _list_col(segments, "sw_codes"), _list_col(segments, "gbt4754"), _list_col(segments, "keywords")):
        for c in sws:
            c = re.sub(r"\D", "", c)
            if len(c) == 6:
                sw.append((sid, c))
        for c in gbts:
            c = gbt_norm(c)
            if len(c) >= 2:
                gbt.append((sid, c))
        for k in kws:
            if len(k) >= rules.min_keyword_len:
                kw.append((sid, k))
    mk = lambda rows, col: pl.DataFrame(rows, schema={"segment_id": pl.Utf8, col: pl.Utf8}, orient="row").unique(maintain_order=True)
    return {"sw": mk(sw, "code"), "gbt": mk(gbt, "code"), "kw": mk(kw, "keyword")}


def segment_info(segments: pl.DataFrame) -> pl.DataFrame:
    cols = {"id": pl.Utf8, "chain_id": pl.Utf8, "name": pl.Utf8, "parent_id": pl.Utf8}
    out = []
    for c, t in cols.items():
        out.append(segments.get_column(c).cast(t) if c in segments.columns else pl.Series(c, [None] * segments.height, dtype=t))
    return pl.DataFrame(out).rename({"id": "segment_id", "name": "segment_name"})



def ancestor_pairs(seg: pl.DataFrame) -> pl.DataFrame:
    """(segment_id, ancestor_id) along PART_OF, cycles tolerated."""
    parent = {a: b for a, b in seg.select("segment_id", "parent_id").rows() if b}
    rows = []
    for s in parent:
        seen, p = set(), parent.get(s)
        while p and p not in seen and p != s:
            rows.append((s, p))
            seen.add(p)
            p = parent.get(p)
    return pl.DataFrame(rows, schema={"segment_id": pl.Utf8, "ancestor_id": pl.Utf8}, orient="row")


def inherited_keywords(kw: pl.DataFrame, seg: pl.DataFrame) -> pl.DataFrame:
    """(segment_id, keyword) of every segment's ancestors: evidence for the parent is evidence for the child
    where the child's own industry code agrees (a chip maker on 数字芯片 whose product only says 芯片)."""
    anc = ancestor_pairs(seg)
    if anc.is_empty() or kw.is_empty():
        return pl.DataFrame(schema={"segment_id": pl.Utf8, "keyword": pl.Utf8})
    return anc.join(kw.rename({"segment_id": "ancestor_id"}), on="ancestor_id").select("segment_id", "keyword").unique()


def sector_rules(rules_tab: dict[str, pl.DataFrame], seg: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """``rules_tab`` for the sector test (rule 4): a segment without codes of a scheme takes its
    sub-segments' codes (``芯片设计`` with no 申万 code lies where ``数字芯片`` and ``模拟芯片`` lie), so a
    parent segment is not open to every sector.
    """
    anc = ancestor_pairs(seg)
    if anc.is_empty():
        return rules_tab
    out = dict(rules_tab)
    for scheme in ("sw", "gbt"):
        own = rules_tab[scheme]
        has = set(own.get_column("segment_id").to_list())
        down = anc.filter(~pl.col("ancestor_id").is_in(list(has))).join(own, on="segment_id")
        down = down.select(pl.col("ancestor_id").alias("segment_id"), "code")
        out[scheme] = pl.concat([own, down]).unique(maintain_order=True)
    return out


def empty_segments(segments: pl.DataFrame, rules_tab: dict[str, pl.DataFrame]) -> list[str]:
    """Segments with neither keywords nor codes (they can link nobody; the summary names them)."""
    has = set()
    for t in rules_tab.values():
        has |= set(t.get_column("segment_id").to_list())
    return [s for s in segments.get_column("id").cast(pl.Utf8).to_list() if s not in has]
