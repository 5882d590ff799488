"""From evidence to links: which (enterprise, segment) pairs become links, their confidence, share, source and evidence score."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from ingest.linking import evidence as E
from ingest.linking.profiles import Profiles
from ingest.linking.rules import LinkRules
from ingest.linking.segments import ancestor_pairs, inherited_keywords, sector_rules

PAIR = ["enterprise_id", "segment_id"]


@dataclass
class Evidence:
    ind: pl.DataFrame  # enterprise_id, segment_id, scheme, seg_code
    kw: pl.DataFrame  # E.KW_SCHEMA (+ inherited: the keyword belongs to an ancestor segment)
    name: pl.DataFrame  # enterprise_id, segment_id, keyword
    label: pl.DataFrame | None = None  # E.LABEL_SCHEMA: what a coarse label says (enterprises without a 申万 code)


def gather(seg: pl.DataFrame, rules_tab: dict[str, pl.DataFrame], profiles: Profiles, rules: LinkRules, graph: pl.DataFrame) -> Evidence:
    """All evidence for ``profiles``; product matches of an ancestor's keywords are copied to the sub-segment (``inherited``)."""
    ind = E.industry_matches(profiles, rules_tab)
    label = E.label_matches(profiles, rules_tab) if rules.label_decisive is not None else pl.DataFrame(schema=E.LABEL_SCHEMA)
    ind = pl.concat([ind, label.select("enterprise_id", "segment_id", pl.lit("ts").alias("scheme"), "seg_code")])
    tab = dict(rules_tab)
    inh = inherited_keywords(rules_tab["kw"], seg)
    tab["kw"] = pl.concat([rules_tab["kw"].with_columns(pl.lit(False).alias("inherited")), inh.with_columns(pl.lit(True).alias("inherited"))])
    own = E.keyword_matches(profiles, rules_tab, seg, rules, graph).with_columns(pl.lit(False).alias("inherited"))
    kw = own
    if not inh.is_empty() and not own.is_empty():
        # an ancestor's keyword matched: the same product is evidence for each sub-segment (used where its code agrees)
        anc = ancestor_pairs(seg)
        down = own.join(anc.rename({"segment_id": "child", "ancestor_id": "segment_id"}), on="segment_id")
        down = down.rename({"segment_id": "from_segment"}).rename({"child": "segment_id"})
        own = own.with_columns(pl.col("segment_id").alias("from_segment"))
        kw = pl.concat([own, down.select(own.columns).with_columns(pl.lit(True).alias("inherited"))])
    bad = shared_codes(seg, rules_tab)
    decisive = ind.filter(pl.Series([(s, c) not in bad for s, c in ind.select("segment_id", "seg_code").rows()], dtype=pl.Boolean))
    if not kw.is_empty():
        # rule 2c: a keyword several segments share counts only where the industry code is decisive
        dec = decisive.select(PAIR).unique().with_columns(pl.lit(True).alias("_dec"))
        kw = kw.join(dec, on=PAIR, how="left").filter(~pl.col("shared_kw") | pl.col("_dec").fill_null(False)).drop("_dec")
    if not kw.is_empty() and kw.get_column("inherited").any():
        # an ancestor's keyword chooses a sub-segment only when it is the one sub-segment of that ancestor the
        # enterprise's code points at (it cannot choose among siblings that share the code)
        anc = ancestor_pairs(seg)
        under = ind.select(PAIR).unique().join(anc, on="segment_id").group_by("enterprise_id", "ancestor_id").agg(pl.len().alias("_n"))
        kw = kw.join(under.rename({"ancestor_id": "from_segment"}), on=["enterprise_id", "from_segment"], how="left")
        kw = kw.filter(~pl.col("inherited") | (pl.col("_n").fill_null(0) == 1)).drop("_n")
    if "part" in kw.columns and not kw.is_empty():
        # rule 1, part words: "手机天线" places an antenna maker among phone makers only if its industry code says so
        has_ind = ind.select(PAIR).unique().with_columns(pl.lit(True).alias("_ind"))
        kw = kw.join(has_ind, on=PAIR, how="left").filter(~pl.col("part") | pl.col("_ind").fill_null(False)).drop("_ind")
    names = E.name_matches(profiles, rules_tab, rules)
    return Evidence(ind, kw, names, label)


def coverage(ev: Evidence, profiles: Profiles) -> pl.DataFrame:
    """Rule 5 ratio per (segment, code): of the enterprises with products whose code matches, the share whose
    products match the segment's keywords (its own or its ancestors')."""
    with_terms = profiles.terms.filter(pl.col("kind") != "name").select("enterprise_id").unique()
    kw_pairs = ev.kw.select(PAIR).unique().with_columns(pl.lit(True).alias("_kw"))
    return (
        ev.ind.filter(pl.col("scheme") != "ts").select("enterprise_id", "segment_id", "seg_code").unique()
        .join(with_terms, on="enterprise_id")
        .join(kw_pairs, on=PAIR, how="left")
        .group_by("segment_id", "seg_code")
        .agg(pl.len().alias("n"), pl.col("_kw").fill_null(False).sum().alias("n_kw"))
        .with_columns((pl.col("n_kw") / pl.col("n")).alias("coverage"))
    )  # fmt: skip


def one_place_per_chain(kw: pl.DataFrame, ind: pl.DataFrame) -> pl.DataFrame:
    """Rule 3: a product matching several segments of a chain counts only where the industry code agrees, if it agrees anywhere."""
    if kw.is_empty():
        return kw
    flag = ind.select(PAIR).unique().with_columns(pl.lit(True).alias("_has_ind"))
    kw = kw.join(flag, on=PAIR, how="left").with_columns(pl.col("_has_ind").fill_null(False))
    return kw.filter(pl.col("_has_ind") | ~pl.col("_has_ind").any().over("enterprise_id", "chain_id", "term")).drop("_has_ind")


def product_pairs(kw: pl.DataFrame, profiles: Profiles, rules: LinkRules) -> pl.DataFrame:
    """Product evidence per pair: terms, known share sum, best match quality, longest keyword, whether inherited only."""
    has_shares = profiles.terms.filter(pl.col("share").is_not_null()).select("enterprise_id").unique().with_columns(pl.lit(True).alias("_hs"))
    agg = kw.group_by(PAIR).agg(
        pl.col("term").unique(maintain_order=True).alias("terms"),
        pl.col("kind").first().alias("kind"),
        pl.struct("term", "share").filter(~pl.col("inherited")).unique().alias("_ts"),
        pl.struct("term", "share").unique().alias("_ts_all"),
        pl.col("q").max().alias("best_q"),
        pl.col("keyword").str.len_chars().max().alias("kw_len"),
        pl.col("inherited").all().alias("inherited"),
    )
    shares = lambda c: pl.col(c).list.eval(pl.element().struct.field("share")).list.drop_nulls()  # noqa: E731
    agg = agg.with_columns(shares("_ts_all").alias("_shares"), shares("_ts").alias("_own_shares"))
    agg = agg.with_columns(pl.col("_shares").list.len().alias("n_known"), pl.col("_shares").list.sum().alias("known_sum"))
    agg = agg.join(has_shares, on="enterprise_id", how="left").with_columns(pl.col("_hs").fill_null(False))
    unknown = pl.col("n_known") == 0
    material = (unknown & ~pl.col("_hs")) | (~unknown & (pl.col("known_sum") >= (rules.min_share or 0.0)))
    return agg.with_columns(
        # with the industry code agreeing, any named product line (or one of some size) confirms
        (unknown | (pl.col("known_sum") >= rules.min_share_confirm)).alias("prod_confirms"),
        # standing alone: a material line, the share known (unless the enterprise has no shares at all), not inherited
        (~pl.col("inherited") & material).alias("prod_material"),
    ).drop("_ts", "_ts_all", "_hs")


def sector_ok(pairs: pl.DataFrame, profiles: Profiles, rules_tab: dict[str, pl.DataFrame], rules: LinkRules) -> pl.Series:
    """Rule 4 for product-only links: the enterprise's 申万 L2 (or GB/T group) is one of the segment's, or — for a
    strong match (the keyword heads the product, ≥ ``strong_keyword_len`` characters, ≥ ``strong_share`` of
    revenue) — its 申万 L1; pairs without a shared code scheme are not judged."""
    if not rules.same_sector or pairs.is_empty():
        return pl.Series([True] * pairs.height, dtype=pl.Boolean)
    narrow = E.sector_agreement(profiles, rules_tab, rules.sector_digits, rules.label_sector).rename({"agree": "_l2"})
    broad = E.sector_agreement(profiles, rules_tab, 2, rules.label_sector).rename({"agree": "_l1"})
    j = pairs.select(*PAIR, "chain_id", "best_q", "kw_len", "known_sum", "by_industry").join(narrow, on=PAIR, how="left").join(broad, on=PAIR, how="left")
    # the enterprise's code places it in this chain (on some segment): a strong product match picks the segment
    in_chain = pl.col("by_industry").any().over("enterprise_id", "chain_id")
    strong = (pl.col("best_q") >= 1.0) & (pl.col("kw_len") >= rules.strong_keyword_len) & (pl.col("known_sum").fill_null(0) >= rules.strong_share) & in_chain
    ok = pl.col("_l2").is_null() | pl.col("_l2") | (pl.col("_l1").fill_null(False) & strong)
    return j.select(ok.alias("ok")).to_series()


def shared_codes(seg: pl.DataFrame, rules_tab: dict[str, pl.DataFrame]) -> set[tuple[str, str]]:
    """(segment_id, code) where the code is on several segments of one chain: it says "one of these"."""
    shared = (
        pl.concat([rules_tab["sw"], rules_tab["gbt"]])
        .join(seg.select("segment_id", "chain_id"), on="segment_id")
        .group_by("chain_id", "code").agg(pl.col("segment_id").unique())
        .filter(pl.col("segment_id").list.len() > 1)
        .explode("segment_id")
    )  # fmt: skip
    return set(zip(shared.get_column("segment_id").to_list(), shared.get_column("code").to_list()))


def resolved_codes(seg: pl.DataFrame, rules_tab: dict[str, pl.DataFrame], cov: pl.DataFrame | None, rules: LinkRules) -> set[tuple[str, str]]:
    """(segment_id, code) where a code shared by several segments of a chain is, by the data, about one of them:
    of the enterprises with products whose code it is, at least ``resolve_coverage`` make that segment's
    products and under ``min_coverage`` any other's (申万 数字芯片设计 on 数字芯片 and EDA: the chip designers)."""
    if rules.resolve_coverage is None or cov is None or cov.is_empty():
        return set()
    ratio = {(s, c): (n, r) for s, c, n, r in cov.select("segment_id", "seg_code", "n", "coverage").rows()}
    groups: dict[tuple[str, str], list[str]] = {}
    chain = dict(seg.select("segment_id", "chain_id").rows())
    for s, c in shared_codes(seg, rules_tab):
        groups.setdefault((chain[s], c), []).append(s)
    out = set()
    for (_, code), segs in groups.items():
        measured = [(ratio[(s, code)][1], s) for s in segs if ratio.get((s, code), (0, 0))[0] >= rules.min_support]
        if len(measured) < len(segs):
            continue  # a sharing segment without a measured ratio: not resolved
        measured.sort(reverse=True)
        (top, s_top), rest = measured[0], [r for r, _ in measured[1:]]
        if top >= rules.resolve_coverage and all(r < (rules.min_coverage or 0.0) for r in rest):
            out.add((s_top, code))
    return out


def parent_fallback(dropped: pl.DataFrame, kept: pl.DataFrame, seg: pl.DataFrame) -> pl.DataFrame:
    """An enterprise whose only industry evidence is a code shared by sibling segments (one PART_OF parent), and
    nothing to choose between them: placed on the parent, ``likely``. Other shared codes place nobody (counted)."""
    if dropped.is_empty():
        return dropped.select(PAIR).with_columns(pl.lit(None, dtype=pl.Utf8).alias("code"))
    parent = seg.select("segment_id", "parent_id", "chain_id")
    d = dropped.select("enterprise_id", "segment_id", pl.col("codes").list.first().alias("code")).join(parent, on="segment_id")
    in_chain = kept.join(parent.select("segment_id", "chain_id"), on="segment_id").select("enterprise_id", "chain_id").unique()
    d = d.join(in_chain, on=["enterprise_id", "chain_id"], how="anti")
    g = d.group_by("enterprise_id", "chain_id", "code").agg(pl.col("parent_id").unique().alias("parents"))
    g = g.filter((pl.col("parents").list.len() == 1) & pl.col("parents").list.first().is_not_null())
    return g.select("enterprise_id", pl.col("parents").list.first().alias("segment_id"), "code").unique(PAIR)


def _decisive(s: str, codes: list[str] | None, scheme: str | None, label_p: float | None, bad: set, rules: LinkRules) -> bool:
    """A code that names this segment alone; a coarse label only when it names the segment decisively."""
    if codes is None:
        return False
    if scheme == "ts":
        return (label_p or 0.0) >= (rules.label_decisive or 1.0) and all((s, c) not in bad for c in codes)
    return any((s, c) not in bad for c in codes)


def combine(ev: Evidence, seg: pl.DataFrame, profiles: Profiles, rules_tab: dict[str, pl.DataFrame], rules: LinkRules, cov: pl.DataFrame | None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Pairs that become links, with their evidence columns; and the industry-only pairs left out for a shared code."""
    kw = one_place_per_chain(ev.kw, ev.ind)
    prod = product_pairs(kw, profiles, rules) if not kw.is_empty() else None
    ind_pairs = ev.ind.group_by(PAIR).agg(pl.col("scheme").first().alias("scheme"), pl.col("seg_code").unique().sort().alias("codes"))
    if ev.label is not None and not ev.label.is_empty():
        ind_pairs = ind_pairs.join(ev.label.select(*PAIR, "label", "label_p").unique(PAIR), on=PAIR, how="left")
    else:
        ind_pairs = ind_pairs.with_columns(pl.lit(None, dtype=pl.Utf8).alias("label"), pl.lit(None, dtype=pl.Float64).alias("label_p"))
    names = ev.name.group_by(PAIR).agg(pl.col("keyword").first().alias("name_kw"), pl.col("full").any().alias("name_full"))
    both = ind_pairs.join(names, on=PAIR, how="full", coalesce=True)
    if prod is not None:
        both = both.join(prod, on=PAIR, how="full", coalesce=True)
    else:
        both = both.with_columns(pl.lit(None, dtype=pl.List(pl.Utf8)).alias("terms"), pl.lit(False).alias("prod_confirms"), pl.lit(False).alias("prod_material"),
                                 pl.lit(None, dtype=pl.Float64).alias("best_q"), pl.lit(None, dtype=pl.Int64).alias("kw_len"), pl.lit(None, dtype=pl.Float64).alias("known_sum"),
                                 pl.lit(None, dtype=pl.Utf8).alias("kind"), pl.lit(None, dtype=pl.List(pl.Float64)).alias("_own_shares"), pl.lit(None, dtype=pl.Boolean).alias("inherited"))  # fmt: skip
    has_products = profiles.terms.filter(pl.col("kind") != "name").select("enterprise_id").unique().with_columns(pl.lit(True).alias("has_products"))
    both = both.join(seg.select("segment_id", "chain_id", "segment_name", "parent_id"), on="segment_id", how="left").join(has_products, on="enterprise_id", how="left")
    both = both.with_columns(
        pl.col("codes").is_not_null().alias("by_industry"),
        pl.col("terms").is_not_null().alias("by_product"),
        pl.col("name_kw").is_not_null().alias("by_name"),
        pl.col("has_products").fill_null(False),
        pl.col("prod_confirms").fill_null(False),
        pl.col("prod_material").fill_null(False),
    )
    both = both.with_columns(sector_ok(both, profiles, sector_rules(rules_tab, seg), rules).alias("_sector"))
    bad = shared_codes(seg, rules_tab) - resolved_codes(seg, rules_tab, cov, rules) if rules.drop_ambiguous_industry else set()
    if rules.min_coverage is not None and cov is not None:
        low = cov.filter((pl.col("n") >= rules.min_support) & (pl.col("coverage") < rules.min_coverage))
        weak = set(zip(low.get_column("segment_id").to_list(), low.get_column("seg_code").to_list()))
    else:
        weak = set()
    rows = both.select("segment_id", "codes", "has_products", "scheme", "label_p").rows()
    decisive = [_decisive(s, codes, sch, lp, bad, rules) for s, codes, _, sch, lp in rows]
    covered = [codes is not None and (not hp or any((s, c) not in weak for c in codes)) for s, codes, hp, _, _ in rows]
    both = both.with_columns(pl.Series("decisive", decisive, dtype=pl.Boolean), pl.Series("_covered", covered, dtype=pl.Boolean))
    ind, prod_c, name = pl.col("by_industry"), pl.col("by_product") & pl.col("prod_confirms"), pl.col("by_name")
    # a weak name match (the name's head word or material, not a whole keyword) chooses a segment only when it
    # points at one of those the code points at (珠海冠宇电池: 电池 heads 储能电池 and 消费类电池 alike)
    weak = ind & name & ~pl.col("name_full").fill_null(False) & ~prod_c
    name = name & ~(weak & (weak.cast(pl.Int32).sum().over("enterprise_id", "chain_id") > 1))
    keep = (
        (ind & (prod_c | name))  # industry and product (or name) agree
        | (~ind & pl.col("prod_material") & pl.col("_sector") & (pl.col("best_q") >= 0.8))  # a material product line, in the segment's sector
        | (ind & pl.col("decisive") & pl.col("_covered"))  # a decisive code (no product data at all: always)
        | (~ind & ~pl.col("by_product") & name & pl.col("name_full").fill_null(False) & ~pl.col("has_products") & pl.col("_sector"))  # the name only
    )
    dropped = both.filter(~keep & ind & ~pl.col("decisive") & ~pl.col("by_product") & ~name & (pl.col("scheme") != "ts"))
    return both.filter(keep), dropped
