"""The linking entry points: :func:`link`, :func:`link_listed`, :func:`link_table`, and the run summary."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from ingest.linking import decide as D
from ingest.linking.io import LINK_COLUMNS, REVIEW_COLUMNS, read_segments, read_text_csv, write_links  # noqa: F401
from ingest.linking.profiles import Profiles, listed_profiles, split_list, table_profiles  # noqa: F401
from ingest.linking.rules import DEFAULT_RULES, LinkRules
from ingest.linking.segments import ancestor_pairs, empty_segments, segment_info, segment_rules

OUT_COLUMNS = ["enterprise_id", "enterprise_name", "segment_id", "segment_name", "chain_id", "share", "source", "confidence", "evidence",
               "by_industry", "by_product", "by_name"]  # fmt: skip


@dataclass
class LinkReport:
    """What a run did besides its links, for the summary: segments that can link nobody, enterprises left
    unplaced because their only evidence was a code shared by several segments, and name-only input."""

    empty_segments: list[str] = field(default_factory=list)
    ambiguous: int = 0
    names_only: bool = False
    notes: list[str] = field(default_factory=list)


def _product_graph() -> pl.DataFrame:
    from ingest.public import chainkg

    return chainkg.load_product_graph()


def _evidence_score(df: pl.DataFrame) -> pl.Expr:
    """0–1, for sorting a review: 1 − Π(1 − eᵢ) over the kinds of evidence present.

    industry: 0.6 for a code that names this segment alone, 0.35 for a shared code, 0.25 for a shared code
    resolved to the parent, 0.3 for a coarse label that names the segment decisively, 0.15 for one that only
    points at it; product: match quality (1 head, 0.8 material core, 0.5 inside the name) ×
    min(1, 0.35 + known share) (× 0.3 with no share known; × 0.6 when only an ancestor's keyword matched);
    name: 0.25.
    """
    label = pl.col("scheme").fill_null("") == "ts"
    e_ind = (
        pl.when(pl.col("parent_fallback")).then(0.25).when(pl.col("by_industry") & label).then(pl.when(pl.col("decisive")).then(0.3).otherwise(0.15))
        .when(pl.col("by_industry") & pl.col("decisive")).then(0.6).when(pl.col("by_industry")).then(0.35).otherwise(0.0)
    )  # fmt: skip
    size = pl.when(pl.col("known_sum").fill_null(0) > 0).then((0.35 + pl.col("known_sum")).clip(upper_bound=1.0)).otherwise(0.3)
    e_prod = pl.when(pl.col("by_product")).then(pl.col("best_q").fill_null(0.5) * size * pl.when(pl.col("inherited").fill_null(False)).then(0.6).otherwise(1.0)).otherwise(0.0)
    e_name = pl.when(pl.col("by_name")).then(0.25).otherwise(0.0)
    return (1 - (1 - e_ind) * (1 - e_prod) * (1 - e_name)).round(3)


def _fmt_list(items: list[str], n: int) -> str:
    items = list(dict.fromkeys(x for x in items if x))
    more = f"等{len(items)}项" if len(items) > n else ""
    return "、".join(items[:n]) + more


def _sources(df: pl.DataFrame, profiles: Profiles, rules: LinkRules) -> list[str]:
    full = dict(profiles.names.select("enterprise_id", pl.col("full_name").fill_null(pl.col("enterprise_name"))).rows())
    out = []
    for eid, scheme, codes, terms, kind, inh, by_name, fb, label in df.select(
        "enterprise_id", "scheme", "codes", "terms", "kind", "inherited", "by_name", "parent_fallback", "label"
    ).rows():
        parts = []
        if codes and scheme == "ts":
            parts.append(f"证券行业标签匹配({label}，对应申万{_fmt_list(codes, 3)})")
        elif codes:
            label = "申万行业匹配" if scheme == "sw" else "国标行业匹配"
            parts.append(f"{label}({_fmt_list(codes, 3)}{'，多个下级环节共用，归入上级环节' if fb else ''})")
        if terms:
            label = {"product": "主营产品匹配", "keyword": "关键词匹配"}.get(kind or "product", "主营产品匹配")
            parts.append(f"{label}({_fmt_list(terms, rules.quote_terms)}{'，上级环节关键词' if inh else ''})")
        if by_name:
            parts.append(f"企业名称匹配({full.get(eid) or eid})")
        out.append("+".join(parts) + f"；{profiles.data_source}")
    return out


def _finish(kept: pl.DataFrame, fallback: pl.DataFrame, seg: pl.DataFrame, profiles: Profiles, rules: LinkRules) -> pl.DataFrame:
    """Parent fallbacks added, rule 6 (most specific segment), share, confidence, evidence, source; sorted."""
    kept = kept.with_columns(pl.lit(False).alias("parent_fallback"))
    if not fallback.is_empty():
        fb = fallback.join(seg.select("segment_id", "chain_id", "segment_name"), on="segment_id").with_columns(
            pl.col("code").map_elements(lambda c: [c], return_dtype=pl.List(pl.Utf8)).alias("codes"),
            pl.lit("sw").alias("scheme"), pl.lit(True).alias("by_industry"), pl.lit(False).alias("by_product"), pl.lit(False).alias("by_name"),
            pl.lit(False).alias("decisive"), pl.lit(True).alias("parent_fallback"),
        ).drop("code")  # fmt: skip
        kept = pl.concat([kept, fb], how="diagonal_relaxed")
    if rules.most_specific_only and not kept.is_empty():
        # a product-only match on a parent segment is the vaguest evidence: not kept where the code and a product
        # already place the enterprise on a segment of the chain
        parents = seg.filter(pl.col("parent_id").is_not_null()).select(pl.col("parent_id").alias("segment_id")).unique().with_columns(pl.lit(True).alias("_parent"))
        placed = kept.filter(pl.col("by_industry") & pl.col("by_product")).select("enterprise_id", "chain_id").unique().with_columns(pl.lit(True).alias("_placed"))
        kept = kept.join(parents, on="segment_id", how="left").join(placed, on=["enterprise_id", "chain_id"], how="left")
        kept = kept.filter(~(pl.col("_parent").fill_null(False) & pl.col("_placed").fill_null(False) & ~pl.col("by_industry"))).drop("_parent", "_placed")
        covered = kept.select(D.PAIR).join(ancestor_pairs(seg), on="segment_id").select("enterprise_id", pl.col("ancestor_id").alias("segment_id")).unique()
        kept = kept.join(covered, on=D.PAIR, how="anti")
    own = pl.col("_own_shares")
    kept = kept.with_columns(
        pl.when(own.list.len() > 0).then(own.list.sum().clip(upper_bound=1.0)).otherwise(None).alias("share"),
        pl.when(pl.col("by_industry") & pl.col("by_product") & ~pl.col("parent_fallback") & (pl.col("scheme").fill_null("") != "ts"))
        .then(pl.lit("confirmed")).otherwise(pl.lit("likely")).alias("confidence"),
        _evidence_score(kept).alias("evidence"),
    )
    kept = kept.join(profiles.names.select("enterprise_id", "enterprise_name"), on="enterprise_id", how="left")
    kept = kept.with_columns(pl.Series("source", _sources(kept, profiles, rules), dtype=pl.Utf8))
    return kept.select(OUT_COLUMNS).sort(["segment_id", "enterprise_id"])


def link(
    segments: pl.DataFrame,
    profiles: Profiles,
    rules: LinkRules = DEFAULT_RULES,
    *,
    min_confidence: str = "likely",
    reference: Profiles | None = None,
    graph: pl.DataFrame | None = None,
    report: LinkReport | None = None,
) -> pl.DataFrame:
    """Link enterprises to segments; one row per (enterprise, segment).

    Returns the contract columns of ``enterprise_segments`` plus ``enterprise_name``, ``segment_name``,
    ``chain_id``, the ``evidence`` score (0–1) and the evidence flags ``by_industry`` / ``by_product`` /
    ``by_name`` (drop them before writing a dataset). Rows are sorted by segment_id, then enterprise_id.
    ``reference`` is the population rule 5 measures code coverage on (default: ``profiles``); ``graph``
    the 产品小类 edges (default: the shipped excerpt); ``report`` collects what the summary says.

    >>> segs = pl.DataFrame({"id": ["S1", "S2"], "chain_id": ["C", "C"], "name": ["正极材料", "电池"],
    ...                      "sw_codes": ["270202", "270202"], "keywords": ["正极", "动力电池"]})
    >>> comp = pl.DataFrame({"code": ["688005.SH"], "name": ["容百科技"], "sw_l3_code": ["270202"],
    ...                      "sw_l2_code": ["270200"], "sw_l1_code": ["270000"]})
    >>> prod = pl.DataFrame({"code": ["688005.SH"], "product": ["三元正极材料"], "share": [0.78]})
    >>> link(segs, listed_profiles(comp, prod)).select("segment_id", "share", "confidence", "evidence").rows()
    [('S1', 0.78, 'confirmed', 0.675)]
    """
    seg = segment_info(segments)
    rules_tab = segment_rules(segments, rules)
    graph = _product_graph() if graph is None else graph
    ev = D.gather(seg, rules_tab, profiles, rules, graph)
    ref_ev = ev if reference is None or reference is profiles else D.gather(seg, rules_tab, reference, rules, graph)
    cov = D.coverage(ref_ev, profiles if reference is None else reference)
    kept, dropped = D.combine(ev, seg, profiles, rules_tab, rules, cov)
    fallback = D.parent_fallback(dropped, kept, seg) if rules.shared_code_to_parent else dropped.head(0).select(D.PAIR)
    out = _finish(kept, fallback, seg, profiles, rules)
    if min_confidence == "confirmed":
        out = out.filter(pl.col("confidence") == "confirmed")
    if report is not None:
        report.empty_segments = empty_segments(segments, rules_tab)
        placed = out.select("enterprise_id", "chain_id").unique()
        report.ambiguous = dropped.select("enterprise_id", "chain_id").unique().join(placed, on=["enterprise_id", "chain_id"], how="anti").height
        report.names_only = not profiles.has
    return out


def link_listed(
    segments: pl.DataFrame,
    companies: pl.DataFrame | None = None,
    products: pl.DataFrame | None = None,
    rules: LinkRules = DEFAULT_RULES,
    *,
    min_confidence: str = "likely",
    reference: Profiles | None = None,
    report: LinkReport | None = None,
) -> pl.DataFrame:
    """Link the shipped listed companies (``ingest/data/public``) to ``segments``."""
    from ingest.public import chainkg

    companies = chainkg.load_companies() if companies is None else companies
    products = chainkg.load_products() if products is None else products
    return link(segments, listed_profiles(companies, products), rules, min_confidence=min_confidence, reference=reference, report=report)


def listed_reference() -> Profiles:
    """The shipped listed companies as a reference population for rules 4-5."""
    from ingest.public import chainkg

    return listed_profiles(chainkg.load_companies(), chainkg.load_products())


def link_table(
    segments: pl.DataFrame,
    enterprises: pl.DataFrame,
    rules: LinkRules = DEFAULT_RULES,
    *,
    data_source: str = "企业名录",
    min_confidence: str = "likely",
    reference: Profiles | None = None,
    report: LinkReport | None = None,
) -> pl.DataFrame:
    """Link a bureau's own enterprise list (see :func:`table_profiles`) to ``segments``.

    Without ``reference``, a list that carries industry codes is its own reference; one without codes is
    judged against the listed companies. A list with neither products nor codes is linked by name only
    (every link ``likely``; ``report.names_only``).
    """
    prof = table_profiles(enterprises, data_source=data_source)
    if reference is None and prof.codes.height < 3 * rules.min_support:
        reference = listed_reference()
    return link(segments, prof, rules, min_confidence=min_confidence, reference=reference, report=report)
