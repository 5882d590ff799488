"""What is known about the enterprises being linked: names, industry codes, product terms (long form)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import polars as pl

from ingest.bundled import bundled_dir
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

GBT_FILE = bundled_dir("public") / "gbt4754_2017.csv"
_PATH_SPLIT = re.compile(r"\s*(?:>|＞|→|/|／|\\|\||-{1,2}|—+|－)\s*")


@lru_cache(maxsize=1)
def _gbt_names() -> dict[str, list[str]]:
    """GB/T 4754-2017 name -> its codes (digits only; a 门类 letter has none), most specific first."""
    df = pl.read_csv(GBT_FILE, infer_schema=False)
    out: dict[str, list[str]] = {}
    for code, name in df.select("code", "name").iter_rows():
        if code.isdigit():
            out.setdefault(unicodedata.normalize("NFKC", name).strip(), []).append(code)
    return {k: sorted(v, key=len, reverse=True) for k, v in out.items()}


def gbt_codes(text: str) -> list[str]:
    """GB/T 4754 codes in a 国标行业 cell: its digits (``C3973`` → 3973), else the most specific name it holds.

    Exports write the class as a code, a name, or a path of names (``制造业>…>电子器件制造>集成电路制造``).

    >>> gbt_codes("C3973"), gbt_codes("集成电路制造"), gbt_codes("制造业-电子器件制造-集成电路制造"), gbt_codes("制造业")
    (['3973'], ['3973'], ['3973'], [])
    """
    t = unicodedata.normalize("NFKC", str(text or "")).strip()
    digits = re.sub(r"\D", "", t)
    if digits:
        return [digits]
    names = _gbt_names()
    parts = [p for p in _PATH_SPLIT.split(t) if p]
    for part in reversed(parts):  # the last part of a path is the most specific
        if part in names:
            codes = names[part]
            # a name shared by a class and its only sub-class: the sub-class; unrelated classes: each
            return [c for c in codes if not any(o != c and o.startswith(c) for o in codes)]
    return []


def gbt_cell_codes(parts: list[str]) -> list[str]:
    """The GB/T codes of one 国标行业 cell already split as a list: names hold 、 (``电线、电缆制造``), so
    a cell without digits is first read whole.

    >>> gbt_cell_codes(["电线", "电缆制造"]), gbt_cell_codes(["C3973", "3812"]), gbt_cell_codes(["集成电路制造", "电动机制造"])
    (['3831'], ['3973', '3812'], ['3973', '3812'])
    """
    joined = "、".join(parts)
    if parts and not re.search(r"\d", joined):
        whole = gbt_codes(joined)
        if whole:
            return whole
    return [code for p in parts for code in gbt_codes(p)]


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
    #: enterprise_id, label, code, p: the 申万 L3 codes a coarse industry label (tushare's) stands for, with the
    #: share ``p`` of the label's companies in each (:func:`ingest.public.tushare.label_map`); None = no labels
    labels: pl.DataFrame | None = None


LABELS_SCHEMA = {"enterprise_id": pl.Utf8, "label": pl.Utf8, "code": pl.Utf8, "p": pl.Float64}


def company_labels(companies: pl.DataFrame, label_map: pl.DataFrame | None = None) -> pl.DataFrame | None:
    """The 申万 L3 codes each company's tushare label stands for (``ts_industry`` column; None without it).

    ``label_map`` (``ts_industry, code, p``) defaults to the one learned on the shipped excerpt.
    """
    if "ts_industry" not in companies.columns:
        return None
    if label_map is None:
        from ingest.public.tushare import shipped_label_map

        label_map = shipped_label_map()
    lab = companies.select(pl.col("code").alias("enterprise_id"), pl.col("ts_industry").alias("label")).drop_nulls()
    return lab.join(label_map.select(pl.col("ts_industry").alias("label"), "code", "p"), on="label").cast(LABELS_SCHEMA)


def listed_profiles(companies: pl.DataFrame, products: pl.DataFrame, label_map: pl.DataFrame | None = None) -> Profiles:
    """Profiles of listed companies from the ``ingest/data/public`` excerpt (see :mod:`ingest.public.chainkg`); a
    ``ts_industry`` column adds what the label says in 申万 terms (see :func:`company_labels`)."""
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
    # items of one nested line carry the line's share (TCL中环: 含硅片, 电池, 组件 all 0.868): not their own
    nested = pl.col("share").is_not_null() & (pl.len().over("enterprise_id", "share") > 1)
    terms = terms.with_columns(pl.when(nested).then(None).otherwise(pl.col("share")).alias("share"))
    names = comp.select("enterprise_id", "enterprise_name", "full_name")
    labels = company_labels(companies, label_map)
    return Profiles(names, codes.cast(CODES_SCHEMA), terms.cast(TERMS_SCHEMA), SOURCE_LISTED, labels=labels)


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
                found = gbt_cell_codes(split_list(cell)) if scheme == "gbt" else [re.sub(r"\D", "", c) for c in split_list(cell)]
                codes.extend((eid, scheme, code) for code in found if code)
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

