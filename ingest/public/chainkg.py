"""Adapter for the A-share listed-company graph (ChainKnowledgeGraph) + provinces.

Two halves:

* **build** (run once, by a maintainer; :mod:`ingest.public.chainkg_build`): read the original files —
  ``chainkg/{company,company_industry,company_product,industry,industry_industry}.json``
  and ``a_share_province/stock_basic.csv`` — clean their defects and write a
  compact excerpt (``listed_companies.csv``, ``listed_products.csv``, ``product_subcategories.csv``,
  ``sw_industries.csv``) into ``ingest/data/public/``::

      python -m ingest.public.chainkg_build build-excerpt /path/to/shared/data ingest/data/public

* **load** (run time and tests): read only that excerpt
  (:func:`load_companies`, :func:`load_products`, :func:`load_sw_industries`)
  and turn it into candidate-enterprise rows (:func:`candidate_enterprises`).

Defects handled (each has a test):

* UTF-8 BOMs at the start of JSON-lines and CSV files;
* stock codes bare (``301079``) or suffixed (``600373.SH``, ``000001.sz``):
  everything is keyed by :func:`normalize_code` (6 digits + ``.SH/.SZ/.BJ``),
  never by name (33 short names repeat);
* several ``company.json`` rows per code (renamed companies, and a few rows
  whose full name belongs to another company): one row per code is kept, the
  current short name comes from tushare, a full name that does not share a
  single character pair with the short name is dropped as unreliable;
* ``rel_weight`` is not a clean revenue share (−59 … 3.2, and 14,714 rows of
  exactly 0.001 that stand for "product named without a revenue figure"):
  :func:`reliable_share` keeps it only when 0 < w ≤ 1 and w ≠ 0.001;
* 168 company→industry rows point at 申万 L3 codes missing from
  ``industry.json``: their names come from the company row, parents from the
  code prefix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import polars as pl

from ingest.bundled import bundled_dir

PUBLIC_DIR = bundled_dir("public")

SOURCE_NAME = "ChainKnowledgeGraph"

COMPANIES_FILE = "listed_companies.csv"
PRODUCTS_FILE = "listed_products.csv"
INDUSTRIES_FILE = "sw_industries.csv"
PRODUCT_GRAPH_FILE = "product_subcategories.csv"
TUSHARE_ONLY_FILE = "listed_companies_tushare.csv"  # companies this source lacks (ingest.public.tushare)
PRODUCT_GRAPH_COLUMNS = ["parent", "child"]

COMPANY_COLUMNS = [
    "code",
    "name",
    "fullname",
    "exchange",
    "province",
    "list_date",
    "sw_l1_code",
    "sw_l1",
    "sw_l2_code",
    "sw_l2",
    "sw_l3_code",
    "sw_l3",
    "ts_industry",
]
PRODUCT_COLUMNS = ["code", "product", "share", "rel_weight"]
INDUSTRY_COLUMNS = ["code", "name", "level", "parent_code"]

#: rel_weight value the source uses for products listed without a revenue figure.
PLACEHOLDER_WEIGHT = 0.001

#: Product rows that are accounting lines, not products.
NON_PRODUCTS = frozenset(
    {"平衡项目", "分部间抵销", "调整项目", "抵销", "合并抵销", "内部抵销", "其他", "其他业务", "其他(补充)", "补充"}
)

#: Maximum products kept per company in the excerpt (highest weight first).
MAX_PRODUCTS_PER_COMPANY = 30

EXCHANGE_BY_NAME = {"上海证券交易所": "SH", "深圳证券交易所": "SZ", "北京证券交易所": "BJ"}

PROVINCE_FIX = {"深圳": "广东", "内蒙": "内蒙古"}

_CODE_RE = re.compile(r"^\s*(?:(SH|SZ|BJ)[.]?)?(\d{6})(?:[.](SH|SZ|BJ|SS))?\s*$", re.IGNORECASE)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --------------------------------------------------------------------------
# small pure helpers
# --------------------------------------------------------------------------


def exchange_from_prefix(digits: str) -> str | None:
    """The exchange of a 6-digit A/B-share code, from its prefix.

    >>> exchange_from_prefix("600373"), exchange_from_prefix("301079"), exchange_from_prefix("920019")
    ('SH', 'SZ', 'BJ')
    """
    if digits[:1] in ("5", "6", "9") and digits[:2] != "92":
        return "SH"  # 60/68 A shares, 90 B shares, 5x funds
    if digits[:1] in ("0", "1", "2", "3"):
        return "SZ"  # 00/30 A shares, 20 B shares, 1x funds
    if digits[:1] in ("4", "8") or digits[:2] == "92":
        return "BJ"
    return None


def normalize_code(code: Any, exchange: str | None = None) -> str | None:
    """Normalise a stock code to ``NNNNNN.XX`` (XX in SH/SZ/BJ); None if it is not one.

    The suffix comes from the code itself when it has one, else from
    ``exchange`` (``SH``/``SZ``/``BJ`` or the exchange's Chinese name), else
    from the code prefix.

    >>> normalize_code("301079"), normalize_code("600373.SH"), normalize_code(" 000001.sz ")
    ('301079.SZ', '600373.SH', '000001.SZ')
    >>> normalize_code("688001", "上海证券交易所"), normalize_code("sh600000"), normalize_code("平安银行")
    ('688001.SH', '600000.SH', None)
    """
    if code is None:
        return None
    m = _CODE_RE.match(str(code))
    if not m:
        return None
    digits = m.group(2)
    suffix = (m.group(3) or m.group(1) or "").upper()
    if suffix == "SS":  # Yahoo-style Shanghai suffix
        suffix = "SH"
    if not suffix and exchange:
        ex = str(exchange).strip()
        suffix = EXCHANGE_BY_NAME.get(ex, ex.upper() if ex.upper() in ("SH", "SZ", "BJ") else "")
    if not suffix:
        suffix = exchange_from_prefix(digits) or ""
    return f"{digits}.{suffix}" if suffix else None


def reliable_share(weight: Any) -> float | None:
    """``rel_weight`` as a revenue share when it can be one, else None (unknown).

    Kept only when 0 < w ≤ 1; the source's placeholder 0.001 (a product named
    without a revenue figure) is unknown too.

    >>> [reliable_share(w) for w in (0.51, 1.0, 0.0, -1.3, 1.4, 0.001, None, "x")]
    [0.51, 1.0, None, None, None, None, None, None]
    """
    try:
        w = float(weight)
    except (TypeError, ValueError):
        return None
    if not (0.0 < w <= 1.0) or w == PLACEHOLDER_WEIGHT:
        return None
    return w


def normalize_province(area: str | None) -> str | None:
    """tushare ``area`` -> province short name (深圳 is split out in tushare).

    >>> normalize_province("深圳"), normalize_province("内蒙"), normalize_province("山东"), normalize_province("")
    ('广东', '内蒙古', '山东', None)
    """
    if not area or not area.strip():
        return None
    a = area.strip()
    return PROVINCE_FIX.get(a, a)


def sw_level(code: str) -> int:
    """申万 code level: 1 (``xx0000``), 2 (``xxyy00``) or 3.

    >>> sw_level("270000"), sw_level("270200"), sw_level("270202")
    (1, 2, 3)
    """
    if code.endswith("0000"):
        return 1
    if code.endswith("00"):
        return 2
    return 3


def sw_parent(code: str) -> str | None:
    lvl = sw_level(code)
    if lvl == 3:
        return code[:4] + "00"
    if lvl == 2:
        return code[:2] + "0000"
    return None


# --------------------------------------------------------------------------
# run time: the shipped excerpt
# --------------------------------------------------------------------------


def _read_str_csv(path: str | Path) -> pl.DataFrame:
    """Every cell as text (codes keep their leading zeros); BOM-safe."""
    df = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    if df.columns and df.columns[0].startswith("\ufeff"):
        df = df.rename({df.columns[0]: df.columns[0].lstrip("\ufeff")})
    # empty cells -> null
    return df.with_columns(pl.when(pl.col(c).str.strip_chars() == "").then(None).otherwise(pl.col(c)).alias(c) for c in df.columns)


def load_companies(public_dir: str | Path = PUBLIC_DIR) -> pl.DataFrame:
    """Listed companies (one row per code) from the excerpt; given its folder, also those ChainKnowledgeGraph lacks
    (``TUSHARE_ONLY_FILE``: no 申万 code, see :mod:`ingest.public.tushare`)."""
    path = Path(public_dir)
    df = _read_str_csv(path / COMPANIES_FILE if path.is_dir() else path)
    if path.is_dir() and (path / TUSHARE_ONLY_FILE).is_file():
        df = pl.concat([df, _read_str_csv(path / TUSHARE_ONLY_FILE)], how="diagonal")
    return df.with_columns(pl.col("code").map_elements(normalize_code, return_dtype=pl.Utf8)).filter(pl.col("code").is_not_null()).unique(
        "code", keep="first", maintain_order=True
    )


def load_products(public_dir: str | Path = PUBLIC_DIR) -> pl.DataFrame:
    """Main products: code, product, share (reliable revenue share or null), rel_weight (raw)."""
    path = Path(public_dir)
    if path.is_dir():
        path = path / PRODUCTS_FILE
    df = _read_str_csv(path)
    if "share" not in df.columns:
        df = df.with_columns(pl.col("rel_weight").alias("share"))
    df = df.with_columns(
        pl.col("code").map_elements(normalize_code, return_dtype=pl.Utf8),
        pl.col("share").cast(pl.Float64, strict=False),
    )
    # re-apply the rule in case someone hands over raw weights as `share`
    df = df.with_columns(
        pl.when((pl.col("share") > 0) & (pl.col("share") <= 1) & (pl.col("share") != PLACEHOLDER_WEIGHT))
        .then(pl.col("share"))
        .otherwise(None)
        .alias("share")
    )
    return df.filter(pl.col("code").is_not_null() & pl.col("product").is_not_null())


def load_sw_industries(public_dir: str | Path = PUBLIC_DIR) -> pl.DataFrame:
    path = Path(public_dir)
    if path.is_dir():
        path = path / INDUSTRIES_FILE
    return _read_str_csv(path)


def load_product_graph(public_dir: str | Path = PUBLIC_DIR) -> pl.DataFrame:
    """产品小类 edges (parent, child) of the excerpt; empty when the file is absent."""
    path = Path(public_dir)
    if path.is_dir():
        path = path / PRODUCT_GRAPH_FILE
    if not path.is_file():
        return pl.DataFrame(schema={c: pl.Utf8 for c in PRODUCT_GRAPH_COLUMNS})
    return _read_str_csv(path).select(PRODUCT_GRAPH_COLUMNS).drop_nulls()


def candidate_enterprises(companies: pl.DataFrame) -> pl.DataFrame:
    """Contract ``enterprises`` rows for listed companies (non-local candidates).

    id and listed_code are the normalised stock code; revenue, employees and
    the other figures the source does not have stay empty (shown as 无数据).
    """
    return companies.select(
        pl.col("code").alias("id"),
        pl.col("name"),
        pl.lit(False).alias("local"),
        pl.lit(None, dtype=pl.Utf8).alias("credit_code"),
        pl.col("province"),
        pl.col("code").alias("listed_code"),
        pl.lit("上市").alias("qualifications"),
    )

