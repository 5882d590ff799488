"""What is known about the enterprises being linked: names, industry codes, product terms (long form)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

import polars as pl

from ingest.linking.rules import SOURCE_LISTED

LIST_SPLIT = re.compile(r"[;；、]")

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

CODES_SCHEMA = {"enterprise_id": pl.Utf8, "scheme": pl.Utf8, "code": pl.Utf8}
TERMS_SCHEMA = {"enterprise_id": pl.Utf8, "term": pl.Utf8, "share": pl.Float64, "rank": pl.Int64, "kind": pl.Utf8}


@dataclass
class Profiles:
    """What is known about a set of enterprises, in long form."""

    names: pl.DataFrame  # enterprise_id, enterprise_name, full_name (the legal name when known, else the name)
    codes: pl.DataFrame  # enterprise_id, scheme ("sw"|"gbt"), code
    terms: pl.DataFrame  # enterprise_id, term, share (reliable or null), rank (1 = largest), kind ("product"|"keyword"|"name")
    data_source: str  # e.g. "ChainKnowledgeGraph", "企业名录"
    #: what the input had: "products" (product or keyword columns), "codes" (industry codes); a list without
    #: either is linked by name only
    has: frozenset[str] = frozenset({"products", "codes"})


def listed_profiles(companies: pl.DataFrame, products: pl.DataFrame) -> Profiles:
    """Profiles of listed companies from the ``ingest/data/public`` excerpt (see :mod:`ingest.public.chainkg`)."""
    full = pl.col("fullname") if "fullname" in companies.columns else pl.lit(None, dtype=pl.Utf8)
    comp = companies.select(
        pl.col("code").alias("enterprise_id"),
        pl.col("name").alias("enterprise_name"),
        pl.coalesce(full, pl.col("name")).alias("full_name"),
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
    names = comp.select("enterprise_id", "enterprise_name", "full_name")
    return Profiles(names, codes.cast(CODES_SCHEMA), terms.cast(TERMS_SCHEMA), SOURCE_LISTED)


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


def table_profiles(enterprises: pl.DataFrame, *, data_source: str = "企业名录") -> Profiles:
    """Profiles of a bureau's own enterprise list.

    Reads ``id``/``编号`` and ``name``/``企业名称``; codes from ``sw_codes`` or
    ``gbt4754`` (国标行业代码) columns; terms from ``products`` (主营产品) and
    ``keywords`` (关键词/经营范围). The name is always weak evidence; a list with
    neither products nor codes is linked by name only (``has`` says which).
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
    has = {"products"} if text_cols else set()
    if any(_find_col(enterprises, heads) for heads in ENTERPRISE_CODE_COLUMNS.values()):
        has.add("codes")
    return Profiles(
        pl.DataFrame(
            {"enterprise_id": ids, "enterprise_name": names, "full_name": names},
            schema={"enterprise_id": pl.Utf8, "enterprise_name": pl.Utf8, "full_name": pl.Utf8},
        ),
        pl.DataFrame(codes, schema=CODES_SCHEMA, orient="row"),
        pl.DataFrame(terms, schema=TERMS_SCHEMA, orient="row"),
        data_source,
        frozenset(has),
    )

