"""The evidence behind a link: industry-code matches, product (keyword) matches, name matches."""

from __future__ import annotations

from typing import Sequence

import polars as pl

from ingest.linking import text as T
from ingest.linking.profiles import Profiles, gbt_ancestors, sw_ancestors
from ingest.linking.rules import EQUIPMENT_MARKS, LinkRules
from ingest.linking.segments import ancestor_pairs

IND_SCHEMA = {"enterprise_id": pl.Utf8, "segment_id": pl.Utf8, "scheme": pl.Utf8, "seg_code": pl.Utf8}
KW_SCHEMA = {"enterprise_id": pl.Utf8, "segment_id": pl.Utf8, "chain_id": pl.Utf8, "term": pl.Utf8, "keyword": pl.Utf8,
             "share": pl.Float64, "rank": pl.Int64, "kind": pl.Utf8, "q": pl.Float64, "part": pl.Boolean, "shared_kw": pl.Boolean}  # fmt: skip
NAME_SCHEMA = {"enterprise_id": pl.Utf8, "segment_id": pl.Utf8, "keyword": pl.Utf8, "full": pl.Boolean}


def industry_matches(profiles: Profiles, rules_tab: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """(enterprise_id, segment_id, scheme, seg_code) for every industry-code match (the segment code equals or contains the enterprise's)."""
    parts = []
    for scheme, anc in (("sw", sw_ancestors), ("gbt", gbt_ancestors)):
        seg = rules_tab[scheme]
        ent = profiles.codes.filter(pl.col("scheme") == scheme)
        if seg.is_empty() or ent.is_empty():
            continue
        ent = ent.with_columns(pl.col("code").map_elements(anc, return_dtype=pl.List(pl.Utf8)).alias("anc")).explode("anc")
        m = ent.join(seg, left_on="anc", right_on="code", how="inner").select(
            "enterprise_id", "segment_id", pl.lit(scheme).alias("scheme"), pl.col("anc").alias("seg_code")
        )
        parts.append(m)
    if not parts:
        return pl.DataFrame(schema=IND_SCHEMA)
    return pl.concat(parts).unique(maintain_order=True)


LABEL_SCHEMA = {"enterprise_id": pl.Utf8, "segment_id": pl.Utf8, "seg_code": pl.Utf8, "label": pl.Utf8, "label_p": pl.Float64}


def label_matches(profiles: Profiles, rules_tab: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """(enterprise_id, segment_id, seg_code, label, label_p) for enterprises without a 申万 code whose coarse
    label (tushare's) stands for 申万 codes the segment's codes equal or contain; ``label_p`` is the share of
    the label's companies in those codes (how decisively the label names this segment)."""
    seg = rules_tab["sw"]
    if profiles.labels is None or profiles.labels.is_empty() or seg.is_empty():
        return pl.DataFrame(schema=LABEL_SCHEMA)
    has_sw = profiles.codes.filter(pl.col("scheme") == "sw").select("enterprise_id").unique()
    lab = profiles.labels.join(has_sw, on="enterprise_id", how="anti")
    lab = lab.with_columns(pl.col("code").map_elements(sw_ancestors, return_dtype=pl.List(pl.Utf8)).alias("anc")).explode("anc")
    m = lab.join(seg, left_on="anc", right_on="code").select("enterprise_id", "segment_id", pl.col("anc").alias("seg_code"), "label", "code", "p")
    p = m.unique(["enterprise_id", "segment_id", "code"]).group_by("enterprise_id", "segment_id").agg(pl.col("p").sum().round(3).alias("label_p"))
    return m.select("enterprise_id", "segment_id", "seg_code", "label").unique().join(p, on=["enterprise_id", "segment_id"]).cast(LABEL_SCHEMA)


def is_equipment_keyword(kw: str) -> bool:
    return any(m in kw for m in EQUIPMENT_MARKS[:-1]) or kw.endswith(EQUIPMENT_MARKS[-1])


def is_part_of(term: str, keyword: str, part_words: Sequence[str]) -> bool:
    """True when ``term`` names a part of / material for ``keyword``: a part word
    the keyword lacks follows the keyword in the term.

    >>> from ingest.linking.rules import PART_WORDS
    >>> is_part_of("手机天线", "手机", PART_WORDS), is_part_of("锂电铜箔", "铜箔", PART_WORDS)
    (True, False)
    >>> is_part_of("汽车零部件", "汽车零部件", PART_WORDS), is_part_of("正极材料", "正极材料", PART_WORDS)
    (False, False)
    """
    i = term.find(keyword)
    if i < 0:
        return False
    rest = term[i + len(keyword) :]
    return any(w in rest and w not in keyword for w in part_words)


def graph_descendants(graph: pl.DataFrame, keywords: Sequence[str], depth: int) -> dict[str, set[str]]:
    """``{sub-product: {keyword, …}}``: the 产品小类 descendants of each keyword, ``depth`` levels down (cycle-safe)."""
    if graph.is_empty() or depth <= 0:
        return {}
    children: dict[str, list[str]] = {}
    for a, b in graph.select("parent", "child").rows():
        children.setdefault(a, []).append(b)
    out: dict[str, set[str]] = {}
    for k in keywords:
        seen, frontier = {k}, [k]
        for _ in range(depth):
            nxt = []
            for node in frontier:
                for c in children.get(node, ()):
                    if c not in seen:
                        seen.add(c)
                        nxt.append(c)
                        out.setdefault(c, set()).add(k)
            frontier = nxt
    return out


def _term_hits(terms: list[str], patterns: list[str], rules: LinkRules, graph: pl.DataFrame) -> pl.DataFrame:
    """(term, clean, keyword, q): every keyword found on word boundaries in a cleaned product name."""
    schema = {"term": pl.Utf8, "clean": pl.Utf8, "keyword": pl.Utf8, "q": pl.Float64}
    if not terms or not patterns:
        return pl.DataFrame(schema=schema)
    cores = T.material_cores(patterns)
    sub = graph_descendants(graph, patterns, rules.product_graph_depth)
    cleaned = [T.clean_term(t, rules.trade_prefixes, rules.trade_suffixes) for t in terms]
    cand = pl.DataFrame({"term": terms, "clean": cleaned}).with_columns(pl.col("clean").str.extract_many(patterns, overlapping=True).alias("kws"))
    core_chars = set(cores.values())
    rows = []
    tk = None
    for term, clean, kws in cand.iter_rows():
        kws = sorted(set(kws or []))
        graph_kws = sub.get(clean, set())
        if not kws and not graph_kws and clean[-1:] not in core_chars:
            continue
        tk = tk or T.tokenizer(patterns)
        hits = T.keyword_hits(tk, clean, kws, cores)
        for k in graph_kws:
            hits.setdefault(k, T.GRAPH)
        rows += [(term, clean, k, q) for k, q in hits.items()]
    return pl.DataFrame(rows, schema=schema, orient="row")


def _context_ok(hits: pl.DataFrame, rules: LinkRules) -> pl.DataFrame:
    """Rule 1: service / equipment words in the product that the keyword lacks; "X用…" products; part words flagged."""
    if hits.is_empty():
        return hits.with_columns(pl.lit(False).alias("part"))
    equip_kw = pl.Series([is_equipment_keyword(k) for k in hits.get_column("keyword").to_list()], dtype=pl.Boolean)
    hits = hits.with_columns(equip_kw.alias("_equip"))
    # the context word must follow the keyword (``锂电池检测服务``): before it, it is part of the name (``化学机械抛光液``)
    hits = hits.with_columns(pl.Series("_after", [c[c.find(k) + len(k):] if k in c else "" for c, k in hits.select("clean", "keyword").rows()], dtype=pl.Utf8))
    for words, exempt in ((list(rules.service_words), None), (list(rules.equipment_words), "_equip")):
        if not words:
            continue
        extra = pl.col("_after").str.extract_many(words, overlapping=True).list.set_difference(pl.col("keyword").str.extract_many(words, overlapping=True))
        ok = extra.list.len() == 0
        hits = hits.filter(ok | pl.col(exempt) if exempt else ok)
    part = [is_part_of(t, k, rules.part_words) for t, k in hits.select("clean", "keyword").rows()] if rules.part_words else [False] * hits.height
    hits = hits.with_columns(pl.Series("part", part, dtype=pl.Boolean))
    if rules.exclude_for_use:
        for suffix in ("用", "专用", "所用"):
            hits = hits.filter(~pl.col("clean").str.contains(pl.col("keyword") + pl.lit(suffix), literal=True))
    return hits.drop("_equip", "_after")


def keyword_matches(profiles: Profiles, rules_tab: dict[str, pl.DataFrame], seg: pl.DataFrame, rules: LinkRules, graph: pl.DataFrame) -> pl.DataFrame:
    """Every accepted (enterprise, segment, term, keyword, q) product match, after rules 1-2."""
    kw = rules_tab["kw"]
    terms = profiles.terms.filter(pl.col("kind") != "name")
    if kw.is_empty() or terms.is_empty():
        return pl.DataFrame(schema=KW_SCHEMA)
    patterns = sorted(set(kw.get_column("keyword").to_list()))
    hits = _context_ok(_term_hits(sorted(set(terms.get_column("term").to_list())), patterns, rules, graph), rules)
    th = hits.select("term", "keyword", "q", "part").join(kw, on="keyword").join(seg.select("segment_id", "chain_id", "parent_id"), on="segment_id", how="left")
    if th.is_empty():
        return pl.DataFrame(schema=KW_SCHEMA)
    # rule 2a: longest keyword wins within a chain
    pairs = th.select("term", "chain_id", "keyword").unique()
    longer = pairs.join(pairs, on=["term", "chain_id"], suffix="_o").filter(
        (pl.col("keyword_o").str.len_chars() > pl.col("keyword").str.len_chars()) & pl.col("keyword_o").str.contains(pl.col("keyword"), literal=True)
    )
    th = th.join(longer.select("term", "chain_id", "keyword").unique(), on=["term", "chain_id", "keyword"], how="anti")
    # rule 2c: a keyword on several segments of a chain that are not parent and child cannot choose between them
    # (flagged here; such a match counts only where the enterprise's industry code is decisive)
    th = th.join(_shared_keywords(kw, seg).with_columns(pl.lit(True).alias("shared_kw")), on=["segment_id", "keyword"], how="left")
    th = th.with_columns(pl.col("shared_kw").fill_null(False))
    # rule 2b: the same (term, keyword) on a segment and one of its ancestors counts for the ancestor
    anc = ancestor_pairs(seg)
    if not anc.is_empty():
        hit_segs = th.select("term", "keyword", "segment_id").unique()
        shadow = (
            hit_segs.join(anc, on="segment_id")
            .join(hit_segs.rename({"segment_id": "ancestor_id"}), on=["term", "keyword", "ancestor_id"])
            .select("term", "keyword", "segment_id")
            .unique()
        )
        th = th.join(shadow, on=["term", "keyword", "segment_id"], how="anti")
    out = terms.join(th.select("term", "keyword", "segment_id", "chain_id", "q", "part", "shared_kw"), on="term", how="inner")
    return out.select(list(KW_SCHEMA)).cast(KW_SCHEMA)


def _shared_keywords(kw: pl.DataFrame, seg: pl.DataFrame) -> pl.DataFrame:
    """(segment_id, keyword) where the keyword is also on another segment of the chain outside its PART_OF line."""
    k = kw.join(seg.select("segment_id", "chain_id"), on="segment_id")
    pairs = k.join(k, on=["chain_id", "keyword"], suffix="_o").filter(pl.col("segment_id") != pl.col("segment_id_o"))
    if pairs.is_empty():
        return pairs.select("segment_id", "keyword")
    anc = ancestor_pairs(seg)
    line = pl.concat([anc, anc.select(pl.col("ancestor_id").alias("segment_id"), pl.col("segment_id").alias("ancestor_id"))])
    pairs = pairs.join(line.rename({"ancestor_id": "segment_id_o"}), on=["segment_id", "segment_id_o"], how="anti")
    return pairs.select("segment_id", "keyword").unique()


def name_matches(profiles: Profiles, rules_tab: dict[str, pl.DataFrame], rules: LinkRules) -> pl.DataFrame:
    """(enterprise_id, segment_id, keyword): a segment keyword on word boundaries in the enterprise's name (weak evidence)."""
    kw = rules_tab["kw"]
    if not rules.use_names or kw.is_empty() or profiles.names.is_empty():
        return pl.DataFrame(schema=NAME_SCHEMA)
    patterns = sorted(set(kw.get_column("keyword").to_list()))
    names = profiles.names.select("enterprise_id", pl.col("full_name").fill_null(pl.col("enterprise_name")).alias("n")).drop_nulls()
    names = names.with_columns(pl.col("n").map_elements(T.clean_name, return_dtype=pl.Utf8).alias("n"))
    cand = names.with_columns(pl.col("n").str.extract_many(patterns, overlapping=True).alias("kws")).filter(pl.col("kws").list.len() > 0)
    tk = T.tokenizer(patterns)
    rows = []
    for eid, n, kws in cand.iter_rows():
        rows += [(eid, k, True) for k in T.keyword_hits(tk, n, sorted(set(kws)))]
    # the name's head word is the keyword's (金宏气体 ~ 电子气体), unless the word says nothing (科技, 材料, 设备 …):
    # weaker still, it only chooses among segments the industry code points at
    heads = T.head_words(patterns)
    for eid, n in names.iter_rows():
        rows += [(eid, k, False) for k in heads.get(T.name_head(tk, n), ())]
    # an enterprise without product data: a material the name names as a word (上海硅产业 ~ 硅片), as weak
    rows += _stem_hits(names, profiles, tk, T.material_stems(patterns))
    hits = pl.DataFrame(rows, schema={"enterprise_id": pl.Utf8, "keyword": pl.Utf8, "full": pl.Boolean}, orient="row")
    hits = hits.group_by("enterprise_id", "keyword").agg(pl.col("full").any())
    return hits.join(kw, on="keyword").group_by("enterprise_id", "segment_id").agg(pl.col("keyword").first(), pl.col("full").any())


def _stem_hits(names: pl.DataFrame, profiles: Profiles, tk, stems: dict[str, list[str]]) -> list[tuple[str, str, bool]]:
    """(enterprise_id, keyword, False) where an enterprise without product data has a keyword's material as a word of its name."""
    if not stems:
        return []
    with_terms = set(profiles.terms.filter(pl.col("kind") != "name").get_column("enterprise_id").to_list())
    rows = []
    for eid, n in names.iter_rows():
        if eid not in with_terms and any(c in n for c in stems):
            rows += [(eid, k, False) for w in set(tk.lcut(n, HMM=False)) for k in stems.get(w, ())]
    return rows


def _label_sectors(labels: pl.DataFrame, own: pl.DataFrame, digits: int, min_p: float) -> pl.DataFrame:
    """(enterprise_id, "sw", sector): the sectors (first ``digits`` digits) holding ≥ ``min_p`` of an enterprise's
    label, for enterprises whose label has moved away from their 申万 code (none of those sectors is theirs:
    雅化集团, 申万 民爆制品 in 2021, 小金属 now) or that have no 申万 code."""
    lab = labels.group_by("enterprise_id", pl.col("code").str.slice(0, digits).alias("sector")).agg(pl.col("p").sum()).filter(pl.col("p") >= min_p)
    same = lab.join(own.filter(pl.col("scheme") == "sw"), on=["enterprise_id", "sector"]).select("enterprise_id").unique()
    return lab.join(same, on="enterprise_id", how="anti").select("enterprise_id", pl.lit("sw").alias("scheme"), "sector").unique()


def sector_agreement(profiles: Profiles, rules_tab: dict[str, pl.DataFrame], digits: int, label_p: float = 0.1) -> pl.DataFrame:
    """(enterprise_id, segment_id, agree) for every pair that shares a code scheme: agree when one of the
    enterprise's codes and one of the segment's codes have the same first ``digits`` digits (申万 L1 = 2,
    L2 = 4; GB/T division or group). The sectors a coarse label stands for (share ≥ ``label_p``) count too
    where the label has moved away from the 申万 code (the label is current, the 申万 code is from 2021)."""
    gbt_digits = {2: 2, 4: 3}.get(digits, 4)  # GB/T: division (2) ~ 申万 L1, group (3) ~ 申万 L2
    cut = pl.when(pl.col("scheme") == "gbt").then(pl.col("code").str.slice(0, gbt_digits)).otherwise(pl.col("code").str.slice(0, digits))
    seg_sect = (
        pl.concat([rules_tab["sw"].with_columns(pl.lit("sw").alias("scheme")), rules_tab["gbt"].with_columns(pl.lit("gbt").alias("scheme"))])
        .select("segment_id", "scheme", cut.alias("sector"))
        .unique()
    )
    ent_sect = profiles.codes.select("enterprise_id", "scheme", cut.alias("sector")).unique()
    if profiles.labels is not None and not profiles.labels.is_empty():
        ent_sect = pl.concat([ent_sect, _label_sectors(profiles.labels, ent_sect, digits, label_p)])
    judged = ent_sect.select("enterprise_id", "scheme").unique().join(seg_sect.select("segment_id", "scheme").unique(), on="scheme")
    agree = ent_sect.join(seg_sect, on=["scheme", "sector"]).select("enterprise_id", "segment_id").unique().with_columns(pl.lit(True).alias("agree"))
    return (
        judged.select("enterprise_id", "segment_id").unique()
        .join(agree, on=["enterprise_id", "segment_id"], how="left")
        .with_columns(pl.col("agree").fill_null(False))
    )  # fmt: skip
