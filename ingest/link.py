"""Place enterprises on chain segments (enterprise → segment links with evidence).

Each segment carries rules (``segments.csv``): ``sw_codes`` (申万 codes),
``gbt4754`` (国标行业代码) and ``keywords`` (products and terms). An enterprise
carries codes (its 申万 L3 code, or GB/T 4754 codes) and terms (main products,
keywords, or at worst its name). Two kinds of evidence:

* **industry** — a segment code matches an enterprise code that equals it or
  is a descendant of it (申万 ``270000`` ⊃ ``270200`` ⊃ ``270202``; GB/T
  ``38`` ⊃ ``384`` ⊃ ``3841``);
* **product** — a segment keyword is a substring of one of the enterprise's
  product names (or keywords / name), subject to the specificity rules below.

``confidence`` is ``confirmed`` when both kinds agree and ``likely`` when only
one is there; ``share`` is the sum of the matched products' reliable revenue
shares, capped at 1 (empty when none is known); ``source`` names the rule, the
codes/products that matched and the data source, so a person can review it.

Rules that keep a match from becoming a link (each one removes a kind of
false positive seen on real listed companies):

1. *Context words*: a product name that adds a service word (检测, 贸易,
   维修, …) the keyword lacks is about something else; an equipment word
   (设备, 装备, …) likewise, unless the keyword names equipment itself —
   ``锂电池设备`` is not a battery, ``矿山机械设备`` is mining machinery; a
   part word (天线, 结构件, 零部件, …) after the keyword makes the product a
   part of the keyword's subject — ``手机天线`` does not place an antenna
   maker among phone makers — unless the enterprise's industry code matches
   the segment too (``车身零部件`` from an auto-parts maker is the segment
   ``车身及内外饰`` itself).
2. *Most specific keyword*: inside one chain, a product matching keywords
   ``正极`` and ``正极材料`` counts for the longer one only; the same keyword
   on a segment and its sub-segment counts for the parent (the child needs
   evidence of its own).
3. *One product, one place per chain*: a product that matches several
   segments of a chain counts only where the industry code agrees, if it
   agrees anywhere.
4. *Products must be a material line*: matched products whose revenue
   shares are known and add up to under 10 % are a side line and no
   evidence at all (the analyst's rule for "主营"); a product-only link further
   needs those shares known (not a business-scope item without a figure,
   unless the enterprise has no shares at all) and the enterprise's 申万 L2
   industry to be one of the segment's (``液压支架`` contains ``支架``, but a
   coal-mining machinery maker is not PV mounting; a 中药 injection maker is
   not a 化学制剂 injection maker).
5. *Industry-only links need a decisive code*: a code shared by several
   segments of one chain says "one of these"; and a code whose enterprises
   rarely make the segment's products (under 25 % of those with products in
   the reference population) is too broad to place anyone alone (``IT服务``
   for a maintenance-and-training segment).
6. *Most specific segment*: an enterprise linked to a segment and to its
   sub-segment (``PART_OF``) keeps only the sub-segment link.

The coverage ratio of rule 5 is measured on a reference population (by
default the enterprises being linked; a bureau's list with few codes uses
the listed companies) and only judged when at least 3 enterprises are behind
it. (A keyword-specificity ratio — how often a keyword's matches fall in the
segment's own codes — was tried for rule 4 and dropped: on the hand-labelled
sample it removed about as many right links as wrong ones, because it
measures the segment's choice of codes more than the keyword.)

Everything is vectorised in polars (Aho–Corasick keyword search over unique
product names): 4.6k listed companies × a few hundred segments in well under
a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import polars as pl

from graph.schema import TABLES

LIST_SPLIT = re.compile(r"[;；、]")

#: Words that, found in a product name but not in the matching keyword, mean
#: the product is a service around, trade in, or tooling for the keyword's subject.
SERVICE_WORDS: tuple[str, ...] = (
    "检测", "测试", "服务", "贸易", "销售", "代理", "租赁", "咨询", "设计", "工程", "施工", "安装",
    "物流", "运输", "维修", "模具", "软件", "金融", "保险", "广告", "技术转让", "电子商务", "检验",
)  # fmt: skip
#: Equipment words: excluded like service words unless the keyword names equipment itself.
EQUIPMENT_WORDS: tuple[str, ...] = ("设备", "装备", "生产线", "机械", "仪器")
#: A keyword that contains or ends with one of these names equipment.
EQUIPMENT_MARKS: tuple[str, ...] = ("设备", "装备", "机械", "机床", "仪器", "器械", "生产线", "机")
#: Part words: found in a product name *after* the keyword (and not in the keyword),
#: they make the product a part of, or a material for, the keyword's subject —
#: ``手机天线`` is not a phone, ``汽车零部件`` is not a car.
PART_WORDS: tuple[str, ...] = (
    "零部件", "配件", "部件", "零件", "零组件", "结构件", "外观件", "功能件", "器件", "天线", "盖板", "防护屏", "外壳",
    "屏蔽罩", "连接器", "电源", "模组", "材料", "化学品", "电解液", "隔膜", "正极", "负极",
)  # fmt: skip

SOURCE_LISTED = "ChainKnowledgeGraph"
SOURCE_FICTIONAL = "示例数据（虚构）"

LINK_COLUMNS = ["enterprise_id", "segment_id", "share", "source", "confidence"]
REVIEW_COLUMNS = ["enterprise_id", "enterprise_name", "segment_id", "segment_name", "share", "source", "confidence"]


@dataclass(frozen=True)
class LinkRules:
    """Tunable linking rules; the defaults are what ``tests/test_link.py`` measures."""

    service_words: tuple[str, ...] = SERVICE_WORDS
    equipment_words: tuple[str, ...] = EQUIPMENT_WORDS
    #: rule 1: part/material words after the keyword (see ``PART_WORDS``)
    part_words: tuple[str, ...] = PART_WORDS
    #: keywords shorter than this (in characters) are ignored as too generic
    min_keyword_len: int = 2
    #: rule 4 (materiality): when the matched products' revenue shares are known and sum
    #: to less than this, the products are a side line and do not count as evidence;
    #: a product-only link needs them known and at least this (unless the enterprise
    #: has no shares at all). None = off.
    min_share: float | None = 0.1
    #: rule 4: a product-only link needs the enterprise's sector (申万 L2 by default, see
    #: ``sector_digits``) to be one of the segment's sectors, when both have codes
    same_sector: bool = True
    #: code prefix length that defines a sector for rule 4 (2 = 申万 L1 / GB/T division, 4 = 申万 L2 / GB/T class group)
    sector_digits: int = 4
    #: rule 1: a product "X用…" / "X专用…" / "X所用…" is something used for X, not X
    exclude_for_use: bool = True
    #: rule 5: code coverage threshold (None = off)
    min_coverage: float | None = 0.25
    #: rule 5: ratios over fewer enterprises than this are not judged
    min_support: int = 3
    #: rule 5, first half
    drop_ambiguous_industry: bool = True
    #: rule 6
    most_specific_only: bool = True
    #: how many matched product names the ``source`` text quotes
    quote_terms: int = 3


DEFAULT_RULES = LinkRules()


# --------------------------------------------------------------------------
# input normalisation
# --------------------------------------------------------------------------


def split_list(value: object) -> list[str]:
    """A contract list cell (``a;b``, ``a；b``, ``a、b``, or a list) as clean strings.

    >>> split_list("锂电池；正极材料、 三元 ;")
    ['锂电池', '正极材料', '三元']
    """
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items: Iterable[object] = value
    elif isinstance(value, pl.Series):
        items = value.to_list()
    else:
        items = LIST_SPLIT.split(str(value))
    return [s for s in (str(x).strip() for x in items if x is not None) if s]


def _list_col(df: pl.DataFrame, name: str) -> list[list[str]]:
    if name not in df.columns:
        return [[] for _ in range(df.height)]
    return [split_list(v) for v in df.get_column(name).to_list()]


def sw_ancestors(code: str) -> list[str]:
    """A 申万 code and its ancestors (L3 → L2 → L1).

    >>> sw_ancestors("270202"), sw_ancestors("270200"), sw_ancestors("270000")
    (['270202', '270200', '270000'], ['270200', '270000'], ['270000'])
    """
    out = [code]
    if not code.endswith("00"):
        out.append(code[:4] + "00")
    if not code.endswith("0000"):
        out.append(code[:2] + "0000")
    return out


def gbt_norm(code: str) -> str:
    """GB/T 4754 code as its digits (``C3841`` → ``3841``)."""
    return re.sub(r"\D", "", code)


def gbt_ancestors(code: str) -> list[str]:
    """A GB/T 4754 code and its ancestors (class → group → division).

    >>> gbt_ancestors("C3841")
    ['3841', '384', '38']
    """
    d = gbt_norm(code)
    return [d[:n] for n in range(len(d), 1, -1)]


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


# --------------------------------------------------------------------------
# enterprise profiles
# --------------------------------------------------------------------------

CODES_SCHEMA = {"enterprise_id": pl.Utf8, "scheme": pl.Utf8, "code": pl.Utf8}
TERMS_SCHEMA = {"enterprise_id": pl.Utf8, "term": pl.Utf8, "share": pl.Float64, "rank": pl.Int64, "kind": pl.Utf8}


@dataclass
class Profiles:
    """What is known about a set of enterprises, in long form."""

    names: pl.DataFrame  # enterprise_id, enterprise_name
    codes: pl.DataFrame  # enterprise_id, scheme ("sw"|"gbt"), code
    terms: pl.DataFrame  # enterprise_id, term, share (reliable or null), rank (1 = largest), kind ("product"|"keyword"|"name")
    data_source: str  # e.g. "ChainKnowledgeGraph", "企业名录"


def listed_profiles(companies: pl.DataFrame, products: pl.DataFrame) -> Profiles:
    """Profiles of listed companies from the ``ingest/data/public`` excerpt (see :mod:`ingest.public.chainkg`)."""
    comp = companies.select(
        pl.col("code").alias("enterprise_id"),
        pl.col("name").alias("enterprise_name"),
        pl.coalesce("sw_l3_code", "sw_l2_code", "sw_l1_code").alias("code"),
    )
    codes = comp.filter(pl.col("code").is_not_null()).select("enterprise_id", pl.lit("sw").alias("scheme"), "code")
    known = set(comp.get_column("enterprise_id").to_list())
    p = products.filter(pl.col("code").is_in(list(known)))
    if "rel_weight" in p.columns:
        order = pl.col("rel_weight").cast(pl.Float64, strict=False).fill_null(-1e9)
    else:
        order = pl.col("share").fill_null(-1e9)
    terms = (
        p.with_columns(order.alias("_w"), pl.int_range(pl.len()).alias("_i"))
        .sort(["code", "_w", "_i"], descending=[False, True, False])
        .with_columns(pl.int_range(1, pl.len() + 1).over("code").cast(pl.Int64).alias("rank"))
        .select(
            pl.col("code").alias("enterprise_id"),
            pl.col("product").alias("term"),
            pl.col("share").cast(pl.Float64),
            "rank",
            pl.lit("product").alias("kind"),
        )
    )
    return Profiles(comp.select("enterprise_id", "enterprise_name"), codes.cast(CODES_SCHEMA), terms.cast(TERMS_SCHEMA), SOURCE_LISTED)


#: Accepted headers of a bureau's enterprise list (beyond the contract's id/name).
ENTERPRISE_TEXT_COLUMNS = {
    "products": ("products", "主营产品", "产品", "main_products"),
    "keywords": ("keywords", "关键词", "经营范围", "business_scope", "主营业务"),
}
ENTERPRISE_CODE_COLUMNS = {
    "sw": ("sw_codes", "申万行业代码", "sw_code"),
    "gbt": ("gbt4754", "国标行业代码", "行业代码", "industry_code"),
}


def _find_col(df: pl.DataFrame, names: Sequence[str]) -> str | None:
    norm = {c.strip().lower(): c for c in df.columns}
    for n in names:
        if n.lower() in norm:
            return norm[n.lower()]
    return None


def table_profiles(enterprises: pl.DataFrame, *, data_source: str = "企业名录", use_names: bool | None = None) -> Profiles:
    """Profiles of a bureau's own enterprise list.

    Reads ``id``/``编号`` and ``name``/``企业名称``; codes from ``sw_codes`` or
    ``gbt4754`` (国标行业代码) columns; terms from ``products`` (主营产品) and
    ``keywords`` (关键词/经营范围). When the list has no product or keyword
    column (``use_names=None``), the enterprise name is the only text.
    """
    id_col = _find_col(enterprises, ("id", "编号", "enterprise_id", "企业编号"))
    name_col = _find_col(enterprises, ("name", "企业名称", "名称"))
    if id_col is None or name_col is None:
        raise ValueError("企业名录缺少 “id/编号” 或 “name/企业名称” 列")
    ids = enterprises.get_column(id_col).cast(pl.Utf8).to_list()
    names = enterprises.get_column(name_col).cast(pl.Utf8).to_list()
    codes, terms = [], []
    for scheme, heads in ENTERPRISE_CODE_COLUMNS.items():
        col = _find_col(enterprises, heads)
        if col:
            for eid, cell in zip(ids, enterprises.get_column(col).to_list()):
                for c in split_list(cell):
                    digits = re.sub(r"\D", "", c)
                    if digits:
                        codes.append((eid, scheme, digits))
    text_cols = [(kind, _find_col(enterprises, heads)) for kind, heads in ENTERPRISE_TEXT_COLUMNS.items()]
    text_cols = [(k, c) for k, c in text_cols if c]
    for kind, col in text_cols:
        for eid, cell in zip(ids, enterprises.get_column(col).to_list()):
            for rank, t in enumerate(split_list(cell), start=1):
                terms.append((eid, t, None, rank, "product" if kind == "products" else "keyword"))
    if use_names or (use_names is None and not text_cols):
        for eid, n in zip(ids, names):
            if n:
                terms.append((eid, n, None, 1, "name"))
    return Profiles(
        pl.DataFrame({"enterprise_id": ids, "enterprise_name": names}, schema={"enterprise_id": pl.Utf8, "enterprise_name": pl.Utf8}),
        pl.DataFrame(codes, schema=CODES_SCHEMA, orient="row"),
        pl.DataFrame(terms, schema=TERMS_SCHEMA, orient="row"),
        data_source,
    )


# --------------------------------------------------------------------------
# matching
# --------------------------------------------------------------------------


def _industry_matches(profiles: Profiles, rules_tab: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """(enterprise_id, segment_id, scheme, seg_code) for every industry-code match."""
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
        return pl.DataFrame(schema={"enterprise_id": pl.Utf8, "segment_id": pl.Utf8, "scheme": pl.Utf8, "seg_code": pl.Utf8})
    return pl.concat(parts).unique(maintain_order=True)


KW_SCHEMA = {"enterprise_id": pl.Utf8, "segment_id": pl.Utf8, "chain_id": pl.Utf8, "term": pl.Utf8, "keyword": pl.Utf8,
             "share": pl.Float64, "rank": pl.Int64, "kind": pl.Utf8}  # fmt: skip


def _is_equipment_keyword(kw: str) -> bool:
    return any(m in kw for m in EQUIPMENT_MARKS[:-1]) or kw.endswith(EQUIPMENT_MARKS[-1])


def _is_part_of(term: str, keyword: str, part_words: Sequence[str]) -> bool:
    """True when ``term`` names a part of / material for ``keyword``: a part word
    the keyword lacks follows the keyword in the term.

    >>> _is_part_of("手机天线", "手机", PART_WORDS), _is_part_of("锂电铜箔", "铜箔", PART_WORDS)
    (True, False)
    >>> _is_part_of("汽车零部件", "汽车零部件", PART_WORDS), _is_part_of("正极材料", "正极材料", PART_WORDS)
    (False, False)
    """
    i = term.find(keyword)
    if i < 0:
        return False
    rest = term[i + len(keyword) :]
    return any(w in rest and w not in keyword for w in part_words)


def _keyword_matches(profiles: Profiles, rules_tab: dict[str, pl.DataFrame], seg: pl.DataFrame, rules: LinkRules) -> pl.DataFrame:
    """Every accepted (enterprise, segment, term, keyword) match, after rules 1-2."""
    kw = rules_tab["kw"]
    if kw.is_empty() or profiles.terms.is_empty():
        return pl.DataFrame(schema=KW_SCHEMA)
    patterns = sorted(set(kw.get_column("keyword").to_list()))
    hits = (
        profiles.terms.select("term").unique()
        .with_columns(pl.col("term").str.extract_many(patterns, overlapping=True).alias("keyword"))
        .explode("keyword")
        .filter(pl.col("keyword").is_not_null())
        .unique()
    )  # fmt: skip
    if hits.is_empty():
        return pl.DataFrame(schema=KW_SCHEMA)
    # rule 1: context words in the product that the keyword lacks
    equip_kw = pl.Series([_is_equipment_keyword(k) for k in hits.get_column("keyword").to_list()], dtype=pl.Boolean)
    hits = hits.with_columns(equip_kw.alias("_equip"))
    ctx_s, ctx_e = list(rules.service_words), list(rules.equipment_words)
    extra = []
    if ctx_s:
        extra.append(
            pl.col("term").str.extract_many(ctx_s, overlapping=True).list.set_difference(pl.col("keyword").str.extract_many(ctx_s, overlapping=True)).list.len()
            == 0
        )
    if ctx_e:
        extra.append(
            pl.col("_equip")
            | (
                pl.col("term").str.extract_many(ctx_e, overlapping=True).list.set_difference(pl.col("keyword").str.extract_many(ctx_e, overlapping=True)).list.len()
                == 0
            )
        )
    for cond in extra:
        hits = hits.filter(cond)
    if rules.part_words and not hits.is_empty():
        # judged in _evidence: a part/material match counts only where the industry code agrees
        hits = hits.with_columns(pl.Series("part", [_is_part_of(t, k, rules.part_words) for t, k in hits.select("term", "keyword").rows()], dtype=pl.Boolean))
    else:
        hits = hits.with_columns(pl.lit(False).alias("part"))
    if rules.exclude_for_use:
        hits = hits.filter(
            ~pl.col("term").str.contains(pl.col("keyword") + pl.lit("用"), literal=True)
            & ~pl.col("term").str.contains(pl.col("keyword") + pl.lit("专用"), literal=True)
            & ~pl.col("term").str.contains(pl.col("keyword") + pl.lit("所用"), literal=True)
        )
    # term -> segments via keyword
    th = hits.select("term", "keyword", "part").join(kw, on="keyword").join(seg.select("segment_id", "chain_id", "parent_id"), on="segment_id", how="left")
    if th.is_empty():
        return pl.DataFrame(schema=KW_SCHEMA)
    # rule 2a: longest keyword wins within a chain
    pairs = th.select("term", "chain_id", "keyword").unique()
    longer = pairs.join(pairs, on=["term", "chain_id"], suffix="_o").filter(
        (pl.col("keyword_o").str.len_chars() > pl.col("keyword").str.len_chars()) & pl.col("keyword_o").str.contains(pl.col("keyword"), literal=True)
    )
    th = th.join(longer.select("term", "chain_id", "keyword").unique(), on=["term", "chain_id", "keyword"], how="anti")
    # rule 2b: the same (term, keyword) on a segment and one of its ancestors counts for the ancestor
    anc = _ancestor_pairs(seg)
    if not anc.is_empty():
        hit_segs = th.select("term", "keyword", "segment_id").unique()
        shadow = (
            hit_segs.join(anc, on="segment_id")
            .join(hit_segs.rename({"segment_id": "ancestor_id"}), on=["term", "keyword", "ancestor_id"])
            .select("term", "keyword", "segment_id")
            .unique()
        )
        th = th.join(shadow, on=["term", "keyword", "segment_id"], how="anti")
    out = profiles.terms.join(th.select("term", "keyword", "segment_id", "chain_id", "part"), on="term", how="inner")
    return out.select(list(KW_SCHEMA) + ["part"]).cast(KW_SCHEMA | {"part": pl.Boolean})


def _ancestor_pairs(seg: pl.DataFrame) -> pl.DataFrame:
    """(segment_id, ancestor_id) along PART_OF, cycles tolerated."""
    parent = {a: b for a, b in seg.select("segment_id", "parent_id").rows() if b}
    rows = []
    for s in parent:
        seen, p = set(), parent.get(s)
        while p and p not in seen:
            rows.append((s, p))
            seen.add(p)
            p = parent.get(p)
    return pl.DataFrame(rows, schema={"segment_id": pl.Utf8, "ancestor_id": pl.Utf8}, orient="row")


def _fmt_list(items: list[str], n: int) -> str:
    items = list(dict.fromkeys(x for x in items if x))
    more = f"等{len(items)}项" if len(items) > n else ""
    return "、".join(items[:n]) + more


@dataclass
class _Evidence:
    ind: pl.DataFrame  # enterprise_id, segment_id, scheme, seg_code
    kw: pl.DataFrame  # KW_SCHEMA


def _evidence(seg: pl.DataFrame, rules_tab: dict[str, pl.DataFrame], profiles: Profiles, rules: LinkRules) -> _Evidence:
    ind = _industry_matches(profiles, rules_tab)
    kw = _keyword_matches(profiles, rules_tab, seg, rules)
    if "part" in kw.columns:
        # rule 1, part words: "手机天线" places an antenna maker among phone makers only if its
        # industry code already says so (a segment defined by a parts industry keeps its parts makers)
        has_ind = ind.select("enterprise_id", "segment_id").unique().with_columns(pl.lit(True).alias("_ind"))
        kw = kw.join(has_ind, on=["enterprise_id", "segment_id"], how="left").filter(~pl.col("part") | pl.col("_ind").fill_null(False))
        kw = kw.select(list(KW_SCHEMA))
    return _Evidence(ind, kw)


def sector_agreement(profiles: Profiles, rules_tab: dict[str, pl.DataFrame], digits: int) -> pl.DataFrame:
    """(enterprise_id, segment_id, agree) for every pair that shares a code scheme:
    agree when one of the enterprise's codes and one of the segment's codes
    have the same first ``digits`` digits (申万 L1 = 2, L2 = 4; GB/T division
    or group)."""
    gbt_digits = {2: 2, 4: 3}.get(digits, 4)  # GB/T: division (2) ~ 申万 L1, group (3) ~ 申万 L2
    cut = pl.when(pl.col("scheme") == "gbt").then(pl.col("code").str.slice(0, gbt_digits)).otherwise(pl.col("code").str.slice(0, digits))
    seg_sect = (
        pl.concat([rules_tab["sw"].with_columns(pl.lit("sw").alias("scheme")), rules_tab["gbt"].with_columns(pl.lit("gbt").alias("scheme"))])
        .select("segment_id", "scheme", cut.alias("sector"))
        .unique()
    )
    ent_sect = profiles.codes.select("enterprise_id", "scheme", cut.alias("sector")).unique()
    judged = ent_sect.select("enterprise_id", "scheme").unique().join(seg_sect.select("segment_id", "scheme").unique(), on="scheme")
    agree = ent_sect.join(seg_sect, on=["scheme", "sector"]).select("enterprise_id", "segment_id").unique().with_columns(pl.lit(True).alias("agree"))
    return (
        judged.select("enterprise_id", "segment_id").unique()
        .join(agree, on=["enterprise_id", "segment_id"], how="left")
        .with_columns(pl.col("agree").fill_null(False))
    )  # fmt: skip


def coverage(ev: _Evidence, profiles: Profiles) -> pl.DataFrame:
    """Rule 5 ratio per (segment, code): of the enterprises with products whose
    code matches, the share whose products match the segment's keywords."""
    with_terms = profiles.terms.filter(pl.col("kind") != "name").select("enterprise_id").unique()
    kw_pairs = ev.kw.select("enterprise_id", "segment_id").unique().with_columns(pl.lit(True).alias("_kw"))
    return (
        ev.ind.select("enterprise_id", "segment_id", "seg_code").unique()
        .join(with_terms, on="enterprise_id")
        .join(kw_pairs, on=["enterprise_id", "segment_id"], how="left")
        .group_by("segment_id", "seg_code")
        .agg(pl.len().alias("n"), pl.col("_kw").fill_null(False).sum().alias("n_kw"))
        .with_columns((pl.col("n_kw") / pl.col("n")).alias("coverage"))
    )  # fmt: skip


def link(
    segments: pl.DataFrame,
    profiles: Profiles,
    rules: LinkRules = DEFAULT_RULES,
    *,
    min_confidence: str = "likely",
    reference: Profiles | None = None,
) -> pl.DataFrame:
    """Link enterprises to segments; one row per (enterprise, segment).

    Returns the contract columns of ``enterprise_segments`` plus
    ``enterprise_name``, ``segment_name``, ``chain_id`` and the evidence flags
    ``by_industry`` / ``by_product`` (drop them before writing a dataset).
    Rows are sorted by segment_id, then enterprise_id. ``reference`` is the
    population rule 5 measures code coverage on (default: ``profiles``).

    >>> segs = pl.DataFrame({"id": ["S1", "S2"], "chain_id": ["C", "C"], "name": ["正极材料", "电池"],
    ...                      "sw_codes": ["270202", "270202"], "keywords": ["正极", "动力电池"]})
    >>> comp = pl.DataFrame({"code": ["688005.SH"], "name": ["容百科技"], "sw_l3_code": ["270202"],
    ...                      "sw_l2_code": ["270200"], "sw_l1_code": ["270000"]})
    >>> prod = pl.DataFrame({"code": ["688005.SH"], "product": ["三元正极材料"], "share": [0.78]})
    >>> link(segs, listed_profiles(comp, prod)).select("segment_id", "share", "confidence").rows()
    [('S1', 0.78, 'confirmed')]
    """
    seg = segment_info(segments)
    rules_tab = segment_rules(segments, rules)
    ev = _evidence(seg, rules_tab, profiles, rules)
    ref_ev = ev if reference is None or reference is profiles else _evidence(seg, rules_tab, reference, rules)
    ref = profiles if reference is None else reference
    ind, kwm = ev.ind, ev.kw

    ind_flag = ind.select("enterprise_id", "segment_id").unique().with_columns(pl.lit(True).alias("_has_ind"))
    # rule 3: one product, one place per chain (where the industry agrees, if anywhere)
    if not kwm.is_empty():
        kwm = kwm.join(ind_flag, on=["enterprise_id", "segment_id"], how="left").with_columns(pl.col("_has_ind").fill_null(False))
        kwm = kwm.filter(pl.col("_has_ind") | ~pl.col("_has_ind").any().over("enterprise_id", "chain_id", "term")).drop("_has_ind")

    # rule 4: which keyword rows may stand alone (materiality is judged per pair below)
    strict = kwm
    if rules.same_sector and not strict.is_empty():
        # pairs without a shared code scheme are not judged (null -> kept)
        agreement = sector_agreement(profiles, rules_tab, rules.sector_digits)
        strict = strict.join(agreement, on=["enterprise_id", "segment_id"], how="left").filter(pl.col("agree").is_null() | pl.col("agree")).drop("agree")

    def agg_kw(df: pl.DataFrame) -> pl.DataFrame:
        return df.group_by("enterprise_id", "segment_id").agg(
            pl.col("term").unique(maintain_order=True).alias("terms"),
            pl.col("kind").first().alias("kind"),
            pl.struct("term", "share").unique().alias("_ts"),
        )

    kw_all = agg_kw(kwm).with_columns(
        pl.col("_ts").list.eval(pl.element().struct.field("share")).list.drop_nulls().alias("_shares")
    ).with_columns(pl.col("_shares").list.len().alias("_n_known"), pl.col("_shares").list.sum().alias("_known_sum"))
    kw_ok = agg_kw(strict).select("enterprise_id", "segment_id").with_columns(pl.lit(True).alias("_kw_ok"))
    if rules.min_share is not None and not kw_all.is_empty():
        has_shares = profiles.terms.filter(pl.col("share").is_not_null()).select("enterprise_id").unique().with_columns(pl.lit(True).alias("_hs"))
        kw_all = kw_all.join(has_shares, on="enterprise_id", how="left").with_columns(pl.col("_hs").fill_null(False))
        # a side line (known shares summing below min_share) is no evidence at all
        kw_all = kw_all.filter((pl.col("_n_known") == 0) | (pl.col("_known_sum") >= rules.min_share))
        # standing alone needs a known, material share (or an enterprise without shares)
        alone = kw_all.filter(~pl.col("_hs") | (pl.col("_n_known") > 0)).select("enterprise_id", "segment_id")
        kw_ok = kw_ok.join(alone, on=["enterprise_id", "segment_id"], how="inner")
        kw_all = kw_all.drop("_hs")
    ind_pairs = ind.group_by("enterprise_id", "segment_id").agg(
        pl.col("scheme").first().alias("scheme"), pl.col("seg_code").unique().sort().alias("codes")
    )
    both = (
        ind_pairs.join(kw_all, on=["enterprise_id", "segment_id"], how="full", coalesce=True)
        .join(kw_ok, on=["enterprise_id", "segment_id"], how="left")
        .join(seg, on="segment_id", how="left")
        .with_columns(pl.col("codes").is_not_null().alias("by_industry"), pl.col("terms").is_not_null().alias("by_product"))
    )
    # product-only links need rule 4
    both = both.filter(pl.col("by_industry") | pl.col("_kw_ok").fill_null(False))

    # rule 5: industry-only links need a decisive code
    if not both.is_empty():
        bad_codes: set[tuple[str, str]] = set()
        if rules.drop_ambiguous_industry:
            shared = (
                pl.concat([rules_tab["sw"], rules_tab["gbt"]])
                .join(seg.select("segment_id", "chain_id"), on="segment_id")
                .group_by("chain_id", "code").agg(pl.col("segment_id").unique())
                .filter(pl.col("segment_id").list.len() > 1)
                .explode("segment_id")
            )  # fmt: skip
            bad_codes |= set(zip(shared.get_column("segment_id").to_list(), shared.get_column("code").to_list()))
        if rules.min_coverage is not None:
            cov = coverage(ref_ev, ref).filter((pl.col("n") >= rules.min_support) & (pl.col("coverage") < rules.min_coverage))
            bad_codes |= set(zip(cov.get_column("segment_id").to_list(), cov.get_column("seg_code").to_list()))
        if bad_codes:
            keep = [
                byp or codes is None or any((sid, c) not in bad_codes for c in codes)
                for sid, codes, byp in zip(both.get_column("segment_id").to_list(), both.get_column("codes").to_list(), both.get_column("by_product").to_list())
            ]
            both = both.filter(pl.Series(keep, dtype=pl.Boolean))

    # rule 6: keep the most specific segment
    if rules.most_specific_only and not both.is_empty():
        anc = _ancestor_pairs(seg)
        linked = both.select("enterprise_id", "segment_id")
        covered = linked.join(anc, on="segment_id").select("enterprise_id", pl.col("ancestor_id").alias("segment_id")).unique()
        both = both.join(covered, on=["enterprise_id", "segment_id"], how="anti")

    both = both.with_columns(
        pl.when(pl.col("_shares").list.len() > 0).then(pl.col("_shares").list.sum().clip(upper_bound=1.0)).otherwise(None).alias("share"),
        pl.when(pl.col("by_industry") & pl.col("by_product")).then(pl.lit("confirmed")).otherwise(pl.lit("likely")).alias("confidence"),
    )
    both = both.join(profiles.names, on="enterprise_id", how="left")
    if min_confidence == "confirmed":
        both = both.filter(pl.col("confidence") == "confirmed")

    sources = []
    for scheme, codes, terms, kind in zip(
        both.get_column("scheme").to_list(), both.get_column("codes").to_list(), both.get_column("terms").to_list(), both.get_column("kind").to_list()
    ):
        parts = []
        if codes:
            parts.append(("申万行业匹配" if scheme == "sw" else "国标行业匹配") + f"({_fmt_list(codes, 3)})")
        if terms:
            label = {"product": "主营产品匹配", "keyword": "关键词匹配", "name": "企业名称匹配"}.get(kind or "product", "主营产品匹配")
            parts.append(f"{label}({_fmt_list(terms, rules.quote_terms)})")
        sources.append("+".join(parts) + f"；{profiles.data_source}")
    both = both.with_columns(pl.Series("source", sources, dtype=pl.Utf8))
    return both.select(
        "enterprise_id", "enterprise_name", "segment_id", "segment_name", "chain_id", "share", "source", "confidence", "by_industry", "by_product"
    ).sort(["segment_id", "enterprise_id"])


# --------------------------------------------------------------------------
# convenience entry points
# --------------------------------------------------------------------------


def link_listed(
    segments: pl.DataFrame,
    companies: pl.DataFrame | None = None,
    products: pl.DataFrame | None = None,
    rules: LinkRules = DEFAULT_RULES,
    *,
    min_confidence: str = "likely",
    reference: Profiles | None = None,
) -> pl.DataFrame:
    """Link the shipped listed companies (``ingest/data/public``) to ``segments``."""
    from ingest.public import chainkg

    companies = chainkg.load_companies() if companies is None else companies
    products = chainkg.load_products() if products is None else products
    return link(segments, listed_profiles(companies, products), rules, min_confidence=min_confidence, reference=reference)


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
) -> pl.DataFrame:
    """Link a bureau's own enterprise list (see :func:`table_profiles`) to ``segments``.

    Without ``reference``, a list that carries industry codes is its own
    reference; one without codes is judged against the listed companies.
    """
    prof = table_profiles(enterprises, data_source=data_source)
    if reference is None and prof.codes.height < 3 * rules.min_support:
        reference = listed_reference()
    return link(segments, prof, rules, min_confidence=min_confidence, reference=reference)


# --------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------


def _header_map(table: str) -> dict[str, str]:
    from unicodedata import normalize

    out = {}
    for c in TABLES[table].columns:
        for h in (c.name, c.zh, *c.aliases):
            out[normalize("NFKC", h).strip().lower()] = c.name
    return out


def read_text_csv(path: str | Path) -> pl.DataFrame:
    """A CSV with every cell as text; UTF-8 (with or without BOM) or GBK/GB18030."""
    raw = Path(path).read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValueError(f"{path}: 文件不是 UTF-8 或 GBK/GB18030 编码的文本")
    import io

    df = pl.read_csv(io.StringIO(text), infer_schema=False)
    return df.with_columns(pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c).str.strip_chars()).alias(c) for c in df.columns)


def read_segments(path: str | Path) -> pl.DataFrame:
    """``segments.csv`` (English or Chinese headers), every cell as text."""
    from unicodedata import normalize

    df = read_text_csv(path)
    hm = _header_map("segments")
    ren = {c: hm[normalize("NFKC", c).strip().lower()] for c in df.columns if normalize("NFKC", c).strip().lower() in hm}
    df = df.rename(ren)
    missing = [c for c in ("id", "chain_id", "name") if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: 缺少列 {', '.join(missing)}")
    return df


def write_links(df: pl.DataFrame, path: str | Path, *, review: bool = False) -> None:
    """Write links as ``enterprise_segments.csv`` (UTF-8, no BOM, share to 4 places)."""
    cols = REVIEW_COLUMNS if review else LINK_COLUMNS
    out = df.select(cols).with_columns(pl.col("share").round(4))
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    out.write_csv(path, line_terminator="\n", float_precision=4)
